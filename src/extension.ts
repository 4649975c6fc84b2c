import * as vscode from 'vscode';
import { ParaForgeContext } from './vscode/context';

let context: ParaForgeContext | undefined;

/** Entry point: builds the one context object that owns every registration. */
export async function activate(extensionContext: vscode.ExtensionContext): Promise<ParaForgeContext> {
  context = await ParaForgeContext.create(extensionContext);
  return context;
}

/** Frees parse trees and ends child processes. */
export function deactivate(): void {
  context?.dispose();
  context = undefined;
}

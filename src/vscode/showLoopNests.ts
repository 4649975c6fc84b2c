import * as vscode from 'vscode';
import type { LoopNest } from '../core/model';
import { findLoopNests } from '../core/parse';
import type { ParaForgeContext } from './context';

/** What the command returns (used by tests and other extensions): the nests shown in the pick list. */
export interface LoopNestItem {
  readonly functionName: string | null;
  readonly line: number;
  readonly endLine: number;
  readonly depth: number;
  readonly kind: string;
  readonly hasParseErrors: boolean;
}

/**
 * `ParaForge: Show Loop Nests`: a QuickPick of the active document's loop nests; choosing one
 * moves the cursor to it. Returns the listed nests without waiting for the choice.
 */
export async function showLoopNests(ctx: ParaForgeContext): Promise<LoopNestItem[] | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('ParaForge: open a C, C++ or CUDA file to list its loop nests.');
    return undefined;
  }
  const parsed = await ctx.trees.get(editor.document);
  if (!parsed) {
    void vscode.window.showInformationMessage(`ParaForge reads C, C++ and CUDA files; this one is '${editor.document.languageId}'.`);
    return undefined;
  }
  const nests = findLoopNests(parsed.tree);
  const items = nests.map(toItem);
  if (nests.length === 0) {
    void vscode.window.showInformationMessage('ParaForge: no loops in this file.');
    return items;
  }
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { nest: LoopNest }>();
  pick.title = 'ParaForge: loop nests';
  pick.placeholder = 'Choose a loop nest to go to it';
  pick.items = nests.map((nest) => ({
    nest,
    label: `$(sync) ${nest.functionName ?? '(file scope)'}: line ${nest.root.range.start.line + 1}`,
    description: `${nest.root.kind}, depth ${nest.depth}`,
    detail: nest.hasParseErrors ? '$(warning) parse errors nearby: ParaForge will not rewrite this loop' : undefined,
  }));
  const document = editor.document;
  pick.onDidAccept(async () => {
    const chosen = pick.selectedItems[0]?.nest;
    pick.hide();
    if (!chosen) return;
    const target = await vscode.window.showTextDocument(document, editor.viewColumn);
    const start = new vscode.Position(chosen.root.range.start.line, chosen.root.range.start.column);
    target.selection = new vscode.Selection(start, start);
    target.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
  return items;
}

function toItem(nest: LoopNest): LoopNestItem {
  return {
    functionName: nest.functionName,
    line: nest.root.range.start.line + 1,
    endLine: nest.root.range.end.line + 1,
    depth: nest.depth,
    kind: nest.root.kind,
    hasParseErrors: nest.hasParseErrors,
  };
}

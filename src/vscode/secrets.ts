import * as vscode from 'vscode';
import type { ParaForgeContext } from './context';

/** SecretStorage key of the OpenAI-compatible endpoint's API key. Never a setting, never logged. */
export const API_KEY_SECRET = 'paraforge.llm.apiKey';

/** Arguments for scripted callers (tests): the key, instead of the password prompt. */
export interface SetApiKeyArgs {
  readonly key?: string;
}

/**
 * `ParaForge: Set API Key`: asks for the key in a password box and keeps it in VS Code's
 * SecretStorage (the OS keychain on desktop). The key is never written to settings or the log;
 * the log says only that a key was stored.
 */
export async function setApiKey(ctx: ParaForgeContext, args?: SetApiKeyArgs): Promise<{ stored: boolean }> {
  const key =
    args?.key ??
    (await vscode.window.showInputBox({
      title: 'ParaForge: API key for the OpenAI-compatible endpoint',
      prompt: 'Stored in VS Code secret storage, never in settings or logs. Leave empty to cancel.',
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'sk-…',
    }));
  if (!key?.trim()) return { stored: false };
  await ctx.extension.secrets.store(API_KEY_SECRET, key.trim());
  ctx.log.info('an API key was stored in secret storage');
  void vscode.window.showInformationMessage('ParaForge: API key stored in secret storage.');
  return { stored: true };
}

/** `ParaForge: Clear API Key`. */
export async function clearApiKey(ctx: ParaForgeContext): Promise<{ cleared: true }> {
  await ctx.extension.secrets.delete(API_KEY_SECRET);
  ctx.log.info('the stored API key was removed');
  return { cleared: true };
}

/** The stored key, for the LLM provider only. */
export function readApiKey(ctx: ParaForgeContext): Thenable<string | undefined> {
  return ctx.extension.secrets.get(API_KEY_SECRET);
}

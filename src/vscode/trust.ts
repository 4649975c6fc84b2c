import * as vscode from 'vscode';

/** What the UI says when something would compile or run in Restricted Mode. */
export const RESTRICTED_MESSAGE =
  'Restricted Mode: ParaForge analyses loops and proposes rewrites here, but compiles and runs nothing until you trust this workspace.';

/** True when ParaForge may compile and run code (and call a language model): the workspace is trusted. */
export function mayRun(): boolean {
  return vscode.workspace.isTrusted;
}

/**
 * Tells the user that running is off in Restricted Mode, with a button that opens VS Code's trust
 * dialog. Resolves without waiting for the choice.
 */
export function explainRestricted(what: string): void {
  void vscode.window.showWarningMessage(`${RESTRICTED_MESSAGE} (${what} was not run.)`, 'Trust Workspace…').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}

/** `ParaForge: Trust This Workspace to Compile and Run`: opens VS Code's Workspace Trust editor. */
export async function manageTrust(): Promise<void> {
  await vscode.commands.executeCommand('workbench.trust.manage');
}

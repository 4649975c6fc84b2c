import * as vscode from 'vscode';
import type { TextEdit } from '../core/model';

/** Arguments of `paraforge.applyLoopEdit`, built by the code actions. */
export interface LoopEditArgs {
  readonly uri: string;
  /** The document version the edits were computed for. */
  readonly version: number;
  /** UTF-16 offsets on the text of that version. */
  readonly edits: readonly TextEdit[];
  /** What the edit does, for messages: "Parallelize loop with OpenMP". */
  readonly title: string;
  /** Shown after applying when the rewrite has not been verified by the runner. */
  readonly unverified: boolean;
}

/** What `paraforge.applyLoopEdit` did; returned for tests and other callers. */
export type LoopEditResult = { readonly applied: true } | { readonly applied: false; readonly reason: string };

/**
 * Applies a rewrite computed by a code action, but only to the version it was computed for.
 * The code actions hand over a command rather than a WorkspaceEdit precisely so this check runs:
 * offsets into an older text would put the pragma in the wrong place.
 */
export async function applyLoopEdit(args: LoopEditArgs | undefined): Promise<LoopEditResult> {
  if (!args) return refuse('ParaForge: this command is run by the loop code actions (the light bulb on a loop).');
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
  if (!document) return refuse(`ParaForge: ${args.uri} is no longer open; run "${args.title}" again.`);
  if (document.version !== args.version) {
    return refuse(
      `ParaForge did not apply "${args.title}": the file changed after the loop was analysed (version ${args.version}, now ${document.version}). Open the light bulb again for a fresh analysis.`,
    );
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of args.edits) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(e.startOffset), document.positionAt(e.endOffset)), e.newText);
  }
  if (!(await vscode.workspace.applyEdit(edit))) return refuse(`ParaForge could not apply "${args.title}" (the editor rejected the edit).`);
  if (args.unverified) {
    void vscode.window.showInformationMessage(
      `ParaForge: applied "${args.title}". Not yet verified: it was not compiled, run against the original or race-checked.`,
    );
  }
  return { applied: true };
}

function refuse(reason: string): LoopEditResult {
  void vscode.window.showWarningMessage(reason);
  return { applied: false, reason };
}

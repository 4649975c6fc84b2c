import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ParaForgeContext } from './context';
import { isVerified, type CandidateResult } from './results';

/** URI scheme of the read-only candidate documents shown on the right of the diff preview. */
export const CANDIDATE_SCHEME = 'paraforge-candidate';

/** Arguments of `paraforge.acceptCandidate` / `paraforge.rejectCandidate`; without them, the candidate in the active diff. */
export interface CandidateArgs {
  readonly id?: string;
  /** Programmatic callers (the chat participant, tests) that already asked the user: skip the second confirmation of an unverified candidate. */
  readonly confirmedUnverified?: boolean;
}

/** What Accept did; returned for callers and tests. */
export type ApplyResult = { readonly applied: true; readonly id: string } | { readonly applied: false; readonly reason: string };

/** The virtual document of a candidate: its whole rewritten text, named after the file. */
export function candidateUri(result: CandidateResult): vscode.Uri {
  const name = path.basename(result.report.file);
  return vscode.Uri.from({ scheme: CANDIDATE_SCHEME, path: `/${result.candidate.id}/${name}`, query: `id=${result.candidate.id}` });
}

function idOf(uri: vscode.Uri | undefined): string | undefined {
  return uri?.scheme === CANDIDATE_SCHEME ? new URLSearchParams(uri.query).get('id') ?? undefined : undefined;
}

/** Serves candidate texts to the diff editor; a candidate document is never saved or edited. */
export function registerCandidateDocuments(ctx: ParaForgeContext): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(CANDIDATE_SCHEME, {
    provideTextDocumentContent: (uri) => ctx.results.get(idOf(uri) ?? '')?.candidate.text ?? '// This ParaForge candidate is no longer available; run Parallelize Selection again.\n',
  });
}

/** The diff editor's title: which file, which candidate, and whether it was verified. */
export function previewTitle(result: CandidateResult): string {
  const ran = result.report.evidence?.verdict;
  const verdict = !ran ? 'NOT VERIFIED' : ran === 'not-run' ? 'NOT RUN, NOT VERIFIED' : ran.toUpperCase();
  return `${path.basename(result.report.file)} ↔ ParaForge ${result.candidate.target} candidate (${verdict === 'VERIFIED' ? 'verified' : verdict})`;
}

/**
 * Opens `vscode.diff` of the document (left, as the user has it) against the candidate (right, a
 * virtual read-only document), and offers Accept / Reject in a notification as well as in the
 * diff editor's title bar. Returns the candidate URI without waiting for the choice.
 */
export async function showCandidateDiff(ctx: ParaForgeContext, result: CandidateResult): Promise<vscode.Uri> {
  const right = candidateUri(result);
  await vscode.commands.executeCommand('vscode.diff', vscode.Uri.parse(result.uri), right, previewTitle(result), { preview: true });
  const verified = isVerified(result);
  const label = verified ? `ParaForge verified this rewrite: ${result.report.evidence!.summary}` : `ParaForge: this rewrite is NOT VERIFIED (${result.report.evidence?.summary ?? result.report.notRunBecause ?? 'not run'}).`;
  void vscode.window.showInformationMessage(label, 'Accept', 'Reject', 'Show Evidence').then((choice) => {
    if (choice === 'Accept') void vscode.commands.executeCommand('paraforge.acceptCandidate', { id: result.candidate.id } satisfies CandidateArgs);
    else if (choice === 'Reject') void vscode.commands.executeCommand('paraforge.rejectCandidate', { id: result.candidate.id } satisfies CandidateArgs);
    else if (choice === 'Show Evidence') void vscode.commands.executeCommand('paraforge.showReport', { id: result.candidate.id });
  });
  ctx.log.info(`diff preview of candidate ${result.candidate.id} (${result.candidate.description})`);
  return right;
}

/** The candidate a command without arguments means: the one in the active diff, else the latest for the active file. */
export function resolveCandidate(ctx: ParaForgeContext, args: CandidateArgs | undefined): CandidateResult | undefined {
  const id = args?.id ?? idOf(vscode.window.activeTextEditor?.document.uri) ?? activeDiffCandidate();
  if (id) return ctx.results.get(id);
  const uri = vscode.window.activeTextEditor?.document.uri.toString();
  return ctx.results.latest(uri);
}

function activeDiffCandidate(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff ? idOf(input.modified) : undefined;
}

/** Closes the diff tabs showing this candidate. */
async function closePreview(id: string): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && idOf(t.input.modified) === id);
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

/**
 * `paraforge.acceptCandidate`: applies a candidate as one WorkspaceEdit (so one undo restores the
 * original exactly), only when the document is still at the version the candidate was made from.
 * An unverified candidate needs a second, explicit confirmation.
 */
export async function acceptCandidate(ctx: ParaForgeContext, args: CandidateArgs | undefined): Promise<ApplyResult> {
  const result = resolveCandidate(ctx, args);
  const refuse = (reason: string): ApplyResult => {
    void vscode.window.showWarningMessage(`ParaForge did not apply the rewrite: ${reason}.`);
    return { applied: false, reason };
  };
  if (!result) return refuse('there is no candidate to apply; run Parallelize Selection first');
  const why = ctx.results.whyNotApplicable(result);
  if (why) return refuse(why);
  if (!isVerified(result) && !args?.confirmedUnverified) {
    const reason = result.report.evidence ? `${result.report.evidence.verdict}: ${result.report.evidence.summary}` : (result.report.notRunBecause ?? 'not run');
    const choice = await vscode.window.showWarningMessage(
      'Apply a rewrite ParaForge has NOT verified?',
      { modal: true, detail: `It was not shown correct by compiling, running and race-checking it (${reason}). You take responsibility for checking it.` },
      'Apply Unverified',
    );
    if (choice !== 'Apply Unverified') return { applied: false, reason: 'the unverified rewrite was not confirmed' };
    // The modal took time: the document may have moved on while it was open.
    const again = ctx.results.whyNotApplicable(result);
    if (again) return refuse(again);
  }
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.uri)!;
  const edit = new vscode.WorkspaceEdit();
  for (const e of result.candidate.edits) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(e.startOffset), document.positionAt(e.endOffset)), e.newText);
  }
  if (!(await vscode.workspace.applyEdit(edit))) return refuse('the editor rejected the edit');
  ctx.log.info(`applied candidate ${result.candidate.id} to ${result.report.file} (${isVerified(result) ? 'verified' : 'NOT verified'})`);
  await closePreview(result.candidate.id);
  ctx.reports.refresh();
  return { applied: true, id: result.candidate.id };
}

/** `paraforge.rejectCandidate`: closes the preview; the candidate stays in its report. */
export async function rejectCandidate(ctx: ParaForgeContext, args: CandidateArgs | undefined): Promise<{ rejected: boolean }> {
  const result = resolveCandidate(ctx, args);
  if (!result) return { rejected: false };
  await closePreview(result.candidate.id);
  ctx.log.info(`rejected candidate ${result.candidate.id}`);
  return { rejected: true };
}

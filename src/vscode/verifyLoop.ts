import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Candidate, EvidenceVerdict, TextEdit } from '../core/model';
import { candidateId } from '../core/pipeline';
import type { Progress } from '../core/ports';
import { formatEvidence, verifyRewrite, type PartEvidence } from '../core/runner';
import { applyEdits } from '../core/transform/openmp';
import { applyLoopEdit, type LoopEditResult } from './applyLoopEdit';
import { acceptCandidate } from './candidatePreview';
import type { ParaForgeContext } from './context';
import { DocumentTrees } from './documents';
import { makeReport } from './results';
import { readSettings } from './settings';
import { explainRestricted, mayRun, RESTRICTED_MESSAGE } from './trust';

/** Title of the code action; tests and the README refer to it. */
export const VERIFY_TITLE = 'Parallelize and verify loop (compile, run, race-check)';

/** URI scheme of the read-only evidence reports. */
export const EVIDENCE_SCHEME = 'paraforge-evidence';

/** Arguments of `paraforge.parallelizeAndVerify`, built by the code action on a parallel loop. */
export interface VerifyLoopArgs {
  readonly uri: string;
  /** The document version the loop was analysed (and `edits` computed) at. */
  readonly version: number;
  /** The OpenMP rewrite of this one loop: the same edits the plain action applies. */
  readonly edits: readonly TextEdit[];
  /** The function holding the loop: what a generated harness drives when the file has no main. */
  readonly functionName: string | null;
  /** 1-based line of the loop, for messages. */
  readonly line: number;
}

/** Arguments of `paraforge.applyVerifiedRewrite`; without them, the active editor's document. */
export interface ApplyVerifiedArgs {
  readonly uri: string;
  /** When given, only a candidate verified at this version is applied. */
  readonly version?: number;
}

/** The runner's verdict, or what stopped it from giving one. */
export type VerifyLoopVerdict = EvidenceVerdict | 'cancelled' | 'refused';

/** What `paraforge.parallelizeAndVerify` returns: the verdict, never an applied edit. */
export interface VerifyLoopResult {
  readonly verdict: VerifyLoopVerdict;
  readonly verified: boolean;
  /** One line: the first failing part's summary, or the verified summary. */
  readonly summary: string;
  /** Verifying never edits; applying is `paraforge.applyVerifiedRewrite`'s job, after the user says so. */
  readonly applied: false;
  /** The evidence of each part the runner judged (the whole program, or the function through a harness). */
  readonly parts: readonly PartEvidence[];
  /** The read-only report of the evidence (a `paraforge-evidence:` URI), when the runner ran. */
  readonly evidenceUri?: string;
  /** The candidate's id in the result store: `paraforge.showReport` opens its report (with Apply). */
  readonly candidateId?: string;
}

/** A rewrite the runner verified, kept until it is applied or the document moves on. */
interface VerifiedCandidate {
  readonly uri: string;
  readonly version: number;
  readonly edits: readonly TextEdit[];
  readonly line: number;
}

/**
 * The verified candidates (the last one per document) and the evidence reports, shown as read-only
 * documents through a content provider: an untitled document would ask to be saved on close.
 */
export class VerifiedRewrites implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly candidates = new Map<string, VerifiedCandidate>();
  private readonly reports = new Map<string, string>();
  private reportCount = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(EVIDENCE_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? 'This ParaForge evidence report is no longer available; verify the loop again.';
  }

  /** Keeps a report and returns its URI. */
  addReport(file: string, line: number, text: string): vscode.Uri {
    // The counter makes each report its own document: VS Code caches a provider's content per URI.
    const uri = vscode.Uri.from({ scheme: EVIDENCE_SCHEME, path: `/${path.basename(file)} line ${line} evidence ${++this.reportCount}.txt` });
    this.reports.set(uri.toString(), text);
    return uri;
  }

  remember(candidate: VerifiedCandidate): void {
    this.candidates.set(candidate.uri, candidate);
  }

  take(uri: string): VerifiedCandidate | undefined {
    const candidate = this.candidates.get(uri);
    this.candidates.delete(uri);
    return candidate;
  }

  peek(uri: string): VerifiedCandidate | undefined {
    return this.candidates.get(uri);
  }

  dispose(): void {
    this.registration.dispose();
    this.candidates.clear();
    this.reports.clear();
  }
}

/**
 * Verifies one loop's OpenMP rewrite without touching the document: rewrites the text of the
 * analysed version in memory and has core's runner compile, run, race-check and time the whole
 * file (its own path, so its includes resolve). Aborting `signal` kills every process the runner
 * started and resolves 'cancelled'. The vscode command wraps this in a cancellable notification;
 * it is a function of its own so the cancel path can be driven without the notification's button.
 */
export async function verifyLoop(
  ctx: ParaForgeContext,
  args: VerifyLoopArgs | undefined,
  options: { readonly signal?: AbortSignal; readonly progress?: Progress } = {},
): Promise<VerifyLoopResult & { candidate?: VerifiedCandidate }> {
  const refused = (summary: string): VerifyLoopResult => ({ verdict: 'refused', verified: false, summary, applied: false, parts: [] });
  if (!args) return refused('this command is run by the loop code action "Parallelize and verify loop" (the light bulb on a loop)');
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
  if (!document) return refused(`${args.uri} is no longer open`);
  // The edits' offsets are into the analysed text: on any other version they would verify (and
  // later apply) a different program than the one the user chose.
  if (document.version !== args.version) {
    return refused(`the file changed after the loop was analysed (version ${args.version}, now ${document.version}); open the light bulb again`);
  }
  const language = DocumentTrees.languageOf(document);
  if (!language) return refused(`ParaForge verifies C, C++ and CUDA files; this one is '${document.languageId}'`);
  if (!mayRun()) return refused(RESTRICTED_MESSAGE);
  const originalText = document.getText();
  const rewrittenText = applyEdits(originalText, args.edits);
  const file = document.uri.scheme === 'file' ? document.uri.fsPath : path.resolve(path.basename(document.fileName));
  const settings = readSettings(document);
  ctx.log.info(`verifying the OpenMP rewrite of the loop at ${file}:${args.line} (threads ${settings.verifyThreads.join(',')}, ${settings.verifyCompiler})`);
  let verification: Awaited<ReturnType<typeof verifyRewrite>>;
  try {
    verification = await verifyRewrite(
      { path: file, language, originalText, rewrittenText, functions: args.functionName ? [args.functionName] : [] },
      { threads: settings.verifyThreads, compiler: settings.verifyCompiler },
      { signal: options.signal, log: ctx.log, progress: options.progress, session: ctx.session },
    );
  } catch (e) {
    // The runner rejects on cancellation only after it has killed its process trees.
    if (options.signal?.aborted) {
      ctx.log.info(`verification of ${file}:${args.line} cancelled`);
      return { verdict: 'cancelled', verified: false, summary: 'verification cancelled; nothing was applied', applied: false, parts: [] };
    }
    ctx.log.error(`verification of ${file}:${args.line} failed: ${(e as Error).stack ?? e}`);
    return { verdict: 'not-run', verified: false, summary: `the runner could not verify it: ${(e as Error).message}`, applied: false, parts: [] };
  }
  const { parts } = verification;
  if (parts.length === 0) {
    // No main and no enclosing function: there is nothing the runner could execute.
    return { verdict: 'not-run', verified: false, summary: 'the file has no main and the loop is in no function, so nothing can run it', applied: false, parts };
  }
  const report = [
    `ParaForge evidence: OpenMP rewrite of the loop at ${path.basename(file)}:${args.line} (document version ${args.version})`,
    `Verdict: ${verification.verified ? 'VERIFIED' : 'NOT VERIFIED: nothing was applied'}`,
    '',
    ...parts.map((p) => formatEvidence(p.functionName ? `${file} (${p.functionName})` : file, p.evidence)),
  ].join('\n');
  ctx.log.info(report);
  const evidenceUri = ctx.verifiedRewrites.addReport(file, args.line, report).toString();
  const deciding = parts.find((p) => p.evidence.verdict !== 'verified') ?? parts[0];
  // The same result goes to the store the report webview reads, so "Show Evidence" can offer Apply.
  const candidate: Candidate = {
    id: candidateId('openmp', 'rules', originalText, rewrittenText, args.edits),
    target: 'openmp',
    origin: 'rules',
    parent: null,
    source: { path: document.uri.scheme === 'file' ? file : null, language, text: originalText, version: args.version },
    region: { functionName: deciding.functionName, range: null },
    text: rewrittenText,
    edits: args.edits,
    description: `OpenMP rewrite of the loop at line ${args.line}${args.functionName ? ` of ${args.functionName}` : ''}`,
    operator: 'openmp-proven',
  };
  ctx.results.add({ candidate, uri: args.uri, report: makeReport(candidate, { ...deciding.evidence, candidateId: candidate.id }, { engine: 'rules' }) });
  const result = { verdict: deciding.evidence.verdict, verified: verification.verified, summary: deciding.evidence.summary, applied: false as const, parts, evidenceUri, candidateId: candidate.id };
  return verification.verified ? { ...result, candidate: { uri: args.uri, version: args.version, edits: args.edits, line: args.line } } : result;
}

/**
 * `paraforge.parallelizeAndVerify`: verifies the loop's rewrite under a cancellable notification,
 * reports the evidence, and offers "Apply" only when the verdict is 'verified'. Returns without
 * waiting for the user's choice, so callers (and tests) get the verdict at once.
 */
export async function parallelizeAndVerify(ctx: ParaForgeContext, args: VerifyLoopArgs | undefined): Promise<VerifyLoopResult> {
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ParaForge: verifying the loop at line ${args?.line ?? '?'}`, cancellable: true },
    async (progress, token) => {
      // Core knows AbortSignals, not CancellationTokens; aborting kills the runner's process trees.
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort(new Error('verification cancelled')));
      try {
        return await verifyLoop(ctx, args, { signal: controller.signal, progress: { report: (message) => progress.report({ message }) } });
      } finally {
        subscription.dispose();
      }
    },
  );
  const { candidate, ...result } = outcome;
  // The report webview, not the plain-text log: it keeps Apply available until the document changes.
  const showEvidence = () => result.candidateId && vscode.commands.executeCommand('paraforge.showReport', { id: result.candidateId });
  if (candidate) {
    ctx.verifiedRewrites.remember(candidate);
    void vscode.window.showInformationMessage(`ParaForge verified the loop at line ${candidate.line}: ${result.summary}`, 'Apply', 'Show Evidence').then((choice) => {
      if (choice === 'Apply') void vscode.commands.executeCommand('paraforge.applyVerifiedRewrite', { uri: candidate.uri, version: candidate.version } satisfies ApplyVerifiedArgs);
      else if (choice === 'Show Evidence') void showEvidence();
    });
  } else if (result.verdict === 'refused' && !mayRun()) {
    explainRestricted('verification');
  } else if (result.verdict === 'cancelled') {
    void vscode.window.showInformationMessage(`ParaForge: ${result.summary}.`);
  } else {
    const buttons = result.evidenceUri ? ['Show Evidence'] : [];
    void vscode.window.showWarningMessage(`ParaForge: not applied: ${result.verdict} — ${result.summary}`, ...buttons).then((choice) => {
      if (choice === 'Show Evidence') void showEvidence();
    });
  }
  return result;
}

/**
 * `paraforge.applyVerifiedRewrite` (internal; the "Apply" button runs it): applies the document's
 * last verified candidate through the version-checked path, so nothing lands on a changed file.
 */
export async function applyVerifiedRewrite(ctx: ParaForgeContext, args: ApplyVerifiedArgs | undefined): Promise<LoopEditResult> {
  const uri = args?.uri ?? vscode.window.activeTextEditor?.document.uri.toString();
  const candidate = uri ? ctx.verifiedRewrites.peek(uri) : undefined;
  if (!args && !candidate) {
    // From the palette: any verified candidate still at its document's version (Parallelize Selection's too).
    const applicable = ctx.results.applicable().filter((r) => !uri || r.uri === uri);
    const choice = applicable.length <= 1 ? applicable[0] : await vscode.window.showQuickPick(
      applicable.map((r) => ({ label: r.candidate.description, description: `${path.basename(r.report.file)} · ${r.report.evidence?.summary ?? ''}`, r })),
      { title: 'ParaForge: apply which verified rewrite?' },
    ).then((p) => p?.r);
    if (choice) return acceptCandidate(ctx, { id: choice.candidate.id }).then((r) => (r.applied ? { applied: true as const } : { applied: false as const, reason: r.reason }));
  }
  if (!uri || !candidate) {
    const reason = 'ParaForge: no verified rewrite to apply for this file; run Parallelize Selection or "Parallelize and verify loop" first.';
    void vscode.window.showWarningMessage(reason);
    return { applied: false, reason };
  }
  if (args?.version !== undefined && args.version !== candidate.version) {
    const reason = `ParaForge: the rewrite verified at version ${args.version} was superseded by one verified at version ${candidate.version}.`;
    void vscode.window.showWarningMessage(reason);
    return { applied: false, reason };
  }
  const result = await applyLoopEdit({ uri, version: candidate.version, edits: candidate.edits, title: VERIFY_TITLE, unverified: false });
  // Applied, or refused because the document changed: either way this candidate can never apply again.
  ctx.verifiedRewrites.take(uri);
  return result;
}

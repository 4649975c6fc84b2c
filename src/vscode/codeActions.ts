import * as vscode from 'vscode';
import type { LoopVerdict, TextEdit } from '../core/model';
import type { LoopEditArgs } from './applyLoopEdit';
import type { ParaForgeContext } from './context';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { ExplainArgs } from './explainLoop';
import { loopLabel } from './loopText';
import type { LoopVerdicts } from './loopVerdicts';
import type { ParallelizeArgs } from './parallelizeSelection';
import { VERIFY_TITLE, type VerifyLoopArgs } from './verifyLoop';

/** Kind of the "Why is this loop not parallel?" action: it explains, it does not edit. */
export const EXPLAIN_KIND = vscode.CodeActionKind.Empty.append('paraforge').append('explain');

/** Said in every rewrite's title until the runner has compiled, run and race-checked it. */
export const UNVERIFIED = '(not yet verified)';

/** Title of the main rewrite; tests and the README refer to it. */
export const PARALLELIZE_TITLE = 'Parallelize loop with OpenMP';

/**
 * Code actions on loops: the OpenMP rewrite (refactor.rewrite), the same rewrite verified by the
 * runner before it is offered for applying, a separately labelled rewrite under
 * assumptions the analysis could not prove, "Why is this loop not parallel?", and the quick fix
 * that adds a racy pragma's missing clauses. Every edit goes through `paraforge.applyLoopEdit`,
 * which refuses it if the document changed after the analysis.
 */
class LoopCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.RefactorRewrite, vscode.CodeActionKind.QuickFix, EXPLAIN_KIND],
  };

  constructor(private readonly ctx: ParaForgeContext) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    // A pragma sits on the line(s) above its loop: look one line further so a request on the
    // pragma (the race warning's range) finds the loop below it.
    const window = { startLine: range.start.line, endLine: range.end.line + 1 };
    let analysed: Awaited<ReturnType<LoopVerdicts['inWindow']>>;
    try {
      analysed = await this.ctx.verdicts.inWindow(document, window);
    } catch (e) {
      // An analysis bug must not break the light bulb for other providers: log it, offer nothing.
      this.ctx.log.error(`code actions for ${document.uri.fsPath}:${range.start.line + 1}: ${(e as Error).stack ?? e}`);
      return [];
    }
    if (!analysed || token.isCancellationRequested || analysed.parsed.version !== document.version) return [];
    const { parsed } = analysed;
    const actions: vscode.CodeAction[] = [];
    const only = context.only;
    const wants = (kind: vscode.CodeActionKind) => !only || only.contains(kind) || kind.contains(only);
    const under = analysed.verdicts.filter((v) => isUnder(v, range));
    // A selection over several loops (the whole file, say) gets one action for all of them rather
    // than a list of look-alike per-loop entries; the per-loop actions are a cursor away.
    if (!range.isEmpty && under.length > 1) return this.forSelection(document, range, under, parsed, wants);
    for (const verdict of under) {
      const line = verdict.nest.root.range.start.line;
      const which = loopLabel(verdict);
      if (verdict.existingPragma && verdict.existingPragma.missingClauses.length > 0 && wants(vscode.CodeActionKind.QuickFix)) {
        const clauses = verdict.existingPragma.missingClauses.join(' ');
        const edits = this.ctx.engine.fixRace(parsed, verdict);
        if (edits.length > 0) {
          const title = `Add \`${clauses}\` to the OpenMP pragma ${UNVERIFIED}`;
          const action = this.rewrite(title, vscode.CodeActionKind.QuickFix, document, edits);
          action.diagnostics = ours.filter((d) => d.range.start.line >= verdict.existingPragma!.range.start.line && d.range.start.line <= line);
          action.isPreferred = true;
          actions.push(action);
        }
      }
      if (verdict.verdict === 'parallel' && !verdict.existingPragma && wants(vscode.CodeActionKind.RefactorRewrite)) {
        const edits = this.ctx.engine.parallelize(parsed, verdict);
        // Once the runner verified exactly these edits at this version, the action says so and
        // applies that candidate (its report has the evidence) instead of offering to verify again.
        const verified = edits.length > 0 ? this.verifiedCandidate(document, edits) : undefined;
        if (verified) {
          const action = new vscode.CodeAction(`${PARALLELIZE_TITLE} at ${which} (verified)`, vscode.CodeActionKind.RefactorRewrite);
          action.command = { command: 'paraforge.acceptCandidate', title: action.title, arguments: [{ id: verified }] };
          action.isPreferred = true;
          actions.push(action);
        } else if (edits.length > 0) {
          actions.push(this.rewrite(`${PARALLELIZE_TITLE} at ${which} ${UNVERIFIED}`, vscode.CodeActionKind.RefactorRewrite, document, edits));
          // The same edits, judged by the runner first; it applies nothing unless they are verified.
          const verify = new vscode.CodeAction(`${VERIFY_TITLE} at ${which}`, vscode.CodeActionKind.RefactorRewrite);
          const args: VerifyLoopArgs = { uri: document.uri.toString(), version: document.version, edits, functionName: verdict.nest.functionName, line: line + 1 };
          verify.command = { command: 'paraforge.parallelizeAndVerify', title: verify.title, arguments: [args] };
          actions.push(verify);
        }
      }
      if (verdict.verdict === 'not-parallel' && verdict.assumptions.length > 0 && !verdict.existingPragma && wants(vscode.CodeActionKind.RefactorRewrite)) {
        const assumed = this.ctx.engine.parallelizeAssuming(parsed, verdict);
        if (assumed && assumed.edits.length > 0) {
          actions.push(this.rewrite(`Parallelize assuming ${assumed.assumption} at ${which} ${UNVERIFIED}`, vscode.CodeActionKind.RefactorRewrite, document, assumed.edits));
        }
      }
      if (verdict.verdict !== 'parallel' && wants(EXPLAIN_KIND)) {
        const action = new vscode.CodeAction(`Why is this loop not parallel? (${which})`, EXPLAIN_KIND);
        const args: ExplainArgs = { uri: document.uri.toString(), line };
        action.command = { command: 'paraforge.explainLoop', title: action.title, arguments: [args] };
        actions.push(action);
      }
    }
    return actions;
  }

  /** The id of a verified candidate of this document version made of exactly `edits`, if any. */
  private verifiedCandidate(document: vscode.TextDocument, edits: readonly TextEdit[]): string | undefined {
    const key = JSON.stringify(edits);
    return this.ctx.results.applicable().find((r) => r.uri === document.uri.toString() && r.candidate.source.version === document.version && JSON.stringify(r.candidate.edits) === key)?.candidate.id;
  }

  /** One combined rewrite (and one verified run) for a selection over several loops. */
  private forSelection(
    document: vscode.TextDocument,
    range: vscode.Range,
    verdicts: readonly import('../core/model').LoopVerdict[],
    parsed: Parameters<ParaForgeContext['engine']['parallelize']>[0],
    wants: (kind: vscode.CodeActionKind) => boolean,
  ): vscode.CodeAction[] {
    if (!wants(vscode.CodeActionKind.RefactorRewrite)) return [];
    const parallel = verdicts.filter((v) => v.verdict === 'parallel' && !v.existingPragma);
    const edits = parallel.flatMap((v) => this.ctx.engine.parallelize(parsed, v));
    const actions: vscode.CodeAction[] = [];
    const lines = parallel.map((v) => v.nest.root.range.start.line + 1).join(', ');
    if (edits.length > 0) {
      actions.push(this.rewrite(`${PARALLELIZE_TITLE}: ${parallel.length} of ${verdicts.length} loops in the selection (lines ${lines}) ${UNVERIFIED}`, vscode.CodeActionKind.RefactorRewrite, document, edits));
    }
    const run = new vscode.CodeAction(`Parallelize Selection and verify (${verdicts.length} loops)…`, vscode.CodeActionKind.RefactorRewrite);
    const args: ParallelizeArgs = { uri: document.uri.toString(), lines: { start: range.start.line, end: range.end.line } };
    run.command = { command: 'paraforge.parallelizeSelection', title: run.title, arguments: [args] };
    actions.push(run);
    return actions;
  }

  /** An action whose edit is applied by `paraforge.applyLoopEdit`, only at this document version. */
  private rewrite(title: string, kind: vscode.CodeActionKind, document: vscode.TextDocument, edits: readonly TextEdit[]): vscode.CodeAction {
    const action = new vscode.CodeAction(title, kind);
    const args: LoopEditArgs = { uri: document.uri.toString(), version: document.version, edits, title, unverified: true };
    action.command = { command: 'paraforge.applyLoopEdit', title, arguments: [args] };
    return action;
  }
}

/** True when the requested range touches the nest or the pragma above it. */
function isUnder(verdict: LoopVerdict, range: vscode.Range): boolean {
  const start = Math.min(verdict.nest.root.range.start.line, verdict.existingPragma?.range.start.line ?? Infinity);
  return range.start.line <= verdict.nest.root.range.end.line && range.end.line >= start;
}

/** Registers the loop code actions for C, C++ and CUDA files (on disk and unsaved). */
export function registerCodeActions(ctx: ParaForgeContext): vscode.Disposable {
  const selector: vscode.DocumentSelector = ['c', 'cpp', 'cuda-cpp'].map((language) => ({ language }));
  return vscode.languages.registerCodeActionsProvider(selector, new LoopCodeActions(ctx), LoopCodeActions.metadata);
}

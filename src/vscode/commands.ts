import * as vscode from 'vscode';
import { applyLoopEdit, type LoopEditArgs } from './applyLoopEdit';
import { acceptCandidate, rejectCandidate, type CandidateArgs } from './candidatePreview';
import type { ParaForgeContext } from './context';
import { explainLoop, type ExplainArgs } from './explainLoop';
import { loopRowTarget, revealLoop, type LoopItem, type LoopRowArgs } from './loopsView';
import { parallelizeSelection, type ParallelizeArgs } from './parallelizeSelection';
import { exportEvidence, showReport, type ExportArgs, type ShowReportArgs } from './reportPanel';
import { clearApiKey, setApiKey, type SetApiKeyArgs } from './secrets';
import { showLoopNests } from './showLoopNests';
import { manageTrust } from './trust';
import { applyVerifiedRewrite, parallelizeAndVerify, type ApplyVerifiedArgs, type VerifyLoopArgs } from './verifyLoop';

/**
 * The one command table: every `paraforge.*` command and what runs it. Commands listed in
 * package.json appear in the palette unless hidden there; the hidden ones (`applyLoopEdit`,
 * `parallelizeAndVerify`, `acceptCandidate`/`rejectCandidate` outside a diff, the Loops view's row
 * actions, `exportEvidence`) take arguments the palette cannot give.
 */
export function createCommands(ctx: ParaForgeContext): Record<string, (...args: unknown[]) => unknown> {
  return {
    'paraforge.parallelizeSelection': (args?: unknown) => parallelizeSelection(ctx, (args as ParallelizeArgs | undefined) ?? {}),
    'paraforge.showLoopNests': () => showLoopNests(ctx),
    'paraforge.explainLoop': (args?: unknown) => explainLoop(ctx, args as ExplainArgs | undefined),
    'paraforge.applyLoopEdit': (args?: unknown) => applyLoopEdit(args as LoopEditArgs | undefined),
    'paraforge.parallelizeAndVerify': (args?: unknown) => parallelizeAndVerify(ctx, args as VerifyLoopArgs | undefined),
    'paraforge.applyVerifiedRewrite': (args?: unknown) => applyVerifiedRewrite(ctx, args as ApplyVerifiedArgs | undefined),
    'paraforge.showReport': (args?: unknown) => showReport(ctx, args as ShowReportArgs | undefined),
    'paraforge.exportEvidence': (args?: unknown) => exportEvidence(ctx, args as ExportArgs),
    'paraforge.acceptCandidate': (args?: unknown) => acceptCandidate(ctx, args as CandidateArgs | undefined),
    'paraforge.rejectCandidate': (args?: unknown) => rejectCandidate(ctx, args as CandidateArgs | undefined),
    'paraforge.cancelRuns': () => ({ cancelled: ctx.runs.cancelAll() }),
    'paraforge.setApiKey': (args?: unknown) => setApiKey(ctx, args as SetApiKeyArgs | undefined),
    'paraforge.clearApiKey': () => clearApiKey(ctx),
    'paraforge.manageTrust': () => manageTrust(),
    'paraforge.openSettings': () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:paraforge.paraforge'),
    'paraforge.loops.refresh': () => ctx.loopsView.refresh(),
    'paraforge.loops.reveal': (args?: unknown) => revealLoop(args as LoopRowArgs),
    'paraforge.loops.parallelize': (arg?: unknown) => {
      const target = loopRowTarget(arg as LoopItem | LoopRowArgs | undefined);
      return parallelizeSelection(ctx, target ? { uri: target.uri, lines: { start: target.start, end: target.end } } : {});
    },
    'paraforge.loops.explain': (arg?: unknown) => {
      const target = loopRowTarget(arg as LoopItem | LoopRowArgs | undefined);
      return explainLoop(ctx, target ? { uri: target.uri, line: target.start } : undefined);
    },
  };
}

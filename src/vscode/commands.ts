import { applyLoopEdit, type LoopEditArgs } from './applyLoopEdit';
import type { ParaForgeContext } from './context';
import { explainLoop, type ExplainArgs } from './explainLoop';
import { showLoopNests } from './showLoopNests';
import { applyVerifiedRewrite, parallelizeAndVerify, type ApplyVerifiedArgs, type VerifyLoopArgs } from './verifyLoop';

/**
 * The one command table: every `paraforge.*` command and what runs it. Commands listed in
 * package.json appear in the palette; `paraforge.applyLoopEdit`, `paraforge.parallelizeAndVerify` (run by
 * code actions) and `paraforge.applyVerifiedRewrite` (its "Apply" button) take arguments the palette cannot give.
 */
export function createCommands(ctx: ParaForgeContext): Record<string, (...args: unknown[]) => unknown> {
  return {
    'paraforge.showLoopNests': () => showLoopNests(ctx),
    'paraforge.explainLoop': (args?: unknown) => explainLoop(ctx, args as ExplainArgs | undefined),
    'paraforge.applyLoopEdit': (args?: unknown) => applyLoopEdit(args as LoopEditArgs | undefined),
    'paraforge.parallelizeAndVerify': (args?: unknown) => parallelizeAndVerify(ctx, args as VerifyLoopArgs | undefined),
    'paraforge.applyVerifiedRewrite': (args?: unknown) => applyVerifiedRewrite(ctx, args as ApplyVerifiedArgs | undefined),
  };
}

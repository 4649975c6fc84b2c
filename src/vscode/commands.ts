import { applyLoopEdit, type LoopEditArgs } from './applyLoopEdit';
import type { ParaForgeContext } from './context';
import { explainLoop, type ExplainArgs } from './explainLoop';
import { showLoopNests } from './showLoopNests';

/**
 * The one command table: every `paraforge.*` command and what runs it. Commands listed in
 * package.json appear in the palette; `paraforge.applyLoopEdit` is internal (run by code actions).
 */
export function createCommands(ctx: ParaForgeContext): Record<string, (...args: unknown[]) => unknown> {
  return {
    'paraforge.showLoopNests': () => showLoopNests(ctx),
    'paraforge.explainLoop': (args?: unknown) => explainLoop(ctx, args as ExplainArgs | undefined),
    'paraforge.applyLoopEdit': (args?: unknown) => applyLoopEdit(args as LoopEditArgs | undefined),
  };
}

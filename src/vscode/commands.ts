import type { ParaForgeContext } from './context';
import { showLoopNests } from './showLoopNests';

/** The one command table: every `paraforge.*` command and what runs it. */
export function createCommands(ctx: ParaForgeContext): Record<string, (...args: unknown[]) => unknown> {
  return {
    'paraforge.showLoopNests': () => showLoopNests(ctx),
  };
}

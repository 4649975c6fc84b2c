import { analyzeLoops } from '../core/analysis';
import { addClausesEdits, parallelizeAssumingEdits, parallelizeEdits } from '../core/transform/openmp';
import type { LoopEngine } from './engine';

/** The LoopEngine backed by core's analysis and OpenMP rewriter. */
export function createCoreEngine(): LoopEngine {
  return {
    analyze: (parsed, window) => analyzeLoops(parsed.tree, parsed.language, parsed.text, window),
    parallelize: (parsed, verdict) => parallelizeEdits(verdict, parsed.text),
    parallelizeAssuming: (parsed, verdict) => {
      const edits = parallelizeAssumingEdits(verdict, parsed.text, parsed.language);
      if (edits.length === 0) return undefined;
      const keyword = parsed.language === 'c' ? 'restrict' : '__restrict__';
      const what = verdict.assumptions.map((a) => a.message.replace(/^safe if /, '')).join(' and ');
      return { assumption: `${what} (adds ${keyword})`, edits };
    },
    fixRace: (parsed, verdict) => addClausesEdits(verdict, parsed.text),
  };
}

import { Parser, type Node, type Tree } from 'web-tree-sitter';
import { analyzeLoops } from '../../analysis';
import type { LoopVerdict } from '../../model';
import { interchangeLoops } from '../../transform/interchange';
import { forLoopAt, perfectlyNestedLoop, withoutOmpPragmas } from '../../transform/interchangeSyntax';
import { stripMine } from '../../transform/tiling';
import type { MutationInput, MutationOperator } from './mutations';

/**
 * Deterministic loop transformations as evolve mutations: interchange (the parallel inner loop of a
 * 2-level perfect nest goes outermost) and strip-mining of a parallel loop into tiles. Legality is
 * read from the analysis of the parent candidate (transform/interchange, transform/tiling refuse
 * whatever the facts do not prove); the child still goes through the clause check and the gate.
 */

function parallelAt(verdicts: readonly LoopVerdict[], loopStart: number): LoopVerdict | null {
  return verdicts.find((v) => v.verdict === 'parallel' && v.parallelRange?.startOffset === loopStart && v.facts?.range.startOffset === loopStart) ?? null;
}

/** The analysis verdict of the loop at `loopStart` with the candidate's pragmas in place (their clauses checked), when parallel. */
function parallelVerdictAt(input: MutationInput, loopStart: number): LoopVerdict | null {
  return parallelAt(analyzeLoops(input.tree, input.language, input.text), loopStart);
}

/** The verdict of the loop at `loopStart` in the nest as written without omp pragmas (same offsets), when parallel. */
function bareVerdictAt(input: MutationInput, loopStart: number): LoopVerdict | null {
  const bare = withoutOmpPragmas(input.text);
  // A parser for the candidate tree's own grammar: synchronous (the runtime is loaded), like the operators.
  const parser = new Parser();
  let tree: Tree | null = null;
  try {
    parser.setLanguage(input.tree.language);
    tree = parser.parse(bare);
    return tree ? parallelAt(analyzeLoops(tree, input.language, bare), loopStart) : null;
  } finally {
    tree?.delete();
    parser.delete();
  }
}

/** The for loop whose body is only the loop at `innerStart` (pragma lines aside). */
function enclosingPerfectLoop(tree: Tree, innerStart: number): Node | null {
  const inner = forLoopAt(tree, innerStart);
  let p = inner?.parent ?? null;
  if (p?.type === 'compound_statement') p = p.parent;
  return p && p.type === 'for_statement' && perfectlyNestedLoop(p)?.startIndex === innerStart ? p : null;
}

/** Interchanges a 2-level perfect nest whose pragma sits on the inner loop, when the facts prove it legal. */
export const interchangeOp: MutationOperator = {
  name: 'interchange',
  apply(input) {
    const outer = enclosingPerfectLoop(input.tree, input.site.loopStart);
    const verdict = outer ? bareVerdictAt(input, input.site.loopStart) : null;
    if (!outer || !verdict) return null;
    const r = interchangeLoops(input.text, input.tree, outer.startIndex, verdict);
    return r.ok ? { text: r.text, description: `${r.description} at line ${outer.startPosition.row + 1}` } : null;
  },
};

const TILE_SIZES = [8, 32, 128, 512] as const;

/** Strip-mines a parallel loop into tiles of a drawn size (each thread then runs whole tiles). */
export const tilingOp: MutationOperator = {
  name: 'tiling',
  apply(input) {
    const verdict = parallelVerdictAt(input, input.site.loopStart);
    if (!verdict) return null;
    const r = stripMine(input.text, input.tree, input.site.loopStart, verdict, input.rng.pick(TILE_SIZES));
    return r.ok ? { text: r.text, description: `${r.description} at line ${input.site.line}`, skipFactsCheck: true } : null;
  },
};

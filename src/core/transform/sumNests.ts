import type { Node, Tree } from 'web-tree-sitter';
import type { AnalysisContext } from '../analysis/levelAnalysis';
import { codeChildren, contains } from '../analysis/syntax';
import type { LanguageId, LoopVerdict, Reason, TextEdit } from '../model';
import { nodeRange } from '../parse';
import { soundIndex } from '../analysis/soundIndex';
import { columnSweepOf } from './columnSweep';
import { forLoopAt } from './interchangeSyntax';
import { reorderableLoop } from './reorderProof';
import { jamPays, outerJamEdits, outerJamSafe, unrollJamEdit } from './unrollJam';
import { innerSimdEdits } from './innerSimd';
import { constantTrips, laneConflict, laneSimdEdits } from './laneSimd';

/** How deep a jammed k nest may be (a 2-D filter's two loops, or three). */
const MAX_NEST = 3;

/** `#include <stdlib.h>` (C) or `<cstdlib>` (C++) at the top of the file, or nothing when it is there. */
function includeEdit(text: string, language: LanguageId): TextEdit[] {
  const header = language === 'cpp' ? 'cstdlib' : 'stdlib.h';
  if (new RegExp(`^[ \\t]*#[ \\t]*include[ \\t]*<${header.replace('.', '\\.')}>`, 'm').test(text)) return [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return [{ startOffset: 0, endOffset: 0, newText: `#include <${header}>${eol}` }];
}

/**
 * True when the file has its own `malloc` or `free` (a macro, a function, a variable, or a
 * preprocessor line naming one): the column sweep's per-thread buffers would come from it, and a
 * pool that hands every caller the same block makes them one buffer.
 */
function namesAllocator(ctx: AnalysisContext, loop: Node): boolean {
  const ix = soundIndex(ctx.file, ctx.resolver, loop);
  return ['malloc', 'free'].some((f) => ix.macros.has(f) || ix.functionDefs.has(f) || ix.mentionedByDirective(f) || ctx.resolver.resolve(f, loop) !== null);
}

/**
 * The verdict of a parallel loop (its for loop found in `tree`), with the exact reorderings of the
 * sum nests directly in its body added: a column sweep where a read is strided in k
 * (transform/columnSweep), else lanes across j over a constant filter (transform/laneSimd), else
 * an unroll-and-jam of a floating sum (transform/unrollJam); then `omp simd` on the inner loops
 * left alone (transform/innerSimd; the only one for loops of a hoisted region). The edits go into
 * `sweepEdits` (applied with the pragma), one note each; unchanged when none applies.
 */
export function withSumNestRewrites(verdict: LoopVerdict, tree: Tree, text: string, language: LanguageId, ctx: AnalysisContext): LoopVerdict {
  const facts = verdict.facts;
  const c = verdict.clauses;
  if ((language !== 'c' && language !== 'cpp') || verdict.verdict !== 'parallel' || !facts || !c || c.collapse !== 1 || c.simd) return verdict;
  if (verdict.argReductions?.length || verdict.vectorBins?.length || verdict.existingPragma || verdict.partOfRegion) return verdict;
  const loop = verdict.parallelRange ? forLoopAt(tree, verdict.parallelRange.startOffset) : null;
  const body = loop?.childForFieldName('body');
  if (!loop || !body) return verdict;
  const resolver = ctx.resolver;
  const edits: TextEdit[] = [];
  const notes: Reason[] = [];
  const rewritten: Node[] = [];
  let malloc = false;
  const ownAllocator = namesAllocator(ctx, loop);
  // A hoisted region's loops get only the inner simd, all made by its first loop's verdict.
  const sums = verdict.region || body.type !== 'compound_statement' ? [] : codeChildren(body).filter((n) => n.type === 'for_statement');
  for (const l of sums) {
    const proof = reorderableLoop(l, language, facts, resolver, verdict.runtimeCheck ?? null, MAX_NEST);
    if (!proof.ok) continue;
    const j = proof.loop.hj.varName;
    const sweep = columnSweepOf(l, text, language, facts, proof.loop);
    const trips = constantTrips(proof.loop.ks, resolver);
    if (sweep.ok && !ownAllocator) {
      malloc = true;
      rewritten.push(l);
      edits.push(sweep.edit);
      notes.push({
        code: 'column-sweep',
        message: `the \`${j}\` loop runs column by column (its sum kept in a buffer, one entry per iteration, and the loop inside swapped outward) so that ${sweep.description} is read with unit stride; each sum adds the same terms in the same order, so the result is identical`,
        range: nodeRange(l),
      });
    } else if (jamPays(proof.loop) && trips && !laneConflict(l, proof.loop, facts, resolver)) {
      rewritten.push(l);
      edits.push(...laneSimdEdits(l, text, proof.loop, trips));
      notes.push({
        code: 'lane-simd',
        message: `the \`${j}\` loop is vectorised across its iterations (\`omp simd\`, the loop${proof.loop.ks.length > 1 ? 's' : ''} inside, of ${trips.join('x')} trips, unrolled completely): each lane computes one \`${proof.loop.s}\` with the same terms in the same order, so the result is identical`,
        range: nodeRange(l),
      });
    } else if (jamPays(proof.loop)) {
      rewritten.push(l);
      edits.push(unrollJamEdit(l, text, proof.loop, resolver));
      notes.push({
        code: 'unroll-jam',
        message: `the \`${j}\` loop computes four of its \`${proof.loop.s}\` sums at once (unroll-and-jam by 4), so four chains of floating additions overlap instead of waiting on each other; each sum adds the same terms in the same order, so the result is identical`,
        range: nodeRange(l),
      });
    }
  }
  if (!edits.length && !verdict.region && !c.reduction.length && !c.private.length && !c.lastprivate.length && !verdict.headerEdits?.length && !verdict.runtimeCheck) {
    // The parallel loop itself is the sum nest (a row of dot products): its blocks of four are jammed.
    const proof = reorderableLoop(loop, language, facts, resolver, null, MAX_NEST);
    if (proof.ok && jamPays(proof.loop) && outerJamSafe(proof.loop, resolver)) {
      edits.push(...outerJamEdits(loop, text, proof.loop, resolver));
      notes.push({
        code: 'unroll-jam',
        message: `the parallel \`${proof.loop.hj.varName}\` loop runs in blocks of four iterations, each computing its four \`${proof.loop.s}\` sums at once (unroll-and-jam by 4), so four chains of floating additions overlap instead of waiting on each other; each sum adds the same terms in the same order, so the result is identical`,
        range: nodeRange(loop),
      });
      rewritten.push(loop);
    }
  }
  // Inner loops left as they were: `omp simd` where vector code is proven exact and pays.
  const worksharing = verdict.region ? verdict.region.loops.map((l) => forLoopAt(tree, l.range.startOffset)).filter((l) => l !== null) : [loop];
  for (const w of worksharing) {
    // The first loop's facts cover only its own body; the region's other loops go without the cheap first look.
    const wFacts = w.id === loop.id ? facts : null;
    const inner = innerSimdEdits(ctx, w, wFacts, text, (l) => rewritten.some((r) => contains(r, l)));
    edits.push(...inner.edits);
    notes.push(...inner.notes);
  }
  if (!edits.length) return verdict;
  return { ...verdict, sweepEdits: [...(malloc ? includeEdit(text, language) : []), ...edits], reasons: [...verdict.reasons, ...notes] };
}

/** What the verdict's sum-nest and inner-loop edits do, in words ('column sweep', 'simd on inner loops', … joined by 'and'), or null. */
export function sumNestSummary(verdict: LoopVerdict): string | null {
  const codes = new Set(verdict.reasons.map((r) => r.code));
  const kinds = [codes.has('column-sweep') ? 'column sweep' : null, codes.has('unroll-jam') ? 'unroll-and-jam by 4' : null, codes.has('lane-simd') ? 'simd across iterations' : null, codes.has('inner-simd') ? 'simd on inner loops' : null].filter((k) => k !== null);
  return verdict.sweepEdits?.length && kinds.length ? kinds.join(' and ') : null;
}

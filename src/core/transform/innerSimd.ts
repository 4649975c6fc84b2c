import type { Node } from 'web-tree-sitter';
import { type AnalysisContext, analyseLevel } from '../analysis/levelAnalysis';
import { counterName, hasCanonicalCondition } from '../analysis/loopShape';
import { operatorOf, unparen } from '../analysis/syntax';
import type { AffineExpr, LoopFacts, Reason, TextEdit } from '../model';
import { nodeRange } from '../parse';
import { pragmasOn } from './interchangeSyntax';
import { mentionsVar, unitIn } from './columnSweep';
import { bracedIfBody, insertBeforeLoop } from './openmp/edits';
import { all } from './reorderProof';

/**
 * `#pragma omp simd` on the innermost loops inside a parallel loop (issue #7 §4), where the
 * compiler would otherwise leave them scalar: gcc's -O2 vectorises only loops whose trip count it
 * knows to be a multiple of the vector length, so `C[i*n+j] += a*B[k*n+j]` over an unknown n stays
 * scalar. The pragma only allows what the loop already permits: the inner loop is analysed as a
 * parallel loop of its own (the same dependence, alias and scalar tests, the outer counters held
 * fixed) and must be independent with no reduction, no lastprivate and no run-time check; its
 * private scalars get `private(…)`. Nothing is reassociated, so the result is bit for bit the
 * serial one. Used only where vector code pays and cannot go wrong on speed: a straight-line body
 * (no `if`, no loop, no call but pure libm), every array a plain array or pointer (no container's
 * `operator[]`: gcc gathered through it, 2x slower), every access unit-stride or invariant in the
 * counter, and at least one array written. Measured on the H200 host at 2 threads (gcc 12 -O2,
 * bench/compilers-notes.md): gemm 1.9x, lu 1.7x, heat3d 1.3x, wave2d 1.3x, jacobi2d 1.2x faster.
 */

/** Functions a vectorised body may call (gcc has vector variants or inlines them). */
const LIBM = new Set(['sqrt', 'sqrtf', 'fabs', 'fabsf', 'fmin', 'fmax', 'fminf', 'fmaxf']);

/** Statement and expression kinds that keep the body straight-line and plainly vectorisable. */
const BODY_BANNED = new Set(['if_statement', 'switch_statement', 'for_statement', 'while_statement', 'do_statement', 'for_range_loop', 'goto_statement', 'break_statement', 'continue_statement', 'return_statement', 'labeled_statement', 'lambda_expression', 'new_expression', 'delete_expression', 'gnu_asm_expression', 'comma_expression', 'field_expression', 'pointer_expression']);

/** True when every access steps by 0 or ±1 elements per iteration of `v` (only the last subscript mentions it). */
function unitStride(subs: readonly (AffineExpr | null)[] | null, v: string): boolean {
  if (!subs || subs.some((e) => e === null)) return false;
  const es = subs as readonly AffineExpr[];
  return !es.some((e) => mentionsVar(e, v)) || unitIn(es, v);
}

/** Why `loop` (innermost, inside a parallel loop with facts `outer`) should not get `omp simd`; its counter and private list when it should. */
function simdPlan(ctx: AnalysisContext, loop: Node, outer: LoopFacts | null): { readonly counter: string; readonly private: readonly string[] } | string {
  if (pragmasOn(loop).length) return 'a pragma sits on the loop';
  // The parallel loop's own facts already hold the inner accesses' subscripts: a cheap first look
  // (the editor re-analyses on every edit) before the inner loop's own analysis.
  const inside = outer?.accesses.filter((a) => a.range.startOffset >= loop.startIndex && a.range.endOffset <= loop.endIndex);
  const v = counterName(loop);
  if (inside && (!inside.some((a) => a.write) || (v && !inside.every((a) => unitStride(a.subscripts, v))))) return 'an access is not unit-stride, or none writes';
  const body = loop.childForFieldName('body');
  if (!body || all(body, (n) => BODY_BANNED.has(n.type) || n.type.startsWith('preproc')).length) return 'the body is not straight-line';
  for (const call of all(body, (n) => n.type === 'call_expression')) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'identifier' || !LIBM.has(fn.text)) return `\`${call.text}\` is not a vectorisable math function`;
  }
  for (const sub of all(body, (n) => n.type === 'subscript_expression')) {
    const base = sub.childForFieldName('argument');
    if (base?.type === 'subscript_expression') continue;
    const d = base?.type === 'identifier' ? ctx.resolver.resolve(base.text, base) : null;
    if (!d || !(d.isArray || d.isPointer) || d.isVolatile) return `\`${sub.text}\` is not a plain array or pointer access`;
  }
  const level = analyseLevel(ctx, loop, 1);
  const { facts, clauses } = level;
  // A canonical loop with a unit step (its counter may be declared before it, C89 style: simd makes it linear).
  const counter = level.shape?.varName;
  if (!level.shape || !counter || Math.abs(level.shape.step) !== 1) return 'not a canonical loop with a unit step';
  // OpenMP wants the counter alone on one side of a relational test (`j + 1 < m` does not compile under simd).
  const cond = loop.childForFieldName('condition');
  if (!cond || unparen(cond).type !== 'binary_expression' || !['<', '<=', '>', '>='].includes(operatorOf(unparen(cond)) ?? '') || !hasCanonicalCondition(loop)) return 'the loop test is not in OpenMP form';
  if (level.blocking.length || level.notAnalysable.length || level.aliasing.length || level.runtimeChecks.length || level.overlapCheck) return 'its iterations are not proven independent';
  if (clauses.reduction.length || clauses.lastprivate.length) return 'it carries a reduction or a last value';
  if (!facts.accesses.some((a) => a.write)) return 'it writes no array';
  if (!facts.accesses.every((a) => unitStride(a.subscripts, counter))) return 'an access is not unit-stride';
  return { counter, private: clauses.private.filter((p) => p !== counter) };
}

/** The innermost for loops inside `root` (not `root` itself), skipping those `skip` says are rewritten otherwise. */
function innermostLoops(root: Node, skip: (n: Node) => boolean): Node[] {
  return all(root, (n) => n.type === 'for_statement' && n.id !== root.id && !skip(n) && all(n.childForFieldName('body') ?? n, (m) => m.type === 'for_statement' || m.type === 'while_statement' || m.type === 'do_statement').length === 0);
}

/** `#pragma omp simd` edits (and notes) for the innermost loops of parallel loop `parallel` (its facts `facts`, when known) that pay and are proven independent. */
export function innerSimdEdits(ctx: AnalysisContext, parallel: Node, facts: LoopFacts | null, text: string, skip: (n: Node) => boolean): { edits: TextEdit[]; notes: Reason[] } {
  const edits: TextEdit[] = [];
  const notes: Reason[] = [];
  for (const loop of innermostLoops(parallel, skip)) {
    const plan = simdPlan(ctx, loop, facts);
    if (typeof plan === 'string') continue;
    const priv = plan.private.length ? ` private(${plan.private.join(', ')})` : '';
    edits.push(...bracedIfBody(text, nodeRange(loop), [insertBeforeLoop(text, nodeRange(loop), `#pragma omp simd${priv}`)]));
    notes.push({
      code: 'inner-simd',
      message: `the inner \`${plan.counter}\` loop gets \`#pragma omp simd\`: its iterations are independent and every access is unit-stride, so the compiler may vectorise it (at -O2 gcc otherwise leaves loops of unknown length scalar); nothing is reassociated, so the result is identical`,
      range: nodeRange(loop),
    });
  }
  return { edits, notes };
}

import type { Node } from 'web-tree-sitter';
import type { LoopVerdict, ParallelRegionPlan } from '../model';
import { nodeRange } from '../parse';
import type { AnalysisContext } from './levelAnalysis';
import { countedShape, invariantBounds, writtenNames } from './loopInvariance';
import { nowaitReason } from './nowaitRegion';
import { reinitialisedBeforeEveryUse } from './reinitialised';
import { type Decl, declsOf } from './scope';
import { soundIndex } from './soundIndex';
import { codeChildren, walk } from './syntax';

const LOOP = /^(for|while|do)_statement$|^for_range_loop$/;

/**
 * One parallel region around a sequential (time) loop instead of one per step: when the body of
 * `outer` is only loops the analysis proved parallel at their own level, plus plain expression
 * statements between them (pointer swaps, resets), the rewrite can put `#pragma omp parallel`
 * before `outer`, `#pragma omp for` on each inner loop and `#pragma omp single` around the
 * statements in between. Every thread runs `outer` itself, so its counter must be private (declared
 * in its header, or dead after it) and its bounds invariant; no jumps may leave it. Null otherwise.
 */
export function hoistedRegion(ctx: AnalysisContext, outer: Node, kids: readonly LoopVerdict[]): ParallelRegionPlan | null {
  if (outer.type !== 'for_statement' || kids.length === 0) return null;
  // Arg-max/arg-min loops bring their own parallel region (transform/openmp/argReductionEdits).
  if (kids.some((k) => k.verdict !== 'parallel' || !k.clauses || !k.parallelRange || k.existingPragma || k.runtimeCheck || k.argReductions?.length)) return null;
  const body = outer.childForFieldName('body');
  if (!body || body.type !== 'compound_statement') return null;
  const starts = new Set(kids.map((k) => k.parallelRange!.startOffset));
  const single: Node[][] = [];
  let run: Node[] = [];
  for (const s of codeChildren(body)) {
    if (LOOP.test(s.type)) {
      if (!starts.has(s.startIndex)) return null;
      if (run.length) single.push(run);
      run = [];
    } else if ((s.type === 'expression_statement' || s.type === 'declaration') && !hasCall(s)) run.push(s);
    else return null;
  }
  if (run.length) single.push(run);
  // `double *t = a;` of a swap: the single's braces scope it, so it must not be used outside its run.
  for (const r of single) {
    const [from, to] = [r[0].startIndex, r[r.length - 1].endIndex];
    for (const d of r.filter((x) => x.type === 'declaration').flatMap((x) => declsOf(x, 'local'))) {
      if (ctx.facts.occurrences(d, body).some((n) => n.startIndex < from || n.endIndex > to)) return null;
    }
  }
  if (starts.size !== codeChildren(body).filter((s) => LOOP.test(s.type)).length) return null;
  // Nothing may leave the loop early, and its own header must be a counted loop every thread runs alike.
  let jumps = false;
  walk(outer, (n) => {
    if (n.type === 'break_statement' || n.type === 'return_statement' || n.type === 'goto_statement' || n.type === 'continue_statement' || n.type === 'throw_expression' || n.type === 'preproc_call') jumps = true;
    return jumps ? false : undefined;
  });
  if (jumps) return null;
  const s = countedShape(ctx, outer);
  if (!s) return null;
  // Bounds must not be written in the loop (each thread evaluates them).
  const written = writtenNames(ctx, outer);
  const counter = s.varDecl ?? ctx.resolver.resolve(s.varName, outer.childForFieldName('condition') ?? outer);
  // The counter is written only in the header: every thread steps through the same iterations.
  if (!counter || writtenNames(ctx, body).has(counter.key)) return null;
  if (!invariantBounds(ctx, s.boundNodes, written)) return null;
  // writtenNames sees names only: `*pt += 1` in a single, with pt = &t, steps one thread's counter
  // (or the private copy's original) and writes a bound other threads may still be testing.
  if (headerReachedThroughAddress(ctx, outer, counter, s.boundNodes)) return null;
  const priv: string[] = [];
  if (!s.declaredInHeader) {
    if (!s.varDecl || !reinitialisedBeforeEveryUse(s.varDecl, outer, ctx.facts, ctx.resolver)) return null;
    priv.push(s.varName);
  }
  // One loop and nothing else: it may skip its barrier when every carried dependence stays in one thread.
  const inner = kids.length === 1 && single.length === 0 ? codeChildren(body)[0] : null;
  const nowait = inner ? nowaitReason(ctx, outer, inner, kids[0], written) : null;
  return {
    range: nodeRange(outer),
    private: priv,
    // nowait needs the static schedule written out (the default is implementation-defined) and no simd.
    loops: kids.map((k) => ({ range: k.parallelRange!, clauses: nowait ? { ...k.clauses!, schedule: 'static' as const, simd: false } : k.clauses! })),
    single: single.map((r) => ({ ...nodeRange(r[0]), end: nodeRange(r[r.length - 1]).end, endOffset: r[r.length - 1].endIndex })),
    ...(nowait ? { nowait: true, nowaitReason: nowait } : {}),
  };
}

/** True when the counter or a name the bounds read has its address taken or is a reference: memory writes may change it. */
function headerReachedThroughAddress(ctx: AnalysisContext, outer: Node, counter: Decl, bounds: readonly Node[]): boolean {
  const ix = soundIndex(ctx.file, ctx.resolver, outer);
  const ids = bounds.flatMap((b) => (b.type === 'identifier' ? [b] : b.descendantsOfType('identifier')));
  const decls = [counter, ...ids.map((id) => ctx.resolver.resolve(id.text, id))];
  return decls.some((d) => d !== null && (d.isReference || ix.isAddressTaken(d)));
}

function hasCall(n: Node): boolean {
  return n.descendantsOfType('call_expression').length > 0 || n.descendantsOfType('lambda_expression').length > 0;
}

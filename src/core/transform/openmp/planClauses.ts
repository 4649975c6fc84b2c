import type { LoopFacts, OmpClauses, ReductionOp } from '../../model';

/** Choices the planner leaves to its caller. */
export interface PlanOptions {
  /** Collapse every independent perfectly nested level (default: only when the cost model says it pays). */
  readonly collapse?: 'all' | 'when-useful';
  /** Allow `simd` on call-free innermost loops (default false: it can stop gcc optimising the nest). */
  readonly simd?: boolean;
}

/**
 * Plans the clauses of `#pragma omp parallel for` from a loop's facts: reductions, private and
 * lastprivate scalars, how many levels to collapse, the schedule, and simd. Pure: facts in,
 * clauses out. Only meaningful for a loop the analysis found parallel.
 */
export function planClauses(facts: LoopFacts, options: PlanOptions = {}): OmpClauses {
  // A counter read after the nest (C89 `j`) stops collapse above its loop: OpenMP forbids it in
  // firstprivate there, and a collapsed nest with an empty inner loop runs no iteration to set it.
  const live = new Set(facts.scalars.filter((s) => s.role === 'lastprivate').map((s) => s.name));
  const liveLevel = facts.loops.find((l) => l.depth > 0 && l.varName !== null && live.has(l.varName));
  const collapse = Math.min(chooseCollapse(facts, options.collapse ?? 'when-useful'), liveLevel ? liveLevel.depth : Infinity);
  // Loop counters of collapsed levels are private by OpenMP's rules: no clause needed.
  const collapsedVars = new Set(facts.loops.filter((l) => l.perfectlyNested && l.depth < collapse).map((l) => l.varName));
  const reduction: { op: ReductionOp; var: string }[] = [];
  const priv: string[] = [];
  const lastpriv: string[] = [];
  for (const s of facts.scalars) {
    if (s.role === 'reduction' && s.op) reduction.push({ op: s.op, var: s.name });
    else if (s.role === 'private' && !collapsedVars.has(s.name)) priv.push(s.name);
    else if (s.role === 'lastprivate') lastpriv.push(s.name);
  }
  const collapsedNames = new Set(facts.loops.filter((l) => l.perfectlyNested && l.depth < collapse && l.varName).map((l) => l.varName as string));
  // Inner loops whose bounds depend on a parallel counter give iterations of uneven cost.
  const uneven = facts.loops.some((l) => !(l.perfectlyNested && l.depth < collapse) && l.boundVars.some((v) => collapsedNames.has(v)));
  // Triangular inner loops: dynamic hands out rows as threads free up; other uneven bodies
  // (branches around work, data-dependent inner loops): guided, with less scheduling overhead.
  const schedule = uneven ? 'dynamic' : facts.work.imbalanced ? 'guided' : null;
  const simd = options.simd === true && facts.work.vectorisable && collapse === facts.independentLevels;
  return { reduction, private: priv, lastprivate: lastpriv, collapse, schedule, simd };
}

/** Outer trip counts below this leave threads idle without collapse (16 cores, a few chunks each). */
const FEW_ITERATIONS = 64;

/**
 * How many perfectly nested independent levels to collapse. Collapse makes the compiler
 * recompute the inner indices from one flat counter, which can stop it optimising the inner loop
 * (seen: a counting nest 7-10x slower at 1 thread under gcc 12), so by default only when the
 * outer loop has too few iterations to feed the threads.
 */
function chooseCollapse(facts: LoopFacts, mode: 'all' | 'when-useful'): number {
  const all = Math.max(1, facts.independentLevels);
  if (mode === 'all' || all === 1) return all;
  const outer = facts.work.tripCount;
  return outer !== null && outer < FEW_ITERATIONS ? all : 1;
}

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
  const collapse = chooseCollapse(facts, options.collapse ?? 'when-useful');
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
  const simd = options.simd !== false && facts.work.vectorisable && collapse === facts.independentLevels;
  return { reduction, private: priv, lastprivate: lastpriv, collapse, schedule: uneven ? 'dynamic' : null, simd };
}

/** How many perfectly nested independent levels to collapse. */
function chooseCollapse(facts: LoopFacts, mode: 'all' | 'when-useful'): number {
  if (mode === 'all') return Math.max(1, facts.independentLevels);
  return Math.max(1, facts.independentLevels);
}

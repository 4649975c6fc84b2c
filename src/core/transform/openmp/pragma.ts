import type { OmpClauses, ReductionOp } from '../../model';

/** The `#pragma omp parallel for …` line (without indentation) for a set of clauses. */
export function pragmaText(clauses: OmpClauses, options: { simd?: boolean } = {}): string {
  const parts = ['#pragma omp parallel for'];
  if (clauses.simd && options.simd !== false) parts[0] += ' simd';
  if (clauses.collapse > 1) parts.push(`collapse(${clauses.collapse})`);
  if (clauses.schedule) parts.push(`schedule(${clauses.schedule})`);
  if (clauses.private.length) parts.push(`private(${clauses.private.join(', ')})`);
  // firstprivate too: when the loop runs no iteration, gcc still copies the (uninitialised)
  // private copy out; starting it from the original value keeps that value.
  if (clauses.lastprivate.length) parts.push(`firstprivate(${clauses.lastprivate.join(', ')}) lastprivate(${clauses.lastprivate.join(', ')})`);
  // One reduction clause per operator, in first-seen order.
  const byOp = new Map<ReductionOp, string[]>();
  for (const r of clauses.reduction) {
    const list = byOp.get(r.op);
    if (list) list.push(r.var);
    else byOp.set(r.op, [r.var]);
  }
  for (const [op, vars] of byOp) parts.push(`reduction(${op}:${vars.join(', ')})`);
  return parts.join(' ');
}

import type { LoopFacts } from '../../model';

/** Why a parallel loop is not worth a thread team, or null when it may pay. */
export interface CostJudgement {
  readonly code: 'too-small';
  readonly message: string;
}

/** Iterations below which a loop never pays for starting a thread team. */
const MIN_ITERATIONS = 64;

/**
 * Judges whether parallelising a loop can pay: a loop whose whole nest runs fewer iterations than
 * a thread team costs to start is left alone, and the message says so.
 */
export function judgeCost(facts: LoopFacts): CostJudgement | null {
  const work = facts.work.nestIterations;
  if (work !== null && work < MIN_ITERATIONS) {
    return { code: 'too-small', message: `the loop does only about ${work} iterations of work: starting threads would cost more than it saves` };
  }
  return null;
}

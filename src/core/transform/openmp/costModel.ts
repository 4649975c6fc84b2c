import type { LoopFacts } from '../../model';

/** Why a parallel loop is not worth a thread team, or null when it may pay. */
export interface CostJudgement {
  readonly code: 'too-small';
  readonly message: string;
}

/** Iterations below which a loop never pays for starting a thread team. */
const MIN_ITERATIONS = 64;
/**
 * Simple operations below which a loop does not pay: opening a parallel region and its barrier
 * cost a few microseconds with 16 threads (libgomp), several thousand simple operations.
 */
const MIN_OPS = 512;
/** A set-up loop in main (it only stores values) below this much work is left sequential. */
const MIN_SETUP_OPS = 2048;

/**
 * Judges whether parallelising a loop can pay, from its facts: a nest of known size whose work
 * (trip counts × body cost) is below what a thread team costs to start, or a small set-up loop in
 * `main`, is left alone and the message says why. Loops of unknown size are assumed to pay.
 */
export function judgeCost(facts: LoopFacts): CostJudgement | null {
  const { nestIterations, estimatedOps, inMain, initialisesOnly, enclosingLoops } = facts.work;
  if (nestIterations !== null && nestIterations < MIN_ITERATIONS) {
    return { code: 'too-small', message: `the loop does only about ${nestIterations} iterations of work: starting threads would cost more than it saves` };
  }
  if (estimatedOps !== null && estimatedOps < MIN_OPS) {
    return { code: 'too-small', message: `the loop does about ${estimatedOps} simple operations in all (${nestIterations ?? '?'} iterations): a thread team costs more to start than that saves` };
  }
  if (inMain && initialisesOnly && enclosingLoops === 0 && estimatedOps !== null && estimatedOps < MIN_SETUP_OPS) {
    return { code: 'too-small', message: `a set-up loop in main that only stores about ${nestIterations ?? '?'} values: too little work to pay for a thread team` };
  }
  return null;
}

/**
 * A parallel loop inside two or more sequential loops would start a thread team (or, with one
 * region hoisted out, pass a barrier) once per iteration of all of them, n² times: seen 17x slower
 * than serial on heat3d's innermost loop. One enclosing (time) loop is fine.
 */
export function judgeRegionCount(enclosingLoops: number): CostJudgement | null {
  if (enclosingLoops < 2) return null;
  return {
    code: 'too-small',
    message: `the only parallel level is nested in ${enclosingLoops} sequential loops: threads would start (or wait at a barrier) once per iteration of all of them, which costs more than the loop saves; ParaForge keeps it sequential`,
  };
}

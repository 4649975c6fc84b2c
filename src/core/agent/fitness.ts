import type { Evidence } from '../model';

/**
 * Fitness of a judged candidate: 0 unless verified, else its measured speedup over the serial
 * original at the target thread (or rank) count. With `acceptUnraceChecked` (benchmarks on machines
 * without clang/Archer), a candidate whose outputs all matched but whose race check was off also
 * scores, and stays labelled unverified by its evidence.
 */

/** How fitness is read from evidence. */
export interface FitnessOptions {
  /** Thread (or rank) count whose speedup counts; the best measured point when absent or not measured. */
  readonly targetThreads?: number;
  readonly acceptUnraceChecked?: boolean;
}

/** True when the evidence passes: verified, or (by choice) all outputs matched with the race check off. */
export function passes(evidence: Evidence, options: FitnessOptions = {}): boolean {
  if (evidence.verdict === 'verified') return true;
  return Boolean(options.acceptUnraceChecked && evidence.verdict === 'not-run' && evidence.tests.length > 0 && evidence.tests.every((t) => t.passed) && evidence.timings.length > 0);
}

/** The speedup at the target count (0 unless the evidence passes). */
export function fitnessOf(evidence: Evidence | null, options: FitnessOptions = {}): number {
  if (!evidence || !passes(evidence, options) || evidence.timings.length === 0) return 0;
  const at = options.targetThreads;
  const point = at === undefined ? undefined : evidence.timings.find((t) => (t.threads ?? t.ranks) === at);
  const speedup = point ? point.speedup : Math.max(...evidence.timings.map((t) => t.speedup));
  return Number.isFinite(speedup) && speedup > 0 ? speedup : 0;
}

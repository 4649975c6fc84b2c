import type { EvidenceVerdict, TimingRecord } from '../model';

/**
 * Which verdict a candidate gets when several things went wrong, and how its timings read.
 * Pure functions: the orchestrator collects outcomes, these decide.
 */

/** One thing a verification found, with the verdict it alone would give and why. */
export interface Outcome {
  readonly verdict: EvidenceVerdict;
  readonly why: string;
}

/**
 * Most telling first: a static rejection (nothing ran), the original unusable (not-run), a build
 * failure, a crash or hang, a race (the cause of differing output), wrong output, then not-run for
 * a check that could not be made. 'verified' only when nothing else was found.
 */
export const VERDICT_PRECEDENCE: readonly EvidenceVerdict[] = ['rejected', 'compile-error', 'timeout', 'runtime-error', 'race', 'wrong-output', 'not-run', 'verified'];

/** The outcome that decides the verdict: the first by VERDICT_PRECEDENCE, ties by order found; verified when there are none. */
export function decideVerdict(outcomes: readonly Outcome[]): Outcome {
  let best: Outcome | null = null;
  for (const o of outcomes) {
    if (!best || VERDICT_PRECEDENCE.indexOf(o.verdict) < VERDICT_PRECEDENCE.indexOf(best.verdict)) best = o;
  }
  return best ?? { verdict: 'verified', why: '' };
}

function label(t: TimingRecord): string {
  const n = t.ranks ?? t.threads ?? 1;
  return `${n} ${t.ranks !== undefined ? 'rank' : 'thread'}${n === 1 ? '' : 's'}`;
}

/** The best-timed point: among more than one worker when any was timed (1 worker is never "best"); null when not timed. */
function bestTiming(timings: readonly TimingRecord[]): TimingRecord | null {
  if (timings.length === 0) return null;
  const parallel = timings.filter((t) => (t.ranks ?? t.threads ?? 1) > 1);
  const pool = parallel.length > 0 ? parallel : timings;
  return pool.reduce((a, b) => (b.speedup > a.speedup ? b : a));
}

// Within 5 % of the original is noise on a shared machine: neither a speedup nor a slowdown.
const NOISE = 0.05;

/** How many times slower than the original a timed candidate is at its best, when that is a slowdown; else null. */
export function slowdownFactor(timings: readonly TimingRecord[]): number | null {
  const best = bestTiming(timings);
  return best && best.speedup <= 1 - NOISE ? 1 / best.speedup : null;
}

/**
 * The speedup line for a verified candidate: every point measured, and the best one called a
 * speedup only when it is above 1 (a slowdown is called a slowdown; 1 worker is never "best").
 */
export function describeSpeedups(timings: readonly TimingRecord[]): string {
  const best = bestTiming(timings);
  if (!best) return 'not timed';
  const all = timings.map((t) => `${t.speedup.toFixed(2)}× at ${label(t)}`).join(', ');
  if (best.speedup >= 1 + NOISE) return `speedup ${best.speedup.toFixed(2)}× at ${label(best)} (${all})`;
  const slower = slowdownFactor(timings);
  if (slower === null) return `no speedup: ${all}`;
  return `SLOWDOWN: ${slower.toFixed(2)}× slower than the original at best (${all})`;
}

import type { Clock } from '../ports';
import { systemClock } from '../ports';

/**
 * Everything verification keeps between candidates: the cache folder, how many runs may go at once,
 * and the clock. Hosts create one and pass it in; core keeps no module-level state of its own.
 */
export interface VerificationSession {
  /** Per-user cache folder (mode 0700) for builds and reference outputs. */
  readonly cacheDir: string | null;
  /** Most verifications run at the same time (each already uses every core when timing). */
  readonly maxConcurrent: number;
  readonly clock: Clock;
  /** Reference outputs and baseline timings of originals, keyed by build + inputs, reused across candidates. */
  readonly memo: Map<string, Promise<unknown>>;
}

/** A session with no cache folder (memoisation in memory only), one verification at a time. */
export function createSession(options: Partial<Omit<VerificationSession, 'memo'>> = {}): VerificationSession {
  return { cacheDir: options.cacheDir ?? null, maxConcurrent: options.maxConcurrent ?? 1, clock: options.clock ?? systemClock, memo: new Map() };
}

import * as os from 'node:os';
import type { TimingRecord } from '../model';

/**
 * Timing arithmetic: sweep points, medians and spread, speedup against the original's serial
 * time and parallel efficiency. Measuring is the backends' job; this file only does the numbers.
 */

/** Thread counts to sweep: 1, 2, 4, … up to the core count, plus the core count itself. */
export function defaultSweep(cores: number = os.availableParallelism()): number[] {
  const points = new Set<number>([1]);
  for (let t = 2; t <= cores; t *= 2) points.add(t);
  points.add(Math.max(1, cores));
  return [...points].sort((a, b) => a - b);
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A TimingRecord from repeated measurements at one thread or rank count. */
export function timingRecord(samples: readonly number[], baselineSeconds: number, at: { threads?: number; ranks?: number }): TimingRecord {
  const med = median(samples);
  const workers = at.threads ?? at.ranks ?? 1;
  // Guard against a 0 s median from a coarse clock: report no speedup rather than infinity.
  const speedup = med > 0 ? baselineSeconds / med : 1;
  return {
    ...at,
    medianSeconds: med,
    minSeconds: Math.min(...samples),
    maxSeconds: Math.max(...samples),
    runs: samples.length,
    speedup,
    efficiency: speedup / workers,
  };
}

/**
 * A weighted semaphore: correctness runs take one slot each (up to the cores) and timing runs
 * take every slot, so timings are never disturbed by our own parallel work.
 */
export class Slots {
  private free: number;
  private readonly waiters: { n: number; resolve: () => void }[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Runs `fn` holding `n` slots (clamped to the size). */
  async with<T>(n: number, fn: () => Promise<T>): Promise<T> {
    const want = Math.min(Math.max(1, n), this.size);
    await this.acquire(want);
    try {
      return await fn();
    } finally {
      this.free += want;
      this.drain();
    }
  }

  private acquire(n: number): Promise<void> {
    if (this.waiters.length === 0 && this.free >= n) {
      this.free -= n;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  private drain(): void {
    // FIFO: a waiting timing run is not starved by a stream of small runs.
    while (this.waiters.length > 0 && this.free >= this.waiters[0].n) {
      const w = this.waiters.shift()!;
      this.free -= w.n;
      w.resolve();
    }
  }
}

/** The process-wide slots, sized to the machine's cores. */
export const machineSlots = new Slots(Math.max(1, os.availableParallelism()));

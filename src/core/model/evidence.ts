/**
 * What the verifying runner reports for one candidate. Every rewrite shown as "verified" carries
 * one of these with verdict 'verified'.
 */

/** One verdict per candidate, by cause: compile-error, then timeout/runtime-error, then race, then wrong-output. */
export type EvidenceVerdict = 'verified' | 'wrong-output' | 'race' | 'compile-error' | 'runtime-error' | 'timeout' | 'not-run';

/** What parallel model a candidate uses. */
export type Target = 'openmp' | 'mpi' | 'cuda';

/** One differential test the harness ran: inputs (seed, sizes), result, and the first difference. */
export interface TestRecord {
  readonly name: string;
  readonly seed: number;
  readonly sizes: Readonly<Record<string, number>>;
  readonly threads?: number;
  readonly ranks?: number;
  readonly passed: boolean;
  /** "out[17]: original 3.5, candidate 3.25" for the first differing element. */
  readonly firstDifference?: string;
}

/** A data race found by a race checker, mapped back to the user's file. */
export interface RaceRecord {
  readonly variable: string | null;
  readonly kind: 'read-write' | 'write-write' | 'unknown';
  readonly locations: readonly { readonly file: string; readonly line: number; readonly access: 'read' | 'write' }[];
  readonly tool: 'archer' | 'tsan' | 'compute-sanitizer';
  readonly raw: string;
}

/** Median run time at one thread or rank count. */
export interface TimingRecord {
  readonly threads?: number;
  readonly ranks?: number;
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly runs: number;
  readonly speedup: number;
  readonly efficiency: number;
}

/** The judgement of one candidate, with everything that supports it. */
export interface Evidence {
  /** The Candidate this judges (set by core's `verify()`; absent from a bare `verifyProgram` call). */
  readonly candidateId?: string;
  readonly verdict: EvidenceVerdict;
  /** One line a human reads first: why this verdict. */
  readonly summary: string;
  readonly target: Target;
  readonly tests: readonly TestRecord[];
  readonly races: readonly RaceRecord[];
  /** Candidate timings across the thread (or rank) sweep; speedup is against the original's serial median. */
  readonly timings: readonly TimingRecord[];
  /**
   * What judged it. Keys the runner sets: `compiler`, `flags`, `raceChecker`, `raceCheckThreads`,
   * `mpi`, `sandbox` (or the fallback warning), `baselineSeconds` (the original's serial median).
   */
  readonly toolchain: Readonly<Record<string, string>>;
  readonly backend: 'local' | 'mpirun' | 'slurm';
  /** Compiler or runtime messages, capped. */
  readonly log: string;
}

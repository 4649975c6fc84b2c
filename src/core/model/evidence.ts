/**
 * What the verifying runner reports for one candidate. Every rewrite shown as "verified" carries
 * one of these with verdict 'verified'.
 */

/**
 * One verdict per candidate, by cause: rejected (a static check refused it before anything ran),
 * compile-error, then timeout/runtime-error, then race, then wrong-output. Only 'verified' is a pass.
 */
export type EvidenceVerdict = 'verified' | 'rejected' | 'wrong-output' | 'race' | 'compile-error' | 'runtime-error' | 'timeout' | 'not-run';

/** Which static check refused a candidate before it was run (verdict 'rejected'). */
export type StaticCheckKind = 'parse' | 'signature' | 'racy-pragma' | 'forbidden-call' | 'uninitialised';

/** One finding of the static checks, with the line in the user's candidate file when known (1-based). */
export interface StaticFinding {
  readonly check: StaticCheckKind;
  readonly message: string;
  readonly line?: number;
}

/** A race or failure the original already has: reported, but not counted against the candidate. */
export interface PreExistingIssue {
  readonly kind: 'race' | 'failure' | 'racy-pragma' | 'warning';
  readonly message: string;
  /** Lines in the user's (original) file, 1-based. */
  readonly lines: readonly number[];
}

/** A floating-point tolerance and why: only reassociation the candidate really introduces justifies one. */
export interface ToleranceReport {
  /** Relative tolerance (the largest used; per-test values are on each TestRecord). 0 means exact. */
  readonly relative: number;
  /** The facts: "reduction(+:sum) on double sum at line 14 (parsed pragma)". */
  readonly reason: string;
  /** Which outputs it applied to; everything else was compared exactly. */
  readonly appliesTo: string;
}

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
  /** What the inputs were, beyond the sizes ("residue 5 mod 32; values special (NaN, ±inf, -0.0, subnormals); y overlaps x at +1"). */
  readonly inputs?: string;
  /** Relative tolerance this test's floating-point outputs were compared with (absent or 0: exactly). */
  readonly tolerance?: number;
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
  /** What the static checks found (the reason for a 'rejected' verdict; may list warnings otherwise). */
  readonly staticFindings?: readonly StaticFinding[];
  /** Races and failures the original already has: shown to the user, not held against the candidate. */
  readonly preExisting?: readonly PreExistingIssue[];
  /** Thread counts (or rank counts) the outputs were compared at. */
  readonly checkedAt?: readonly number[];
  /** Thread counts the race checker ran at. */
  readonly raceCheckedAt?: readonly number[];
  /** Every effect compared ("return value", "y (all elements, before and after the range)", "stderr", "errno", "files in the work folder"). */
  readonly compared?: readonly string[];
  /** What was not compared and why (a line that differs between two runs of the original, a case the original itself crashes on). */
  readonly leftOut?: readonly string[];
  /** The floating-point tolerance and the fact it rests on; absent: everything compared exactly. */
  readonly tolerance?: ToleranceReport;
}

import type { TestRecord, ToleranceReport } from '../../model';
import type { RunOutcome } from '../backends/backend';
import type { SourceUnit } from '../compile';

/**
 * The shape every test harness has: how to build a program for the original and the candidate,
 * which arguments check correctness and which time it, and how two runs are compared.
 */

/** A source after reading: the user's path (if any) and the exact text checked. */
export interface ResolvedSource {
  readonly path: string | null;
  readonly text: string;
  /** File name used in the build directory (the user's basename, so messages read naturally). */
  readonly fileName: string;
}

/** A finished run plus the files it left in its work dir (name → content), for comparison. */
export interface ObservedRun {
  readonly outcome: RunOutcome;
  readonly files: ReadonlyMap<string, Buffer>;
}

/** Where a comparison was made, recorded on every TestRecord. */
export interface RunPoint {
  readonly threads?: number;
  readonly ranks?: number;
}

/** A way of exercising original and candidate the same way. */
export interface Harness {
  readonly kind: 'program' | 'generated' | 'user';
  /** One line for the evidence: what the harness checks. */
  readonly description: string;
  units(source: ResolvedSource): SourceUnit[];
  readonly checkArgs: readonly string[];
  readonly timeArgs: readonly string[];
  /**
   * Argument lists the race checker runs with (each at 2 and 4 threads). Include a small size:
   * TSan/Archer keep limited history and miss races whose accesses are far apart at large N.
   * Default: [checkArgs].
   */
  readonly raceArgs?: readonly (readonly string[])[];
  /** TestRecords for one candidate run against the original's run at the same inputs. */
  compare(original: ObservedRun, candidate: ObservedRun, at: RunPoint): TestRecord[];
  /** Seconds one timing run took (the process wall time, or what the driver measured itself). */
  timeOf(outcome: RunOutcome): number | null;
  /**
   * Set when the harness needs a second run of the original (same arguments, 1 thread) before any
   * comparison: output that differs between two runs of the original itself is left out (whole programs).
   * Called again with further runs of the original, it adds the lines those vary in; true when it added any.
   */
  calibrate?(first: ObservedRun, second: ObservedRun): boolean;
  /** For the evidence: what is compared, what was left out (grows while comparing), and the tolerance. */
  readonly report?: HarnessReport;
}

/** What a harness compares and leaves out; copied into Evidence.compared / leftOut / tolerance. */
export interface HarnessReport {
  readonly compared: readonly string[];
  /** Filled while comparing (cases the original itself fails on, lines that vary between its runs). */
  readonly leftOut: string[];
  /** Absent: everything compared exactly. */
  readonly tolerance?: ToleranceReport;
}

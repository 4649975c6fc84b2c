import type { LanguageId, TestRecord, ToleranceReport } from '../../model';
import type { ParserHost } from '../../parse';
import { describeDifference, firstDifference, outputLines, varyingLines } from '../compareOutput';
import { readCandidateFacts, type CandidateFacts } from './functionShape';
import type { Harness, HarnessReport, ObservedRun, ResolvedSource, RunPoint } from './harness';

/** Compares output files: same names, text within tolerance, binary byte for byte. */
export function compareFiles(original: ObservedRun, candidate: ObservedRun, tolerance: number): string | null {
  for (const [name, a] of original.files) {
    const b = candidate.files.get(name);
    if (!b) return `output file ${name}: written by the original, missing from the candidate`;
    if (a.equals(b)) continue;
    const binary = a.includes(0) || b.includes(0);
    if (binary) return `output file ${name}: contents differ (binary, ${a.length} vs ${b.length} bytes)`;
    const d = firstDifference(a.toString('utf8'), b.toString('utf8'), tolerance);
    if (d) return describeDifference(d, `file ${name}`);
  }
  for (const name of candidate.files.keys()) {
    if (!original.files.has(name)) return `output file ${name}: written by the candidate only`;
  }
  return null;
}

/** Lines of the original's output that differ between two of its own runs: left out of comparisons. */
export interface Calibration {
  readonly stdout: ReadonlySet<number>;
  readonly stderr: ReadonlySet<number>;
}

/** What to compare of two whole runs. */
export interface WholeRunOptions {
  readonly tolerance: number;
  readonly calibration?: Calibration | null;
  /** Compare stderr too (not for MPI launchers, which write their own notes there). */
  readonly stderr?: boolean;
}

/** Compares stdout, stderr, exit status and output files of two runs of whole programs. */
export function compareWholeRuns(name: string, original: ObservedRun, candidate: ObservedRun, at: RunPoint, options: WholeRunOptions | number): TestRecord {
  const opts: WholeRunOptions = typeof options === 'number' ? { tolerance: options } : options;
  const base = { name, seed: 0, sizes: {}, ...at, ...(opts.tolerance ? { tolerance: opts.tolerance } : {}) };
  const o = original.outcome;
  const c = candidate.outcome;
  if (o.exitCode !== c.exitCode) {
    return { ...base, passed: false, firstDifference: `exit status: original ${o.exitCode}, candidate ${c.exitCode ?? c.signal}` };
  }
  const d = firstDifference(o.programStdout, c.programStdout, opts.tolerance, opts.calibration?.stdout);
  if (d) {
    let where = describeDifference(d);
    if (c.perRank && c.perRank.size > 0) {
      const rank = [...c.perRank.entries()].find(([, lines]) => lines.includes(d.candidate));
      if (rank) where += ` (printed by rank ${rank[0]})`;
    }
    return { ...base, passed: false, firstDifference: where };
  }
  if (opts.stderr) {
    const e = firstDifference(o.stderr, c.stderr, 0, opts.calibration?.stderr);
    if (e) return { ...base, passed: false, firstDifference: describeDifference(e, 'stderr') };
  }
  const f = compareFiles(original, candidate, opts.tolerance);
  return f ? { ...base, passed: false, firstDifference: f } : { ...base, passed: true };
}

/** Relative tolerance for a whole program's output: only for floating-point reassociation the candidate's parsed text introduces. */
export function wholeProgramTolerance(facts: CandidateFacts): ToleranceReport | undefined {
  if (facts.reassociation.length === 0) return undefined;
  const single = facts.reassociation.some((r) => r.type === 'float');
  // The sizes a whole program uses are unknown: a fixed tight bound, looser only for float sums.
  const relative = single ? 1e-4 : 1e-9;
  return {
    relative,
    reason: facts.reassociation.map((r) => `${r.via} on ${r.type} ${r.variable} at line ${r.line} of the candidate (parsed)`).join('; '),
    appliesTo: 'floating-point numbers in stdout and output files; integers, words, line counts and stderr exactly',
  };
}

/** The floating-point reassociation facts of a whole file, read from its tree. */
export async function fileFacts(parser: ParserHost, language: LanguageId, text: string): Promise<CandidateFacts> {
  const tree = await parser.parse(language, text);
  try {
    return readCandidateFacts(tree.rootNode, null);
  } finally {
    tree.delete();
  }
}

/** Options of the whole-program harness. */
export interface WholeProgramOptions {
  /** Facts of the candidate's text (fileFacts): decide the tolerance. */
  readonly facts: CandidateFacts;
  /** Compare stderr (default true; false for MPI launchers). */
  readonly stderr?: boolean;
}

/** A whole program (it has `main`): run both as they are with the same arguments. */
export function wholeProgramHarness(args: readonly string[], options: WholeProgramOptions): Harness {
  const tolerance = wholeProgramTolerance(options.facts);
  const rel = tolerance?.relative ?? 0;
  const stderr = options.stderr !== false;
  let calibration: Calibration | null = null;
  const report: HarnessReport = { compared: ['stdout', ...(stderr ? ['stderr'] : []), 'exit status', 'files in the work folder'], leftOut: stderr ? [] : ['stderr (the MPI launcher writes its own notes there)'], tolerance };
  return {
    kind: 'program',
    description: `whole program: stdout${stderr ? ', stderr' : ''}, exit status and output files compared ${rel ? `(floating-point numbers within relative ${rel}: ${tolerance!.reason})` : 'exactly'}; lines that differ between runs of the original are left out (two runs; two more before a difference is blamed on the candidate)`,
    units: (s: ResolvedSource) => [{ name: s.fileName, text: s.text, compile: true }],
    checkArgs: args,
    timeArgs: args,
    report,
    calibrate(first: ObservedRun, second: ObservedRun) {
      const out = varyingLines(first.outcome.programStdout, second.outcome.programStdout);
      const err = varyingLines(first.outcome.stderr, second.outcome.stderr);
      const lines = outputLines(first.outcome.programStdout);
      const errLines = outputLines(first.outcome.stderr);
      // Later runs only add lines: one with a different line count adds nothing (compare more, not less).
      const firstCall = calibration === null;
      const grownOut = [...(out ?? [])].filter((n) => !calibration?.stdout.has(n));
      const grownErr = stderr ? [...(err ?? [])].filter((n) => !calibration?.stderr.has(n)) : [];
      calibration = { stdout: new Set([...(calibration?.stdout ?? []), ...grownOut]), stderr: new Set([...(calibration?.stderr ?? []), ...(err ?? [])]) };
      for (const n of grownOut) report.leftOut.push(`stdout line ${n} ("${lines[n - 1].slice(0, 80)}"): differs between runs of the original`);
      for (const n of grownErr) report.leftOut.push(`stderr line ${n} ("${errLines[n - 1].slice(0, 80)}"): differs between runs of the original`);
      if (out === null && firstCall) report.leftOut.push('nothing: the original printed a different number of stdout lines in two runs, so every line is compared');
      return grownOut.length + grownErr.length > 0;
    },
    compare: (original, candidate, at) => [compareWholeRuns(at.ranks !== undefined ? `program @${at.ranks} ranks` : `program @${at.threads ?? 1} threads`, original, candidate, at, { tolerance: rel, calibration, stderr })],
    timeOf: (outcome) => outcome.seconds,
  };
}

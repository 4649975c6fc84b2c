import type { TestRecord } from '../../model';
import { describeDifference, firstDifference, TIMING_LINE } from '../compareOutput';
import type { Harness, ObservedRun, ResolvedSource, RunPoint } from './harness';

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

/** Compares stdout, exit status and output files of two runs of whole programs. */
export function compareWholeRuns(name: string, original: ObservedRun, candidate: ObservedRun, at: RunPoint, tolerance: number): TestRecord {
  const base = { name, seed: 0, sizes: {}, ...at };
  const o = original.outcome;
  const c = candidate.outcome;
  if (o.exitCode !== c.exitCode) {
    return { ...base, passed: false, firstDifference: `exit status: original ${o.exitCode}, candidate ${c.exitCode ?? c.signal}` };
  }
  // Timing lines differ run to run; they are not part of the program's result.
  const d = firstDifference(o.programStdout, c.programStdout, tolerance, TIMING_LINE);
  if (d) {
    let where = describeDifference(d);
    if (c.perRank && c.perRank.size > 0) {
      const rank = [...c.perRank.entries()].find(([, lines]) => lines.includes(d.candidate));
      if (rank) where += ` (printed by rank ${rank[0]})`;
    }
    return { ...base, passed: false, firstDifference: where };
  }
  const f = compareFiles(original, candidate, tolerance);
  return f ? { ...base, passed: false, firstDifference: f } : { ...base, passed: true };
}

/** A whole program (it has `main`): run both as they are with the same arguments. */
export function wholeProgramHarness(args: readonly string[], tolerance: number): Harness {
  return {
    kind: 'program',
    description: `whole program: stdout (lines reporting run time skipped), exit status and output files compared (floats within ${tolerance})`,
    units: (s: ResolvedSource) => [{ name: s.fileName, text: s.text, compile: true }],
    checkArgs: args,
    timeArgs: args,
    compare: (original, candidate, at) => [compareWholeRuns(at.ranks !== undefined ? `program @${at.ranks} ranks` : `program @${at.threads ?? 1} threads`, original, candidate, at, tolerance)],
    timeOf: (outcome) => outcome.seconds,
  };
}

import * as path from 'node:path';
import type { Evidence } from '../model';
import { formatTable } from '../table';
import { describeRace } from './raceReport';

/**
 * The readable summary of one Evidence, as plain text: the verdict and its one-line reason, what
 * judged it, the tests, races and timing table, and the log tail when it was not verified. Both
 * hosts show it (the CLI on stdout/stderr, the editor in its evidence report), so it lives in core.
 */
export function formatEvidence(file: string, ev: Evidence): string {
  const lines = [`${path.basename(file)}: ${ev.verdict.toUpperCase()} — ${ev.summary}`];
  lines.push(`  target ${ev.target}, backend ${ev.backend}, compiler ${ev.toolchain.compiler ?? '?'}${ev.toolchain.raceChecker ? `, races: ${ev.toolchain.raceChecker}` : ''}`);
  if (ev.tests.length > 0) {
    const passed = ev.tests.filter((t) => t.passed).length;
    lines.push(`  tests: ${passed}/${ev.tests.length} passed`);
    for (const t of ev.tests.filter((t) => !t.passed).slice(0, 5)) lines.push(`    FAIL ${t.name}: ${t.firstDifference ?? ''}`);
  }
  for (const r of ev.races) lines.push(`  race: ${describeRace(r)}`);
  for (const f of ev.staticFindings ?? []) lines.push(`  static check ${f.check}${f.line ? ` (line ${f.line})` : ''}: ${f.message}`);
  for (const p of ev.preExisting ?? []) if (p.kind !== 'warning') lines.push(`  pre-existing in the original (not counted)${p.lines.length ? `, line ${p.lines.join(', ')}` : ''}: ${p.message}`);
  if (ev.checkedAt?.length) lines.push(`  outputs compared at ${ev.checkedAt.join(', ')} ${ev.target === 'mpi' ? 'ranks' : 'threads'}${ev.raceCheckedAt?.length ? `; race-checked at ${ev.raceCheckedAt.join(' and ')} threads` : ''}`);
  if (ev.timings.length > 0) {
    lines.push(
      formatTable(
        [ev.timings[0].ranks !== undefined ? 'ranks' : 'threads', 'median s', 'min s', 'max s', 'speedup', 'efficiency'],
        ev.timings.map((t) => [String(t.ranks ?? t.threads ?? 1), t.medianSeconds.toFixed(4), t.minSeconds.toFixed(4), t.maxSeconds.toFixed(4), `${t.speedup.toFixed(2)}×`, `${(t.efficiency * 100).toFixed(0)}%`]),
      ),
    );
  }
  if (ev.verdict !== 'verified' && ev.log.trim()) lines.push('  log:', ...ev.log.trim().split('\n').slice(-15).map((l) => `    ${l}`));
  return lines.join('\n') + '\n';
}

import type { RaceRecord } from '../model';
import type { SourceMap } from './raceReport';

/**
 * Reads compute-sanitizer output: memcheck errors (a runtime error of the candidate) and
 * racecheck hazards (shared-memory races only — racecheck does not see global-memory races).
 */

/** The memcheck/racecheck argv prefix for one tool. */
export function sanitizerArgv(tool: 'memcheck' | 'racecheck'): string[] {
  // A distinctive exit code separates "the tool found something" from the program's own failures.
  return ['--tool', tool, '--error-exitcode', '86', '--print-limit', '20'];
}

/** The first memcheck error line ("Invalid __global__ write of size 4 …"), or null when clean. */
export function memcheckError(output: string): string | null {
  const m = /=+\s+(Invalid [^\n]+|Program hit [^\n]+|Uninitialized [^\n]+|Barrier error[^\n]*)/.exec(output);
  if (m) return m[1].trim();
  const summary = /ERROR SUMMARY: (\d+) error/.exec(output);
  return summary && Number(summary[1]) > 0 ? `${summary[1]} memcheck errors` : null;
}

/** RaceRecords from racecheck's "Race reported between … access at … in FILE:LINE" hazards. */
export function parseRacecheck(output: string, map: SourceMap): RaceRecord[] {
  const races: RaceRecord[] = [];
  const lines = output.split('\n');
  const access = /(Read|Write) access at [^\n]*? in ([^\s:]+):(\d+)/;
  for (let i = 0; i < lines.length; i++) {
    if (!/Race reported between/.test(lines[i])) continue;
    const a = access.exec(lines[i]);
    const b = access.exec(lines[i + 1] ?? '');
    const locs = [a, b]
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ file: map.userFile(m[2]) ?? m[2], line: Number(m[3]), access: m[1].toLowerCase() as 'read' | 'write' }));
    const writes = locs.filter((l) => l.access === 'write').length;
    races.push({
      variable: null,
      kind: locs.length < 2 ? 'unknown' : writes === 2 ? 'write-write' : writes === 1 ? 'read-write' : 'unknown',
      locations: locs,
      tool: 'compute-sanitizer',
      raw: lines.slice(i, i + 3).join('\n'),
    });
  }
  if (races.length === 0) {
    const hazards = /RACECHECK SUMMARY: (\d+) hazard/.exec(output);
    if (hazards && Number(hazards[1]) > 0) races.push({ variable: null, kind: 'unknown', locations: [], tool: 'compute-sanitizer', raw: output.slice(0, 4000) });
  }
  return races;
}

import type { RaceRecord } from '../model';

/**
 * Turns ThreadSanitizer/Archer text into RaceRecords: the racing variable, the two accesses
 * (source line, read or write), mapped from the build directory back to the user's file.
 */

/** Maps a path in a report (a build-dir copy) to the user's file and reads its lines. */
export interface SourceMap {
  /** The user's file for a build-dir path, or null when the frame is not in user code. */
  readonly userFile: (reportedPath: string) => string | null;
  /** The text of the reported file (as compiled), for naming the variable at a column. */
  readonly lines: (reportedPath: string) => readonly string[] | null;
}

interface Access {
  readonly access: 'read' | 'write';
  readonly file: string | null;
  readonly line: number;
  readonly column: number;
  readonly reported: string;
}

const FRAME = /^\s*#\d+\s+\S+\s+(\/[^\s:]+):(\d+)(?::(\d+))?/;

/** The identifier an access at (line, column) refers to: `sum` in `sum += x`, `a` in `a[i] = 0`. */
export function identifierAt(text: string, column: number): string | null {
  let i = Math.min(Math.max(column - 1, 0), text.length - 1);
  const ident = /[A-Za-z0-9_]/;
  if (i < 0) return null;
  if (!ident.test(text[i])) {
    // At an operator: step left over blanks and a trailing subscript to reach the lvalue.
    i--;
    while (i >= 0 && /\s/.test(text[i])) i--;
    while (i >= 0 && text[i] === ']') {
      let depth = 0;
      for (; i >= 0; i--) {
        if (text[i] === ']') depth++;
        else if (text[i] === '[' && --depth === 0) break;
      }
      i--;
    }
    if (i < 0 || !ident.test(text[i])) return null;
  }
  let s = i;
  let e = i;
  while (s > 0 && ident.test(text[s - 1])) s--;
  while (e + 1 < text.length && ident.test(text[e + 1])) e++;
  const word = text.slice(s, e + 1);
  return /^[A-Za-z_]/.test(word) ? word : null;
}

function parseAccess(block: string[], start: number, map: SourceMap): Access | null {
  const head = /(read|write) of size/i.exec(block[start]);
  if (!head) return null;
  const access = head[1].toLowerCase().includes('write') ? 'write' : 'read';
  let fallback: Access | null = null;
  for (let i = start + 1; i < block.length && /^\s*#\d+/.test(block[i]); i++) {
    const m = FRAME.exec(block[i]);
    if (!m) continue;
    const user = map.userFile(m[1]);
    const a: Access = { access, file: user, line: Number(m[2]), column: Number(m[3] ?? 0), reported: m[1] };
    // The innermost frame in the user's code is the access itself.
    if (user) return a;
    fallback ??= a;
  }
  return fallback;
}

/** Parses every "WARNING: ThreadSanitizer: data race" block of `stderr`; duplicates by line pair are merged. */
export function parseRaceReports(stderr: string, map: SourceMap, tool: RaceRecord['tool'] = 'archer'): RaceRecord[] {
  const lines = stderr.split('\n');
  const races: RaceRecord[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    if (!/WARNING: ThreadSanitizer: data race/.test(lines[i])) continue;
    const block: string[] = [];
    let j = i;
    for (; j < lines.length && !/^SUMMARY: ThreadSanitizer/.test(lines[j]); j++) block.push(lines[j]);
    if (j < lines.length) block.push(lines[j]);
    i = j;
    const accesses: Access[] = [];
    for (let k = 0; k < block.length; k++) {
      if (/^\s+(Previous )?(Atomic )?(read|write|Read|Write) of size/.test(block[k])) {
        const a = parseAccess(block, k, map);
        if (a) accesses.push(a);
      }
    }
    const global = /Location is global '([^'?]+)'/.exec(block.join('\n'));
    let variable: string | null = global ? global[1] : null;
    if (!variable) {
      for (const a of accesses) {
        const text = map.lines(a.reported)?.[a.line - 1];
        if (text && a.column > 0) variable = identifierAt(text, a.column);
        if (variable) break;
      }
    }
    const writes = accesses.filter((a) => a.access === 'write').length;
    const kind: RaceRecord['kind'] = accesses.length < 2 ? 'unknown' : writes === 2 ? 'write-write' : writes === 1 ? 'read-write' : 'unknown';
    const locations = accesses.map((a) => ({ file: a.file ?? a.reported, line: a.line, access: a.access }));
    const key = `${variable}|${locations.map((l) => `${l.file}:${l.line}:${l.access}`).sort().join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    races.push({ variable, kind, locations, tool, raw: block.join('\n').slice(0, 4000) });
  }
  return races;
}

/** One line per race for summaries: "sum: write at saxpy.c:12 vs read at saxpy.c:12". */
export function describeRace(r: RaceRecord): string {
  const where = r.locations.map((l) => `${l.access} at ${l.file.split('/').pop()}:${l.line}`).join(' vs ');
  return `${r.variable ?? '(unknown variable)'}: ${where}`;
}

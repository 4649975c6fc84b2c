import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanError, runCli } from '../../helpers/cli';
import { ROOT } from '../../helpers/paths';

/** `paraforge parallelize` through the real bundle (dist/cli.js, built by the global setup). */
const SAXPY = path.join(ROOT, 'examples/saxpy.c');
const saxpyText = fs.readFileSync(SAXPY, 'utf8');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-parallelize-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Lines added to `before` to make `after` (the rewriter only inserts lines). */
function addedLines(before: string, after: string): string[] {
  const old = before.split('\n');
  const out: string[] = [];
  let k = 0;
  for (const line of after.split('\n')) {
    if (k < old.length && line === old[k]) k++;
    else out.push(line.trim());
  }
  expect(k, 'every original line is still there, in order').toBe(old.length);
  return out;
}

const NOTHING_SAFE = `/* Nothing here may run in parallel. */
#include <stdio.h>

void prefix_sum(int n, long *a) {
  for (int i = 1; i < n; i++) {
    a[i] = a[i] + a[i - 1];
  }
}

void histogram(int n, const int *key, int *bins) {
  for (int i = 0; i < n; i++) {
    bins[key[i]]++;
  }
}

void report(int n, const long *a) {
  for (int i = 0; i < n; i++) printf("%ld\\n", a[i]);
}
`;

describe('paraforge parallelize', () => {
  it('rewrites examples/saxpy.c with the right pragmas on stdout and leaves the file untouched', () => {
    const r = runCli(['parallelize', SAXPY, '--target', 'openmp']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(SAXPY, 'utf8')).toBe(saxpyText);
    const added = addedLines(saxpyText, r.stdout);
    expect(added).toEqual([
      '#pragma omp parallel for',
      '#pragma omp parallel for reduction(+:sum)',
      '#pragma omp parallel for',
      '#pragma omp parallel for reduction(+:check)',
    ]);
    // The pragma sits directly above its loop, indented like it.
    const lines = r.stdout.split('\n');
    const dot = lines.findIndex((l) => l.includes('reduction(+:sum)'));
    expect(lines[dot]).toBe('  #pragma omp parallel for reduction(+:sum)');
    expect(lines[dot + 1]).toBe('  for (int i = 0; i < n; i++) {');
    expect(r.stderr).toMatch(/saxpy\.c: parallelised 4 loops/);
  });

  it('--out writes the rewrite to a file and prints no source', () => {
    const out = path.join(tmp, 'saxpy.omp.c');
    const r = runCli(['parallelize', SAXPY, '--target', 'openmp', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote ${out}`);
    const written = fs.readFileSync(out, 'utf8');
    expect(addedLines(saxpyText, written)).toHaveLength(4);
    expect(fs.readFileSync(SAXPY, 'utf8')).toBe(saxpyText);
  });

  it('--function rewrites only the loops of that function', () => {
    const r = runCli(['parallelize', SAXPY, '--function', 'dot']);
    expect(r.code).toBe(0);
    expect(addedLines(saxpyText, r.stdout)).toEqual(['#pragma omp parallel for reduction(+:sum)']);
    expect(r.stderr).toMatch(/parallelised 1 loop\b/);
  });

  it('--line rewrites only the nest that contains that (1-based) line', () => {
    // Line 7 is the body of saxpy's loop (lines 6-8).
    const r = runCli(['parallelize', SAXPY, '--line', '7']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(addedLines(saxpyText, r.stdout)).toEqual(['#pragma omp parallel for']);
    expect(lines[5]).toBe('  #pragma omp parallel for');
    expect(lines[6]).toBe('  for (int i = 0; i < n; i++) {');
  });

  it('--function and --line that match no loop exit 2 with one line', () => {
    const f = runCli(['parallelize', SAXPY, '--function', 'nope']);
    expect(f.code).toBe(2);
    expect(f.stdout).toBe('');
    expectCleanError(f.stderr, /no loop in a function named 'nope'/);
    const l = runCli(['parallelize', SAXPY, '--line', '2']);
    expect(l.code).toBe(2);
    expectCleanError(l.stderr, /no loop at line 2/);
    const bad = runCli(['parallelize', SAXPY, '--line', 'abc']);
    expect(bad.code).toBe(2);
    expectCleanError(bad.stderr, /--line wants a positive line number, got 'abc'/);
  });

  it('--json reports rewritten loops with clauses, skipped loops with reasons, and the source', () => {
    const r = runCli(['parallelize', SAXPY, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ file: SAXPY, language: 'c', target: 'openmp', out: null, skipped: [] });
    expect(out.rewritten).toHaveLength(4);
    expect(out.rewritten[1]).toEqual({
      line: 13,
      function: 'dot',
      parallelLevel: 1,
      clauses: { reduction: [{ op: '+', var: 'sum' }], private: [], lastprivate: [], collapse: 1, schedule: null, simd: false },
    });
    expect(out.rewritten.map((l: { function: string; line: number }) => `${l.function}:${l.line}`)).toEqual(['saxpy:6', 'dot:13', 'main:23', 'main:32']);
    expect(out.source).toBe(runCli(['parallelize', SAXPY]).stdout);
    // With --out the source goes to the file, not into the JSON.
    const withOut = JSON.parse(runCli(['parallelize', SAXPY, '--json', '--out', path.join(tmp, 'j.c')]).stdout);
    expect(withOut.out).toBe(path.join(tmp, 'j.c'));
    expect(withOut).not.toHaveProperty('source');
  });

  it('exits 0 on a file where nothing is safe, leaves it unchanged and says why for each loop', () => {
    const file = write('nothing.c', NOTHING_SAFE);
    const r = runCli(['parallelize', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(NOTHING_SAFE);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/nothing\.c: parallelised 0 loops/);
    expect(lines.slice(1)).toHaveLength(3);
    expect(lines[1]).toMatch(/line 5: not-parallel: .*a\[i - 1\].*loop-carried flow dependence/);
    expect(lines[2]).toMatch(/line 11: not-parallel: .*bins\[key\[i\]\]/);
    expect(lines[3]).toMatch(/line 17: not-parallel: .*printf.*I\/O/);
    const json = JSON.parse(runCli(['parallelize', file, '--json']).stdout);
    expect(json.rewritten).toEqual([]);
    expect(json.skipped.map((s: { line: number; verdict: string }) => [s.line, s.verdict])).toEqual([
      [5, 'not-parallel'],
      [11, 'not-parallel'],
      [17, 'not-parallel'],
    ]);
    expect(json.skipped[0].reasons[0]).toMatchObject({ line: 6 });
  });

  it('exits 2 with one line on a missing file', () => {
    const r = runCli(['parallelize', path.join(tmp, 'missing.c')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectCleanError(r.stderr, /missing\.c: no such file/);
  });

  it('exits 2 with one line on an unknown --target', () => {
    const r = runCli(['parallelize', SAXPY, '--target', 'fortran']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectCleanError(r.stderr, /--target fortran is not supported/);
  });

  it('is idempotent: parallelising its own output changes nothing', () => {
    const once = path.join(tmp, 'once.c');
    expect(runCli(['parallelize', SAXPY, '--out', once]).code).toBe(0);
    const first = fs.readFileSync(once, 'utf8');
    const twice = runCli(['parallelize', once]);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toBe(first);
    expect(twice.stderr).toMatch(/parallelised 0 loops/);
    expect(twice.stderr).toMatch(/already has `#pragma omp parallel for reduction\(\+:sum\)`/);
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { ROOT } from '../../helpers/paths';

/** `paraforge parallelize --verify`: the rewrite is compiled, run, race-checked and timed before it is written. */
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-parverify-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('paraforge parallelize --verify', () => {
  it('verifies a whole program and writes the rewrite with its evidence', () => {
    const out = path.join(tmp, 'saxpy.omp.c');
    const r = runCli(['parallelize', path.join(ROOT, 'examples/saxpy.c'), '--verify', '--threads', '1,2', '--out', out], { timeoutMs: 290_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/parallelised 4 loops, VERIFIED, wrote/);
    expect(r.stderr).toMatch(/saxpy\.c: VERIFIED — \d+ tests passed at 1, 2 threads, no race at 2 and 4 threads, /);
    expect(r.stderr).toMatch(/threads\s+median s/);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/#pragma omp parallel for (simd )?reduction\(\+:sum\)/);
  }, 300_000);

  it('verifies each rewritten function of a file without main through a generated harness (JSON evidence)', () => {
    const file = path.join(tmp, 'kernels.c');
    fs.writeFileSync(
      file,
      'void scale(int n, double *restrict y, const double *restrict x, double a) {\n  for (int i = 0; i < n; i++) y[i] = a * x[i];\n}\n\n' +
        'double sum(int n, const double *x) {\n  double s = 0;\n  for (int i = 0; i < n; i++) s += x[i];\n  return s;\n}\n',
    );
    const r = runCli(['parallelize', file, '--verify', '--json'], { timeoutMs: 290_000 });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.verified).toBe(true);
    expect(json.evidence.map((p: { functionName: string }) => p.functionName)).toEqual(['scale', 'sum']);
    for (const part of json.evidence) {
      expect(part.evidence.verdict).toBe('verified');
      expect(part.evidence.tests.length).toBeGreaterThan(3);
    }
    expect(json.source).toContain('#pragma omp parallel for');
  }, 300_000);

  it('--mark-slowdown writes a verified rewrite measured slower as NAME.slowdown.c, never under --out', () => {
    const out = path.join(tmp, 'marked', 'saxpy.c');
    fs.mkdirSync(path.dirname(out));
    const r = runCli(['parallelize', path.join(ROOT, 'examples/saxpy.c'), '--verify', '--threads', '1,2', '--mark-slowdown', '--out', out, '--json'], { timeoutMs: 290_000 });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.verified).toBe(true);
    // Which one it is depends on the machine's timing; either way exactly one file, named for what was measured.
    const marked = path.join(tmp, 'marked', 'saxpy.slowdown.c');
    expect(fs.readdirSync(path.dirname(out))).toHaveLength(1);
    expect(json.evidence.some((p: { evidence: { summary: string } }) => /SLOWDOWN/.test(p.evidence.summary))).toBe(json.slowdown !== null);
    if (json.slowdown === null) {
      expect(json.out).toBe(out);
      expect(fs.existsSync(out)).toBe(true);
    } else {
      expect(json.slowdown).toBeGreaterThan(1);
      expect(json.out).toBe(marked);
      expect(fs.existsSync(marked)).toBe(true);
    }
    expect(runCli(['parallelize', path.join(ROOT, 'examples/saxpy.c'), '--mark-slowdown']).stderr).toMatch(/--mark-slowdown applies to --verify/);
  }, 300_000);

  it('writes nothing and exits 1 when the rewrite cannot be verified, saying why', () => {
    const file = path.join(tmp, 'callback.c');
    fs.writeFileSync(file, 'void apply(int n, double *restrict y, const double *restrict x, double (*f)(double)) {\n  for (int i = 0; i < n; i++) y[i] = 2.0 * x[i] + 1.0;\n  if (n > 0) y[0] = f(y[0]);\n}\n');
    const out = path.join(tmp, 'callback.omp.c');
    const r = runCli(['parallelize', file, '--verify', '--out', out], { timeoutMs: 290_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED verification: not written/);
    expect(r.stderr).toMatch(/NOT-RUN — cannot generate a harness for apply: .*--harness/);
    expect(fs.existsSync(out)).toBe(false);
  }, 300_000);

  it('rejects verification options without --verify', () => {
    const r = runCli(['parallelize', path.join(ROOT, 'examples/saxpy.c'), '--threads', '1,2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads and --compiler apply to --verify/);
  });
});

import { describe, expect, it } from 'vitest';
import type { LoopVerdict } from '../../../src/core/model';
import { verifyProgram } from '../../../src/core/runner';
import { parallelizeSource } from '../../../src/core/transform';
import { analyseFile } from '../analysis/corpusHelpers';
import { fixture } from '../../helpers/paths';
import { analyseText as analyse } from '../analysis/snippets';

const line = (v: LoopVerdict) => v.nest.root.range.start.line + 1;

describe('cost model: the pragma must pay', () => {
  it('C89 counters at function scope do not push a time-stepped stencil down to a region per row', async () => {
    const { text, verdicts } = await analyseFile(fixture('coverage/c89_time_stencil.c'));
    const byLine = new Map(verdicts.map((v) => [line(v), v]));
    // The time loop is sequential; each sweep inside it is parallel at its row level, j private.
    expect(byLine.get(11)?.verdict).toBe('not-parallel');
    for (const l of [12, 15]) {
      const v = byLine.get(l)!;
      expect(v.verdict, v.reasons.map((r) => r.message).join('|')).toBe('parallel');
      expect(v.parallelLevel).toBe(1);
      expect(v.clauses?.private).toEqual(['j']);
      expect(v.clauses?.lastprivate).toEqual([]);
    }
    // One thread team for the whole time loop: parallel (t private) outside, omp for inside.
    expect(byLine.get(12)?.region?.private).toEqual(['t']);
    expect(byLine.get(15)?.partOfRegion).toBe(true);
    const out = parallelizeSource(text, verdicts, 'c').text;
    expect(out).toContain('  #pragma omp parallel private(t)\n  for (t = 0; t < STEPS; t++) {\n    #pragma omp for private(j)\n    for (i = 1; i < N - 1; i++)');
    for (const compiler of ['gcc', 'clang'] as const) {
      const evidence = await verifyProgram({ original: { text, path: 'c89_time_stencil.c' }, candidate: { text: out }, language: 'c', target: 'openmp', compiler, threads: [1, 3], timingThreads: [1], repeats: 1, raceCheck: compiler === 'gcc' });
      expect(evidence.tests.every((t) => t.passed) && evidence.tests.length > 0, `${compiler}: ${evidence.summary}\n${evidence.log.slice(0, 2000)}`).toBe(true);
      if (compiler === 'gcc') expect(evidence.verdict, evidence.summary).toBe('verified');
    }
  }, 240_000);

  it('hoists the region out of a time loop with pointer swaps between the sweeps (single)', async () => {
    const src = 'double a[5000], b[5000];\nvoid f(int steps) {\n  double *cur = a, *nxt = b, *tmp;\n  for (int t = 0; t < steps; t++) {\n    for (int i = 1; i < 4999; i++) b[i] = 0.5 * (a[i - 1] + a[i + 1]);\n    for (int i = 1; i < 4999; i++) a[i] = b[i];\n    tmp = cur;\n    cur = nxt;\n    nxt = tmp;\n  }\n}\n';
    const vs = await analyse(src);
    const out = parallelizeSource(src, vs, 'c').text;
    expect(out).toContain('  #pragma omp parallel\n  for (int t = 0; t < steps; t++) {\n    #pragma omp for\n');
    expect(out).toContain('    #pragma omp single\n    {\n    tmp = cur;\n    cur = nxt;\n    nxt = tmp;\n    }\n  }');
  });

  it('heat1d: malloc\'ed grids swapped through `double *tmp = a;` between sweeps: one region, the swap in single, verified', async () => {
    const text = '#include <stdio.h>\n#include <stdlib.h>\nint main(int argc, char **argv) {\n  int n = argc > 1 ? atoi(argv[1]) : 100;\n  double *a = malloc(sizeof(double) * n), *b = malloc(sizeof(double) * n);\n  for (int i = 0; i < n; i++) a[i] = b[i] = i % 10;\n  for (int t = 0; t < 5; t++) {\n    for (int i = 1; i < n - 1; i++) {\n      b[i] = a[i] + 0.25 * (a[i - 1] - 2.0 * a[i] + a[i + 1]);\n    }\n    double *tmp = a;\n    a = b;\n    b = tmp;\n  }\n  printf("%.17g %.17g\\n", a[n / 2], b[n / 3]);\n  free(a);\n  free(b);\n  return 0;\n}\n';
    const vs = await analyse(text);
    const out = parallelizeSource(text, vs, 'c').text;
    expect(out).toContain('  #pragma omp parallel\n  for (int t = 0; t < 5; t++) {\n    #pragma omp for\n    for (int i = 1; i < n - 1; i++) {');
    expect(out).toContain('    #pragma omp single\n    {\n    double *tmp = a;\n    a = b;\n    b = tmp;\n    }\n  }');
    const evidence = await verifyProgram({ original: { text, path: 'heat1d.c' }, candidate: { text: out }, language: 'c', target: 'openmp', compiler: 'gcc', threads: [1, 3], timingThreads: [1], repeats: 1, raceCheck: true });
    expect(evidence.verdict, `${evidence.summary}\n${evidence.log.slice(0, 2000)}`).toBe('verified');
  }, 240_000);

  it('keeps lastprivate when a later read is not preceded by a reassignment on every path', async () => {
    const src = 'double a[1000];\nint f(int c) {\n  int i, k = 0;\n  for (i = 0; i < 1000; i++) { k = i * 2; a[i] = k; }\n  if (c) k = 0;\n  return k;\n}\n';
    const [v] = await analyse(src);
    expect(v.verdict).toBe('parallel');
    expect(v.clauses?.lastprivate).toEqual(['k']);
  });

  it('skips loops too small to pay for a thread team and says so', async () => {
    const [tiny] = await analyse('double a[100];\nvoid f(void) {\n  for (int i = 0; i < 100; i++) a[i] = 0.0;\n}\n');
    expect(tiny.verdict).toBe('not-parallel');
    expect(tiny.reasons[0].code).toBe('too-small');
    expect(tiny.reasons[0].message).toMatch(/simple operations|iterations of work/);
    const [setup] = await analyse('#include <stdio.h>\ndouble a[300];\nint main(void) {\n  for (int i = 0; i < 300; i++) a[i] = i * 0.5;\n  printf("%f\\n", a[7]);\n  return 0;\n}\n');
    expect(setup.reasons[0].message).toMatch(/set-up loop in main/);
    // Unknown sizes are assumed to pay.
    const [big] = await analyse('void f(int n, double *restrict a) {\n  for (int i = 0; i < n; i++) a[i] = 0.0;\n}\n');
    expect(big.verdict).toBe('parallel');
  });

  it('uses schedule(dynamic) for triangular nests and guided for data-dependent inner loops; no simd, no collapse of long loops', async () => {
    const [tri] = await analyse('double a[2000][2000];\nvoid f(int n) {\n  for (int i = 0; i < n; i++)\n    for (int j = 0; j < i; j++) a[i][j] = 1.0;\n}\n');
    expect(tri.clauses?.schedule).toBe('dynamic');
    const [mandel] = await analyse(
      'void f(int n, int *restrict it, const double *restrict c) {\n  for (int i = 0; i < n; i++) {\n    double z = 0.0;\n    int k = 0;\n    while (k < 100 && z < 4.0) { z = z * z + c[i]; k++; }\n    it[i] = k;\n  }\n}\n',
    );
    expect(mandel.verdict).toBe('parallel');
    expect(mandel.clauses?.schedule).toBe('guided');
    // primes: each candidate costs a call to a function with a loop whose length grows with it.
    const primes = await analyse('static int is_prime(int v) {\n  for (int d = 2; d * d <= v; d++) if (v % d == 0) return 0;\n  return v > 1;\n}\nlong f(int n) {\n  long count = 0;\n  for (int v = 2; v < n; v++) if (is_prime(v)) count++;\n  return count;\n}\n');
    expect(primes.at(-1)?.clauses?.schedule).toBe('guided');
    const [rect] = await analyse('void f(int n, double *restrict a) {\n  for (int i = 0; i < n; i++)\n    for (int j = 0; j < n; j++) a[i * n + j] = 1.0;\n}\n');
    expect(rect.clauses).toMatchObject({ collapse: 1, simd: false, schedule: null });
  });

  it('LoopFacts are plain JSON', async () => {
    const [v] = await analyse('void f(int n, double *restrict y, const double *restrict x) {\n  for (int i = 1; i < n; i++) y[i] = x[i] + x[i - 1];\n}\n');
    const facts = v.facts!;
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
    expect(facts.varName).toBe('i');
    expect(facts.accesses.map((a) => a.text)).toEqual(['y[i]', 'x[i]', 'x[i - 1]']);
    expect(facts.accesses[2].subscripts?.[0]?.terms).toEqual({ i: 1, '': -1 });
    expect(facts.aliases).toEqual([{ a: 'y', b: 'x', kind: 'distinct', why: 'restrict-qualified' }]);
    expect(facts.dependences.every((d) => !d.carried)).toBe(true);
  });
});

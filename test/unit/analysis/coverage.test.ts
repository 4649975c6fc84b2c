import { describe, expect, it } from 'vitest';
import { analyzeLoops } from '../../../src/core/analysis';
import type { LoopVerdict } from '../../../src/core/model';
import { applyEdits, openMpCandidates, parallelizeEdits, parallelizeSource } from '../../../src/core/transform';
import { verifyProgram } from '../../../src/core/runner';
import { fixture, testParserHost } from '../../helpers/paths';
import { analyseFile } from './corpusHelpers';

const host = testParserHost();

async function cpp(text: string): Promise<LoopVerdict[]> {
  const tree = await host.parse('cpp', text);
  try {
    return analyzeLoops(tree, 'cpp', text);
  } finally {
    tree.delete();
  }
}

const why = (v: LoopVerdict) => v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ');

describe('C++ as HPC people write it (issue #7 §2)', () => {
  it('reads x.size() and std::size(x) of a container the loop does not resize as the bound', async () => {
    const [a, b] = await cpp('#include <vector>\nvoid f(std::vector<double> &x) {\n  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 2.0 * x[i];\n  for (int i = 0; i < (int)std::size(x); i++) x[i] += 1.0;\n}\n');
    expect(a.verdict, why(a)).toBe('parallel');
    expect(b.verdict, why(b)).toBe('parallel');
    const [grow] = await cpp('#include <vector>\nvoid f(std::vector<double> &x) {\n  for (std::size_t i = 0; i < x.size(); ++i) x.push_back(1.0);\n}\n');
    expect(grow.verdict).not.toBe('parallel');
  });

  it('range-for over a container: a reference element is the element, `e *= beta` is parallel', async () => {
    const [v] = await cpp('#include <vector>\nvoid f(std::vector<double> &y, double beta) {\n  for (auto &e : y) e *= beta;\n}\n');
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.reasons[0].message).toContain('range-for over `y`');
    const [sum] = await cpp('#include <vector>\ndouble f(const std::vector<double> &y) {\n  double s = 0.0;\n  for (double e : y) s += e;\n  return s;\n}\n');
    expect(sum.verdict, why(sum)).toBe('parallel');
    expect(sum.clauses?.reduction).toEqual([{ op: '+', var: 's' }]);
    // A neighbour read through the container is a real dependence.
    const [dep] = await cpp('#include <vector>\nvoid f(std::vector<double> &y) {\n  for (auto &e : y) e = y[0] + 1.0;\n}\n');
    expect(dep.verdict).not.toBe('parallel');
  });

  it('two container parameters: independent even as one object needs nothing; otherwise a versioned rewrite checks &x != &y', async () => {
    const [axpy] = await cpp('#include <vector>\nvoid f(const std::vector<double> &x, std::vector<double> &y) {\n  for (std::size_t i = 0; i < x.size(); ++i) y[i] += 2.0 * x[i];\n}\n');
    expect(axpy.verdict, why(axpy)).toBe('parallel');
    expect(axpy.runtimeCheck ?? null).toBeNull();
    const src = '#include <vector>\nvoid f(const std::vector<double> &x, std::vector<double> &y, std::size_t n) {\n  for (std::size_t i = 1; i < n; ++i) y[i] = x[i - 1];\n}\n';
    const [shift] = await cpp(src);
    expect(shift.verdict, why(shift)).toBe('parallel');
    expect(shift.runtimeCheck).toMatch(/^&(x != &y|y != &x)$/);
    const out = applyEdits(src, parallelizeEdits(shift, src));
    expect(out.replace('&y != &x', '&x != &y')).toContain('if (&x != &y) {\n    #pragma omp parallel for\n    for (std::size_t i = 1; i < n; ++i) y[i] = x[i - 1];\n  } else {\n    for (std::size_t i = 1; i < n; ++i) y[i] = x[i - 1];\n  }');
    // Idempotent: the serial copy is not versioned again.
    const again = await cpp(out);
    expect(again.flatMap((v) => parallelizeEdits(v, out))).toEqual([]);
  });

  it('search loops keeping the last matching index become a max reduction when the start value is below every index', async () => {
    const [v] = await cpp('#include <vector>\nint f(const std::vector<int> &x) {\n  int last = -1;\n  for (int i = 0; i < (int)x.size(); i++) {\n    if (x[i] % 7 == 0) last = i;\n  }\n  return last;\n}\n');
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op: 'max', var: 'last' }]);
    const [unknownStart] = await cpp('#include <vector>\nint f(const std::vector<int> &x, int last) {\n  for (int i = 0; i < (int)x.size(); i++) {\n    if (x[i] % 7 == 0) last = i;\n  }\n  return last;\n}\n');
    expect(unknownStart.verdict).not.toBe('parallel');
    expect(unknownStart.reasons.map((r) => r.code)).toContain('conditional-write');
  });

  it('delinearises a[(i*n + j)*n + k] and a[i*n + j] with j <= i, and refuses a region per iteration of two sequential loops', async () => {
    const [heat] = await cpp('void f(int n, double *__restrict__ out, const double *__restrict__ in) {\n  for (int i = 1; i < n - 1; i++)\n    for (int j = 1; j < n - 1; j++)\n      for (int k = 1; k < n - 1; k++)\n        out[(i * n + j) * n + k] = in[(i * n + j) * n + k - 1] + in[((i - 1) * n + j) * n + k];\n}\n');
    expect(heat.verdict, why(heat)).toBe('parallel');
    expect(heat.parallelLevel).toBe(1);
    const [syrk] = await cpp('void f(int n, double *__restrict__ c, const double *__restrict__ a) {\n  for (int i = 0; i < n; i++)\n    for (int j = 0; j <= i; j++) c[i * n + j] += a[i] * a[j];\n}\n');
    expect(syrk.verdict, why(syrk)).toBe('parallel');
    expect(syrk.clauses?.schedule).toBe('dynamic');
    const [lu] = await cpp('void f(int n, double *a) {\n  int i, j, k;\n  for (k = 0; k < n; k++)\n    for (i = k + 1; i < n; i++)\n      for (j = k + 1; j < n; j++) a[i * n + j] -= a[i * n + k] * a[k * n + j];\n}\n');
    // For a fixed pivot k the rows i > k are independent (symbolic bounds): the i loop is parallel.
    expect(lu, why(lu)).toMatchObject({ verdict: 'parallel', parallelLevel: 2 });
    const [inner] = await cpp('void f(int n, int steps, double *__restrict__ a, const double *__restrict__ b) {\n  for (int t = 0; t < steps; t++)\n    for (int i = 0; i < n; i++)\n      for (int j = 0; j < n; j++) a[j] += b[i * n + j];\n}\n');
    expect(inner.verdict).toBe('not-parallel');
    expect(inner.reasons.at(-1)?.message).toMatch(/nested in 2 sequential loops/);
  });

  it('may-alias pointer parameters also get a versioned candidate with a run-time overlap check', async () => {
    const src = 'void sh(int n, const double *a, double *b) {\n  for (int i = 1; i < n - 1; i++) b[i] = a[i - 1] + a[i + 1];\n}\n';
    const [v] = await cpp(src);
    expect(v.verdict).toBe('not-parallel');
    expect(v.ifAssumed?.overlapCheck).toMatch(/\(const char \*\)\((a|b) \+/);
    const cands = openMpCandidates(v, src, 'cpp');
    expect(cands.map((c) => c.assumes)).toEqual([true, false]);
    const out = applyEdits(src, cands[1].edits);
    expect(out).toContain('} else {');
    expect(out).toContain('#pragma omp parallel for');
  });

  it('the versioned candidate verifies on overlapping and separate buffers (gcc, Archer)', async () => {
    const src = '#include <stdio.h>\n#include <stdlib.h>\nvoid sh(int n, const double *a, double *b) {\n  for (int i = 1; i < n - 1; i++) b[i] = a[i - 1] + a[i + 1];\n}\nint main(void) {\n  int n = 100000;\n  double *p = malloc(sizeof(double) * 2 * n), *q = malloc(sizeof(double) * n);\n  for (int i = 0; i < 2 * n; i++) p[i] = (i % 13) * 0.5;\n  for (int i = 0; i < n; i++) q[i] = 0.0;\n  sh(n, p, q);\n  sh(n, p, p + 1);\n  sh(n, p + 2, p);\n  double s = 0.0;\n  for (int i = 0; i < 2 * n; i++) s += p[i] * (i % 7);\n  for (int i = 0; i < n; i++) s += q[i];\n  printf("%.10e\\n", s);\n  free(p);\n  free(q);\n  return 0;\n}\n';
    const tree = await host.parse('c', src);
    const [v] = analyzeLoops(tree, 'c', src);
    tree.delete();
    const versioned = openMpCandidates(v, src, 'c').find((c) => !c.assumes)!;
    const text = applyEdits(src, versioned.edits);
    const evidence = await verifyProgram({ original: { text: src }, candidate: { text }, language: 'c', target: 'openmp', threads: [1, 3], timingThreads: [1], repeats: 1 });
    expect(evidence.verdict, `${evidence.summary}\n${evidence.log.slice(0, 2000)}`).toBe('verified');
  }, 240_000);

  it('histograms of known size become array reductions; an existing pragma without the clause is a race', async () => {
    const src = 'int x[100000];\nvoid f(int n, long *out) {\n  int h[256] = {0};\n  for (int i = 0; i < n; i++) h[x[i] & 255]++;\n  for (int b = 0; b < 256; b++) out[b] = h[b];\n}\n';
    const [v] = await cpp(src);
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op: '+', var: 'h' }]);
    const racy = src.replace('  for (int i = 0; i < n; i++) h', '  #pragma omp parallel for\n  for (int i = 0; i < n; i++) h');
    const [r] = await cpp(racy);
    expect(r.existingPragma?.missingClauses).toEqual(['reduction(+:h)']);
    // Weighted (floating) bins follow the scalar float-sum policy (the gate compares within its
    // tolerance) when no bin can start as -0.0 (floatBinsStart): zero-initialised here, then read.
    const weighted = 'double x[1000], wt[1000];\nvoid f(double *out) {\n  double h[16] = {0};\n  for (int i = 0; i < 1000; i++) h[(int)x[i] & 15] += wt[i];\n  for (int b = 0; b < 16; b++) out[b] = h[b];\n}\n';
    const [w] = await cpp(weighted);
    expect(w.clauses?.reduction, why(w)).toEqual([{ op: '+', var: 'h' }]);
    const [z] = await cpp(weighted.replace('{0};', '{0};\n  h[3] = -0.0;'));
    expect(z.reasons.map((r) => r.code), why(z)).toContain('histogram-start');
  });
});

describe('disjoint ranges, triangular mirror stores and LU rows (issue #7 §2, dependence side)', () => {
  const line = (v: LoopVerdict) => v.nest.root.range.start.line + 1;

  /** Analyses a coverage fixture, checks the verdicts at the given lines, and verifies the rewrite with gcc (+ race check) and clang. */
  async function verified(name: string, expected: Record<number, Partial<LoopVerdict>>): Promise<{ verdicts: LoopVerdict[]; out: string }> {
    const { text, verdicts } = await analyseFile(fixture(`coverage/${name}`));
    const byLine = new Map(verdicts.map((v) => [line(v), v]));
    for (const [l, want] of Object.entries(expected)) {
      const v = byLine.get(Number(l));
      expect(v, `${name}:${l}`).toBeDefined();
      expect(v, `${name}:${l}: ${why(v as LoopVerdict)}`).toMatchObject(want);
    }
    const out = parallelizeSource(text, verdicts, 'c').text;
    for (const compiler of ['gcc', 'clang'] as const) {
      const evidence = await verifyProgram({ original: { text, path: name }, candidate: { text: out }, language: 'c', target: 'openmp', compiler, threads: [1, 3, 4], timingThreads: [1], repeats: 1, raceCheck: compiler === 'gcc' });
      expect(evidence.tests.length, `${name} (${compiler}): ${evidence.summary}`).toBeGreaterThan(0);
      expect(evidence.tests.every((t) => t.passed), `${name} (${compiler}): ${evidence.summary}\n${evidence.log.slice(0, 2000)}`).toBe(true);
      if (compiler === 'gcc') expect(evidence.verdict, `${name}: ${evidence.summary}`).toBe('verified');
    }
    return { verdicts, out };
  }

  it('a reversal by swaps up to n / 2, a[i] from a[i + h] for i < h, and odd from even elements in a step-2 loop', async () => {
    const { out } = await verified('disjoint_ranges.c', {
      9: { verdict: 'parallel', parallelLevel: 1 },
      18: { verdict: 'parallel', parallelLevel: 1 },
      22: { verdict: 'parallel', parallelLevel: 1 },
    });
    expect(out).toContain('  #pragma omp parallel for\n  for (int i = 0; i < n / 2; i++) {');
    expect(out).toContain('  #pragma omp parallel for\n  for (int i = 1; i < n; i += 2) c[i] = c[i - 1] * 2.0 + 1.0;');
  }, 400_000);

  it("covariance's mirror store cov[i][j], cov[j][i] for j >= i: the outer row loop, schedule(dynamic)", async () => {
    const { verdicts } = await verified('covariance_mirror.c', { 7: { verdict: 'parallel', parallelLevel: 1 } });
    expect(verdicts.find((v) => line(v) === 7)?.clauses?.schedule).toBe('dynamic');
  }, 400_000);

  it('loop headers i + 1 < n, i < n - 1, i <= n - 1, n > i, i + k <= n: offsets in the condition become i < (n > k ? n - k : 0), unsigned n == 0 included', async () => {
    const lines = [10, 11, 12, 13, 14, 15];
    const { out } = await verified('loop_headers.c', Object.fromEntries(lines.map((l) => [l, { verdict: 'parallel', parallelLevel: 1 }])));
    expect(out).toContain('  #pragma omp parallel for\n  for (int i = 0; i < (n > 1 ? n - 1 : 0); i++) b[i] = a[i + 1] - a[i];');
    expect(out).toContain('  #pragma omp parallel for\n  for (unsigned i = 0; i < (un > 1 ? un - 1 : 0); i++) b[i] += a[i + 1];');
    expect(out).toContain('  #pragma omp parallel for\n  for (int i = 0; i < (n > 2 ? n - 2 : 0); i += 2) c[i] -= a[i + 2];');
    // The rewritten header reads back as the same canonical loop: nothing more to do.
    const tree = await host.parse('c', out);
    const again = analyzeLoops(tree, 'c', out);
    tree.delete();
    expect(again.filter((v) => v.verdict === 'parallel' && !v.existingPragma)).toEqual([]);
    expect(again.filter((v) => v.existingPragma).every((v) => v.verdict === 'parallel')).toBe(true);
  }, 400_000);

  it('per-iteration row pointers: `double *row = &a[r*m]` and `out = d + r*m` name rows of their arrays', async () => {
    const { out } = await verified('row_pointers.c', { 7: { verdict: 'parallel', parallelLevel: 1 }, 16: { verdict: 'parallel', parallelLevel: 1 } });
    expect(out).toContain('  #pragma omp parallel for\n  for (int r = 0; r < n; r++) {\n    double *row = &a[r * m];');
  }, 400_000);

  it('LU: the rows below the pivot in one thread team for the whole pivot loop (private k, f and j)', async () => {
    const { verdicts, out } = await verified('lu_rows.c', { 9: { verdict: 'parallel', parallelLevel: 2 } });
    expect(verdicts.find((v) => line(v) === 9)?.region?.private).toEqual(['k']);
    expect(out).toContain('  #pragma omp parallel private(k)\n  for (k = 0; k < n; k++) {\n    #pragma omp for private(f, j)\n    for (i = k + 1; i < n; i++) {');
  }, 400_000);
});

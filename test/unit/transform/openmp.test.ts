import { describe, expect, it } from 'vitest';
import { applyEdits, openMpCandidates, parallelizeSource } from '../../../src/core/transform';
import { analyseText as analyse } from '../analysis/snippets';

describe('OpenMP rewriter', () => {
  it('inserts the pragma with clauses and the loop indentation, and is idempotent', async () => {
    const src = 'double a[1000];\nint main(void) {\n    double s = 0;\n    for (int i = 0; i < 1000; i++) s += a[i];\n    return (int)s;\n}\n';
    const once = parallelizeSource(src, await analyse(src), 'c');
    expect(once.text).toContain('    #pragma omp parallel for reduction(+:s)\n    for (int i = 0;');
    const twice = parallelizeSource(once.text, await analyse(once.text), 'c');
    expect(twice.edits).toHaveLength(0);
    expect(twice.text).toBe(once.text);
  });

  it('does not touch loops it cannot prove safe', async () => {
    const src = 'long p[100];\nvoid f(void) {\n  for (int i = 1; i < 100; i++) p[i] += p[i - 1];\n}\n';
    const r = parallelizeSource(src, await analyse(src), 'c');
    expect(r.edits).toHaveLength(0);
    expect(r.skipped[0].reasons[0].code).toBe('flow-dependence');
    expect(r.skipped[0].reasons[0].message).toContain('`p[i - 1]` read in iteration i is written by iteration i-1');
  });

  it('offers restrict as a separate labelled candidate for may-alias loops (C and C++ keywords)', async () => {
    const c = 'void f(int n, double *a, const double *b) {\n  for (int i = 0; i < n; i++) a[i] = b[i];\n}\n';
    const [v] = await analyse(c);
    expect(v.verdict).toBe('not-parallel');
    expect(v.assumptions[0].message).toMatch(/safe if (a and b|b and a) do not overlap/);
    const cands = openMpCandidates(v, c, 'c');
    // The restrict candidate, then the versioned one (run-time overlap check, assumes nothing).
    expect(cands.map((x) => x.assumes)).toEqual([true, false]);
    expect(applyEdits(c, cands[1].edits)).toContain("if (((const char *)(");
    const out = applyEdits(c, cands[0].edits);
    expect(out).toContain('double *restrict a');
    expect(out).toContain('const double *restrict b');
    expect(out).toContain('#pragma omp parallel for');
    const cpp = c;
    const [w] = await analyse(cpp, 'cpp');
    expect(applyEdits(cpp, openMpCandidates(w, cpp, 'cpp')[0].edits)).toContain('double *__restrict__ a');
  });

  it('reports a likely data race on an existing pragma without its reduction', async () => {
    const src = 'double a[1000];\ndouble f(void) {\n  double s = 0;\n  #pragma omp parallel for\n  for (int i = 0; i < 1000; i++) s += a[i];\n  return s;\n}\n';
    const [v] = await analyse(src);
    expect(v.existingPragma?.races[0].message).toContain('likely data race on `s`');
    expect(v.existingPragma?.missingClauses).toEqual(['reduction(+:s)']);
    expect(parallelizeSource(src, [v], 'c').edits).toHaveLength(0);
  });

  it('reports lastprivate without firstprivate on a loop that may run no iteration', async () => {
    const body = (pragma: string, bound: string) =>
      `double f(double *restrict y, const double *restrict x, int n) {\n  double last = 0.0;\n  #pragma omp parallel for ${pragma}\n  for (int i = 0; i < ${bound}; i++) {\n    last = 2.0 * x[i];\n    y[i] = last;\n  }\n  return last;\n}\n`;
    const [bare] = await analyse(body('lastprivate(last)', 'n'));
    expect(bare.existingPragma?.races.map((r) => r.code)).toEqual(['pragma-lastprivate-zero-trip']);
    expect(bare.existingPragma?.missingClauses).toEqual(['firstprivate(last)']);
    // With firstprivate the earlier value is what the private copy starts from; a constant
    // positive trip count always has a last iteration.
    const [both] = await analyse(body('firstprivate(last) lastprivate(last)', 'n'));
    expect(both.existingPragma?.races).toEqual([]);
    const [fixed] = await analyse(body('lastprivate(last)', '1000'));
    expect(fixed.existingPragma?.races).toEqual([]);
  });

  it('reads CUDA host code with the cuda grammar', async () => {
    const src = '__global__ void k(float *x) { x[threadIdx.x] = 0; }\nint main() {\n  static float h[4096];\n  for (int i = 0; i < 4096; i++) h[i] = i;\n  k<<<1, 1>>>(h);\n  return 0;\n}\n';
    const vs = await analyse(src, 'cuda-cpp');
    expect(vs).toHaveLength(1);
    expect(vs[0].verdict).toBe('parallel');
  });

  it('refuses code next to syntax errors', async () => {
    const src = 'double a[1000];\nvoid f(void) {\n  for (int i = 0; i < 1000; i++) a[i] = ;\n}\n';
    const [v] = await analyse(src);
    expect(v.verdict).toBe('not-analysable');
    expect(v.reasons[0].code).toBe('parse-error');
  });

  it('applyEdits rejects overlapping edits', () => {
    expect(() => applyEdits('abcdef', [{ startOffset: 1, endOffset: 3, newText: 'x' }, { startOffset: 2, endOffset: 4, newText: 'y' }])).toThrow(/overlapping/);
    expect(applyEdits('abcdef', [{ startOffset: 4, endOffset: 4, newText: '-' }, { startOffset: 0, endOffset: 1, newText: 'A' }])).toBe('Abcd-ef');
  });
});

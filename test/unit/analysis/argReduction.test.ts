import { describe, expect, it } from 'vitest';
import { applyEdits, parallelizeEdits } from '../../../src/core/transform/openmp';
import { analyseText as analyse, verdictOf } from './snippets';

/**
 * Issue #7 §2, arg-max/arg-min: `if (v OP best) { best = v; idx = i; }` becomes per-thread pairs
 * and an exact combine (analysis/argReduction, transform/openmp/argReductionEdits). Whether the
 * rewrite prints what the serial program prints is checked by the argm_* adversarial programs.
 */
const loop = (cond: string, assign = '      best = a[i];\n      idx = i;') => `  double best = -1.0;\n  int idx = -1;\n  for (int i = 0; i < N; i++) {\n    if (${cond}) {\n${assign}\n    }\n  }\n  printf("%d %g\\n", idx, best);`;

describe('arg-max/arg-min recognition', () => {
  it.each([
    ['a[i] > best', 'max', 'first'],
    ['a[i] >= best', 'max', 'last'],
    ['best < a[i]', 'max', 'first'],
    ['best <= a[i]', 'max', 'last'],
    ['a[i] < best', 'min', 'first'],
    ['(a[i] <= best)', 'min', 'last'],
    ['best > a[i]', 'min', 'first'],
    ['best >= a[i]', 'min', 'last'],
  ])('`if (%s)` keeps the %s, ties to the %s iteration', async (cond, op, ties) => {
    const v = await verdictOf(loop(cond));
    expect(v.verdict, v.reasons.map((r) => r.message).join(' | ')).toBe('parallel');
    expect(v.argReductions).toHaveLength(1);
    expect(v.argReductions?.[0]).toMatchObject({ best: 'best', bestType: 'double', index: 'idx', indexType: 'int', counter: 'i', counterType: 'int', op, ties });
    expect(v.argReductions?.[0].bestRanges).toHaveLength(2);
    expect(v.argReductions?.[0].indexRanges).toHaveLength(1);
    // The pair needs no clause: the rewrite keeps it itself.
    expect(v.clauses?.reduction).toEqual([]);
    expect(v.reasons.map((r) => r.code)).toContain('arg-reduction');
  });

  it('the index may be any expression of the iteration, and the candidate a local computed before the if', async () => {
    const v = await verdictOf('  double best = 0.0;\n  long at = 0;\n  for (int i = 0; i < N; i++) {\n    double m = fabs(a[i]);\n    if (m > best) {\n      at = 2 * i + 1;\n      best = m;\n    }\n  }\n  printf("%ld %g\\n", at, best);');
    expect(v.verdict, v.reasons.map((r) => r.message).join(' | ')).toBe('parallel');
    expect(v.argReductions?.[0]).toMatchObject({ index: 'at', indexType: 'long', op: 'max', ties: 'first' });
  });

  it.each([
    ['a third variable in the if', loop('a[i] > best', '      best = a[i];\n      idx = i;\n      b[0] = 1.0;'), /exactly two assignments/],
    ['an else branch', loop('a[i] > best').replace('    }\n  }', '    } else {\n      idx = -2;\n    }\n  }'), /has an `else` branch/],
    ['a guard in the condition', loop('i % 2 == 0 && a[i] > best'), /one comparison/],
    ['another value stored', loop('a[i] > best', '      best = b[i];\n      idx = i;'), /must be assigned the value it was compared with/],
    ['the value read again', loop('a[i] > best', '      best = a[i];\n      idx = i;\n    }\n    if (best > 5.0) {\n      b[i] = 1.0;'), /used in the loop other than/],
    ['a float kept for a double candidate', loop('a[i] > best').replace('double best', 'float best'), /`float` may not hold exactly/],
    ['a value of a typedef\'d type', loop('a[i] > best').replace('double best', 'typedef double real;\n  real best'), /not a built-in integer or floating type/],
    ['a counter shadowed around the if', loop('a[i] > best').replace('    if (a[i] > best) {', '    {\n    int i = 3;\n    if (a[i] > best) {').replace('      idx = i;\n    }', '      idx = i;\n    }\n    }'), /does not name the loop counter/],
    ['a counter that decreases', loop('a[i] > best').replace('for (int i = 0; i < N; i++)', 'for (int i = N - 1; i >= 0; i--)'), /counter must be an integer that increases/],
  ])('refuses %s, naming the pair and why', async (_what, body, why) => {
    const v = await verdictOf(body);
    expect(v.verdict).not.toBe('parallel');
    expect(v.argReductions).toBeUndefined();
    const r = v.reasons.find((x) => x.code === 'arg-min-max');
    expect(r?.message, v.reasons.map((x) => x.message).join(' | ')).toContain('`idx`');
    expect(r?.message).toMatch(why);
  });

  it('a pair in a loop that needs a no-overlap assumption is refused (the assumed rewrite is a plain pragma)', async () => {
    const text = '#include <stdio.h>\nint g(double *p, double *q, int n) {\n  double best = -1.0;\n  int idx = -1;\n  for (int i = 0; i < n; i++) {\n    q[i] = p[i] * 2.0;\n    if (p[i] > best) {\n      best = p[i];\n      idx = i;\n    }\n  }\n  return idx;\n}\n';
    const [v] = await analyse(text);
    expect(v.verdict).toBe('not-parallel');
    expect(v.ifAssumed ?? null).toBeNull();
    expect(v.reasons.find((r) => r.code === 'arg-min-max')?.message).toMatch(/no-overlap assumption/);
  });
});

describe('arg-max/arg-min rewrite text', () => {
  it('puts the loop in its own region with per-thread copies, a static schedule and a critical combine', async () => {
    const text = '#include <math.h>\nint argmax(int n, const double *x) {\n  double best = -1.0;\n  int idx = -1;\n  for (int i = 0; i < n; i++) {\n    double v = fabs(x[i]);\n    if (v >= best) {\n      best = v;\n      idx = i;\n    }\n  }\n  return idx;\n}\n';
    const [v] = await analyse(text);
    expect(v.verdict, v.reasons.map((r) => r.message).join(' | ')).toBe('parallel');
    const edits = parallelizeEdits(v, text);
    expect(edits).toHaveLength(1);
    expect(edits[0].newText).toBe(
      [
        '{',
        '    int best_found_all_pf5 = 0;',
        '    int best_at_all_pf5 = 0;',
        '    #pragma omp parallel',
        '    {',
        '      double best_pf5 = best;',
        '      int idx_pf5 = idx;',
        '      int best_found_pf5 = 0;',
        '      int best_at_pf5 = 0;',
        '      #pragma omp for schedule(static)',
        '      for (int i = 0; i < n; i++) {',
        '        double v = fabs(x[i]);',
        '        if (v >= best_pf5) {',
        '          best_pf5 = v;',
        '          idx_pf5 = i;',
        '          best_found_pf5 = 1;',
        '          best_at_pf5 = i;',
        '        }',
        '      }',
        '      #pragma omp critical(paraforge_argmax_pf5)',
        '      if (best_found_pf5 && (!best_found_all_pf5 || best_pf5 > best || (best_pf5 == best && best_at_pf5 > best_at_all_pf5))) {',
        '        best = best_pf5;',
        '        idx = idx_pf5;',
        '        best_at_all_pf5 = best_at_pf5;',
        '        best_found_all_pf5 = 1;',
        '      }',
        '    }',
        '  }',
      ].join('\n'),
    );
  });

  it('keeps other clauses on the loop, and picks names the file does not use', async () => {
    const text = '#include <stdio.h>\nint best_pf6;\nvoid f(int n, const int *x) {\n  int best = 100, idx = n;\n  long s = 0;\n  for (int i = 0; i < n; i++) {\n    s += x[i];\n    if (best > x[i]) { best = x[i]; idx = i; }\n  }\n  printf("%d %d %ld\\n", best, idx, s);\n}\n';
    const [v] = await analyse(text);
    expect(v.verdict, v.reasons.map((r) => r.message).join(' | ')).toBe('parallel');
    const out = parallelizeEdits(v, text)[0].newText;
    expect(out).toContain('#pragma omp for schedule(static) reduction(+:s)');
    expect(out).toContain('int best_pf6_ = best;');
    expect(out).toContain('if (best_pf6_ > x[i]) { best_pf6_ = x[i]; idx_pf6 = i;  best_found_pf6 = 1; best_at_pf6 = i; }');
    expect(out).toContain('best_pf6_ < best || (best_pf6_ == best && best_at_pf6 < best_at_all_pf6)');
    expect(out).not.toMatch(/\bbest_pf6\b/);
  });

  it('C++: std::size_t counters and index keep their types', async () => {
    const text = '#include <vector>\n#include <cstddef>\nstd::size_t f(const std::vector<int> &v) {\n  int best = 0;\n  std::size_t at = v.size();\n  for (std::size_t i = 0; i < v.size(); i++) {\n    if (v[i] > best) {\n      best = v[i];\n      at = i;\n    }\n  }\n  return at;\n}\n';
    const [v] = await analyse(text, 'cpp');
    expect(v.verdict, v.reasons.map((r) => r.message).join(' | ')).toBe('parallel');
    const out = parallelizeEdits(v, text)[0].newText;
    expect(out).toContain('std::size_t best_at_all_pf6 = 0;');
    expect(out).toContain('std::size_t at_pf6 = at;');
  });
});

describe('the gate\'s pragma race check on the rewrite', () => {
  const text = '#include <stdio.h>\nint f(int n, const int *x) {\n  int best = -1;\n  int idx = -1;\n  for (int i = 0; i < n; i++) {\n    if (x[i] > best) {\n      best = x[i];\n      idx = i;\n    }\n  }\n  return idx;\n}\n';

  it('finds no race in the rewritten loop: its pairs are declared inside the parallel region', async () => {
    const [v] = await analyse(text);
    const rewritten = applyEdits(text, parallelizeEdits(v, text));
    const after = await analyse(rewritten);
    const loop = after.find((x) => x.existingPragma?.text.includes('omp for'));
    expect(loop?.existingPragma?.text).toContain('#pragma omp for schedule(static)');
    expect(loop?.existingPragma?.races).toEqual([]);
  });

  it('still reports the pair of a plain `parallel for`, and a static or shared copy in the region', async () => {
    const plain = text.replace('  for (int i', '  #pragma omp parallel for\n  for (int i');
    const [v] = await analyse(plain);
    expect(v.existingPragma?.races.map((r) => r.message).join(' ')).toMatch(/data race on `best`/);
    const region = text.replace('  for (int i', '  #pragma omp parallel\n  {\n  static int k = 0;\n  #pragma omp for\n  for (int i').replace('  return idx;', '  }\n  return idx;').replace('      idx = i;', '      idx = i;\n      k = i;');
    const [r] = await analyse(region);
    const races = r.existingPragma?.races.map((x) => x.message).join(' ') ?? '';
    expect(races).toMatch(/`best`/);
    expect(races).toMatch(/`k`/);
    // simd lanes share the thread's copy: a region-local pair carried by `omp simd` is still a race.
    const [v0] = await analyse(text);
    const simdText = applyEdits(text, parallelizeEdits(v0, text)).replace('#pragma omp for schedule(static)', '#pragma omp simd');
    const simd = await analyse(simdText);
    expect(simd.find((x) => x.existingPragma?.text.includes('simd'))?.existingPragma?.races.length).toBeGreaterThan(0);
    // A dynamic schedule may run a thread's chunks out of order (work stealing): the per-thread ties would not hold.
    const dynamic = await analyse(simdText.replace('#pragma omp simd', '#pragma omp for schedule(dynamic)'));
    expect(dynamic.find((x) => x.existingPragma?.text.includes('dynamic'))?.existingPragma?.races.length).toBeGreaterThan(0);
  });
});


import { describe, expect, it } from 'vitest';
import {
  collapseOp,
  formatOmp,
  hoistRegionOp,
  parallelLevelOp,
  parseOmp,
  pragmaSites,
  procBindOp,
  reductionPartialsOp,
  scheduleOp,
  seededRng,
  simdOp,
  type MutationOperator,
} from '../../../src/core/agent';
import { testParserHost } from '../../helpers/paths';

const parser = testParserHost();

async function mutate(op: MutationOperator, text: string, fn: string, seed = 1, siteIndex = 0) {
  const tree = await parser.parse('c', text);
  try {
    const site = pragmaSites(tree, fn)[siteIndex];
    return op.apply({ text, tree, language: 'c', site, rng: seededRng(seed), targetThreads: 16, functionName: fn });
  } finally {
    tree.delete();
  }
}

const TRI = `void tri(int n, const double *restrict x, double *restrict out) {
  #pragma omp parallel for
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int j = 0; j <= i; j++) s += x[j];
    out[i] = s;
  }
}
`;

const MM = `void mm(int n, double *restrict c) {
  #pragma omp parallel for collapse(2)
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      c[i * n + j] = i + j;
    }
  }
}
`;

const DOT = `double dot(const double *x, const double *y, int n) {
  double s = 0.0;
  #pragma omp parallel for schedule(static) reduction(+:s)
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}
`;

const HEAT = `void heat(int steps, int n, double *restrict a, double *restrict b) {
  for (int t = 0; t < steps; t++) {
    #pragma omp parallel for
    for (int i = 1; i < n - 1; i++) b[i] = 0.5 * (a[i - 1] + a[i + 1]);
    #pragma omp parallel for
    for (int i = 1; i < n - 1; i++) a[i] = b[i];
  }
}
`;

describe('pragma text', () => {
  it('parses directive words and clauses and prints them back', () => {
    const p = parseOmp('#pragma omp parallel for simd collapse(2) schedule(dynamic, 4) reduction(+:s) nowait')!;
    expect(p.words).toEqual(['parallel', 'for', 'simd']);
    expect(p.clauses.map((c) => c.name)).toEqual(['collapse', 'schedule', 'reduction', 'nowait']);
    expect(formatOmp(p)).toBe('#pragma omp parallel for simd collapse(2) schedule(dynamic, 4) reduction(+:s) nowait');
    expect(parseOmp('#pragma once')).toBeNull();
  });

  it('finds the pragma sites of a function with their nest shape', async () => {
    const tree = await parser.parse('c', MM);
    const [site] = pragmaSites(tree, 'mm');
    expect(site.perfectDepth).toBe(2);
    expect(site.inner).not.toBeNull();
    expect(site.line).toBe(3);
    tree.delete();
  });
});

describe('deterministic mutations', () => {
  it('schedule: sets a kind and chunk other than the current one, the same for the same seed', async () => {
    const a = await mutate(scheduleOp, TRI, 'tri', 7);
    const b = await mutate(scheduleOp, TRI, 'tri', 7);
    expect(a).toEqual(b);
    expect(a!.text).toMatch(/#pragma omp parallel for( schedule\((static|dynamic|guided)(,\d+)?\))?\n/);
    expect(a!.text).not.toBe(TRI);
  });

  it('collapse: only within the perfectly nested depth', async () => {
    expect(await mutate(collapseOp, TRI, 'tri')).toBeNull();
    const m = await mutate(collapseOp, MM, 'mm');
    expect(m!.text).toContain('#pragma omp parallel for\n');
  });

  it('simd toggles, proc_bind sets a binding', async () => {
    expect((await mutate(simdOp, TRI, 'tri'))!.text).toContain('#pragma omp parallel for simd\n');
    expect((await mutate(procBindOp, TRI, 'tri'))!.text).toMatch(/proc_bind\((close|spread)\)/);
  });

  it('parallel level: moves the pragma to the inner loop, dropping collapse', async () => {
    const m = await mutate(parallelLevelOp, MM, 'mm');
    expect(m!.text).toBe(MM.replace('  #pragma omp parallel for collapse(2)\n', '').replace('    for (int j', '    #pragma omp parallel for\n    for (int j'));
  });

  it('hoists the parallel region out of a time loop whose body is only parallel loops', async () => {
    const m = await mutate(hoistRegionOp, HEAT, 'heat');
    expect(m!.text).toBe(HEAT.replace('  for (int t', '  #pragma omp parallel\n  for (int t').replaceAll('#pragma omp parallel for\n', '#pragma omp for\n'));
  });

  it('trades a + reduction for per-thread partials added atomically', async () => {
    const m = await mutate(reductionPartialsOp, DOT, 'dot');
    expect(m!.text).toContain('double s__part = 0;');
    expect(m!.text).toContain('#pragma omp for schedule(static) nowait');
    expect(m!.text).toContain('for (int i = 0; i < n; i++) s__part += x[i] * y[i];');
    expect(m!.text).toMatch(/#pragma omp atomic\n\s+s \+= s__part;/);
    expect(m!.skipFactsCheck).toBe(true);
  });
});

import type { Node } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { addPoly, constPoly, type Poly, varPoly } from '../../../src/core/analysis/affine';
import { type LoopVar, type MemRef, testDependence } from '../../../src/core/analysis/dependence';
import { parityContradiction } from '../../../src/core/analysis/parityTest';
import { verdictOf } from './snippets';

/** `k*v + c` as a polynomial. */
function lin(c: number, ...terms: [number, string][]): Poly {
  let p: Poly = constPoly(c);
  for (const [k, v] of terms) p = addPoly(p, varPoly(v), k);
  return p;
}

/** A loop `for (v = lo; v <= hi; …)` as the tests see it. */
function loop(v: string, lo: number, hi: number): LoopVar {
  return { key: v, name: v, min: constPoly(lo), max: constPoly(hi) };
}

/** A reference to array `x` with the given subscripts inside the given loops (the node is only used for messages). */
function ref(write: boolean, loops: LoopVar[], ...dims: Poly[]): MemRef {
  return { node: null as unknown as Node, base: 'x@0', baseName: 'x', dims, delinearisedBy: null, write, read: !write, loops };
}

const I = [loop('i', 0, 99)];
const IJ = [loop('i', 0, 99), loop('j', 0, 99)];

describe('testDependence on subscript polynomials', () => {
  it('ZIV: different constant subscripts never meet; equal ones always do', () => {
    expect(testDependence(ref(true, I, lin(3)), ref(false, I, lin(5)), 0)).toEqual({ independent: true, test: 'ZIV' });
    expect(testDependence(ref(true, I, lin(3)), ref(false, I, lin(3)), 0)).toMatchObject({ independent: false, distance: null });
  });

  it('strong SIV: a[i] and a[i-1] are one iteration apart (flow), a[i] and a[i+2] two (anti)', () => {
    expect(testDependence(ref(true, I, lin(0, [1, 'i'])), ref(false, I, lin(-1, [1, 'i'])), 0)).toEqual({ independent: false, distance: 1, test: 'strong SIV' });
    expect(testDependence(ref(true, I, lin(0, [1, 'i'])), ref(false, I, lin(2, [1, 'i'])), 0)).toEqual({ independent: false, distance: -2, test: 'strong SIV' });
    // a[2i] vs a[2i-4]: the same element two iterations later.
    expect(testDependence(ref(true, I, lin(0, [2, 'i'])), ref(false, I, lin(-4, [2, 'i'])), 0)).toMatchObject({ independent: false, distance: 2 });
  });

  it('strong SIV: the same element in the same iteration is no loop-carried dependence', () => {
    expect(testDependence(ref(true, I, lin(1, [1, 'i'])), ref(false, I, lin(1, [1, 'i'])), 0)).toEqual({ independent: true, test: 'strong SIV' });
  });

  it('strong SIV: a distance longer than the loop never happens', () => {
    expect(testDependence(ref(true, I, lin(0, [1, 'i'])), ref(false, I, lin(100, [1, 'i'])), 0)).toEqual({ independent: true, test: 'strong SIV (distance exceeds trip count)' });
    expect(testDependence(ref(true, I, lin(0, [1, 'i'])), ref(false, I, lin(99, [1, 'i'])), 0)).toMatchObject({ independent: false, distance: -99 });
  });

  it('GCD: a[2i] and a[2i+1] (even and odd elements) never meet', () => {
    expect(testDependence(ref(true, I, lin(0, [2, 'i'])), ref(false, I, lin(1, [2, 'i'])), 0)).toEqual({ independent: true, test: 'GCD' });
    // a[4i] vs a[6i+2]: gcd(4, 6) = 2 divides 2, so the GCD test cannot rule it out (4*2 = 6*1 + 2).
    expect(testDependence(ref(true, I, lin(0, [4, 'i'])), ref(false, I, lin(2, [6, 'i'])), 0).independent).toBe(false);
  });

  it('Banerjee bounds: a[i] and a[2i+200] cannot meet while i stays in 0..99', () => {
    expect(testDependence(ref(true, I, lin(0, [1, 'i'])), ref(false, I, lin(200, [2, 'i'])), 0)).toEqual({ independent: true, test: 'Banerjee bounds' });
    // With a wider loop they can (i = 2i' + 200 has solutions when i reaches 200).
    const wide = [loop('i', 0, 999)];
    expect(testDependence(ref(true, wide, lin(0, [1, 'i'])), ref(false, wide, lin(200, [2, 'i'])), 0).independent).toBe(false);
  });

  it('direction per level: A[i][j] vs A[i][j-1] is independent across i and carried by j', () => {
    const w = ref(true, IJ, lin(0, [1, 'i']), lin(0, [1, 'j']));
    const r = ref(false, IJ, lin(0, [1, 'i']), lin(-1, [1, 'j']));
    expect(testDependence(w, r, 0).independent).toBe(true);
    expect(testDependence(w, r, 1)).toMatchObject({ independent: false, distance: 1 });
  });

  it('direction per level: A[i][j] vs A[i-1][j] is carried by i and independent across j', () => {
    const w = ref(true, IJ, lin(0, [1, 'i']), lin(0, [1, 'j']));
    const r = ref(false, IJ, lin(-1, [1, 'i']), lin(0, [1, 'j']));
    expect(testDependence(w, r, 0)).toMatchObject({ independent: false, distance: 1 });
    expect(testDependence(w, r, 1).independent).toBe(true);
  });

  it('unknown subscripts (a[idx[i]]) are assumed to depend', () => {
    const unknown: MemRef = { ...ref(false, I, lin(0)), dims: null };
    expect(testDependence(ref(true, I, lin(0, [1, 'i'])), unknown, 0)).toMatchObject({ independent: false, distance: null, test: 'unknown subscripts' });
  });

  it('a symbol that does not cancel (a[i] vs a[i+n]) cannot be decided', () => {
    const w = ref(true, I, lin(0, [1, 'i']));
    const r = ref(false, I, lin(0, [1, 'i'], [1, 'n@5']));
    expect(testDependence(w, r, 0).independent).toBe(false);
  });
});

describe('dependence verdicts on real loops', () => {
  it('reports a flow dependence with the distance, in words', async () => {
    const v = await verdictOf('  for (int i = 1; i < N; i++) a[i] = a[i - 1] + 1.0;');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons[0]).toMatchObject({ code: 'flow-dependence' });
    expect(v.reasons[0].message).toContain('`a[i - 1]` read in iteration i is written by iteration i-1 (`a[i]`): loop-carried flow dependence');
  });

  it('reports an anti dependence for a[i] = a[i + 2]', async () => {
    const v = await verdictOf('  for (int i = 0; i < N; i++) a[i] = a[i + 2] * 0.5;');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons[0].code).toBe('anti-dependence');
    expect(v.reasons[0].message).toContain('overwritten by iteration i+2');
  });

  it('parallelises even/odd updates (GCD) and far-apart halves (distance beyond the trip count)', async () => {
    expect((await verdictOf('  for (int i = 0; i < N; i++) a[2 * i] = a[2 * i + 1] * 2.0;')).verdict).toBe('parallel');
    expect((await verdictOf('  for (int i = 0; i < N; i++) a[i] = a[i + N] + 1.0;')).verdict).toBe('parallel');
  });

  it('a subscript with a coefficient or constant of 2^31 or more is not affine: C may wrap it (i + i * 4294967295u is 0)', async () => {
    for (const body of [
      '  for (int i = 0; i < N; i++) a[i + i * 4294967295u] = i;',
      '  for (int i = 0; i < N; i++) a[(int)(i * 4294967296L)] = i;',
      '  for (int i = 0; i < N; i++) a[i * 65536u * 65536u + 1] = i;',
      '  for (int i = 1; i < 100; i++) a[i] = a[i + 4294967295u] + 1.0;',
    ]) {
      expect((await verdictOf(body)).verdict, body).toBe('not-parallel');
    }
    expect((await verdictOf('  for (int i = 0; i < N; i++) a[i * 2147483647L / 2147483647L] = i;')).verdict).toBe('not-parallel');
  });

  it('a const local is read as its initialiser only when its type holds it unchanged (const unsigned char K = 1281 is 1)', async () => {
    // 1281 is 1 as an unsigned char and 65537 is 1 as a short: a[i + 1], not beyond the N iterations.
    expect((await verdictOf('  const unsigned char K = 1281;\n  for (int i = 0; i < N; i++) a[i] = a[i + K] + 1.0;')).verdict).toBe('not-parallel');
    expect((await verdictOf('  const short S = 65537;\n  for (int i = 0; i < N; i++) a[i] = a[i + S] + 1.0;')).verdict).toBe('not-parallel');
    expect((await verdictOf('  const int K = 1000;\n  for (int i = 0; i < N; i++) a[i] = a[i + K] + 1.0;')).verdict).toBe('parallel');
  });

  it('parallelises the outer loop when only the inner one carries a dependence', async () => {
    const v = await verdictOf('  for (int i = 0; i < N; i++)\n    for (int j = 1; j < N; j++)\n      A[i][j] = A[i][j - 1] + B[i][j];');
    expect(v).toMatchObject({ verdict: 'parallel', parallelLevel: 1 });
    expect(v.clauses?.collapse).toBe(1);
  });

  it('parallelises the inner loop when the outer one carries the dependence', async () => {
    const v = await verdictOf('  for (int i = 1; i < N; i++)\n    for (int j = 0; j < N; j++)\n      A[i][j] = A[i - 1][j] + B[i][j];');
    expect(v).toMatchObject({ verdict: 'parallel', parallelLevel: 2 });
    expect(v.reasons[0].code).toBe('flow-dependence');
  });

  it('finds a perfectly nested pair independent, also through a linearised subscript a[i*n + j]; collapses only a short outer loop', async () => {
    const v = await verdictOf('  for (int i = 0; i < N; i++)\n    for (int j = 0; j < N; j++)\n      A[i][j] = 2.0 * B[j][i];');
    expect(v).toMatchObject({ verdict: 'parallel', parallelLevel: 1 });
    expect(v.facts?.independentLevels).toBe(2);
    // N = 1000 rows feed every thread: collapse would only cost inner-loop optimisation.
    expect(v.clauses?.collapse).toBe(1);
    const lin = await verdictOf('  int n = 30;\n  for (int i = 0; i < n; i++)\n    for (int j = 0; j < n; j++)\n      a[i * n + j] = b[i * n + j] * 2.0;');
    expect(lin).toMatchObject({ verdict: 'parallel', parallelLevel: 1 });
    expect(lin.facts?.independentLevels).toBe(2);
    const short = await verdictOf('  for (int i = 0; i < 8; i++)\n    for (int j = 0; j < N; j++)\n      A[i][j] = 2.0 * B[j][i];');
    expect(short.clauses?.collapse).toBe(2);
  });

  it('refuses a subscript through an index array', async () => {
    const v = await verdictOf('  for (int i = 0; i < N; i++) a[u[i]] += 1.0;');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons.map((r) => r.code)).toContain('output-dependence');
  });
});

describe('disjoint ranges and steps (issue #7 §2)', () => {
  const H = 'h@7';
  /** `for (v = lo; v <= hi; v += step)` with polynomial bounds. */
  const sloop = (v: string, min: Poly, max: Poly, step = 1): LoopVar => ({ key: v, name: v, min, max, step });

  it('a step-2 loop writing odd and reading even elements is independent; distance 2 is not', () => {
    const odd = [sloop('i', lin(1), lin(99), 2)];
    expect(testDependence(ref(true, odd, lin(0, [1, 'i'])), ref(false, odd, lin(-1, [1, 'i'])), 0)).toEqual({ independent: true, test: 'strong SIV (distance not a multiple of the step)' });
    expect(testDependence(ref(true, odd, lin(0, [1, 'i'])), ref(false, odd, lin(-2, [1, 'i'])), 0)).toMatchObject({ independent: false, distance: 2 });
  });

  it('a[i] vs a[i + h] for i < h never meet; a[i + h - 1] and i <= h do', () => {
    const half = [sloop('i', lin(0), lin(-1, [1, H]))];
    expect(testDependence(ref(true, half, lin(0, [1, 'i'])), ref(false, half, lin(0, [1, 'i'], [1, H])), 0)).toEqual({ independent: true, test: 'symbolic bounds' });
    expect(testDependence(ref(true, half, lin(0, [1, 'i'])), ref(false, half, lin(-1, [1, 'i'], [1, H])), 0).independent).toBe(false);
    const upTo = [sloop('i', lin(0), lin(0, [1, H]))];
    expect(testDependence(ref(true, upTo, lin(0, [1, 'i'])), ref(false, upTo, lin(0, [1, 'i'], [1, H])), 0).independent).toBe(false);
  });

  it('a[i] vs a[n - 1 - i] for i < n / 2 never meet (2 * (n / 2) <= n once n / 2 >= 1); i <= n / 2 may', () => {
    const q = 'n@3#div2';
    const lower = [sloop('i', lin(0), lin(-1, [1, q]))];
    const mirror = lin(-1, [1, 'n@3'], [-1, 'i']);
    expect(testDependence(ref(true, lower, lin(0, [1, 'i'])), ref(false, lower, mirror), 0)).toEqual({ independent: true, test: 'symbolic bounds' });
    const past = [sloop('i', lin(0), lin(0, [1, q]))];
    expect(testDependence(ref(true, past, lin(0, [1, 'i'])), ref(false, past, mirror), 0).independent).toBe(false);
    // A lower bound of -1 no longer proves n / 2 >= 1, so nothing is known about n.
    const fromMinus1 = [sloop('i', lin(-1), lin(-1, [1, q]))];
    expect(testDependence(ref(true, fromMinus1, lin(0, [1, 'i'])), ref(false, fromMinus1, mirror), 0).independent).toBe(false);
  });

  it("the mirror store c[i][j], c[j][i] with j >= i is distinct across i; with j >= i - 1 it is not", () => {
    const m = 'm@4';
    const tri = [sloop('i', lin(0), lin(-1, [1, m])), sloop('j', lin(0, [1, 'i']), lin(-1, [1, m]))];
    const upper = ref(true, tri, lin(0, [1, 'i']), lin(0, [1, 'j']));
    const lowerStore = ref(true, tri, lin(0, [1, 'j']), lin(0, [1, 'i']));
    expect(testDependence(upper, lowerStore, 0)).toEqual({ independent: true, test: 'symbolic bounds' });
    const wide = [sloop('i', lin(1), lin(-1, [1, m])), sloop('j', lin(-1, [1, 'i']), lin(-1, [1, m]))];
    expect(testDependence(ref(true, wide, lin(0, [1, 'i']), lin(0, [1, 'j'])), ref(true, wide, lin(0, [1, 'j']), lin(0, [1, 'i'])), 0).independent).toBe(false);
  });

  it("LU: rows i > k never touch the pivot row k; rows i >= k do", () => {
    const k = 'k@9';
    const below = [sloop('i', lin(1, [1, k]), lin(-1, [1, 'n@1']))];
    expect(testDependence(ref(true, below, lin(0, [1, 'i']), lin(0, [1, k])), ref(false, below, lin(0, [1, k]), lin(0, [1, k])), 0)).toEqual({ independent: true, test: 'symbolic bounds' });
    const from = [sloop('i', lin(0, [1, k]), lin(-1, [1, 'n@1']))];
    expect(testDependence(ref(true, from, lin(0, [1, 'i']), lin(0, [1, k])), ref(false, from, lin(0, [1, k]), lin(0, [1, k])), 0).independent).toBe(false);
  });

  it('verdicts: reversal by swaps up to n / 2, odd/even step-2 updates, LU rows inside the pivot loop with one thread team', async () => {
    const swap = await verdictOf('  int n = (int)u[0];\n  for (int i = 0; i < n / 2; i++) { double t = a[i]; a[i] = a[n - 1 - i]; a[n - 1 - i] = t; }');
    expect(swap.verdict, swap.reasons.map((r) => r.message).join(' | ')).toBe('parallel');
    const swapLe = await verdictOf('  int n = (int)u[0];\n  for (int i = 0; i <= n / 2; i++) { double t = a[i]; a[i] = a[n - 1 - i]; a[n - 1 - i] = t; }');
    expect(swapLe.verdict).toBe('not-parallel');
    expect((await verdictOf('  for (int i = 1; i < N; i += 2) a[i] = a[i - 1] * 2.0;')).verdict).toBe('parallel');
    expect((await verdictOf('  for (int i = 2; i < N; i += 2) a[i] = a[i - 2] * 2.0;')).verdict).toBe('not-parallel');
    const lu = await verdictOf('  int n = 40, i, j, k;\n  for (k = 0; k < n; k++) {\n    for (i = k + 1; i < n; i++)\n      for (j = k + 1; j < n; j++) a[i * n + j] -= a[i * n + k] * a[k * n + j];\n  }');
    expect(lu).toMatchObject({ verdict: 'parallel', parallelLevel: 2 });
    expect(lu.region?.private).toEqual(['k']);
  });
});

describe('row pointers declared in the loop (issue #7 §2)', () => {
  it('`double *row = &a[i*n]` names row i of a; an offset beyond the row, a redirect or an escaped address does not', async () => {
    const ok = await verdictOf('  int n = 40;\n  for (int i = 0; i < n; i++) {\n    double *row = &a[i * n];\n    for (int j = 0; j < n; j++) row[j] = row[j] * 2.0 + b[j];\n  }');
    expect(ok, ok.reasons.map((r) => r.message).join(' | ')).toMatchObject({ verdict: 'parallel', parallelLevel: 1 });
    const plus = await verdictOf('  int n = 40;\n  for (int i = 0; i < n; i++) {\n    double *p = a + i * n;\n    for (int j = 0; j < n; j++) *(p + j) = 1.0;\n  }');
    expect(plus).toMatchObject({ verdict: 'parallel', parallelLevel: 1 });
    const over = await verdictOf('  int n = 40;\n  for (int i = 0; i < n; i++) {\n    double *row = &a[i * n];\n    for (int j = 0; j <= n; j++) row[j] += 1.0;\n  }');
    expect(over.parallelLevel).not.toBe(1);
    const moved = await verdictOf('  int n = 40;\n  for (int i = 0; i < n; i++) {\n    double *row = &a[i * n];\n    row = a;\n    row[0] += 1.0;\n  }');
    expect(moved.verdict).not.toBe('parallel');
    const escaped = await verdictOf('  int n = 40;\n  for (int i = 0; i < n; i++) {\n    double *row = &a[i * n];\n    double **pp = &row;\n    *pp = a;\n    row[0] += 1.0;\n  }');
    expect(escaped.verdict).not.toBe('parallel');
  });
});

describe('parity of counters with an even step: red-black sweeps (issue #7 §2)', () => {
  /** A loop with bounds, a step and the polynomial its counter is congruent to mod 2. */
  const ploop = (v: string, min: Poly, max: Poly, step = 1, parity?: Poly): LoopVar => ({ key: v, name: v, min, max, step, ...(parity ? { parity } : {}) });
  const C = 'color@1';
  // for i in 1..98; for (j = 1 + (i + color) % 2; j <= 98; j += 2): j ≡ 1 + i + color.
  const rb = [ploop('i', lin(1), lin(98)), ploop('j', lin(1), lin(98), 2, lin(1, [1, 'i'], [1, C]))];

  it('parityContradiction: x = y + 1 with x ≡ y has no solution; x = y + 2 has; products are unknowns of their own', () => {
    expect(parityContradiction([lin(-1, [1, 'x'], [-1, 'y']), lin(0, [1, 'x'], [-1, 'y'])])).toBe(true);
    expect(parityContradiction([lin(-2, [1, 'x'], [-1, 'y']), lin(0, [1, 'x'], [-1, 'y'])])).toBe(false);
    // x*n - y*n ≡ 1 and x ≡ y: x*n and y*n are free, so nothing follows.
    expect(parityContradiction([lin(-1, [1, 'n*x'], [-1, 'n*y']), lin(0, [1, 'x'], [-1, 'y'])])).toBe(false);
    // Three equations that only contradict once combined: a + b ≡ 1, b + c ≡ 0, a + c ≡ 0.
    expect(parityContradiction([lin(-1, [1, 'a'], [1, 'b']), lin(0, [1, 'b'], [1, 'c']), lin(0, [1, 'a'], [1, 'c'])])).toBe(true);
  });

  it('u[i][j] vs the four neighbours u[i±1][j], u[i][j±1] never meet across i; the diagonal u[i-1][j-1] does', () => {
    const w = ref(true, rb, lin(0, [1, 'i']), lin(0, [1, 'j']));
    expect(testDependence(w, ref(false, rb, lin(-1, [1, 'i']), lin(0, [1, 'j'])), 0)).toEqual({ independent: true, test: 'parity' });
    expect(testDependence(w, ref(false, rb, lin(1, [1, 'i']), lin(0, [1, 'j'])), 0)).toEqual({ independent: true, test: 'parity' });
    expect(testDependence(w, w, 0).independent).toBe(true);
    expect(testDependence(w, ref(false, rb, lin(-1, [1, 'i']), lin(-1, [1, 'j'])), 0)).toMatchObject({ independent: false, distance: 1 });
    // Without the parity (a step-1 inner loop) the neighbour row is a dependence.
    const plain = [rb[0], ploop('j', lin(1), lin(98))];
    expect(testDependence(ref(true, plain, lin(0, [1, 'i']), lin(0, [1, 'j'])), ref(false, plain, lin(-1, [1, 'i']), lin(0, [1, 'j'])), 0).independent).toBe(false);
  });

  it('3-D: i ≡ 1 + j + k + color separates the six neighbours across k; a start without k does not', () => {
    const k3 = (parity: Poly) => [ploop('k', lin(1), lin(15)), ploop('j', lin(1), lin(15)), ploop('i', lin(1), lin(15), 2, parity)];
    const full = k3(lin(1, [1, 'j'], [1, 'k'], [1, C]));
    const w = ref(true, full, lin(0, [1, 'k']), lin(0, [1, 'j']), lin(0, [1, 'i']));
    expect(testDependence(w, ref(false, full, lin(-1, [1, 'k']), lin(0, [1, 'j']), lin(0, [1, 'i'])), 0)).toEqual({ independent: true, test: 'parity' });
    const noK = k3(lin(1, [1, 'j'], [1, C]));
    const w2 = ref(true, noK, lin(0, [1, 'k']), lin(0, [1, 'j']), lin(0, [1, 'i']));
    expect(testDependence(w2, ref(false, noK, lin(-1, [1, 'k']), lin(0, [1, 'j']), lin(0, [1, 'i'])), 0).independent).toBe(false);
  });

  const sweep = (start: string, step = 'j += 2', read = 'A[i - 1][j] + A[i + 1][j] + A[i][j - 1] + A[i][j + 1]', type = 'int') =>
    `  for (int color = 0; color < 2; color++)\n    for (int i = 1; i < N - 1; i++)\n      for (${type} j = ${start}; j < N - 1; ${step})\n        A[i][j] = 0.25 * (${read});`;
  const level = async (body: string) => {
    const v = await verdictOf(body);
    return v.verdict === 'parallel' ? v.parallelLevel : null;
  };

  it('verdicts: the red-black i loop is parallel (2-D array and linearised i*n + j), by the parity test', async () => {
    const v = await verdictOf(sweep('1 + (i + color) % 2'));
    expect(v, v.reasons.map((r) => r.message).join(' | ')).toMatchObject({ verdict: 'parallel', parallelLevel: 2 });
    expect(v.facts?.dependences.some((d) => d.test === 'parity' && !d.carried)).toBe(true);
    const linear = '  int n = 30;\n  for (int color = 0; color < 2; color++)\n    for (int i = 1; i < n - 1; i++)\n      for (int j = 1 + (i + color) % 2; j < n - 1; j += 2)\n        a[i * n + j] = 0.25 * (a[(i - 1) * n + j] + a[(i + 1) * n + j] + a[i * n + j - 1] + a[i * n + j + 1]);';
    expect(await level(linear)).toBe(2);
    // A canonical start of the same parity (1 + i + color) also gives j's parity.
    expect(await level(sweep('1 + i + color'))).toBe(2);
    // A remainder of a possibly negative sum is still congruent: (i - color - 3) % 2 + 2 is 1, 2 or 3.
    expect(await level(sweep('(i - color - 3) % 2 + 2'))).toBe(2);
    // Mod 4 keeps the parity too (the start is 1..4, always of the parity of 1 + i + color).
    expect(await level(sweep('1 + (i + color) % 4'))).toBe(2);
  });

  it('verdicts: refused when the parity does not follow (same colour read, step 1, /, % 3, casts, unsigned, shifts, calls)', async () => {
    expect(await level(sweep('1 + (i + color) % 2', 'j += 2', 'A[i - 1][j - 1] + A[i][j + 1]'))).not.toBe(2);
    expect(await level(sweep('1 + (i + color) % 2', 'j++'))).not.toBe(2);
    expect(await level(sweep('1 + (i + color) / 2'))).not.toBe(2);
    expect(await level(sweep('1 + (i + color) % 3'))).not.toBe(2);
    expect(await level(sweep('1 + (int)(i + color) % 2'))).not.toBe(2);
    expect(await level(sweep('1 + (i + color) % 2', 'j += 2', undefined, 'unsigned'))).not.toBe(2);
    expect(await level(sweep('1 + ((i + color) << 1) % 2 + (i + color) % 2'))).not.toBe(2);
    expect(await level(sweep('1 + abs(i + color) % 2'))).not.toBe(2);
    // Step 4 from an even start: u[i-1][j+2] has the parity of the points row i - 1 writes.
    expect(await level(sweep('(i % 2) * 2', 'j += 4', 'A[i - 1][j + 2]'))).not.toBe(2);
  });

  it('verdicts: refused when a name in the start may change between rows (written in the loop, volatile, address taken, made per row)', async () => {
    const written = '  int c = 0;\n  for (int i = 1; i < N - 1; i++) {\n    for (int j = 1 + (i + c) % 2; j < N - 1; j += 2) A[i][j] = A[i - 1][j] + A[i][j + 1];\n    c++;\n  }';
    expect((await verdictOf(written)).verdict).not.toBe('parallel');
    const invariant = written.replace('    c++;\n', '');
    expect((await verdictOf(invariant)).verdict).toBe('parallel');
    const addressed = invariant.replace('  int c = 0;\n', '  int c = 0;\n  int *pc = &c;\n') + '\n  *pc = 1;';
    expect((await verdictOf(addressed)).verdict).not.toBe('parallel');
    // A volatile name may change between the loop's entry and the use.
    expect((await verdictOf(invariant.replace('int c = 0;', 'volatile int c = 0;'))).verdict).not.toBe('parallel');
    // c = i in every row (a private copy): j is always odd, so row i reads u[i-1][j], which row i - 1 wrote.
    const perRow = '  for (int i = 1; i < N - 1; i++) {\n    int c = i;\n    for (int j = 1 + (i + c) % 2; j < N - 1; j += 2) A[i][j] = A[i - 1][j] + A[i][j + 1];\n  }';
    expect((await verdictOf(perRow)).verdict).not.toBe('parallel');
  });

  it('verdicts: a remainder of a sum that may be negative may be negative: (i - 5) % 2 + 1 starts row 2 at j = 0, where a[i*n + j - 1] is the row before', async () => {
    const body = (start: string) => `  int n = 30;\n  for (int i = 1; i < n - 1; i++)\n    for (int j = ${start}; j < n; j += 2)\n      a[i * n + j] = a[i * n + j - 1] * 2.0;`;
    expect((await verdictOf(body('(i - 5) % 2 + 1'))).verdict).not.toBe('parallel');
    // From i >= 1 the sum i + 1 is >= 0: j starts at 1 or 2 and j - 1 stays in the row.
    expect((await verdictOf(body('(i + 1) % 2 + 1'))).verdict).toBe('parallel');
  });
});

describe('counters read outside their loop', () => {
  it('a counter a breaking search loop left varies per iteration: its subscript is unknown, and says why', async () => {
    const v = await verdictOf('  int i;\n  for (int j = 0; j < N; j++) {\n    for (i = 0; i < 8; i++)\n      if (u[i] == (unsigned)j) break;\n    a[i + j] = j;\n  }');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons.find((r) => r.code === 'unknown-subscript')?.message).toContain('reads `i` outside its loop');
  });

  it('a counter read before its loop in the iteration holds the previous iteration\'s value', async () => {
    const v = await verdictOf('  int i = 0;\n  for (int j = 0; j < N; j++) {\n    a[i + j] = j;\n    for (i = 0; i < 8; i++) b[j] += 1.0;\n  }');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons.map((r) => r.code)).toContain('unknown-subscript');
  });

  it('after a loop that always runs to its invariant bound, the counter is the same symbol in every iteration', async () => {
    const v = await verdictOf('  int i, k;\n  for (i = 0; i < N; i++) {\n    for (k = 1; k < N; k++) A[i][k] = B[i][k] - B[i][k - 1];\n    A[i][k - 1] = -1.0;\n  }');
    expect(v.verdict).toBe('parallel');
  });

  it('one C89 counter shared by two sibling loops is private to the loop around them', async () => {
    const v = await verdictOf('  int i, j;\n  for (j = 0; j < N; j++) {\n    for (i = 0; i < N; i++) A[i][j] = B[i][j];\n    for (i = 0; i < N; i++) A[i][j] += 1.0;\n  }');
    expect(v.verdict).toBe('parallel');
    expect(v.clauses?.private).toEqual(['i']);
  });
});

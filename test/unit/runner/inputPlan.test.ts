import { describe, expect, it } from 'vitest';
import { readCandidateFacts, readFunctionShape } from '../../../src/core/runner/harness/functionShape';
import { planInputs } from '../../../src/core/runner/harness/inputPlan';
import { testParserHost } from '../../helpers/paths';

async function shapeAndFacts(text: string, fn: string) {
  const tree = await testParserHost().parse('c', text);
  try {
    return { shape: readFunctionShape(tree.rootNode, fn), facts: readCandidateFacts(tree.rootNode, fn) };
  } finally {
    tree.delete();
  }
}

const PREFIX = `#include <omp.h>
#define LIMIT 0x1000
static int helper(int i) { return i > 300 ? 1 : 0; }
/* if(n > 777777) reduction(+:z) in a comment is not a fact */
double f(double *restrict a, const double *b, double *c, int n, int k, float w) {
  double s = 0;
  const char *msg = "n > 555555";
#pragma omp parallel for if(n > 8192) reduction(+:s) schedule(static, 64)
  for (int i = 1; i < n; i++) { a[i] = b[i] + c[i] + k * w + helper(i); s += a[i]; }
  return s;
}`;

describe('input plan', () => {
  it('reads constants from code, the parsed pragma, macros and callees, never from comments or strings', async () => {
    const { facts } = await shapeAndFacts(PREFIX, 'f');
    expect(facts.constants).toEqual(expect.arrayContaining([64, 300, 4096, 8192]));
    expect(facts.constants).not.toContain(777777);
    expect(facts.constants).not.toContain(555555);
    expect(facts.reassociation.map((r) => `${r.via} ${r.type}`)).toEqual(['reduction(+:s) double']);
  });

  it('covers every residue mod 32, around and above every constant, a size ≥ 10^5, overlap of non-restrict pointers, varied integers', async () => {
    const { shape, facts } = await shapeAndFacts(PREFIX, 'f');
    expect(shape.sizeParams).toEqual(['n']);
    expect(shape.params.find((p) => p.name === 'a')!.restrict).toBe(true);
    const plan = planInputs(shape, { seed: 42, constants: facts.constants, reassociates: true });
    const sizes = plan.cases.map((c) => c.sizes.n);
    for (let r = 0; r < 32; r++) expect(sizes.some((s) => s % 32 === r && s >= 32), `residue ${r}`).toBe(true);
    for (const k of [64, 300, 4096, 8192]) {
      expect(sizes).toContain(k + 1);
      expect(sizes.some((s) => s > 2 * k)).toBe(true);
    }
    expect(sizes.some((s) => s >= 100_000)).toBe(true);
    // n is a signed int: a negative size (no iterations in the original) is tried too.
    expect(sizes).toContain(-1);
    // a is restrict: only c may overlap b (c is written; b is const and never the written one).
    expect([...new Set(plan.cases.filter((c) => c.alias).map((c) => `${c.alias!.param}->${c.alias!.of}`))]).toEqual(['c->b']);
    const ks = new Set(plan.cases.map((c) => c.scalars.k));
    expect([...ks].some((v) => Number(v) < 0)).toBe(true);
    expect([...ks].some((v) => Number(v) % 2 === 1)).toBe(true);
    expect(ks).toContain('2147483647');
    expect(ks).toContain('-2147483648');
    const ws = new Set(plan.cases.map((c) => c.scalars.w));
    for (const v of ['nan', 'inf', '-inf', '-0.0']) expect(ws).toContain(v);
    // A reassociating candidate gets no wide-magnitude float inputs (catastrophic cancellation is order-dependent).
    expect(plan.cases.some((c) => c.mode === 'wide' || c.mode === 'special')).toBe(false);
  });

  it('draws different sizes from different seeds (nothing for a candidate to recognise)', async () => {
    const { shape, facts } = await shapeAndFacts(PREFIX, 'f');
    const a = planInputs(shape, { seed: 1, constants: facts.constants, reassociates: false }).cases.map((c) => c.sizes.n);
    const b = planInputs(shape, { seed: 2, constants: facts.constants, reassociates: false }).cases.map((c) => c.sizes.n);
    expect(a).not.toEqual(b);
    expect(planInputs(shape, { seed: 1, constants: facts.constants, reassociates: false }).cases.map((c) => c.sizes.n)).toEqual(a);
  });

  it('reads shapes from the tree: callbacks, structs and pointer-to-pointer refused with the reason', async () => {
    const text = `struct p { double x; };
void cb(int n, double *x, double (*f)(double)) { for (int i = 0; i < n; i++) x[i] = f(x[i]); }
void st(int n, struct p *q) { for (int i = 0; i < n; i++) q[i].x = 0; }
void pp(int n, double **m) { for (int i = 0; i < n; i++) m[i][0] = 0; }
static int tick(void) { static int calls; return ++calls; }
int counter = 0;
void st2(int n, double *x) { counter += tick(); for (int i = 0; i < n; i++) x[i] = 0; }`;
    const tree = await testParserHost().parse('c', text);
    expect(() => readFunctionShape(tree.rootNode, 'cb')).toThrow(/function pointer \(a callback/);
    expect(() => readFunctionShape(tree.rootNode, 'st')).toThrow(/parameter `q` of st has type `struct p \*`, an opaque struct/);
    expect(() => readFunctionShape(tree.rootNode, 'pp')).toThrow(/pointer to pointer/);
    expect(() => readFunctionShape(tree.rootNode, 'nothere')).toThrow(/no definition of nothere/);
    const st2 = readFunctionShape(tree.rootNode, 'st2');
    expect(st2.staticLocals).toEqual(['calls in tick']);
    expect(st2.globals.map((g) => g.name)).toEqual(['counter']);
    tree.delete();
  });
});

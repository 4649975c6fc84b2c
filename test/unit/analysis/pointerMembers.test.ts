import { describe, expect, it } from 'vitest';
import type { LoopVerdict } from '../../../src/core/model';
import { verifyProgram } from '../../../src/core/runner';
import { applyEdits, openMpCandidates } from '../../../src/core/transform';
import { analyseText } from './snippets';

/** Reads through pointer members of a struct (`A->val[k]`, `a.val[i]`) as pointer bases of their own (pointerMembers.ts). */
const codes = (v: LoopVerdict) => v.reasons.map((r) => r.code);
const why = (v: LoopVerdict) => v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ');

const TYPES = `#include <stdlib.h>
struct csr { int n; int *rowptr; int *col; double *val; };
typedef struct { int n; const double *in; double *out; double w[4]; } View;
union U { double *in; double *out; };
double g[4096];
`;

async function verdict(fn: string): Promise<LoopVerdict> {
  const v = await analyseText(`${TYPES}${fn}\n`);
  return v[0];
}

const SPMV = 'for (int i = 0; i < A->n; i++) { double s = 0; for (int k = A->rowptr[i]; k < A->rowptr[i + 1]; k++) s += A->val[k] * x[A->col[k]]; y[i] = s; }';

describe('pointer members read as pointers of their own', () => {
  it.each([
    ['CSR SpMV with a restrict output', `void f(const struct csr *A, const double *x, double *restrict y) { ${SPMV} }`],
    ['a by-value struct with a restrict output', 'void f(View v, double *restrict y) { for (int i = 0; i < v.n; i++) y[i] = v.in[i] * v.w[1]; }'],
    ['a local array of this function, only subscripted', 'double f(View v) { double t[4096]; for (int i = 0; i < v.n; i++) t[i] = v.in[i + 1] * v.in[i]; return t[3]; }'],
    ['a fresh allocation of this function', 'void f(const struct csr *A, const double *x) { double *y = malloc(sizeof(double) * 100); ' + SPMV + ' free(y); }'],
  ])('%s: parallel', async (_, fn) => {
    const v = await verdict(fn);
    expect(v.verdict, why(v)).toBe('parallel');
  });

  it('a member and a pointer parameter: may-alias, with the restrict assumption and a run-time overlap check naming the member', async () => {
    const v = await verdict('void f(View v, double *y, int n) { for (int i = 0; i < n; i++) y[i] = 2.0 * v.in[i]; }');
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v)).toContain('may-alias');
    expect(v.assumptions.map((a) => a.message).join(' ')).toContain('v.in');
    expect(v.ifAssumed?.overlapCheck).toContain('(const char *)(v.in + (');
  });

  it.each([
    ['a write through a pointer member', 'void f(View v, int n) { for (int i = 0; i < n; i++) v.out[i] = v.in[i]; }', 'writes through the pointer member'],
    ['the member is moved in the loop', 'void f(struct csr *A, double *restrict y) { for (int i = 0; i < A->n; i++) { y[i] = A->val[i]; A->val = g; } }', 'goes through the member'],
    ['the struct is written whole in the loop', 'void f(struct csr *A, struct csr B, double *restrict y) { for (int i = 0; i < 9; i++) { y[i] = A->val[i]; *A = B; } }', 'goes through the member'],
    ['the struct is passed to a call in the loop', 'void h(struct csr *); void f(struct csr *A, double *restrict y) { for (int i = 0; i < 9; i++) { y[i] = A->val[i]; h(A); } }', ''],
    ['a member of a union', 'void f(union U u, double *restrict y) { for (int i = 0; i < 9; i++) y[i] = u.in[i]; }', 'goes through the member'],
    ['a member of an array element', 'void f(struct csr *s, double *restrict y) { for (int i = 0; i < 9; i++) y[i] = s[1].val[i]; }', 'goes through the member'],
    ['a member through a double pointer', 'void f(struct csr **pp, double *restrict y) { for (int i = 0; i < 9; i++) y[i] = (*pp)->val[i]; }', 'goes through the member'],
    ['a global array the member may point into', 'void f(View v) { for (int i = 0; i < v.n; i++) g[i] = v.in[i]; }', 'may-alias'],
    ['a local array whose address left the function', 'void h(View *, double *); void f(View v) { double t[64]; h(&v, t); for (int i = 0; i < 64; i++) t[i] = v.in[i]; }', ''],
    ['a local pointer set from the member, not only allocated', 'void f(const struct csr *A) { double *t = malloc(800); t = A->val + 1; for (int i = 0; i < A->n; i++) t[i] = A->val[i] * A->val[i + 1]; }', 'may-alias'],
    ['a local array stored in the member before the loop', 'void f(struct csr *A) { double t[64]; A->val = t + 1; for (int i = 0; i < 63; i++) t[i] = A->val[i]; }', 'may-alias'],
  ])('%s: refused', async (_, fn, text) => {
    const v = await verdict(fn);
    expect(v.verdict, why(v)).not.toBe('parallel');
    if (text) expect(why(v)).toContain(text);
  });

  it('the versioned candidate keeps the serial loop when the member points into the output', async () => {
    const src = `#include <stdio.h>
#include <stdlib.h>
struct view { int n; double *val; };
static double buf[1200];
static void shift(struct view a, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] = 2.0 * a.val[i] + 1.0;
}
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500;
  if (n > 1000) n = 1000;
  for (int i = 0; i < 1200; i++) buf[i] = i % 7 - 3;
  struct view a = {n, buf + 1};
  shift(a, buf, n);
  static double other[1200];
  struct view b = {n, buf + 2};
  shift(b, other, n);
  double s = 0;
  for (int i = 0; i < 1200; i++) s = s * 0.5 + buf[i] + other[i];
  printf("%.17g\\n", s);
  return 0;
}
`;
    const [v] = await analyseText(src);
    expect(v.verdict).not.toBe('parallel');
    expect(v.ifAssumed?.overlapCheck).toContain('a.val');
    const versioned = openMpCandidates(v, src, 'c').find((c) => !c.assumes);
    expect(versioned).toBeDefined();
    const text = applyEdits(src, versioned!.edits);
    const evidence = await verifyProgram({ original: { text: src }, candidate: { text }, language: 'c', target: 'openmp', threads: [1, 3, 4], timingThreads: [1], repeats: 1 });
    expect(evidence.verdict, `${evidence.summary}\n${evidence.log.slice(0, 2000)}`).toBe('verified');
  }, 240_000);

  it('a struct member bound in the run-time overlap check is written as the member (A->n), evaluated before the loop', async () => {
    const src = `#include <stdio.h>
#include <stdlib.h>
struct csr { int n; double *val; };
static double buf[1200], other[1200];
static void scale(const struct csr *A, double *y) {
  for (int i = 0; i < A->n; i++) y[i] = 2.0 * A->val[i] + 1.0;
}
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500;
  if (n > 1000) n = 1000;
  for (int i = 0; i < 1200; i++) buf[i] = i % 7 - 3;
  struct csr a = {n, buf + 1};
  scale(&a, buf);
  struct csr b = {n, buf + 3};
  scale(&b, other);
  double s = 0;
  for (int i = 0; i < 1200; i++) s = s * 0.5 + buf[i] + other[i];
  printf("%.17g\\n", s);
  return 0;
}
`;
    const [v] = await analyseText(src);
    expect(v.verdict).not.toBe('parallel');
    expect(v.ifAssumed?.overlapCheck).toContain('(const char *)(A->val + (A->n - 1) + 1)');
    const versioned = openMpCandidates(v, src, 'c').find((c) => !c.assumes);
    expect(versioned).toBeDefined();
    const text = applyEdits(src, versioned!.edits);
    const evidence = await verifyProgram({ original: { text: src }, candidate: { text }, language: 'c', target: 'openmp', threads: [1, 3, 4], timingThreads: [1], repeats: 1 });
    expect(evidence.verdict, `${evidence.summary}\n${evidence.log.slice(0, 2000)}`).toBe('verified');
  }, 240_000);
});

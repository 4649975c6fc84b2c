import { describe, expect, it } from 'vitest';
import type { LanguageId, LoopVerdict } from '../../../src/core/model';
import { verifyProgram } from '../../../src/core/runner';
import { applyEdits, openMpCandidates } from '../../../src/core/transform';
import { analyseText } from './snippets';

/** Loop bounds that are integer struct members (memberBounds.ts): accepted only when the loop cannot change them. */
const codes = (v: LoopVerdict) => v.reasons.map((r) => r.code);
const why = (v: LoopVerdict) => v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ');

const TYPES = `struct V { int n; int m; double data[64]; };
typedef struct { long rows, cols; } Dims;
struct U { unsigned n; };
union W { int n; float f; };
struct B { int n : 8; };
struct F { double n; };
struct Vol { volatile int n; };
typedef volatile int vint;
struct TVol { vint n; };
typedef volatile struct V VV;
double out[4096], in[4096];
`;

/** The verdict of the only loop in `fn` (a whole function). */
async function verdict(fn: string, language: LanguageId = 'c'): Promise<LoopVerdict> {
  const v = await analyseText(`${TYPES}${fn}\n`, language);
  return v[0];
}

describe('struct member loop bounds', () => {
  it.each([
    ['a by-value struct', 'void f(struct V a) { for (int i = 0; i < a.n; i++) out[i] = in[i] * a.m; }'],
    ['a typedef struct, rows * cols', 'void f(Dims s) { for (long i = 0; i < s.rows * s.cols; i++) out[i] = in[i] + 1.0; }'],
    ['a local struct', 'void f(int n) { struct V a; a.n = n; a.m = 2; for (int i = 0; i < a.n; i++) out[i] = in[i] * a.m; }'],
    ['a pointer to a struct, with restrict output', 'void f(const Dims *d, double *restrict o) { for (long i = 0; i < d->rows; i++) o[i] = 2.0 * i; }'],
    ['a member in the subscript too', 'void f(Dims s) { for (long i = 0; i < s.rows; i++) for (long j = 0; j < s.cols; j++) out[i * s.cols + j] = in[i * s.cols + j]; }'],
  ])('%s: the member bound is loop-invariant, the loop is parallel', async (_, fn) => {
    const v = await verdict(fn);
    expect(v.verdict, why(v)).toBe('parallel');
  });

  it.each([
    ['the member is written in the loop', 'void f(struct V a) { for (int i = 0; i < a.n; i++) { out[i] = i; if (in[i] < 0) a.n = i; } }', 'may change inside the loop (`a.n = i`'],
    ['the member is written through the pointer', 'void f(struct V *p) { for (int i = 0; i < p->n; i++) { out[i] = i; if (in[i] < 0) p->n--; } }', 'may change inside the loop (`p->n--`'],
    ['the same member of another pointer is written', 'void f(struct V *p, struct V *q) { for (int i = 0; i < p->n; i++) { out[i] = i; q->n = 3; } }', '(`q->n = 3`'],
    ['the whole struct is assigned', 'void f(struct V a, struct V b) { for (int i = 0; i < a.n; i++) { out[i] = i; if (i == 3) a = b; } }', ''],
    ['the struct is assigned through the pointer', 'void f(struct V *p, struct V b) { for (int i = 0; i < p->n; i++) { out[i] = i; if (i == 3) *p = b; } }', '(`*p = b`'],
    ['the member\'s address is taken in the loop', 'void g(int *x); void f(struct V a) { for (int i = 0; i < a.n; i++) { out[i] = i; g(&a.n); } }', '(`&a.n`'],
    ['a global the pointer may point at is written', 'int lim; void f(struct V *p) { for (int i = 0; i < p->n; i++) { out[i] = i; lim = 2; } }', '(`lim = 2`'],
  ])('%s: refused, naming the write', async (_, fn, text) => {
    const v = await verdict(fn);
    expect(v.verdict).not.toBe('parallel');
    if (text) expect(why(v)).toContain(text);
  });

  it('a pointer to the member written in the loop is caught by the aliasing check', async () => {
    const v = await verdict('void f(struct V a) { int *q = &a.n; for (int i = 0; i < a.n; i++) { out[i] = i; if (i == 2) *q = 3; } }');
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v)).toContain('may-alias');
  });

  it('an int pointer parameter written in the loop may alias p->n: parallel only under an assumption', async () => {
    const v = await verdict('void f(const struct V *p, int *o) { for (int i = 0; i < p->n; i++) o[i] = i; }');
    expect(v.verdict).not.toBe('parallel');
    expect(why(v)).toContain('`p` and `o` may point into the same memory');
  });

  it('writing p->data[i] (an array inside *p) races with the bound read of p->n', async () => {
    const v = await verdict('void f(struct V *p) { for (int i = 0; i < p->n; i++) p->data[i] = 2.0 * i; }');
    expect(v.verdict).not.toBe('parallel');
  });

  it.each([
    ['a union member', 'void f(union W w) { for (int i = 0; i < w.n; i++) out[i] = i; }'],
    ['a bit-field', 'void f(struct B b) { for (int i = 0; i < b.n; i++) out[i] = i; }'],
    ['a floating member', 'void f(struct F s) { for (int i = 0; i < s.n; i++) out[i] = i; }'],
    ['a volatile member', 'void f(struct Vol s) { for (int i = 0; i < s.n; i++) out[i] = i; }'],
    ['a member whose typedef is volatile', 'void f(struct TVol s) { for (int i = 0; i < s.n; i++) out[i] = i; }'],
    ['a member of an object whose typedef is volatile', 'void f(int n) { VV a = {n}; for (int i = 0; i < a.n; i++) out[i] = i; }'],
    ['a member of a struct defined elsewhere', 'struct X; void f(struct X *x) { for (int i = 0; i < x->n; i++) out[i] = i; }'],
    ['a member of a member', 'struct H { struct V v; }; void f(struct H h) { for (int i = 0; i < h.v.n; i++) out[i] = i; }'],
  ])('%s is not read as a bound', async (_, fn) => {
    const v = await verdict(fn);
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v)).toContain('non-canonical-loop');
  });

  it('a signed counter from a possibly negative start against an unsigned member is mixed-sign', async () => {
    const v = await verdict('void f(struct U s, int lo) { for (int i = lo; i < s.n; i++) out[i + 8] = i; }');
    expect(codes(v)).toContain('mixed-sign-bound');
    const ok = await verdict('void f(struct U s) { for (int i = 0; i < s.n; i++) out[i] = i; }');
    expect(ok.verdict, why(ok)).toBe('parallel');
  });

  it('C++: a plain aggregate is accepted; a reference bound to the member, a class with methods, a template are not', async () => {
    const ok = await verdict('void f(V a) { for (int i = 0; i < a.n; i++) out[i] = in[i]; }', 'cpp');
    expect(ok.verdict, why(ok)).toBe('parallel');
    const ref = await verdict('void f(V a) { int &lim = a.n; for (int i = 0; i < a.n; i++) { out[i] = in[i]; if (i == 2) lim = 3; } }', 'cpp');
    expect(ref.verdict).not.toBe('parallel');
    expect(why(ref)).toContain('(`lim = 3`');
    const method = await verdict('struct C { int n; int get() const { return n; } }; void f(C c) { for (int i = 0; i < c.n; i++) out[i] = i; }', 'cpp');
    expect(why(method)).toContain('plain data members only');
    const tmpl = await verdict('template <class T> void f(T s) { for (int i = 0; i < s.n; i++) out[i] = i; }', 'cpp');
    expect(tmpl.verdict).not.toBe('parallel');
  });

  it('the run-time overlap check compares ends, not starts: a struct pointer and a pointer to its second member overlap', async () => {
    // cnt = &h->b: h + 0 < cnt + 0, yet cnt[0] is h->b, which every iteration reads.
    const src = `#include <stdio.h>
#include <stdlib.h>
struct P { int a; int b; };
static struct P s[600];
static void f(const struct P *h, int *cnt, int m) {
  for (int i = 0; i < m; i++) cnt[i] = h->b + i + 1;
}
int main(int argc, char **argv) {
  int m = argc > 1 ? atoi(argv[1]) : 500;
  for (int k = 0; k < 600; k++) { s[k].a = k; s[k].b = -k - 5; }
  f(&s[0], &s[0].b, m);
  long h = 0;
  for (int k = 0; k < 600; k++) h = (h * 31 + s[k].a * 7 + s[k].b) % 1000003;
  printf("%ld\\n", h);
  return 0;
}
`;
    const [v] = await analyseText(src);
    expect(v.verdict).not.toBe('parallel');
    expect(v.ifAssumed?.overlapCheck).toContain(' + 1) <= (const char *)(');
    const versioned = openMpCandidates(v, src, 'c').find((c) => !c.assumes);
    expect(versioned).toBeDefined();
    const text = applyEdits(src, versioned!.edits);
    const evidence = await verifyProgram({ original: { text: src }, candidate: { text }, language: 'c', target: 'openmp', threads: [1, 3, 4], timingThreads: [1], repeats: 1 });
    expect(evidence.verdict, `${evidence.summary}\n${evidence.log.slice(0, 2000)}`).toBe('verified');
  }, 240_000);
});

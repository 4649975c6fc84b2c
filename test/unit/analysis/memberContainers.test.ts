import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLoops } from '../../../src/core/analysis';
import type { LoopVerdict } from '../../../src/core/model';
import { testParserHost } from '../../helpers/paths';

const host = testParserHost();

/** Verdicts of a C++ (or C) snippet, by the 1-based line of each nest. */
async function verdicts(text: string, language: 'cpp' | 'c' = 'cpp'): Promise<Map<number, LoopVerdict>> {
  const tree = await host.parse(language, text);
  try {
    return new Map(analyzeLoops(tree, language, text).map((v) => [v.nest.root.range.start.line + 1, v]));
  } finally {
    tree.delete();
  }
}

/** The verdict of the last loop nest. */
async function last(text: string, language: 'cpp' | 'c' = 'cpp'): Promise<LoopVerdict> {
  return [...(await verdicts(text, language)).values()].at(-1) as LoopVerdict;
}

const why = (v: LoopVerdict) => v.reasons.map((r) => `[${r.code}] ${r.message}`).join('\n');

const CSR = '#include <vector>\nstruct Csr { std::vector<int> rowptr; std::vector<int> col; std::vector<double> val; };\n';
const SPMV_BODY = '    double s = 0.0;\n    for (int p = a.rowptr[i]; p < a.rowptr[i + 1]; p++) s += a.val[p] * x[a.col[p]];\n    y[i] = s;\n  }\n}\n';

describe('struct members as arrays of their own', () => {
  it('CSR SpMV through a const struct reference is parallel, checking &a.val != &y at run time', async () => {
    const v = await last(`${CSR}void spmv(const Csr &a, const std::vector<double> &x, std::vector<double> &y, int n) {\n  for (int i = 0; i < n; i++) {\n${SPMV_BODY}`);
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.runtimeCheck).toContain('&a.val != &y');
    // Members of different types (std::vector<int>) can never be y.
    expect(v.runtimeCheck).not.toContain('rowptr');
  });

  it('the bench kernel spmv_vec.cpp: the row loop is parallel', async () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../bench/kernels/spmv_vec.cpp'), 'utf8');
    const v = (await verdicts(text)).get(16) as LoopVerdict;
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.runtimeCheck).toBe('&a.val != &y && &x != &y');
  });

  it('a.rowptr.size() bounds a canonical loop, and a const reference bound to a member is that member', async () => {
    const bound = await last(`${CSR}void f(const Csr &a, const std::vector<double> &x, std::vector<double> &y) {\n  for (std::size_t i = 0; i + 1 < a.rowptr.size(); i++) {\n${SPMV_BODY}`);
    expect(bound.verdict, why(bound)).toBe('parallel');
    const alias = await last(`${CSR}void f(const Csr &a, std::vector<double> &y, int n) {\n  const auto &rp = a.rowptr;\n  for (int i = 0; i < n; i++) {\n    double s = 0;\n    for (int p = rp[i]; p < rp[i + 1]; p++) s += a.val[p];\n    y[i] = s;\n  }\n}\n`);
    expect(alias.verdict, why(alias)).toBe('parallel');
  });

  it('different members of one non-const object never overlap: particles update in place without a run-time check', async () => {
    const v = await last('#include <vector>\nstruct P { std::vector<double> x, vx; };\nvoid step(P &p, double dt) {\n  for (std::size_t i = 0; i < p.x.size(); i++) p.x[i] += p.vx[i] * dt;\n}\n');
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.runtimeCheck ?? null).toBeNull();
  });

  it('one member written at i and read at i + 1 is a carried dependence', async () => {
    const v = await last('#include <vector>\nstruct F { std::vector<double> val; };\nvoid f(F &f, int n) {\n  for (int i = 0; i < n; i++) f.val[i] = f.val[i + 1];\n}\n');
    expect(v.verdict).not.toBe('parallel');
    expect(why(v)).toMatch(/f\.val\[i \+ 1\]/);
  });

  it('a const reference to a member, read ahead of the member written, is followed to the same array', async () => {
    const v = await last('#include <vector>\nstruct F { std::vector<double> val; };\nvoid f(F &f, int n) {\n  const auto &rv = f.val;\n  for (int i = 0; i < n; i++) f.val[i] = rv[i + 1];\n}\n');
    expect(v.verdict).not.toBe('parallel');
    expect(why(v)).toMatch(/anti/);
  });

  it('two references to objects of one struct type: the same member of both is checked at run time', async () => {
    const v = await last('#include <vector>\nstruct S { std::vector<double> x; };\nvoid f(S &p, const S &q, int n) {\n  for (int i = 0; i < n; i++) p.x[i] = q.x[i + 1];\n}\n');
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.runtimeCheck).toMatch(/&p\.x != &q\.x|&q\.x != &p\.x/);
  });

  it('a C struct of fixed-size arrays: one member from another is parallel', async () => {
    const v = await last('struct G { int n; double u[100]; double v[100]; };\nstruct G g;\nvoid f(void) {\n  for (int i = 1; i < 99; i++) g.v[i] = g.u[i - 1] + g.u[i + 1] + g.n;\n}\n', 'c');
    expect(v.verdict, why(v)).toBe('parallel');
  });

  it('arrays of structs are unchanged: pts[i].x from pts[i].y is parallel', async () => {
    const v = await last('struct Pt { double x, y; };\nvoid f(struct Pt *pts, int n) {\n  for (int i = 0; i < n; i++) pts[i].x = -pts[i].y;\n}\n', 'c');
    expect(v.verdict, why(v)).toBe('parallel');
  });

  const refused: [string, string][] = [
    ['a pointer member', 'struct V { double *val; std::vector<double> out; };\nvoid f(V &a, int n) {\n  for (int i = 0; i < n; i++) a.out[i] = a.val[i + 1];\n}\n'],
    ['a reference member', 'struct V { std::vector<double> &val; std::vector<double> out; };\nvoid f(V &a, int n) {\n  for (int i = 0; i < n; i++) a.out[i] = a.val[i + 1];\n}\n'],
    ['a static member', 'struct V { static std::vector<double> val; std::vector<double> out; };\nvoid f(V &a, V &b, int n) {\n  for (int i = 0; i < n; i++) a.val[i] = b.val[i + 1];\n}\n'],
    ['a union', 'union U { double x[64]; double y[64]; };\nvoid f(U &u, int n) {\n  for (int i = 0; i < n; i++) u.y[i] = u.x[i + 1];\n}\n'],
    ['an anonymous union member', 'struct W { union { double x[64]; double y[64]; }; };\nvoid f(W &u, int n) {\n  for (int i = 0; i < n; i++) u.y[i] = u.x[i + 1];\n}\n'],
    ['a member of a base class', 'struct B { double *val; };\nstruct D : B { std::vector<double> out; };\nvoid f(D &d, int n) {\n  for (int i = 0; i < n; i++) d.out[i] = d.val[i + 1];\n}\n'],
    ['a struct with a base class (whose member of the same name it hides)', 'struct B { double *x; };\nstruct D : B { std::vector<double> x, y; };\nvoid f(D &d, int n) {\n  for (int i = 0; i < n; i++) d.y[i] = d.x[i + 1];\n}\n'],
    ['a struct name defined twice (the later one is not the one in scope)', 'namespace q {\nstruct S { double *x; std::vector<double> y; };\nvoid f(S &s, int n) {\n  for (int i = 0; i < n; i++) s.y[i] = s.x[i + 1];\n}\n}\nstruct S { std::vector<double> x, y; };\n'],
    ['a template function', 'struct S { std::vector<double> x, y; };\ntemplate <class S> void f(S &s, int n) {\n  for (int i = 0; i < n; i++) s.y[i] = s.x[i + 1];\n}\n'],
    ['the object passed whole', 'struct S { std::vector<double> x; };\nstatic double at(const S &s, int k) { return s.x[k]; }\nvoid f(S &s, int n) {\n  for (int i = 0; i < n; i++) s.x[i] = at(s, i + 1);\n}\n'],
    ['a method on a member', 'struct S { std::vector<double> x, y; };\nvoid f(S &s, int n) {\n  for (int i = 0; i < n; i++) { s.y[i] = s.x[i]; s.x.push_back(1.0); }\n}\n'],
    ['the object\'s address taken', 'struct S { std::vector<double> x, y; };\nvoid f(S &s, int n) {\n  S *p = &s;\n  for (int i = 0; i < n; i++) s.y[i] = p->y[i + 1];\n}\n'],
    ['an object whose address is kept (policy: another name may reach it)', 'struct S { std::vector<double> x, y; };\nS *keep;\nvoid f(S &s, int n) {\n  keep = &s;\n  for (int i = 0; i < n; i++) s.y[i] = s.x[i];\n}\n'],
    ['a local reference to the object', 'struct S { std::vector<double> x, y; };\nS all[4];\nvoid f(int k, int n) {\n  S &s = all[k];\n  S &t = all[0];\n  for (int i = 0; i < n; i++) s.y[i] = t.y[i + 1];\n}\n'],
    ['a member of class elements', 'struct C { C &operator=(const C &); double v; };\nstruct S { std::vector<C> x, y; };\nvoid f(S &s, int n) {\n  for (int i = 0; i < n; i++) s.y[i] = s.x[i];\n}\n'],
  ];
  it.each(refused)('refuses %s', async (_, body) => {
    const v = await last(`#include <vector>\n${body}`);
    expect(v.verdict, why(v)).not.toBe('parallel');
    expect(v.reasons.length).toBeGreaterThan(0);
  });

  it('a helper reading the global struct whose member the loop writes is refused', async () => {
    const v = await last('struct G { double x[100]; double y[100]; };\nstruct G g;\nstatic double ahead(int k) { return g.x[k + 1]; }\nvoid f(void) {\n  for (int i = 0; i < 99; i++) g.x[i] = ahead(i) + g.y[i];\n}\n', 'c');
    expect(v.verdict).not.toBe('parallel');
    expect(v.reasons.map((r) => r.code)).toContain('call-reads-written-global');
  });
});

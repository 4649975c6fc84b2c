import { describe, expect, it } from 'vitest';
import { analyseBody, analyseText, verdictOf } from './snippets';

const codes = (v: { reasons: readonly { code: string }[] }) => v.reasons.map((r) => r.code);

describe('control flow out of the loop', () => {
  it('a break out of the loop makes it not parallel', async () => {
    const v = await verdictOf('  for (int i = 0; i < N; i++) { if (a[i] < 0) break; b[i] = 2 * a[i]; }');
    expect(v.verdict).toBe('not-parallel');
    expect(codes(v)).toContain('early-exit');
    expect(v.reasons.find((r) => r.code === 'early-exit')?.message).toMatch(/`break` leaves the loop early/);
  });

  it('a break that leaves only an inner loop or a switch does not block the outer loop', async () => {
    const inner = await verdictOf('  for (int i = 0; i < N; i++) { for (int j = 0; j < 10; j++) { if (j > 3) break; } b[i] = a[i]; }');
    expect(inner.verdict).toBe('parallel');
    const sw = await verdictOf('  for (int i = 0; i < N; i++) { switch (i % 3) { case 1: b[i] = 1; break; default: b[i] = 0; } }');
    expect(sw.verdict).toBe('parallel');
  });

  it('return, goto and exit() block the loop, each with its own reason', async () => {
    const ret = await verdictOf('  for (int i = 0; i < N; i++) { if (a[i] < 0) return; b[i] = a[i]; }');
    expect(codes(ret)).toContain('early-exit');
    const go = await verdictOf('  for (int i = 0; i < N; i++) { if (a[i] < 0) goto out; b[i] = a[i]; }\nout:;');
    expect(codes(go)).toContain('goto');
    const ex = await analyseBody('  for (int i = 0; i < N; i++) { if (a[i] < 0) exit(1); b[i] = a[i]; }');
    expect(ex[0].verdict).not.toBe('parallel');
  });
});

describe('simd', () => {
  it('marks an innermost call-free loop as vectorisable, and not one with a nested loop or a call; simd is off by default', async () => {
    const flat = await verdictOf('  double s = 0;\n  for (int i = 0; i < N; i++) s += a[i];\n  c[0] = s;');
    expect(flat.facts?.work.vectorisable).toBe(true);
    // The cost model leaves simd out: it has stopped gcc 12 optimising nests (issue #7).
    expect(flat.clauses?.simd).toBe(false);
    expect((await verdictOf('  for (int i = 0; i < N; i++) for (int j = 0; j < i; j++) A[i][j] = B[i][j];')).facts?.work.vectorisable).toBe(false);
    expect((await verdictOf('  for (int i = 0; i < N; i++) b[i] = sqrt(a[i]);')).facts?.work.vectorisable).toBe(false);
  });
});

describe('calls through a struct field', () => {
  it('in C is named a call through a function pointer, in C++ a method call; both refused', async () => {
    const src = 'struct ops { double (*f)(double); };\nvoid g(int n, double *a, struct ops o) {\n  for (int i = 0; i < n; i++) a[i] = o.f(a[i]);\n}\n';
    const [c] = await analyseText(src, 'c');
    expect(c.verdict).not.toBe('parallel');
    expect(c.reasons.find((r) => r.code === 'call-through-variable')?.message).toMatch(/^`o\.f` calls through a function pointer held in a struct field/);
    expect(c.reasons.some((r) => /C\+\+/.test(r.message))).toBe(false);
    const [cpp] = await analyseText(src, 'cpp');
    expect(cpp.verdict).not.toBe('parallel');
    expect(cpp.reasons.find((r) => r.code === 'method-call')?.message).toMatch(/^method `f` may modify its object/);
  });
});

describe('calls the file defines but ParaForge does not analyse', () => {
  it('a function template and a static member function are named as such, not as defined outside the file', async () => {
    const src = 'template <typename T> T next(T x) { return x + 1; }\nstruct Counter { static int bump(int x) { return x * 2; } };\nvoid f(int n, long *a, int *b) {\n  for (int i = 0; i < n; i++) a[i] = next<long>(a[i]);\n  for (int i = 0; i < n; i++) b[i] = Counter::bump(b[i]);\n}\n';
    const vs = await analyseText(src, 'cpp');
    expect(vs.map((v) => v.verdict)).toEqual(['not-parallel', 'not-parallel']);
    for (const v of vs) expect(v.reasons.find((r) => r.code === 'unknown-call')?.message).toMatch(/is a function template or a function defined in a class of this file/);
  });
});

describe('macros in callees', () => {
  it('a callee naming a macro the loop could not use (an expression, a header name) is refused as `macro`; a trusted integer macro is fine', async () => {
    const src = '#define BUMP (++calls)\n#define K 3\nstatic long calls;\nstatic long bumped(long v) { return v * 2 + BUMP % 2; }\nstatic long hdr(long v) { return v + SOME_HEADER_VALUE; }\nstatic long scaled(long v) { return v * K; }\nvoid f(int n, long *y) {\n  for (int i = 0; i < n; i++) y[i] = bumped(i);\n  for (int i = 0; i < n; i++) y[i] = hdr(i);\n  for (int i = 0; i < n; i++) y[i] = scaled(i);\n}\n';
    const vs = await analyseText(src);
    expect(vs.map((v) => v.verdict)).toEqual(['not-parallel', 'not-parallel', 'parallel']);
    expect(vs[0].reasons.find((r) => r.code === 'macro')?.message).toMatch(/`BUMP` is a macro whose expansion is not a plain integer/);
    expect(vs[1].reasons.find((r) => r.code === 'macro')?.message).toMatch(/`SOME_HEADER_VALUE`, which is not declared in this file/);
  });
});

describe('container queries of classes of this file', () => {
  it('`m.size()`, `m.empty()` and `std::size(m)` are not read-only when the file declares a `size()`/`empty()` (a class of its own may count calls); on std containers they are', async () => {
    const own = '#include <iterator>\nstatic long probes;\nstruct Meter { long size() const { return probes++; } bool empty() const { return ++probes % 2; } };\nvoid f(int n, long *y, Meter &m) {\n  for (int i = 0; i < n; i++) y[i] = i + m.size();\n  for (int i = 0; i < n; i++) y[i] = m.empty();\n  for (int i = 0; i < n; i++) y[i] = (long)std::size(m);\n}\n';
    const vs = await analyseText(own, 'cpp');
    expect(vs.map((v) => v.verdict)).toEqual(['not-parallel', 'not-parallel', 'not-parallel']);
    for (const v of vs) expect(v.reasons.map((r) => r.code)).toContain('method-call');
    const std = '#include <vector>\nvoid f(int n, long *__restrict y, const std::vector<long> &v) {\n  for (int i = 0; i < n; i++) y[i] = i + (long)v.size();\n}\n';
    expect((await analyseText(std, 'cpp'))[0].verdict).toBe('parallel');
  });
});

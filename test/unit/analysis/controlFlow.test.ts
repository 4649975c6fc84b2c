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

import { describe, expect, it } from 'vitest';
import { analyzeLoops } from '../../../src/core/analysis';
import type { LoopVerdict } from '../../../src/core/model';
import { testParserHost } from '../../helpers/paths';

const host = testParserHost();

async function firstVerdict(text: string) {
  const tree = await host.parse('c', text);
  try {
    return analyzeLoops(tree, 'c', text)[0];
  } finally {
    tree.delete();
  }
}

const stencil = (params: string) =>
  `void step(int nx, int ny, ${params}) {\n  for (int i = 1; i < nx - 1; i++)\n    for (int j = 1; j < ny - 1; j++)\n      out[i][j] = 0.5 * (in[i - 1][j] + in[i + 1][j]);\n}\n`;

describe('aliasing of array parameters', () => {
  it('two VLA parameters may overlap: not parallel, with the no-overlap assumption offered', async () => {
    const v = await firstVerdict(stencil('double in[nx][ny], double out[nx][ny]'));
    expect(v.verdict).toBe('not-parallel');
    expect(v.assumptions.map((a) => a.message).join()).toMatch(/(in and out|out and in) do not overlap/);
  });

  it('C99 `a[restrict n][m]` parameters are restrict-qualified: parallel, both levels independent', async () => {
    const v = await firstVerdict(stencil('double in[restrict nx][ny], double out[restrict nx][ny]'));
    expect(v.verdict).toBe('parallel');
    expect(v.facts?.independentLevels).toBe(2);
    // The cost model collapses only when the outer trip count is small (nx is not known).
    expect(v.clauses?.collapse).toBe(1);
  });
});

describe('aliasing of C++ reference parameters', () => {
  /** The verdict of the last loop nest in a C++ snippet. */
  async function cppVerdict(text: string) {
    const tree = await host.parse('cpp', text);
    try {
      return analyzeLoops(tree, 'cpp', text).at(-1) as LoopVerdict;
    } finally {
      tree.delete();
    }
  }

  it('a reference written in the loop may name an element the loop reads: not parallel', async () => {
    const v = await cppVerdict('double v[1000];\nvoid sum(double &acc) {\n  for (int i = 0; i < 1000; i++) acc += v[i];\n}\n');
    expect(v.verdict).not.toBe('parallel');
    expect(v.reasons.map((r) => r.message).join('\n')).toMatch(/`acc` is a reference: it may name `v`/);
  });

  it('a reference summing only the function’s own local array stays a reduction', async () => {
    const v = await cppVerdict('void sum(int n, double &acc) {\n  double t[1000];\n  for (int i = 0; i < 1000; i++) t[i] = i * n;\n  for (int i = 0; i < 1000; i++) acc += t[i];\n}\n');
    expect(v.nest.root.range.start.line).toBe(3);
    expect(v.verdict).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op: '+', var: 'acc' }]);
  });
});

describe('pointer parameters proven distinct from every call (issue #7 §3)', () => {
  async function verdicts(text: string) {
    const tree = await host.parse('c', text);
    try {
      return analyzeLoops(tree, 'c', text);
    } finally {
      tree.delete();
    }
  }
  const program = (fn: string, calls: string) =>
    `#include <stdlib.h>\n${fn} void scale(double *y, const double *x, int n) {\n  for (int i = 0; i < n; i++) y[i] = 2.0 * x[i + 1];\n}\nint main(void) {\n  int n = 100;\n  double *a, *b = malloc(sizeof(double) * 101);\n  a = malloc(sizeof(double) * 101);\n${calls}  return 0;\n}\n`;

  it('a static function whose every call passes separate mallocs (one assigned C89 style): parallel, and the fact says why', async () => {
    const [v] = await verdicts(program('static', '  scale(a, b, n);\n  scale(b + 1, a, n - 1);\n'));
    expect(v.verdict).toBe('parallel');
    expect(v.facts?.aliases.find((f) => f.kind === 'distinct')?.why).toMatch(/`scale` is static and only called directly, and each of its 2 calls passes separate objects/);
  });

  it('refused when one call aliases, when the function is not static, or when it is never called', async () => {
    for (const [fn, calls] of [['static', '  scale(a, b, n);\n  scale(a, a + 1, n);\n'], ['', '  scale(a, b, n);\n'], ['static', ''], ['static inline', '  scale(a, b, n);\n']]) {
      const [v] = await verdicts(program(fn, calls));
      expect(v.verdict, `${fn} / ${calls}`).toBe('not-parallel');
      expect(v.reasons.map((r) => r.code)).toContain('may-alias');
    }
  });

  const chain = (step: string, calls: string) =>
    `#include <stdlib.h>\nstatic void scale(double *y, const double *x, int n) {\n  for (int i = 0; i < n; i++) y[i] = 2.0 * x[i + 1];\n}\n${step}\nint main(void) {\n  double *a = malloc(sizeof(double) * 101), *b = malloc(sizeof(double) * 101);\n${calls}  return 0;\n}\n`;

  it('parameters passed on through a static caller are separate when every call of the caller passes separate objects, and the fact names the chain', async () => {
    const [v] = await verdicts(chain('static void step(double *p, double *q, int n) { scale(q, p, n); }', '  step(a, b, 100);\n  step(b, a, 100);\n'));
    expect(v.verdict).toBe('parallel');
    expect(v.facts?.aliases.find((f) => f.kind === 'distinct')?.why).toMatch(/`scale` is static .* separate objects as `y` and `x` \(`step` is static .* passes separate objects as `q` and `p`\)/);
  });

  it('a pass-through proves nothing when the caller is not static, changes a parameter, or is itself called with one buffer twice', async () => {
    for (const [step, calls] of [
      ['void step(double *p, double *q, int n) { scale(q, p, n); }', '  step(a, b, 100);\n'],
      ['static void step(double *p, double *q, int n) { q = p + 1; scale(q, p, n); }', '  step(a, b, 100);\n'],
      ['static void step(double *p, double *q, int n) { scale(q, p, n); }', '  step(a, b, 100);\n  step(a, a, 100);\n'],
      ['static void step(double *p, double *q, int n) { scale(q, p, n); if (n) step(p, p, n - 1); }', '  step(a, b, 100);\n'],
    ]) {
      const [v] = await verdicts(chain(step, calls));
      expect(v.verdict, step + calls).toBe('not-parallel');
      expect(v.reasons.map((r) => r.code)).toContain('may-alias');
    }
  });

  it('an argument whose offset uses another pointer, or that goes through an integer, names no object', async () => {
    for (const call of ['scale(a + (b - a), b, n);', 'scale((double *)((unsigned long)a + ((unsigned long)b - (unsigned long)a)), b, n);']) {
      const [v] = await verdicts(program('static', `  ${call}\n`));
      expect(v.verdict, call).toBe('not-parallel');
      expect(v.reasons.map((r) => r.code)).toContain('may-alias');
    }
    const [ok] = await verdicts(program('static', '  scale((double *)a + 1, (const double *)b, n - 1);\n'));
    expect(ok.verdict).toBe('parallel');
  });

  it('a macro that pastes tokens or splices a line, or an alias attribute, may form a call no text names; `#define B A` makes two arrays one', async () => {
    const pasted = program('#define CALL(f, x, n) f##_impl(x, x, n)\nstatic', '  scale(a, b, n);\n');
    const spliced = program('#define CALL(x, n) sca\\\nle(x, x, n)\nstatic', '  scale(a, b, n);\n');
    for (const text of [pasted, spliced]) {
      const [v] = await verdicts(text);
      expect(v.verdict, text).toBe('not-parallel');
    }
    const aliased = program('static', '  scale(a, b, n);\n').replace('int main', 'static void again(double *y, const double *x, int n) __attribute__((alias("scale")));\nint main');
    expect((await verdicts(aliased))[0].verdict).toBe('not-parallel');
    const renamed = `#define M 101\nstatic double A[M], B[M];\n#define B A\nstatic void scale(double *y, const double *x, int n) {\n  for (int i = 0; i < n; i++) y[i] = 2.0 * x[i + 1];\n}\nint main(void) {\n  scale(A, B, 100);\n  return 0;\n}\n`;
    const [v] = await verdicts(renamed);
    expect(v.verdict).toBe('not-parallel');
  });

  it('C++: placement new and a file that defines operator new do not hand out fresh memory', async () => {
    const cpp = (prelude: string, alloc: string) =>
      `#include <new>\n${prelude}\nstatic void scale(double *y, const double *x, int n) {\n  for (int i = 0; i < n; i++) y[i] = 2.0 * x[i + 1];\n}\nint main() {\n  double *a = new double[101];\n  double *b = ${alloc};\n  scale(b, a, 100);\n  return 0;\n}\n`;
    const parse = async (text: string) => {
      const tree = await host.parse('cpp', text);
      try {
        return analyzeLoops(tree, 'cpp', text)[0];
      } finally {
        tree.delete();
      }
    };
    expect((await parse(cpp('', 'new double[101]'))).verdict).toBe('parallel');
    expect((await parse(cpp('', 'new ((void *)a) double[101]'))).verdict).toBe('not-parallel');
    expect((await parse(cpp('static double pool[256];\nvoid *operator new[](std::size_t) { return pool; }', 'new double[101]'))).verdict).toBe('not-parallel');
  });
});

describe('pointers to arrays', () => {
  it('`long (*r)[3] = (long (*)[3])a` is a view of a, not an object of its own', async () => {
    const v = await firstVerdict('void f(long *a, int n) {\n  long (*r)[3] = (long (*)[3])a;\n  for (int i = 0; i < n; i++) r[i][0] = a[i * 3 + 3] + 1;\n}\n');
    expect(v.verdict).not.toBe('parallel');
    expect(v.reasons.map((r) => r.code)).toContain('may-alias');
  });
});

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { analyzeLoops } from '../../../src/core/analysis';
import { indexFile, Resolver } from '../../../src/core/analysis/scope';
import type { LanguageId } from '../../../src/core/model';
import { columnSweepLoop, type SweepAttempt } from '../../../src/core/transform/columnSweep';
import { parallelizeSource } from '../../../src/core/transform/openmp';
import { ADVERSARIAL, rewriteProgram } from '../analysis/adversarialRunner';
import { ROOT, testParserHost } from '../../helpers/paths';

/**
 * Column sweep (transform/columnSweep.ts): the text it writes for the covariance nest (bench's
 * kernel and small C / C++ programs), the refusals of every attack on its legality (called on the
 * j loop directly, so they are checked even where the enclosing loop is not parallel), and which
 * sweep_* adversarial programs get it (their gate run is in adversarial.test.ts).
 */

const parser = testParserHost();

/** The rules engine's proven rewrite of `text` (the same edits the CLI and the corpus gate apply). */
async function rewrite(text: string, language: LanguageId = 'c'): Promise<{ text: string; notes: string[] }> {
  const tree = await parser.parse(language, text);
  try {
    const verdicts = analyzeLoops(tree, language, text);
    return { text: parallelizeSource(text, verdicts, language).text, notes: verdicts.flatMap((v) => v.reasons.filter((r) => r.code === 'column-sweep').map((r) => r.message)) };
  } finally {
    tree.delete();
  }
}

/** The sweep of the first for loop inside the outermost loop of function `kernel`, judged with that loop's facts. */
async function sweep(text: string, language: LanguageId = 'c'): Promise<SweepAttempt> {
  const tree = await parser.parse(language, text);
  try {
    const verdicts = analyzeLoops(tree, language, text);
    const start = text.indexOf('kernel(');
    const v = verdicts.find((x) => x.nest.root.range.startOffset > start)!;
    let outer: Node | null = tree.rootNode.descendantForIndex(v.nest.root.range.startOffset);
    while (outer && outer.type !== 'for_statement') outer = outer.parent;
    const inner = outer!.childForFieldName('body')!.namedChildren.find((c) => c?.type === 'for_statement')!;
    return columnSweepLoop(inner, text, language, v.facts!, new Resolver(indexFile(tree)));
  } finally {
    tree.delete();
  }
}

/** A kernel whose i loop holds `body` (the j loop), with x, c restrict unless `params` says otherwise. */
const kernel = (body: string, params = 'int m, int n, const double *restrict x, double *restrict c', pre = '') =>
  `${pre}void kernel(${params}) {\n  for (int i = 0; i < m; i++) {\n${body}\n  }\n}\n`;

const GOOD = `    for (int j = 0; j < m; j++) {
      double s = 0.0;
      for (int k = 0; k < n; k++) s += x[k * m + j] * x[k * m + i];
      c[i * m + j] = s;
    }`;

describe('column sweep: the text it writes', () => {
  it('rewrites bench covariance.c into the swept nest, the original kept as the malloc fallback', async () => {
    const text = fs.readFileSync(`${ROOT}/bench/kernels/covariance.c`, 'utf8');
    const { text: out, notes } = await rewrite(text);
    expect(out).toContain(`      size_t pf_n27 = 0;
      for (int j = i; j < m; j++) pf_n27++;
      double *pf_s27 = pf_n27 > 0 && pf_n27 <= (size_t)-1 / sizeof(double) ? (double *)malloc(sizeof(double) * pf_n27) : NULL;
      if (pf_s27) {
        size_t pf_x27 = 0;
        for (int j = i; j < m; j++) pf_s27[pf_x27++] = 0.0;
        for (int k = 0; k < n; k++) {
          #pragma omp simd
          for (int j = i; j < m; j++) pf_s27[(long long)j - (long long)(i)] += data[k * m + i] * data[k * m + j];
        }
        pf_x27 = 0;
        for (int j = i; j < m; j++) {
          double s = pf_s27[pf_x27++];
          cov[i * m + j] = s / (n - 1);
          cov[j * m + i] = cov[i * m + j];
        }
        free(pf_s27);
      } else {
        for (int j = i; j < m; j++) {
          double s = 0.0;`);
    expect(out).toContain('#pragma omp parallel for schedule(dynamic)\n  for (int i = 0; i < m; i++) {\n    {\n      size_t pf_n27');
    // stdlib.h is already there: not included twice.
    expect(out.match(/#include <stdlib\.h>/g)).toHaveLength(1);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/`data\[k \* m \+ j\]` is read with unit stride/);
  });

  it('adds <stdlib.h> in C when it is missing, and is applied once (the rewrite is stable)', async () => {
    const { text: out } = await rewrite(kernel(GOOD, undefined, '#include <stdio.h>\n'));
    expect(out.startsWith('#include <stdlib.h>\n#include <stdio.h>\n')).toBe(true);
    expect(out).toContain('pf_s4[(long long)j - (long long)(0)] += x[k * m + j] * x[k * m + i];');
    const again = await rewrite(out);
    expect(again.text).toBe(out);
  });

  it('uses std::malloc / std::free / std::size_t and <cstdlib> in C++', async () => {
    const text = `#include <vector>\n${kernel(GOOD, 'int m, int n, const double *__restrict__ x, double *__restrict__ c')}`;
    const { text: out } = await rewrite(text, 'cpp');
    expect(out.startsWith('#include <cstdlib>\n#include <vector>\n')).toBe(true);
    expect(out).toContain('std::size_t pf_n4 = 0;');
    expect(out).toContain('(double *)std::malloc(sizeof(double) * pf_n4)');
    expect(out).toContain('std::free(pf_s4);');
  });

  it('picks names that do not clash with the file', async () => {
    const { text: out } = await rewrite(kernel(GOOD, undefined, 'int pf_s4 = 0, pf_n4 = 1, pf_n4_ = 2;\n'));
    expect(out).toContain('double *pf_s4_ = ');
    expect(out).toContain('size_t pf_n4__ = 0;');
  });

  it('uses `omp simd` with the slot computed from j only for unit steps over plain arrays; a step of 2 keeps the counter', async () => {
    const down = await sweep(kernel(GOOD.replace('for (int j = 0; j < m; j++)', 'for (int j = m - 1; j >= 0; j--)')));
    expect(down.ok && down.edit.newText).toContain('#pragma omp simd');
    expect(down.ok && down.edit.newText).toContain('pf_s3[(long long)(m - 1) - (long long)j] += ');
    const by2 = await sweep(kernel(GOOD.replace('j++', 'j += 2')));
    expect(by2.ok && by2.edit.newText).not.toContain('omp simd');
    expect(by2.ok && by2.edit.newText).toContain('pf_s3[pf_x3] += ');
  });

  it('rewrites `s = f(s, E)` by replacing every s with the buffer element', async () => {
    const body = GOOD.replace('s += x[k * m + j] * x[k * m + i];', 's = s * 0.5 + x[k * m + j] - s / 3;');
    const r = await sweep(kernel(body));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.edit.newText).toContain('pf_s3[(long long)j - (long long)(0)] = pf_s3[(long long)j - (long long)(0)] * 0.5 + x[k * m + j] - pf_s3[(long long)j - (long long)(0)] / 3;');
  });
});

describe('column sweep: refusals', () => {
  const refusals: [string, string, RegExp][] = [
    ['a consumer writes the array the sum reads', kernel(GOOD.replace('c[i * m + j] = s;', 'w[i * m + j] = s;').replace(/x\[k \* m \+ i\]/, 'w[i * m + k]'), 'int m, int n, const double *restrict x, double *restrict w'), /the loop writes `w`/],
    ['the arrays may alias (non-restrict parameters)', kernel(GOOD, 'int m, int n, double *x, double *c'), /writes `c`, which may be the memory `x`/],
    ['s is declared outside the j loop', kernel(GOOD.replace('double s = 0.0;', 's = 0.0;'), undefined, 'double s;\n'), /does not start with `T s = init;`/],
    ['the init reads a scalar the consumer writes', kernel(GOOD.replace('double s = 0.0;', 'double s = t;').replace('c[i * m + j] = s;', 'c[i * m + j] = s;\n      t = s;'), 'int m, int n, const double *restrict x, double *restrict c, double t'), /writes `t`, which the sum or a bound reads/],
    ['the sum calls a function of the file', kernel(GOOD.replace('x[k * m + i]', 'f(x[k * m + i])'), undefined, 'static double f(double v) { return v * 2; }\n'), /`f\(x\[k \* m \+ i\]\)` calls a function that is not a pure math library function/],
    ['the k loop is triangular in j', kernel(GOOD.replace('k < n', 'k < j')), /bounds depend on `j`/],
    ['the j loop bound is written in the loop', kernel(GOOD.replace('j < m', 'j < n').replace('c[i * m + j] = s;', 'c[i * m + j] = s;\n      if (s > 1) n = j;')), /writes `n`, which the sum or a bound reads/],
    ['a break in the k loop', kernel(GOOD.replace('s += x[k * m + j] * x[k * m + i];', '{ s += x[k * m + j] * x[k * m + i]; if (s > 1) break; }')), /`break;`: a jump/],
    ['a global scalar in the sum', kernel(GOOD.replace('* x[k * m + i]', '* x[k * m + i] * g'), undefined, 'double g = 2;\n'), /`g` is a global/],
    ['a multi-level access in the sum', kernel(GOOD.replace('x[k * m + j]', 'rows[k][j]'), 'int m, int n, const double *restrict x, double *restrict c, double **rows'), /multi-level access/],
    ['a volatile s', kernel(GOOD.replace('double s', 'volatile double s')), /not a plain arithmetic local/],
    ['a side effect in the sum', kernel(GOOD.replace('x[k * m + i]', 'x[k * m + i]++')), /not a plain read or arithmetic/],
    ['a write through a pointer in a consumer', kernel(GOOD.replace('c[i * m + j] = s;', '*(c + i * m + j) = s;')), /writes through `\*\(c \+ i \* m \+ j\)`/],
    ['a pragma on the j loop', kernel(GOOD.replace('    for (int j', '    #pragma GCC ivdep\n    for (int j')), /a pragma or preprocessor line sits on the loop/],
    ['the sum already reads along k with unit stride', kernel(GOOD.replace('x[k * m + j] * x[k * m + i]', 'x[j * n + k] * x[i * n + k]')), /already good/],
  ];
  it.each(refusals)('%s', async (_name, text, why) => {
    const r = await sweep(text);
    expect(r.ok, text).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });

  it('refuses a scalar whose address is taken in the function', async () => {
    const text = kernel(GOOD.replace('* x[k * m + i]', '* x[k * m + i] * sc'), 'int m, int n, const double *restrict x, double *restrict c', '').replace('  for (int i', '  double sc = 1;\n  double *p = &sc;\n  p[0] = 2;\n  for (int i');
    const r = await sweep(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/`sc` has its address taken/);
  });

  it('refuses a scalar the consumer writes whose address is taken (a pointer the sum reads may reach it)', async () => {
    const text = kernel(GOOD.replace('c[i * m + j] = s;', 'c[i * m + j] = s;\n      t = s;'), 'int m, int n, const double *restrict x, double *restrict c', '').replace('  for (int i', '  double t = 0;\n  double *q = &(t);\n  q[0] = 1;\n  for (int i');
    const r = await sweep(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/writes `t`, which other pointers may reach/);
  });

  it('accepts std::sqrt in the sum and refuses a qualified value (its reads are not checked)', async () => {
    const withSqrt = await sweep(`#include <cmath>\n${kernel(GOOD.replace('x[k * m + i]', 'std::sqrt(x[k * m + i])'), 'int m, int n, const double *__restrict__ x, double *__restrict__ c')}`, 'cpp');
    expect(withSqrt.ok).toBe(true);
    const qualified = await sweep(`namespace ns { double g = 2; }\n${kernel(GOOD.replace('x[k * m + i]', 'ns::g'), 'int m, int n, const double *__restrict__ x, double *__restrict__ c')}`, 'cpp');
    expect(qualified.ok).toBe(false);
    if (!qualified.ok) expect(qualified.reason).toMatch(/`ns::g` is not a plain read/);
  });

  it('accepts the plain nest these attacks start from', async () => {
    expect((await sweep(kernel(GOOD))).ok).toBe(true);
  });
});

describe('column sweep: the sweep_* adversarial programs', () => {
  const files = fs.readdirSync(ADVERSARIAL).filter((f) => f.startsWith('sweep_'));
  it('has at least 8 attacks and 3 programs it applies to', () => {
    const applied = files.filter((f) => /^(?:\/\*|\/\/) Column sweep, applied/.test(fs.readFileSync(`${ADVERSARIAL}/${f}`, 'utf8')));
    expect(applied.length).toBeGreaterThanOrEqual(3);
    expect(files.length - applied.length).toBeGreaterThanOrEqual(8);
  });
  it.each(files)('%s is swept exactly when its header says so', async (file) => {
    const { text, rewritten } = await rewriteProgram(file);
    const applied = /^(?:\/\*|\/\/) Column sweep, applied/.test(text);
    expect(/^(?:\/\*|\/\/) Column sweep, (?:applied|refused)/.test(text)).toBe(true);
    expect(rewritten?.includes('pf_x') ?? false, file).toBe(applied);
    // In the versioned form the sweep is only in the checked parallel copy: the serial copy (after the last `else`) is the original.
    if (/versioned copy/.test(text.split('\n')[0])) expect(rewritten!.split('} else {').pop()).not.toContain('pf_');
  });
});

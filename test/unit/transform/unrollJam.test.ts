import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeLoops } from '../../../src/core/analysis';
import type { LanguageId } from '../../../src/core/model';
import { parallelizeSource } from '../../../src/core/transform/openmp';
import { ROOT, testParserHost } from '../../helpers/paths';
import { checkRewrite, removeBuilds } from '../analysis/adversarialRunner';

/**
 * Unroll-and-jam by 4 (transform/unrollJam.ts, chosen by transform/sumNests.ts): the text it writes
 * for the bench kernels it is for, the counter substitution (shadowing, descending and strided
 * counters), where it is not used, and programs built and run against the serial program at trip
 * counts around the jam factor. Its attacks are the jam_* adversarial programs (adversarial.test.ts).
 */

const parser = testParserHost();

/** The rules engine's proven rewrite of `text` and the notes of its jams. */
async function rewrite(text: string, language: LanguageId = 'c'): Promise<{ text: string; notes: string[]; lanes: string[] }> {
  const tree = await parser.parse(language, text);
  try {
    const verdicts = analyzeLoops(tree, language, text);
    return {
      text: parallelizeSource(text, verdicts, language).text,
      notes: verdicts.flatMap((v) => v.reasons.filter((r) => r.code === 'unroll-jam').map((r) => r.message)),
      lanes: verdicts.flatMap((v) => v.reasons.filter((r) => r.code === 'lane-simd').map((r) => r.message)),
    };
  } finally {
    tree.delete();
  }
}

/** A program whose kernel's i loop holds `body` (the j loop); main prints every output exactly, sizes from argv[1]. */
const program = (body: string, extra = '') => `#include <stdio.h>
#include <stdlib.h>

static void kernel(int m, int n, const double *restrict x, const double *restrict b, double *restrict c) {
  for (int i = 0; i < m; i++) {
${body}
  }
}

int main(int argc, char **argv) {
  int m = argc > 1 ? atoi(argv[1]) : 10;
  int n = m % 9 + 1;
  double *x = malloc(sizeof(double) * (m * n + n + 9));
  double *b = malloc(sizeof(double) * (m * n + m + 9));
  double *c = malloc(sizeof(double) * (m * m + 9));
  for (int k = 0; k < m * n + n + 9; k++) x[k] = (double)((k * 7919) % 1009) / 1009.0 - 0.37;
  for (int k = 0; k < m * n + m + 9; k++) b[k] = (double)((k * 104729) % 1013) / 1013.0 - 0.61;
  for (int k = 0; k < m * m + 9; k++) c[k] = 0.0;
  kernel(m, n, x, b, c);${extra}
  for (int k = 0; k < m * m + 9; k++) printf("%a\\n", c[k]);
  free(x);
  free(b);
  free(c);
  return 0;
}
`;

/** A program whose kernel's parallel loop (header `header`) is itself the sum nest, `s SUM` its update. */
const rows = (header: string, sum: string) =>
  program('').replace('  for (int i = 0; i < m; i++) {\n\n  }', `  for (${header}) {\n    double s = 0.5;\n    for (int k = 0; k < n; k++) s ${sum};\n    c[i] = s;\n  }`);

const DOT = `    for (int j = 0; j < m; j++) {
      double s = 0.0;
      for (int k = 0; k < n; k++) s += x[i * n + k] * b[j * n + k];
      c[i * m + j] = s;
    }`;

afterAll(removeBuilds);
describe('unroll-and-jam: the text it writes', () => {
  it('jams bench matmul_vec.cpp four columns at a time, the last trips running the original body', async () => {
    const text = fs.readFileSync(`${ROOT}/bench/kernels/matmul_vec.cpp`, 'utf8');
    const { text: out, notes } = await rewrite(text, 'cpp');
    expect(notes).toHaveLength(1);
    expect(out).toContain(`unsigned long long pf_n10 = 0;
        for (int j = 0; j < n; j++) pf_n10++;
        for (int j = 0; j < n; j++) {
          if (pf_n10 >= 4) {
            pf_n10 -= 4;
            double pf_s10_0 = 0.0;
            double pf_s10_1 = 0.0;
            double pf_s10_2 = 0.0;
            double pf_s10_3 = 0.0;
            for (int k = 0; k < n; k++) {
              pf_s10_0 += a[i * n + k] * bt[j * n + k];
              pf_s10_1 += a[i * n + k] * bt[(j + 1) * n + k];
              pf_s10_2 += a[i * n + k] * bt[(j + 2) * n + k];
              pf_s10_3 += a[i * n + k] * bt[(j + 3) * n + k];
            }
            {
              double s = pf_s10_0;
              c[i * n + j] = s;
            }
            {
              double s = pf_s10_1;
              c[i * n + (j + 1)] = s;
            }`);
    expect(out).toContain(`            j += 3;
          } else {
            pf_n10--;
            {
              double s = 0.0;`);
  });

  it('vectorises a 5x5 filter across pixels: simd on x, the filter loops unrolled, the filter read as one 2-D array (bench conv2d.c)', async () => {
    const text = fs.readFileSync(`${ROOT}/bench/kernels/conv2d.c`, 'utf8');
    const { text: out, notes, lanes } = await rewrite(text);
    expect(notes).toEqual([]);
    expect(lanes).toHaveLength(1);
    expect(out).toContain(`    #pragma omp simd
    for (int x = 2; x < w - 2; x++) {
      float s = 0.0f;
      #pragma GCC unroll 5
      for (int dy = -2; dy <= 2; dy++) {
        #pragma GCC unroll 5
        for (int dx = -2; dx <= 2; dx++) {`);
  });

  it('jams a constant filter instead when the consumers of two pixels share memory, or when the filter is too long', async () => {
    const filter = (consumer: string, taps = 'k <= 2') => `    double t = 0.0;
    for (int j = 0; j < m; j++) {
      double s = 0.0;
      for (int k = -2; ${taps}; k++) s += x[i * n + k + 2] * b[j * n + k + 2];
      ${consumer}
    }`;
    const t = await rewrite(program(filter('t += s; c[i * m + j] = t;')));
    expect([t.lanes, t.notes.length]).toEqual([[], 1]);
    const twice = await rewrite(program(filter('c[i * m + j] = s; c[i * m + j] = s * 2;')));
    expect([twice.lanes, twice.notes.length]).toEqual([[], 1]);
    const same = await rewrite(program(filter('c[i * m + j / 2] = s;')));
    expect(same.lanes).toEqual([]);
    const long = await rewrite(program(filter('c[i * m + j] = s;', 'k <= 15')));
    expect([long.lanes, long.notes.length]).toEqual([[], 1]);
    const ok = await rewrite(program(filter('double u = s * 2; c[i * m + j] = u;')));
    expect([ok.lanes.length, ok.notes]).toEqual([1, []]);
    expect(ok.text).toContain('#pragma GCC unroll 5');
  });

  it('replaces only the counter the header declares: a shadowing `j` in a consumer block is kept', async () => {
    const body = `    for (int j = 0; j < m; j++) {
      double s = 0.0;
      for (int k = 0; k < n; k++) s += x[i * n + k] * b[j * n + k];
      double t = s;
      { int j = 2; t += x[j]; }
      c[i * m + j] = t;
    }`;
    const { text: out, notes } = await rewrite(program(body));
    expect(notes).toHaveLength(1);
    expect(out).toContain('{ int j = 2; t += x[j]; }');
    expect(out).not.toContain('x[(j + 1)]');
    expect(out).toContain('c[i * m + (j + 3)] = t;');
  });

  it('counts a descending counter down and a strided one by its step', async () => {
    const down = await rewrite(program(DOT.replace('for (int j = 0; j < m; j++)', 'for (int j = m - 1; j >= 0; j--)')));
    expect(down.text).toContain('b[(j - 3) * n + k]');
    expect(down.text).toContain('j -= 3;');
    const by2 = await rewrite(program(DOT.replace('for (int j = 0; j < m; j++)', 'for (int j = 0; j < m; j += 2)')));
    expect(by2.text).toContain('b[(j + 6) * n + k]');
    expect(by2.text).toContain('j += 6;');
  });

  it('leaves integer sums alone and takes the column sweep where a read is strided in k', async () => {
    const int = await rewrite(program(DOT.replace('double s = 0.0;', 'long s = 0;').replace('x[i * n + k] * b[j * n + k]', '(long)(x[i * n + k] * 8) * (long)(b[j * n + k] * 8)')));
    expect(int.notes).toEqual([]);
    expect(int.text).not.toContain('pf_');
    const strided = await rewrite(program(DOT.replace('b[j * n + k]', 'b[k * m + j]')));
    expect(strided.notes).toEqual([]);
    expect(strided.text).toContain('malloc(sizeof(double) * pf_n');
  });

  it('is not used where the sum reads what the consumers write', async () => {
    const body = DOT.replace('x[i * n + k] * b[j * n + k]', 'c[i * m + k % m] * b[j * n + k]');
    const { notes } = await rewrite(program(body));
    expect(notes).toEqual([]);
  });
});

describe('unroll-and-jam of the parallel loop itself', () => {
  it('gives bench gemv.c blocks of four rows, the last block running the original body', async () => {
    const text = fs.readFileSync(`${ROOT}/bench/kernels/gemv.c`, 'utf8');
    const { text: out, notes } = await rewrite(text);
    expect(notes).toHaveLength(1);
    expect(out).toContain(`  #pragma omp parallel for
  for (int i = 0; i < n; i += 4) {
    if ((long long)(n) - (long long)i > 3) {`);
    expect(out).toContain('pf_s14_3 += A[(long)(i + 3) * n + j] * x[j];');
    expect(out).toContain(`      int pf_i14 = i;
      for (int i = pf_i14; i < n; i++) {`);
  });

  it('jams only signed counters stepping up from a non-negative constant (OpenMP counts those blocks exactly)', async () => {
    const by2 = await rewrite(rows('long i = 1; i <= m; i += 2', '+= x[i * n + k]'));
    expect(by2.text).toContain('for (long i = 1; i <= m; i += 8) {');
    expect(by2.text).toContain('if ((long long)(m) - (long long)i >= 6) {');
    expect(by2.text).toContain('pf_s5_3 += x[(i + 6) * n + k];');
    for (const header of ['unsigned i = 1; i <= (unsigned)m; i++', 'int i = m - 1; i >= 0; i--', 'int i = m / 2; i < m; i++']) {
      const r = await rewrite(rows(header, '+= x[i * n + k]'));
      expect(r.notes, header).toEqual([]);
      expect(r.text, header).toContain('#pragma omp parallel for');
    }
  });
});

describe('unroll-and-jam: built and run', () => {
  const cases: Record<string, string> = {
    'dot product': DOT,
    'descending, consumer carries a value across j': `    double t = 0.0;
    for (int j = m - 1; j >= 0; j--) {
      double s = b[j];
      for (int k = 0; k < n; k++) s = s * 0.5 + x[i * n + k] * b[j * n + k];
      t += s;
      c[i * m + j] = t;
    }`,
    'triangular, step 3': `    for (int j = i; j < m; j += 3) {
      double s = -0.0;
      for (int k = 0; k < n; k++) s -= x[i * n + k] * b[j * n + k];
      c[i * m + j] = s / (1 + j);
    }`,
  };
  // Lanes across j over a constant filter, with a local consumer.
  cases['simd across j, 3-tap filter'] = `    for (int j = 1; j < m; j++) {
      double s = 0.25;
      for (int k = -1; k <= 1; k++) s = s * 0.5 + x[i * n + k + 1] * b[j * n + k + 1];
      double u = s - x[j];
      c[i * m + j] = u;
    }`;
  // The parallel loop itself jammed: `<` from 0, and `<=` from 1 by steps of 3.
  cases['parallel loop, from 0'] = rows('int i = 0; i < m; i++', '+= x[i * n + k] * b[k]');
  cases['parallel loop, <= by 3'] = rows('long i = 1; i <= m; i += 3', '= s * b[k] - x[i * n + k]');
  it.each(Object.keys(cases))('%s: the same output as the serial program at 1..7 threads and trip counts 0..1000', async (name) => {
    const text = cases[name].startsWith('#include') ? cases[name] : program(cases[name]);
    const { text: out, notes, lanes } = await rewrite(text);
    expect(notes.length + lanes.length, out).toBe(1);
    expect(await checkRewrite(`jam_unit_${name.replace(/\W+/g, '_')}.c`, 'c', text, out)).toEqual([]);
  }, 300_000);
});

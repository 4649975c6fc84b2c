import { describe, expect, it } from 'vitest';
import { parsePragma } from '../../../src/core/analysis/existingPragma';
import type { LanguageId, LoopVerdict } from '../../../src/core/model';
import { analyseText as analyse } from './snippets';

/**
 * Histograms behind pointer parameters and in containers (issue #7 §2): `reduction(+:h[:K])` only
 * when every subscript is provably in [0, K) and every call passes at least K elements of a
 * separate object; std::array is reduced through its data like std::vector, other containers are refused by cost (atomics measured slower than serial).
 */
const why = (v: LoopVerdict | undefined) => (v ? `${v.verdict}: ${v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ')}` : 'no verdict');

/** A static `count(n, v, h)` with the given parameters and loop body, and a main that declares `setup` and calls `calls`. */
function program(params: string, body: string, setup: string, calls: string, fn = 'static void'): string {
  return `#include <stdlib.h>\n${fn} count(int n, ${params}) {\n  for (int i = 0; i < n; i++) ${body}\n}\nint main(int argc, char **argv) {\n  int n = argc;\n${setup}\n${calls}\n  return 0;\n}\n`;
}

/** The verdict of the histogram loop (the first loop of the file). */
async function histogramLoop(text: string, language: LanguageId = 'c'): Promise<LoopVerdict> {
  return (await analyse(text, language))[0];
}

const BYTES = 'const unsigned char *v, long *h';

describe('pointer-parameter bins with a proven extent', () => {
  it('an unsigned char subscript into a static function\'s 256-element bins is reduction(+:h[:256])', async () => {
    const v = await histogramLoop(program(BYTES, 'h[v[i]]++;', '  unsigned char *v = malloc(8);\n  long h[256];', '  count(n, v, h);\n  count(n, v, h);'));
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op: '+', var: 'h[:256]' }]);
  });

  it('bounds subscripts by unsigned short, `& M` and unsigned `% M`, and sizes the section by the largest', async () => {
    const short = await histogramLoop(program('const unsigned short *v, int *h', 'h[v[i]] += 2;', '  unsigned short *v = malloc(8);\n  int *h = calloc(65536, sizeof(int));', '  count(n, v, h);'));
    expect(short.clauses?.reduction, why(short)).toEqual([{ op: '+', var: 'h[:65536]' }]);
    const mixed = await histogramLoop(program('const int *key, const unsigned *u, long *h', '{ h[key[i] & 31]++; h[u[i] % 40]--; h[(key[i] >> 3) & 7] -= 3; }', '  int *key = malloc(8);\n  unsigned *u = malloc(8);\n  long *h = malloc(40 * sizeof(long));', '  count(n, key, u, h);'));
    expect(mixed.clauses?.reduction, why(mixed)).toEqual([{ op: '+', var: 'h[:40]' }]);
    const shifted = await histogramLoop(program('const unsigned *u, long *h', 'h[(u[i] >> 8) % 16]++;', '  unsigned *u = malloc(8);\n  long h[16];', '  count(n, u, h);'));
    expect(shifted.clauses?.reduction, why(shifted)).toEqual([{ op: '+', var: 'h[:16]' }]);
  });

  it('reads malloc, calloc and new[] sizes only with the element type of the bins', async () => {
    const ok = ['long *h = malloc(256 * sizeof *h);', 'long *h = malloc(sizeof(long) * 256);', 'long *h = (long *)calloc(256, sizeof h[0]);'];
    for (const decl of ok) {
      const v = await histogramLoop(program(BYTES, 'h[v[i]]++;', `  unsigned char *v = malloc(8);\n  ${decl}`, '  count(n, v, h);'));
      expect(v.verdict, `${decl}: ${why(v)}`).toBe('parallel');
    }
    const cxx = await histogramLoop(program(BYTES, 'h[v[i]]++;', '  unsigned char *v = new unsigned char[8];\n  long *h = new long[256];', '  count(n, v, h);'), 'cpp');
    expect(cxx.clauses?.reduction, why(cxx)).toEqual([{ op: '+', var: 'h[:256]' }]);
    // Bytes, not elements; another element type; an allocation assigned later: sizes not proven.
    const bad = ['long *h = malloc(256);', 'long *h = calloc(256, sizeof(int));', 'long *h = malloc(256 * sizeof(long));\n  h = malloc(8 * sizeof(long));'];
    for (const decl of bad) {
      const v = await histogramLoop(program(BYTES, 'h[v[i]]++;', `  unsigned char *v = malloc(8);\n  ${decl}`, '  count(n, v, h);'));
      expect(v.verdict, decl).not.toBe('parallel');
      expect(v.reasons.map((r) => r.code), `${decl}: ${why(v)}`).toContain('histogram-extent');
    }
  });

  it('refuses a call passing fewer bins than the subscripts reach, naming the call and the sizes', async () => {
    const v = await histogramLoop(program(BYTES, 'h[v[i]]++;', '  unsigned char *v = malloc(8);\n  long a[256], b[100];', '  count(n, v, a);\n  count(n, v, b);'));
    expect(v.verdict).not.toBe('parallel');
    const r = v.reasons.find((x) => x.code === 'histogram-extent');
    expect(r?.message, why(v)).toMatch(/the call `count\(n, v, b\)` \(line \d+\) passes `b` of 100 elements, but the subscripts reach bin 255/);
  });

  it('refuses subscripts with no provable range: signed char, `% M` of a signed int, `& M` with M negative, an int', async () => {
    const cases = [
      ['const signed char *v, long *h', 'h[v[i]]++;', '  signed char *v = malloc(8);'],
      ['const char *v, long *h', 'h[v[i]]++;', '  char *v = malloc(8);'],
      ['const int *v, long *h', 'h[v[i] % 16]++;', '  int *v = malloc(8);'],
      ['const int *v, long *h', 'h[v[i] & -1]++;', '  int *v = malloc(8);'],
      ['const int *v, long *h', 'h[v[i]]++;', '  int *v = malloc(8);'],
    ];
    for (const [params, body, setup] of cases) {
      const v = await histogramLoop(program(params, body, `${setup}\n  long h[256];`, '  count(n, v, h);'));
      expect(v.verdict, body).not.toBe('parallel');
      expect(v.reasons.find((r) => r.code === 'histogram-extent')?.message, `${params} ${body}: ${why(v)}`).toMatch(/has no provable range/);
    }
  });

  it('refuses when not every caller is seen: a non-static function, its address taken, or no main', async () => {
    const extern = await histogramLoop(program(BYTES, 'h[v[i]]++;', '  unsigned char *v = malloc(8);\n  long h[256];', '  count(n, v, h);', 'void'));
    expect(extern.reasons.find((r) => r.code === 'histogram-extent')?.message, why(extern)).toMatch(/is not `static`/);
    const pointer = await histogramLoop(program(BYTES, 'h[v[i]]++;', '  unsigned char *v = malloc(8);\n  long h[256];\n  void (*f)(int, const unsigned char *, long *) = count;', '  f(n, v, h);'));
    expect(pointer.reasons.find((r) => r.code === 'histogram-extent')?.message, why(pointer)).toMatch(/used other than by a direct call/);
    const noMain = 'static void count(int n, const unsigned char *v, long *h) {\n  for (int i = 0; i < n; i++) h[v[i]]++;\n}\nvoid run(int n, const unsigned char *v) {\n  long h[256];\n  count(n, v, h);\n}\n';
    const lib = await histogramLoop(noMain);
    expect(lib.reasons.find((r) => r.code === 'histogram-extent')?.message, why(lib)).toMatch(/no `main`/);
    // An include after the definition may hold a call with fewer bins.
    const included = program(BYTES, 'h[v[i]]++;', '  unsigned char *v = malloc(8);\n  long h[256];', '  count(n, v, h);').replace('int main', '#include "more_calls.inc"\nint main');
    const inc = await histogramLoop(included);
    expect(inc.reasons.find((r) => r.code === 'histogram-extent')?.message, why(inc)).toMatch(/`#include "more_calls.inc"` comes after `count`/);
  });

  it('refuses arguments that are not a plain name of a sized object: an offset, a cast buffer, a copied pointer', async () => {
    const args = [
      ['long a[257];', 'a + 1'],
      ['char raw[4096];', '(long *)raw'],
      ['long a[256];\n  long *p = a;', 'p'],
      ['long a[2][256];', 'a[1]'],
    ];
    for (const [decl, arg] of args) {
      const v = await histogramLoop(program(BYTES, 'h[v[i]]++;', `  unsigned char *v = malloc(8);\n  ${decl}`, `  count(n, v, ${arg});`));
      expect(v.verdict, arg).not.toBe('parallel');
      expect(v.reasons.find((r) => r.code === 'histogram-extent')?.message, `${arg}: ${why(v)}`).toMatch(/not the plain name of an array of constant size/);
    }
  });

  it('refuses bins that may overlap what the loop reads, a call in the loop, a moved or read pointer', async () => {
    const same = await histogramLoop(program(BYTES, 'h[v[i] & 31]++;', '  long a[32];', '  count(n, (const unsigned char *)a, a);'));
    expect(same.reasons.find((r) => r.code === 'histogram-aliased')?.message, why(same)).toMatch(/may point into `v`/);
    const global = '#include <stdlib.h>\nstatic long g[256];\nstatic int next(int i) { return (int)g[i & 255]; }\nstatic void count(int n, long *h) {\n  for (int i = 0; i < n; i++) h[next(i) & 255]++;\n}\nint main(void) {\n  count(10, g);\n  return 0;\n}\n';
    const callee = await histogramLoop(global);
    expect(callee.reasons.find((r) => r.code === 'histogram-aliased')?.message, why(callee)).toMatch(/the loop calls `next\(i\)`/);
    const readsGlobal = '#include <stdlib.h>\nstatic long g[256];\nstatic void count(int n, const unsigned char *v, long *h) {\n  for (int i = 0; i < n; i++) h[v[i]] += g[i & 255];\n}\nint main(void) {\n  unsigned char *v = malloc(8);\n  count(8, v, g);\n  return 0;\n}\n';
    const reads = await histogramLoop(readsGlobal);
    expect(reads.verdict, why(reads)).not.toBe('parallel');
    const moved = await histogramLoop(program(BYTES, 'h[v[i] & 127]++;', '  unsigned char *v = malloc(8);\n  long h[256];', '  count(n, v, h);').replace('  for (int i', '  h += 128;\n  for (int i'));
    expect(moved.verdict, why(moved)).not.toBe('parallel');
    expect(moved.reasons.map((r) => r.code), why(moved)).toContain('histogram-aliased');
    const read = await histogramLoop(program(BYTES, '{ if (h[v[i]] < 3) h[v[i]]++; }', '  unsigned char *v = malloc(8);\n  long h[256];', '  count(n, v, h);'));
    expect(read.reasons.map((r) => r.code), why(read)).toContain('histogram-read');
  });

  it('floating bins behind a pointer follow the float policy: reduced when every call passes bins that cannot start as -0.0', async () => {
    const v = await histogramLoop(program('const unsigned char *v, double *h', 'h[v[i]] += 0.5;', '  unsigned char *v = malloc(8);\n  double h[256];', '  count(n, v, h);'));
    expect(v.reasons.map((r) => r.code), why(v)).toContain('histogram-start');
    const zero = await histogramLoop(program('const unsigned char *v, double *h', 'h[v[i]] += 0.5;', '  unsigned char *v = malloc(8);\n  double h[256] = {0};', '  count(n, v, h);'));
    expect(zero.clauses?.reduction, why(zero)).toEqual([{ op: '+', var: 'h[:256]' }]);
  });

  it('an existing pragma with the array section is read as a reduction of `h` (no false race)', async () => {
    expect(parsePragma('omp parallel for reduction(+:h[:256], s) private(t)').reduction).toEqual(new Map([['h', '+'], ['s', '+']]));
    expect(parsePragma('omp parallel for reduction(+ : h[0:n])').reduction).toEqual(new Map([['h', '+']]));
    const src = program(BYTES, 'h[v[i]]++;', '  unsigned char *v = malloc(8);\n  long h[256];', '  count(n, v, h);');
    const [with_] = await analyse(src.replace('  for (int i = 0; i < n; i++) h', '  #pragma omp parallel for reduction(+:h[:256])\n  for (int i = 0; i < n; i++) h'));
    expect(with_.existingPragma?.races, why(with_)).toEqual([]);
    const [without] = await analyse(src.replace('  for (int i = 0; i < n; i++) h', '  #pragma omp parallel for\n  for (int i = 0; i < n; i++) h'));
    expect(without.existingPragma?.missingClauses).toEqual(['reduction(+:h)']);
  });
});

describe('container bins', () => {
  it('std::array<long, 256> bins are reduced through their data like a vector\'s; a std::deque\'s are refused by cost (atomics measured slower than serial)', async () => {
    const src = '#include <array>\n#include <vector>\nstatic void count(int n, const std::vector<unsigned char> &v, std::array<long, 256> &h) {\n  for (int i = 0; i < n; i++) h[v[i]]++;\n}\n';
    const v = await histogramLoop(src, 'cpp');
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op: '+', var: 'pf_h[:pf_h_n]' }]);
    expect(v.vectorBins?.map((p) => [p.vector, p.elementType])).toEqual([['h', 'long']]);
    const deque = await histogramLoop(src.replace('#include <array>', '#include <deque>').replace('std::array<long, 256>', 'std::deque<long>'), 'cpp');
    expect(deque.verdict).not.toBe('parallel');
    expect(deque.reasons.find((r) => r.code === 'histogram-atomic-cost')?.message, why(deque)).toMatch(/omp atomic.*slower than the serial loop/);
  });

  it('refuses std::array bins of a size that is no literal, of bool, of double, a local one without an initialiser, and a static one', async () => {
    const body = (type: string, decl = '') => `#include <array>\n#include <vector>\nstatic void count(int n, const std::vector<unsigned char> &v${decl ? '' : `, ${type} &h`}) {\n${decl}  for (int i = 0; i < n; i++) h[v[i] & 7] += 1;\n  (void)h;\n}\n`;
    const codes = async (src: string) => (await histogramLoop(src, 'cpp')).reasons.map((r) => `${r.code}: ${r.message}`).join(' | ');
    expect(await codes(body('std::array<long, 2 * 4>'))).toMatch(/histogram-size: .*a size ParaForge does not read/);
    expect(await codes(body('std::array<bool, 8>'))).toMatch(/histogram-type: .*saturates at true/);
    expect(await codes(body('std::array<double, 8>'))).toMatch(/histogram-start: .*never start as -0\.0/);
    expect(await codes(body('', '  std::array<long, 8> h;\n'))).toMatch(/histogram-start: .*without an initialiser/);
    expect(await codes(body('', '  static std::array<long, 8> h;\n'))).toMatch(/histogram-static: .*gcc folds the pointer/);
  });
});

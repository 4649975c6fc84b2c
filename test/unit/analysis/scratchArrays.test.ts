import { describe, expect, it } from 'vitest';
import type { LoopVerdict } from '../../../src/core/model';
import { verdictOf } from './snippets';

/** Issue #7 §2: scratch arrays declared before the loop and filled before every read in each iteration are private (scratchArrays.ts). */
const codes = (v: LoopVerdict) => v.reasons.map((r) => r.code);
const why = (v: LoopVerdict) => v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ');

/** The issue's loop, with the fill and the reads given. */
const loop = (decl: string, fill: string, reads: string, after = '') =>
  `  ${decl}\n  for (int i = 0; i < 500; i++) {\n    ${fill}\n    double s = 0;\n    ${reads}\n    c[i] = s;\n  }\n${after}`;

describe('scratch arrays', () => {
  it('a local array filled in full by a counted loop before it is read is private(tmp)', async () => {
    const v = await verdictOf(loop('double tmp[16];', 'for (int k = 0; k < 16; k++) tmp[k] = a[i + k] * 2.0;', 'for (int k = 0; k < 16; k++) s += tmp[k] * b[k];'));
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses).toMatchObject({ private: ['tmp'], lastprivate: [], reduction: [] });
  });

  it('a fill of tmp[0..7] of 16 is enough when every read provably stays in it (a k < 8 loop, a constant)', async () => {
    const v = await verdictOf(loop('double tmp[16];', 'for (int k = 0; k < 8; k++) tmp[k] = a[i + k];', 'for (int k = 0; k < 8; k++) s += tmp[7 - k] * tmp[k]; s += tmp[7];'));
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.private).toEqual(['tmp']);
  });

  it.each([
    ['a read beyond the filled part (all 16 after 8 written)', 'for (int k = 0; k < 8; k++) tmp[k] = a[i + k];', 'for (int k = 0; k < 16; k++) s += tmp[k];', '`tmp[8]`'],
    ['a read index one past the filled part (tmp[k + 1], k < 8)', 'for (int k = 0; k < 8; k++) tmp[k] = a[i + k];', 'for (int k = 0; k < 8; k++) s += tmp[k + 1];', '`tmp[8]`'],
    ['a conditional fill', 'if (a[i] > 0.5) for (int k = 0; k < 16; k++) tmp[k] = a[i + k];', 's = tmp[3];', '`tmp[3]`'],
    ['a fill in iteration 0 only', 'if (i == 0) for (int k = 0; k < 16; k++) tmp[k] = k;', 's = tmp[i % 16];', '`tmp[0]`'],
    ['a read before the fill', 's = tmp[0]; for (int k = 0; k < 16; k++) tmp[k] = a[i + k];', 's += tmp[1];', '`tmp[0]`'],
    ['a fill whose right side reads the array', 'for (int k = 0; k < 16; k++) tmp[k] = a[i + k] + tmp[15 - k];', 's = tmp[1];', '`tmp[0]`'],
    ['a fill with a data-dependent bound', 'for (int k = 0; k < (int)u[i] % 16; k++) tmp[k] = a[i + k];', 's = tmp[1];', '`tmp[1]`'],
  ])('%s is refused: tmp may be read before it is written in the iteration', async (_, fill, reads, element) => {
    const v = await verdictOf(loop('double tmp[16] = {0};', fill, reads));
    expect(v.verdict).not.toBe('parallel');
    const r = v.reasons.find((x) => x.code === 'scratch-read-before-write');
    expect(r?.message, why(v)).toContain(`may be read before it is written in the same iteration: it can read ${element}`);
  });

  it('a 2-D array filled by a perfect nest and a 3-element array set by straight-line writes are both private', async () => {
    const v = await verdictOf(
      '  double t[4][5];\n  long w[3];\n  for (int i = 0; i < 500; i++) {\n    w[0] = i; w[1] = (long)a[i]; w[2] = w[0] * w[1];\n    for (int r = 0; r < 4; r++)\n      for (int q = 0; q < 5; q++) t[r][q] = a[i] * r + q;\n    c[i] = t[3][4] + t[0][1] + w[2];\n  }',
    );
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.private).toEqual(['w', 't']);
  });

  it('a 2-D array filled row by row inside a loop over rows is refused (the cover of row r is not proved)', async () => {
    const v = await verdictOf('  double t[4][4];\n  for (int i = 0; i < 500; i++) {\n    double s = 0;\n    for (int r = 0; r < 4; r++) {\n      for (int q = 0; q < 4; q++) t[r][q] = a[i + q];\n      for (int q = 0; q < 4; q++) s += t[r][q];\n    }\n    c[i] = s;\n  }');
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v)).toContain('scratch-read-before-write');
  });

  it('a read after the loop keeps the array shared (scratch-live-after); a refill after the loop before the read does not', async () => {
    const fill = 'for (int k = 0; k < 4; k++) tmp[k] = a[i + k];';
    const live = await verdictOf(loop('double tmp[4];', fill, 's = tmp[0] * tmp[3];', '  printf("%g\\n", tmp[2]);'));
    expect(live.verdict).not.toBe('parallel');
    expect(live.reasons.find((r) => r.code === 'scratch-live-after')?.message, why(live)).toContain('`tmp[2]` (line');
    const dead = await verdictOf(loop('double tmp[4];', fill, 's = tmp[0] * tmp[3];', '  for (int k = 0; k < 4; k++) tmp[k] = 0;\n  printf("%g\\n", tmp[2]);'));
    expect(dead.verdict, why(dead)).toBe('parallel');
    expect(dead.clauses?.private).toEqual(['tmp']);
  });

  it('a read in a loop around the analysed one, before it, is a read after the loop', async () => {
    const v = await verdictOf('  double tmp[4];\n  for (int t = 0; t < 3; t++) {\n    c[t] += tmp[0];\n    for (int i = 0; i < 500; i++) {\n      for (int k = 0; k < 4; k++) tmp[k] = a[i + k];\n      b[i] = tmp[1] + tmp[2];\n    }\n  }');
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v), why(v)).toContain('scratch-live-after');
  });

  it.each([
    ['a pointer to it', '  double tmp[4];\n  double *p = tmp;', 'scratch-escapes', 'its name is used other than as a full subscript'],
    ['an element address', '  double tmp[4];\n  double *p = &tmp[1];', 'scratch-escapes', 'an element\'s address is taken'],
    ['a variable-length array', '  int m = (int)u[0] % 8 + 4;\n  double tmp[m];', 'scratch-extent', 'not a constant'],
    ['a static array', '  static double tmp[4];', 'scratch-static', 'not an automatic variable'],
    ['an array of more than 64 KiB', '  double tmp[10000];', 'scratch-size', '80000 bytes'],
    ['an array of pointers', '  double *tmp[4];', 'scratch-type', 'pointers'],
  ])('%s is refused with its reason', async (_, decl, code, text) => {
    const v = await verdictOf(`${decl}\n  for (int i = 0; i < 500; i++) {\n    for (int k = 0; k < 4; k++) tmp[k] = ${decl.includes('*tmp') ? '&a[i + k]' : 'a[i + k]'};\n    c[i] = ${decl.includes('*tmp') ? '*tmp[1]' : 'tmp[1]'};\n  }`);
    expect(v.verdict).not.toBe('parallel');
    const r = v.reasons.find((x) => x.code === code);
    expect(r?.message, why(v)).toContain(text);
  });

  it('one loop privatises at most 256 KiB of arrays: a fifth 64 KiB array is refused for the total', async () => {
    const names = ['t0', 't1', 't2', 't3', 't4'];
    const fills = names.map((t) => `for (int k = 0; k < 8192; k++) ${t}[k] = a[i];`).join('\n    ');
    const v = await verdictOf(`  double ${names.map((t) => `${t}[8192]`).join(', ')};\n  for (int i = 0; i < 500; i++) {\n    ${fills}\n    c[i] = ${names.map((t) => `${t}[i]`).join(' + ')};\n  }`);
    expect(v.verdict).not.toBe('parallel');
    expect(v.reasons.find((r) => r.code === 'scratch-size')?.message, why(v)).toContain("with the loop's other private arrays it would take 327680 bytes");
  });

  it('a goto in the function refuses (it can skip the writes)', async () => {
    const v = await verdictOf(loop('double tmp[4];', 'for (int k = 0; k < 4; k++) tmp[k] = a[i + k];', 's = tmp[1];', '  if (c[0] > 1) goto out;\n  c[1] = 0;\nout:\n  c[2] = 1;'));
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v), why(v)).toContain('scratch-goto');
  });

  it('an existing pragma without private(tmp) is reported as a race on tmp', async () => {
    const v = await verdictOf('  double tmp[4];\n  #pragma omp parallel for\n  for (int i = 0; i < 500; i++) {\n    for (int k = 0; k < 4; k++) tmp[k] = a[i + k];\n    c[i] = tmp[1] + tmp[3];\n  }');
    expect(v.existingPragma?.missingClauses, JSON.stringify(v.existingPragma)).toContain('private(tmp)');
  });

  it('an existing pragma with private(tmp) has no race (the gate re-analyses candidates with their pragma)', async () => {
    const v = await verdictOf('  double tmp[4];\n  #pragma omp parallel for private(tmp)\n  for (int i = 0; i < 500; i++) {\n    for (int k = 0; k < 4; k++) tmp[k] = a[i + k];\n    c[i] = tmp[1] + tmp[3];\n  }');
    expect(v.existingPragma?.races, JSON.stringify(v.existingPragma)).toEqual([]);
  });

  it('a global written like scratch is the caller\'s data: refused by its dependence, with no scratch reason', async () => {
    const v = await verdictOf('  for (int i = 0; i < 500; i++) {\n    for (int k = 0; k < 4; k++) c[k] = a[i + k];\n    b[i] = c[0] + c[3];\n  }');
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v)).toContain('output-dependence');
    expect(codes(v).filter((c) => c.startsWith('scratch-'))).toEqual([]);
  });

  it('an array the loop writes at its own counter is not scratch: no scratch reason on a plain recurrence', async () => {
    const v = await verdictOf('  double p[600] = {0};\n  for (int i = 1; i < 500; i++) p[i] = p[i - 1] + a[i];\n  printf("%g\\n", p[499]);');
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v).filter((c) => c.startsWith('scratch-'))).toEqual([]);
  });
});

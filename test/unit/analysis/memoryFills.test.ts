import { describe, expect, it } from 'vitest';
import type { LoopVerdict } from '../../../src/core/model';
import { analyseText, verdictOf } from './snippets';

/** Scratch arrays reset by memset or memcpy at the top of each iteration (memoryFills.ts, scratchArrays.ts). */
const codes = (v: LoopVerdict) => v.reasons.map((r) => r.code);
const why = (v: LoopVerdict) => v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ');

/** C89 style: the scratch declared before the loop, reset by `fill`, accumulated into, then read. */
const loop = (decl: string, fill: string, body = 'for (k = 0; k < 16; k++) tmp[k] += a[i + k];', read = 'c[i] = tmp[3] + tmp[15];') =>
  `  ${decl}\n  int i, k;\n  for (i = 0; i < 500; i++) {\n    ${fill}\n    ${body}\n    ${read}\n  }`;

describe('memset and memcpy as scratch fills', () => {
  it.each([
    ['memset(tmp, 0, sizeof tmp)'],
    ['memset(tmp, 0, sizeof(tmp))'],
    ['memset(tmp, 0, 16 * sizeof(double))'],
    ['memset(tmp, 0, sizeof(double) * 16)'],
    ['memset(tmp, 0, sizeof tmp[0] * 16)'],
    ['memset(tmp, 0, 16 * sizeof *tmp)'],
    ['memset(tmp, 0, N / 1000 * 16 * sizeof(double))'],
    ['memcpy(tmp, b, sizeof tmp)'],
    ['memcpy(tmp, &b[i], 16 * sizeof(double))'],
    ['memcpy(tmp, b + i, sizeof tmp)'],
  ])('%s covers the whole array: private(tmp)', async (fill) => {
    const v = await verdictOf(loop('double tmp[16];', `${fill};`));
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.private).toContain('tmp');
  });

  it('a 2-D scratch reset whole by memset(t, 0, 4 * sizeof t[0]) is private', async () => {
    const v = await verdictOf(loop('double t[4][16];', 'memset(t, 0, 4 * sizeof t[0]);', 'for (k = 0; k < 16; k++) t[k % 4][k] += a[i + k];', 'c[i] = t[1][5];'));
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.private).toContain('t');
  });

  it.each([
    ['a partial size', 'memset(tmp, 0, 8 * sizeof(double));', '`tmp[0]`'],
    ['the size of a pointer', 'memset(tmp, 0, 16 * sizeof(double *) / 2);', '`tmp[0]`'],
    ['the size of another type', 'memset(tmp, 0, 16 * sizeof(float));', '`tmp[0]`'],
    ['a conditional memset', 'if (a[i] > 0) memset(tmp, 0, sizeof tmp);', '`tmp[0]`'],
    ['a memset inside a block', '{ memset(tmp, 0, sizeof tmp); }', '`tmp[0]`'],
  ])('%s does not count as a write of every element', async (_, fill, element) => {
    const v = await verdictOf(loop('double tmp[16] = {0};', fill));
    expect(v.verdict).not.toBe('parallel');
    expect(v.reasons.find((r) => r.code === 'scratch-read-before-write')?.message, why(v)).toContain(`it can read ${element}`);
  });

  it('a memset after the first read does not cover that read', async () => {
    const v = await verdictOf(loop('double tmp[16] = {0};', 'c[i] = tmp[2];', 'memset(tmp, 0, sizeof tmp); for (k = 0; k < 16; k++) tmp[k] += a[i + k];', 'b[i] = tmp[3];'));
    expect(v.verdict).not.toBe('parallel');
    expect(why(v)).toContain('`tmp[2]` (line');
  });

  it('memset of only the first row of a 2-D scratch leaves the other rows unwritten', async () => {
    const row = await verdictOf(loop('double t[4][16] = {{0}};', 'memset(t, 0, sizeof t[0]);', 'for (k = 0; k < 16; k++) t[k % 4][k] += a[i + k];', 'c[i] = t[1][5];'));
    expect(row.verdict).not.toBe('parallel');
    expect(codes(row)).toContain('scratch-read-before-write');
    // `memset(t[0], …)` is not a fill of a named array at all: an unknown call.
    const first = await verdictOf(loop('double t[4][16] = {{0}};', 'memset(t[0], 0, sizeof t[0]);', 'for (k = 0; k < 16; k++) t[0][k] += a[i + k];', 'c[i] = t[0][5];'));
    expect(first.verdict).not.toBe('parallel');
    expect(codes(first)).toContain('unknown-call');
  });

  it('memcpy reads the whole source: a write to another block of it in the loop is a dependence', async () => {
    const v = await verdictOf(loop('double tmp[16];', 'memcpy(tmp, &a[i * 2], sizeof tmp);', 'a[i * 2 + 17] = tmp[0];', 'c[i] = tmp[3];'));
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v)).not.toContain('unknown-call');
  });

  it('a value the loop leaves in the scratch and reads after it keeps the array shared', async () => {
    const v = await verdictOf(`${loop('double tmp[16];', 'memset(tmp, 0, sizeof tmp);')}\n  printf("%g\\n", tmp[1]);`);
    expect(v.verdict).not.toBe('parallel');
    expect(codes(v)).toContain('scratch-live-after');
  });

  it('memset into a pointer, a used return value, or a file that defines its own memset stays an unknown call', async () => {
    const ptr = await verdictOf(loop('double buf[16] = {0}; double *tmp = buf;', 'memset(tmp, 0, 16 * sizeof(double));'));
    expect(codes(ptr)).toContain('unknown-call');
    const used = await verdictOf(loop('double tmp[16] = {0}; void *r;', 'r = memset(tmp, 0, sizeof tmp);'));
    expect(used.verdict).not.toBe('parallel');
    const own = await analyseText(`#include <stddef.h>\ndouble a[600], c[600];\nstatic void *memset(void *p, int v, size_t n) { (void)v; (void)n; return p; }\nvoid f(void) {\n${loop('double tmp[16] = {0};', 'memset(tmp, 0, sizeof tmp);')}\n}\n`);
    expect(own[0].verdict).not.toBe('parallel');
  });

  it('an array declared in the loop without a value: a full fill before the reads is parallel; a partial one, or a variable length, reads indeterminate elements', async () => {
    const inLoop = (decl: string, fill: string) => `  for (int i = 0; i < 500; i++) {\n    ${decl}\n    ${fill}\n    for (int k = 0; k < 16; k++) tmp[k] += a[i + k];\n    c[i] = tmp[3] + tmp[15];\n  }`;
    const full = await verdictOf(inLoop('double tmp[16];', 'memset(tmp, 0, sizeof tmp);'));
    expect(full.verdict, why(full)).toBe('parallel');
    const half = await verdictOf(inLoop('double tmp[16];', 'memset(tmp, 0, 8 * sizeof(double));'));
    expect(half.verdict).not.toBe('parallel');
    expect(why(half)).toContain('[indeterminate-read] `tmp` is declared in the loop without an initial value');
    const vla = await verdictOf(`  int m = 16;\n${inLoop('double tmp[m];', 'memset(tmp, 0, sizeof tmp);')}`);
    expect(codes(vla)).toContain('indeterminate-read');
    // memcpy's source reads the whole array.
    const copied = (size: string) => `  for (int i = 0; i < 500; i++) {\n    double tmp[16], row[16];\n    memset(tmp, 0, ${size});\n    memcpy(row, tmp, sizeof row);\n    c[i] = row[15] + a[i];\n  }`;
    expect((await verdictOf(copied('sizeof tmp'))).verdict).toBe('parallel');
    expect(codes(await verdictOf(copied('8 * sizeof(double)')))).toContain('indeterminate-read');
  });

  it('memset of a shared array (a global) is a whole-array write, a dependence, never a race', async () => {
    const v = await analyseText('#include <string.h>\ndouble g[16], c[600];\nvoid f(void) {\n  for (int i = 0; i < 500; i++) { memset(g, 0, sizeof g); g[i % 16] = i; c[i] = g[3]; }\n}\n');
    expect(v[0].verdict).not.toBe('parallel');
  });
});

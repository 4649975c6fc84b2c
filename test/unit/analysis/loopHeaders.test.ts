import { describe, expect, it } from 'vitest';
import { analyseText } from './snippets';

/** Loop headers (analysis/loopHeaders.ts): a signed counter against an unsigned bound (mixed-sign-bound). */
describe('mixed-sign loop headers', () => {
  const loop = (counter: string, start: string) => `#include <stddef.h>
#include <stdint.h>
void f(${counter} lo, size_t nz, double *restrict y) {
  for (${counter} i = ${start}; i < nz; i++) y[i + 2] = 1.0;
}
`;
  it('refuses a signed counter from a start that may be negative, int32_t included', async () => {
    for (const counter of ['long', 'int', 'int32_t', 'int64_t']) {
      const [v] = await analyseText(loop(counter, 'lo'));
      expect(v.reasons.map((r) => r.code), counter).toContain('mixed-sign-bound');
      expect(v.verdict, counter).not.toBe('parallel');
    }
  });

  it('accepts a start that is provably non-negative, and unsigned counters', async () => {
    expect((await analyseText(loop('long', '0')))[0].reasons.map((r) => r.code)).not.toContain('mixed-sign-bound');
    expect((await analyseText(loop('size_t', 'lo')))[0].reasons.map((r) => r.code)).not.toContain('mixed-sign-bound');
  });

  it('says unsigned only for a bound it knows is unsigned; a bound of unknown type is refused as one that may be', async () => {
    const [known] = await analyseText(loop('int', 'lo'));
    expect(known.reasons.find((r) => r.code === 'mixed-sign-bound')?.message).toMatch(/compared with the unsigned `nz`/);
    const [unknown] = await analyseText('int count(void);\nvoid g(int lo, double *restrict y) {\n  for (int i = lo; i < (count)(); i++) y[i] = 1.0;\n}\n');
    const message = unknown.reasons.find((r) => r.code === 'mixed-sign-bound')?.message ?? '';
    expect(message).toMatch(/whose type ParaForge cannot tell \(it may be unsigned/);
    expect(message).not.toMatch(/the unsigned/);
  });
});

describe('bounds whose unsigned type is hidden', () => {
  it('an auto copy of size(), an unsigned enum, a u-suffixed macro and uint_fast32_t refuse a start that may be negative; a plain enum does not', async () => {
    const src = `#include <cstdint>
#include <vector>
enum Limit : unsigned { LIMIT = 5 };
#define ULIM 6u
enum { PLAIN = 5 };
void f(int lo, std::vector<long> &v, double *__restrict y) {
  auto m2 = v.size();
  std::uint_fast32_t m4 = 5;
  for (int i = lo; i < m2; i++) y[i + 3] = 1.0;
  for (int i = lo; i < LIMIT; i++) y[i + 3] = 2.0;
  for (int i = lo; i < ULIM; i++) y[i + 3] = 3.0;
  for (int i = lo; i < m4; i++) y[i + 3] = 4.0;
  for (int i = lo; i < PLAIN; i++) y[i + 3] = 5.0;
}
`;
    const vs = await analyseText(src, 'cpp');
    expect(vs.map((v) => v.reasons.some((r) => r.code === 'mixed-sign-bound'))).toEqual([true, true, true, true, false]);
  });
});

describe('<stdint.h> names the file defines itself', () => {
  it('a counter of a "uint32_t" typedef\'d (or #defined) to int is signed: checked against an unsigned bound', async () => {
    for (const def of ['typedef int uint32_t;', '#define uint32_t int']) {
      const src = `${def}\nvoid f(uint32_t lo, unsigned m, double *y) {\n  for (uint32_t i = lo; i < m; i++) y[i + 4] = 1.0;\n}\n`;
      const [v] = await analyseText(src);
      expect(v.reasons.map((r) => r.code), def).toContain('mixed-sign-bound');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { changedSpan, lineMapper, newUninitialised, treeChecks } from '../../../src/core/runner/staticChecks';
import { testParserHost } from '../../helpers/paths';

const parser = testParserHost();
const ORIGINAL = `#include <stdio.h>
void prefix(double *a, int n) {
  for (int i = 1; i < n; i++) a[i] = a[i - 1] + a[i];
}
void scale(double *restrict y, const double *restrict x, int n) {
  for (int i = 0; i < n; i++) y[i] = 2.0 * x[i];
}
`;
const check = (candidate: string, functionName: string | null = 'prefix', original = ORIGINAL) => treeChecks({ language: 'c', originalText: original, candidateText: candidate, functionName }, parser);

describe('static checks (before anything runs)', () => {
  it('rejects a carried dependence hidden under an if clause, naming the pragma and the line', async () => {
    const r = await check(ORIGINAL.replace('  for (int i = 1;', '#pragma omp parallel for if(n > 8192)\n  for (int i = 1;'));
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ check: 'racy-pragma', line: 4 });
    expect(r.findings[0].message).toMatch(/`#pragma omp parallel for if\(n > 8192\)` \(line 3\): likely data race: `a\[i-1\]`|`#pragma omp parallel for if\(n > 8192\)` \(line 3\): likely data race/);
  });

  it('rejects schedule(static,1) on a distance-2 chain and per-thread slots part[tid & 3]', async () => {
    const chain = await check(ORIGINAL.replace('  for (int i = 1; i < n; i++) a[i] = a[i - 1] + a[i];', '#pragma omp parallel for schedule(static,1)\n  for (int i = 2; i < n; i++) a[i] = a[i - 2] + a[i];'));
    expect(chain.findings.map((f) => f.check)).toEqual(['racy-pragma']);
    const part = await check(
      'double total(const double *x, int n) {\n  double part[4] = {0};\n#pragma omp parallel\n  {\n    int tid = omp_get_thread_num();\n#pragma omp for\n    for (int i = 0; i < n; i++) part[tid & 3] += x[i];\n  }\n  return part[0] + part[1] + part[2] + part[3];\n}\n',
      'total',
      'double total(const double *x, int n) {\n  double s = 0;\n  for (int i = 0; i < n; i++) s += x[i];\n  return s;\n}\n',
    );
    expect(part.findings.map((f) => f.check)).toEqual(['racy-pragma']);
    // Since floating bins are array reductions (floatBinsStart), the race is named as a missing `reduction(+:part)`.
    expect(part.findings[0].message).toMatch(/part\[tid & 3\]|data race on `part`: every iteration updates it, but the pragma has no `reduction\(\+:part\)`/);
  });

  it('does not hold a racy pragma the original already has against the candidate: it is pre-existing', async () => {
    const racy = ORIGINAL.replace('  for (int i = 1;', '#pragma omp parallel for\n  for (int i = 1;');
    const r = await check(racy.replace('  for (int i = 0; i < n; i++) y[i]', '#pragma omp parallel for\n  for (int i = 0; i < n; i++) y[i]'), 'scale', racy);
    expect(r.findings).toEqual([]);
    expect(r.preExisting.map((p) => p.kind)).toEqual(['racy-pragma']);
    expect(r.preExisting[0].lines).toEqual([4]);
  });

  it('accepts updates an omp atomic or critical protects, and only those statements', async () => {
    const hist = 'void hist(int *h, const int *key, int n) {\n  for (int i = 0; i < n; i++) h[key[i] & 15]++;\n}\n';
    const body = (lines: string) => `void hist(int *h, const int *key, int n) {\n#pragma omp parallel for\n  for (int i = 0; i < n; i++) {\n${lines}\n  }\n}\n`;
    const racy = async (lines: string) => [...new Set((await check(body(lines), 'hist', hist)).findings.map((f) => f.check))];
    // The update forms, under atomic (with or without `update` and a memory order) or a critical.
    for (const update of ['h[key[i] & 15]++;', '++h[key[i] & 15];', 'h[key[i] & 15] += 2;', 'h[key[i] & 15] -= 1;', 'h[key[i] & 15]--;', 'h[key[i] & 15] = h[key[i] & 15] + 1;', 'h[key[i] & 15] = 1 + h[key[i] & 15];']) {
      expect(await racy(`#pragma omp atomic\n    ${update}`), update).toEqual([]);
    }
    expect(await racy('#pragma omp atomic update seq_cst\n    h[key[i] & 15]++;')).toEqual([]);
    expect(await racy('#pragma omp critical\n    { h[key[i] & 15]++; }')).toEqual([]);
    // Not protected: another access to h, a non-update atomic, non-commuting or mixed updates, mixed guards.
    expect(await racy('#pragma omp atomic\n    h[key[i] & 15]++;\n    if (h[0] > n) h[1] = 0;')).toEqual(['racy-pragma']);
    expect(await racy('int v = 0;\n#pragma omp atomic read\n    v = h[key[i] & 15];\n    h[key[i] & 15] = v + 1;')).toEqual(['racy-pragma']);
    expect(await racy('#pragma omp atomic\n    h[key[i] & 15] = 1 - h[key[i] & 15];')).toEqual(['racy-pragma']);
    expect(await racy('#pragma omp atomic\n    h[key[i] & 15] += 1;\n#pragma omp atomic\n    h[key[i] & 7] *= 2;')).toEqual(['racy-pragma']);
    expect(await racy('#pragma omp atomic\n    h[key[i] & 15]++;\n#pragma omp critical\n    h[key[i] & 7]++;')).toEqual(['racy-pragma']);
    expect(await racy('#pragma omp critical(a)\n    h[key[i] & 15]++;\n#pragma omp critical(b)\n    h[key[i] & 7]++;')).toEqual(['racy-pragma']);
    expect(await racy('#pragma omp critical\n    { int t = h[key[i] & 15]; h[key[i] & 15] = t + 1; }')).toEqual(['racy-pragma']);
    expect(await racy('#if 0\n#pragma omp atomic\n#endif\n    h[key[i] & 15]++;')).toEqual(['racy-pragma']);
  });

  it('accepts a scalar counter under omp atomic, but not with an unprotected read of it', async () => {
    const count = (lines: string) => `int count(const int *a, int n) {\n  int c = 0;\n${lines}\n  return c;\n}\n`;
    const original = count('  for (int i = 0; i < n; i++) if (a[i] > 0) c++;');
    const racy = async (loop: string) => [...new Set((await check(count(`#pragma omp parallel for\n  for (int i = 0; i < n; i++) {\n${loop}\n  }`), 'count', original)).findings.map((f) => f.check))];
    expect(await racy('    if (a[i] > 0) {\n#pragma omp atomic\n      c++;\n    }')).toEqual([]);
    expect(await racy('    if (a[i] > c) {\n#pragma omp atomic\n      c++;\n    }')).toEqual(['racy-pragma']);
    expect(await racy('    if (a[i] > 0) {\n#pragma omp atomic\n      c += c;\n    }')).toEqual(['racy-pragma']);
  });

  it('rejects process, file-writing and network calls the original does not make (also via pointers and macros)', async () => {
    const add = (decl: string, body: string) => check(`${decl}\n${ORIGINAL.replace('void prefix(double *a, int n) {', `void prefix(double *a, int n) {\n${body}`)}`);
    expect((await add('#include <stdlib.h>', '  system("rm -rf x");')).findings.map((f) => f.message)).toEqual([expect.stringMatching(/calls system\(\), which the original does not/)]);
    expect((await add('#include <unistd.h>', '  if (fork() == 0) _exit(0);')).findings[0].check).toBe('forbidden-call');
    expect((await add('', '  FILE *f = fopen("out.txt", "w"); fclose(f);')).findings[0].message).toMatch(/fopen\(\) for writing/);
    expect((await add('', '  FILE *f = fopen("in.txt", "r"); fclose(f);')).findings).toEqual([]);
    expect((await add('#define GO(c) system(c)', '  GO("true");')).findings[0].check).toBe('forbidden-call');
    expect((await add('', '  int (*p)(const char *) = system; (void)p;')).findings[0].check).toBe('forbidden-call');
    // A function looked up by name at run time, and inline assembly (a raw system call), are refused too.
    expect((await add('#include <dlfcn.h>', '  void *f = dlsym(RTLD_DEFAULT, "sys" "tem"); (void)f;')).findings[0].message).toMatch(/calls dlsym\(\)/);
    expect((await add('', '  __asm__ volatile("" ::: "memory");')).findings[0].message).toMatch(/uses inline assembly/);
    expect((await add('#define BARRIER() __asm__ volatile("" ::: "memory")', '  BARRIER();')).findings[0].check).toBe('forbidden-call');
    // Reads that can tell the sandbox from a real run (its user, the machine's processors).
    expect((await add('#include <unistd.h>', '  if (getuid() < 1000) return;')).findings[0].message).toMatch(/reads getuid, .*tell the sandbox/);
    expect((await add('#include <omp.h>', '  int np = omp_get_num_procs(); (void)np;')).findings[0].check).toBe('forbidden-call');
    // The same call in the original is not new.
    const withSystem = ORIGINAL.replace('void scale', 'void hook(void) { system("true"); }\nvoid scale');
    expect((await check(withSystem.replace('void prefix(double *a, int n) {', 'void prefix(double *a, int n) {\n  system("true");'), 'prefix', withSystem)).findings).toEqual([]);
  });

  it('rejects a changed signature (restrict may be added), a candidate that does not parse near the edit, and a duplicated definition', async () => {
    expect((await check(ORIGINAL.replace('void prefix(double *a, int n)', 'void prefix(double *a, long n)'))).findings[0]).toMatchObject({ check: 'signature' });
    expect((await check(ORIGINAL.replace('void prefix(double *a, int n)', 'void prefix(double *restrict a, int n)'))).findings).toEqual([]);
    expect((await check(ORIGINAL.replace('a[i] = a[i - 1] + a[i];', 'a[i] = a[i - 1] + ;'))).findings[0]).toMatchObject({ check: 'parse' });
    const twice = ORIGINAL.replace('void prefix(double *a, int n) {\n  for (int i = 1; i < n; i++) a[i] = a[i - 1] + a[i];\n}', '#ifdef main\nvoid prefix(double *a, int n) { (void)a; (void)n; }\n#else\nvoid prefix(double *a, int n) {\n  for (int i = 1; i < n; i++) a[i] = a[i - 1] + a[i];\n}\n#endif');
    expect((await check(twice)).findings[0]).toMatchObject({ check: 'signature' });
  });

  it('reads main and mpi.h from the tree, not from text in comments', async () => {
    const r = await check('/* int main(void) */\n#include "mpi.h"\n' + ORIGINAL, null, '/* int main(void) */\n' + ORIGINAL);
    expect(r.originalHasMain).toBe(false);
    expect(r.includesMpi).toBe(true);
    expect((await check('int main(void) { return 0; }\n', null, 'int main(void) { return 0; }\n')).candidateHasMain).toBe(true);
  });
});

describe('line mapping and spans', () => {
  it('maps candidate lines back to the original around inserted pragmas', () => {
    const a = 'a\nb\nc\nd\n';
    const b = 'a\n#pragma\nb\nc\n#pragma\nd\n';
    const map = lineMapper(a, b);
    expect([1, 2, 3, 4, 5, 6].map(map)).toEqual([1, null, 2, 3, null, 4]);
    // Changed and removed lines inside the window: only the lines both texts share map.
    const changed = lineMapper('a\nb\nc\nd\ne\nf\n', 'a\nX\nb\nC\nd\nf\n');
    expect([1, 2, 3, 4, 5, 6].map(changed)).toEqual([1, null, 2, null, 4, 6]);
    expect(changedSpan('abcXdef', 'abcYYdef')).toEqual({ start: 3, end: 5 });
  });

  it('new uninitialised reads only', () => {
    const f = newUninitialised([{ message: "variable 'x' is uninitialized when used here" }], [
      { line: 3, message: "variable 'x' is uninitialized when used here" },
      { line: 9, message: "variable 's' is uninitialized when used here" },
    ]);
    expect(f).toEqual([{ check: 'uninitialised', message: "uninitialised read: variable 's' is uninitialized when used here (line 9)", line: 9 }]);
  });
});

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { memcheckError, parseRacecheck } from '../../../src/core/runner/cudaSanitizer';
import { generatedHarness } from '../../../src/core/runner/harness/functionDriver';
import { fixture, testParserHost } from '../../helpers/paths';

// This machine has nvcc but no GPU: the runner must compile and then refuse to call it verified.
const base = { language: 'cuda-cpp' as const, target: 'cuda' as const, original: fixture('runner/vadd_serial.cu') };

describe('CUDA verification without a GPU', () => {
  it('compiles the candidate with nvcc and says "compiled, not run: no GPU" — never verified', async () => {
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/vadd.cu') });
    expect(ev.verdict).toBe('not-run');
    expect(ev.summary).toBe('compiled, not run: no GPU');
    expect(ev.toolchain.compiler).toMatch(/release 1\d/);
  });

  it('reports a compile error from nvcc', async () => {
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/vadd_broken.cu') });
    expect(ev.verdict).toBe('compile-error');
    expect(ev.summary).toMatch(/vadd_broken\.cu.*error/);
  });

  it('builds an OpenMP rewrite of a .cu file with nvcc -Xcompiler -fopenmp, and does not call it verified', async () => {
    const original = fs.readFileSync(fixture('runner/vadd_serial.cu'), 'utf8');
    const candidate = original.replace(/(\n\s*)(for \()/, '$1#pragma omp parallel for$1$2');
    expect(candidate).toContain('#pragma omp parallel for');
    const ev = await verifyProgram({ language: 'cuda-cpp', target: 'openmp', original: { path: fixture('runner/vadd_serial.cu'), text: original }, candidate: { text: candidate } });
    expect(ev.verdict).toBe('not-run');
    expect(ev.summary).toBe('compiled, not run: no GPU');
    expect(ev.toolchain.flags).toMatch(/-Xcompiler -fopenmp/);
    expect(ev.toolchain.raceChecker).toBeUndefined();
  });
});

describe('compute-sanitizer report parsing', () => {
  const map = { userFile: (p: string) => (p.endsWith('k.cu') ? '/src/k.cu' : null), lines: () => null };
  it('reads racecheck hazards into RaceRecords with both accesses', () => {
    const out = [
      '========= COMPUTE-SANITIZER',
      '========= Error: Race reported between Write access at 0x1b0 in /tmp/b/src/k.cu:12:reduce(float *)',
      '=========     and Read access at 0x1f0 in /tmp/b/src/k.cu:14:reduce(float *) [8 hazards]',
      '========= RACECHECK SUMMARY: 1 hazard displayed (1 error, 0 warnings)',
    ].join('\n');
    const races = parseRacecheck(out, map);
    expect(races).toHaveLength(1);
    expect(races[0].kind).toBe('read-write');
    expect(races[0].locations).toEqual([
      { file: '/src/k.cu', line: 12, access: 'write' },
      { file: '/src/k.cu', line: 14, access: 'read' },
    ]);
    expect(parseRacecheck('========= RACECHECK SUMMARY: 0 hazards displayed (0 errors, 0 warnings)', map)).toEqual([]);
  });

  it('reads real racecheck output captured on an H100 (block_sum without __syncthreads)', () => {
    const text = fs.readFileSync(fixture('runner/racecheck-h100.txt'), 'utf8');
    const races = parseRacecheck(text, { userFile: (p) => (p === 'block_sum_race.cu' ? '/u/block_sum_race.cu' : null), lines: () => null });
    expect(races).toHaveLength(1);
    expect(races[0].locations).toEqual([
      { file: '/u/block_sum_race.cu', line: 13, access: 'read' },
      { file: '/u/block_sum_race.cu', line: 13, access: 'write' },
    ]);
    const memcheck = fs.readFileSync(fixture('runner/memcheck-h100.txt'), 'utf8');
    expect(memcheckError(memcheck)).toBe('Invalid __global__ write of size 4 bytes');
  });

  it('reads the first memcheck error, and nothing from a clean run', () => {
    expect(memcheckError('========= Invalid __global__ write of size 4 bytes\n=========     at oob(int *)+0x70 in k.cu:5\n========= ERROR SUMMARY: 1 error')).toBe('Invalid __global__ write of size 4 bytes');
    expect(memcheckError('========= ERROR SUMMARY: 0 errors')).toBeNull();
  });
});

describe('generated driver for a CUDA file', () => {
  it('leaves errno out, and says why: the CUDA runtime sets it while it initialises (EEXIST on an H200)', async () => {
    const text = fs.readFileSync(fixture('llm/saxpy_fn.cu'), 'utf8');
    const side = { fileName: 'saxpy_fn.cu', text, path: fixture('llm/saxpy_fn.cu') };
    const harness = await generatedHarness(side, side, 'saxpy', 'cuda-cpp', testParserHost(), { seed: 7 });
    expect(harness.report?.compared).not.toContain('errno');
    expect(harness.report?.leftOut.some((s) => s.startsWith('errno: the CUDA runtime'))).toBe(true);
    expect(harness.units(side)[0].text).not.toMatch(/printf\("errno/);
    // A C file's driver still compares errno.
    const c = { fileName: 'kernels.c', text: fs.readFileSync(fixture('runner/kernels.c'), 'utf8'), path: fixture('runner/kernels.c') };
    const cHarness = await generatedHarness(c, c, 'dot', 'c', testParserHost(), { seed: 7 });
    expect(cHarness.report?.compared).toContain('errno');
    expect(cHarness.units(c)[0].text).toMatch(/printf\("errno/);
  });
});

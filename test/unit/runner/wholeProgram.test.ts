import { describe, expect, it } from 'vitest';
import { createSession } from '../../../src/core/pipeline/session';
import { verifyProgram } from '../../../src/core/runner';
import { fixture } from '../../helpers/paths';

// Whole-program OpenMP verification with real gcc/clang, libomp + Archer, bwrap.
const base = { language: 'c' as const, target: 'openmp' as const, threads: [1, 2], timingThreads: [1, 2], repeats: 1 };

describe('whole-program OpenMP verification', () => {
  it('verifies a correct reduction with gcc: tests pass, Archer clean, timings taken', async () => {
    const ev = await verifyProgram({ ...base, original: fixture('runner/sum_serial.c'), candidate: fixture('runner/sum_reduction.c') });
    expect(ev.verdict, ev.summary + '\n' + ev.log).toBe('verified');
    expect(ev.races).toEqual([]);
    expect(ev.tests.map((t) => t.threads)).toEqual([1, 2]);
    expect(ev.raceCheckedAt).toEqual([2, 4]);
    expect(ev.tests.every((t) => t.passed)).toBe(true);
    expect(ev.timings.map((t) => t.threads)).toEqual([1, 2]);
    expect(ev.timings[0].medianSeconds).toBeGreaterThan(0);
    expect(ev.toolchain.compiler).toMatch(/gcc/);
    expect(ev.toolchain.raceChecker).toMatch(/clang.*Archer/);
  });

  it('verifies the same candidate built with clang', async () => {
    const ev = await verifyProgram({ ...base, compiler: 'clang', original: fixture('runner/sum_serial.c'), candidate: fixture('runner/sum_reduction.c') });
    expect(ev.verdict, ev.summary).toBe('verified');
    expect(ev.toolchain.compiler).toMatch(/clang/);
  });

  it('rejects the planted race on sum before running anything: the analysis proves the pragma racy', async () => {
    const ev = await verifyProgram({ ...base, original: fixture('runner/sum_serial.c'), candidate: fixture('runner/sum_race.c') });
    expect(ev.verdict, ev.summary).toBe('rejected');
    expect(ev.summary).toMatch(/racy-pragma: `#pragma omp parallel for` \(line 10\): likely data race on `sum`/);
    expect(ev.staticFindings?.[0]).toMatchObject({ check: 'racy-pragma', line: 13 });
    expect(ev.tests).toEqual([]);
  });

  it('finds a race the pragma check cannot see (through a helper) with Archer, naming the variable and line in the user file', async () => {
    const file = fixture('gate/whole/race_helper.c');
    const ev = await verifyProgram({ ...base, original: fixture('gate/whole/sum_serial.c'), candidate: file });
    expect(ev.verdict, ev.summary).toBe('race');
    expect(ev.races.length).toBeGreaterThan(0);
    const race = ev.races[0];
    expect(race.locations.every((l) => l.file === file)).toBe(true);
    expect(race.locations.map((l) => l.line)).toContain(5);
    expect(race.locations.some((l) => l.access === 'write')).toBe(true);
  });

  it('reports wrong output with the first difference', async () => {
    const ev = await verifyProgram({ ...base, original: fixture('gate/whole/sum_serial.c'), candidate: fixture('gate/whole/off_by_one.c') });
    expect(ev.verdict, ev.summary).toBe('wrong-output');
    expect(ev.races).toEqual([]);
    expect(ev.tests.find((t) => !t.passed)!.firstDifference).toMatch(/sum: original .*, candidate /);
  });
});

describe('serial baseline', () => {
  it('is run and timed once per original and inputs within a session, then shared by later candidates', async () => {
    const session = createSession();
    const a = await verifyProgram({ ...base, repeats: 2, original: fixture('runner/sum_serial.c'), candidate: fixture('runner/sum_reduction.c') }, { session });
    const b = await verifyProgram({ ...base, repeats: 2, compiler: 'gcc', original: fixture('runner/sum_serial.c'), candidate: fixture('runner/sum_race.c'), raceCheck: false }, { session });
    const c = await verifyProgram({ ...base, repeats: 2, original: fixture('runner/sum_serial.c'), candidate: fixture('runner/sum_reduction.c'), tolerance: 1e-3 }, { session });
    expect(a.verdict).toBe('verified');
    expect(b.verdict).not.toBe('verified');
    // The same measured median (to the nanosecond) can only come from the shared baseline.
    expect(c.toolchain.baselineSeconds).toBe(a.toolchain.baselineSeconds);
    expect(Number(a.toolchain.baselineSeconds)).toBeGreaterThan(0);
  });
});

describe('whole programs with input and output files', () => {
  it('copies input files into each run and compares the files the program writes', async () => {
    const io = { ...base, args: ['numbers.txt'], inputFiles: [fixture('runner/numbers.txt')], original: fixture('runner/scale_file.c') };
    const ok = await verifyProgram({ ...io, candidate: fixture('runner/scale_file_omp.c') });
    expect(ok.verdict, ok.summary + ok.log).toBe('verified');
    const wrong = await verifyProgram({ ...io, candidate: fixture('runner/scale_file_wrong.c') });
    expect(wrong.verdict).toBe('wrong-output');
    expect(wrong.summary).toMatch(/file out\.txt line 119/);
  });
});

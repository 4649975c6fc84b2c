import { describe, expect, it } from 'vitest';
import type { TimingRecord } from '../../../src/core/model';
import { decideVerdict, describeSpeedups, slowdownFactor, VERDICT_PRECEDENCE } from '../../../src/core/runner/precedence';
import { DEFAULT_CHECK_THREADS, profileFor, readsThreadIdentity } from '../../../src/core/runner/profiles';

const t = (threads: number, speedup: number): TimingRecord => ({ threads, medianSeconds: 1 / speedup, minSeconds: 1, maxSeconds: 1, runs: 1, speedup, efficiency: speedup / threads });

describe('verdict precedence', () => {
  it('is verified only when nothing was found', () => {
    expect(decideVerdict([])).toEqual({ verdict: 'verified', why: '' });
  });

  it('puts a static rejection first, then build, crash/hang, race, wrong output, not-run', () => {
    expect(VERDICT_PRECEDENCE.slice(0, 6)).toEqual(['rejected', 'compile-error', 'timeout', 'runtime-error', 'race', 'wrong-output']);
    expect(decideVerdict([{ verdict: 'wrong-output', why: 'a' }, { verdict: 'race', why: 'b' }]).verdict).toBe('race');
    expect(decideVerdict([{ verdict: 'race', why: 'b' }, { verdict: 'runtime-error', why: 'c' }]).why).toBe('c');
    expect(decideVerdict([{ verdict: 'not-run', why: 'no race check' }, { verdict: 'wrong-output', why: 'w' }]).verdict).toBe('wrong-output');
    expect(decideVerdict([{ verdict: 'wrong-output', why: 'first' }, { verdict: 'wrong-output', why: 'second' }]).why).toBe('first');
  });
});

describe('speedups', () => {
  it('reports every thread count run and the best parallel one', () => {
    expect(describeSpeedups([t(1, 0.98), t(2, 1.9)])).toBe('speedup 1.90× at 2 threads (0.98× at 1 thread, 1.90× at 2 threads)');
  });

  it('calls a slowdown a slowdown, never "best speedup 0.88× at 1 thread"', () => {
    const s = describeSpeedups([t(1, 0.88), t(2, 0.6)]);
    expect(s).toMatch(/^SLOWDOWN: 1\.67× slower than the original at best/);
    expect(s).not.toMatch(/^speedup/);
    expect(describeSpeedups([t(1, 1.0), t(2, 1.01)])).toMatch(/^no speedup: /);
  });

  it('slowdownFactor: how many times slower at the best parallel point, null unless a slowdown', () => {
    expect(slowdownFactor([t(1, 0.88), t(2, 0.5)])).toBeCloseTo(2);
    expect(slowdownFactor([t(1, 1.2), t(2, 0.8)])).toBeCloseTo(1.25);
    expect(slowdownFactor([t(1, 0.5), t(2, 0.97)])).toBeNull();
    expect(slowdownFactor([t(1, 0.9), t(2, 1.5)])).toBeNull();
    expect(slowdownFactor([])).toBeNull();
  });
});

describe('target profiles', () => {
  it('OpenMP: outputs at 1, 2, 3, 4, 7 and 16 threads; Archer at 2 and 4', () => {
    const p = profileFor({ target: 'openmp', language: 'c', includesMpi: false });
    expect(DEFAULT_CHECK_THREADS).toEqual([1, 2, 3, 4, 7, 16]);
    expect(p.checkPoints.map((x) => x.threads)).toEqual([1, 2, 3, 4, 7, 16]);
    expect(p.raceThreads).toEqual([2, 4]);
    expect(p.backend).toBe('local');
  });

  it('a candidate that reads its thread number or team size is checked at every count from 1 to 16', () => {
    expect(readsThreadIdentity('int t = omp_get_thread_num();')).toBe(true);
    expect(readsThreadIdentity('#pragma omp parallel for\n for (;;) {}')).toBe(false);
    const p = profileFor({ target: 'openmp', language: 'c', includesMpi: false, threadIdentity: true });
    expect(p.checkPoints.map((x) => x.threads)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    // Counts the user asked for win.
    expect(profileFor({ target: 'openmp', language: 'c', includesMpi: false, threadIdentity: true, threads: [1, 2] }).checkPoints).toEqual([{ threads: 1 }, { threads: 2 }]);
  });

  it('a file that includes mpi.h builds with mpicc and runs under mpirun, whatever the target', () => {
    const p = profileFor({ target: 'openmp', language: 'c', includesMpi: true, threads: [1, 2] });
    expect(p.buildTarget).toBe('mpi');
    expect(p.backend).toBe('mpirun');
    expect(p.checkPoints).toEqual([{ threads: 1, ranks: 2 }, { threads: 2, ranks: 2 }]);
    expect(profileFor({ target: 'mpi', language: 'c', includesMpi: true }).checkPoints).toEqual([{ ranks: 1 }, { ranks: 2 }, { ranks: 4 }]);
  });

  it('CUDA and OpenMP in a .cu file run on a GPU; offload verifies as OpenMP; no race check means no verified', () => {
    expect(profileFor({ target: 'cuda', language: 'cuda-cpp', includesMpi: false })).toMatchObject({ gpu: true, cudaSanitizer: true, raceThreads: [] });
    expect(profileFor({ target: 'openmp', language: 'cuda-cpp', includesMpi: false }).noRaceCheckReason).toMatch(/CUDA file/);
    expect(profileFor({ target: 'offload', language: 'c', includesMpi: false })).toMatchObject({ name: 'offload', evidenceTarget: 'openmp' });
    expect(profileFor({ target: 'openmp', language: 'c', includesMpi: false, raceCheck: false })).toMatchObject({ raceThreads: [], noRaceCheckReason: 'the race check was turned off' });
  });
});

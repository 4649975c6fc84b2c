import { describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { fixture } from '../../helpers/paths';

// Whole programs through verifyProgram (real gcc, clang + Archer, bwrap): what is compared and left out.
const base = { language: 'c' as const, target: 'openmp' as const, threads: [1, 2, 3], timingThreads: [2], repeats: 1 };

describe('whole-program comparison', () => {
  it('leaves out only lines that differ between runs of the original, lists them, and compares a result line that looks like a timing line', async () => {
    const ok = await verifyProgram({ ...base, original: fixture('gate/whole/timing_serial.c'), candidate: fixture('gate/whole/timing_ok.c') });
    expect(ok.verdict, ok.summary + ok.log).toBe('verified');
    expect(ok.leftOut).toEqual([expect.stringMatching(/^stdout line 1 \("elapsed [0-9.]+ s"\): differs between runs of the original$/)]);
    expect(ok.tolerance).toBeUndefined();
    const wrong = await verifyProgram({ ...base, original: fixture('gate/whole/timing_serial.c'), candidate: fixture('gate/whole/timing_drop_last.c'), raceCheck: false });
    expect(wrong.verdict, wrong.summary).toBe('wrong-output');
    expect(wrong.summary).toMatch(/^program @1 threads: time: original 299995, candidate 299991 \(stdout line 2\)$/);
  });

  it('compares stderr, and takes the tolerance from the parsed reduction clause (tight, reported)', async () => {
    const ev = await verifyProgram({ ...base, original: fixture('gate/whole/sum_serial.c'), candidate: fixture('gate/whole/stderr_note.c'), raceCheck: false });
    expect(ev.verdict, ev.summary).toBe('wrong-output');
    expect(ev.summary).toMatch(/stderr line 1: original "", candidate "note: 65536 elements"/);
    expect(ev.tolerance?.reason).toMatch(/^reduction\(\+:sum\) on double sum at line 10 of the candidate \(parsed\)$/);
    expect(ev.tolerance?.relative).toBe(1e-9);
    expect(ev.compared).toEqual(['stdout', 'stderr', 'exit status', 'files in the work folder']);
  });
});

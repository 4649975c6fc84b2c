import { describe, expect, it } from 'vitest';
import { splitRanks } from '../../../src/core/runner/backends/backend';
import { sbatchScript, srunMpiPlugin } from '../../../src/core/runner/backends/slurm';
import { describeDifference, firstDifference, numbersAgree, varyingLines } from '../../../src/core/runner/compareOutput';
import { wholeProgramHarness } from '../../../src/core/runner/harness/wholeProgram';
import { identifierAt, parseRaceReports } from '../../../src/core/runner/raceReport';
import { DEFAULT_LIMITS, probeSandbox, sandboxCommand } from '../../../src/core/runner/sandbox';
import { defaultSweep, Slots, timingRecord } from '../../../src/core/runner/timing';

describe('output comparison', () => {
  it('compares integers exactly and floats within a relative tolerance', () => {
    expect(numbersAgree('100', '101', 0.1)).toBe(false);
    expect(numbersAgree('1.0000001e+08', '1.0000002e+08', 1e-6)).toBe(true);
    expect(numbersAgree('1.5', '1.6', 1e-6)).toBe(false);
    expect(numbersAgree('nan', 'NaN', 0)).toBe(true);
    expect(numbersAgree('0.1', '0.1000000001', 0)).toBe(false);
  });

  it('names the first differing token by its label', () => {
    const d = firstDifference('a = 1\nsum = 3.5\n', 'a = 1\nsum = 3.25\n', 1e-9)!;
    expect(describeDifference(d)).toBe('sum: original 3.5, candidate 3.25 (stdout line 2)');
    expect(firstDifference('x 1\n', 'x 1\ny 2\n', 0)!.line).toBe(2);
    expect(firstDifference('s 1.00000000001\n', 's 1.00000000002\n', 1e-9)).toBeNull();
  });
});

describe('race report parsing', () => {
  it('finds the lvalue at a column: sum in `sum += x`, a in `a[i] = 0`, g in `g = i`', () => {
    expect(identifierAt('    sum += b[i];', 9)).toBe('sum');
    expect(identifierAt('  a[i + 1] = 0;', 12)).toBe('a');
    expect(identifierAt('    g = i;', 5)).toBe('g');
  });

  it('maps accesses to the user file, takes a global name from the report, and merges duplicates', () => {
    const block = (line: number) =>
      [
        'WARNING: ThreadSanitizer: data race (pid=1)',
        '  Write of size 4 at 0x1 by thread T1:',
        `    #0 .omp_outlined._debug__ /b/src/k.c:${line}:7 (a.out+0x1)`,
        '  Previous read of size 4 at 0x1 by main thread:',
        '    #0 .omp_outlined._debug__ /b/src/k.c:8:11 (a.out+0x2)',
        "  Location is global 'g' of size 4 at 0x1 (a.out+0x3)",
        'SUMMARY: ThreadSanitizer: data race /b/src/k.c:9:7 in .omp_outlined._debug__',
      ].join('\n');
    const map = { userFile: (p: string) => (p === '/b/src/k.c' ? '/home/u/k.c' : null), lines: () => null };
    const races = parseRaceReports(`${block(9)}\n${block(9)}\n${block(10)}`, map);
    expect(races).toHaveLength(2);
    expect(races[0]).toMatchObject({ variable: 'g', kind: 'read-write', locations: [{ file: '/home/u/k.c', line: 9, access: 'write' }, { file: '/home/u/k.c', line: 8, access: 'read' }] });
  });
});

describe('launchers and schedulers', () => {
  it('splits OpenMPI, MPICH and srun rank tags', () => {
    expect(splitRanks('[1,1]<stdout>:b\n[1,0]<stdout>:a\n').merged).toBe('a\nb\n');
    expect(splitRanks('[1] y\n[0] x\n').perRank.get(1)).toEqual(['y']);
    expect(splitRanks('1: q\n0: p\n').merged).toBe('p\nq\n');
  });

  it('writes an sbatch script with tasks, cpus, time limit, partition and the right PMI', () => {
    const spec = { exe: '/c/a.out', args: ["it's"], workDir: '/w/run1', env: { OMP_NUM_THREADS: '2' }, threads: 2, ranks: 4, mpi: 'mpich' as const, timeoutMs: 90_000, outputCapBytes: 1000, limits: DEFAULT_LIMITS };
    const s = sbatchScript(spec, '/w/run1.slurm', { partition: 'short' });
    expect(s).toMatch(/#SBATCH --ntasks=4\n#SBATCH --cpus-per-task=2\n#SBATCH --time=3\n#SBATCH --partition=short/);
    expect(s).toContain("srun --mpi=pmi2 --label -n 4 '/c/a.out' 'it'\\''s'");
    expect(s).toContain("export OMP_NUM_THREADS='2'");
    expect(srunMpiPlugin('openmpi')).toBe('pmix');
  });

  it('builds one sandbox command line: prlimit, then nobody, then bwrap without network', () => {
    const kind = { bwrap: '/usr/bin/bwrap', prlimit: '/usr/bin/prlimit', setpriv: '/usr/bin/setpriv', warning: null };
    const { argv } = sandboxCommand({ argv: ['/c/a.out'], workDir: '/tmp/w', env: { OMP_NUM_THREADS: '2' }, limits: DEFAULT_LIMITS, readOnly: ['/tmp/c'] }, kind);
    expect(argv[0]).toBe('/usr/bin/prlimit');
    expect(argv).toContain('--nproc=512');
    expect(argv.indexOf('/usr/bin/bwrap')).toBeGreaterThan(argv.indexOf('/usr/bin/prlimit'));
    expect(argv).toEqual(expect.arrayContaining(['--unshare-all', '--die-with-parent', '--new-session', '--clearenv']));
    // The private /tmp comes before the binds that punch through it.
    expect(argv.indexOf('--tmpfs')).toBeLessThan(argv.lastIndexOf('--ro-bind'));
    expect(argv[argv.lastIndexOf('--ro-bind') + 1]).toBe('/tmp/c');
    expect(argv.slice(-2)).toEqual(['--', '/c/a.out']);
  });
});

describe('timing', () => {
  it('sweeps 1, 2, 4 … cores and computes speedup and efficiency against the serial baseline', () => {
    expect(defaultSweep(2)).toEqual([1, 2]);
    expect(defaultSweep(6)).toEqual([1, 2, 4, 6]);
    const t = timingRecord([0.5, 0.7, 0.6], 1.2, { threads: 2 });
    expect(t).toMatchObject({ medianSeconds: 0.6, minSeconds: 0.5, maxSeconds: 0.7, runs: 3, threads: 2 });
    expect(t.speedup).toBeCloseTo(2);
    expect(t.efficiency).toBeCloseTo(1);
  });

  it('a timing run (all slots) never overlaps other runs', async () => {
    const slots = new Slots(2);
    let active = 0;
    let overlapDuringExclusive = false;
    const job = (n: number, exclusive: boolean) =>
      slots.with(n, async () => {
        active++;
        if (exclusive && active > 1) overlapDuringExclusive = true;
        await new Promise((r) => setTimeout(r, 20));
        if (exclusive && active > 1) overlapDuringExclusive = true;
        active--;
      });
    await Promise.all([job(1, false), job(1, false), job(2, true), job(1, false), job(2, true), job(1, false)]);
    expect(overlapDuringExclusive).toBe(false);
  });
});

describe('sandbox fallback', () => {
  it('warns clearly when bubblewrap is missing, and then runs with rlimits only', () => {
    const kind = probeSandbox('/usr/sbin:/sbin');
    expect(kind.bwrap).toBeNull();
    expect(kind.warning).toMatch(/sandbox weakened: bubblewrap \(bwrap\) is not installed \(apt-get install bubblewrap\).*rlimits only/);
    const { argv } = sandboxCommand({ argv: ['/c/a.out'], workDir: '/tmp/w', env: {}, limits: DEFAULT_LIMITS }, { ...kind, prlimit: '/usr/bin/prlimit' });
    expect(argv).not.toContain('--unshare-all');
    expect(argv[0]).toBe('/usr/bin/prlimit');
    expect(argv[argv.length - 1]).toBe('/c/a.out');
    expect(probeSandbox('/usr/bin:/bin').warning).toBeNull();
  });
});

describe('lines that vary between runs of the original', () => {
  it('are the only ones left out (no regex over the text); other lines and line counts still compared', () => {
    const skip = varyingLines('sum 3\nelapsed 0.12 s\n', 'sum 3\nelapsed 0.09 s\n')!;
    expect([...skip]).toEqual([2]);
    expect(firstDifference('sum 3\nelapsed 0.12 s\n', 'sum 3\nelapsed 0.07 s\n', 0, skip)).toBeNull();
    // A result line that merely looks like a timing line is compared.
    expect(firstDifference('time = 1.5\nsum 3\n', 'time = 0.9\nsum 3\n', 0, skip)).not.toBeNull();
    expect(firstDifference('sum 3\nelapsed 0.12 s\n', 'sum 3\n', 0, skip)).not.toBeNull();
    expect(varyingLines('a\nb\n', 'a\n')).toBeNull();
  });
});

describe('calibrating a whole program with further runs of the original', () => {
  const observed = (stdout: string) => ({ outcome: { exitCode: 0, signal: null, stdout, stderr: '', seconds: 0.1, timedOut: false, aborted: false, outputCapped: false, programStdout: stdout }, files: new Map<string, Buffer>() });
  const noFacts = { reassociation: [] } as unknown as Parameters<typeof wholeProgramHarness>[1]['facts'];

  it('adds the lines a later run varies in (a timer that printed the same value twice), never removes one, and lists each once', () => {
    const h = wholeProgramHarness([], { facts: noFacts });
    const ref = observed('sum 3\nkernel_time 120\n');
    expect(h.calibrate!(ref, observed('sum 3\nkernel_time 120\n'))).toBe(false);
    const cand = observed('sum 3\nkernel_time 95\n');
    expect(h.compare(ref, cand, { threads: 2 })[0].passed).toBe(false);
    expect(h.calibrate!(ref, observed('sum 3\nkernel_time 131\n'))).toBe(true);
    expect(h.compare(ref, cand, { threads: 2 })[0].passed).toBe(true);
    // A wrong result line is still caught; a run with another line count adds nothing.
    expect(h.compare(ref, observed('sum 4\nkernel_time 95\n'), { threads: 2 })[0].passed).toBe(false);
    expect(h.calibrate!(ref, observed('sum 5\n'))).toBe(false);
    expect(h.calibrate!(ref, observed('sum 3\nkernel_time 140\n'))).toBe(false);
    expect(h.compare(ref, observed('sum 4\nkernel_time 95\n'), { threads: 2 })[0].passed).toBe(false);
    expect(h.report!.leftOut).toEqual(['stdout line 2 ("kernel_time 120"): differs between runs of the original']);
  });
});

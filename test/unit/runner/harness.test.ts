import { describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { readFunctionShape } from '../../../src/core/runner/harness/functionShape';
import * as fs from 'node:fs';
import { fixture, testParserHost } from '../../helpers/paths';

// Generated drivers compiled and run for real (gcc for outputs, clang + Archer for races).
const base = { language: 'c' as const, target: 'openmp' as const, threads: [1, 2], timingThreads: [1, 2], repeats: 1, original: fixture('runner/kernels.c') };

describe('generated function harness', () => {
  it('reads sizes, outputs and globals from the signature and body (Tree-sitter tree)', async () => {
    const text = fs.readFileSync(fixture('runner/kernels.c'), 'utf8');
    const tree = await testParserHost().parse('c', text);
    const mv = readFunctionShape(tree.rootNode, 'matvec');
    expect(mv.sizeParams).toEqual(['rows', 'cols']);
    expect(mv.loopDepth).toBe(2);
    expect(mv.params.filter((p) => p.pointer && !p.readOnly).map((p) => p.name)).toEqual(['out']);
    const norm = readFunctionShape(tree.rootNode, 'normalise');
    expect(norm.globals.map((g) => g.name)).toEqual(['scale_total']);
    expect(readFunctionShape(tree.rootNode, 'dot').returnKind).toBe('double');
    tree.delete();
  });

  it('verifies a reduction (within tolerance) and a global write', async () => {
    for (const fn of ['dot', 'normalise']) {
      const ev = await verifyProgram({ ...base, candidate: fixture('runner/kernels_omp.c'), functionName: fn });
      expect(ev.verdict, `${fn}: ${ev.summary}\n${ev.log}`).toBe('verified');
      const sizes = ev.tests.map((t) => Object.values(t.sizes)[0]);
      expect(sizes).toContain(0);
      expect(sizes).toContain(1);
      expect(sizes.some((s) => s >= 100_000)).toBe(true);
      expect(ev.tests.every((t) => t.seed > 0)).toBe(true);
      expect(ev.timings.length).toBe(2);
    }
  });

  it('rejects a map and a 2-D nest whose non-restrict buffers the original allows to overlap', async () => {
    for (const fn of ['saxpy', 'matvec']) {
      const ev = await verifyProgram({ ...base, candidate: fixture('runner/kernels_omp.c'), functionName: fn, raceCheck: false, threads: [2, 4] });
      expect(ev.verdict, `${fn}: ${ev.summary}`).toBe('wrong-output');
      expect(ev.tests.filter((t) => !t.passed).every((t) => /overlaps/.test(t.inputs ?? '')), ev.summary).toBe(true);
    }
  });

  it('catches a wrong-output candidate on non-square inputs and names the first differing element', async () => {
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/kernels_wrong.c'), functionName: 'matvec' });
    expect(ev.verdict, ev.summary).toBe('wrong-output');
    const failed = ev.tests.filter((t) => !t.passed);
    expect(failed.length).toBeGreaterThan(0);
    // The seed is drawn per process: on some sizes the wrong stride reads past the buffer and the case
    // crashes ("case status: …") before any element is printed; the others name the element.
    expect(failed.map((t) => t.firstDifference).join('\n')).toMatch(/^out\[\d+\]: original .*, candidate /m);
    // Size 0 and 1 agree (no element depends on the wrong stride there).
    expect(ev.tests.find((t) => t.sizes.rows === 0)!.passed).toBe(true);
  });

  it('rejects the planted race on the missing reduction before running it, naming the variable and the candidate line', async () => {
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/kernels_race.c'), functionName: 'dot' });
    expect(ev.verdict, ev.summary).toBe('rejected');
    expect(ev.summary).toMatch(/racy-pragma: .*likely data race on `sum`/);
    expect(ev.staticFindings?.some((f) => f.check === 'racy-pragma' && f.line === 17)).toBe(true);
  });

  it('explains why a struct or a callback parameter cannot be driven, and accepts a user harness instead', async () => {
    const s = await verifyProgram({ ...base, candidate: fixture('runner/kernels_omp.c'), functionName: 'push' });
    expect(s.verdict).toBe('not-run');
    expect(s.summary).toMatch(/parameter `p` of push has type `struct particle \*`, an opaque struct.*--harness/);
    const cb = await verifyProgram({ ...base, candidate: fixture('runner/kernels_omp.c'), functionName: 'apply' });
    expect(cb.summary).toMatch(/function pointer \(a callback/);
    const user = await verifyProgram({ ...base, candidate: fixture('runner/kernels_race.c'), functionName: 'dot', harnessFile: fixture('runner/dot_harness.c') });
    expect(user.verdict, user.summary).toBe('rejected');
    const ok = await verifyProgram({ ...base, candidate: fixture('runner/kernels_omp.c'), functionName: 'dot', harnessFile: fixture('runner/dot_harness.c') });
    expect(ok.verdict, ok.summary + ok.log).toBe('verified');
  });
});

describe('tolerance choice', () => {
  it('compares a map exactly even when another function in the file has a reduction; a parsed reduction(+) on a double sets a tight tolerance', async () => {
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/kernels_omp.c'), functionName: 'saxpy', threads: [2], timingThreads: [2], raceCheck: false });
    expect(ev.log).toMatch(/generated driver for saxpy: .*exactly/);
    expect(ev.tolerance).toBeUndefined();
    const red = await verifyProgram({ ...base, candidate: fixture('runner/kernels_omp.c'), functionName: 'dot', threads: [2], timingThreads: [2], raceCheck: false });
    expect(red.tolerance?.reason).toMatch(/reduction\(\+:sum\) on double sum at line 15 of the candidate \(parsed\)/);
    expect(red.tolerance!.relative).toBeLessThan(1e-9);
    expect(red.compared).toContain('return value');
  });
});

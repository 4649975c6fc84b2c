import { describe, expect, it } from 'vitest';
import { checkWithHarness } from './harnessRunner';

// The generated harness alone (real gcc, threads 1, 2, 3, 4, 7, 16; no static checks, no race
// checker): each wrong candidate below was called `verified` by the old gate and must fail here on
// the input or effect named. Fixtures: test/fixtures/gate/fn (see its README).

describe('inputs that find bugs', () => {
  it('sizes above a constant in an if clause: if(n > 8192) parallelises a carried chain', async () => {
    const r = await checkWithHarness('gate/fn/prefix.c', 'gate/fn/prefix_if8192.c', 'prefix');
    expect(r.failed.length, 'no failing case').toBeGreaterThan(0);
    expect(r.failed.every((t) => (t.sizes.n ?? 0) > 8192)).toBe(true);
  });

  it('sizes above a schedule chunk: schedule(static, 8192)', async () => {
    const r = await checkWithHarness('gate/fn/prefix.c', 'gate/fn/prefix_chunk8192.c', 'prefix');
    expect(r.failed.some((t) => (t.sizes.n ?? 0) > 8192)).toBe(true);
  });

  it('a size ≥ 10^5: parallel only above n = 100000', async () => {
    const r = await checkWithHarness('gate/fn/prefix.c', 'gate/fn/prefix_large_only.c', 'prefix');
    expect(r.failed.some((t) => (t.sizes.n ?? 0) > 100_000)).toBe(true);
  });

  it('sizes drawn per run: a candidate serial exactly at the old sizes is still caught, whatever the seed', async () => {
    for (const seed of [1, 777]) {
      const r = await checkWithHarness('gate/fn/prefix.c', 'gate/fn/prefix_magic_sizes.c', 'prefix', [1, 4], seed);
      expect(r.failed.length).toBeGreaterThan(0);
      expect(r.failed[0].seed).toBeGreaterThanOrEqual(seed);
    }
  });

  it('no #define main: a candidate testing #ifdef main runs its parallel branch', async () => {
    const r = await checkWithHarness('gate/fn/prefix.c', 'gate/fn/prefix_ifdef_main.c', 'prefix', [1, 4]);
    expect(r.failed.length).toBeGreaterThan(0);
    for (const u of r.harness.units({ path: null, text: 'int main(void) { return 0; }\n', fileName: 'x.c' })) expect(u.text).not.toMatch(/#\s*define\s+main/);
  });

  it('every residue mod 8: an unroll-by-8 tail that drops an element when n % 8 >= 4', async () => {
    const r = await checkWithHarness('gate/fn/scale8.c', 'gate/fn/scale8_tail.c', 'scale8', [1, 2]);
    const residues = new Set(r.failed.map((t) => (t.sizes.n ?? 0) % 8));
    expect([...residues].sort()).toEqual([4, 5, 6, 7]);
  });

  it('negative integers: x >> 1 for x / 2', async () => {
    const r = await checkWithHarness('gate/fn/halve.c', 'gate/fn/halve_shift.c', 'halve', [1, 2]);
    expect(r.failed.length).toBeGreaterThan(0);
    const plain = r.failed.filter((t) => !/overlaps/.test(t.inputs ?? ''));
    expect(plain.length).toBeGreaterThan(0);
    // A negative odd x: x / 2 rounds toward zero, x >> 1 toward -inf (x = -1 gives 0 vs -1; the seed picks which x comes first).
    expect(plain[0].firstDifference).toMatch(/^y\[\d+\]: original (0|-\d+), candidate -\d+/);
  });

  it('NaN inputs: a NaN-propagating max turned into reduction(max) (exact: max is no reassociation)', async () => {
    const r = await checkWithHarness('gate/fn/maxval.c', 'gate/fn/maxval_reduction.c', 'maxval', [1, 2, 4]);
    expect(r.failed.some((t) => /nan/i.test(t.firstDifference ?? ''))).toBe(true);
    expect(r.harness.report?.tolerance).toBeUndefined();
  });

  it('every integer parameter varied: a candidate assuming k == 3', async () => {
    const r = await checkWithHarness('gate/fn/axpyk.c', 'gate/fn/axpyk_three.c', 'axpyk', [1, 2]);
    expect(r.failed.length).toBeGreaterThan(0);
    expect(r.failed.every((t) => !/k=3;|k=3$/.test(t.inputs ?? ''))).toBe(true);
  });

  it('overlapping buffers where the original allows them: an overlap-only bug, and a control that checks for overlap', async () => {
    const r = await checkWithHarness('gate/fn/shiftadd.c', 'gate/fn/shiftadd_restrict.c', 'shiftadd', [1, 2, 4]);
    expect(r.failed.length).toBeGreaterThan(0);
    expect(r.failed.every((t) => /overlaps/.test(t.inputs ?? ''))).toBe(true);
    const ok = await checkWithHarness('gate/fn/shiftadd.c', 'gate/fn/shiftadd_ok.c', 'shiftadd', [1, 2, 4]);
    expect(ok.failed, ok.failed[0]?.firstDifference).toEqual([]);
  });

  it('more threads than cores: schedule(static,1) on a distance-2 chain is wrong from 3 threads', async () => {
    const r = await checkWithHarness('gate/fn/chain2.c', 'gate/fn/chain2_static1.c', 'chain2', [1, 2, 3, 7]);
    expect(r.failed.some((t) => (t.threads ?? 0) >= 3)).toBe(true);
  });
});

describe('every effect compared', () => {
  it('a global reached through a helper', async () => {
    const r = await checkWithHarness('gate/fn/counted.c', 'gate/fn/counted_twice.c', 'counted', [1]);
    expect(r.failed.some((t) => /^calls: original \d+, candidate \d+/.test(t.firstDifference ?? ''))).toBe(true);
  });

  it('a write through a const pointer', async () => {
    const r = await checkWithHarness('gate/fn/stencil.c', 'gate/fn/stencil_constwrite.c', 'stencil', [1]);
    expect(r.failed.some((t) => /^in\[0\]: original/.test(t.firstDifference ?? ''))).toBe(true);
  });

  it('stderr', async () => {
    const r = await checkWithHarness('gate/fn/total.c', 'gate/fn/total_stderr.c', 'total', [2]);
    expect(r.failed.map((t) => t.name)).toEqual(['stderr @2 threads']);
  });

  it('files left in the work folder', async () => {
    const r = await checkWithHarness('gate/fn/total.c', 'gate/fn/total_file.c', 'total', [2]);
    expect(r.failed.map((t) => t.firstDifference)).toEqual(['output file total.cache: written by the candidate only']);
  });

  it('lists what it compares: return value, every pointer (const too), globals, errno, stdout, stderr, exit status, files', async () => {
    const r = await checkWithHarness('gate/fn/counted.c', 'gate/fn/counted.c', 'counted', [1]);
    expect(r.failed).toEqual([]);
    const compared = r.harness.report!.compared.join('; ');
    for (const w of ['y:', 'x (const: must not change)', 'global calls', 'errno', 'stdout', 'stderr', 'exit status', 'files']) expect(compared).toContain(w);
  });
});

describe('tolerance from facts', () => {
  it('a dropped last element inside the old 1e-6 tolerance fails: the tolerance is tight and scaled by n', async () => {
    const r = await checkWithHarness('gate/fn/total_offset.c', 'gate/fn/total_offset_drop_last.c', 'total_offset', [1, 2]);
    expect(r.failed.length).toBeGreaterThan(0);
    expect(r.harness.report!.tolerance!.relative).toBeLessThan(1e-9);
    const ok = await checkWithHarness('gate/fn/total_offset.c', 'gate/fn/total_offset_ok.c', 'total_offset', [1, 2, 3, 4, 7, 16]);
    expect(ok.failed, ok.failed[0]?.firstDifference).toEqual([]);
  });

  it('the word reduction( in a comment gives no tolerance; a parsed reduction clause does, and says so', async () => {
    const r = await checkWithHarness('gate/fn/total.c', 'gate/fn/total_comment.c', 'total', [1, 2]);
    expect(r.failed.length).toBeGreaterThan(0);
    expect(r.harness.report!.tolerance!.reason).toMatch(/^reduction\(\+:s\) on double s at line 4 of the candidate \(parsed\)$/);
    const ok = await checkWithHarness('gate/fn/total.c', 'gate/fn/total_reduction.c', 'total', [1, 2, 3, 4, 7, 16]);
    expect(ok.failed, ok.failed[0]?.firstDifference).toEqual([]);
  });

  it('a map with no reduction is compared exactly', async () => {
    const ok = await checkWithHarness('gate/fn/scale8.c', 'gate/fn/scale8_ok.c', 'scale8', [1, 3, 16]);
    expect(ok.failed).toEqual([]);
    expect(ok.harness.report!.tolerance).toBeUndefined();
    expect(ok.all.every((t) => !t.tolerance)).toBe(true);
  });
});

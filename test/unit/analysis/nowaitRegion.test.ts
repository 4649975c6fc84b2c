import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoopVerdict } from '../../../src/core/model';
import { parallelizeSource } from '../../../src/core/transform';
import { ROOT, fixture } from '../../helpers/paths';
import { analyseFile } from './corpusHelpers';
import { analyseText as analyse } from './snippets';

/**
 * Issue #7 §3/§4: a time loop whose body is one parallel loop gets one thread team and no barrier
 * per step (`schedule(static) nowait`) only when every dependence it carries stays with one inner
 * iteration. The adversarial gate runs these programs through gcc, clang and Archer; here the
 * plan itself is checked: which ones may skip the barrier and which must keep it.
 */
/** The region plan of the verdict whose nest starts on `line` (1-based). */
const regionAt = (verdicts: readonly LoopVerdict[], line: number) => verdicts.find((v) => v.nest.root.range.start.line + 1 === line)?.region ?? null;

describe('nowait regions', () => {
  it('gemv_t: the i loop carries only y[j] -> y[j], so the j loop runs schedule(static) nowait and says why', async () => {
    const { text, verdicts } = await analyseFile(path.join(ROOT, 'bench/kernels/gemv_t.c'));
    const region = regionAt(verdicts, 17);
    expect(region?.nowait).toBe(true);
    expect(region?.loops[0].clauses).toMatchObject({ schedule: 'static', simd: false, collapse: 1 });
    const v = verdicts.find((x) => x.region === region)!;
    expect(v.reasons.map((r) => r.code)).toContain('nowait-same-iteration');
    expect(v.reasons.find((r) => r.code === 'nowait-same-iteration')?.message).toMatch(/same `j` iteration.*schedule\(static\).*nowait/);
    const out = parallelizeSource(text, verdicts, 'c').text;
    expect(out).toContain('  #pragma omp parallel\n  for (int i = 0; i < n; i++) {\n    #pragma omp for schedule(static) nowait\n    for (int j = 0; j < n; j++) {');
  });

  // Per adversarial program: the line of the time loop, and whether its region may skip the barrier
  // (null: no hoisted region at all).
  const cases: [string, number, boolean | null][] = [
    ['nowait_gemv_t_ok.c', 6, true],
    ['nowait_scale_steps_ok.c', 6, true],
    ['nowait_column_recurrence_ok.c', 7, true],
    ['nowait_call_pure_ok.c', 7, true],
    ['nowait_read_untouched_ok.c', 6, true],
    ['nowait_prev_row_left.c', 6, false],
    ['nowait_prev_row_right.c', 7, false],
    ['nowait_anti_next_row.c', 6, false],
    ['nowait_diagonal_read.c', 6, false],
    ['nowait_triangular.c', 6, false],
    ['nowait_reduction.c', 7, false],
    ['nowait_lastprivate.c', 9, false],
    ['nowait_collapse_inner.c', 6, false],
    ['nowait_bound_written.c', 6, null],
    ['nowait_call_reads_neighbour.c', 8, null],
    ['nowait_bound_global_call.c', 9, null],
  ];
  it.each(cases)('%s: line %i, nowait %s', async (file, line, nowait) => {
    const { text, verdicts } = await analyseFile(fixture(`adversarial/${file}`));
    expect(text.split('\n')[line - 1]).toMatch(/^\s*for \(/);
    const region = regionAt(verdicts, line);
    if (nowait === null) expect(region).toBeNull();
    else expect(region?.nowait ?? false, JSON.stringify(region)).toBe(nowait);
    expect(/#pragma omp [^\n]*nowait/.test(parallelizeSource(text, verdicts, 'c').text)).toBe(nowait === true);
  });

  it('keeps the barrier when the bound is a struct field, a scalar the loop writes, or the outer counter', async () => {
    const head = 'struct S { int m; };\nvoid f(int n, int m, struct S s, const double *restrict A, double *restrict y) {\n';
    const inner = (bound: string) => `  for (int i = 0; i < n; i++) {\n    for (int j = 0; j < ${bound}; j++) {\n      y[j] += A[(long)i * n + j];\n    }\n  }\n`;
    const ok = await analyse(`${head}${inner('m')}}\n`);
    expect(regionAt(ok, 3)?.nowait).toBe(true);
    for (const bound of ['s.m', 'i', 'n - i']) {
      const vs = await analyse(`${head}${inner(bound)}}\n`);
      expect(regionAt(vs, 3)?.nowait ?? false, bound).toBe(false);
    }
  });

  it('a region with statements between its loops (a swap) or two loops keeps its barriers', async () => {
    for (const k of ['heat1d.c', 'wave2d.c', 'jacobi2d_c89.c', 'lu.c', 'redblack.c']) {
      const { text, verdicts } = await analyseFile(path.join(ROOT, 'bench/kernels', k));
      expect(verdicts.some((v) => v.region?.nowait), k).toBe(false);
      expect(parallelizeSource(text, verdicts, 'c').text, k).not.toContain('nowait');
    }
  });
});

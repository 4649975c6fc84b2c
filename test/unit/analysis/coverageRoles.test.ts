import { describe, expect, it } from 'vitest';
import type { LoopVerdict } from '../../../src/core/model';
import { verifyProgram } from '../../../src/core/runner';
import { parallelizeSource } from '../../../src/core/transform';
import { fixture } from '../../helpers/paths';
import { analyseFile, verdictLine } from './corpusHelpers';

/**
 * Issue #7 §2, scalar roles / reductions / calls side: whole programs in test/fixtures/coverage
 * whose new rewrites (exact floating min/max, lambdas called in the loop, search loops) must
 * verify through the runner: gcc with Archer's race check and clang, at 1, 3 and 4 threads.
 */
async function verifiedFixture(name: string): Promise<{ byFunction: Map<string, LoopVerdict>; out: string }> {
  const { text, language, verdicts } = await analyseFile(fixture(`coverage/${name}`));
  const out = parallelizeSource(text, verdicts, language).text;
  for (const compiler of ['gcc', 'clang'] as const) {
    const evidence = await verifyProgram({ original: { text, path: name }, candidate: { text: out }, language, target: 'openmp', compiler, threads: [1, 3, 4], timingThreads: [1], repeats: 1, raceCheck: compiler === 'gcc' });
    const detail = `${name} (${compiler}): ${evidence.summary}\n${evidence.log.slice(0, 2000)}`;
    expect(evidence.tests.length, detail).toBeGreaterThan(0);
    expect(evidence.tests.every((t) => t.passed), detail).toBe(true);
    if (compiler === 'gcc') expect(evidence.verdict, detail).toBe('verified');
  }
  const byFunction = new Map(verdicts.filter((v) => v.nest.functionName !== 'main').map((v) => [v.nest.functionName ?? '', v]));
  return { byFunction, out };
}

const why = (v: LoopVerdict | undefined) => (v ? `${verdictLine(v)}: ${v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ')}` : 'no verdict');

describe('scalar roles, reductions and calls (issue #7 §2), verified through the runner', () => {
  it('floating max/min of |x|, x*x and std::max(m, |v|) with NaN and signed zeros in the data are exact reductions', async () => {
    const { byFunction, out } = await verifiedFixture('roles_minmax_abs.cpp');
    expect(byFunction.get('peakAndEnergy')?.clauses?.reduction, why(byFunction.get('peakAndEnergy'))).toEqual([
      { op: '+', var: 'ss' },
      { op: 'max', var: 'peak' },
    ]);
    expect(byFunction.get('smallestSquare')?.clauses?.reduction, why(byFunction.get('smallestSquare'))).toEqual([{ op: 'min', var: 'm' }]);
    expect(byFunction.get('largestMagnitude')?.clauses?.reduction, why(byFunction.get('largestMagnitude'))).toEqual([{ op: 'max', var: 'm' }]);
    expect(out).toContain('#pragma omp parallel for reduction(+:ss) reduction(max:peak)');
  }, 600_000);

  it('pure lambdas defined before the loop are called in parallel; one writing a by-reference capture is refused for that', async () => {
    const { byFunction } = await verifiedFixture('roles_lambda.cpp');
    expect(byFunction.get('scaleShift')?.verdict, why(byFunction.get('scaleShift'))).toBe('parallel');
    expect(byFunction.get('clampSum')?.clauses?.reduction, why(byFunction.get('clampSum'))).toEqual([{ op: '+', var: 's' }]);
    const counting = byFunction.get('countingSum');
    expect(counting?.verdict).toBe('not-parallel');
    const reason = counting?.reasons.find((r) => r.code === 'impure-lambda');
    expect(reason?.message, why(counting)).toMatch(/`g` is the lambda declared at line 26, and it writes `c`/);
    expect(counting?.reasons.map((r) => r.message).join(' ')).not.toMatch(/outside this file/);
  }, 600_000);

  it('first and last index with a predicate are min/max reductions over the index; an arg-max becomes per-thread pairs and a combine', async () => {
    const { byFunction } = await verifiedFixture('roles_search.c');
    expect(byFunction.get('firstAbove')?.clauses?.reduction, why(byFunction.get('firstAbove'))).toEqual([{ op: 'min', var: 'first' }]);
    expect(byFunction.get('lastBelow')?.clauses?.reduction, why(byFunction.get('lastBelow'))).toEqual([{ op: 'max', var: 'last' }]);
    expect(byFunction.get('argmax')?.verdict, why(byFunction.get('argmax'))).toBe('parallel');
    expect(byFunction.get('argmax')?.argReductions?.map((p) => [p.best, p.index, p.op, p.ties])).toEqual([['best', 'idx', 'max', 'first']]);
  }, 600_000);
});

describe('histograms (issue #7 §2), verified through the runner', () => {
  it('integer bins of constant size only added into are reduction(+:h), pointer bins of a proven extent reduction(+:h[:8]); floating bins that cannot start as -0.0 too (within the gate\'s tolerance), passed to a function refused', async () => {
    const { byFunction, out } = await verifiedFixture('roles_histogram.c');
    // Each function's last loop folds the bins (a recurrence); its first one is the histogram.
    expect(out).toContain('#pragma omp parallel for reduction(+:h)\n  for (int i = 0; i < n; i++) h[v[i]]++;');
    expect(out).toContain('#pragma omp parallel for reduction(+:bins)\n  for (int i = 0; i < n; i++) {\n    int k = key[i] % NB;');
    expect(out).toContain('#pragma omp parallel for reduction(+:h)\n  for (int i = 0; i < n; i++) h[key[i] & 15] += 1.0 / (i + 1);');
    expect(byFunction.get('passedBins')?.verdict).not.toBe('parallel');
    expect(byFunction.get('passedBins')?.reasons.map((r) => r.code), why(byFunction.get('passedBins'))).toContain('histogram-aliased');
    expect(out).toContain('#pragma omp parallel for reduction(+:h[:8])\n  for (int i = 0; i < n; i++) h[key[i] & 7]++;');
  }, 600_000);
});

describe('scratch arrays (issue #7 §2), verified through the runner', () => {
  it('arrays written before every read of each iteration are private; one read after the loop or filled only sometimes is refused with its reason', async () => {
    const { byFunction, out } = await verifiedFixture('roles_scratch.c');
    expect(byFunction.get('weightedWindow')?.clauses?.private, why(byFunction.get('weightedWindow'))).toEqual(['tmp']);
    expect(out).toContain('#pragma omp parallel for private(tmp)\n  for (int i = 0; i < n; i++) {\n    for (int k = 0; k < TAPS; k++) tmp[k] = a[i + k] * 2.0;');
    expect(byFunction.get('halfAndTable')?.clauses?.private, why(byFunction.get('halfAndTable'))).toEqual(['k', 'buf', 'v', 't']);
    const live = byFunction.get('lastWindow');
    expect(live?.verdict).not.toBe('parallel');
    expect(live?.reasons.find((r) => r.code === 'scratch-live-after')?.message, why(live)).toMatch(/`tmp\[1\]` \(line 46\) may read the value the loop leaves in `tmp\[1\]`/);
    const sometimes = byFunction.get('sometimesFilled');
    expect(sometimes?.verdict).not.toBe('parallel');
    expect(sometimes?.reasons.find((r) => r.code === 'scratch-read-before-write')?.message, why(sometimes)).toMatch(/`tmp\[2\]` \(line 55\) may be read before it is written in the same iteration/);
  }, 600_000);
});

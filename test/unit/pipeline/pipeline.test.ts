import { describe, expect, it } from 'vitest';
import type { CandidateSource } from '../../../src/core/model';
import { createSession, propose, verify } from '../../../src/core/pipeline';
import { testParserHost } from '../../helpers/paths';

const parser = testParserHost();

const LIB = `void scale(double *restrict y, const double *restrict x, int n) {
  for (int i = 0; i < n; i++) y[i] = 2.0 * x[i];
}
double dot(const double *x, const double *y, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}
void shift(double *a, int n) {
  for (int i = 1; i < n; i++) a[i] = a[i - 1] + 1.0;
}
void copy(double *y, const double *x, int n) {
  for (int i = 0; i < n; i++) y[i] = x[i];
}
`;
const source: CandidateSource = { path: null, language: 'c', text: LIB, version: 7 };

describe('propose (rules engine)', () => {
  it('gives one candidate per function it can prove, none for a carried dependence, and a labelled assumed one for may-alias', async () => {
    const { candidates, verdicts } = await propose(source, {}, { target: 'openmp', parser });
    const proven = candidates.filter((c) => c.operator === 'openmp-proven');
    // may-alias loops also get a versioned candidate (run-time overlap check), labelled by its operator.
    expect(candidates.filter((c) => c.operator === 'openmp-versioned').map((c) => c.region.functionName)).toEqual(['copy']);
    expect(proven.map((c) => c.region.functionName).sort()).toEqual(['dot', 'scale']);
    expect(proven.every((c) => c.origin === 'rules' && c.parent === null && c.source.version === 7)).toBe(true);
    const dot = proven.find((c) => c.region.functionName === 'dot')!;
    expect(dot.text).toContain('reduction(+:s)');
    expect(dot.region.range?.start.line).toBe(3);
    const assumed = candidates.filter((c) => c.assumptions);
    expect(assumed.map((c) => c.region.functionName)).toEqual(['copy']);
    expect(assumed[0].text).toContain('restrict');
    expect(verdicts.find((v) => v.nest.functionName === 'shift')?.verdict).toBe('not-parallel');
    // Ids are content hashes: proposing twice gives the same ids; different rewrites differ.
    const again = await propose(source, {}, { target: 'openmp', parser });
    expect(again.candidates.map((c) => c.id)).toEqual(candidates.map((c) => c.id));
    expect(new Set(candidates.map((c) => c.id)).size).toBe(candidates.length);
  });

  it('keeps to the region: a function name or the lines of a selection', async () => {
    const byName = await propose(source, { functionName: 'dot' }, { target: 'openmp', parser });
    expect(byName.candidates.map((c) => c.region.functionName)).toEqual(['dot']);
    const byLines = await propose(source, { lines: { start: 1, end: 1 } }, { target: 'openmp', parser });
    expect(byLines.candidates.map((c) => c.region.functionName)).toEqual(['scale']);
    expect(byLines.verdicts).toHaveLength(1);
  });
});

describe('verify (the gate, through the pipeline)', () => {
  it('judges a rules candidate and tags the evidence with its id', async () => {
    const { candidates } = await propose(source, { functionName: 'dot' }, { target: 'openmp', parser });
    const evidence = await verify(candidates[0], createSession(), { threads: [1, 2], repeats: 1, timingThreads: [1, 2] });
    expect(evidence.candidateId).toBe(candidates[0].id);
    expect(evidence.verdict).toBe('verified');
  }, 240_000);
});

import { describe, expect, it } from 'vitest';
import { analyseFile, corpusFiles, expectations, verdictLine } from './corpusHelpers';

const files = corpusFiles();

describe('fixture corpus verdicts', () => {
  it('has at least 25 programs and 60 loop nests', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    const loops = files.reduce((n, f) => n + expectations(f).length, 0);
    expect(loops).toBeGreaterThanOrEqual(60);
  });

  it.each(files)('%s: every loop gets the expected verdict and clauses', async (file) => {
    const { verdicts } = await analyseFile(file);
    const expected = expectations(file);
    const byLine = new Map(verdicts.map((v) => [verdictLine(v), v]));
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual(expected.map((e) => e.line).sort((a, b) => a - b));
    for (const e of expected) {
      const v = byLine.get(e.line)!;
      const where = `${file}:${e.line}: ${v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ')}`;
      // The safety property first: a loop expected sequential must never be parallelised.
      if (e.verdict !== 'parallel') expect(v.verdict, where).not.toBe('parallel');
      expect(v.verdict, where).toBe(e.verdict);
      if (e.assumption) {
        expect(v.assumptions.length, where).toBeGreaterThan(0);
        expect(v.ifAssumed, where).toBeTruthy();
      }
      if (e.verdict === 'parallel') {
        expect(v.parallelLevel, where).toBe(e.parallelLevel);
        const c = v.clauses!;
        expect(
          { reduction: c.reduction, private: [...c.private].sort(), lastprivate: [...c.lastprivate].sort(), collapse: c.collapse, schedule: c.schedule },
          where,
        ).toEqual({ ...e.clauses, private: [...e.clauses!.private].sort(), lastprivate: [...e.clauses!.lastprivate].sort() });
      } else {
        expect(v.reasons.length, where).toBeGreaterThan(0);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { parallelizeSource } from '../../../src/core/transform';
import { analyseFile, corpusFiles } from './corpusHelpers';

/**
 * Every loop the engine parallelises in the corpus is compiled with gcc and clang (-fopenmp),
 * run against the original at 1 and 3 threads, and race-checked with clang + Archer, through the
 * runner's verifyProgram (issue #4).
 */
const files = corpusFiles();

describe('corpus rewrites run correctly and race-free', () => {
  it.each(files)('%s', async (file) => {
    const { text, language, verdicts } = await analyseFile(file);
    const rewrite = parallelizeSource(text, verdicts, language);
    if (rewrite.rewritten.length === 0) return;
    expect(rewrite.text).toContain('#pragma omp parallel for');
    for (const compiler of ['gcc', 'clang'] as const) {
      const evidence = await verifyProgram({
        original: { text, path: file },
        candidate: { text: rewrite.text },
        language,
        target: 'openmp',
        compiler,
        threads: [1, 3],
        timingThreads: [1],
        repeats: 1,
        tolerance: 1e-9,
        // Archer runs once per file (with the gcc pass); the clang pass checks compile and output.
        raceCheck: compiler === 'gcc',
      });
      const detail = `${file} (${compiler}): ${evidence.summary}\n${evidence.log.slice(0, 2000)}`;
      if (compiler === 'gcc') expect(evidence.verdict, detail).toBe('verified');
      else expect(evidence.tests.every((t) => t.passed) && evidence.tests.length > 0, detail).toBe(true);
    }
  }, 240_000);

  it('catches a planted wrong rewrite (a pragma on the prefix sum): refused by the static check, and by Archer when that check is off', async () => {
    const { text, language } = await analyseFile('prefix_sum.c');
    const wrong = text.replace('  for (int i = 1; i < N; i++) p[i] += p[i - 1];', '  #pragma omp parallel for\n  for (int i = 1; i < N; i++) p[i] += p[i - 1];');
    expect(wrong).not.toBe(text);
    const request = { original: { text, path: 'prefix_sum.c' }, candidate: { text: wrong }, language, target: 'openmp', threads: [1, 4], timingThreads: [1], repeats: 1 } as const;
    const statically = await verifyProgram(request);
    expect(statically.verdict).toBe('rejected');
    expect(statically.summary).toMatch(/p\[i - 1\]|dependence|race/);
    const dynamically = await verifyProgram({ ...request, staticChecks: false });
    expect(['race', 'wrong-output']).toContain(dynamically.verdict);
    expect(dynamically.races.length + dynamically.tests.filter((t) => !t.passed).length).toBeGreaterThan(0);
  }, 240_000);
});

import { describe, expect, it } from 'vitest';
import { analyzeLoops } from '../../../src/core/analysis';
import type { LoopVerdict } from '../../../src/core/model';
import { verifyProgram } from '../../../src/core/runner';
import { parallelizeSource } from '../../../src/core/transform';
import { testParserHost } from '../../helpers/paths';
import { generateProgram } from './affineLoopGen';

/**
 * Our own fuzzer: generated C programs of loop nests with random affine subscripts go through the
 * analysis and the OpenMP rewriter, and every rewrite is compiled, run at 1 and 2 threads against
 * the original and race-checked with clang + Archer by the runner's verifyProgram. A wrong
 * parallelisation fails the test and prints the program.
 */
const SEEDS = Array.from({ length: 15 }, (_, i) => i + 1);

/** A verdict on a generated nest (main's own initialise and print loops are not counted). */
function inNest(v: LoopVerdict): boolean {
  return v.nest.functionName?.startsWith('nest') ?? false;
}

describe('affine loop-nest fuzz', () => {
  const host = testParserHost();

  it('generates the same program for the same seed, and different programs for different seeds', () => {
    expect(generateProgram(7).text).toBe(generateProgram(7).text);
    expect(generateProgram(7).text).not.toBe(generateProgram(8).text);
  });

  it.each(SEEDS)('seed %i: every rewrite gives the same output at 1 and 2 threads and no Archer report', async (seed) => {
    const program = generateProgram(seed);
    const tree = await host.parse('c', program.text);
    let verdicts: LoopVerdict[];
    try {
      verdicts = analyzeLoops(tree, 'c', program.text);
    } finally {
      tree.delete();
    }
    expect(verdicts.filter(inNest).length, `seed ${seed}: no verdicts for the nests\n${program.text}`).toBeGreaterThanOrEqual(program.nests);
    const rewrite = parallelizeSource(program.text, verdicts, 'c');
    if (rewrite.rewritten.length === 0) return;
    expect(rewrite.text).toContain('#pragma omp parallel for');
    const evidence = await verifyProgram({
      original: { text: program.text },
      candidate: { text: rewrite.text },
      language: 'c',
      target: 'openmp',
      compiler: 'gcc',
      threads: [1, 2],
      timingThreads: [1],
      repeats: 1,
      tolerance: 1e-6,
    });
    const detail = [
      `seed ${seed}: ${evidence.summary}`,
      '--- original ---',
      program.text,
      '--- rewrite ---',
      rewrite.text,
      '--- log ---',
      evidence.log.slice(0, 3000),
    ].join('\n');
    expect(evidence.verdict, detail).toBe('verified');
  }, 60_000);

  it('catches a planted wrong rewrite: a pragma on a generated nest the engine refused for a carried scalar', async () => {
    let planted: { seed: number; original: string; wrong: string } | null = null;
    for (const seed of SEEDS) {
      const program = generateProgram(seed);
      const tree = await host.parse('c', program.text);
      try {
        const refused = analyzeLoops(tree, 'c', program.text).find((v) => inNest(v) && v.verdict === 'not-parallel' && v.reasons[0]?.code === 'scalar-dependence');
        if (!refused) continue;
        const lines = program.text.split('\n');
        const at = refused.nest.root.range.start.line;
        lines.splice(at, 0, '  #pragma omp parallel for');
        planted = { seed, original: program.text, wrong: lines.join('\n') };
        break;
      } finally {
        tree.delete();
      }
    }
    expect(planted, 'no generated nest is refused for a carried scalar in its own body').not.toBeNull();
    const { seed, original, wrong } = planted as NonNullable<typeof planted>;
    const request = { original: { text: original }, candidate: { text: wrong }, language: 'c', target: 'openmp', compiler: 'gcc', threads: [1, 2], timingThreads: [1], repeats: 1 } as const;
    // The gate's static check (the analysis on the candidate's own pragma) refuses it before it runs …
    const statically = await verifyProgram(request);
    expect(statically.verdict, `seed ${seed}: ${statically.summary}\n${wrong}`).toBe('rejected');
    // … and with that check off, running it still catches it.
    const dynamically = await verifyProgram({ ...request, staticChecks: false });
    expect(['race', 'wrong-output'], `seed ${seed}: ${dynamically.summary}\n${wrong}`).toContain(dynamically.verdict);
  }, 240_000);

  it('is not vacuous: the engine parallelises some generated nests, refuses others, and rewrites most programs', async () => {
    const tally = { parallel: 0, refused: 0, rewrittenPrograms: 0 };
    const refusals = new Set<string>();
    for (const seed of SEEDS) {
      const program = generateProgram(seed);
      const tree = await host.parse('c', program.text);
      try {
        const verdicts = analyzeLoops(tree, 'c', program.text);
        for (const v of verdicts.filter(inNest)) {
          if (v.verdict === 'parallel') tally.parallel++;
          else {
            tally.refused++;
            v.reasons.forEach((r) => refusals.add(r.code));
          }
        }
        if (parallelizeSource(program.text, verdicts.filter(inNest), 'c').rewritten.length > 0) tally.rewrittenPrograms++;
      } finally {
        tree.delete();
      }
    }
    const summary = `${JSON.stringify(tally)} refusals: ${[...refusals].join(', ')}`;
    expect(tally.parallel, summary).toBeGreaterThanOrEqual(10);
    expect(tally.refused, summary).toBeGreaterThanOrEqual(10);
    expect(tally.rewrittenPrograms, summary).toBeGreaterThanOrEqual(SEEDS.length / 2);
    // Refused for dependences the subscript tests found, and for scalars carried between iterations.
    expect([...refusals].filter((c) => /dependence$/.test(c)).length, summary).toBeGreaterThanOrEqual(2);
    expect(refusals.has('scalar-dependence') || refusals.has('conditional-write'), summary).toBe(true);
  });
});

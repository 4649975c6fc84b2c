import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { parallelizeSource } from '../../../src/core/transform';
import { fixture } from '../../helpers/paths';
import { analyseFile, verdictLine } from './corpusHelpers';

/**
 * Coverage on a ParEval-style C++ corpus of our own (issue #7 §2): serial references of the 12
 * ParEval problem types (std::vector parameters, x.size() bounds, std:: calls), one file per type.
 * Counts the loop nests of the kernels (not main's set-up) that the rules engine rewrites and
 * those it refuses, and checks that every rewritten program verifies through the runner: gcc
 * and clang at 1 and 3 threads against the serial output, and Archer's race check.
 */
const DIR = fixture('pareval');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.cpp')).sort();

/** Problem types that must have something rewritten (the others are sequential as written or refused for a stated reason). */
const EXPECT_REWRITES = ['transform', 'reduce', 'search', 'histogram', 'stencil', 'dense_la', 'sparse_la', 'graph', 'geometry', 'fft', 'sort'];

describe('ParEval-style C++ corpus', () => {
  const tally = new Map<string, { rewritten: string[]; refused: string[] }>();

  it('covers the 12 ParEval problem types with several kernels each', () => {
    expect(files.map((f) => f.replace('.cpp', '')).sort()).toEqual(['dense_la', 'fft', 'geometry', 'graph', 'histogram', 'reduce', 'scan', 'search', 'sort', 'sparse_la', 'stencil', 'transform']);
  });

  it.each(files)('%s: every rewrite verifies (gcc, clang, Archer)', async (file) => {
    const full = path.join(DIR, file);
    const { text, language, verdicts } = await analyseFile(full);
    const kernels = verdicts.filter((v) => v.nest.functionName !== 'main');
    const rewrite = parallelizeSource(text, verdicts, language);
    const rewritten = new Set(rewrite.rewritten.map((v) => v.nest.root.range.startOffset));
    const entry = { rewritten: [] as string[], refused: [] as string[] };
    for (const v of kernels) {
      const where = `${v.nest.functionName}:${verdictLine(v)}`;
      if (rewritten.has(v.nest.root.range.startOffset)) entry.rewritten.push(where);
      else entry.refused.push(`${where} [${v.reasons.map((r) => r.code).join(',')}]`);
    }
    tally.set(file, entry);
    if (EXPECT_REWRITES.includes(file.replace('.cpp', ''))) expect(entry.rewritten.length, `${file}: ${entry.refused.join(' ')}`).toBeGreaterThan(0);
    if (rewrite.rewritten.length === 0) return;
    for (const compiler of ['gcc', 'clang'] as const) {
      const evidence = await verifyProgram({
        original: { text, path: full },
        candidate: { text: rewrite.text },
        language,
        target: 'openmp',
        compiler,
        threads: [1, 3],
        timingThreads: [1],
        repeats: 1,
        raceCheck: compiler === 'gcc',
      });
      const detail = `${file} (${compiler}): ${evidence.summary}\n${evidence.log.slice(0, 3000)}`;
      if (compiler === 'gcc') expect(evidence.verdict, detail).toBe('verified');
      else expect(evidence.tests.length > 0 && evidence.tests.every((t) => t.passed), detail).toBe(true);
    }
  }, 600_000);

  it('reports coverage', () => {
    let rewritten = 0;
    let refused = 0;
    const lines: string[] = [];
    for (const [file, e] of tally) {
      rewritten += e.rewritten.length;
      refused += e.refused.length;
      lines.push(`${file.padEnd(14)} rewritten ${e.rewritten.length}, refused ${e.refused.length}: ${e.refused.join(' ')}`);
    }
    console.log(`ParEval-style corpus: ${rewritten} kernel loop nests rewritten (all verified), ${refused} refused\n${lines.join('\n')}`);
    if (tally.size === files.length) expect(rewritten).toBeGreaterThanOrEqual(25);
  });
});

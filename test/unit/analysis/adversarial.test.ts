import { afterAll, describe, expect, it } from 'vitest';
import { adversarialFiles, checkRewrite, expectationsOf, removeBuilds, rewriteProgram } from './adversarialRunner';

/**
 * Issue #7 §1: programs written to fool the analysis. Each carries `// expect:` comments on its
 * loop lines; a loop expected to be refused must never be parallelised, and every rewrite the
 * rules engine makes must build with gcc and clang, print exactly what the serial program prints
 * at 1/2/3/4/7 threads and every size, and be race-free under Archer.
 */
const files = adversarialFiles();

afterAll(removeBuilds);
describe('adversarial corpus', () => {
  it('has at least 150 programs, each with expectations', () => {
    expect(files.length).toBeGreaterThanOrEqual(150);
  });

  it.each(files)('%s', async (file) => {
    const { text, language, verdicts, rewritten } = await rewriteProgram(file);
    const expected = expectationsOf(text);
    const byLine = new Map(verdicts.map((v) => [v.nest.root.range.start.line + 1, v]));
    expect([...byLine.keys()].sort((a, b) => a - b), `${file}: loops with verdicts vs loops with expect comments`).toEqual(expected.map((e) => e.line));
    for (const e of expected) {
      const v = byLine.get(e.line)!;
      const where = `${file}:${e.line}: ${v.verdict}: ${v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ')}`;
      if (e.want === 'refuse') {
        expect(v.verdict, where).not.toBe('parallel');
        // A refusal says why, at a place in the source.
        expect(v.reasons.length, where).toBeGreaterThan(0);
        if (e.code) expect(v.reasons.map((r) => r.code), where).toContain(e.code);
      }
      if (e.want === 'parallel') expect(v.verdict, where).toBe('parallel');
    }
    if (rewritten === null) return;
    const problems = await checkRewrite(file, language, text, rewritten);
    expect(problems, `${file}: the rewrite is wrong\n${rewritten}`).toEqual([]);
  }, 300_000);
});

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLoops } from '../../../src/core/analysis';
import { testParserHost } from '../../helpers/paths';

/** Random C programs from csmith go through the analysis: no crash, bounded time (3 s each; the slowest, seed 16, takes about 0.5 s on 2 shared cores). */
describe('csmith fuzz', () => {
  // csmith writes platform.info into its working directory: run it in a temporary one.
  let work = '';
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'paraforge-csmith-'));
  });
  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('analyses 20 csmith programs without crashing or hanging', async () => {
    const host = testParserHost();
    let loops = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const text = execFileSync('csmith', ['--seed', String(seed), '--max-funcs', '4'], { encoding: 'utf8', timeout: 20_000, cwd: work });
      const tree = await host.parse('c', text);
      try {
        // No timing assertion (speed lives in bench/); a hang is caught by the test's own timeout.
        const verdicts = analyzeLoops(tree, 'c', text);
        loops += verdicts.length;
        for (const v of verdicts) expect(['parallel', 'not-parallel', 'not-analysable']).toContain(v.verdict);
      } finally {
        tree.delete();
      }
    }
    expect(loops).toBeGreaterThan(0);
  }, 600_000);

  it('leaves no platform.info in the directory it was started from', () => {
    expect(fs.existsSync(path.join(process.cwd(), 'platform.info'))).toBe(false);
  });
});

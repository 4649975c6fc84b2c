import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { fixture } from '../../helpers/paths';

/** Output of a C file built with a compiler at -O2 and run once. */
function outputOf(compiler: string, file: string): string {
  const exe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pf-ref-')), 'a.out');
  execFileSync(compiler, ['-O2', file, '-o', exe]);
  return execFileSync(exe, { encoding: 'utf8' });
}

describe('an untrustworthy reference is not used to condemn a candidate', () => {
  it('an original whose output changes with the compiler gives not-run, not wrong-output', async () => {
    const file = fixture('runner/compiler_name.c');
    const text = fs.readFileSync(file, 'utf8');
    // A wrong candidate: it leaves out the last element. With a stable original this is wrong-output.
    const candidate = text.replace('for (int i = 0; i < 64; i++) s += a[i];', '#pragma omp parallel for reduction(+:s)\n  for (int i = 0; i < 63; i++) s += a[i];');
    const ev = await verifyProgram({ original: { path: file, text }, candidate: { path: file, text: candidate }, language: 'c', target: 'openmp' });
    expect(ev.verdict).toBe('not-run');
    expect(ev.summary).toMatch(/the original's own output changes with the compiler \(.*clang.*\)/);
  });

  it('a miscompiled original (GCC 12 vectoriser) does not make a correct rewrite look wrong', async () => {
    const file = fixture('runner/gcc12_vectorizer.c');
    const text = fs.readFileSync(file, 'utf8');
    // The inner loop is parallel: each j writes a distinct b[i + j] within one i.
    const candidate = text.replace('    for (int j = 4; j < 100; j++) {', '    #pragma omp parallel for\n    for (int j = 4; j < 100; j++) {');
    expect(candidate).not.toBe(text);
    const ev = await verifyProgram({ original: { path: file, text }, candidate: { path: file, text: candidate }, language: 'c', target: 'openmp' });
    if (outputOf('gcc', file) === outputOf('clang', file)) {
      // A gcc without the bug: the rewrite is simply verified.
      expect(ev.verdict).toBe('verified');
    } else {
      expect(ev.verdict).toBe('not-run');
      expect(ev.summary).toMatch(/changes with the compiler/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { analyzeLoops } from '../../../src/core/analysis';
import { addClausesEdits, applyEdits } from '../../../src/core/transform';
import { testParserHost } from '../../helpers/paths';

const host = testParserHost();

async function fixRace(text: string): Promise<string> {
  const tree = await host.parse('c', text);
  try {
    const [verdict] = analyzeLoops(tree, 'c', text);
    return applyEdits(text, addClausesEdits(verdict, text));
  } finally {
    tree.delete();
  }
}

describe('addClausesEdits (race quick fix)', () => {
  it('appends the missing reduction to the pragma, before a trailing comment', async () => {
    const src = 'double a[1000];\ndouble f(void) {\n  double s = 0;\n  #pragma omp parallel for // sum it\n  for (int i = 0; i < 1000; i++) s += a[i];\n  return s;\n}\n';
    const fixed = await fixRace(src);
    expect(fixed).toContain('  #pragma omp parallel for reduction(+:s) // sum it\n  for (int i');
    // The fixed pragma no longer races, so a second fix changes nothing.
    expect(await fixRace(fixed)).toBe(fixed);
  });

  it('adds nothing to a pragma whose clauses already cover the loop', async () => {
    const src = 'double a[1000], b[1000];\nvoid f(void) {\n  #pragma omp parallel for\n  for (int i = 0; i < 1000; i++) a[i] = 2 * b[i];\n}\n';
    expect(await fixRace(src)).toBe(src);
  });
});

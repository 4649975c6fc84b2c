import { describe, expect, it } from 'vitest';
import { analyzeLoops } from '../../../src/core/analysis';
import type { LoopVerdict } from '../../../src/core/model';
import { testParserHost } from '../../helpers/paths';

const host = testParserHost();

async function firstVerdict(text: string) {
  const tree = await host.parse('c', text);
  try {
    return analyzeLoops(tree, 'c', text)[0];
  } finally {
    tree.delete();
  }
}

const stencil = (params: string) =>
  `void step(int nx, int ny, ${params}) {\n  for (int i = 1; i < nx - 1; i++)\n    for (int j = 1; j < ny - 1; j++)\n      out[i][j] = 0.5 * (in[i - 1][j] + in[i + 1][j]);\n}\n`;

describe('aliasing of array parameters', () => {
  it('two VLA parameters may overlap: not parallel, with the no-overlap assumption offered', async () => {
    const v = await firstVerdict(stencil('double in[nx][ny], double out[nx][ny]'));
    expect(v.verdict).toBe('not-parallel');
    expect(v.assumptions.map((a) => a.message).join()).toMatch(/(in and out|out and in) do not overlap/);
  });

  it('C99 `a[restrict n][m]` parameters are restrict-qualified: parallel, both levels independent', async () => {
    const v = await firstVerdict(stencil('double in[restrict nx][ny], double out[restrict nx][ny]'));
    expect(v.verdict).toBe('parallel');
    expect(v.facts?.independentLevels).toBe(2);
    // The cost model collapses only when the outer trip count is small (nx is not known).
    expect(v.clauses?.collapse).toBe(1);
  });
});

describe('aliasing of C++ reference parameters', () => {
  /** The verdict of the last loop nest in a C++ snippet. */
  async function cppVerdict(text: string) {
    const tree = await host.parse('cpp', text);
    try {
      return analyzeLoops(tree, 'cpp', text).at(-1) as LoopVerdict;
    } finally {
      tree.delete();
    }
  }

  it('a reference written in the loop may name an element the loop reads: not parallel', async () => {
    const v = await cppVerdict('double v[1000];\nvoid sum(double &acc) {\n  for (int i = 0; i < 1000; i++) acc += v[i];\n}\n');
    expect(v.verdict).not.toBe('parallel');
    expect(v.reasons.map((r) => r.message).join('\n')).toMatch(/`acc` is a reference: it may name `v`/);
  });

  it('a reference summing only the function’s own local array stays a reduction', async () => {
    const v = await cppVerdict('void sum(int n, double &acc) {\n  double t[1000];\n  for (int i = 0; i < 1000; i++) t[i] = i * n;\n  for (int i = 0; i < 1000; i++) acc += t[i];\n}\n');
    expect(v.nest.root.range.start.line).toBe(3);
    expect(v.verdict).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op: '+', var: 'acc' }]);
  });
});

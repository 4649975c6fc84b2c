import { describe, expect, it } from 'vitest';
import { analyzeLoops } from '../../../src/core/analysis';
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

  it('C99 `a[restrict n][m]` parameters are restrict-qualified: parallel with collapse', async () => {
    const v = await firstVerdict(stencil('double in[restrict nx][ny], double out[restrict nx][ny]'));
    expect(v.verdict).toBe('parallel');
    expect(v.clauses?.collapse).toBe(2);
  });
});

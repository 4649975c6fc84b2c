import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LanguageId, LoopNest } from '../../../src/core/model';
import { findLoopNests, languageFromPath, type ParserHost } from '../../../src/core/parse';
import { fixture, testParserHost } from '../../helpers/paths';

let parsers: ParserHost;
beforeAll(() => {
  parsers = testParserHost();
});

async function nestsOf(relative: string): Promise<LoopNest[]> {
  const file = fixture(relative);
  const language = languageFromPath(file) as LanguageId;
  const tree = await parsers.parse(language, readFileSync(file, 'utf8'));
  try {
    return findLoopNests(tree);
  } finally {
    tree.delete();
  }
}

const summary = (n: LoopNest) => ({
  fn: n.functionName,
  line: n.root.range.start.line + 1,
  endLine: n.root.range.end.line + 1,
  kind: n.root.kind,
  depth: n.depth,
  errors: n.hasParseErrors,
});

describe('findLoopNests', () => {
  it('finds for, while and do loops in C with nesting depth through if/switch', async () => {
    const nests = await nestsOf('parse/nests.c');
    expect(nests.map(summary)).toEqual([
      { fn: 'sum2d', line: 8, endLine: 12, kind: 'for', depth: 2, errors: false },
      { fn: 'make_table', line: 19, endLine: 24, kind: 'while', depth: 2, errors: false },
      { fn: 'drain', line: 29, endLine: 31, kind: 'do', depth: 1, errors: false },
      { fn: 'deep', line: 35, endLine: 43, kind: 'for', depth: 3, errors: false },
    ]);
  });

  it('records children and levels of a nest', async () => {
    const [sum2d] = await nestsOf('parse/nests.c');
    expect(sum2d.root.level).toBe(1);
    expect(sum2d.root.children).toHaveLength(1);
    expect(sum2d.root.children[0].level).toBe(2);
    expect(sum2d.root.children[0].range.start).toEqual({ line: 8, column: 4 });
    // The header stops at the closing parenthesis, before the body.
    expect(sum2d.root.headerRange.end).toEqual({ line: 7, column: 29 });
  });

  it('reads C++ range-for, qualified method names, templates and lambdas', async () => {
    const nests = await nestsOf('parse/nests.cpp');
    expect(nests.map(summary)).toEqual([
      { fn: 'Field::norm', line: 12, endLine: 14, kind: 'range-for', depth: 1, errors: false },
      { fn: 'total', line: 22, endLine: 22, kind: 'for', depth: 1, errors: false },
      { fn: 'count_positive', line: 30, endLine: 30, kind: 'for', depth: 1, errors: false },
      { fn: 'count_positive', line: 33, endLine: 33, kind: 'range-for', depth: 1, errors: false },
    ]);
  });

  it('reads CUDA kernels and host code with the CUDA grammar', async () => {
    const nests = await nestsOf('parse/kernels.cu');
    expect(nests.map(summary)).toEqual([
      { fn: 'scale', line: 5, endLine: 7, kind: 'for', depth: 1, errors: false },
      { fn: 'init', line: 11, endLine: 13, kind: 'for', depth: 1, errors: false },
    ]);
  });

  it('flags only the loops near a syntax error', async () => {
    const nests = await nestsOf('parse/broken.c');
    expect(nests.map((n) => [n.functionName, n.hasParseErrors])).toEqual([
      ['good', false],
      ['bad', true],
    ]);
  });

  it('flags loops in a function that #ifdef-split braces make unparsable', async () => {
    const nests = await nestsOf('parse/ifdef_split.c');
    expect(nests).toHaveLength(1);
    expect(nests[0].hasParseErrors).toBe(true);
  });

  it('restricts the search to a window of lines', async () => {
    const file = fixture('parse/nests.c');
    const tree = await parsers.parse('c', readFileSync(file, 'utf8'));
    try {
      const inWindow = findLoopNests(tree, { startLine: 27, endLine: 30 });
      expect(inWindow.map((n) => n.functionName)).toEqual(['drain']);
    } finally {
      tree.delete();
    }
  });
});

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DocumentCache, findLoopNests, type ParserHost, type TextChange } from '../../../src/core/parse';
import { testParserHost } from '../../helpers/paths';

let parsers: ParserHost;
let cache: DocumentCache;
beforeAll(() => {
  parsers = testParserHost();
});
afterEach(() => cache?.dispose());

/** Applies one change the way VS Code reports it, returning the new text and the change event. */
function edit(text: string, offset: number, length: number, insert: string): { text: string; change: TextChange } {
  const pos = (o: number) => {
    const before = text.slice(0, o).split('\n');
    return { line: before.length - 1, column: before[before.length - 1].length };
  };
  return {
    text: text.slice(0, offset) + insert + text.slice(offset + length),
    change: { rangeOffset: offset, rangeLength: length, text: insert, start: pos(offset), end: pos(offset + length) },
  };
}

const base = 'void f(int n, int *a) {\n  for (int i = 0; i < n; i++) a[i] = 0;\n}\n';

describe('DocumentCache', () => {
  it('re-parses incrementally to the same tree a full parse gives', async () => {
    cache = new DocumentCache(parsers);
    await cache.get('doc', 'c', 1, base);
    const at = base.indexOf('}\n');
    const e = edit(base, at, 0, '  while (n--) a[n]++;\n');
    const incremental = await cache.update('doc', 'c', 2, e.text, [e.change]);
    const full = await parsers.parse('c', e.text);
    try {
      expect(incremental.tree.rootNode.toString()).toBe(full.rootNode.toString());
      expect(findLoopNests(incremental.tree).map((n) => n.root.kind)).toEqual(['for', 'while']);
    } finally {
      full.delete();
    }
  });

  it('applies several changes of one event in the order given (end of file first)', async () => {
    cache = new DocumentCache(parsers);
    await cache.get('doc', 'c', 1, base);
    const e1 = edit(base, base.indexOf('a[i] = 0'), 'a[i] = 0'.length, 'a[i] = i');
    const e2 = edit(e1.text, 0, 0, '/* é😀 */\n');
    const parsed = await cache.update('doc', 'c', 2, e2.text, [e1.change, e2.change]);
    const full = await parsers.parse('c', e2.text);
    try {
      expect(parsed.tree.rootNode.toString()).toBe(full.rootNode.toString());
      const [nest] = findLoopNests(parsed.tree);
      expect(nest.root.range.start.line).toBe(2);
    } finally {
      full.delete();
    }
  });

  it('reuses the tree for an unchanged version and parses afresh for an unknown document', async () => {
    cache = new DocumentCache(parsers);
    const first = await cache.get('doc', 'c', 1, base);
    const again = await cache.get('doc', 'c', 1, base);
    expect(again.tree).toBe(first.tree);
    const fresh = await cache.update('other', 'cpp', 7, base, []);
    expect(fresh.version).toBe(7);
    expect(findLoopNests(fresh.tree)).toHaveLength(1);
  });
});

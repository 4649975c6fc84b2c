import type { Node } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { walk } from '../../../src/core/analysis/syntax';
import { testParserHost } from '../../helpers/paths';

/** The reference walk: pre-order through `child(i)`, as the analysis did before it used a tree cursor. */
function naiveWalk(root: Node, visit: (n: Node) => boolean | void): void {
  if (visit(root) === false) return;
  for (let i = 0; i < root.childCount; i++) {
    const c = root.child(i);
    if (c) naiveWalk(c, visit);
  }
}

const SOURCE = `
#include <stdio.h>
int g[10];
static int f(int x) { return x * 2; }
int main(void) {
  int a[100], s = 0;
  for (int i = 0; i < 100; i++) { a[i] = f(i); if (a[i] > 3) s += a[i]; }
  while (s > 0) { s--; }
  printf("%d\\n", s + g[0]);
  return 0;
}
`;

describe('syntax.walk', () => {
  it('visits the same nodes in the same order as a child-by-child pre-order walk', async () => {
    const tree = await testParserHost().parse('c', SOURCE);
    try {
      const seen: string[] = [];
      const expected: string[] = [];
      walk(tree.rootNode, (n) => void seen.push(`${n.type}@${n.startIndex}-${n.endIndex}`));
      naiveWalk(tree.rootNode, (n) => void expected.push(`${n.type}@${n.startIndex}-${n.endIndex}`));
      expect(seen.length).toBeGreaterThan(100);
      expect(seen).toEqual(expected);
    } finally {
      tree.delete();
    }
  });

  it('skips the subtree of a node whose visitor returns false, and only that subtree', async () => {
    const tree = await testParserHost().parse('c', SOURCE);
    try {
      const skip = (n: Node) => (n.type === 'compound_statement' && n.parent?.type === 'for_statement' ? false : undefined);
      const seen: string[] = [];
      const expected: string[] = [];
      walk(tree.rootNode, (n) => (seen.push(`${n.type}@${n.startIndex}`), skip(n)));
      naiveWalk(tree.rootNode, (n) => (expected.push(`${n.type}@${n.startIndex}`), skip(n)));
      expect(seen).toEqual(expected);
      expect(seen.some((s) => s.startsWith('while_statement'))).toBe(true);
      // The for-body's `s += a[i]` is skipped; the while-body's `s--` is still visited.
      expect(seen.filter((s) => s.startsWith('assignment_expression'))).toHaveLength(0);
      expect(seen.some((s) => s.startsWith('update_expression'))).toBe(true);
    } finally {
      tree.delete();
    }
  });

  it('walks a subtree without stepping out to its siblings', async () => {
    const tree = await testParserHost().parse('c', SOURCE);
    try {
      const loop = tree.rootNode.descendantsOfType('for_statement')[0] as Node;
      const seen: Node[] = [];
      walk(loop, (n) => void seen.push(n));
      expect(seen[0].id).toBe(loop.id);
      expect(seen.every((n) => n.startIndex >= loop.startIndex && n.endIndex <= loop.endIndex)).toBe(true);
      expect(seen.some((n) => n.type === 'while_statement')).toBe(false);
    } finally {
      tree.delete();
    }
  });
});

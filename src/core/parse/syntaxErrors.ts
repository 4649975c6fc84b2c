import type { Node, Tree } from 'web-tree-sitter';
import { nodeRange } from './ranges';
import type { SourceRange } from '../model';

/** A place where tree-sitter had to recover: an ERROR node or a MISSING token. */
export interface SyntaxProblem {
  readonly message: string;
  readonly range: SourceRange;
}

/** The first `limit` syntax problems in the tree, in source order; error-free subtrees are skipped. */
export function findSyntaxProblems(tree: Tree, limit = 50): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const visit = (node: Node): void => {
    if (problems.length >= limit) return;
    if (node.isMissing) {
      problems.push({ message: `missing '${node.type}'`, range: nodeRange(node) });
      return;
    }
    if (node.isError) {
      const first = node.text.split('\n', 1)[0].slice(0, 40);
      problems.push({ message: `syntax error near '${first}'`, range: nodeRange(node) });
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  return problems;
}

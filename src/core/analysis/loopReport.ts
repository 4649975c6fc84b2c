import type { Tree } from 'web-tree-sitter';
import type { LoopNest } from '../model';
import { findLoopNests, findSyntaxProblems, type LineWindow, type SyntaxProblem } from '../parse';

/** What `analyze` reports for one document: its loop nests and any syntax problems. */
export interface LoopReport {
  readonly nests: readonly LoopNest[];
  readonly syntaxProblems: readonly SyntaxProblem[];
}

/** Loop nests and syntax problems of a parsed document (optionally only within a window of lines). */
export function reportLoops(tree: Tree, window?: LineWindow): LoopReport {
  return { nests: findLoopNests(tree, window), syntaxProblems: findSyntaxProblems(tree) };
}

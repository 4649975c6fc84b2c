import type { Node } from 'web-tree-sitter';
import type { SourceRange } from '../model';

/** The source range of a syntax node (tree-sitter rows/columns are 0-based UTF-16, as ours). */
export function nodeRange(node: Node): SourceRange {
  return spanRange(node, node);
}

/** The range from the start of `first` to the end of `last`. */
export function spanRange(first: Node, last: Node): SourceRange {
  return {
    start: { line: first.startPosition.row, column: first.startPosition.column },
    end: { line: last.endPosition.row, column: last.endPosition.column },
    startOffset: first.startIndex,
    endOffset: last.endIndex,
  };
}

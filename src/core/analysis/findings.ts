import type { Node } from 'web-tree-sitter';
import type { Reason } from '../model';
import { nodeRange } from '../parse';

/** A reason pointing at a syntax node. */
export function reason(code: string, message: string, node: Node): Reason {
  return { code, message, range: nodeRange(node) };
}

/**
 * The reasons one level analysis collects as its passes run: what blocks the loop, what makes it
 * unanalysable, and which of the blocking reasons are carried dependences (for pragma race reports).
 */
export class Findings {
  readonly blocking: Reason[] = [];
  readonly notAnalysable: Reason[] = [];
  readonly races: Reason[] = [];

  /** Adds a blocking reason once per code and node (or message). */
  block(code: string, message: string, node: Node): void {
    if (!this.blocking.some((r) => r.code === code && (r.range.startOffset === node.startIndex || r.message === message))) this.blocking.push(reason(code, message, node));
  }

  /** Adds a blocking reason that is also a race an existing pragma would have. */
  race(r: Reason): void {
    if (!this.blocking.some((b) => b.code === r.code && b.range.startOffset === r.range.startOffset)) {
      this.blocking.push(r);
      this.races.push(r);
    }
  }

  /** Adds a reason the loop cannot be analysed at all. */
  unanalysable(code: string, message: string, node: Node): void {
    this.notAnalysable.push(reason(code, message, node));
  }
}

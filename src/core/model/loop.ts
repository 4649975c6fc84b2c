import type { SourceRange } from './source';

/** The syntactic form of a loop. */
export type LoopKind = 'for' | 'while' | 'do' | 'range-for';

/** One loop and the loops nested inside it, as read from the syntax tree. */
export interface LoopNode {
  readonly kind: LoopKind;
  /** Whole loop statement, header and body. */
  readonly range: SourceRange;
  /** The loop header only (`for (...)`, `while (...)`, or `do` ... `while (...)`), for CodeLens and messages. */
  readonly headerRange: SourceRange;
  /** 1 for a loop not inside another loop of the same function. */
  readonly level: number;
  readonly children: readonly LoopNode[];
}

/** An outermost loop with everything nested in it, plus where it sits. */
export interface LoopNest {
  /** Name of the enclosing function (qualified for C++ methods), or null at file scope. */
  readonly functionName: string | null;
  readonly root: LoopNode;
  /** Number of loop levels in the deepest path of the nest (1 for a single loop). */
  readonly depth: number;
  /** True when the loop, or the function around it, contains an ERROR or MISSING node. */
  readonly hasParseErrors: boolean;
}

import type { Node, Tree } from 'web-tree-sitter';
import type { LoopKind, LoopNest, LoopNode } from '../model';
import { nodeRange, spanRange } from './ranges';

const LOOP_KINDS: Record<string, LoopKind> = {
  for_statement: 'for',
  while_statement: 'while',
  do_statement: 'do',
  for_range_loop: 'range-for',
};

/** Lines (0-based, inclusive) to restrict a search to, e.g. the visible part of an editor. */
export interface LineWindow {
  readonly startLine: number;
  readonly endLine: number;
}

/** True when the node is a loop statement in any of the three grammars. */
export function isLoopNode(node: Node): boolean {
  return node.type in LOOP_KINDS;
}

const LOOP_TYPES = Object.keys(LOOP_KINDS);

/**
 * Every loop nest in the tree (outermost loops with their nested loops), in source order.
 * With a window, only nests that overlap those lines are returned and the rest is not visited.
 */
export function findLoopNests(tree: Tree, window?: LineWindow): LoopNest[] {
  // descendantsOfType walks inside the wasm module: far cheaper than visiting nodes from JS.
  const loops = window
    ? tree.rootNode.descendantsOfType(LOOP_TYPES, { row: window.startLine, column: 0 }, { row: window.endLine + 1, column: 0 })
    : tree.rootNode.descendantsOfType(LOOP_TYPES);
  return loops.filter(isOutermostLoop).map(toNest);
}

/** True when no loop encloses this one within its function (a lambda starts a new function). */
function isOutermostLoop(loop: Node): boolean {
  for (let n = loop.parent; n; n = n.parent) {
    if (isLoopNode(n)) return false;
    if (n.type === 'function_definition' || n.type === 'lambda_expression') return true;
  }
  return true;
}

/** Builds the nest rooted at an outermost loop node. */
export function toNest(loop: Node): LoopNest {
  const fn = enclosingFunction(loop);
  const root = toLoopNode(loop, 1);
  return {
    functionName: fn ? functionName(fn) : null,
    root,
    depth: nestDepth(root),
    hasParseErrors: hasParseErrorsAround(loop, fn),
  };
}

function toLoopNode(node: Node, level: number): LoopNode {
  const children: LoopNode[] = [];
  const collect = (n: Node): void => {
    for (const child of n.namedChildren) {
      // A lambda or local class body is another function: its loops are not part of this nest.
      if (child.type === 'lambda_expression' || child.type === 'function_definition') continue;
      if (isLoopNode(child)) children.push(toLoopNode(child, level + 1));
      else collect(child);
    }
  };
  const body = node.childForFieldName('body');
  // The body is either a loop itself (`for (…) for (…) x;`) or a statement holding loops.
  if (body && isLoopNode(body)) children.push(toLoopNode(body, level + 1));
  else if (body) collect(body);
  return {
    kind: LOOP_KINDS[node.type],
    range: nodeRange(node),
    headerRange: headerRange(node),
    level,
    children,
  };
}

function nestDepth(loop: LoopNode): number {
  return 1 + Math.max(0, ...loop.children.map(nestDepth));
}

/** `for (…)` / `while (…)` up to the closing parenthesis; `do` for do-while loops. */
function headerRange(loop: Node) {
  if (loop.type === 'do_statement') {
    const keyword = loop.child(0);
    return keyword ? nodeRange(keyword) : nodeRange(loop);
  }
  const body = loop.childForFieldName('body');
  let last: Node | null = null;
  for (const child of loop.children) {
    if (body && child.startIndex >= body.startIndex) break;
    last = child;
  }
  return spanRange(loop, last ?? loop);
}

/** The function definition around a node, if any (lambdas count as part of their function). */
export function enclosingFunction(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition') return n;
  }
  return null;
}

/** The declared name of a function definition: `f`, `ns::C::m`, `operator+`, `~C`. */
export function functionName(fn: Node): string {
  let declarator = fn.childForFieldName('declarator');
  // Walk through pointer/reference/parenthesised declarators to the function declarator.
  while (declarator && declarator.type !== 'function_declarator') {
    declarator = declarator.childForFieldName('declarator') ?? declarator.namedChildren.find((c) => c.type.endsWith('declarator')) ?? null;
  }
  const name = declarator?.childForFieldName('declarator');
  return name ? name.text.replace(/\s+/g, '') : '<anonymous>';
}

/**
 * A loop is not trusted when tree-sitter had to recover anywhere in it or in its function:
 * an error nearby can change what the loop means (a brace split across #ifdef branches, say).
 */
function hasParseErrorsAround(loop: Node, fn: Node | null): boolean {
  if (loop.hasError || loop.isMissing) return true;
  if (fn) return fn.hasError;
  for (let n = loop.parent; n; n = n.parent) {
    if (n.isError) return true;
  }
  const prev = loop.previousSibling;
  const next = loop.nextSibling;
  return Boolean(prev?.isError || prev?.isMissing || next?.isError || next?.isMissing);
}

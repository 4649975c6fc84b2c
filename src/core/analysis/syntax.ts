import type { Node } from 'web-tree-sitter';

/** Strips parentheses around an expression: `((a))` → `a`. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) {
    const inner = n.namedChild(0);
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** The operator token of a binary, assignment, update or unary expression (`+`, `+=`, `++`, `-`). */
export function operatorOf(node: Node): string {
  const op = node.childForFieldName('operator');
  if (op) return op.type;
  // update_expression in some grammars keeps the operator as an unnamed child without a field.
  for (const child of node.children) if (!child.isNamed) return child.type;
  return '';
}

/** The `function_declarator` of a function definition (under any pointer or reference declarators), or null. */
export function functionDeclarator(fn: Node): Node | null {
  let d = fn.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  return d;
}

/** Named children without comments, which the grammars place anywhere. */
export function codeChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** Visits every node under `root` (root included) in source order; return false to skip a subtree. */
export function walk(root: Node, visit: (node: Node) => boolean | void): void {
  // A tree cursor steps to the next sibling in constant time; `node.child(i)` costs O(i) in
  // tree-sitter, which made walks of long function bodies quadratic.
  const cursor = root.walk();
  try {
    let depth = 0;
    for (;;) {
      if (visit(cursor.currentNode) !== false && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      for (;;) {
        if (depth === 0) return;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** True when `inner` lies inside `outer` (or is it). */
export function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** The name a call invokes: `f`, `std::max` → `std::max`, `obj.size` → `.size`, or null for anything else. */
export function calleeName(call: Node): string | null {
  const fn = call.childForFieldName('function');
  if (!fn) return null;
  const f = unparen(fn);
  if (f.type === 'identifier') return f.text;
  if (f.type === 'qualified_identifier') return f.text.replace(/\s+/g, '');
  if (f.type === 'field_expression') {
    const field = f.childForFieldName('field');
    return field ? `.${field.text}` : null;
  }
  if (f.type === 'template_function') return f.childForFieldName('name')?.text ?? null;
  return null;
}

/** Expression text with all white space removed, to compare two expressions syntactically. */
export function compact(node: Node): string {
  return node.text.replace(/\s+/g, '');
}

/** Types whose values are integers (loop induction variables must have one of these). */
const INTEGER_TYPE = /^(?:(?:const|signed|unsigned|short|long|int|char)\s*)+$|^(?:std::)?(?:size_t|ssize_t|ptrdiff_t|u?int(?:8|16|32|64)_t|intptr_t|uintptr_t)$/;

/** True when a declaration's type text names an integer type. */
export function isIntegerType(typeText: string): boolean {
  return INTEGER_TYPE.test(typeText.trim().replace(/\s+/g, ' '));
}

/**
 * Like `walk`, with the chain of ancestors (root first, parent last) of each visited node: asking
 * a node for its `parent` makes tree-sitter descend from the root again, which is slow in big files.
 */
export function walkWithAncestors(root: Node, visit: (node: Node, ancestors: readonly Node[]) => boolean | void): void {
  const cursor = root.walk();
  const stack: Node[] = [];
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (visit(node, stack) !== false && cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      for (;;) {
        if (stack.length === 0) return;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The initialiser and update of a for-statement: where its header may write the counter. */
export function headerWriters(loop: Node): Node[] {
  return [loop.childForFieldName('initializer'), loop.childForFieldName('update')].filter((x): x is Node => x !== null);
}

import type { Node } from 'web-tree-sitter';
import type { Decl, Resolver } from './scope';
import { contains, unparen, walk } from './syntax';

/**
 * Facts about whole functions that the per-loop checks need again and again (every use of a
 * scalar, which variables a function assigns), computed once per function and per analysis.
 * Scalar and aliasing checks used to re-walk the enclosing function for every scalar and every
 * pair of arrays, which made large functions quadratic (csmith seed 16: seconds).
 *
 * Valid for one tree only: create one per `analyzeLoops` call.
 */
export class FunctionFacts {
  private readonly identifiersByFn = new Map<number, Map<string, Node[]>>();
  private readonly writtenByFn = new Map<number, Set<string>>();

  constructor(private readonly resolver: Resolver) {}

  /**
   * Every identifier naming `decl` inside `root` (root included), in source order: the same
   * nodes a walk of `root` would find, taken from an index of the enclosing function.
   */
  occurrences(decl: Decl, root: Node): Node[] {
    const fn = enclosingFunction(root);
    if (!fn) {
      const out: Node[] = [];
      walk(root, (n) => {
        if (n.type === 'identifier' && n.text === decl.name && this.resolver.resolve(n.text, n)?.key === decl.key) out.push(n);
      });
      return out;
    }
    const named = this.identifiers(fn).get(decl.name);
    if (!named) return [];
    const out: Node[] = [];
    for (const n of named) {
      if (root.id !== fn.id && !within(root, n)) continue;
      if (this.resolver.resolve(n.text, n)?.key === decl.key) out.push(n);
    }
    return out;
  }

  /** True when the function that declares `d` assigns or increments `d` itself somewhere (or `d` is not in a function). */
  writtenInFunction(d: Decl): boolean {
    let fn: Node | null = d.declNode;
    while (fn && fn.type !== 'function_definition') fn = fn.parent;
    if (!fn) return true;
    let keys = this.writtenByFn.get(fn.id);
    if (!keys) {
      const found = new Set<string>();
      walk(fn, (n) => {
        if (n.type === 'assignment_expression' || n.type === 'update_expression') {
          const t = unparen((n.childForFieldName('left') ?? n.childForFieldName('argument')) as Node);
          if (t.type === 'identifier') {
            const key = this.resolver.resolve(t.text, t)?.key;
            if (key !== undefined) found.add(key);
          }
        }
        return undefined;
      });
      keys = found;
      this.writtenByFn.set(fn.id, keys);
    }
    return keys.has(d.key);
  }

  /** Identifier nodes of a function by name, in source (walk) order. */
  private identifiers(fn: Node): Map<string, Node[]> {
    let map = this.identifiersByFn.get(fn.id);
    if (map) return map;
    const index = new Map<string, Node[]>();
    // One call into tree-sitter instead of a JavaScript walk over every node; document order.
    for (const n of fn.descendantsOfType('identifier')) {
      const list = index.get(n.text);
      if (list) list.push(n);
      else index.set(n.text, [n]);
    }
    map = index;
    this.identifiersByFn.set(fn.id, map);
    return map;
  }
}

/** The nearest function definition around `node` (or `node` itself). */
function enclosingFunction(node: Node): Node | null {
  let fn: Node | null = node;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  return fn;
}

/** True when `n` is `root` or one of its descendants (zero-width nodes at the edges are checked by ancestry). */
function within(root: Node, n: Node): boolean {
  if (!contains(root, n)) return false;
  if (n.startIndex !== n.endIndex && root.startIndex !== root.endIndex) return true;
  for (let p: Node | null = n; p; p = p.parent) if (p.id === root.id) return true;
  return false;
}

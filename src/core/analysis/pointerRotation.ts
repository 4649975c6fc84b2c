import type { Node } from 'web-tree-sitter';
import type { Decl, Resolver } from './scope';
import { codeChildren, unparen } from './syntax';

/**
 * Pointer swaps and rotations between time steps (`double *t = a; a = b; b = t;`, or three grids
 * `t = prev; prev = cur; cur = next; next = t;`): a run of consecutive statements in one block that
 * only copy pointers between variables. When, at the end of the run, the variables it assigns
 * (temporaries declared in the run aside) hold exactly the values they held before, permuted,
 * then the run keeps "these pointers name pairwise different objects" true, whatever the
 * condition around it. A run that drops a value (`a = b;`) or brings one in from elsewhere does not.
 */

/** The pointer variables a permuting run assigns (temporaries declared in it excluded), or null when the run around `assignment` is not a permutation. */
export function permutedByRun(assignment: Node, resolver: Resolver): Decl[] | null {
  const statement = assignment.parent;
  const block = statement?.parent;
  if (statement?.type !== 'expression_statement' || block?.type !== 'compound_statement') return null;
  const stmts = codeChildren(block);
  const at = stmts.findIndex((s) => s.id === statement.id);
  let first = at;
  let last = at;
  while (first > 0 && copies(stmts[first - 1], resolver)) first--;
  while (last + 1 < stmts.length && copies(stmts[last + 1], resolver)) last++;
  const run = stmts.slice(first, last + 1);
  if (!run.every((s) => copies(s, resolver))) return null;
  // Symbolic execution: each variable's value as the key of the variable that held it before the run.
  const value = new Map<string, string>();
  const declaredInRun = new Set<string>();
  const assigned = new Map<string, Decl>();
  const read = (id: Node): string => {
    const d = resolver.resolve(id.text, id) as Decl;
    return value.get(d.key) ?? `before:${d.key}`;
  };
  for (const s of run) {
    for (const [target, source] of copyPairs(s, resolver)) {
      const d = resolver.resolve(target.text, target) as Decl;
      if (s.type === 'declaration') declaredInRun.add(d.key);
      else if (!declaredInRun.has(d.key)) assigned.set(d.key, d);
      value.set(d.key, read(source));
    }
  }
  const before = new Set([...assigned.keys()].map((k) => `before:${k}`));
  const after = new Set([...assigned.keys()].map((k) => value.get(k) as string));
  if (after.size !== before.size || [...after].some((v) => !before.has(v))) return null;
  return [...assigned.values()];
}

/** `x = y;` or `T *x = y, *z = w;` with plain pointer variables on both sides. */
function copies(s: Node, resolver: Resolver): boolean {
  return copyPairs(s, resolver).length > 0;
}

/** The (target, source) identifier pairs of a pointer-copy statement, or [] when it is anything else. */
function copyPairs(s: Node, resolver: Resolver): [Node, Node][] {
  const isPointer = (id: Node) => {
    const d = resolver.resolve(id.text, id);
    return d !== null && d.isPointer && !d.isArray && !d.isReference && d.kind !== 'global';
  };
  if (s.type === 'expression_statement') {
    const e = codeChildren(s)[0];
    if (e?.type !== 'assignment_expression' || e.childForFieldName('operator')?.type !== '=') return [];
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || unparen(right).type !== 'identifier') return [];
    return isPointer(left) && isPointer(unparen(right)) ? [[left, unparen(right)]] : [];
  }
  if (s.type !== 'declaration') return [];
  const pairs: [Node, Node][] = [];
  for (const top of s.childrenForFieldName('declarator')) {
    if (top?.type !== 'init_declarator') return [];
    const name = top.childForFieldName('declarator');
    const value = top.childForFieldName('value');
    if (name?.type !== 'pointer_declarator' || !value || unparen(value).type !== 'identifier') return [];
    const id = name.childForFieldName('declarator');
    if (id?.type !== 'identifier' || !isPointer(id) || !isPointer(unparen(value))) return [];
    pairs.push([id, unparen(value)]);
  }
  return pairs;
}

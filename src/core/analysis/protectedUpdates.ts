import type { Node } from 'web-tree-sitter';
import { pragmaBefore } from './existingPragma';
import { compact, operatorOf, unparen, walk } from './syntax';

/**
 * Updates that an `omp atomic` or `omp critical` protects, for the existing-pragma race check
 * (issue #8 §4). Only the update statement itself is protected: `x op= e`, `x++`, `++x`, `x--`,
 * `--x`, `x = x op e`, `x = e op x` (op commutative), where x is a name or an array element and
 * e does not mention x's array or variable. Two protected updates of one location exclude each
 * other only under the same guard (atomic, or critical of one name), and their result is the
 * serial one only when their operators commute (one family); anything else stays a race.
 */

/** One protected update: the guard it runs under and its operator family. */
export interface ProtectedUpdate {
  /** `atomic`, or `critical:<name>` (criticals of different names do not exclude each other). */
  readonly guard: string;
  /** `+` (also `-`, `++`, `--`), `*`, `&`, `|` or `^`: updates of one family commute. */
  readonly family: string;
  /** The variable or array the update writes (x's root name). */
  readonly name: string;
}

/** Protected updates of a loop, by the node id of each x occurrence in them (the lvalue, and its copy in `x = x op e`). */
export type ProtectedUpdates = ReadonlyMap<number, ProtectedUpdate>;

const FAMILY: Readonly<Record<string, string>> = { '+=': '+', '-=': '+', '*=': '*', '&=': '&', '|=': '|', '^=': '^' };
const COMMUTATIVE = new Set(['+', '*', '&', '|', '^']);

/** The protected updates inside `loop` (none when it has no atomic or critical pragma). */
export function protectedUpdates(loop: Node): ProtectedUpdates {
  const out = new Map<number, ProtectedUpdate>();
  walk(loop, (n) => {
    if (n.type === 'preproc_call' || !n.isNamed || !n.type.endsWith('statement')) return;
    const guard = guardOf(pragmaBefore(n));
    if (guard === 'atomic' && n.type === 'expression_statement') record(n, guard, out);
    else if (guard?.startsWith('critical:')) {
      walk(n, (s) => {
        if (s.type === 'expression_statement') record(s, guard, out);
      });
    }
  });
  return out;
}

/** `atomic` for `omp atomic [update]` (with memory-order or hint clauses), `critical:<name>` for `omp critical`, else null. */
function guardOf(pragma: Node | null): string | null {
  if (!pragma) return null;
  const arg = (pragma.childForFieldName('argument')?.text ?? '').replace(/\\\r?\n/g, ' ').trim();
  const m = /^omp\s+(atomic|critical)\b\s*(.*)$/s.exec(arg);
  if (!m) return null;
  const rest = m[2].replace(/\bhint\s*\([^)]*\)/g, ' ').trim();
  if (m[1] === 'critical') {
    const name = /^\(\s*([A-Za-z_]\w*)\s*\)\s*$/.exec(rest)?.[1];
    return rest === '' ? 'critical:' : name ? `critical:${name}` : null;
  }
  // `read`, `write`, `capture`, `compare` and anything unknown: not a plain update.
  const words = rest.split(/[\s,]+/).filter(Boolean);
  return words.every((w) => ['update', 'seq_cst', 'relaxed', 'acq_rel', 'release', 'acquire'].includes(w)) ? 'atomic' : null;
}

/** Records the x occurrences of one expression statement when it is an update form. */
function record(stmt: Node, guard: string, out: Map<number, ProtectedUpdate>): void {
  const exprs = stmt.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (exprs.length !== 1) return;
  const form = updateForm(unparen(exprs[0]));
  if (!form) return;
  for (const x of form.xs) out.set(x.id, { guard, family: form.family, name: form.name });
}

function updateForm(e: Node): { xs: Node[]; family: string; name: string } | null {
  if (e.type === 'update_expression') {
    const x = location(e.childForFieldName('argument'));
    return x ? { xs: [x.node], family: '+', name: x.name } : null;
  }
  if (e.type !== 'assignment_expression') return null;
  const x = location(e.childForFieldName('left'));
  const right = e.childForFieldName('right');
  if (!x || !right) return null;
  const op = operatorOf(e);
  if (op in FAMILY) return mentions(right, x.name) ? null : { xs: [x.node], family: FAMILY[op], name: x.name };
  if (op !== '=') return null;
  const bin = unparen(right);
  if (bin.type !== 'binary_expression') return null;
  const bop = operatorOf(bin);
  const [l, r] = [bin.childForFieldName('left'), bin.childForFieldName('right')];
  if (!l || !r) return null;
  const same = (n: Node) => compact(unparen(n)) === compact(x.node);
  // x = x op e (op + - * & | ^), or x = e op x (op commutative: `x = e - x` does not commute).
  if (same(l) && (COMMUTATIVE.has(bop) || bop === '-') && !mentions(r, x.name)) return { xs: [x.node, unparen(l)], family: bop === '-' ? '+' : bop, name: x.name };
  if (same(r) && COMMUTATIVE.has(bop) && !mentions(l, x.name)) return { xs: [x.node, unparen(r)], family: bop, name: x.name };
  return null;
}

/** A name or an array element (`h[k]`, `h[i][j]`), with its root name; null for anything else. */
function location(n: Node | null): { node: Node; name: string } | null {
  if (!n) return null;
  const node = unparen(n);
  let root = node;
  while (root.type === 'subscript_expression') {
    const a = root.childForFieldName('argument');
    if (!a) return null;
    root = unparen(a);
  }
  if (root.type !== 'identifier') return null;
  // The subscripts must not mention the root either (`h[h[i]]++` also reads h, unprotected).
  if (node.id !== root.id && mentionsOutside(node, root)) return null;
  return { node, name: root.text };
}

function mentions(n: Node, name: string): boolean {
  let found = false;
  walk(n, (c) => {
    if (found) return false;
    if (c.type === 'identifier' && c.text === name) found = true;
  });
  return found;
}

function mentionsOutside(x: Node, root: Node): boolean {
  let found = false;
  walk(x, (c) => {
    if (found) return false;
    if (c.type === 'identifier' && c.text === root.text && c.id !== root.id) found = true;
  });
  return found;
}

/**
 * True when every occurrence of `name` in `loop` is the root of a protected update, all under one
 * guard and one operator family: then the loop's updates of it exclude each other and commute.
 */
export function onlyProtectedUpdates(loop: Node, name: string, updates: ProtectedUpdates): boolean {
  const roots = new Map<number, ProtectedUpdate>();
  for (const [id, u] of updates) if (u.name === name) roots.set(id, u);
  if (roots.size === 0) return false;
  const kinds = new Set([...roots.values()].map((u) => `${u.guard}\0${u.family}`));
  if (kinds.size !== 1) return false;
  let ok = true;
  walk(loop, (c) => {
    if (!ok) return false;
    if (c.type !== 'identifier' || c.text !== name) return;
    // Climb from the identifier through the subscripts it is the array of, to the whole x.
    let x: Node = c;
    while (!roots.has(x.id) && x.parent && ((x.parent.type === 'subscript_expression' && x.parent.childForFieldName('argument')?.id === x.id) || x.parent.type === 'parenthesized_expression')) x = x.parent;
    if (!roots.has(x.id)) ok = false;
  });
  return ok;
}

/** True when two references are protected updates that exclude each other and commute. */
export function exclusiveUpdates(a: Node, b: Node, updates: ProtectedUpdates): boolean {
  const ua = updates.get(a.id);
  const ub = updates.get(b.id);
  return !!ua && !!ub && ua.guard === ub.guard && ua.family === ub.family;
}

import type { Node } from 'web-tree-sitter';
import type { FunctionFacts } from './functionFacts';
import type { Decl, Resolver } from './scope';
import { contains, operatorOf, unparen } from './syntax';

const LOOP_TYPES = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop']);

/**
 * True when the value `loop` leaves in `decl` can never be read: every read of `decl` elsewhere in
 * the function that can run after the loop is preceded, on every path, by a plain assignment
 * (`i = 0;`, or the header of `for (i = 0; …)`): the C89 style of counters and temporaries declared
 * at function scope. Such a variable needs `private`, not `lastprivate`, and does not stop an
 * enclosing level. False for globals, statics, references, arrays and pointers, and when `goto`, a lambda or `&decl`
 * could reach the value another way.
 */
export function reinitialisedBeforeEveryUse(decl: Decl, loop: Node, facts: FunctionFacts, resolver: Resolver): boolean {
  if (decl.kind === 'global' || decl.isStatic || decl.isReference || decl.isArray || decl.isPointer) return false;
  let fn: Node | null = loop.parent;
  const enclosing: Node[] = [];
  while (fn && fn.type !== 'function_definition') {
    if (fn.type === 'lambda_expression') return false;
    if (LOOP_TYPES.has(fn.type)) enclosing.push(fn);
    fn = fn.parent;
  }
  if (!fn || fn.descendantsOfType('goto_statement').length > 0) return false;
  const isX = (n: Node | null): boolean => n !== null && n.type === 'identifier' && resolver.resolve(n.text, n)?.key === decl.key;
  for (const o of facts.occurrences(decl, fn)) {
    if (o.id === decl.nameNode.id || contains(loop, o)) continue;
    // Before the loop and outside every loop around it: runs only before the loop does.
    if (o.startIndex < loop.startIndex && !enclosing.some((e) => contains(e, o))) continue;
    if (insideLambda(o, fn) || addressTaken(o)) return false;
    if (plainWrite(o, decl.name)) continue;
    if (!killedBefore(o, loop, fn, decl.name, isX)) return false;
  }
  return true;
}

function insideLambda(o: Node, fn: Node): boolean {
  for (let p = o.parent; p && p.id !== fn.id; p = p.parent) if (p.type === 'lambda_expression') return true;
  return false;
}

function addressTaken(o: Node): boolean {
  let n = o;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  return p?.type === 'pointer_expression' && p.text.trimStart().startsWith('&');
}

/** `x = e` with `o` as x and e not naming x: a write that reads nothing of the old value. */
function plainWrite(o: Node, name: string): boolean {
  const p = o.parent;
  if (p?.type !== 'assignment_expression' || operatorOf(p) !== '=' || p.childForFieldName('left')?.id !== o.id) return false;
  const right = p.childForFieldName('right') as Node;
  return !right.descendantsOfType('identifier').some((id) => id.text === name);
}

/** The statement assigns x unconditionally before anything else reads it: `x = e;` or `for (x = e; …)`. */
function kills(stmt: Node, name: string, isX: (n: Node | null) => boolean): boolean {
  const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : stmt.type === 'for_statement' ? stmt.childForFieldName('initializer') : null;
  if (!assign || assign.type !== 'assignment_expression' || operatorOf(assign) !== '=') return false;
  const left = unparen(assign.childForFieldName('left') as Node);
  return isX(left) && plainWrite(left, name);
}

/**
 * Every path from the end of `loop` to the read `o` passes a statement that kills x: `o` is in a
 * `for` (not around the loop) whose header kills x, or an earlier statement of a block around `o`
 * (not a switch body, the part holding `o` not holding the loop) kills it.
 */
function killedBefore(o: Node, loop: Node, fn: Node, name: string, isX: (n: Node | null) => boolean): boolean {
  for (let child: Node = o, p = o.parent; p && p.id !== fn.id; child = p, p = p.parent) {
    if (contains(child, loop) && child.id !== o.id) return false;
    if (p.type === 'for_statement' && !contains(p, loop) && child.id !== p.childForFieldName('initializer')?.id && kills(p, name, isX)) return true;
    if (p.type === 'compound_statement' && p.parent?.type !== 'switch_statement') {
      // Only statements between the loop and `o` count: stop at the one holding the loop.
      for (let s = child.previousNamedSibling; s && !contains(s, loop); s = s.previousNamedSibling) {
        if (kills(s, name, isX)) return true;
      }
    }
  }
  return false;
}

import type { Node } from 'web-tree-sitter';
import type { ReductionOp } from '../model';
import { isLoopNode } from '../parse';
import type { FunctionFacts } from './functionFacts';
import type { Decl } from './scope';
import { calleeName, compact, contains, operatorOf, unparen } from './syntax';

/** How a scalar written in a loop behaves across iterations. */
export type ScalarClass =
  | { readonly role: 'reduction'; readonly op: ReductionOp }
  | { readonly role: 'private'; readonly insideLoop?: Node }
  | { readonly role: 'carried'; readonly code: string; readonly message: string; readonly node: Node };

const COMPOUND: Record<string, ReductionOp> = { '+=': '+', '-=': '-', '*=': '*', '&=': '&', '|=': '|', '^=': '^' };
const BINARY: Record<string, ReductionOp> = { '+': '+', '-': '-', '*': '*', '&': '&', '|': '|', '^': '^', '&&': '&&', '||': '||' };
const COMMUTATIVE = new Set(['+', '*', '&', '|', '^', '&&', '||']);
const MAX_FN = /^(?:std::)?(?:fmax[fl]?|max)$/;
const MIN_FN = /^(?:std::)?(?:fmin[fl]?|min)$/;

function mentions(expr: Node, occ: readonly Node[]): boolean {
  return occ.some((o) => contains(expr, o));
}

/**
 * Classifies a scalar declared outside `loop` and written inside it: a reduction (every use is
 * an update of one operator), private (written before it is read in every iteration), or carried.
 */
export function classifyScalar(decl: Decl, loop: Node, facts: FunctionFacts, isInnerInduction: boolean): ScalarClass {
  const occ = facts.occurrences(decl, loop);
  if (occ.length === 0) return { role: 'private' };
  if (!isInnerInduction && !decl.isPointer) {
    const op = reductionOp(occ);
    if (op) return { role: 'reduction', op };
  }
  const first = writtenFirst(occ[0], loop, occ);
  if (first) return first.insideLoop ? { role: 'private', insideLoop: first.insideLoop } : { role: 'private' };
  const allWrites = occ.every((o) => isPlainWrite(o, occ));
  if (allWrites) {
    return {
      role: 'carried',
      code: 'conditional-write',
      message: `\`${decl.name}\` is written only in some iterations, so its value after the loop depends on which iteration ran last: keep the loop sequential or restructure it`,
      node: occ[0],
    };
  }
  const pair = argMinMaxPartner(occ);
  if (pair) {
    return {
      role: 'carried',
      code: 'arg-min-max',
      message: `\`${decl.name}\` is a running min/max kept together with \`${pair}\` in one \`if\` (an arg-max/arg-min): OpenMP reduces each variable on its own, so \`${pair}\` would not follow the value it belongs to; ParaForge does not rewrite the loop into a (value, index) reduction`,
      node: occ[0],
    };
  }
  return {
    role: 'carried',
    code: 'scalar-dependence',
    message: `\`${decl.name}\` is read before it is written in an iteration, so each iteration uses the value the previous one left: loop-carried dependence on \`${decl.name}\``,
    node: occ.find((o) => !isPlainWrite(o, occ)) ?? occ[0],
  };
}

/** `x = e` where e does not use x. */
function isPlainWrite(o: Node, occ: readonly Node[]): boolean {
  const p = o.parent;
  if (p?.type !== 'assignment_expression' || p.childForFieldName('left')?.id !== o.id || operatorOf(p) !== '=') return false;
  return !mentions(p.childForFieldName('right') as Node, occ);
}

/**
 * Whether the first occurrence is a plain write that every use in the same iteration follows:
 * at the top of the loop body (through blocks, or as an inner for-statement's initialiser), or at
 * the top of an inner loop's body that holds every occurrence (C89 `k` of `for (j…) for (k = 0;…)`).
 * In the second case `insideLoop` is that inner loop: an iteration in which it runs no iteration
 * does not write the variable.
 */
function writtenFirst(first: Node, loop: Node, occ: readonly Node[]): { insideLoop: Node | null } | null {
  if (!isPlainWrite(first, occ)) return null;
  const assign = first.parent as Node;
  let n: Node = assign;
  let p = n.parent;
  if (p?.type === 'for_statement' && p.childForFieldName('initializer')?.id === n.id) {
    n = p;
    p = n.parent;
  } else if (p?.type === 'expression_statement') {
    n = p;
    p = n.parent;
  } else return null;
  let insideLoop: Node | null = null;
  // Up to the loop, only blocks and the bodies of inner loops (entered at the top) are allowed.
  while (p && p.id !== loop.id) {
    const isBody = isLoopNode(p) && p.childForFieldName('body')?.id === n.id;
    if (p.type !== 'compound_statement' && !isBody) return null;
    // Only the innermost such body matters: every occurrence must be inside it, after the write.
    if (isBody && !insideLoop) {
      const body = n;
      if (!occ.every((o) => contains(body, o))) return null;
      insideLoop = p;
    }
    n = p;
    p = n.parent;
  }
  return p !== null && p.childForFieldName('body')?.id === n.id ? { insideLoop } : null;
}

/** The reduction operator if every occurrence is part of an update `x op= e` (one operator family), else null. */
function reductionOp(occ: readonly Node[]): ReductionOp | null {
  const consumed = new Set<number>();
  const ops = new Set<ReductionOp>();
  for (const o of occ) {
    if (consumed.has(o.id)) continue;
    const r = updateAt(o, occ);
    if (!r) return null;
    r.uses.forEach((u) => consumed.add(u.id));
    ops.add(r.op);
  }
  if (ops.size === 1) return [...ops][0];
  if ([...ops].every((op) => op === '+' || op === '-')) return '+';
  return null;
}

function isStatement(n: Node | null): boolean {
  return n?.type === 'expression_statement';
}

function updateAt(o: Node, occ: readonly Node[]): { op: ReductionOp; uses: Node[] } | null {
  const p = o.parent;
  if (!p) return null;
  // x++ / --x as a statement.
  if (p.type === 'update_expression' && isStatement(p.parent)) return { op: p.text.includes('--') ? '-' : '+', uses: [o] };
  if (p.type === 'assignment_expression' && p.childForFieldName('left')?.id === o.id && isStatement(p.parent)) {
    const right = p.childForFieldName('right') as Node;
    const op = operatorOf(p);
    const others = occ.filter((x) => contains(right, x));
    if (op in COMPOUND) return others.length === 0 ? { op: COMPOUND[op], uses: [o] } : null;
    if (op !== '=') return null;
    const r = unparen(right);
    // `x = e` alone may still be the assignment half of the `if (e > x) x = e;` idiom below.
    if (others.length === 1) return binaryUpdate(o, r, others[0]);
  }
  return ifIdiom(o, occ);
}

function binaryUpdate(o: Node, r: Node, self: Node): { op: ReductionOp; uses: Node[] } | null {
  {
    if (r.type === 'binary_expression') {
      const bop = operatorOf(r);
      const l = unparen(r.childForFieldName('left') as Node);
      const rr = unparen(r.childForFieldName('right') as Node);
      if (!(bop in BINARY)) return null;
      if (l.id === self.id) return { op: BINARY[bop], uses: [o, self] };
      if (rr.id === self.id && COMMUTATIVE.has(bop)) return { op: BINARY[bop], uses: [o, self] };
      return null;
    }
    if (r.type === 'call_expression') {
      const name = calleeName(r) ?? '';
      const args = (r.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null);
      if (args.length !== 2 || !args.some((a) => unparen(a).id === self.id)) return null;
      if (MAX_FN.test(name)) return { op: 'max', uses: [o, self] };
      if (MIN_FN.test(name)) return { op: 'min', uses: [o, self] };
    }
    return null;
  }
}

function ifIdiom(o: Node, occ: readonly Node[]): { op: ReductionOp; uses: Node[] } | null {
  // if (e > x) x = e;  (and the other spellings of max/min)
  const ifStmt = enclosingIf(o);
  if (!ifStmt || ifStmt.childForFieldName('alternative')) return null;
  let condNode = ifStmt.childForFieldName('condition') as Node;
  // C++ wraps the condition in a condition_clause.
  if (condNode.type === 'condition_clause') condNode = condNode.childForFieldName('value') ?? condNode.namedChild(0) ?? condNode;
  const cond = comparisonOf(unparen(condNode), occ);
  if (!cond) return null;
  const cop = operatorOf(cond);
  const cl = unparen(cond.childForFieldName('left') as Node);
  const cr = unparen(cond.childForFieldName('right') as Node);
  let cons = ifStmt.childForFieldName('consequence');
  while (cons?.type === 'compound_statement') {
    const kids = cons.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    cons = kids.length === 1 ? kids[0] : null;
  }
  const assign = cons?.type === 'expression_statement' ? cons.namedChild(0) : null;
  if (!assign || assign.type !== 'assignment_expression' || operatorOf(assign) !== '=') return null;
  const target = unparen(assign.childForFieldName('left') as Node);
  const value = assign.childForFieldName('right') as Node;
  const condSelf = occ.find((x) => x.id === cl.id || x.id === cr.id);
  const targetSelf = occ.find((x) => x.id === target.id);
  if (!condSelf || !targetSelf || mentions(value, occ)) return null;
  const e = condSelf.id === cl.id ? cr : cl;
  if (mentions(e, occ) || compact(e) !== compact(value)) return null;
  const inIf = occ.filter((x) => contains(ifStmt, x));
  if (inIf.length !== 2) return null;
  // e > x or x < e: a new maximum.
  const eGreater = (condSelf.id === cr.id && (cop === '>' || cop === '>=')) || (condSelf.id === cl.id && (cop === '<' || cop === '<='));
  const eLess = (condSelf.id === cr.id && (cop === '<' || cop === '<=')) || (condSelf.id === cl.id && (cop === '>' || cop === '>='));
  if (eGreater) return { op: 'max', uses: inIf };
  if (eLess) return { op: 'min', uses: inIf };
  return null;
}

/**
 * The comparison of `if (e < x)`, also under a guard: `if (c && e < x)` keeps the min over the
 * iterations where c holds (c must not mention x). A guard after the comparison runs only when
 * the comparison holds, which depends on the thread's own copy of x: it must have no side effects.
 */
function comparisonOf(cond: Node, occ: readonly Node[]): Node | null {
  const conjuncts: Node[] = [];
  const flatten = (n: Node) => {
    const u = unparen(n);
    if (u.type === 'binary_expression' && operatorOf(u) === '&&') {
      flatten(u.childForFieldName('left') as Node);
      flatten(u.childForFieldName('right') as Node);
    } else conjuncts.push(u);
  };
  flatten(cond);
  const withSelf = conjuncts.filter((c) => mentions(c, occ));
  if (withSelf.length !== 1 || withSelf[0].type !== 'binary_expression') return null;
  const at = conjuncts.indexOf(withSelf[0]);
  const later = conjuncts.slice(at + 1);
  if (later.some((c) => c.descendantsOfType(['call_expression', 'assignment_expression', 'update_expression']).length > 0 || /^(?:call|assignment|update)_expression$/.test(c.type))) return null;
  return withSelf[0];
}

/** For `if (e > m) { m = e; k = i; }`: the other variable the if assigns along with m, or null. */
function argMinMaxPartner(occ: readonly Node[]): string | null {
  const read = occ.find((o) => !isPlainWrite(o, occ));
  const ifStmt = read ? enclosingIf(read) : null;
  if (!read || !ifStmt || !contains(ifStmt.childForFieldName('condition') as Node, read)) return null;
  const cons = ifStmt.childForFieldName('consequence');
  if (cons?.type !== 'compound_statement') return null;
  const assigned = cons.namedChildren
    .map((c) => (c?.type === 'expression_statement' ? c.namedChild(0) : null))
    .filter((a): a is Node => a?.type === 'assignment_expression')
    .map((a) => unparen(a.childForFieldName('left') as Node));
  if (!assigned.some((t) => occ.some((o) => o.id === t.id))) return null;
  const other = assigned.find((t) => t.type === 'identifier' && !occ.some((o) => o.id === t.id));
  return other ? other.text : null;
}

function enclosingIf(o: Node): Node | null {
  for (let p = o.parent; p; p = p.parent) {
    if (p.type === 'if_statement') return p;
    if (p.type.endsWith('_statement') && p.type !== 'expression_statement' && p.type !== 'compound_statement') return null;
  }
  return null;
}

/**
 * True when the loop's final value of `decl` may be read later: a global or static, a use
 * after the loop that does not overwrite it first, or any use in an enclosing loop.
 */
export function isLiveAfter(decl: Decl, loop: Node, facts: FunctionFacts): boolean {
  if (decl.kind === 'global' || decl.isStatic || decl.isReference) return true;
  let fn: Node | null = loop.parent;
  let enclosingLoop: Node | null = null;
  while (fn && fn.type !== 'function_definition') {
    if (!enclosingLoop && /^(for|while|do)_statement$|^for_range_loop$/.test(fn.type)) enclosingLoop = fn;
    fn = fn.parent;
  }
  if (!fn) return true;
  const all = facts.occurrences(decl, fn).filter((o) => !contains(loop, o));
  if (enclosingLoop && all.some((o) => contains(enclosingLoop as Node, o) && o.startIndex > decl.nameNode.startIndex)) return true;
  const after = all.filter((o) => o.startIndex >= loop.endIndex);
  if (after.length === 0) return false;
  const first = after[0];
  const p = first.parent;
  const overwritten = p?.type === 'assignment_expression' && p.childForFieldName('left')?.id === first.id && operatorOf(p) === '=' && !after.some((x) => contains(p.childForFieldName('right') as Node, x));
  return !overwritten;
}

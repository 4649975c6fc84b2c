import type { Node } from 'web-tree-sitter';
import type { Decl, Resolver } from '../analysis/scope';
import { codeChildren, contains, unparen } from '../analysis/syntax';
import type { LanguageId, LoopFacts } from '../model';
import { countedHeader, type CountedHeader, perfectlyNestedLoop, pragmasOn } from './interchangeSyntax';

/**
 * The proof shared by the exact reorderings of a sum nest inside a parallel loop's body
 * (transform/columnSweep, transform/unrollJam):
 *
 *   for (j …) { T s = init; for (k …) [for (k2 …) …] s OP= E; consumers(s) }
 *
 * Both keep every s's own terms and their order, and both move *when* E and init are evaluated
 * relative to the consumers of other j. That is proven only when they cannot observe each other:
 * E and init have no side effects and call only library-pure functions; every array they read is
 * proven distinct (the dependence test's alias facts) from every array L_j writes; every scalar
 * they or the loop bounds read is a local or parameter that L_j never writes and whose address is
 * never taken; `s` is declared in L_j's body; no jump leaves L_j; no preprocessor line inside.
 */

/** Functions of libm E may call: pure, and they never throw (an exception would move with E). */
const LIBM = new Set(['sqrt', 'sqrtf', 'fabs', 'fabsf', 'abs', 'labs', 'exp', 'expf', 'log', 'logf', 'sin', 'sinf', 'cos', 'cosf', 'pow', 'powf', 'fmin', 'fmax', 'floor', 'ceil', 'tanh', 'atan', 'hypot', 'cbrt']);

/** Node types that may jump out of L_j, run code we cannot see, or take a reference we cannot follow. */
const BANNED = new Set(['break_statement', 'continue_statement', 'goto_statement', 'return_statement', 'labeled_statement', 'throw_statement', 'try_statement', 'new_expression', 'delete_expression', 'lambda_expression', 'gnu_asm_expression', 'reference_declarator', 'co_await_expression', 'co_return_statement', 'co_yield_statement']);

/** What E and init may be made of: reads, arithmetic and library-pure calls. */
const PURE_EXPR = new Set(['identifier', 'number_literal', 'char_literal', 'true', 'false', 'parenthesized_expression', 'binary_expression', 'unary_expression', 'conditional_expression', 'cast_expression', 'subscript_expression', 'subscript_argument_list', 'call_expression', 'argument_list']);

export const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=']);

export function all(node: Node, pred: (n: Node) => boolean, out: Node[] = []): Node[] {
  if (pred(node)) out.push(node);
  for (const c of node.namedChildren) if (c) all(c, pred, out);
  return out;
}


/** Why `expr` is not a side-effect-free expression E or init may be; null when it is. */
export function impurity(expr: Node, facts: LoopFacts, resolver: Resolver): string | null {
  // The type of a cast is not an expression: skipped.
  if (expr.type === 'type_descriptor') return null;
  if (!PURE_EXPR.has(expr.type)) return `\`${expr.text}\` is not a plain read or arithmetic`;
  if (expr.type === 'unary_expression' && !['-', '+', '!', '~'].includes(expr.child(0)?.text ?? '')) return `\`${expr.text}\` is not a plain read or arithmetic`;
  if (expr.type === 'subscript_expression' && expr.childForFieldName('argument')?.type !== 'identifier' && !inArrayRows(expr, resolver)) return `\`${expr.text}\` is a multi-level access (a row pointer may point anywhere)`;
  if (expr.type === 'call_expression') {
    const fn = expr.childForFieldName('function');
    const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'qualified_identifier' && /^std::\w+$/.test(fn.text) ? fn.text.slice(5) : null;
    const fact = facts.calls.find((c) => c.range.startOffset === expr.startIndex);
    if (!name || !LIBM.has(name) || fact?.effect !== 'pure') return `\`${expr.text}\` calls a function that is not a pure math library function`;
    // The callee's name is not a read (a qualified value `ns::g` elsewhere is refused: its reads are not checked).
    const args = expr.childForFieldName('arguments');
    return args ? impurity(args, facts, resolver) : null;
  }
  for (const c of expr.namedChildren) {
    const why = c ? impurity(c, facts, resolver) : null;
    if (why) return why;
  }
  return null;
}

/**
 * True when `a[x][y]…` indexes one multi-dimensional array (`T a[N][M]`, local or parameter): no
 * row is a pointer loaded from memory, so the only array read is `a` itself.
 */
function inArrayRows(sub: Node, resolver: Resolver): boolean {
  let depth = 0;
  let base: Node | null = sub;
  for (; base?.type === 'subscript_expression'; base = base.childForFieldName('argument')) depth++;
  const d = base?.type === 'identifier' ? resolver.resolve(base.text, base) : null;
  if (!d?.isArray) return false;
  let dims = 0;
  for (let n = d.nameNode.parent; n?.type === 'array_declarator'; n = n.parent) dims++;
  return dims >= depth;
}

/** The identifiers an expression reads as values, and the arrays it reads (subscript bases); call names excluded. */
export function readsOf(expr: Node): { names: Node[]; arrays: Node[] } {
  const names: Node[] = [];
  const arrays: Node[] = [];
  for (const id of all(expr, (n) => n.type === 'identifier')) {
    const p = id.parent;
    if (p?.type === 'call_expression' && p.childForFieldName('function')?.id === id.id) continue;
    if (p?.type === 'qualified_identifier' && p.parent?.type === 'call_expression') continue;
    if (p?.type === 'subscript_expression' && p.childForFieldName('argument')?.id === id.id) arrays.push(id);
    else names.push(id);
  }
  return { names, arrays };
}

/** The scalars and arrays L_j's body writes, or why a write cannot be told. */
function writesOf(body: Node, loopJ: Node, resolver: Resolver): { scalars: Set<string>; arrays: Node[] } | string {
  const scalars = new Set<string>();
  const arrays: Node[] = [];
  for (const n of all(body, (x) => x.type === 'assignment_expression' || x.type === 'update_expression')) {
    const target = unparen((n.type === 'assignment_expression' ? n.childForFieldName('left') : n.childForFieldName('argument'))!);
    if (target.type === 'identifier') {
      const d = resolver.resolve(target.text, target);
      // A scalar declared outside L_j may be memory E reads only through its address or a reference.
      if (d && !contains(loopJ, d.declNode) && (d.kind === 'global' || d.isReference || addressTaken(target.text, target))) return `the loop writes \`${target.text}\`, which other pointers may reach`;
      scalars.add(target.text);
      continue;
    }
    const base = target.type === 'subscript_expression' ? target.childForFieldName('argument') : null;
    if (base?.type !== 'identifier') return `the loop writes through \`${target.text}\`, which may be memory the sum reads`;
    scalars.add(base.text);
    arrays.push(base);
  }
  return { scalars, arrays };
}

/** True when `name` has its address taken (or may be captured by reference) in the function around `at`. */
function addressTaken(name: string, at: Node): boolean {
  let fn: Node | null = at;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  const text = fn?.text ?? '';
  return /\[\s*[&=]|\baddressof\b/.test(text) || new RegExp(`(?<![&\\w)\\]])&[\\s(]*${name}\\b`).test(text);
}

/** Why the value of scalar `id` could change while L_j runs (other than by L_j's own writes); null when stable. */
export function unstableScalar(id: Node, resolver: Resolver): string | null {
  const d: Decl | null = resolver.resolve(id.text, id);
  if (!d) return resolver.file.intMacros.has(id.text) || resolver.file.enumerators.has(id.text) ? null : `\`${id.text}\` is not a variable of this file`;
  if (d.isVolatile) return `\`${id.text}\` is volatile`;
  if (d.isReference) return `\`${id.text}\` is a reference (it may name memory the loop writes)`;
  if (d.kind === 'global' && !d.isConst) return `\`${id.text}\` is a global (a pointer may reach it)`;
  if (addressTaken(id.text, id)) return `\`${id.text}\` has its address taken in the function`;
  return null;
}

export const isVector = (language: LanguageId, d: Decl | null) => language === 'cpp' && d !== null && /^(?:const\s+)?(?:std::)?vector\s*</.test(d.typeText);

/** True when the run-time check has the conjunct `&a != &b` (either way round). */
function checkedDistinct(check: string | null, a: string, b: string): boolean {
  return (check ?? '').split('&&').map((c) => c.replace(/\s+/g, '')).some((c) => c === `&${a}!=&${b}` || c === `&${b}!=&${a}`);
}

/** A name not used anywhere in the file: `base` + line, with underscores added until it is free. */
export function freshName(text: string, base: string): string {
  let name = base;
  while (new RegExp(`\\b${name}\\b`).test(text)) name += '_';
  return name;
}

/** The text between offsets `from` and `to`, with each identifier of `ids` in it that `replace` maps replaced (others kept). */
export function substituted(text: string, from: number, to: number, ids: readonly Node[], replace: (id: Node) => string | null): string {
  let out = text.slice(from, to);
  const edits = ids.filter((id) => id.startIndex >= from && id.endIndex <= to).map((id) => ({ id, by: replace(id) })).filter((e) => e.by !== null).sort((a, b) => b.id.startIndex - a.id.startIndex);
  for (const { id, by } of edits) out = out.slice(0, id.startIndex - from) + by + out.slice(id.endIndex - from);
  return out;
}

/** The indentation of the line holding `offset`. */
export function indentOf(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', offset - 1) + 1))?.[0] ?? '';
}


/** The parts of a sum nest whose reordering is proven exact (see the file comment). */
export interface ReorderableLoop {
  readonly hj: CountedHeader;
  /** The k nest around the update, outermost first (perfectly nested counted loops). */
  readonly ks: readonly CountedHeader[];
  readonly decl: Node;
  /** The type node of `T s` (a primitive or sized arithmetic type). */
  readonly type: Node;
  readonly s: string;
  readonly init: Node;
  /** The update expression `s OP= E` (or `s = f(s, E)`). */
  readonly update: Node;
  /** The arrays E reads (subscript bases). */
  readonly sumArrays: readonly Node[];
  readonly consumers: readonly Node[];
  /** True when E or init reads a std::vector (its operator[] can keep gcc from vectorising a loop). */
  readonly containerReads: boolean;
}

/** The parsed nest with its reordering proven exact, or why it is not (`maxDepth`: how deep the k nest may be). */
export function reorderableLoop(loopJ: Node, language: LanguageId, facts: LoopFacts, resolver: Resolver, runtimeCheck: string | null, maxDepth: number): { readonly ok: true; readonly loop: ReorderableLoop } | { readonly ok: false; readonly reason: string } {
  const refuse = (reason: string) => ({ ok: false as const, reason });
  const hj = countedHeader(loopJ);
  if (!hj) return refuse('the loop header is not a counted `for (T j = lo; j < hi; j++)` with plain bounds');
  const banned = all(loopJ, (n) => BANNED.has(n.type) || n.type.startsWith('preproc') || (n.type === 'pointer_expression' && n.child(0)?.text === '&'));
  // A pragma line on the loop (`#pragma omp simd`, `#pragma GCC ivdep`) would end up on the new block.
  if (pragmasOn(loopJ).length) return refuse('a pragma or preprocessor line sits on the loop');
  if (banned.length) return refuse(`\`${banned[0].text.split('\n')[0]}\`: a jump, a preprocessor line, a reference or an address-of inside the loop`);
  const body = loopJ.childForFieldName('body');
  if (body?.type !== 'compound_statement') return refuse('the loop body is not a block');
  const [decl, loopK, ...consumers] = codeChildren(body);
  if (decl?.type !== 'declaration' || loopK?.type !== 'for_statement') return refuse('the body does not start with `T s = init;` followed by a for loop');
  // `T s = init;` with T arithmetic, one declarator, no qualifier or storage class (volatile, static, const).
  const type = decl.childForFieldName('type');
  const declarators = decl.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
  if (!type || !['primitive_type', 'sized_type_specifier'].includes(type.type) || decl.namedChildren.some((c) => c !== null && c.id !== type.id && c.type !== 'init_declarator')) return refuse('`s` is not a plain arithmetic local');
  if (declarators.length !== 1 || declarators[0].type !== 'init_declarator') return refuse('the declaration is not one `T s = init`');
  const sNode = declarators[0].childForFieldName('declarator');
  const init = declarators[0].childForFieldName('value');
  if (sNode?.type !== 'identifier' || !init || init.type === 'initializer_list') return refuse('the declaration is not one `T s = init`');
  const s = sNode.text;
  const j = hj.varName;
  // The k nest: counted loops, each the only statement of the one around it, none bounded by j or s.
  const ks: CountedHeader[] = [];
  for (let l: Node | null = loopK; l; l = perfectlyNestedLoop(l)) {
    const h = countedHeader(l);
    if (!h) return refuse('the inner loop header is not a counted `for (T k = lo; k < hi; k++)` with plain bounds');
    if (h.boundNames.includes(j) || h.boundNames.includes(s)) return refuse(`the \`${h.varName}\` loop's bounds depend on \`${j}\` or \`${s}\` (each \`${j}\` would need its own bounds)`);
    ks.push(h);
  }
  if (ks.length > maxDepth) return refuse(`the sum runs in a nest of ${ks.length} loops`);
  const counters = new Set([j, ...ks.map((h) => h.varName)]);
  // The innermost body is exactly one assignment to s: `s OP= E` or `s = f(s, E)`.
  const k = ks[ks.length - 1];
  const kBody = k.loop.childForFieldName('body');
  const kStmts = kBody?.type === 'compound_statement' ? codeChildren(kBody) : kBody ? [kBody] : [];
  const update = kStmts.length === 1 && kStmts[0].type === 'expression_statement' ? kStmts[0].namedChild(0) : null;
  const left = update?.type === 'assignment_expression' ? update.childForFieldName('left') : null;
  const op = update?.child(1)?.text ?? '';
  const rhs = update?.childForFieldName('right');
  if (!update || !left || !rhs || unparen(left).type !== 'identifier' || unparen(left).text !== s || !ASSIGN_OPS.has(op)) return refuse(`the \`${k.varName}\` loop's body is not one update \`${s} OP= E\` or \`${s} = f(${s}, E)\``);
  const why = impurity(rhs, facts, resolver) ?? impurity(init, facts, resolver);
  if (why) return refuse(why);
  // Every call L_j makes (the consumers' too) only reads: a write we cannot see could reach what E reads.
  for (const c of all(loopJ, (n) => n.type === 'call_expression')) {
    const fact = facts.calls.find((f) => f.range.startOffset === c.startIndex);
    if (!fact || (fact.effect !== 'pure' && fact.effect !== 'user-pure')) return refuse(`\`${c.text}\` may write memory the sum reads`);
  }
  const writes = writesOf(body, loopJ, resolver);
  if (typeof writes === 'string') return refuse(writes);
  if (writes.scalars.has(j)) return refuse(`the body writes \`${j}\``);
  // Values E, init and the bounds read: stable scalars the loop never writes (the nest's counters aside).
  const e = readsOf(rhs);
  const i0 = readsOf(init);
  const boundIds = [hj, ...ks].flatMap((h: CountedHeader) => all(h.loop, (n) => n.type === 'identifier' && n.text !== h.varName && h.boundNames.includes(n.text) && !counters.has(n.text) && !contains(h.loop.childForFieldName('body')!, n)));
  const scalarReads = [...e.names.filter((n) => !counters.has(n.text) && n.text !== s), ...i0.names.filter((n) => n.text !== j), ...boundIds];
  if (i0.names.some((n) => n.text === s)) return refuse(`the initial value reads \`${s}\``);
  for (const id of scalarReads) {
    if (writes.scalars.has(id.text)) return refuse(`the loop writes \`${id.text}\`, which the sum or a bound reads`);
    const unstable = unstableScalar(id, resolver);
    if (unstable) return refuse(unstable);
  }
  // Arrays E and init read: not written in L_j, and proven distinct from every array L_j writes.
  let containerReads = false;
  for (const a of [...e.arrays, ...i0.arrays]) {
    const d = resolver.resolve(a.text, a);
    const container = isVector(language, d);
    containerReads ||= container;
    if (!d || d.isVolatile || !(d.isArray || d.isPointer || container)) return refuse(`\`${a.text}\` is not an array, pointer or std::vector of this file`);
    if (writes.scalars.has(a.text)) return refuse(`the loop writes \`${a.text}\`, which the sum reads`);
    for (const b of writes.arrays) {
      const bd = resolver.resolve(b.text, b);
      if (bd && contains(loopJ, bd.declNode) && bd.isArray && !bd.isPointer) continue;
      const fact = facts.aliases.find((f) => (f.a === a.text && f.b === b.text) || (f.a === b.text && f.b === a.text));
      const checked = fact?.kind === 'may-alias-params' && isVector(language, d) && isVector(language, bd) && checkedDistinct(runtimeCheck, a.text, b.text);
      if (a.text === b.text || (fact?.kind !== 'distinct' && !checked)) return refuse(`the loop writes \`${b.text}\`, which may be the memory \`${a.text}\` the sum reads`);
    }
  }
  return { ok: true, loop: { hj, ks, decl, type, s, init, update, sumArrays: e.arrays, consumers, containerReads } };
}

import type { Node, Tree } from 'web-tree-sitter';
import type { Decl, Resolver } from '../analysis/scope';
import { codeChildren, contains, unparen } from '../analysis/syntax';
import type { AccessFact, AffineExpr, LanguageId, LoopFacts, LoopVerdict, Reason, TextEdit } from '../model';
import { nodeRange } from '../parse';
import { countedHeader, type CountedHeader, forLoopAt, pragmasOn } from './interchangeSyntax';

/**
 * Column sweep (issue #7 §3/§4): in the body of a parallel loop, the nest
 *
 *   for (j …) { T s = init; for (k …) s OP= E; consumers(s) }
 *
 * becomes scalar expansion of `s` into a buffer plus interchange of the j and k loops:
 *
 *   buf[j] = init;  for (k …) for (j …) buf[j] OP= E;  for (j …) { T s = buf[j]; consumers(s) }
 *
 * Exact, not just "equal up to rounding": every s still starts from the same init and takes the
 * same updates in the same k order, so no associativity is assumed. What it moves is *when* each
 * E and init is evaluated relative to the consumers of earlier j, so it is proven only when they
 * cannot observe each other: E and init have no side effects and call only library-pure
 * functions; every array they read is proven distinct (the dependence test's alias facts) from
 * every array L_j writes; every scalar they or the loop bounds read is a local or parameter that L_j
 * never writes and whose address is never taken; `s` is declared in L_j's body; no jump leaves L_j.
 * Applied only where it pays: E reads an array with a non-unit stride in k that is unit-stride
 * in j. The buffer comes from malloc; when malloc fails, the original loop runs (kept verbatim).
 */

/** One loop's sweep, or why it is not proven exact (or not worth it). */
export type SweepAttempt = { readonly ok: true; readonly edit: TextEdit; readonly description: string } | { readonly ok: false; readonly reason: string };

/** Functions of libm E may call: pure, and they never throw (an exception would move with E). */
const LIBM = new Set(['sqrt', 'sqrtf', 'fabs', 'fabsf', 'abs', 'labs', 'exp', 'expf', 'log', 'logf', 'sin', 'sinf', 'cos', 'cosf', 'pow', 'powf', 'fmin', 'fmax', 'floor', 'ceil', 'tanh', 'atan', 'hypot', 'cbrt']);

/** Node types that may jump out of L_j, run code we cannot see, or take a reference we cannot follow. */
const BANNED = new Set(['break_statement', 'continue_statement', 'goto_statement', 'return_statement', 'labeled_statement', 'throw_statement', 'try_statement', 'new_expression', 'delete_expression', 'lambda_expression', 'gnu_asm_expression', 'reference_declarator', 'co_await_expression', 'co_return_statement', 'co_yield_statement']);

/** What E and init may be made of: reads, arithmetic and library-pure calls. */
const PURE_EXPR = new Set(['identifier', 'number_literal', 'char_literal', 'true', 'false', 'parenthesized_expression', 'binary_expression', 'unary_expression', 'conditional_expression', 'cast_expression', 'subscript_expression', 'subscript_argument_list', 'call_expression', 'argument_list']);

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=']);

function all(node: Node, pred: (n: Node) => boolean, out: Node[] = []): Node[] {
  if (pred(node)) out.push(node);
  for (const c of node.namedChildren) if (c) all(c, pred, out);
  return out;
}


/** Why `expr` is not a side-effect-free expression E or init may be; null when it is. */
function impurity(expr: Node, facts: LoopFacts): string | null {
  // The type of a cast is not an expression: skipped.
  if (expr.type === 'type_descriptor') return null;
  if (!PURE_EXPR.has(expr.type)) return `\`${expr.text}\` is not a plain read or arithmetic`;
  if (expr.type === 'unary_expression' && !['-', '+', '!', '~'].includes(expr.child(0)?.text ?? '')) return `\`${expr.text}\` is not a plain read or arithmetic`;
  if (expr.type === 'subscript_expression' && expr.childForFieldName('argument')?.type !== 'identifier') return `\`${expr.text}\` is a multi-level access (a row pointer may point anywhere)`;
  if (expr.type === 'call_expression') {
    const fn = expr.childForFieldName('function');
    const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'qualified_identifier' && /^std::\w+$/.test(fn.text) ? fn.text.slice(5) : null;
    const fact = facts.calls.find((c) => c.range.startOffset === expr.startIndex);
    if (!name || !LIBM.has(name) || fact?.effect !== 'pure') return `\`${expr.text}\` calls a function that is not a pure math library function`;
    // The callee's name is not a read (a qualified value `ns::g` elsewhere is refused: its reads are not checked).
    const args = expr.childForFieldName('arguments');
    return args ? impurity(args, facts) : null;
  }
  for (const c of expr.namedChildren) {
    const why = c ? impurity(c, facts) : null;
    if (why) return why;
  }
  return null;
}

/** The identifiers an expression reads as values, and the arrays it reads (subscript bases); call names excluded. */
function readsOf(expr: Node): { names: Node[]; arrays: Node[] } {
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
function unstableScalar(id: Node, resolver: Resolver): string | null {
  const d: Decl | null = resolver.resolve(id.text, id);
  if (!d) return resolver.file.intMacros.has(id.text) || resolver.file.enumerators.has(id.text) ? null : `\`${id.text}\` is not a variable of this file`;
  if (d.isVolatile) return `\`${id.text}\` is volatile`;
  if (d.isReference) return `\`${id.text}\` is a reference (it may name memory the loop writes)`;
  if (d.kind === 'global' && !d.isConst) return `\`${id.text}\` is a global (a pointer may reach it)`;
  if (addressTaken(id.text, id)) return `\`${id.text}\` has its address taken in the function`;
  return null;
}

const mentionsVar = (e: AffineExpr, v: string) => Object.entries(e.terms).some(([t, c]) => c !== 0 && t.split('*').includes(v));

/** Stride 1 (or -1) in `v`: only the last dimension mentions it, with coefficient ±1. */
function unitIn(subs: readonly AffineExpr[], v: string): boolean {
  const last = subs[subs.length - 1];
  return Math.abs(last.terms[v] ?? 0) === 1 && subs.every((e, d) => Object.entries(e.terms).every(([t, c]) => c === 0 || !t.split('*').includes(v) || (d === subs.length - 1 && t === v)));
}

/** The access of E that makes the sweep pay (non-unit stride in k, unit stride in j), or null. */
function strideWin(arrays: readonly Node[], accesses: readonly AccessFact[], j: string, k: string): AccessFact | null {
  for (const a of arrays) {
    const fact = accesses.find((f) => f.range.startOffset === a.parent!.startIndex && f.read);
    const subs = fact?.subscripts;
    if (!fact || !subs || subs.some((e) => e === null)) continue;
    const es = subs as readonly AffineExpr[];
    if (es.some((e) => mentionsVar(e, k)) && !unitIn(es, k) && unitIn(es, j)) return fact;
  }
  return null;
}

const isVector = (language: LanguageId, d: Decl | null) => language === 'cpp' && d !== null && /^(?:const\s+)?(?:std::)?vector\s*</.test(d.typeText);

/** True when the run-time check has the conjunct `&a != &b` (either way round). */
function checkedDistinct(check: string | null, a: string, b: string): boolean {
  return (check ?? '').split('&&').map((c) => c.replace(/\s+/g, '')).some((c) => c === `&${a}!=&${b}` || c === `&${b}!=&${a}`);
}

/** A name not used anywhere in the file: `base` + line, with underscores added until it is free. */
function freshName(text: string, base: string): string {
  let name = base;
  while (new RegExp(`\\b${name}\\b`).test(text)) name += '_';
  return name;
}

function indentOf(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', offset - 1) + 1))?.[0] ?? '';
}

/**
 * The sweep of loop `loopJ` (a statement of the parallel loop's body), checked against the
 * parallel loop's facts; the edit replaces `loopJ` with the swept form and the original as fallback.
 * With the verdict's `runtimeCheck`, the edit goes into the versioned parallel copy, where its
 * `&x != &g` conjuncts hold: two different std::vector objects never share storage.
 */
export function columnSweepLoop(loopJ: Node, text: string, language: LanguageId, facts: LoopFacts, resolver: Resolver, runtimeCheck: string | null = null): SweepAttempt {
  const refuse = (reason: string): SweepAttempt => ({ ok: false, reason });
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
  const hk = countedHeader(loopK);
  if (!hk) return refuse('the inner loop header is not a counted `for (T k = lo; k < hi; k++)` with plain bounds');
  const j = hj.varName;
  const k = hk.varName;
  if (hk.boundNames.includes(j) || hk.boundNames.includes(s)) return refuse(`the \`${k}\` loop's bounds depend on \`${j}\` or \`${s}\` (each \`${j}\` would need its own bounds)`);
  // The k loop's body is exactly one assignment to s: `s OP= E` or `s = f(s, E)`.
  const kBody = loopK.childForFieldName('body');
  const kStmts = kBody?.type === 'compound_statement' ? codeChildren(kBody) : kBody ? [kBody] : [];
  const update = kStmts.length === 1 && kStmts[0].type === 'expression_statement' ? kStmts[0].namedChild(0) : null;
  const left = update?.type === 'assignment_expression' ? update.childForFieldName('left') : null;
  const op = update?.child(1)?.text ?? '';
  const rhs = update?.childForFieldName('right');
  if (!update || !left || !rhs || unparen(left).type !== 'identifier' || unparen(left).text !== s || !ASSIGN_OPS.has(op)) return refuse(`the \`${k}\` loop's body is not one update \`${s} OP= E\` or \`${s} = f(${s}, E)\``);
  const why = impurity(rhs, facts) ?? impurity(init, facts);
  if (why) return refuse(why);
  // Every call L_j makes (the consumers' too) only reads: a write we cannot see could reach what E reads.
  for (const c of all(loopJ, (n) => n.type === 'call_expression')) {
    const fact = facts.calls.find((f) => f.range.startOffset === c.startIndex);
    if (!fact || (fact.effect !== 'pure' && fact.effect !== 'user-pure')) return refuse(`\`${c.text}\` may write memory the sum reads`);
  }
  const writes = writesOf(body, loopJ, resolver);
  if (typeof writes === 'string') return refuse(writes);
  if (writes.scalars.has(j)) return refuse(`the body writes \`${j}\``);
  // Values E, init and the bounds read: stable scalars the loop never writes.
  const e = readsOf(rhs);
  const i0 = readsOf(init);
  const boundIds = [hj, hk].flatMap((h: CountedHeader) => all(h.loop, (n) => n.type === 'identifier' && n.text !== h.varName && h.boundNames.includes(n.text) && !contains(h.loop.childForFieldName('body')!, n)));
  const scalarReads = [...e.names.filter((n) => n.text !== j && n.text !== k && n.text !== s), ...i0.names.filter((n) => n.text !== j), ...boundIds];
  if (i0.names.some((n) => n.text === s)) return refuse(`the initial value reads \`${s}\``);
  for (const id of scalarReads) {
    if (writes.scalars.has(id.text)) return refuse(`the loop writes \`${id.text}\`, which the sum or a bound reads`);
    const unstable = unstableScalar(id, resolver);
    if (unstable) return refuse(unstable);
  }
  // Arrays E and init read: not written in L_j, and proven distinct from every array L_j writes.
  for (const a of [...e.arrays, ...i0.arrays]) {
    const d = resolver.resolve(a.text, a);
    const container = isVector(language, d);
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
  const win = strideWin(e.arrays, facts.accesses, j, k);
  if (!win) return refuse(`no read of the sum has a non-unit stride in \`${k}\` and a unit stride in \`${j}\`: the original order is already good`);
  return { ok: true, edit: sweptText(text, language, loopJ, hj, hk, decl, type.text, s, init, update, consumers), description: `\`${win.text}\`` };
}

/** The replacement of L_j: the swept nest, with the original loop as the fallback when malloc fails. */
function sweptText(text: string, language: LanguageId, loopJ: Node, hj: CountedHeader, hk: CountedHeader, decl: Node, type: string, s: string, init: Node, update: Node, consumers: readonly Node[]): TextEdit {
  const line = loopJ.startPosition.row + 1;
  const buf = freshName(text, `pf_${s}${line}`);
  const count = freshName(text, `pf_n${line}`);
  const at = freshName(text, `pf_x${line}`);
  const std = language === 'cpp' ? 'std::' : '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const ind = indentOf(text, loopJ.startIndex);
  const t = '  ';
  // The update with every `s` replaced by the buffer element (a postfix expression: precedence is kept).
  const ids = all(update, (n) => n.type === 'identifier' && n.text === s).sort((a, b) => b.startIndex - a.startIndex);
  let step = update.text;
  for (const id of ids) step = step.slice(0, id.startIndex - update.startIndex) + `${buf}[${at}]` + step.slice(id.endIndex - update.startIndex);
  const from = consumers.length ? text.slice(consumers[0].startIndex, consumers[consumers.length - 1].endIndex) : '';
  const consumerText = from.replace(/\r?\n/g, `${eol}${t}${t}`);
  const original = loopJ.text.replace(/\r?\n/g, `${eol}${t}${t}`);
  const declText = `${text.slice(decl.startIndex, init.startIndex)}${buf}[${at}++];`;
  const lines = [
    '{',
    `${t}${std}size_t ${count} = 0;`,
    `${t}${hj.text} ${count}++;`,
    `${t}${type} *${buf} = ${count} > 0 && ${count} <= (${std}size_t)-1 / sizeof(${type}) ? (${type} *)${std}malloc(sizeof(${type}) * ${count}) : NULL;`,
    `${t}if (${buf}) {`,
    `${t}${t}${std}size_t ${at} = 0;`,
    `${t}${t}${hj.text} ${buf}[${at}++] = ${init.text};`,
    `${t}${t}${hk.text} {`,
    `${t}${t}${t}${at} = 0;`,
    `${t}${t}${t}${hj.text} {`,
    `${t}${t}${t}${t}${step};`,
    `${t}${t}${t}${t}${at}++;`,
    `${t}${t}${t}}`,
    `${t}${t}}`,
    `${t}${t}${at} = 0;`,
    `${t}${t}${hj.text} {`,
    `${t}${t}${t}${declText}`,
    ...(consumerText ? [`${t}${t}${t}${consumerText}`] : []),
    `${t}${t}}`,
    `${t}${t}${std}free(${buf});`,
    `${t}} else {`,
    `${t}${t}${original}`,
    `${t}}`,
    '}',
  ];
  return { startOffset: loopJ.startIndex, endOffset: loopJ.endIndex, newText: lines.join(`${eol}${ind}`) };
}

/** `#include <stdlib.h>` (C) or `<cstdlib>` (C++) at the top of the file, or nothing when it is there. */
function includeEdit(text: string, language: LanguageId): TextEdit[] {
  const header = language === 'cpp' ? 'cstdlib' : 'stdlib.h';
  if (new RegExp(`^[ \\t]*#[ \\t]*include[ \\t]*<${header.replace('.', '\\.')}>`, 'm').test(text)) return [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return [{ startOffset: 0, endOffset: 0, newText: `#include <${header}>${eol}` }];
}

/**
 * The verdict of a parallel loop (its for loop found in `tree`), with the column sweeps of the loops directly in its body added
 * (`sweepEdits`, applied with the pragma, and one note each); unchanged when none is proven.
 */
export function withColumnSweeps(verdict: LoopVerdict, tree: Tree, text: string, language: LanguageId, resolver: Resolver): LoopVerdict {
  const facts = verdict.facts;
  const loop = verdict.parallelRange ? forLoopAt(tree, verdict.parallelRange.startOffset) : null;
  const c = verdict.clauses;
  if ((language !== 'c' && language !== 'cpp') || verdict.verdict !== 'parallel' || !facts || !c || c.collapse !== 1 || c.simd) return verdict;
  if (verdict.argReductions?.length || verdict.existingPragma || verdict.region || verdict.partOfRegion) return verdict;
  const body = loop?.childForFieldName('body');
  if (body?.type !== 'compound_statement') return verdict;
  const edits: TextEdit[] = [];
  const notes: Reason[] = [];
  for (const l of codeChildren(body).filter((n) => n.type === 'for_statement')) {
    const r = columnSweepLoop(l, text, language, facts, resolver, verdict.runtimeCheck ?? null);
    if (!r.ok) continue;
    edits.push(r.edit);
    notes.push({
      code: 'column-sweep',
      message: `the \`${countedHeader(l)?.varName}\` loop runs column by column (its sum kept in a buffer, one entry per iteration, and the loop inside swapped outward) so that ${r.description} is read with unit stride; each sum adds the same terms in the same order, so the result is identical`,
      range: nodeRange(l),
    });
  }
  if (!edits.length) return verdict;
  return { ...verdict, sweepEdits: [...includeEdit(text, language), ...edits], reasons: [...verdict.reasons, ...notes] };
}

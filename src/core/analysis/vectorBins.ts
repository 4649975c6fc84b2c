import type { Node } from 'web-tree-sitter';
import type { Reason, SourceRange, VectorBinsPlan } from '../model';
import { nodeRange } from '../parse';
import { everyCall } from './distinctArguments';
import type { AnalysisContext } from './levelAnalysis';
import { isArithmeticType, isFloatingType, isLongDouble, isNegativeZeroOrUnknown, LONG_DOUBLE_REDUCTION, mayBeFloating, resolveType } from './reductionTypes';
import { type Decl, declsOf } from './scope';
import { enclosingFunction, type SoundIndex } from './soundIndex';
import { calleeName, codeChildren, functionDeclarator, isIntegerType, operatorOf, unparen } from './syntax';

/**
 * Histograms in a `std::vector<T>` (T a plain arithmetic type): the rewrite takes `h.data()` and
 * `h.size()` right before the loop and reduces the array section `reduction(+:p[:n])`, so each
 * thread counts into its own copy of all n bins. Sound when, in the loop, nothing but `h[e] += x`,
 * `h[e] -= x`, `h[e]++`, `h[e]--` (and `h.size()`) touches the vector, no call other than a pure
 * one runs (a callee could resize it or reach its elements by another name), and no other name
 * the loop uses may be the same vector (aliasing.ts compares them, with `&g != &h` checked at run
 * time for two references to vectors of one type). The copies live on the thread stacks, so the
 * rewrite runs in parallel only for 1 to MAX_BINS bins (checked at run time; an empty vector has
 * no data to reduce), the serial loop otherwise.
 */

/** Most bins reduced per thread: each thread's private copy is on its stack (as for arrays). */
export const MAX_BINS = 65536;

/** A refusal for vector bins, as arrayReductions reports it. */
export interface VectorRefusal {
  readonly code: string;
  readonly message: string;
  readonly node?: Node;
}

/** The element type of a (reference to a) `std::vector<T>` or `std::array<T, N>`, `bool` included; null for anything else. */
export function vectorElement(d: Decl, ix: SoundIndex): string | null {
  if (d.isPointer || d.isArray) return null;
  const type = bareType(d, ix);
  const m = /^(?:std::)?vector\s*<\s*(.+?)\s*(?:,\s*[^<>,]+)?>$/.exec(type) ?? /^std::array\s*<\s*(.+?)\s*,\s*[^<>,]+>$/.exec(type);
  return m ? resolveType(m[1].replace(/\b(?:const|volatile)\b/g, ' ').replace(/\s+/g, ' ').trim(), ix) : null;
}

/** The declared size N of a (reference to a) `std::array<T, N>`: a number, null when not a literal, undefined when `d` is no std::array. */
export function stdArraySize(d: Decl, ix: SoundIndex): number | null | undefined {
  const m = /^std::array\s*<.+,\s*([^<>,]+?)\s*>$/.exec(bareType(d, ix));
  if (!m) return undefined;
  const n = /^(\d+)[uUlL]*$/.exec(m[1]);
  return n ? Number(n[1]) : null;
}

function bareType(d: Decl, ix: SoundIndex): string {
  return resolveType(d.typeText, ix).replace(/\b(?:const|volatile)\b/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Why vector bins `d` (element type `element`) cannot be reduced through their data, or null when they can. */
export function vectorRefusal(ctx: AnalysisContext, loop: Node, d: Decl, element: string, values: readonly (Node | null)[], ix: SoundIndex): VectorRefusal | null {
  if (/^(?:bool|_Bool)$/.test(element)) {
    if (stdArraySize(d, ix) !== undefined) return { code: 'histogram-type', message: `its elements are \`bool\`: adding to a bin saturates at true, which no sum of partial counts reproduces` };
    return { code: 'histogram-type', message: `it is a \`std::vector<bool>\`: its elements are bits packed into shared words, with no data() to reduce` };
  }
  if (!isArithmeticType(element) || d.isVolatile || /\bvolatile\b/.test(d.typeText)) return { code: 'histogram-type', message: `its element type \`${element}\` is not a plain arithmetic type: \`std::complex\` and classes would need a declared reduction, which ParaForge does not write` };
  if (isLongDouble(element)) return { code: 'histogram-type', message: `its elements are \`long double\`: ${LONG_DOUBLE_REDUCTION}` };
  if (d.isReference && d.kind !== 'param') return { code: 'histogram-aliased', message: `it is a reference declared in the function: ParaForge does not follow which vector it names, or what else names it` };
  if (d.isConst) return { code: 'histogram-type', message: `it is \`const\`` };
  const use = otherUseInLoop(ctx, loop, d);
  if (use) return { code: 'histogram-aliased', message: `the loop uses it other than as \`${d.name}[e] += x\` and \`${d.name}.size()\` (\`${use.text}\`): that may resize or reallocate the vector, or reach its elements by another name, while each thread counts into its own copy of the bins`, node: use };
  const call = loop.descendantsOfType('call_expression').find((c): c is Node => c !== null && ctx.calls.classify(c).kind !== 'pure');
  if (call) return { code: 'histogram-aliased', message: `the loop calls \`${call.text}\`, which might resize the vector or reach its bins by another name while each thread counts into its own copy`, node: call };
  const size = stdArraySize(d, ix);
  if (size !== undefined) {
    // A std::array holds its bins itself: its size is a constant, its elements start indeterminate unless initialised.
    if (size === null || size < 1 || size > MAX_BINS) return { code: 'histogram-size', message: `it is a \`std::array\` of ${size === null ? 'a size ParaForge does not read (not a literal)' : `${size} bins`}: each thread's copy must hold 1 to ${MAX_BINS} bins on its stack` };
    if (d.kind === 'local' && !d.init && !d.isStatic) return { code: 'histogram-start', message: `it is a \`std::array\` declared without an initialiser: its bins start indeterminate` };
    // Seen with gcc 12: `T *const p = h.data()` of a static array is folded to the array's address inside the loop body, past the reduction's private copy.
    if (d.kind === 'global' || d.isStatic) return { code: 'histogram-static', message: `it is a \`std::array\` with static storage: gcc folds the pointer to its data into the array's address inside the parallel loop, so every thread would count into the shared bins instead of its own copy (lost counts, measured with gcc 12)` };
    if (isFloatingType(element)) return { code: 'histogram-start', message: `its elements are \`${element}\` in a \`std::array\`: ParaForge does not prove such bins never start as -0.0 (each thread's copy starts at +0.0), so the sum could differ from the serial loop's` };
  }
  if (isFloatingType(element)) {
    const start = negativeZeroStart(ctx, d, ix, new Set());
    if (start) return { code: 'histogram-start', message: `its elements are \`${element}\` and ${start.why}: a bin holding -0.0 that no thread adds to would become +0.0 (each thread's copy starts at +0.0), unlike the serial loop`, node: start.node };
    return null;
  }
  if (!isIntegerType(element)) return { code: 'histogram-type', message: `its element type \`${element}\` is not a plain integer or floating type` };
  const floating = values.find((v) => v !== null && mayBeFloating(v, ctx, ix));
  if (floating) return { code: 'histogram-truncates', message: `\`${floating.text}\` may not be an integer: every serial step truncates, so partial bins would give a different result`, node: floating };
  return null;
}

/** The plan of the rewrite for vector bins `d` of `element`s updated by `refs` in the loop, with names fresh in `text` and `taken`. */
export function vectorBinsPlan(d: Decl, element: string, refs: readonly Node[], text: string, taken: Set<string>): VectorBinsPlan {
  const fresh = (base: string): string => {
    let name = base;
    while (taken.has(name) || new RegExp(`\\b${name}\\b`).test(text)) name += '_';
    taken.add(name);
    return name;
  };
  const uses = refs.map((r) => nodeRange(unparen(r.childForFieldName('argument') as Node)));
  return { vector: d.name, elementType: element, pointer: fresh(`pf_${d.name}`), count: fresh(`pf_${d.name}_n`), uses };
}

/** The run-time condition under which the bins of vector `name` are reduced in parallel. */
export function vectorBinsCheck(name: string): string {
  return `0 < ${name}.size() && ${name}.size() <= ${MAX_BINS}`;
}

/** A sentence for the verdict per vector: how the rewrite reduces its bins, and when. */
export function vectorBinsNotes(plans: readonly VectorBinsPlan[], range: SourceRange): Reason[] {
  return plans.map((p) => ({
    code: 'vector-bins',
    message: `the bins of \`${p.vector}\` are reduced through a pointer to its data, \`reduction(+:${p.pointer}[:${p.count}])\`, when \`${vectorBinsCheck(p.vector)}\` (checked at run time: each thread's copy of the bins is on its stack); the serial loop runs otherwise`,
    range,
  }));
}

/** An occurrence of `d` in the loop other than as the vector of a subscript or `d.size()`/`d.empty()`, or null. */
function otherUseInLoop(ctx: AnalysisContext, loop: Node, d: Decl): Node | null {
  for (const o of ctx.facts.occurrences(d, loop)) {
    const n = outerParens(o);
    const p = n.parent;
    if (p?.type === 'subscript_expression' && p.childForFieldName('argument')?.id === n.id) continue;
    if (isConstMethodCall(n)) continue;
    return p ?? o;
  }
  return null;
}

/** `h.size` or `h.empty` called with no arguments: a reference the accesses may record on `h` that reads no bin. */
export function isLengthQuery(ref: Node): boolean {
  const arg = ref.type === 'field_expression' ? ref.childForFieldName('argument') : null;
  return arg !== null && isConstMethodCall(outerParens(arg));
}

/** `x.size()` or `x.empty()` with `x` the node itself. */
function isConstMethodCall(n: Node): boolean {
  const p = n.parent;
  if (p?.type !== 'field_expression' || p.childForFieldName('argument')?.id !== n.id || p.text.includes('->')) return false;
  const call = p.parent;
  return /^(?:size|empty)$/.test(p.childForFieldName('field')?.text ?? '') && call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id && codeChildren(call.childForFieldName('arguments') as Node).length === 0;
}

/** The outermost of the parentheses around `n` (`n` itself when there are none). */
export function outerParens(n: Node): Node {
  let x = n;
  while (x.parent?.type === 'parenthesized_expression') x = x.parent;
  return x;
}

/**
 * Why floating bins may hold -0.0 when the loop starts, or null when they cannot. The vector must
 * be a local made empty, of value-initialised elements or of copies of a literal other than -0.0,
 * or a reference parameter of a `static` function every call of which passes such a vector (or
 * its own such parameter on). Every use of the vector, in its function and in every function of
 * this file it is passed to by reference, must be a bin update (`+=`, `-=`, `++`, `--`), a bin set
 * to a literal other than -0.0, a bin read, or `size()`/`empty()`: in round-to-nearest a sum is
 * -0.0 only when both terms are, so no bin ever becomes -0.0.
 */
function negativeZeroStart(ctx: AnalysisContext, d: Decl, ix: SoundIndex, visiting: Set<string>): { why: string; node?: Node } | null {
  if (d.kind === 'global') return { why: `\`${d.name}\` is a global, whose bins any function may have set to -0.0` };
  const fn = enclosingFunction(d.declNode);
  if (!fn) return { why: `\`${d.name}\` is not declared in a function` };
  if (d.kind === 'local') {
    if (d.isReference || d.isStatic) return { why: `\`${d.name}\` is a ${d.isStatic ? 'static local, kept from earlier calls' : 'reference ParaForge does not follow'}` };
    return initialValues(ctx, d, ix) ?? signKeepingUses(ctx, d, fn, ix, new Set());
  }
  if (!d.isReference) return { why: `\`${d.name}\` is a parameter copied from the caller's vector` };
  // A recursive call passes on what the other calls passed: nothing new.
  if (visiting.has(d.key)) return null;
  visiting.add(d.key);
  const every = everyCall(d, ctx, ix);
  if ('why' in every) return { why: `the bins come from the callers, and ${every.why}` };
  const at = every.params.findIndex((p) => p.id === d.declNode.id);
  for (const { call, args } of every.calls) {
    const arg = at >= 0 ? unparen(args[at]) : null;
    const a = arg?.type === 'identifier' ? ctx.resolver.resolve(arg.text, arg) : null;
    if (!a || !arg) return { why: `the call \`${call.text}\` (line ${call.startPosition.row + 1}) does not pass a vector by its name`, node: call };
    const why = negativeZeroStart(ctx, a, ix, visiting);
    if (why) return { why: `the call \`${call.text}\` (line ${call.startPosition.row + 1}) passes \`${a.name}\`: ${why.why}`, node: why.node ?? arg };
  }
  return null;
}

/** Why the elements a local vector is constructed with may be -0.0, or null when it is empty, value-initialised or filled with a literal other than -0.0. */
function initialValues(ctx: AnalysisContext, d: Decl, ix: SoundIndex): { why: string; node?: Node } | null {
  const unknown = { why: `ParaForge cannot tell that \`${d.name}\` is constructed without -0.0 (only \`std::vector<T> h;\`, \`h(n)\` and \`h(n, c)\` with c a literal other than -0.0 are read)`, node: d.declNode };
  const isCount = (n: Node) => !mayBeFloating(n, ctx, ix);
  const p = d.nameNode.parent;
  // `std::vector<double> h(n)` in a function body parses as a function declarator (the vexing parse).
  if (p?.type === 'function_declarator') {
    const params = codeChildren(p.childForFieldName('parameters') as Node);
    const only = params.length === 1 ? params[0] : null;
    const name = only?.type === 'parameter_declaration' && !only.childForFieldName('declarator') ? only.childForFieldName('type') : null;
    const count = name ? ctx.resolver.resolve(name.text, name) : null;
    const isInt = count ? !count.isPointer && !count.isArray && isIntegerType(resolveType(count.typeText, ix)) : name ? ctx.file.intMacros.has(name.text) : false;
    return isInt ? null : unknown;
  }
  if (!d.init) return p?.type === 'declaration' ? null : unknown;
  if (d.init.type !== 'argument_list') return unknown;
  const args = codeChildren(d.init);
  if (args.length === 1 && isCount(args[0])) return null;
  if (args.length === 2 && isCount(args[0]) && !isNegativeZeroOrUnknown(args[1])) return null;
  return unknown;
}

/** What else a kind of bins may be used for without changing a bin's sign (beyond updates, sign-keeping reads and stores). */
export interface SignKeepingKind {
  /** True for a use `n` (an occurrence in its outer parentheses) of bins `d` that this kind accepts. */
  readonly alsoFine: (n: Node, d: Decl) => boolean;
  /** The bins are passed on to pointer parameters (arrays) rather than reference ones (vectors). */
  readonly pointer: boolean;
}

/** Vectors: `size()` and `empty()` read no bin. */
const VECTOR_USES: SignKeepingKind = { alsoFine: (n) => isConstMethodCall(n), pointer: false };

/**
 * The first use of bins `d` in `scope` that could store -0.0 in a bin or let other code reach the
 * bins, or null; bins passed to a parameter of a function of this file are followed into it
 * (`checked`: parameters already followed, on this chain or before). `kind` adds the uses one kind
 * of bins may have.
 */
export function signKeepingUses(ctx: AnalysisContext, d: Decl, scope: Node, ix: SoundIndex, checked: Set<string>, kind: SignKeepingKind = VECTOR_USES): { why: string; node?: Node } | null {
  checked.add(d.key);
  const macro = macroReachesBins(d, ix) ?? includeReachesBins(d, scope) ?? operatorsReachBins(ix);
  if (macro) return macro;
  for (const o of ctx.facts.occurrences(d, scope)) {
    if (o.id === d.nameNode.id) continue;
    const n = outerParens(o);
    const p = n.parent;
    if (p?.type === 'subscript_expression' && p.childForFieldName('argument')?.id === n.id && keepsSign(ctx, outerParens(p))) continue;
    if (kind.alsoFine(n, d)) continue;
    const call = p?.type === 'argument_list' ? (p.parent as Node) : null;
    const param = call ? parameterBound(ctx, call, n, ix, kind.pointer) : null;
    if (call && param) {
      if (checked.has(param.decl.key)) continue;
      const inner = signKeepingUses(ctx, param.decl, param.fn, ix, checked, kind);
      if (!inner) continue;
      return { why: `\`${call.text}\` (line ${call.startPosition.row + 1}) passes it on, and there ${inner.why}`, node: inner.node };
    }
    const at = call ?? (p?.type === 'subscript_expression' ? (outerParens(p).parent ?? p) : (p ?? o));
    return { why: `\`${at.text}\` (line ${o.startPosition.row + 1}) may put -0.0 in a bin or let other code reach them`, node: at };
  }
  return null;
}

/**
 * Why a macro may store into `d`'s bins where the tree shows only the macro's name (`#define RESET
 * h[2] = -0.0`), or form the name by pasting (`##`); null when no preprocessor line can.
 */
export function macroReachesBins(d: Decl, ix: SoundIndex): { why: string } | null {
  const pastes = ix.pastesTokens();
  if (!pastes && !ix.mentionedByDirective(d.name)) return null;
  return { why: `a preprocessor line ${pastes ? 'pastes tokens (`##`), which can form' : 'names'} \`${d.name}\`: a macro may store -0.0 in a bin` };
}

/** Why an `#include` in `scope` after `d`'s declaration may store into its bins unseen (the included code is not parsed here), or null when none comes after it. */
export function includeReachesBins(d: Decl, scope: Node): { why: string; node: Node } | null {
  const include = scope.descendantsOfType('preproc_include').find((i) => i !== null && i.startIndex > d.declNode.startIndex);
  return include ? { why: `\`${include.text.trim()}\` (line ${include.startPosition.row + 1}) comes after \`${d.name}\`, and the code it includes could store -0.0 in a bin unseen`, node: include } : null;
}

/** Why an operator of this file may take a bin operand by reference and store into it (`t += h[b]` with `operator+=(double &)`), or null when the file overloads none. */
export function operatorsReachBins(ix: SoundIndex): { why: string } | null {
  const ops = [...ix.userOperators.tokens];
  if (ops.length === 0 && !ix.userOperators.conversion) return null;
  return { why: `this file overloads operators (${ops.length > 0 ? ops.map((o) => `\`${o}\``).join(', ') : 'a conversion'}): one may take a bin operand by reference and store -0.0 in it` };
}

/** True for a bin use that cannot store -0.0: an addition update, a read, or a store of a literal other than -0.0. */
export function keepsSign(ctx: AnalysisContext, sub: Node): boolean {
  const p = sub.parent;
  if (!p) return false;
  // In C++ `++h[b]` and `h[b] = 1.0` are lvalues: `++h[b] = -0.0` stores through them.
  if (p.type === 'update_expression') return resultIsRvalue(p);
  if (p.type === 'assignment_expression') {
    if (p.childForFieldName('right')?.id === sub.id) return true;
    const op = operatorOf(p);
    if (!resultIsRvalue(p)) return false;
    if (op === '+=' || op === '-=') return true;
    return op === '=' && !isNegativeZeroOrUnknown(p.childForFieldName('right') as Node);
  }
  // A cast to a reference (`(double &)h[b] = -0.0`) is an lvalue too.
  if (p.type === 'cast_expression') return !(p.childForFieldName('type')?.text ?? '&').includes('&');
  // `in >> h[b]`: on a double, a shift is only ever a library stream operator, which stores into the bin.
  if (p.type === 'binary_expression') return operatorOf(p) !== '>>' && operatorOf(p) !== '<<';
  if (p.type === 'unary_expression' || p.type === 'condition_clause') return true;
  if (p.type === 'init_declarator') return p.childForFieldName('value')?.id === sub.id && p.childForFieldName('declarator')?.type === 'identifier';
  // The C library's printf-style varargs take values, never references (a printf of this file may not).
  if (p.type === 'argument_list') return /^(?:std::)?f?printf$/.test(calleeName(p.parent as Node) ?? '') && isLibraryName(ctx, calleeName(p.parent as Node) as string, p);
  return false;
}

/** True when `name` (maybe `std::`-qualified) is no function, macro or declaration of this file, so a call reaches the C library's. */
export function isLibraryName(ctx: AnalysisContext, name: string, at: Node): boolean {
  const bare = name.replace(/^std::/, '');
  return !ctx.file.functions.has(bare) && !ctx.file.macros.has(bare) && ctx.resolver.resolve(bare, at) === null;
}

/** True when the value of update or assignment `e` is dropped or only read: nothing can store through it as an lvalue (C++). */
function resultIsRvalue(e: Node): boolean {
  const x = outerParens(e);
  const p = x.parent;
  if (!p) return false;
  if (p.type === 'expression_statement') return true;
  if (p.type === 'for_statement') return p.childForFieldName('update')?.id === x.id;
  if (p.type === 'assignment_expression') return p.childForFieldName('right')?.id === x.id;
  return p.type === 'binary_expression' || p.type === 'condition_clause';
}

/** The reference parameter (a pointer or array one when `pointer`) and its function that argument `arg` of a direct call to a function defined once in this file binds, or null. */
export function parameterBound(ctx: AnalysisContext, call: Node, arg: Node, ix: SoundIndex, pointer = false): { decl: Decl; fn: Node } | null {
  const f = call.childForFieldName('function');
  if (call.type !== 'call_expression' || f?.type !== 'identifier' || ctx.resolver.resolve(f.text, f) !== null || ix.functionDefs.get(f.text)?.length !== 1 || ix.mentionedByDirective(f.text)) return null;
  const def = ctx.file.functions.get(f.text);
  const params = def ? functionDeclarator(def)?.childForFieldName('parameters') : null;
  if (!def || !params) return null;
  const args = codeChildren(call.childForFieldName('arguments') as Node);
  const at = args.findIndex((a) => a.id === arg.id);
  const ps = codeChildren(params);
  if (at < 0 || ps.length !== args.length || ps[at].type !== 'parameter_declaration') return null;
  const [decl] = declsOf(ps[at], 'param');
  const kind = pointer ? decl && (decl.isPointer || decl.isArray) && !decl.isReference : decl && decl.isReference && !decl.isPointer;
  return decl && kind ? { decl, fn: def } : null;
}

/**
 * The names `p` that an existing pragma reduces as `p[:n]` (or `p[0:n]`) where the statements
 * right before the pragma, in its block, are `T *const p = v.data();` and `const std::size_t n =
 * v.size();` (the rewrite's own prelude): the section is then every element of vector v, so the
 * reduction covers every bin the loop may update (an index outside v is undefined behaviour in the
 * serial loop too). `v` may appear in the loop only as `v.size()`/`v.empty()`; checkPragma still requires every reference to
 * `p` there to be a bin update.
 */
export function vectorSections(pragma: Node, loop: Node): Map<string, string> {
  const out = new Map<string, string>();
  const prelude: string[] = [];
  for (let s = pragma.previousNamedSibling; s && (s.type === 'declaration' || s.type === 'comment'); s = s.previousNamedSibling) if (s.type === 'declaration') prelude.push(s.text.replace(/\s+/g, ' ').trim());
  // Names the loop uses other than in `v.size()` / `v.empty()`.
  const names = new Set(loop.descendantsOfType('identifier').filter((n): n is Node => n !== null && !isConstMethodCall(outerParens(n))).map((n) => n.text));
  for (const m of pragma.text.matchAll(/\breduction\s*\(\s*\+\s*:([^)]*)\)/g)) {
    for (const item of m[1].split(',')) {
      const sec = /^\s*([A-Za-z_]\w*)\s*\[\s*(?:0\s*)?:\s*([A-Za-z_]\w*)\s*\]\s*$/.exec(item);
      if (!sec) continue;
      const [, p, n] = sec;
      const ptr = prelude.map((d) => new RegExp(`^[\\w:\\s]+ \\*\\s*const ${p} = ([A-Za-z_]\\w*)\\.data\\(\\);$`).exec(d)).find((x) => x !== null);
      const v = ptr?.[1];
      if (!v || names.has(v) || !prelude.includes(`const std::size_t ${n} = ${v}.size();`)) continue;
      out.set(p, v);
    }
  }
  return out;
}


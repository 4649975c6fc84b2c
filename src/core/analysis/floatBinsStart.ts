import type { Node } from 'web-tree-sitter';
import { everyCall } from './distinctArguments';
import type { AnalysisContext } from './levelAnalysis';
import { intConstant } from './pointerBins';
import { isNegativeZeroOrUnknown } from './reductionTypes';
import type { Decl } from './scope';
import { enclosingFunction, type SoundIndex } from './soundIndex';
import { calleeName, codeChildren, operatorOf, unparen } from './syntax';
import { isLibraryName, outerParens, signKeepingUses } from './vectorBins';

/**
 * Floating histogram bins in an array or behind a pointer parameter, reduced as `reduction(+:h)` /
 * `reduction(+:h[:K])`: each thread's copy starts at +0.0 and is added to the original at the end,
 * so a bin no thread adds to turns -0.0 into +0.0. The rewrite equals the serial loop (up to the
 * reassociation the gate's tolerance covers, as for a scalar `reduction(+:s)`) only when no bin can
 * hold -0.0 when the loop starts. In round-to-nearest a sum is -0.0 only when both terms are, so
 * bins that start without -0.0 and are only ever added to, read, or set to literals other than
 * -0.0 never hold it. The object holding the bins must therefore start without -0.0 (zero-
 * initialised, a list of such literals, static storage, `calloc`, or a whole fill by `memset(h, 0,
 * sizeof h)` or `for (k = 0; k < K; k++) h[k] = c;` as the first use after its declaration), and
 * every use of it, in its function (the file for a static global) and in every function of this
 * file it is passed to, must keep signs. A pointer parameter's bins are the objects every call of
 * its `static` function passes (distinctArguments.everyCall).
 */

/** Why the bins may start as -0.0, and where. */
export interface StartRefusal {
  readonly why: string;
  readonly node?: Node;
}

/** Why floating bins `d` (an array, or a pointer parameter) may hold -0.0 when the loop starts, or null when they cannot. */
export function floatBinsStart(ctx: AnalysisContext, d: Decl, ix: SoundIndex): StartRefusal | null {
  if (d.kind !== 'param') return objectStart(ctx, d, ix);
  const every = everyCall(d, ctx, ix);
  if ('why' in every) return { why: `the bins come from the callers, and ${every.why}` };
  const at = every.params.findIndex((p) => p.id === d.declNode.id);
  for (const { call, args } of every.calls) {
    const arg = at >= 0 ? unparen(args[at]) : null;
    const a = arg?.type === 'identifier' ? ctx.resolver.resolve(arg.text, arg) : null;
    if (!a || !arg) return { why: `the call \`${call.text}\` (line ${call.startPosition.row + 1}) does not pass the bins by name`, node: call };
    const why = objectStart(ctx, a, ix);
    if (why) return { why: `the call \`${call.text}\` (line ${call.startPosition.row + 1}) passes \`${a.name}\`: ${why.why}`, node: why.node ?? arg };
  }
  return null;
}

/** Why the array or allocation `d` names may hold -0.0 at some point, or null when it never can. */
function objectStart(ctx: AnalysisContext, d: Decl, ix: SoundIndex): StartRefusal | null {
  if (d.isReference || d.kind === 'param') return { why: `\`${d.name}\` is a ${d.isReference ? 'reference' : 'parameter'} ParaForge does not follow further` };
  const fn = enclosingFunction(d.declNode);
  if (d.kind === 'global' && !d.isStatic) return { why: `\`${d.name}\` is a global without \`static\`: code in another file may set a bin to -0.0` };
  if (d.kind === 'local' && !fn) return { why: `\`${d.name}\` is not declared in a function` };
  const scope = d.kind === 'global' ? d.nameNode.tree.rootNode : (fn as Node);
  // A block-scope `extern double h[16];` names the static global under another declaration.
  const other = d.kind === 'global' ? externDeclaration(scope, d) : null;
  if (other) return { why: `\`${other.text.trim()}\` (line ${other.startPosition.row + 1}) declares \`${d.name}\` again: its uses are not followed`, node: other };
  // Code an `#include` brings in after the declaration is not parsed here and could store -0.0.
  const include = scope.descendantsOfType('preproc_include').find((i) => i !== null && i.startIndex > d.declNode.startIndex);
  if (include) return { why: `\`${include.text.trim()}\` comes after \`${d.name}\`, and the code it includes could store -0.0 in a bin unseen`, node: include };
  if (d.isPointer) {
    if (!isCalloc(d.init) || ctx.facts.writtenInFunction(d)) return { why: `\`${d.name}\` is not set once to a \`calloc\` (other allocations start with unknown contents)`, node: d.declNode };
  } else if (!d.isArray) {
    return { why: `\`${d.name}\` is neither an array nor a pointer to a \`calloc\`` };
  } else if (d.init) {
    const bad = nonLiteralElement(d.init);
    if (bad) return { why: `\`${d.name}\` is initialised with \`${bad.text}\`, which may be -0.0`, node: bad };
  } else if (d.kind === 'local' && !d.isStatic) {
    // An uninitialised local holds whatever bytes were there: a whole fill must come first.
    if (!firstUseFill(ctx, d, scope)) return { why: `\`${d.name}\` is an uninitialised local array: only \`memset(${d.name}, 0, sizeof ${d.name});\` or \`for (k = 0; k < K; k++) ${d.name}[k] = c;\` (c a literal other than -0.0) right after its declaration, in the same block, shows what its bins hold`, node: d.declNode };
  }
  return arrayUses(ctx, d, scope, ix);
}

/** A declaration other than `d`'s own that declares its name `extern` (at any scope), or null. */
function externDeclaration(root: Node, d: Decl): Node | null {
  for (const decl of root.descendantsOfType('declaration')) {
    if (!decl || decl.id === d.declNode.id || !decl.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'extern')) continue;
    if (decl.descendantsOfType('identifier').some((i) => i?.text === d.name)) return decl;
  }
  return null;
}

/** True for `calloc(…)`, through casts. */
function isCalloc(init: Node | null): boolean {
  if (!init) return false;
  let e = unparen(init);
  while (e.type === 'cast_expression') e = unparen(e.childForFieldName('value') as Node);
  return e.type === 'call_expression' && /^(?:std::)?calloc$/.test(calleeName(e) ?? '');
}

/** An element of an initialiser list that is not a number literal other than -0.0 (nested lists included), or null. */
function nonLiteralElement(init: Node): Node | null {
  if (init.type !== 'initializer_list') return init;
  for (const e of codeChildren(init)) {
    const bad = e.type === 'initializer_list' ? nonLiteralElement(e) : isNegativeZeroOrUnknown(e) ? e : null;
    if (bad) return bad;
  }
  return null;
}

/**
 * The statement that fills all of uninitialised local array `d` when it is the first use after the
 * declaration, in the declaration's own block (not a switch body), in a function without `goto`:
 * it then runs before any other use. Null otherwise.
 */
function firstUseFill(ctx: AnalysisContext, d: Decl, fn: Node): Node | null {
  if (fn.descendantsOfType('goto_statement').length > 0) return null;
  const first = ctx.facts.occurrences(d, fn).filter((o) => o.id !== d.nameNode.id).sort((a, b) => a.startIndex - b.startIndex)[0];
  const block = d.declNode.parent;
  if (!first || !block || block.type !== 'compound_statement' || block.parent?.type === 'switch_statement') return null;
  const stmt = codeChildren(block).find((s) => s.startIndex <= first.startIndex && first.endIndex <= s.endIndex);
  if (!stmt || stmt.startIndex < d.declNode.endIndex) return null;
  return isWholeMemsetZero(ctx, stmt, d) || isWholeFillLoop(ctx, stmt, d) ? stmt : null;
}

/** `memset(h, 0, sizeof h);` (or `sizeof(h)`) for array `d`, with the C library's memset. */
function isWholeMemsetZero(ctx: AnalysisContext, stmt: Node, d: Decl): boolean {
  const call = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  return call !== null && call.type === 'call_expression' && isZeroFill(ctx, call, d);
}

/** True for a call `memset(h, 0, sizeof h)` of the C library's memset on array `d`, as a statement of its own. */
function isZeroFill(ctx: AnalysisContext, call: Node, d: Decl): boolean {
  const name = calleeName(call)?.replace(/^std::/, '');
  if (name !== 'memset' || call.parent?.type !== 'expression_statement' || !d.isArray || d.isPointer) return false;
  if (ctx.file.functions.has('memset') || ctx.file.macros.has('memset') || ctx.resolver.resolve('memset', call) !== null) return false;
  const args = codeChildren(call.childForFieldName('arguments') as Node);
  if (args.length !== 3) return false;
  const [dest, value, size] = args.map(unparen);
  const names = (n: Node) => n.type === 'identifier' && ctx.resolver.resolve(n.text, n)?.key === d.key;
  if (!names(dest) || intConstant(value, ctx) !== 0 || size.type !== 'sizeof_expression') return false;
  const of = size.childForFieldName('value');
  return of !== null && names(unparen(of));
}

/** `for (k = 0; k < K; k++) h[k] = c;` over every element of one-dimensional array `d` (K its constant size), c a literal other than -0.0. */
function isWholeFillLoop(ctx: AnalysisContext, stmt: Node, d: Decl): boolean {
  if (stmt.type !== 'for_statement') return false;
  const size = d.nameNode.parent?.type === 'array_declarator' && d.nameNode.parent.parent?.type !== 'array_declarator' ? d.nameNode.parent.childForFieldName('size') : null;
  const total = size ? intConstant(size, ctx) : undefined;
  const init = stmt.childForFieldName('initializer');
  const cond = stmt.childForFieldName('condition');
  const update = stmt.childForFieldName('update');
  let body = stmt.childForFieldName('body');
  if (body?.type === 'compound_statement') {
    const inner = codeChildren(body);
    body = inner.length === 1 ? inner[0] : null;
  }
  if (total === undefined || !init || !cond || !update || body?.type !== 'expression_statement') return false;
  // The counter: `int k = 0` or `k = 0`.
  let counter: string | null = null;
  if (init.type === 'declaration') {
    const decls = init.childrenForFieldName('declarator');
    const one = decls.length === 1 ? decls[0] : null;
    if (one?.type === 'init_declarator' && one.childForFieldName('declarator')?.type === 'identifier' && intConstant(one.childForFieldName('value') as Node, ctx) === 0) counter = one.childForFieldName('declarator')?.text ?? null;
  } else if (init.type === 'assignment_expression' && operatorOf(init) === '=' && unparen(init.childForFieldName('left') as Node).type === 'identifier' && intConstant(init.childForFieldName('right') as Node, ctx) === 0) {
    counter = unparen(init.childForFieldName('left') as Node).text;
  }
  if (!counter) return false;
  const c = unparen(cond);
  if (c.type !== 'binary_expression' || operatorOf(c) !== '<' || unparen(c.childForFieldName('left') as Node).text !== counter || intConstant(c.childForFieldName('right') as Node, ctx) !== total) return false;
  const u = unparen(update);
  const steps = u.type === 'update_expression' ? u.text.replace(/\s+/g, '') === `${counter}++` || u.text.replace(/\s+/g, '') === `++${counter}` : u.type === 'assignment_expression' && operatorOf(u) === '+=' && u.childForFieldName('left')?.text === counter && intConstant(u.childForFieldName('right') as Node, ctx) === 1;
  if (!steps) return false;
  const assign = body.namedChild(0);
  if (assign?.type !== 'assignment_expression' || operatorOf(assign) !== '=' || isNegativeZeroOrUnknown(assign.childForFieldName('right') as Node)) return false;
  const target = unparen(assign.childForFieldName('left') as Node);
  const base = target.type === 'subscript_expression' ? unparen(target.childForFieldName('argument') as Node) : null;
  const index = target.type === 'subscript_expression' ? target.childForFieldName('index') ?? target.childForFieldName('indices') : null;
  return base?.type === 'identifier' && ctx.resolver.resolve(base.text, base)?.key === d.key && index !== null && unparen(index).text === counter;
}

/**
 * The first use of `d` in `scope` that could store -0.0 in a bin or let other code reach the bins,
 * or null. A bin update, a bin read (`isnan(h[b])` too), a bin set to a literal other than -0.0, `sizeof`, `memset(h,
 * 0, sizeof h);`, `free(p)`, and passing it to a pointer parameter of a function of this file
 * whose own uses keep signs (followed; `checked`: parameters already followed) are fine.
 */
function arrayUses(ctx: AnalysisContext, d: Decl, scope: Node, ix: SoundIndex): StartRefusal | null {
  return signKeepingUses(ctx, d, scope, ix, new Set(), { alsoFine: (n, b) => arrayUseKeepsSign(ctx, n, b), pointer: true });
}

/** The uses of an array or pointer's bins beyond updates and sign-keeping reads and stores that keep every bin's sign. */
function arrayUseKeepsSign(ctx: AnalysisContext, n: Node, d: Decl): boolean {
  const p = n.parent;
  if (p?.type === 'subscript_expression' && p.childForFieldName('argument')?.id === n.id && isClassified(ctx, outerParens(p))) return true;
  if (p?.type === 'sizeof_expression') return true;
  // A pointer's initialiser (`double *h = calloc(…)`) is its declaration, read by objectStart.
  if (p?.type === 'init_declarator' && p.childForFieldName('declarator')?.id === n.id) return true;
  const call = p?.type === 'argument_list' ? (p.parent as Node) : null;
  if (!call) return false;
  if (isZeroFill(ctx, call, d) && codeChildren(p as Node)[0]?.id === n.id) return true;
  return d.isPointer && !d.isArray && d.kind !== 'param' && /^(?:std::)?free$/.test(calleeName(call) ?? '') && call.parent?.type === 'expression_statement' && ctx.resolver.resolve('free', call) === null && !ctx.file.functions.has('free') && !ctx.file.macros.has('free');
}

/** The C library's floating classifiers and `fabs` take a bin's value: `isnan(h[b])`. */
const VALUE_TAKERS = /^(?:std::)?(?:isnan|isinf|isfinite|isnormal|signbit|fpclassify|fabs[fl]?)$/;

/** True when bin `sub` is a whole argument of a call to one of VALUE_TAKERS that this file does not define. */
function isClassified(ctx: AnalysisContext, sub: Node): boolean {
  const call = sub.parent?.type === 'argument_list' ? sub.parent.parent : null;
  const name = call ? calleeName(call) : null;
  return call !== null && name !== null && VALUE_TAKERS.test(name) && isLibraryName(ctx, name, call);
}

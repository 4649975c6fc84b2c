import type { Node } from 'web-tree-sitter';
import type { ScalarFact, VectorBinsPlan } from '../model';
import { nodeRange } from '../parse';
import { subscriptIndex } from './accesses';
import type { MemRef } from './dependence';
import { dependencesAt } from './loopDependences';
import type { AnalysisContext } from './levelAnalysis';
import { floatBinsStart } from './floatBinsStart';
import { binsOverlap, intConstant, paramBins } from './pointerBins';
import { elementType, isFloatingType, isLongDouble, isUnsignedType, LONG_DOUBLE_REDUCTION, mayBeFloating, resolveType } from './reductionTypes';
import type { Decl } from './scope';
import { enclosingFunction, type SoundIndex, soundIndex } from './soundIndex';
import { contains, isIntegerType, operatorOf, unparen } from './syntax';
import { memoryFill } from './memoryFills';
import { isLengthQuery, MAX_BINS, stdArraySize, vectorBinsCheck, vectorBinsPlan, vectorElement, vectorRefusal } from './vectorBins';
import { elementBytes } from './scratchArrays';
import { pointerMemberDeclOf } from './pointerMembers';

/** Largest array (elements) privatised per thread by `reduction(+:h)`: each thread gets a copy on its stack. */
const MAX_ELEMENTS = 65536;

/** Most bytes of bins one loop privatises per thread, all its reductions together: libomp's worker threads have 4 MiB of stack. */
const MAX_PRIVATE_BYTES = 2 * 1024 * 1024;

/**
 * Histograms: an integer array of known, modest size declared outside the loop (`int h[256]`,
 * `long h[NB]`) that the loop only updates with `h[e]++`, `h[e]--`, `h[e] += x` or `h[e] -= x`
 * (x an integer expression; e and x never read h), whose name is used in its function (the whole
 * file for a global) only as `h[...]` (no pointer to it, no element address; `sizeof` and memset/
 * memcpy statements are fine), is an array reduction, `reduction(+:h)` (gcc 12 and clang 14 accept
 * whole arrays). Integer additions are exact in any order, so the result is the serial one.
 * Floating bins (any increment) follow the scalar `reduction(+:s)` policy: reassociation, judged
 * by the gate's tolerance, when no bin can hold -0.0 at the start (floatBinsStart.ts). A pointer parameter `h` is
 * `reduction(+:h[:K])` when every subscript is provably in [0, K) (subscriptBound) and every
 * caller passes at least K elements that no other object of the loop overlaps (pointerBins.ts):
 * the section reduction touches all K bins. A `std::vector<T>` of arithmetic T is reduced as the
 * section `p[:n]` of a pointer to its data, under a run-time check of its size (vectorBins.ts):
 * its plan and check are returned too. A base updated that way that fails a
 * condition with a scattered subscript (not affine) gets a reason saying which, for the caller to
 * add after the dependence reasons. Returns the bases, their facts and those reasons.
 */
export function arrayReductions(ctx: AnalysisContext, loop: Node, byBase: ReadonlyMap<string, readonly MemRef[]>): { bases: Set<string>; facts: ScalarFact[]; refusals: Refusal[]; vectorBins: VectorBinsPlan[]; checks: string[] } {
  const bases = new Set<string>();
  const facts: ScalarFact[] = [];
  const refusals: Refusal[] = [];
  const vectorBins: VectorBinsPlan[] = [];
  const checks: string[] = [];
  const taken = new Set<string>();
  // Every thread holds its copies of all the bins at once (vectors counted at their largest, MAX_BINS).
  let bytes = 0;
  let first: Node | null = null;
  for (const [key, refs] of byBase) {
    const updates = refs.map((r) => updateOf(r.node));
    // Only a base the dependence test finds carried needs a reduction (or a reason why not).
    if (!updates.some((u) => u !== null) || !dependencesAt(new Map([[key, refs]]), 0, false).carried) continue;
    const d = ctx.resolver.resolve(refs[0].baseName, refs[0].node);
    if (!d || contains(loop, d.declNode)) continue;
    // A std::vector's bins: reduced through a pointer to its data (vectorBins.ts), checked at run time.
    const ix = soundIndex(ctx.file, ctx.resolver, loop);
    const element = vectorElement(d, ix);
    if (element !== null) {
      // `h.size()` reads the vector's length, which the loop keeps (vectorRefusal checks).
      const bins = refs.map((r, i) => ({ r, u: updates[i] })).filter(({ r }) => !isLengthQuery(r.node));
      const why = updateRefusal(bins.map((b) => b.r), bins.map((b) => b.u)) ?? vectorRefusal(ctx, loop, d, element, updates.map((u) => u?.value ?? null), ix);
      if (why) {
        if (refs.some((r, i) => updates[i] !== null && (r.dims === null || r.dims.some((x) => x === null)))) refusals.push({ code: why.code, message: `\`${d.name}\` is updated like a histogram, but ${why.message}`, node: why.node ?? refs[0].node });
        continue;
      }
      const plan = vectorBinsPlan(d, element, bins.map((b) => b.r.node), loop.tree.rootNode.text, taken);
      bases.add(key);
      vectorBins.push(plan);
      checks.push(vectorBinsCheck(d.name));
      bytes += (stdArraySize(d, ix) ?? MAX_BINS) * elementBytes(element);
      first ??= refs[0].node;
      facts.push({ name: `${plan.pointer}[:${plan.count}]`, role: 'reduction', op: '+', declared: d.kind === 'global' ? 'global' : d.kind === 'param' ? 'param' : 'function', liveAfter: true, type: `${element}[]`, range: nodeRange(refs[0].node) });
      continue;
    }
    const param = isPointerParam(d);
    const size = d.isArray && !d.isPointer && d.kind !== 'param' ? arraySize(ctx, d.nameNode) : param ? sectionSize(ctx, d, refs) : null;
    const others = [...byBase.entries()].filter(([k]) => k !== key).map(([k, rs]) => pointerMemberDeclOf(ctx, k, rs[0].node) ?? ctx.resolver.resolve(rs[0].baseName, rs[0].node)).filter((o): o is Decl => o !== null);
    const why = refusal(ctx, loop, d, refs, updates, size, others);
    if (why) {
      // An affine update (`p[i] += p[i - 1]`) is no histogram: its dependence reason says it all.
      const scattered = refs.some((r, i) => updates[i] !== null && (r.dims === null || r.dims.some((x) => x === null)));
      if (scattered) refusals.push({ code: why.code, message: `\`${d.name}\` is updated like a histogram, but ${why.message}`, node: why.node ?? refs[0].node });
      continue;
    }
    bases.add(key);
    // A pointer's bins are an array section: OpenMP privatises and combines exactly those.
    const total = size && 'total' in size ? size.total : 0;
    bytes += total * elementBytes(resolveType(d.typeText, ix));
    first ??= refs[0].node;
    const name = param ? `${d.name}[:${total}]` : d.name;
    facts.push({ name, role: 'reduction', op: '+', declared: d.kind === 'global' ? 'global' : param ? 'param' : 'function', liveAfter: true, type: `${d.typeText}[${total}]`, range: nodeRange(refs[0].node) });
  }
  if (first && bytes > MAX_PRIVATE_BYTES) {
    const names = facts.map((f) => `\`${f.name}\``).join(', ');
    refusals.push({ code: 'histogram-size', message: `the loop reduces ${names}: each thread's private copies of those bins take up to ${bytes} bytes of its stack at once (more than ${MAX_PRIVATE_BYTES}), which could overflow it`, node: first });
    return { bases: new Set(), facts: [], refusals, vectorBins: [], checks: [] };
  }
  return { bases, facts, refusals, vectorBins, checks };
}

/** Elements and dimensions of the bins a reduction privatises. */
type Size = { readonly total: number; readonly dims: number };

/** A pointer (or array) parameter, not a reference: its bins are the caller's object. */
function isPointerParam(d: Decl): boolean {
  return d.kind === 'param' && (d.isPointer || d.isArray) && !d.isReference;
}

/** The bins a pointer parameter's updates reach, K with every subscript provably in [0, K), or why not. */
function sectionSize(ctx: AnalysisContext, d: Decl, refs: readonly MemRef[]): Size | { why: string; node: Node } {
  let total = 0;
  for (const r of refs) {
    const base = r.node.type === 'subscript_expression' ? unparen(r.node.childForFieldName('argument') as Node) : null;
    const sub = base?.type === 'identifier' && base.text === d.name ? subscriptIndex(r.node) : null;
    const bound = sub ? subscriptBound(ctx, sub) : null;
    if (bound === null) {
      return {
        why: `it is a pointer parameter and the subscript of \`${r.node.text}\` has no provable range: \`reduction(+:${d.name}[:K])\` needs every subscript in [0, K), shown by an \`unsigned char\`/\`unsigned short\` index, \`e & M\`, or \`e % M\` with e unsigned (M a non-negative constant)`,
        node: r.node,
      };
    }
    total = Math.max(total, bound);
  }
  return { total, dims: 1 };
}

/**
 * One past the largest value a subscript can take, when it is provably never negative: a
 * constant, an index of type `unsigned char` or `unsigned short` (256, 65536), `e & M`, or
 * `e % M` with e never negative (M a constant ≥ 0); null otherwise.
 */
function subscriptBound(ctx: AnalysisContext, sub: Node): number | null {
  const e = unparen(sub);
  const v = intConstant(e, ctx);
  if (v !== undefined) return v >= 0 ? v + 1 : null;
  if (e.type === 'binary_expression') {
    const l = e.childForFieldName('left') as Node;
    const r = e.childForFieldName('right') as Node;
    const op = operatorOf(e);
    // `e & M` clears every bit above M's (and the sign bit): [0, M] whatever e is.
    if (op === '&') {
      const m = [intConstant(r, ctx), intConstant(l, ctx)].find((x) => x !== undefined && x >= 0);
      return m === undefined ? null : m + 1;
    }
    // `e % M` has e's sign: only a never-negative e gives [0, M).
    const m = intConstant(r, ctx);
    if (op === '%' && m !== undefined && m > 0 && neverNegative(ctx, l)) return m;
    return null;
  }
  const type = indexType(ctx, e);
  if (type === null) return null;
  if (/^(?:unsigned char|(?:std::)?uint8_t)$/.test(type)) return 256;
  if (/^(?:unsigned short(?: int)?|short unsigned(?: int)?|(?:std::)?uint16_t)$/.test(type)) return 65536;
  return null;
}

/** True when an expression's value cannot be negative: of an unsigned type, bounded, or `e >> k` / `e % M` of such an e. */
function neverNegative(ctx: AnalysisContext, n: Node): boolean {
  const e = unparen(n);
  if (subscriptBound(ctx, e) !== null) return true;
  if (e.type === 'binary_expression') {
    const op = operatorOf(e);
    return (op === '>>' || op === '%') && neverNegative(ctx, e.childForFieldName('left') as Node);
  }
  const type = indexType(ctx, e);
  return type !== null && isUnsignedType(type);
}

/** The type of a name, an element (`v[i]`, `*p`) or a cast, without cv-qualifiers and with typedefs followed; null for other expressions. */
function indexType(ctx: AnalysisContext, e: Node): string | null {
  const ix = soundIndex(ctx.file, ctx.resolver, e);
  let t: string | null = null;
  if (e.type === 'cast_expression') t = e.childForFieldName('type')?.text ?? null;
  else if (e.type === 'identifier') {
    const d = ctx.resolver.resolve(e.text, e);
    // A macro may stand for any expression.
    t = d && !d.isPointer && !d.isArray && !d.isReference && !ix.mentionedByDirective(e.text) ? d.typeText : null;
  } else if (e.type === 'subscript_expression' || (e.type === 'pointer_expression' && e.text.trimStart().startsWith('*'))) {
    let base: Node = e;
    let depth = 0;
    while (base.type === 'subscript_expression' || base.type === 'pointer_expression') {
      depth++;
      base = unparen(base.childForFieldName('argument') as Node);
    }
    t = base.type === 'identifier' && !ix.mentionedByDirective(base.text) ? elementType(base, depth, ctx, ix) : null;
  }
  if (t === null) return null;
  const plain = t.replace(/\b(?:const|volatile)\b/g, ' ').replace(/\s+/g, ' ').trim();
  return redefinesStdintName(e, plain, ix) ? null : resolveType(plain, ix);
}

/**
 * True when `name` is a <stdint.h> name (`uint8_t`) that the file defines itself (`typedef unsigned
 * short uint8_t;`, or a macro): the parser takes these names for built-in types, so the typedef is
 * not followed and the name would be trusted to mean 8 bits.
 */
function redefinesStdintName(at: Node, name: string, ix: SoundIndex): boolean {
  const m = /^(?:std::)?(u?int(?:_fast|_least)?(?:8|16|32|64)_t|u?intptr_t|u?intmax_t|size_t|ptrdiff_t)$/.exec(name);
  if (!m) return false;
  if (ix.macros.has(m[1])) return true;
  return new RegExp(`\\btypedef\\b[^;]*\\b${m[1]}\\s*;`).test(at.tree.rootNode.text);
}

/** Why a histogram-like base is not an array reduction. */
export interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly node: Node;
}

interface Update {
  /** `++`/`--` (`+`), or the compound operator. */
  readonly op: string;
  /** The right side of `+=`/`-=`, null for `++`/`--`. */
  readonly value: Node | null;
}

/** Why the updates of `d` are not an array reduction, or null when they are. */
function refusal(ctx: AnalysisContext, loop: Node, d: Decl, refs: readonly MemRef[], updates: readonly (Update | null)[], size: Size | { why: string; node: Node } | null, others: readonly Decl[]): { code: string; message: string; node?: Node } | null {
  const update = updateRefusal(refs, updates);
  if (update) return update;
  const ix = soundIndex(ctx.file, ctx.resolver, loop);
  const type = resolveType(d.typeText, ix);
  const param = isPointerParam(d);
  if (d.isPointer && !param) return { code: 'histogram-extent', message: `it is a pointer to \`${d.typeText}\` that is not a parameter, so the number of bins it reaches is not known: only parameters get their extent from the calls` };
  if (!param && (!d.isArray || d.isReference)) return { code: 'histogram-atomic-cost', message: `it has type \`${d.typeText}\`${d.isReference ? ' (a reference)' : ''}: OpenMP reduces only arrays and built-in types without a declared reduction, which ParaForge does not write, and an \`omp atomic\` on each update measured 3-8x slower than the serial loop for 256-1000 bins at 2 threads (contended atomics), so it stays serial` };
  const floating = isFloatingType(type);
  if ((!floating && !isIntegerType(type)) || d.isVolatile) return { code: 'histogram-type', message: `its element type \`${d.typeText}\` is not a plain integer or floating type` };
  if (isLongDouble(type)) return { code: 'histogram-type', message: `its elements are \`long double\`: ${LONG_DOUBLE_REDUCTION}` };
  if (size !== null && 'why' in size) return { code: 'histogram-extent', message: size.why, node: size.node };
  if (size === null) return { code: 'histogram-extent', message: 'its size is not a constant ParaForge can read, so each thread\'s private copy cannot be sized' };
  if (size.total > MAX_ELEMENTS) return { code: 'histogram-size', message: `it has ${size.total} elements: a private copy per thread (more than ${MAX_ELEMENTS} elements) could overflow thread stacks` };
  const fractional = floating ? undefined : updates.find((u) => u?.value && mayBeFloating(u.value, ctx, ix));
  if (fractional?.value) return { code: 'histogram-truncates', message: `\`${fractional.value.text}\` may not be an integer: every serial step truncates, so partial bins would give a different result`, node: fractional.value };
  const escape = escapingUse(ctx, d, size.dims);
  if (escape) return { code: 'histogram-aliased', message: `its name is used other than as \`${d.name}[...]\` (\`${(escape.parent ?? escape).text}\`): a pointer to it could reach memory the loop touches another way`, node: escape };
  if (param) {
    const ix = soundIndex(ctx.file, ctx.resolver, loop);
    const bins = paramBins(d, size.total, ctx, ix);
    if (bins) return { code: 'histogram-extent', message: bins.why, node: bins.node };
    // A callee may read or write the caller's bins by another name (a global, a stored pointer): per-thread copies would hide the updates from it.
    const call = loop.descendantsOfType('call_expression')[0];
    if (call) return { code: 'histogram-aliased', message: `the loop calls \`${call.text}\`, which might reach the caller's bins by another name while each thread counts into its own copy`, node: call };
    const overlap = binsOverlap(d, others, ctx, ix);
    if (overlap) return { code: 'histogram-aliased', message: overlap };
    return floating ? negativeZeroStart(ctx, d, type, ix) : null;
  }
  for (const r of refs) {
    const bad = outOfRange(ctx, r.node, d);
    if (bad) return { code: 'histogram-index-range', message: `the subscript \`${bad.text}\` can reach ${bad.reach}, outside its extent`, node: r.node };
  }
  return floating ? negativeZeroStart(ctx, d, type, ix) : null;
}

/** Floating bins follow the scalar `reduction(+:s)` policy (reassociation within the gate's tolerance) but must not start as -0.0 (floatBinsStart.ts). */
function negativeZeroStart(ctx: AnalysisContext, d: Decl, type: string, ix: SoundIndex): { code: string; message: string; node?: Node } | null {
  const start = floatBinsStart(ctx, d, ix);
  return start ? { code: 'histogram-start', message: `its elements are \`${type}\` and ${start.why}: a bin holding -0.0 that no thread adds to would become +0.0 (each thread's copy starts at +0.0), unlike the serial loop`, node: start.node } : null;
}

/** Why the loop's references to a base are not all additions to a bin, or null when they are. */
function updateRefusal(refs: readonly MemRef[], updates: readonly (Update | null)[]): { code: string; message: string; node?: Node } | null {
  const readAt = refs.find((_, i) => updates[i] === null);
  if (readAt) return { code: 'histogram-read', message: `the loop also reads or writes it otherwise (\`${readAt.node.text}\`): only \`h[e] += x\`, \`h[e] -= x\`, \`h[e]++\` and \`h[e]--\` make an array reduction`, node: readAt.node };
  const other = updates.find((u) => u !== null && u.op !== '+=' && u.op !== '-=' && u.op !== '+');
  if (other) return { code: 'histogram-operator', message: `it is also updated with \`${other.op}\`: only additions (\`+=\`, \`-=\`, \`++\`, \`--\`) are combined` };
  return null;
}

/** True for `h[e]++`, `h[e]--`, `h[e] += x` or `h[e] -= x` as a statement of its own. */
export function isBinUpdate(ref: Node): boolean {
  const u = updateOf(ref);
  return u !== null && (u.op === '+' || u.op === '+=' || u.op === '-=');
}

/** `h[e]++`, `--h[e]`, `h[e] += x`, `h[e] *= x` as a statement of its own; null for any other use. */
function updateOf(ref: Node): Update | null {
  let n = ref;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p || p.parent?.type !== 'expression_statement') return null;
  if (p.type === 'update_expression') return { op: '+', value: null };
  if (p.type !== 'assignment_expression' || p.childForFieldName('left')?.id !== n.id) return null;
  const op = operatorOf(p);
  return op === '=' ? null : { op, value: p.childForFieldName('right') };
}

/** An occurrence of `d` that is not the full subscript `h[..]..[..]` of its `dims` dimensions (or `sizeof`, or the destination of a `memset`/`memcpy` statement), or null. */
function escapingUse(ctx: AnalysisContext, d: Decl, dims: number): Node | null {
  const scope = d.kind === 'global' ? d.nameNode.tree.rootNode : enclosingFunction(d.declNode) ?? d.nameNode.tree.rootNode;
  for (const use of ctx.facts.occurrences(d, scope)) {
    if (use.id === d.nameNode.id) continue;
    let n: Node = use;
    let depth = 0;
    for (;;) {
      while (n.parent?.type === 'parenthesized_expression') n = n.parent;
      const p = n.parent;
      if (p?.type !== 'subscript_expression' || p.childForFieldName('argument')?.id !== n.id) break;
      n = p;
      depth++;
    }
    const p = n.parent;
    if (depth === 0 && p && (p.type === 'sizeof_expression' || p.type === 'alignof_expression')) continue;
    // `memset(h, c, n);` / `memcpy(h, src, n);` write bytes of h and keep no pointer to it (memoryFills.ts).
    if (depth === 0 && p?.type === 'argument_list' && memoryFill(ctx, p.parent as Node)?.dest.id === n.id) continue;
    if (depth < dims || (p?.type === 'pointer_expression' && p.text.trimStart().startsWith('&'))) return use;
  }
  return null;
}

/**
 * A subscript of a one-dimensional `h` that provably can leave [0, size): a literal, or `e & M` /
 * `e % M` with a literal M too large. Other subscripts are data: an index outside the array is
 * undefined behaviour in the serial program already, so the rewrite keeps every defined run.
 */
function outOfRange(ctx: AnalysisContext, ref: Node, d: Decl): { text: string; reach: number } | null {
  const size = arraySize(ctx, d.nameNode);
  if (!size || size.dims !== 1) return null;
  const sub = subscriptIndex(ref);
  if (!sub) return null;
  const e = unparen(sub);
  const lit = (x: Node | null) => (x ? intConstant(x, ctx) : undefined);
  const v = lit(e);
  if (v !== undefined) return v < 0 || v >= size.total ? { text: e.text, reach: v } : null;
  if (e.type !== 'binary_expression') return null;
  const m = lit(e.childForFieldName('right'));
  if (m === undefined) return null;
  if (operatorOf(e) === '&' && m >= size.total) return { text: e.text, reach: m };
  if (operatorOf(e) === '%' && m > size.total) return { text: e.text, reach: m - 1 };
  return null;
}

/** Number of elements and dimensions of an array declared with constant sizes (`h[256]`, `h[NB][4]`), or null. */
function arraySize(ctx: AnalysisContext, name: Node): Size | null {
  let total = 1;
  let dims = 0;
  for (let p = name.parent; p && p.type === 'array_declarator'; p = p.parent) {
    const size = p.childForFieldName('size');
    if (!size) return null;
    const v = intConstant(size, ctx);
    if (v === undefined || v <= 0) return null;
    total *= v;
    dims++;
  }
  return dims > 0 ? { total, dims } : null;
}

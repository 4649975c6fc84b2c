import type { Node } from 'web-tree-sitter';
import type { ScalarFact } from '../model';
import { nodeRange } from '../parse';
import { subscriptIndex } from './accesses';
import type { MemRef } from './dependence';
import { dependencesAt } from './loopDependences';
import type { AnalysisContext } from './levelAnalysis';
import { isFloatingType, mayBeFloating, resolveType } from './reductionTypes';
import type { Decl } from './scope';
import { parseIntLiteral } from './scope';
import { enclosingFunction, soundIndex } from './soundIndex';
import { contains, isIntegerType, operatorOf, unparen } from './syntax';

/** Largest array (elements) privatised per thread by `reduction(+:h)`: each thread gets a copy on its stack. */
const MAX_ELEMENTS = 65536;

/**
 * Histograms: an integer array of known, modest size declared outside the loop (`int h[256]`,
 * `long h[NB]`) that the loop only updates with `h[e]++`, `h[e]--`, `h[e] += x` or `h[e] -= x`
 * (x an integer expression; e and x never read h), whose name is used in its function (the whole
 * file for a global) only as `h[...]` (no pointer to it, no element address), is an array
 * reduction, `reduction(+:h)` (gcc 12 and clang 14 accept whole arrays). Integer additions are
 * exact in any order, so the result is the serial one. A base updated that way that fails a
 * condition with a scattered subscript (not affine) gets a reason saying which, for the caller to
 * add after the dependence reasons. Returns the bases, their facts and those reasons.
 */
export function arrayReductions(ctx: AnalysisContext, loop: Node, byBase: ReadonlyMap<string, readonly MemRef[]>): { bases: Set<string>; facts: ScalarFact[]; refusals: Refusal[] } {
  const bases = new Set<string>();
  const facts: ScalarFact[] = [];
  const refusals: Refusal[] = [];
  for (const [key, refs] of byBase) {
    const updates = refs.map((r) => updateOf(r.node));
    // Only a base the dependence test finds carried needs a reduction (or a reason why not).
    if (!updates.some((u) => u !== null) || !dependencesAt(new Map([[key, refs]]), 0, false).carried) continue;
    const d = ctx.resolver.resolve(refs[0].baseName, refs[0].node);
    if (!d || contains(loop, d.declNode)) continue;
    const size = d.isArray && !d.isPointer && d.kind !== 'param' ? arraySize(ctx, d.nameNode) : null;
    const why = refusal(ctx, loop, d, refs, updates, size);
    if (why) {
      // An affine update (`p[i] += p[i - 1]`) is no histogram: its dependence reason says it all.
      const scattered = refs.some((r, i) => updates[i] !== null && (r.dims === null || r.dims.some((x) => x === null)));
      if (scattered) refusals.push({ code: why.code, message: `\`${d.name}\` is updated like a histogram, but ${why.message}`, node: why.node ?? refs[0].node });
      continue;
    }
    bases.add(key);
    facts.push({ name: d.name, role: 'reduction', op: '+', declared: d.kind === 'global' ? 'global' : 'function', liveAfter: true, type: `${d.typeText}[${size!.total}]`, range: nodeRange(refs[0].node) });
  }
  return { bases, facts, refusals };
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
function refusal(ctx: AnalysisContext, loop: Node, d: Decl, refs: readonly MemRef[], updates: readonly (Update | null)[], size: { total: number; dims: number } | null): { code: string; message: string; node?: Node } | null {
  const readAt = refs.find((_, i) => updates[i] === null);
  if (readAt) return { code: 'histogram-read', message: `the loop also reads or writes it otherwise (\`${readAt.node.text}\`): only \`h[e] += x\`, \`h[e] -= x\`, \`h[e]++\` and \`h[e]--\` make an array reduction`, node: readAt.node };
  const other = updates.find((u) => u !== null && u.op !== '+=' && u.op !== '-=' && u.op !== '+');
  if (other) return { code: 'histogram-operator', message: `it is also updated with \`${other.op}\`: only additions (\`+=\`, \`-=\`, \`++\`, \`--\`) are combined` };
  const ix = soundIndex(ctx.file, ctx.resolver, loop);
  const type = resolveType(d.typeText, ix);
  if (d.isPointer || (d.kind === 'param' && d.isArray)) {
    return { code: 'histogram-extent', message: `it is a pointer${d.kind === 'param' ? ' parameter' : ''} to \`${d.typeText}\`, so its extent is not known at the loop: \`reduction(+:${d.name}[0:n])\` would need the number of bins proved, and \`omp atomic\` updates are not written yet` };
  }
  if (!d.isArray || d.isReference) return { code: 'histogram-extent', message: `it has type \`${d.typeText}\`${d.isReference ? ' (a reference)' : ''}: OpenMP reduces only arrays of known size and built-in types without a declared reduction, which ParaForge does not write, and \`omp atomic\` updates are not written yet` };
  if (isFloatingType(type)) return { code: 'histogram-float', message: `its elements are \`${d.typeText}\`: per-thread partial bins add in another order, and floating-point addition is not associative, so the result could differ from the serial one` };
  if (!isIntegerType(type) || d.isVolatile) return { code: 'histogram-type', message: `its element type \`${d.typeText}\` is not a plain integer type` };
  if (size === null) return { code: 'histogram-extent', message: 'its size is not a constant ParaForge can read, so each thread\'s private copy cannot be sized' };
  if (size.total > MAX_ELEMENTS) return { code: 'histogram-size', message: `it has ${size.total} elements: a private copy per thread (more than ${MAX_ELEMENTS} elements) could overflow thread stacks` };
  const floating = updates.find((u) => u?.value && mayBeFloating(u.value, ctx, ix));
  if (floating?.value) return { code: 'histogram-truncates', message: `\`${floating.value.text}\` may not be an integer: every serial step truncates, so partial bins would give a different result`, node: floating.value };
  const escape = escapingUse(ctx, d, size.dims);
  if (escape) return { code: 'histogram-aliased', message: `its name is used other than as \`${d.name}[...]\` (\`${(escape.parent ?? escape).text}\`): a pointer to it could reach memory the loop touches another way`, node: escape };
  for (const r of refs) {
    const bad = outOfRange(ctx, r.node, d);
    if (bad) return { code: 'histogram-index-range', message: `the subscript \`${bad.text}\` can reach ${bad.reach}, outside its extent`, node: r.node };
  }
  return null;
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

/** An occurrence of `d` that is not the full subscript `h[..]..[..]` of its `dims` dimensions (or `sizeof`), or null. */
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
  const lit = (x: Node | null) => (x ? (parseIntLiteral(unparen(x).text) ?? ctx.file.intMacros.get(unparen(x).text)) : undefined);
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
function arraySize(ctx: AnalysisContext, name: Node): { total: number; dims: number } | null {
  let total = 1;
  let dims = 0;
  for (let p = name.parent; p && p.type === 'array_declarator'; p = p.parent) {
    const size = p.childForFieldName('size');
    if (!size) return null;
    const v = parseIntLiteral(size.text) ?? ctx.file.intMacros.get(size.text.trim());
    if (v === undefined || v <= 0) return null;
    total *= v;
    dims++;
  }
  return dims > 0 ? { total, dims } : null;
}

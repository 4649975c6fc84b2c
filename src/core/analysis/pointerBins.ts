import type { Node } from 'web-tree-sitter';
import { mayAlias, provenance } from './aliasing';
import { distinctAtEveryCall, everyCall, holdsOwnAllocation, isFreshAllocation } from './distinctArguments';
import type { AnalysisContext } from './levelAnalysis';
import { resolveType } from './reductionTypes';
import type { Decl } from './scope';
import { parseIntLiteral } from './scope';
import type { SoundIndex } from './soundIndex';
import { calleeName, codeChildren, operatorOf, unparen } from './syntax';

/**
 * Histograms behind a pointer parameter (issue #7 §2): `reduction(+:h[:K])` reads and writes all
 * K bins, not only those the serial loop touches, so it is right only when every object the
 * caller passes as `h` has at least K elements. That is shown from the call sites, as for
 * distinctAtEveryCall: the function is `static`, only called directly, and each call passes the
 * plain name of an array of constant size, or of a local pointer set once to a constant-size
 * `malloc`/`calloc`/`new[]`, with `h`'s element type.
 */

/** The number of elements every caller's object has as parameter `h` (all ≥ `need`), or why that is not proven. */
export function paramBins(h: Decl, need: number, ctx: AnalysisContext, ix: SoundIndex): { readonly why: string; readonly node?: Node } | null {
  const every = everyCall(h, ctx, ix);
  const pass = `its extent is only known from the callers, and`;
  if ('why' in every) return { why: `${pass} ${every.why}` };
  const at = every.params.findIndex((p) => p.id === h.declNode.id);
  if (at < 0) return { why: `${pass} \`${h.name}\` is not a parameter ParaForge can match at the calls` };
  for (const { call, args } of every.calls) {
    const arg = args[at];
    const line = `the call \`${call.text}\` (line ${call.startPosition.row + 1})`;
    const size = objectSize(arg, h, ctx, ix);
    if (size === null) return { why: `${pass} ${line} passes \`${arg.text}\`: not the plain name of an array of constant size, or of a pointer set once to an allocation of constant size, with \`${h.name}\`'s element type \`${h.typeText}\``, node: arg };
    if (size < need) return { why: `${line} passes \`${arg.text}\` of ${size} element${size === 1 ? '' : 's'}, but the subscripts reach bin ${need - 1}: \`reduction(+:${h.name}[:${need}])\` would touch memory past its end`, node: arg };
  }
  return null;
}

/** Why `h` may overlap another object the loop uses (by its key in `others`), or null when it provably does not. */
export function binsOverlap(h: Decl, others: readonly Decl[], ctx: AnalysisContext, ix: SoundIndex): string | null {
  const ph = provenance(h, ctx, ix);
  for (const o of others) {
    const po = provenance(o, ctx, ix);
    if (!mayAlias(h, ph, o, po)) continue;
    if (ph === 'param-pointer' && po === 'param-pointer' && distinctAtEveryCall(h, o, ctx, ix)) continue;
    return `it may point into \`${o.name}\`, which the loop also uses, and no call shows them separate objects: per-thread bins would then miss or clobber its updates`;
  }
  return null;
}

/** Base type text without cv-qualifiers and with typedefs followed, for comparing element types. */
function plainType(type: string, ix: SoundIndex): string {
  return resolveType(type.replace(/\b(?:const|volatile)\b/g, ''), ix).replace(/\s+/g, ' ').trim();
}

/** Elements of the object an argument names, when it is a plain name of a constant-size array or allocation of `h`'s element type. */
function objectSize(arg: Node, h: Decl, ctx: AnalysisContext, ix: SoundIndex): number | null {
  const e = unparen(arg);
  if (e.type !== 'identifier') return null;
  const d = ctx.resolver.resolve(e.text, e);
  if (!d || d.isReference || plainType(d.typeText, ix) !== plainType(h.typeText, ix) || !holdsOwnAllocation(d, ctx, ix)) return null;
  if (d.isArray) return constantArraySize(d.nameNode, ctx);
  // A pointer: set once, by its initialiser, to one allocation (no later assignment changes its size).
  if (!d.init || ctx.facts.writtenInFunction(d) || !isFreshAllocation(d.init, ctx, ix)) return null;
  return allocationSize(d.init, d, ctx, ix);
}

/** Elements of a one-dimensional array declared with a constant size (`h[256]`, `h[NB]`), or null. */
function constantArraySize(name: Node, ctx: AnalysisContext): number | null {
  const p = name.parent;
  if (p?.type !== 'array_declarator' || p.parent?.type === 'array_declarator') return null;
  const size = p.childForFieldName('size');
  const v = size ? intConstant(size, ctx) : undefined;
  return v !== undefined && v > 0 ? v : null;
}

/** An integer literal or a macro naming one. */
export function intConstant(n: Node, ctx: AnalysisContext): number | undefined {
  const x = unparen(n);
  return parseIntLiteral(x.text) ?? ctx.file.intMacros.get(x.text.trim());
}

/** Elements of `malloc(K * sizeof(T))`, `malloc(sizeof *p * K)`, `calloc(K, sizeof(T))` or `new T[K]` for pointer `p` to T; null otherwise. */
function allocationSize(init: Node, p: Decl, ctx: AnalysisContext, ix: SoundIndex): number | null {
  let e = unparen(init);
  while (e.type === 'cast_expression') e = unparen(e.childForFieldName('value') as Node);
  if (e.type === 'new_expression') {
    const decl = e.childForFieldName('declarator');
    const size = decl?.type === 'new_declarator' ? decl.namedChildren.find((c) => c !== null && c.type !== 'new_declarator') : undefined;
    const type = e.childForFieldName('type')?.text;
    const v = size && !decl?.namedChildren.some((c) => c?.type === 'new_declarator') ? intConstant(size, ctx) : undefined;
    return v !== undefined && v > 0 && type && plainType(type, ix) === plainType(p.typeText, ix) ? v : null;
  }
  const callee = calleeName(e)?.replace(/^std::/, '');
  const args = codeChildren(e.childForFieldName('arguments') as Node);
  const ofElement = (s: Node) => isElementSize(s, p, ix);
  if (callee === 'calloc' && args.length === 2 && ofElement(args[1])) return positive(intConstant(args[0], ctx));
  if (callee !== 'malloc' || args.length !== 1) return null;
  const m = unparen(args[0]);
  if (m.type !== 'binary_expression' || operatorOf(m) !== '*') return null;
  const [l, r] = [m.childForFieldName('left') as Node, m.childForFieldName('right') as Node];
  if (ofElement(r)) return positive(intConstant(l, ctx));
  if (ofElement(l)) return positive(intConstant(r, ctx));
  return null;
}

function positive(v: number | undefined): number | null {
  return v !== undefined && v > 0 ? v : null;
}

/** `sizeof(T)` with T the element type of pointer `p`, or `sizeof *p` / `sizeof p[0]`. */
function isElementSize(s: Node, p: Decl, ix: SoundIndex): boolean {
  const e = unparen(s);
  if (e.type !== 'sizeof_expression') return false;
  const type = e.childForFieldName('type');
  if (type) return plainType(type.text, ix) === plainType(p.typeText, ix);
  const v = unparen(e.childForFieldName('value') as Node);
  const target = v.type === 'pointer_expression' && v.text.trimStart().startsWith('*') ? v.childForFieldName('argument') : v.type === 'subscript_expression' ? v.childForFieldName('argument') : null;
  return target !== null && unparen(target).type === 'identifier' && unparen(target).text === p.name;
}

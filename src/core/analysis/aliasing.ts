import type { Node } from 'web-tree-sitter';
import type { AliasFact, Reason } from '../model';
import type { MemRef } from './dependence';
import { type Findings, reason } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { dependencesAt } from './loopDependences';
import type { LoopScan } from './loopScan';
import { extreme } from './accesses';
import { addPoly, constantOf, isConstant, type Poly, polyText } from './affine';
import { isContiguousContainer } from './containers';
import { isArithmeticType, resolveType } from './reductionTypes';
import type { Decl } from './scope';
import { distinctAtEveryCall, holdsOwnAllocation } from './distinctArguments';
import { distinctMembers, memberDeclOf } from './memberContainers';
import { confinedLocal, isPointerMemberKey, memberOrigin, pointerMemberDeclOf } from './pointerMembers';
import { type SoundIndex, soundIndex } from './soundIndex';

/** How a memory object may be reached, for the aliasing check. */
export type Provenance = 'distinct' | 'param-pointer' | 'param-ref' | 'param-member' | 'unknown';

/** What the aliasing check found: reasons that hold only if pointers overlap, and how to rule that out. */
export interface AliasResult {
  /** Reasons that would block the loop only if two pointers may overlap. */
  readonly aliasing: readonly Reason[];
  /** Pointer parameters whose `restrict` would remove the aliasing reasons. */
  readonly restrictTargets: readonly Node[];
  readonly aliasPairs: readonly (readonly [string, string])[];
  readonly facts: readonly AliasFact[];
  /** Conditions under which the loop is parallel, checked at run time (`&x != &y` for two containers). */
  readonly runtimeChecks: readonly string[];
  /** For may-alias pointer parameters: a C condition that the ranges the loop touches do not overlap, or null. */
  readonly overlapCheck: string | null;
}

/** Groups references by the declaration of their base array, in first-seen order. */
export function refsByBase(refs: readonly MemRef[]): Map<string, MemRef[]> {
  const byBase = new Map<string, MemRef[]>();
  for (const r of refs) {
    const list = byBase.get(r.base);
    if (list) list.push(r);
    else byBase.set(r.base, [r]);
  }
  return byBase;
}

/**
 * Checks every pair of memory objects the loop uses, at least one written: pairs that may overlap
 * either need an assumption (pointer or reference parameters: `restrict`) or block the loop.
 * Also blocks a reference parameter written in the loop that may name other memory it uses.
 */
export function checkAliasing(ctx: AnalysisContext, refs: readonly MemRef[], scan: LoopScan, findings: Findings): AliasResult {
  const { resolver } = ctx;
  const aliasing: Reason[] = [];
  const restrictTargets: Node[] = [];
  const aliasPairs: [string, string][] = [];
  const facts: AliasFact[] = [];
  const runtimeChecks: string[] = [];
  const overlapChecks: string[] = [];
  let overlapUnknown = false;
  const byBase = refsByBase(refs);
  const bases = [...byBase.keys()];
  const ix = refs.length ? soundIndex(ctx.file, resolver, refs[0].node) : null;
  const declOf = new Map<string, Decl>();
  for (const r of refs) if (!declOf.has(r.base)) declOf.set(r.base, (pointerMemberDeclOf(ctx, r.base, r.node) ?? resolver.resolve(r.baseName, r.node) ?? memberDeclOf(resolver, r.base, r.node)) as Decl);
  for (let x = 0; x < bases.length; x++) {
    for (let y = x + 1; y < bases.length; y++) {
      const rx = byBase.get(bases[x]) as MemRef[];
      const ry = byBase.get(bases[y]) as MemRef[];
      if (!rx.some((r) => r.write) && !ry.some((r) => r.write)) continue;
      const dx = declOf.get(bases[x]) as Decl;
      const dy = declOf.get(bases[y]) as Decl;
      const members = distinctMembers(dx, dy);
      if (members) {
        facts.push({ a: dx.name, b: dy.name, kind: 'distinct', why: members });
        continue;
      }
      const px = provenance(dx, ctx, ix as SoundIndex);
      const py = provenance(dy, ctx, ix as SoundIndex);
      if (!mayAlias(dx, px, dy, py)) {
        facts.push({ a: dx.name, b: dy.name, kind: 'distinct', why: distinctWhy(dx, px, dy, py) });
        continue;
      }
      // A pointer member (`A->val`) may hold any address the program made, except that of a local whose name is only ever subscripted.
      const member = isPointerMemberKey(dx.key) ? { m: dx, p: px, other: dy } : isPointerMemberKey(dy.key) ? { m: dy, p: py, other: dx } : null;
      if (member && confinedLocal(ctx, member.other, ix as SoundIndex)) {
        facts.push({ a: dx.name, b: dy.name, kind: 'distinct', why: `\`${member.other.name}\` is a local whose address never leaves its subscripts, so no struct member can point into it` });
        continue;
      }
      // Both come from the caller: every call in this file may pass separate objects.
      const fromCalls = px === 'param-pointer' && py === 'param-pointer' ? distinctAtEveryCall(dx, dy, ctx, ix as SoundIndex) : null;
      if (fromCalls) {
        facts.push({ a: dx.name, b: dy.name, kind: 'distinct', why: fromCalls });
        continue;
      }
      if (isContiguousContainer(dx) && isContiguousContainer(dy)) {
        // A container of containers (or of classes) may hold the other one as an element: `row` may be `all[1]`.
        if (containerType(dx) !== containerType(dy) && (!plainElements(dx, ix as SoundIndex) || !plainElements(dy, ix as SoundIndex))) {
          const at = (rx.find((r) => r.write) ?? ry.find((r) => r.write) ?? rx[0]).node;
          findings.block('may-alias', `\`${dx.name}\` and \`${dy.name}\` are containers of different types, but one holds containers or class objects, so the other may be one of its elements (\`row\` passed as \`all[1]\`): ParaForge cannot tell`, at);
          facts.push({ a: dx.name, b: dy.name, kind: 'may-alias', why: 'one container may be an element of the other' });
          continue;
        }
        if (independentEvenIfSame(rx, ry)) {
          facts.push({ a: dx.name, b: dy.name, kind: 'distinct', why: 'two containers are either one object or share no element, and the loop is independent even if they are one object' });
          continue;
        }
        if (containerType(dx) !== containerType(dy)) {
          facts.push({ a: dx.name, b: dy.name, kind: 'distinct', why: 'containers of different types are different objects' });
          continue;
        }
        // One object passed twice is the only way they overlap: check it at run time.
        runtimeChecks.push(`&${dx.name} != &${dy.name}`);
        facts.push({ a: dx.name, b: dy.name, kind: 'may-alias-params', why: 'the caller may pass the same container twice: the rewrite checks `&' + dx.name + ' != &' + dy.name + '` at run time and keeps the serial loop otherwise' });
        continue;
      }
      const at = (rx.find((r) => r.write) ?? ry.find((r) => r.write) ?? rx[0]).node;
      const fixable = [[dx, px], [dy, py]].filter(([, p]) => p === 'param-pointer').map(([d]) => (d as Decl).nameNode);
      if (member?.p !== 'unknown' && (fixable.length > 0 || (px === 'param-ref' && py === 'param-ref'))) {
        aliasing.push(reason('may-alias', `\`${dx.name}\` and \`${dy.name}\` may point into the same memory: the loop is parallel only if they do not overlap`, at));
        aliasPairs.push([dx.name, dy.name]);
        for (const f of fixable) if (!restrictTargets.includes(f)) restrictTargets.push(f);
        // A pointer member is evaluated once, before the loop that leaves it unchanged: a base like a parameter.
        const fromCaller = (p: Provenance) => p === 'param-pointer' || p === 'param-member';
        const check = fromCaller(px) && fromCaller(py) ? overlapCheck(dx.name, rx, dy.name, ry) : null;
        if (check) overlapChecks.push(check);
        else overlapUnknown = true;
        facts.push({ a: dx.name, b: dy.name, kind: 'may-alias-params', why: member ? `\`${member.m.name}\` is a pointer member of a struct the caller passed: it may point into \`${member.other.name}\`` : 'both come from the caller: they may overlap unless the caller passes separate buffers' });
      } else {
        findings.block('may-alias', `\`${dx.name}\` and \`${dy.name}\` may point into the same memory, and ParaForge cannot tell whether they overlap`, at);
        facts.push({ a: dx.name, b: dy.name, kind: 'may-alias', why: 'ParaForge cannot tell where one of them points' });
      }
    }
  }

  // A reference parameter written in the loop may name an element of an array, or a global, that
  // the loop also uses (`f(v[3])` binds `acc` to `v[3]`): then its updates interleave with those uses.
  for (const { decl, nodes } of scan.writes.values()) {
    if (decl.kind !== 'param' || !decl.isReference) continue;
    const other = [...scan.outsideNames].find((name) => name !== decl.name);
    if (other) findings.block('may-alias', `\`${decl.name}\` is a reference: it may name \`${other}\` or one of its elements, which the loop also uses, and ParaForge cannot tell`, nodes[0]);
  }
  return { aliasing, restrictTargets, aliasPairs, facts, runtimeChecks, overlapCheck: !overlapUnknown && overlapChecks.length ? overlapChecks.join(' && ') : null };
}

/**
 * Two container objects (`std::vector<double> &x, &y`) never share some elements: they are the
 * same object or disjoint. So when the loop has no carried dependence even with both names taken
 * as one array, it is safe whichever the caller passed.
 */
function independentEvenIfSame(rx: readonly MemRef[], ry: readonly MemRef[]): boolean {
  const merged = new Map<string, readonly MemRef[]>([['merged', [...rx, ...ry]]]);
  const depth = Math.max(...[...rx, ...ry].map((r) => r.loops.length));
  for (let k = 0; k < depth; k++) if (dependencesAt(merged, k, false).carried) return false;
  return true;
}

/**
 * `(a + hiA + 1 <= b + loB || b + hiB + 1 <= a + loA)`: the element ranges the loop touches through
 * two pointer parameters do not overlap. Each range comes from the affine subscripts and the loop
 * bounds (all subscripts of one pointer must share their symbolic part); null when unknown. The
 * ends are compared, not the starts: the element types may differ (`p->b` of a struct and an
 * `int *` pointing at that member start at different addresses yet overlap).
 */
function overlapCheck(a: string, ra: readonly MemRef[], b: string, rb: readonly MemRef[]): string | null {
  const ea = extent(ra);
  const eb = extent(rb);
  if (!ea || !eb) return null;
  const at = (p: string, off: string) => `(const char *)(${p} + (${off}))`;
  const end = (p: string, off: string) => `(const char *)(${p} + (${off}) + 1)`;
  return `(${end(a, ea[1])} <= ${at(b, eb[0])} || ${end(b, eb[1])} <= ${at(a, ea[0])})`;
}

/** The lowest and highest element index the references touch, as C text, or null. */
function extent(refs: readonly MemRef[]): [string, string] | null {
  let lo: Poly | null = null;
  let hi: Poly | null = null;
  for (const r of refs) {
    if (!r.dims || r.dims.length !== 1 || !r.dims[0] || r.delinearisedBy) return null;
    const l = extreme(r.dims[0], 'min', r.loops);
    const h = extreme(r.dims[0], 'max', r.loops);
    if (!l || !h) return null;
    lo = lo ? lower(lo, l, 'min') : l;
    hi = hi ? lower(hi, h, 'max') : h;
    if (!lo || !hi) return null;
  }
  if (!lo || !hi) return null;
  const text = (p: Poly): string | null => {
    // A struct member bound (`A@40#->n`, memberBounds: invariant in the loop) reads the same before it; other symbols are refused.
    const source = (v: string) => v.replace(/^([A-Za-z_]\w*)@\d+#(->|\.)([A-Za-z_]\w*)$/, '$1$2$3').replace(/@\d+$/, '');
    if ([...p.keys()].some((m) => m.split('*').some((v) => source(v).includes('#')))) return null;
    const named = new Map<string, number>();
    for (const [m, c] of p) named.set(m.split('*').map(source).join('*'), c);
    return polyText(named);
  };
  const l = text(lo);
  const h = text(hi);
  return l !== null && h !== null ? [l, h] : null;
}

/** The smaller (or larger) of two polynomials that differ by a constant, else null. */
function lower(a: Poly, b: Poly, which: 'min' | 'max'): Poly | null {
  const d = addPoly(a, b, -1);
  if (!isConstant(d)) return null;
  const aSmaller = constantOf(d) <= 0;
  return which === 'min' ? (aSmaller ? a : b) : aSmaller ? b : a;
}

/**
 * True when the container's elements are a built-in arithmetic type or a struct of this file with
 * only arithmetic and pointer fields (strings hold chars): no element can be another container.
 */
function plainElements(d: Decl, ix: SoundIndex): boolean {
  const t = d.typeText.replace(/\b(?:const|volatile)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (/^(?:std::)?(?:string|wstring)$/.test(t)) return true;
  const m = /^(?:std::)?(?:vector|array|valarray|basic_string)\s*<\s*(.+?)\s*(?:,[^<>,]+)?>$/.exec(t);
  if (!m) return false;
  const element = resolveType(m[1], ix).replace(/^(?:struct|class)\s+/, '');
  if (isArithmeticType(element)) return true;
  // One definition of that name in the file (another namespace's `P` could hold a container).
  const defs = d.declNode.tree.rootNode.descendantsOfType(['struct_specifier', 'class_specifier', 'union_specifier']).filter((n) => n?.childForFieldName('name')?.text === element && n.childForFieldName('body'));
  return defs.length === 1 && ix.plainStructs.has(element);
}

/** A container's type without cv-qualifiers or spaces, to tell whether two names can be one object. */
function containerType(d: Decl): string {
  return d.typeText.replace(/\bconst\b|\bvolatile\b|\s+/g, '');
}

function distinctWhy(a: Decl, pa: Provenance, b: Decl, pb: Provenance): string {
  if (a.isRestrict || b.isRestrict) return 'restrict-qualified';
  if (pa === 'distinct' && pb === 'distinct') return 'separate objects';
  return 'a local object cannot be reached through a parameter';
}

/** Where a memory object can come from, for the aliasing check. */
export function provenance(d: Decl, ctx: AnalysisContext, ix: SoundIndex): Provenance {
  if (isPointerMemberKey(d.key)) return memberOrigin(ctx, d);
  if (d.kind === 'param') {
    if (d.isReference) return 'param-ref';
    if (d.isPointer || d.isArray) return ctx.facts.writtenInFunction(d) ? 'unknown' : 'param-pointer';
    return 'distinct';
  }
  // `long (*r)[3]` is a pointer (to arrays), whatever its brackets say: `(long (*)[3])a` views a.
  // `double *rows[N]` is an array (of pointers), an object of its own.
  if ((d.isArray && !pointerToArray(d)) || (!d.isPointer && !d.isReference)) return 'distinct';
  if (d.isPointer && holdsOwnAllocation(d, ctx, ix)) return 'distinct';
  return 'unknown';
}

/** True for `T (*p)[N]`: the declarator applied first to the name is the pointer (C reads declarators inside out). */
function pointerToArray(d: Decl): boolean {
  if (!d.isPointer) return false;
  let p = d.nameNode.parent;
  while (p?.type === 'parenthesized_declarator') p = p.parent;
  return p?.type === 'pointer_declarator';
}

/** Two different declarations may name overlapping memory. */
export function mayAlias(a: Decl, pa: Provenance, b: Decl, pb: Provenance): boolean {
  if (a.isRestrict || b.isRestrict) return false;
  if (pa === 'distinct' && pb === 'distinct') return false;
  // A local object cannot be reached through a parameter the caller passed in.
  const localDistinct = (d: Decl, p: Provenance) => p === 'distinct' && d.kind !== 'global';
  if ((localDistinct(a, pa) && (pb === 'param-pointer' || pb === 'param-ref')) || (localDistinct(b, pb) && (pa === 'param-pointer' || pa === 'param-ref'))) return false;
  // A parameter reference of one object type cannot be a pointer target of another: keep it simple, assume it may.
  return true;
}

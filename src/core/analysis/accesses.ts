import type { Node } from 'web-tree-sitter';
import { addPoly, constantOf, constPoly, isConstant, type NameValue, parsePoly, type Poly, polyVars, varPoly } from './affine';
import { declaratorLevels } from './memoryRefs';
import type { LoopVar, MemRef } from './dependence';
import { isContiguousContainer, symbolOwner } from './containers';
import type { AnalysisContext } from './levelAnalysis';
import { isDeclaratorName } from './loopScan';
import { memberContainers, objectKey } from './memberContainers';
import { memoryFill } from './memoryFills';
import { pointerMembers } from './pointerMembers';
import { type NestShapes, rangeKey, readAfter } from './nestShapes';
import type { Decl } from './scope';
import { contains, unparen, walk } from './syntax';

/** A memory reference whose array ParaForge cannot name, and why. */
export interface UnknownRef {
  readonly node: Node;
  readonly write: boolean;
  readonly why: string;
}

/** The memory references of a loop: those with a known base array, and the rest. */
export interface Accesses {
  readonly refs: readonly MemRef[];
  readonly unknownBaseRefs: readonly UnknownRef[];
}

type Mode = 'read' | 'write' | 'readwrite';

/**
 * Second pass: every read and write of memory in the loop (`a[i][j]`, `*p`, `*(p + i)`, `p->x`,
 * arrays passed whole), with subscripts as polynomials of the loop variables; linearised
 * `a[i*n + j]` is split into `[i][j]` when j's bounds allow it.
 */
export function collectAccesses(ctx: AnalysisContext, loop: Node, nest: NestShapes): Accesses {
  const { resolver } = ctx;
  const { variant, loopVars } = nest;
  const refNameValue = (name: string, at: Node): NameValue => {
    const v = nest.baseNameValue(name, at);
    if (typeof v === 'object' && variant.has(v.symbol)) return 'unknown';
    return v;
  };
  const refCallValue = (call: Node): NameValue => {
    const v = nest.callValue(call);
    if (typeof v === 'object' && variant.has(symbolOwner(v.symbol))) return 'unknown';
    return v;
  };
  const refs: MemRef[] = [];
  const unknownBaseRefs: UnknownRef[] = [];
  // `a.val[p]`: a struct's vector or array member read as an array of its own (memberContainers.ts).
  const members = memberContainers(ctx, loop);
  // `A->val[k]`: a struct's pointer member the loop leaves unchanged, read as a pointer of its own (pointerMembers.ts).
  const pointers = pointerMembers(ctx, loop);
  const enclosingLoops = (n: Node): LoopVar[] => {
    const out: LoopVar[] = [];
    for (let p: Node | null = n; p; p = resolver.parentOf(p)) {
      const lv = loopVars.get(p.id);
      if (lv) out.unshift(lv);
      if (p.id === loop.id) break;
    }
    return out;
  };
  const toPoly = (x: Node | number | Poly): Poly | null => (typeof x === 'number' ? constPoly(x) : x instanceof Map ? x : parsePoly(x as Node, refNameValue, refCallValue));
  /**
   * `T *p = &b[e];` or `T *p = b + e;` (or `= b`) declared in the loop and never reassigned, with
   * b a one-level array or pointer of the same element type: p's element k is b[e + k]. The
   * counters in e must be those of loops around the declaration (their value is the same at every use).
   */
  const rowPointer = (d: Decl): { base: Node; offset: Poly; offsetNode: Node | null } | null => {
    if (!d.init || ctx.facts.writtenInFunction(d) || !onePointerLevel(d, resolver)) return null;
    // Only ever dereferenced: `&p`, a reference bound to p or p passed on could redirect or leak it.
    if (ctx.facts.occurrences(d, loop).some((o) => o.id !== d.nameNode.id && !isDereferenced(o))) return null;
    const init = unparen(d.init);
    let baseNode: Node | null = null;
    let offsetNode: Node | number = 0;
    if (init.type === 'pointer_expression' && init.text.trimStart().startsWith('&')) {
      const arg = unparen(init.childForFieldName('argument') as Node);
      const { base, dims, unknown } = arg.type === 'subscript_expression' ? subscriptChain(arg) : { base: arg, dims: [], unknown: true };
      if (unknown || dims.length !== 1) return null;
      baseNode = base;
      offsetNode = dims[0];
    } else if (init.type === 'identifier') baseNode = init;
    else if (init.type === 'binary_expression' && init.childForFieldName('operator')?.type === '+') {
      const l = unparen(init.childForFieldName('left') as Node);
      const r = unparen(init.childForFieldName('right') as Node);
      const ptr = [l, r].find((x) => x.type === 'identifier' && isPointerLike(resolver.resolve(x.text, x)));
      if (!ptr) return null;
      baseNode = ptr;
      offsetNode = ptr === l ? r : l;
    }
    if (!baseNode || baseNode.type !== 'identifier') return null;
    const b = resolver.resolve(baseNode.text, baseNode);
    if (!b || contains(loop, b.nameNode) || !onePointerLevel(b, resolver) || elementType(b) !== elementType(d)) return null;
    const offset = typeof offsetNode === 'number' ? constPoly(offsetNode) : parsePoly(offsetNode, refNameValue, refCallValue);
    if (!offset) return null;
    const around = new Set(enclosingLoops(d.declNode).map((l) => l.key));
    if ([...polyVars(offset)].some((v) => nest.loopVarKeys.has(v) && !around.has(v))) return null;
    return { base: baseNode, offset, offsetNode: typeof offsetNode === 'number' ? null : offsetNode };
  };
  const addRef = (node: Node, baseNode: Node | null, dimNodes: (Node | number | Poly)[] | null, mode: Mode) => {
    const write = mode === 'write' || mode === 'readwrite';
    const read = mode !== 'write';
    const member = baseNode ? (members.memberAt(baseNode) ?? pointers.memberAt(baseNode)) : null;
    if (member?.isPointer && write) {
      unknownBaseRefs.push({ node, write, why: `\`${node.text}\` writes through the pointer member \`${member.name}\`, which may point into memory the loop also uses through another name` });
      return;
    }
    if (!member && (!baseNode || baseNode.type !== 'identifier')) {
      unknownBaseRefs.push({ node, write, why: `\`${node.text}\` goes through an expression ParaForge cannot resolve to an array` });
      return;
    }
    const base = baseNode as Node;
    const d = member ?? resolver.resolve(base.text, base);
    if (!d) {
      unknownBaseRefs.push({ node, write, why: `ParaForge cannot find the declaration of \`${base.text}\`` });
      return;
    }
    if (contains(loop, d.nameNode)) {
      // A row pointer (`double *row = &a[r*n];`) names elements of its array: `row[j]` is `a[r*n + j]`.
      const row = d.isPointer ? rowPointer(d) : null;
      if (row) {
        // `*row` is element 0, `row[k]` / `*(row + k)` element k; anything else (passed whole) is unknown.
        const k = dimNodes === null || dimNodes.length > 1 ? null : dimNodes.length === 0 ? constPoly(0) : toPoly(dimNodes[0]);
        addRef(node, row.base, k ? [addPoly(row.offset, k)] : null, mode);
        return;
      }
      // A local array or object declared in the loop is private to the iteration.
      if (d.isPointer) unknownBaseRefs.push({ node, write, why: `\`${node.text}\` goes through \`${d.name}\`, a pointer set inside the loop` });
      return;
    }
    if (variant.has(d.key) || variant.has(objectKey(d.key)) || variant.has(d.key.split('->')[0])) {
      unknownBaseRefs.push({ node, write, why: `\`${node.text}\` goes through \`${d.name}\`, which changes inside the loop` });
      return;
    }
    const loops = enclosingLoops(node);
    let dims: ReturnType<typeof parsePoly>[] | null = dimNodes ? dimNodes.map(toPoly) : null;
    // A counter read outside its own loop (`C[i + j]` after `for (i…) if (…) break;`) holds
    // whatever that loop left, which may differ from one iteration to the next: not a symbol.
    const stale = dims?.map((p) => p && counterOutside(p, node, loops, nest)).find((v) => v) ?? null;
    if (stale) dims = null;
    let delinearisedBy: string | null = null;
    if (dims && dims.length === 1 && dims[0]) {
      const split = delinearise(dims[0], loops, nest.outerLoops);
      if (split) {
        dims = split.dims;
        delinearisedBy = split.by;
      }
    }
    refs.push({ node, base: d.key, baseName: d.name, dims, delinearisedBy, write, read, loops, ...(stale ? { unknownWhy: `reads \`${stale}\` outside its loop, where what that loop left can differ from one iteration to the next` } : {}) });
  };
  // Range-for loops read as counted loops: the element (`e` in `for (auto &e : y)`) is y[k].
  const rangeOf = (d: Decl): Node | null => (d.declNode.type === 'for_range_loop' && nest.shapes.has(d.declNode.id) ? d.declNode : null);
  walk(loop, (n) => {
    if (n.parent?.type === 'for_range_loop' && nest.shapes.has(n.parent.id) && n.parent.childForFieldName('right')?.id === n.id) {
      // The header reads each element once (a by-value element is a private copy of it).
      addRef(n, unparen(n), [varPoly(rangeKey(n.parent))], 'read');
      return false;
    }
    if (n.type === 'identifier' && !isDeclaratorName(n)) {
      const d = resolver.resolve(n.text, n);
      const r = d?.isReference ? rangeOf(d) : null;
      if (r) {
        addRef(n, unparen(r.childForFieldName('right') as Node), [varPoly(rangeKey(r))], accessMode(n));
        return false;
      }
    }
    if (n.type === 'init_declarator') {
      // A row pointer's initialiser only computes an address: it reads no element (its offset may read some).
      const declarator = n.childForFieldName('declarator');
      const id = declarator?.type === 'pointer_declarator' ? declarator.childForFieldName('declarator') : null;
      const d = id?.type === 'identifier' ? resolver.resolve(id.text, id) : null;
      const row = d && d.nameNode.id === id?.id && contains(loop, d.nameNode) ? rowPointer(d) : null;
      if (row) {
        if (row.offsetNode) walkInto(row.offsetNode);
        return false;
      }
      return undefined;
    }
    if (n.type === 'call_expression') {
      // memset/memcpy into a named array: writes the whole array, reads the whole object its source points into.
      const fill = memoryFill(ctx, n);
      if (fill) {
        addRef(fill.dest, fill.dest, null, 'write');
        if (fill.source && fill.sourceBase) addRef(fill.source, fill.sourceBase, null, 'read');
        fill.offsets.forEach(walkInto);
        // The value and the size (`sizeof *tmp` reads nothing: its operand is not evaluated).
        for (const a of fill.call.childForFieldName('arguments')?.namedChildren ?? []) {
          if (!a || a.id === fill.dest.id || a.id === fill.source?.id) continue;
          walk(a, (m) => {
            if (m.type === 'sizeof_expression' && m.childForFieldName('value')) return false;
            if (m.type !== 'subscript_expression' && m.type !== 'pointer_expression' && m.type !== 'field_expression' && m.type !== 'identifier') return undefined;
            innerVisit(m);
            return false;
          });
        }
        return false;
      }
      return undefined;
    }
    if (n.type === 'subscript_expression') {
      const { base: b, dims, unknown } = subscriptChain(n);
      const viaMember = b.type === 'field_expression' && !members.memberAt(b) ? throughMember(n, b, accessMode(n)) : 'no';
      if (viaMember === 'unknown') {
        for (const d of dims) walkInto(d);
        walkInto(b);
        return false;
      }
      // `s.v[i]`: an array inside a struct; the struct is the object, the subscripts unknown.
      const inStruct = viaMember === 'array';
      addRef(n, inStruct ? rootOf(b) : b, unknown || inStruct ? null : dims, accessMode(n));
      for (const d of dims) walkInto(d);
      if (inStruct || b.type === 'call_expression' || b.type === 'pointer_expression') walkInto(b);
      return false;
    }
    if (n.type === 'pointer_expression' && n.text.trimStart().startsWith('&') && n.parent?.type === 'argument_list') {
      // A callee given `&a[i]` (or `&e` of a range-for element) may read any element through it (`p[1]`).
      let x = unparen(n.childForFieldName('argument') as Node);
      while (x.type === 'subscript_expression' || (x.type === 'field_expression' && !x.text.includes('->'))) x = unparen(x.childForFieldName('argument') as Node);
      const d = x.type === 'identifier' ? resolver.resolve(x.text, x) : null;
      const r = d?.isReference ? rangeOf(d) : null;
      if (r) addRef(n, unparen(r.childForFieldName('right') as Node), null, 'read');
      else if (d && x.id !== unparen(n.childForFieldName('argument') as Node).id) addRef(n, x, null, 'read');
      return undefined;
    }
    if (n.type === 'pointer_expression' && n.text.trimStart().startsWith('*')) {
      const arg = unparen(n.childForFieldName('argument') as Node);
      if (arg.type === 'identifier') {
        // `*p` reads p's value, not other memory through p: the one access is `*p` itself.
        addRef(n, arg, [], accessMode(n));
        return false;
      } else if (arg.type === 'binary_expression' && (arg.childForFieldName('operator')?.type === '+' || arg.text.includes('+'))) {
        const l = unparen(arg.childForFieldName('left') as Node);
        const r = unparen(arg.childForFieldName('right') as Node);
        const ptrSide = [l, r].find((x) => x.type === 'identifier' && isPointerLike(resolver.resolve(x.text, x)));
        const other = ptrSide === l ? r : l;
        if (ptrSide && arg.childForFieldName('operator')?.type === '+') {
          addRef(n, ptrSide, [other], accessMode(n));
          walkInto(other);
          return false;
        }
        addRef(n, null, null, accessMode(n));
      } else addRef(n, null, null, accessMode(n));
      walkInto(arg);
      return false;
    }
    if (n.type === 'field_expression') {
      // A struct's member: its `.size()` reads no element; an arithmetic member is element 0 of its own.
      if (members.memberAt(n)) {
        if (n.parent?.type !== 'field_expression') addRef(n, n, [], accessMode(n));
        return false;
      }
      const arg = unparen(n.childForFieldName('argument') as Node);
      // `x.size()` of a container reads its length, not its elements.
      if (arg.type === 'identifier' && isSizeQuery(n) && (isContiguousContainer(resolver.resolve(arg.text, arg)) || members.memberAt(arg))) return false;
      const isArrow = n.text.includes('->') && n.children.some((c) => c?.type === '->');
      if (arg.type === 'identifier') {
        const d = resolver.resolve(arg.text, arg);
        // `e.x` of a range-for's element reference is part of y[k] (not of a local object e).
        const r = d?.isReference && !isArrow ? rangeOf(d) : null;
        if (r) {
          addRef(n, unparen(r.childForFieldName('right') as Node), [varPoly(rangeKey(r))], accessMode(n));
          return false;
        }
        // `p->x` reads element 0 of p; `s.x` is part of the object s.
        if (isArrow || (d && !d.isPointer)) addRef(n, arg, isArrow ? [0] : [], accessMode(n));
        return false;
      }
      return undefined;
    }
    if (n.type === 'identifier') {
      const p = n.parent;
      if (p?.type === 'call_expression' && p.childForFieldName('function') === n) return false;
      const d = resolver.resolve(n.text, n);
      // An array, pointer or container passed whole, e.g. to a pure helper (`nb(v, i)` reading w[i + 1]), may be read anywhere
      // (`std::size(x)` reads only its length).
      const call = p?.type === 'argument_list' ? p.parent : null;
      const sizeOnly = call?.type === 'call_expression' && /^(?:::)?std::(?:size|ssize|empty)$/.test(call.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '');
      if (d && (d.isArray || d.isPointer || (isContiguousContainer(d) && !sizeOnly)) && !isDeclaratorName(n)) addRef(n, n, null, 'read');
      return false;
    }
    return undefined;
  });
  function walkInto(n: Node) {
    // Re-enter the same visitor for index expressions (a[idx[i]] reads idx[i]).
    walk(n, (m) => {
      if (m.type === 'subscript_expression' || m.type === 'pointer_expression' || m.type === 'field_expression' || m.type === 'identifier') {
        innerVisit(m);
        return false;
      }
      return undefined;
    });
  }
  function innerVisit(m: Node) {
    if (m.type === 'subscript_expression') {
      const { base: b, dims, unknown } = subscriptChain(m);
      const viaMember = b.type === 'field_expression' && !members.memberAt(b) ? throughMember(m, b, 'read') : 'no';
      if (viaMember === 'unknown') walkInto(b);
      else addRef(m, b.type === 'identifier' || members.memberAt(b) || viaMember === 'pointer' ? b : null, unknown ? null : dims, 'read');
      for (const d of dims) walkInto(d);
    } else if (members.memberAt(m)) {
      if (m.parent?.type !== 'field_expression') addRef(m, m, [], 'read');
    } else if (m.type === 'identifier') {
      const d = resolver.resolve(m.text, m);
      if (d && (d.isArray || d.isPointer)) addRef(m, m, null, 'read');
    } else if (m.type === 'field_expression' && plainMember(m)) {
      // `s.cols` / `p->cols` in a subscript reads that object as the loop's own walk does (a symbol there: memberBounds).
      addRef(m, unparen(m.childForFieldName('argument') as Node), m.children.some((c) => c?.type === '->') ? [0] : [], 'read');
    } else if (m.type === 'pointer_expression' || m.type === 'field_expression') {
      addRef(m, null, null, 'read');
    }
  }
  /**
   * `X.f[..]` / `X->f[..]` (`b` is the member): 'array' for an array member (part of the struct),
   * 'pointer' for a pointer member read as a base of its own (its own read of X is recorded here),
   * else 'unknown', recorded as such: the elements lie wherever the member points.
   */
  function throughMember(sub: Node, b: Node, mode: Mode): 'array' | 'pointer' | 'unknown' {
    if (pointers.isArrayMember(b)) return 'array';
    const m = pointers.memberAt(b);
    if (m && mode === 'read') {
      const arrow = b.children.some((c) => c?.type === '->');
      addRef(b, unparen(b.childForFieldName('argument') as Node), arrow ? [0] : [], 'read');
      return 'pointer';
    }
    const write = mode !== 'read';
    unknownBaseRefs.push({ node: sub, write, why: m ? `\`${sub.text}\` writes through the pointer member \`${m.name}\`, which may point into memory the loop also uses through another name` : `\`${sub.text}\` goes through the member \`${b.text}\`, which ParaForge cannot show to be an array inside the struct, or a pointer member that the loop leaves unchanged` });
    return 'unknown';
  }
  /** `s.x` of a struct object or `p->x` of a pointer, both named: what the loop's own walk reads as element 0 of s or p. */
  function plainMember(m: Node): boolean {
    const arg = unparen(m.childForFieldName('argument') as Node);
    if (arg.type !== 'identifier') return false;
    const d = resolver.resolve(arg.text, arg);
    return m.children.some((c) => c?.type === '->') || (d !== null && !d.isPointer);
  }
  return { refs, unknownBaseRefs };
}

/** Whether a reference is read, written or both, judged from where it stands. */
export function accessMode(node: Node): Mode {
  let n = node;
  // Node objects are wrappers made on each access: compare ids (`===` never held, so `a[i].x = v` was a read).
  while (n.parent && (n.parent.type === 'parenthesized_expression' || (n.parent.type === 'field_expression' && n.parent.childForFieldName('argument')?.id === n.id))) n = n.parent;
  const p = n.parent;
  if (!p) return 'read';
  if (p.type === 'assignment_expression' && p.childForFieldName('left')?.id === n.id) {
    return p.childForFieldName('operator')?.type === '=' || /^\s*=/.test(p.text.slice(n.endIndex - p.startIndex)) ? 'write' : 'readwrite';
  }
  if (p.type === 'update_expression') return 'readwrite';
  return 'read';
}

/** `x.size` / `x.length` / `x.empty` called with no arguments. */
function isSizeQuery(field: Node): boolean {
  const call = field.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== field.id) return false;
  if ((call.childForFieldName('arguments')?.namedChildCount ?? 0) !== 0) return false;
  return /^(size|length|empty)$/.test(field.childForFieldName('field')?.text ?? '');
}

/** The single index of `a[i]` (C or C++ syntax), or null. */
export function subscriptIndex(sub: Node): Node | null {
  const idx = sub.childForFieldName('index');
  if (idx) return idx;
  const list = sub.childForFieldName('indices');
  if (!list) return null;
  const items = list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  return items.length === 1 ? items[0] : null;
}

function rootOf(n: Node): Node | null {
  let x: Node = n;
  while (x.type === 'field_expression' || x.type === 'subscript_expression') x = unparen(x.childForFieldName('argument') as Node);
  return x.type === 'identifier' ? x : null;
}

/** True when the pointer named by `n` is only dereferenced there: `p[k]`, `*p`, `*(p + k)`, `p->f`. */
function isDereferenced(n: Node): boolean {
  let p = n.parent;
  while (p?.type === 'parenthesized_expression') p = p.parent;
  if (!p) return false;
  if (p.type === 'subscript_expression') return p.childForFieldName('argument')?.id === n.id || unparen(p.childForFieldName('argument') as Node).id === n.id;
  if (p.type === 'field_expression') return p.children.some((c) => c?.type === '->');
  if (p.type === 'pointer_expression') return p.text.trimStart().startsWith('*');
  if (p.type === 'binary_expression' && p.childForFieldName('operator')?.type === '+') {
    let q = p.parent;
    while (q?.type === 'parenthesized_expression') q = q.parent;
    return q?.type === 'pointer_expression' && q.text.trimStart().startsWith('*');
  }
  return false;
}

/** True when `d` is declared `T *x` or `T x[n]`: one level of pointer or array, no more. */
function onePointerLevel(d: Decl, resolver: { parentOf: (n: Node) => Node | null }): boolean {
  const levels = declaratorLevels(d, (n) => resolver.parentOf(n));
  return levels.length === 1 && !d.isReference;
}

/** The element type of a pointer or array, without cv-qualifiers. */
function elementType(d: Decl): string {
  return d.typeText.replace(/\b(?:const|volatile|restrict|__restrict__|__restrict)\b/g, '').replace(/\s+/g, ' ').trim();
}

function isPointerLike(d: Decl | null): boolean {
  return d !== null && (d.isPointer || d.isArray);
}

/** `a[i][j]` read outermost-first: the array expression, its index expressions, and whether one is unreadable. */
export function subscriptChain(n: Node): { base: Node; dims: Node[]; unknown: boolean } {
  const dims: Node[] = [];
  let base: Node = n;
  let unknown = false;
  while (base.type === 'subscript_expression') {
    const idx = subscriptIndex(base);
    if (!idx) unknown = true;
    else dims.unshift(idx);
    base = unparen(base.childForFieldName('argument') as Node);
  }
  return { base, dims, unknown };
}

/**
 * The smallest (or largest) value of `p` over the loops' ranges, as a polynomial in the symbols
 * left: each loop counter is replaced by its own bound (min for a positive coefficient, max for a
 * negative one, and the other way round for 'max'), a few times over. Null with products of counters.
 */
export function extreme(p: Poly, which: 'min' | 'max', loops: readonly LoopVar[]): Poly | null {
  let cur: Poly = p;
  for (let round = 0; round < 4; round++) {
    let next: Poly = new Map();
    let changed = false;
    for (const [m, c] of cur) {
      const lv = m && !m.includes('*') ? loops.find((l) => l.key === m) : undefined;
      if (m.includes('*') && m.split('*').some((v) => loops.some((l) => l.key === v))) return null;
      if (!lv) {
        next = addPoly(next, new Map([[m, c]]));
        continue;
      }
      const bound = (c > 0) === (which === 'min') ? lv.min : lv.max;
      if (!bound) return null;
      next = addPoly(next, bound, c);
      changed = true;
    }
    cur = next;
    if (!changed) return cur;
  }
  return null;
}

/**
 * Splits `i*n + j` into `[i][j]` when `0 <= j < n` follows from j's loop bounds (a linearised 2-D
 * array), recursively for `(i*n + j)*n + k`; j may also be the counter of a loop around the analysed
 * one (`outer`, e.g. LU's k), whose bounds hold throughout.
 */
function delinearise(p: ReturnType<typeof parsePoly> & object, loops: readonly LoopVar[], outer: readonly LoopVar[] = []): { dims: ReturnType<typeof parsePoly>[]; by: string } | null {
  const loopKeys = new Set(loops.map((l) => l.key));
  const products = [...p.keys()].filter((m) => m.includes('*'));
  if (products.length === 0) return null;
  const symbols = new Set<string>();
  for (const m of products) for (const v of m.split('*')) if (!loopKeys.has(v)) symbols.add(v);
  for (const s of symbols) {
    const high = new Map<string, number>();
    const low = new Map<string, number>();
    for (const [m, c] of p) {
      const parts = m ? m.split('*') : [];
      const i = parts.indexOf(s);
      if (i >= 0) {
        parts.splice(i, 1);
        high.set(parts.join('*'), c);
      } else low.set(m, c);
    }
    // An s*s term (`((k - 1)*n + j)*n`) is fine when the high part is split again below.
    if ([...low.keys()].some((m) => m.includes('*') || m === s) || (high.has(s) && ![...high.keys()].some((m) => m.includes('*')))) continue;
    // The low part must be v + k with 0 <= v + k <= s - 1 for every v the loop takes.
    const lowVars = [...low.keys()].filter((m) => m !== '');
    if (lowVars.length !== 1 || low.get(lowVars[0]) !== 1) continue;
    const lv = loops.find((l) => l.key === lowVars[0]) ?? outer.find((l) => l.key === lowVars[0]);
    if (!lv || !lv.min || !lv.max) continue;
    const k = low.get('') ?? 0;
    // Bounds that mention other loop counters (`j = k + 1`, `j <= i`) use those counters' bounds.
    const vars = [...loops, ...outer];
    const lvMin = extreme(lv.min, 'min', vars);
    const lvMax = extreme(lv.max, 'max', vars);
    if (!lvMin || !lvMax) continue;
    const minOk = isConstant(lvMin) && constantOf(lvMin) + k >= 0;
    const maxPoly = new Map(lvMax);
    maxPoly.set(s, (maxPoly.get(s) ?? 0) - 1);
    if (maxPoly.get(s) === 0) maxPoly.delete(s);
    // max + k - (s - 1) must be a constant <= 0.
    const slack = [...maxPoly.entries()];
    const onlyConst = slack.every(([m]) => m === '');
    const maxOk = onlyConst && (maxPoly.get('') ?? 0) + k + 1 <= 0;
    if (!minOk || !maxOk) continue;
    // `(i*n + j)*n + k`: the high part may itself be linearised.
    if ([...high.keys()].some((m) => m.includes('*'))) {
      const inner = delinearise(high, loops, outer);
      if (!inner) continue;
      return { dims: [...inner.dims, low], by: `${inner.by},${s}` };
    }
    return { dims: [high, low], by: s };
  }
  return null;
}

/** The name of a counter of the nest `p` mentions outside its loop where it is not exit-invariant (or a symbol derived from one), else null. */
function counterOutside(p: Poly, at: Node, loops: readonly LoopVar[], nest: NestShapes): string | null {
  const around = new Set(loops.map((l) => l.key));
  for (const v of polyVars(p)) {
    const owner = symbolOwner(v);
    if (around.has(v) || around.has(owner)) continue;
    for (const k of [v, owner]) if (nest.loopVarKeys.has(k) && !readAfter(nest.exitInvariant, k, at)) return k.split('@')[0];
  }
  return null;
}

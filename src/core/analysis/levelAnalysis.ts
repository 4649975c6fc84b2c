import type { Node } from 'web-tree-sitter';
import type { OmpClauses, Reason, ReductionOp } from '../model';
import { nodeRange } from '../parse';
import { constantOf, constPoly, isConstant, type NameValue, parsePoly, polyVars } from './affine';
import { commonDepth, type LoopVar, type MemRef, testDependence } from './dependence';
import type { FunctionFacts } from './functionFacts';
import { type LoopShape, loopShape } from './loopShape';
import { classifyScalar, isLiveAfter } from './scalars';
import { collectEnumerators, type Decl, type FileIndex, type Resolver } from './scope';
import { type CallJudge, isStreamName } from './sideEffects';
import { contains, unparen, walk } from './syntax';

/** Everything one analysis shares while it looks at the loops of a file. */
export interface AnalysisContext {
  readonly file: FileIndex;
  readonly resolver: Resolver;
  readonly calls: CallJudge;
  /** Per-function facts (uses of each variable, variables assigned), computed once per analysis. */
  readonly facts: FunctionFacts;
}

/** How a memory object may be reached, for the aliasing check. */
type Provenance = 'distinct' | 'param-pointer' | 'param-ref' | 'unknown';

/** The result of asking "can this loop (and the levels collapsed under it) run in parallel?". */
export interface LevelResult {
  readonly loop: Node;
  readonly shape: LoopShape | null;
  /** Reasons the loop cannot run in parallel (empty when it can, possibly under assumptions). */
  readonly blocking: readonly Reason[];
  /** Reasons the loop cannot even be analysed (macros it cannot see through). */
  readonly notAnalysable: readonly Reason[];
  /** Reasons that would block it only if two pointers may overlap. */
  readonly aliasing: readonly Reason[];
  /** Pointer parameters whose `restrict` would remove the aliasing reasons. */
  readonly restrictTargets: readonly Node[];
  readonly aliasPairs: readonly (readonly [string, string])[];
  readonly clauses: OmpClauses;
  /** Scalars that accumulate, by variable: what the loop needs as reduction, for pragma checks. */
  readonly scalarFacts: readonly ScalarFact[];
  /** Dependences carried by the loop (array or scalar), for existing-pragma race reports. */
  readonly races: readonly Reason[];
}

/** How a scalar written in the loop must be treated. */
export interface ScalarFact {
  readonly name: string;
  readonly role: 'private' | 'lastprivate' | 'reduction' | 'carried' | 'induction';
  readonly op?: ReductionOp;
  readonly node: Node;
}

const LOOP_TYPES = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop']);
const MAX_REFS = 300;

function reason(code: string, message: string, node: Node): Reason {
  return { code, message, range: nodeRange(node) };
}

/** Loops nested directly in `loop` (not inside lambdas or local functions). */
export function childLoops(loop: Node): Node[] {
  const out: Node[] = [];
  const body = loop.childForFieldName('body');
  if (!body) return out;
  const visit = (n: Node) => {
    if (LOOP_TYPES.has(n.type)) {
      out.push(n);
      return;
    }
    if (n.type === 'lambda_expression' || n.type === 'function_definition') return;
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(body);
  return out;
}

/** The single loop that makes up the whole body of `loop` (`for … { for … }`), or null. */
export function perfectChild(loop: Node): Node | null {
  let body = loop.childForFieldName('body');
  while (body && body.type === 'compound_statement') {
    const kids = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (kids.length !== 1) return null;
    body = kids[0];
  }
  return body && body.type === 'for_statement' ? body : null;
}

/**
 * Analyses `loop` as the loop that would get `#pragma omp parallel for`, collapsing up to
 * `maxCollapse` perfectly nested rectangular levels when they are independent too.
 */
export function analyseLevel(ctx: AnalysisContext, loop: Node, maxCollapse = 8): LevelResult {
  const { resolver, file } = ctx;
  const localEnums = new Map<number, Map<string, number | null>>();
  const blocking: Reason[] = [];
  const notAnalysable: Reason[] = [];
  const races: Reason[] = [];
  const block = (code: string, message: string, node: Node) => {
    if (!blocking.some((r) => r.code === code && (r.range.startOffset === node.startIndex || r.message === message))) blocking.push(reason(code, message, node));
  };

  // ---- Pass 1: declarations inside, scalar writes, loops, hazards, calls.
  const declaredInside = new Set<string>();
  const writes = new Map<string, { decl: Decl; nodes: Node[] }>();
  const innerLoops: Node[] = [];
  const calledGlobals = new Set<string>();
  const memWriteTargets: Node[] = [];
  /** Parameters and globals the loop names: memory a reference parameter may also name. */
  const outsideNames = new Set<string>();
  const noteWrite = (target: Node) => {
    const t = unparen(target);
    if (t.type !== 'identifier') {
      memWriteTargets.push(t);
      return;
    }
    const d = resolver.resolve(t.text, t);
    if (!d) {
      block('unknown-write', `\`${t.text}\` is written but ParaForge cannot find its declaration`, t);
      return;
    }
    const entry = writes.get(d.key);
    if (entry) entry.nodes.push(t);
    else writes.set(d.key, { decl: d, nodes: [t] });
  };
  let hasCalls = false;
  walk(loop, (n) => {
    switch (n.type) {
      case 'for_statement':
      case 'while_statement':
      case 'do_statement':
      case 'for_range_loop':
        innerLoops.push(n);
        break;
      case 'declaration':
        for (const c of n.namedChildren) {
          if (c?.type === 'storage_class_specifier' && c.text === 'static') block('static-local', 'a `static` variable declared in the loop is shared by all iterations', n);
        }
        if (/\bvolatile\b/.test(n.childForFieldName('type')?.text ?? '') || n.namedChildren.some((c) => c?.type === 'type_qualifier' && c.text === 'volatile')) {
          block('volatile', 'a `volatile` variable is declared in the loop: its accesses must stay in order', n);
        }
        collectDeclaredNames(n, declaredInside);
        break;
      case 'assignment_expression':
        noteWrite(n.childForFieldName('left') as Node);
        break;
      case 'update_expression':
        noteWrite(n.childForFieldName('argument') as Node);
        break;
      case 'pointer_expression':
        if (n.text.startsWith('&')) {
          const arg = unparen(n.childForFieldName('argument') as Node);
          if (arg.type === 'identifier') {
            const d = resolver.resolve(arg.text, arg);
            if (d && !d.isArray && !contains(loop, d.nameNode)) block('address-taken', `the address of \`${arg.text}\` is taken in the loop: ParaForge cannot follow writes through it`, n);
          }
        }
        break;
      case 'call_expression': {
        hasCalls = true;
        const c = ctx.calls.classify(n);
        if (c.kind === 'macro') notAnalysable.push(reason('macro', c.message, n));
        else if (c.kind === 'unsafe') block(c.code, c.message, n);
        else if (c.kind === 'user-pure') c.globalsRead.forEach((g) => calledGlobals.add(g));
        break;
      }
      case 'qualified_identifier':
      case 'identifier':
        if (isStreamName(n.text)) block('io-call', `\`${n.text}\` does I/O: its output order would change when iterations run in parallel`, n);
        if (n.type === 'identifier' && n.parent?.type !== 'call_expression') {
          const d = resolver.resolve(n.text, n);
          if (d?.isVolatile) block('volatile', `\`${n.text}\` is volatile: its accesses must stay in order`, n);
          // By-value parameters and this call's own arrays are private: only globals and what
          // pointers, references and array parameters lead to can be shared with the caller.
          if (d && (d.kind === 'global' || d.isPointer || d.isReference || (d.isArray && d.kind === 'param'))) outsideNames.add(d.name);
        }
        break;
      case 'goto_statement':
        block('goto', '`goto` may jump out of the loop or between iterations: OpenMP loops must run every iteration', n);
        break;
      case 'return_statement':
        block('early-exit', '`return` leaves the loop early: an OpenMP loop must run every iteration', n);
        break;
      case 'break_statement': {
        const target = breakTarget(n);
        if (target?.id === loop.id) block('early-exit', '`break` leaves the loop early: an OpenMP loop must run every iteration', n);
        break;
      }
      case 'throw_expression':
      case 'throw_statement':
        block('throw', '`throw` leaves the loop early: an exception cannot escape an OpenMP loop', n);
        break;
      case 'gnu_asm_expression':
        block('inline-asm', 'inline assembly: ParaForge cannot tell what it touches', n);
        break;
      case 'lambda_expression':
        block('lambda', 'a lambda in the loop: ParaForge does not analyse what it captures', n);
        return false;
      case 'new_expression':
      case 'delete_expression':
        block('allocation', 'memory is allocated or freed in the loop: ParaForge keeps such loops sequential', n);
        break;
      case 'preproc_call':
        if (/^#\s*pragma/.test(n.text)) block('nested-pragma', 'a `#pragma` inside the loop: ParaForge does not nest parallel regions', n);
        else notAnalysable.push(reason('preprocessor', 'a preprocessor directive inside the loop: ParaForge cannot see which code is compiled', n));
        break;
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
        notAnalysable.push(reason('preprocessor', 'a preprocessor directive inside the loop: ParaForge cannot see which code is compiled', n));
        return false;
      default:
        break;
    }
    return undefined;
  });

  // ---- Loop shapes: which induction variables can serve in subscripts.
  const constValue = (d: Decl): number | undefined => {
    if (!d.isConst || d.isPointer || d.isArray || !d.init) return undefined;
    const p = parsePoly(d.init, () => 'unknown');
    return p && isConstant(p) ? constantOf(p) : undefined;
  };
  const baseNameValue = (name: string, at: Node): NameValue => {
    const d = resolver.resolve(name, at);
    if (!d) {
      const v = file.intMacros.get(name);
      if (v !== undefined) return v;
      const e = enumValue(name, at);
      if (e !== undefined) return e ?? { symbol: name };
      if (file.otherMacros.has(name)) return 'unknown';
      // An all-caps name declared nowhere in this file is most likely a macro from a header.
      if (/^[A-Z][A-Z0-9_]*$/.test(name)) return 'unknown';
      return { symbol: name };
    }
    return constValue(d) ?? { symbol: d.key };
  };
  function enumValue(name: string, at: Node): number | null | undefined {
    if (file.enumerators.has(name)) return file.enumerators.get(name);
    let fn: Node | null = at;
    while (fn && fn.type !== 'function_definition') fn = fn.parent;
    if (!fn) return undefined;
    let local = localEnums.get(fn.id);
    if (!local) {
      local = new Map();
      const body = fn.childForFieldName('body');
      if (body && body.text.includes('enum')) walk(body, (n) => {
        if (n.type === 'enum_specifier') collectEnumerators(n, local as Map<string, number | null>);
      });
      localEnums.set(fn.id, local);
    }
    return local.has(name) ? local.get(name) : undefined;
  }
  const shapes = new Map<number, LoopShape>();
  let ownShapeProblem: { problem: string; at: Node; macro?: boolean } | null = null;
  for (const l of innerLoops) {
    const r = loopShape(l, resolver, baseNameValue);
    if ('shape' in r) shapes.set(l.id, r.shape);
    else if (l.id === loop.id) ownShapeProblem = r;
  }
  const loopVarKey = (s: LoopShape): string => {
    const d = s.varDecl ?? resolver.resolve(s.varName, s.node.childForFieldName('condition') ?? s.node);
    return d ? d.key : s.varName;
  };
  // An induction variable also written in its loop's body is not an induction variable.
  for (const [id, s] of [...shapes]) {
    const key = loopVarKey(s);
    const w = writes.get(key);
    const header = [s.node.childForFieldName('initializer'), s.node.childForFieldName('update')].filter((x): x is Node => x !== null);
    if (w && w.nodes.some((n) => !header.some((h) => contains(h, n)))) {
      shapes.delete(id);
      if (id === loop.id) ownShapeProblem = { problem: `the induction variable \`${s.varName}\` is also changed inside the loop body`, at: w.nodes.find((n) => !header.some((h) => contains(h, n))) as Node };
    }
  }
  const loopVarKeys = new Set([...shapes.values()].map(loopVarKey));
  const variant = new Set<string>([...declaredInside, ...writes.keys()].filter((k) => !loopVarKeys.has(k)));
  // Bounds must not depend on variables that change inside the loop.
  for (let round = 0; round < 2; round++) {
    for (const [id, s] of [...shapes]) {
      const vars = new Set([...polyVars(s.min), ...polyVars(s.max)]);
      const bad = [...vars].find((v) => variant.has(v) || (id === loop.id && loopVarKeys.has(v)));
      if (bad) {
        shapes.delete(id);
        const key = loopVarKey(s);
        loopVarKeys.delete(key);
        variant.add(key);
        if (id === loop.id) ownShapeProblem = { problem: `the loop bound depends on \`${bad.split('@')[0]}\`, which changes inside the loop`, at: s.boundNodes[1] };
      }
    }
  }
  const shape = shapes.get(loop.id) ?? null;
  if (ownShapeProblem) {
    if (ownShapeProblem.macro) notAnalysable.push(reason('macro-bound', ownShapeProblem.problem, ownShapeProblem.at));
    else block('non-canonical-loop', ownShapeProblem.problem, ownShapeProblem.at);
  }
  const loopVars = new Map<number, LoopVar>();
  for (const [id, s] of shapes) loopVars.set(id, { key: loopVarKey(s), name: s.varName, min: s.min, max: s.max });
  const ownKey = shape ? loopVarKey(shape) : null;

  // ---- Pass 2: memory references with subscripts.
  const refNameValue = (name: string, at: Node): NameValue => {
    const v = baseNameValue(name, at);
    if (typeof v === 'object' && variant.has(v.symbol)) return 'unknown';
    return v;
  };
  const refs: MemRef[] = [];
  const unknownBaseRefs: { node: Node; write: boolean; why: string }[] = [];
  const enclosingLoops = (n: Node): LoopVar[] => {
    const out: LoopVar[] = [];
    for (let p: Node | null = n; p; p = resolver.parentOf(p)) {
      const lv = loopVars.get(p.id);
      if (lv) out.unshift(lv);
      if (p.id === loop.id) break;
    }
    return out;
  };
  const addRef = (node: Node, baseNode: Node | null, dimNodes: (Node | number)[] | null, mode: Mode) => {
    const write = mode === 'write' || mode === 'readwrite';
    const read = mode !== 'write';
    if (!baseNode || baseNode.type !== 'identifier') {
      unknownBaseRefs.push({ node, write, why: `\`${node.text}\` goes through an expression ParaForge cannot resolve to an array` });
      return;
    }
    const d = resolver.resolve(baseNode.text, baseNode);
    if (!d) {
      unknownBaseRefs.push({ node, write, why: `ParaForge cannot find the declaration of \`${baseNode.text}\`` });
      return;
    }
    if (contains(loop, d.nameNode)) {
      // A local array or object declared in the loop is private to the iteration.
      if (d.isPointer) unknownBaseRefs.push({ node, write, why: `\`${node.text}\` goes through \`${d.name}\`, a pointer set inside the loop` });
      return;
    }
    if (variant.has(d.key)) {
      unknownBaseRefs.push({ node, write, why: `\`${node.text}\` goes through \`${d.name}\`, which changes inside the loop` });
      return;
    }
    const loops = enclosingLoops(node);
    let dims: (ReturnType<typeof parsePoly>)[] | null = dimNodes ? dimNodes.map((x) => (typeof x === 'number' ? constPoly(x) : parsePoly(x, refNameValue))) : null;
    let delinearisedBy: string | null = null;
    if (dims && dims.length === 1 && dims[0]) {
      const split = delinearise(dims[0], loops);
      if (split) {
        dims = split.dims;
        delinearisedBy = split.by;
      }
    }
    refs.push({ node, base: d.key, baseName: d.name, dims, delinearisedBy, write, read, loops });
  };
  walk(loop, (n) => {
    if (n.type === 'subscript_expression') {
      const { base: b, dims, unknown } = subscriptChain(n);
      // `s.v[i]`: an array inside a struct; the struct is the object, the subscripts unknown.
      const inStruct = b.type === 'field_expression';
      addRef(n, inStruct ? rootOf(b) : b, unknown || inStruct ? null : dims, accessMode(n));
      for (const d of dims) walkInto(d);
      if (b.type === 'field_expression' || b.type === 'call_expression' || b.type === 'pointer_expression') walkInto(b);
      return false;
    }
    if (n.type === 'pointer_expression' && n.text.trimStart().startsWith('*')) {
      const arg = unparen(n.childForFieldName('argument') as Node);
      if (arg.type === 'identifier') addRef(n, arg, [], accessMode(n));
      else if (arg.type === 'binary_expression' && (arg.childForFieldName('operator')?.type === '+' || arg.text.includes('+'))) {
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
      const arg = unparen(n.childForFieldName('argument') as Node);
      const isArrow = n.text.includes('->') && n.children.some((c) => c?.type === '->');
      if (arg.type === 'identifier') {
        const d = resolver.resolve(arg.text, arg);
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
      // An array (or pointer) passed whole, e.g. to a pure helper, may be read anywhere.
      if (d && (d.isArray || d.isPointer) && !isDeclaratorName(n)) addRef(n, n, null, 'read');
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
      addRef(m, b.type === 'identifier' ? b : null, unknown ? null : dims, 'read');
      for (const d of dims) walkInto(d);
    } else if (m.type === 'identifier') {
      const d = resolver.resolve(m.text, m);
      if (d && (d.isArray || d.isPointer)) addRef(m, m, null, 'read');
    } else if (m.type === 'pointer_expression' || m.type === 'field_expression') {
      addRef(m, null, null, 'read');
    }
  }

  // ---- Aliasing and dependences.
  const anyWrite = refs.some((r) => r.write) || unknownBaseRefs.some((r) => r.write) || memWriteTargets.length > 0 && refs.length + unknownBaseRefs.length === 0;
  for (const u of unknownBaseRefs) {
    if (u.write || anyWrite) block(u.write ? 'unknown-write-target' : 'unknown-read-target', `${u.why}: ParaForge cannot tell which elements iterations touch`, u.node);
  }
  if (refs.length > MAX_REFS) block('too-complex', `the loop makes ${refs.length} memory references: too many to check pair by pair`, loop);
  const aliasing: Reason[] = [];
  const restrictTargets: Node[] = [];
  const aliasPairs: [string, string][] = [];
  const byBase = new Map<string, MemRef[]>();
  for (const r of refs) {
    const list = byBase.get(r.base);
    if (list) list.push(r);
    else byBase.set(r.base, [r]);
  }
  const bases = [...byBase.keys()];
  const declOf = new Map<string, Decl>();
  for (const r of refs) if (!declOf.has(r.base)) declOf.set(r.base, resolver.resolve(r.baseName, r.node) as Decl);
  for (let x = 0; x < bases.length; x++) {
    for (let y = x + 1; y < bases.length; y++) {
      const rx = byBase.get(bases[x]) as MemRef[];
      const ry = byBase.get(bases[y]) as MemRef[];
      if (!rx.some((r) => r.write) && !ry.some((r) => r.write)) continue;
      const dx = declOf.get(bases[x]) as Decl;
      const dy = declOf.get(bases[y]) as Decl;
      const px = provenance(dx, ctx);
      const py = provenance(dy, ctx);
      if (!mayAlias(dx, px, dy, py)) continue;
      const at = (rx.find((r) => r.write) ?? ry.find((r) => r.write) ?? rx[0]).node;
      const fixable = [[dx, px], [dy, py]].filter(([, p]) => p === 'param-pointer').map(([d]) => (d as Decl).nameNode);
      if (fixable.length > 0 || (px === 'param-ref' && py === 'param-ref')) {
        aliasing.push(reason('may-alias', `\`${dx.name}\` and \`${dy.name}\` may point into the same memory: the loop is parallel only if they do not overlap`, at));
        aliasPairs.push([dx.name, dy.name]);
        for (const f of fixable) if (!restrictTargets.includes(f)) restrictTargets.push(f);
      } else {
        block('may-alias', `\`${dx.name}\` and \`${dy.name}\` may point into the same memory, and ParaForge cannot tell whether they overlap`, at);
      }
    }
  }

  // A reference parameter written in the loop may name an element of an array, or a global, that
  // the loop also uses (`f(v[3])` binds `acc` to `v[3]`): then its updates interleave with those uses.
  for (const { decl, nodes } of writes.values()) {
    if (decl.kind !== 'param' || !decl.isReference) continue;
    const other = [...outsideNames].find((name) => name !== decl.name);
    if (other) block('may-alias', `\`${decl.name}\` is a reference: it may name \`${other}\` or one of its elements, which the loop also uses, and ParaForge cannot tell`, nodes[0]);
  }

  // Levels: the loop itself, then perfectly nested rectangular children while they stay independent.
  const levels: Node[] = [loop];
  for (let child = perfectChild(loop); child && levels.length < maxCollapse; child = perfectChild(child)) {
    const s = shapes.get(child.id);
    if (!s) break;
    const outerKeys = new Set(levels.map((l) => loopVars.get(l.id)?.key));
    if ([...polyVars(s.min), ...polyVars(s.max)].some((v) => outerKeys.has(v))) break;
    levels.push(child);
  }
  let collapse = levels.length;
  const carriedAt = (k: number, report: boolean): boolean => {
    let carried = false;
    for (const list of byBase.values()) {
      const writesHere = list.filter((r) => r.write);
      for (const w of writesHere) {
        for (const o of list) {
          if (o.write && list.indexOf(o) < list.indexOf(w)) continue;
          if (commonDepth(w, o) <= k) continue;
          const out = testDependence(w, o, k);
          if (out.independent) continue;
          carried = true;
          if (report) {
            const r = dependenceReason(w, o, out.distance, k);
            if (!blocking.some((b) => b.code === r.code && b.range.startOffset === r.range.startOffset)) {
              blocking.push(r);
              races.push(r);
            }
          }
          if (!report) return true;
        }
      }
    }
    return carried;
  };
  if (shape) carriedAt(0, true);
  for (let k = 1; k < levels.length; k++) {
    if (carriedAt(k, false)) {
      collapse = k;
      break;
    }
  }

  // Globals read by called helpers must not be written by the loop.
  for (const key of calledGlobals) {
    const w = writes.get(key) ?? (byBase.get(key)?.find((r) => r.write) ? { nodes: [byBase.get(key)!.find((r) => r.write)!.node] } : undefined);
    if (w) block('call-reads-written-global', `a function called in the loop reads \`${key.split('@')[0]}\`, which the loop writes`, w.nodes[0]);
  }

  // ---- Scalars.
  const scalarFacts: ScalarFact[] = [];
  const priv: string[] = [];
  const lastpriv: string[] = [];
  const reduction: { op: ReductionOp; var: string }[] = [];
  const collapsedKeys = new Set(levels.slice(0, collapse).map((l) => loopVars.get(l.id)?.key));
  for (const [key, { decl, nodes }] of writes) {
    if (declaredInside.has(key)) continue;
    if (decl.isArray) continue;
    const live = isLiveAfter(decl, loop, ctx.facts);
    if (key === ownKey || (collapsedKeys.has(key) && shape)) {
      // OpenMP makes these private itself; their value after the loop is another matter.
      if (live) {
        block('induction-used-after', `\`${decl.name}\` is used after the loop; ParaForge keeps loops whose counter outlives them sequential`, nodes[0]);
      }
      scalarFacts.push({ name: decl.name, role: 'induction', node: nodes[0] });
      continue;
    }
    if (decl.isPointer && refs.some((r) => r.base === key)) continue;
    const c = classifyScalar(decl, loop, ctx.facts, loopVarKeys.has(key));
    if (c.role === 'reduction') {
      reduction.push({ op: c.op, var: decl.name });
      scalarFacts.push({ name: decl.name, role: 'reduction', op: c.op, node: nodes[0] });
    } else if (c.role === 'private') {
      (live ? lastpriv : priv).push(decl.name);
      scalarFacts.push({ name: decl.name, role: live ? 'lastprivate' : 'private', node: nodes[0] });
    } else {
      const r = reason(c.code, c.message, c.node);
      blocking.push(r);
      races.push(r);
      scalarFacts.push({ name: decl.name, role: 'carried', node: c.node });
    }
  }

  // ---- Schedule, size, simd.
  const ownVars = new Set(levels.slice(0, collapse).map((l) => loopVars.get(l.id)?.key).filter((k): k is string => k !== undefined));
  let triangular = false;
  for (const l of innerLoops) {
    if (levels.slice(0, collapse).some((c) => c.id === l.id)) continue;
    const s = shapes.get(l.id);
    const boundVars = s ? new Set([...polyVars(s.min), ...polyVars(s.max)]) : new Set<string>();
    if ([...boundVars].some((v) => ownVars.has(v))) triangular = true;
  }
  let work = 1;
  for (const l of innerLoops) {
    const s = shapes.get(l.id);
    work = s?.tripCount != null ? work * Math.max(1, s.tripCount) : Infinity;
    if (!s || s.tripCount === null) work = Infinity;
    if (work === Infinity) break;
  }
  if (shape && work < 64 && blocking.length === 0) {
    block('too-small', `the loop does only about ${work} iterations of work: starting threads would cost more than it saves`, loop.childForFieldName('condition') ?? loop);
  }
  const innermost = levels[collapse - 1];
  // Nodes are compared by id: tree-sitter hands out a new JS object for each visit of a node.
  const simd = innerLoops.every((l) => l.id === loop.id || levels.slice(0, collapse).some((c) => c.id === l.id)) && !hasCalls && innermost.id === levels[levels.length - 1].id && childLoops(innermost).length === 0;
  const clauses: OmpClauses = {
    reduction,
    private: priv,
    lastprivate: lastpriv,
    collapse,
    schedule: triangular ? 'dynamic' : null,
    simd,
  };
  return { loop, shape, blocking, notAnalysable, aliasing, restrictTargets, aliasPairs, clauses, scalarFacts, races };
}

type Mode = 'read' | 'write' | 'readwrite';

/** Whether a reference is read, written or both, judged from where it stands. */
function accessMode(node: Node): Mode {
  let n = node;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || (n.parent.type === 'field_expression' && n.parent.childForFieldName('argument') === n))) n = n.parent;
  const p = n.parent;
  if (!p) return 'read';
  if (p.type === 'assignment_expression' && p.childForFieldName('left')?.id === n.id) {
    return p.childForFieldName('operator')?.type === '=' || /^\s*=/.test(p.text.slice(n.endIndex - p.startIndex)) ? 'write' : 'readwrite';
  }
  if (p.type === 'update_expression') return 'readwrite';
  return 'read';
}

function subscriptIndex(sub: Node): Node | null {
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

function isPointerLike(d: Decl | null): boolean {
  return d !== null && (d.isPointer || d.isArray);
}

function isDeclaratorName(n: Node): boolean {
  const p = n.parent;
  return p !== null && (p.type === 'init_declarator' || p.type.endsWith('declarator')) && p.childForFieldName('declarator')?.id === n.id;
}

function collectDeclaredNames(decl: Node, out: Set<string>): void {
  walk(decl, (n) => {
    if (n.type === 'identifier' && isDeclaratorName(n)) out.add(`${n.text}@${n.startIndex}`);
    if (n.type === 'init_declarator') {
      const d = n.childForFieldName('declarator');
      if (d) walk(d, (m) => {
        if (m.type === 'identifier' && isDeclaratorName(m)) out.add(`${m.text}@${m.startIndex}`);
      });
      return false;
    }
    return undefined;
  });
}

/** `a[i][j]` read outermost-first: the array expression, its index expressions, and whether one is unreadable. */
function subscriptChain(n: Node): { base: Node; dims: Node[]; unknown: boolean } {
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

function breakTarget(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) {
    if (LOOP_TYPES.has(p.type) || p.type === 'switch_statement') return p;
  }
  return null;
}

/** Splits `i*n + j` into `[i][j]` when `0 <= j < n` follows from j's loop bounds (a linearised 2-D array). */
function delinearise(p: ReturnType<typeof parsePoly> & object, loops: readonly LoopVar[]): { dims: ReturnType<typeof parsePoly>[]; by: string } | null {
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
    if ([...high.keys(), ...low.keys()].some((m) => m.includes('*') || m === s)) continue;
    // The low part must be v + k with 0 <= v + k <= s - 1 for every v the loop takes.
    const lowVars = [...low.keys()].filter((m) => m !== '');
    if (lowVars.length !== 1 || low.get(lowVars[0]) !== 1) continue;
    const lv = loops.find((l) => l.key === lowVars[0]);
    if (!lv || !lv.min || !lv.max) continue;
    const k = low.get('') ?? 0;
    const minOk = isConstant(lv.min) && constantOf(lv.min) + k >= 0;
    const maxPoly = new Map(lv.max);
    maxPoly.set(s, (maxPoly.get(s) ?? 0) - 1);
    if (maxPoly.get(s) === 0) maxPoly.delete(s);
    // max + k - (s - 1) must be a constant <= 0.
    const slack = [...maxPoly.entries()];
    const onlyConst = slack.every(([m]) => m === '');
    const maxOk = onlyConst && (maxPoly.get('') ?? 0) + k + 1 <= 0;
    if (minOk && maxOk) return { dims: [high, low], by: s };
  }
  return null;
}

function dependenceReason(w: MemRef, o: MemRef, distance: number | null, level: number): Reason {
  const v = w.loops[level]?.name ?? 'i';
  const base = w.baseName;
  if (!w.dims || !o.dims) {
    const bad = !o.dims ? o : w;
    return reason(
      'unknown-subscript',
      `\`${bad.node.text}\` has a subscript ParaForge cannot analyse (not affine in the loop variables): different iterations may touch the same element of \`${base}\``,
      bad.node,
    );
  }
  if (w === o) {
    return reason('output-dependence', `\`${w.node.text}\` writes the same element of \`${base}\` in different iterations of the \`${v}\` loop: loop-carried output dependence`, w.node);
  }
  if (o.write && distance === null) {
    return reason('output-dependence', `\`${w.node.text}\` and \`${o.node.text}\` may write the same element of \`${base}\` in different iterations of the \`${v}\` loop: loop-carried output dependence`, o.node);
  }
  if (distance === null) {
    return reason('carried-dependence', `\`${o.node.text}\` may read an element of \`${base}\` that \`${w.node.text}\` writes in another iteration of the \`${v}\` loop: loop-carried dependence`, o.node);
  }
  const d = Math.abs(distance);
  const shift = (sign: string) => `${v}${sign}${d}`;
  if (o.write) {
    return reason('output-dependence', `\`${w.node.text}\` and \`${o.node.text}\` write the same element ${d} iteration${d === 1 ? '' : 's'} apart: loop-carried output dependence`, o.node);
  }
  // distance = (iteration of o) - (iteration of w) touching the same element.
  if (distance > 0) {
    return reason('flow-dependence', `\`${o.node.text}\` read in iteration ${v} is written by iteration ${shift('-')} (\`${w.node.text}\`): loop-carried flow dependence`, o.node);
  }
  return reason('anti-dependence', `\`${o.node.text}\` read in iteration ${v} is overwritten by iteration ${shift('+')} (\`${w.node.text}\`): loop-carried anti dependence`, o.node);
}

/** Where a memory object can come from, for the aliasing check. */
function provenance(d: Decl, ctx: AnalysisContext): Provenance {
  if (d.kind === 'param') {
    if (d.isReference) return 'param-ref';
    if (d.isPointer || d.isArray) return ctx.facts.writtenInFunction(d) ? 'unknown' : 'param-pointer';
    return 'distinct';
  }
  if (d.isArray || (!d.isPointer && !d.isReference)) return 'distinct';
  if (d.isPointer && d.init && /^\s*(?:\([^)]*\)\s*)?(?:std::)?(?:malloc|calloc|aligned_alloc)\s*\(|^\s*new\b/.test(d.init.text) && !ctx.facts.writtenInFunction(d)) return 'distinct';
  return 'unknown';
}

/** Two different declarations may name overlapping memory. */
function mayAlias(a: Decl, pa: Provenance, b: Decl, pb: Provenance): boolean {
  if (a.isRestrict || b.isRestrict) return false;
  if (pa === 'distinct' && pb === 'distinct') return false;
  // A local object cannot be reached through a parameter the caller passed in.
  const localDistinct = (d: Decl, p: Provenance) => p === 'distinct' && d.kind !== 'global';
  if ((localDistinct(a, pa) && (pb === 'param-pointer' || pb === 'param-ref')) || (localDistinct(b, pb) && (pa === 'param-pointer' || pa === 'param-ref'))) return false;
  // A parameter reference of one object type cannot be a pointer target of another: keep it simple, assume it may.
  return true;
}

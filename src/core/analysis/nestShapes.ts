import type { Node } from 'web-tree-sitter';
import { addPoly, constantOf, constPoly, isConstant, type NameValue, parsePoly, polyVars, varPoly } from './affine';
import type { LoopVar } from './dependence';
import type { Findings } from './findings';
import { containerSizeValue, isContiguousContainer, sizeSymbol, symbolOwner } from './containers';
import type { AnalysisContext } from './levelAnalysis';
import { breakTarget, type LoopScan } from './loopScan';
import { type LoopShape, loopShape } from './loopShape';
import { memberBoundProblem, memberBoundValue } from './memberBounds';
import { parityLoops } from './parityLoops';
import { soundIndex, enclosingFunction } from './soundIndex';
import { collectEnumerators, type Decl, type Resolver } from './scope';
import { contains, headerWriters, unparen, walk } from './syntax';

/** The canonical loops of a nest, with the names that change inside it. */
export interface NestShapes {
  /** Shape of every canonical loop whose variable and bounds are usable, by node id. */
  readonly shapes: ReadonlyMap<number, LoopShape>;
  /** The analysed loop's own shape, or null when it is not canonical. */
  readonly shape: LoopShape | null;
  /** Loop variables by loop node id, for subscripts. */
  readonly loopVars: ReadonlyMap<number, LoopVar>;
  /** Declaration keys of every usable induction variable. */
  readonly loopVarKeys: ReadonlySet<string>;
  /** The analysed loop's induction variable key. */
  readonly ownKey: string | null;
  /** Keys of names declared or written in the loop (other than induction variables). */
  readonly variant: ReadonlySet<string>;
  /** How names read as integers: constants, symbols, or unknown (macros). */
  readonly baseNameValue: (name: string, at: Node) => NameValue;
  /** How calls and member reads read as integers: `x.size()` of a container, or a member bound (memberBounds), is a symbol; anything else unknown. */
  readonly callValue: (call: Node) => NameValue;
  /** The declaration key a shape's induction variable resolves to. */
  readonly loopVarKey: (s: LoopShape) => string;
  /** Counted loops around the analysed one in its function (their counters are constant inside it), innermost last. */
  readonly outerLoops: readonly LoopVar[];
  /**
   * Counters whose value after their loop is the same in every iteration of the analysed loop,
   * with that loop: one loop sets them, only in its header, it runs in every iteration (only
   * blocks around it), its bounds use none of the nest's counters, and no `break` leaves it.
   * Read after that loop they are symbols; any other counter read outside its loop is unknown.
   */
  readonly exitInvariant: ReadonlyMap<string, Node>;
}

/**
 * True when a constant of this declared type keeps the initialiser's value: an `int`-or-wider
 * integer type written out (no typedef), non-negative for unsigned ones. `const unsigned char K = 258`
 * is 2 and `const short S = 65538` is 2, so narrower types (and typedefs, `auto`) are not read.
 * parsePoly already keeps values below 2^31 in magnitude.
 */
function holdsUnchanged(typeText: string, value: number): boolean {
  const t = typeText.replace(/\b(?:const|constexpr|static|volatile|register|signed)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (/^(?:int|long|long int|long long|long long int|(?:std::)?(?:int32_t|int64_t|ptrdiff_t|intptr_t|intmax_t))$/.test(t)) return true;
  if (/^(?:unsigned|unsigned int|unsigned long|unsigned long int|unsigned long long|unsigned long long int|(?:std::)?(?:uint32_t|uint64_t|size_t|uintptr_t|uintmax_t))$/.test(t)) return value >= 0;
  return false;
}

/**
 * Reads every for-loop of the nest as OpenMP's canonical form, and drops those whose counter is
 * changed in the body or whose bounds depend on names the loop changes (reported for the analysed loop).
 */
export function nestShapes(ctx: AnalysisContext, loop: Node, scan: LoopScan, findings: Findings): NestShapes {
  const { resolver, file } = ctx;
  const localEnums = new Map<number, Map<string, number | null>>();
  const constValue = (d: Decl): number | undefined => {
    if (!d.isConst || d.isPointer || d.isArray || !d.init) return undefined;
    const p = parsePoly(d.init, () => 'unknown');
    return p && isConstant(p) && holdsUnchanged(d.typeText, constantOf(p)) ? constantOf(p) : undefined;
  };
  const enumValue = (name: string, at: Node): number | null | undefined => {
    if (file.enumerators.has(name)) return file.enumerators.get(name);
    const fn = enclosingFunction(at);
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
  // `x.size()` of a container, and an integer member the loop does not change (`p->n`).
  const sizeValue = containerSizeValue(resolver);
  const memberValue = memberBoundValue(ctx, loop);
  const callValue = (n: Node): NameValue => (n.type === 'field_expression' ? memberValue(n) : sizeValue(n));
  const shapes = new Map<number, LoopShape>();
  let ownShapeProblem: { problem: string; at: Node; macro?: boolean } | null = null;
  for (const l of scan.innerLoops) {
    const range = l.type === 'for_range_loop' ? rangeShape(l, resolver) : null;
    if (range) {
      shapes.set(l.id, range);
      continue;
    }
    const r = loopShape(l, resolver, baseNameValue, callValue);
    if ('shape' in r) shapes.set(l.id, r.shape);
    else if (l.id === loop.id) ownShapeProblem = memberProblem(ctx, loop, r.at) ?? r;
  }
  const loopVarKey = (s: LoopShape): string => {
    if (s.node.type === 'for_range_loop') return rangeKey(s.node);
    const d = s.varDecl ?? resolver.resolve(s.varName, s.node.childForFieldName('condition') ?? s.node);
    return d ? d.key : s.varName;
  };
  // An induction variable also written in its loop's body is not an induction variable.
  for (const [id, s] of [...shapes]) {
    const key = loopVarKey(s);
    const w = scan.writes.get(key);
    const header = headerWriters(s.node);
    // Writes elsewhere (a sibling loop reusing a C89 counter) do not change this loop's iterations;
    // reads of the counter outside its loop are handled where they are read (accesses, bounds).
    if (w && w.nodes.some((n) => contains(s.node, n) && !header.some((h) => contains(h, n)))) {
      shapes.delete(id);
      if (id === loop.id) ownShapeProblem = { problem: `the induction variable \`${s.varName}\` is also changed inside the loop body`, at: w.nodes.find((n) => !header.some((h) => contains(h, n))) as Node };
    }
  }
  const loopVarKeys = new Set([...shapes.values()].map(loopVarKey));
  /** Counters of the canonical loops strictly around `n`, up to the analysed loop. */
  const enclosingKeys = (n: Node): Set<string> => {
    const out = new Set<string>();
    for (let p = n.parent; p; p = p.parent) {
      const s = shapes.get(p.id);
      if (s) out.add(loopVarKey(s));
      if (p.id === loop.id) break;
    }
    return out;
  };
  const variant = new Set<string>([...scan.declaredInside, ...scan.writes.keys()].filter((k) => !loopVarKeys.has(k)));
  const exitInvariant = exitInvariantCounters(scan, shapes, loop, loopVarKey, loopVarKeys);
  // Bounds must not depend on variables that change inside the loop.
  for (let round = 0; round < 2; round++) {
    for (const [id, s] of [...shapes]) {
      const vars = new Set([...polyVars(s.min), ...polyVars(s.max)]);
      // A symbol derived from a counter (`i / 2`) hides it: the bound is not loop-invariant.
      // A counter of a loop that does not enclose this one holds whatever that loop left.
      const around = enclosingKeys(s.node);
      const bad = [...vars].find(
        (v) =>
          variant.has(v) ||
          variant.has(symbolOwner(v)) ||
          (id === loop.id && loopVarKeys.has(v)) ||
          (v !== symbolOwner(v) && loopVarKeys.has(symbolOwner(v))) ||
          (loopVarKeys.has(v) && !around.has(v) && !readAfter(exitInvariant, v, s.node)),
      );
      if (bad) {
        shapes.delete(id);
        const key = loopVarKey(s);
        loopVarKeys.delete(key);
        exitInvariant.delete(key);
        variant.add(key);
        if (id === loop.id) ownShapeProblem = { problem: `the loop bound depends on \`${symbolOwner(bad).split('@')[0]}\`, which changes inside the loop`, at: s.boundNodes[1] };
      }
    }
  }
  const shape = shapes.get(loop.id) ?? null;
  if (ownShapeProblem) {
    if (ownShapeProblem.macro) findings.unanalysable('macro-bound', ownShapeProblem.problem, ownShapeProblem.at);
    else findings.block('non-canonical-loop', ownShapeProblem.problem, ownShapeProblem.at);
  }
  const loopVars = new Map<number, LoopVar>();
  for (const [id, s] of shapes) loopVars.set(id, { key: loopVarKey(s), name: s.varName, min: s.min, max: s.max, step: s.step });
  const ownKey = shape ? loopVarKey(shape) : null;
  // Loops around the analysed one: inside it their counters are constants within known bounds.
  const outerLoops: LoopVar[] = [];
  for (let p = loop.parent; p && p.type !== 'function_definition' && p.type !== 'lambda_expression'; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    const r = loopShape(p, resolver, baseNameValue, callValue);
    if (!('shape' in r)) continue;
    const key = loopVarKey(r.shape);
    // Only when the analysed loop changes neither the counter nor its bounds.
    if (variant.has(key) || [...polyVars(r.shape.min), ...polyVars(r.shape.max)].some((v) => variant.has(v) || variant.has(symbolOwner(v)))) continue;
    // Nor may the outer loop's own body change its bounds or counter (then k < m would not hold throughout).
    const boundKeys = new Set([...polyVars(r.shape.min), ...polyVars(r.shape.max)].map(symbolOwner));
    let changed = false;
    const outerBody = p.childForFieldName('body');
    if (outerBody) walk(outerBody, (n) => {
      if (n.type === 'assignment_expression' || n.type === 'update_expression') {
        const t = n.childForFieldName('left') ?? n.childForFieldName('argument');
        const k = t?.type === 'identifier' ? resolver.resolve(t.text, t)?.key : undefined;
        if (k !== undefined && (boundKeys.has(k) || k === key)) changed = true;
      }
      if (n.type === 'call_expression' && boundKeys.size > 0) changed = true;
      return changed ? false : undefined;
    });
    if (changed) continue;
    outerLoops.unshift({ key, name: r.shape.varName, min: r.shape.min, max: r.shape.max, step: r.shape.step });
  }
  // Issue #7 §2 (red-black sweeps): counters' parities, and inner loops that start at `e + x % 2`.
  const parity = parityLoops({ resolver, loop, innerLoops: scan.innerLoops, shapes, loopVars, outerLoops, variant, loopVarKeys, writes: scan.writes, nameValue: baseNameValue, callValue, addressTaken: (d) => soundIndex(file, resolver, loop).isAddressTaken(d) });
  for (const k of parity.addedKeys) {
    loopVarKeys.add(k);
    variant.delete(k);
  }
  return { shapes, shape, loopVars: parity.loopVars, loopVarKeys, ownKey, variant, baseNameValue, callValue, loopVarKey, outerLoops, exitInvariant };
}

/** True when `key` is an exit-invariant counter and `at` comes after its loop. */
export function readAfter(exitInvariant: ReadonlyMap<string, Node>, key: string, at: Node): boolean {
  const l = exitInvariant.get(key);
  return l !== undefined && at.startIndex >= l.endIndex;
}

/** The counters (see NestShapes.exitInvariant) whose value after their loop does not vary with the analysed loop's iteration. */
function exitInvariantCounters(scan: LoopScan, shapes: ReadonlyMap<number, LoopShape>, loop: Node, keyOf: (s: LoopShape) => string, loopVarKeys: ReadonlySet<string>): Map<string, Node> {
  const loopsOf = new Map<string, LoopShape[]>();
  for (const s of shapes.values()) loopsOf.set(keyOf(s), [...(loopsOf.get(keyOf(s)) ?? []), s]);
  const out = new Map<string, Node>();
  for (const [key, [s, ...others]] of loopsOf) {
    if (others.length > 0 || s.node.id === loop.id || s.node.type !== 'for_statement') continue;
    let p = s.node.parent;
    while (p && p.id !== loop.id && p.type === 'compound_statement') p = p.parent;
    if (p?.id !== loop.id) continue;
    const header = headerWriters(s.node);
    if ((scan.writes.get(key)?.nodes ?? []).some((w) => !header.some((h) => contains(h, w)))) continue;
    if ([...polyVars(s.min), ...polyVars(s.max)].some((v) => loopVarKeys.has(v) || loopVarKeys.has(symbolOwner(v)) || v.includes('#'))) continue;
    if (s.node.descendantsOfType('break_statement').some((b) => b !== null && breakTarget(b)?.id === s.node.id)) continue;
    out.set(key, s.node);
  }
  return out;
}

/** Why a bound that reads a struct member is refused (memberBounds), or null when it reads none or the member is fine. */
function memberProblem(ctx: AnalysisContext, loop: Node, bound: Node): { problem: string; at: Node } | null {
  const members = bound.type === 'field_expression' ? [bound] : bound.descendantsOfType('field_expression').filter((n): n is Node => n !== null);
  for (const fe of members) {
    const why = memberBoundProblem(ctx, loop, fe);
    if (why) return { problem: `the bound \`${bound.text}\` reads a struct member ParaForge cannot treat as loop-invariant: ${why}`, at: fe };
  }
  return null;
}

/** The key of a range-for's implicit element index (it has no name in the source). */
export function rangeKey(loop: Node): string {
  return `#range@${loop.startIndex}`;
}

/**
 * A range-based for over a whole contiguous container or array named by a plain identifier
 * (`for (auto &e : y)`), read as the counted loop over its element index k in [0, size(y) - 1],
 * which OpenMP 5 also splits. Null for anything else (a temporary, a map, a call).
 */
export function rangeShape(loop: Node, resolver: Resolver): LoopShape | null {
  const right = loop.childForFieldName('right');
  if (!right || unparen(right).type !== 'identifier') return null;
  const id = unparen(right);
  const d = resolver.resolve(id.text, id);
  if (!d || !(isContiguousContainer(d) || (d.isArray && d.kind !== 'param'))) return null;
  const declarator = loop.childForFieldName('declarator');
  let nameNode: Node | null = declarator;
  while (nameNode && nameNode.type !== 'identifier') nameNode = nameNode.namedChildren.find((c): c is Node => c !== null && (c.type === 'identifier' || c.type.endsWith('declarator'))) ?? null;
  if (!nameNode) return null;
  const max = addPoly(varPoly(sizeSymbol(d)), constPoly(-1));
  return { node: loop, varName: nameNode.text, varDecl: null, declaredInHeader: true, min: constPoly(0), max, step: 1, tripCount: null, boundNodes: [id, id] };
}

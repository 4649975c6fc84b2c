import type { Node } from 'web-tree-sitter';
import { addPoly, constantOf, constPoly, isConstant, type NameValue, parsePoly, type Poly, polyVars } from './affine';
import { extreme } from './accesses';
import type { LoopVar } from './dependence';
import { type Decl, parseIntLiteral, type Resolver } from './scope';
import { contains, headerWriters, operatorOf, unparen } from './syntax';
import { type LoopShape, loopShape } from './loopShape';

/**
 * Counter parities for the parity test (issue #7 §2, red-black sweeps). A counter with an even
 * step s and start e takes e, e + s, e + 2s, …, so it is ≡ e (mod 2) on every iteration, with e's
 * names read at the loop's entry: they must be counters of loops around it or names the analysed
 * loop never writes. C's `%` truncates, but x % m = x - m*(x/m), so x % m ≡ x (mod 2) for even
 * m, negative x included. Inner loops that start at such a remainder (`j = 1 + (i + c) % 2`) are
 * not canonical; their counter still gets bounds (the remainder's range) and its parity, which
 * is all the dependence tests need. Only signed integer names: casts, unsigned arithmetic, calls,
 * divisions and shifts are refused.
 */

/** What parityLoops reads from the nest. */
export interface ParityInputs {
  readonly resolver: Resolver;
  /** The analysed loop and every loop inside it. */
  readonly loop: Node;
  readonly innerLoops: readonly Node[];
  readonly shapes: ReadonlyMap<number, LoopShape>;
  readonly loopVars: ReadonlyMap<number, LoopVar>;
  readonly outerLoops: readonly LoopVar[];
  /** Names declared or written in the analysed loop (counters excluded). */
  readonly variant: ReadonlySet<string>;
  readonly loopVarKeys: ReadonlySet<string>;
  /** Variables written in the analysed loop, with the writing nodes. */
  readonly writes: ReadonlyMap<string, { readonly nodes: readonly Node[] }>;
  readonly nameValue: (name: string, at: Node) => NameValue;
  readonly callValue: (call: Node) => NameValue;
  /** True when the variable's address is taken (it may change through a pointer the analysis does not follow). */
  readonly addressTaken: (d: Decl) => boolean;
}

/** The nest's loop variables with their parities, and the keys of counters of the non-canonical loops added. */
export interface ParityLoops {
  readonly loopVars: ReadonlyMap<number, LoopVar>;
  readonly addedKeys: readonly string[];
}

const SIGNED = /^(?:(?:signed|short|long|int)\s*)+$|^(?:std::)?(?:ptrdiff_t|ssize_t|intptr_t|int(?:8|16|32|64)_t)$/;

/** True for signed integer types (plain char, whose signedness the platform picks, excluded). */
function isSignedInteger(typeText: string): boolean {
  const t = typeText.replace(/\b(?:const|static|register)\b/g, ' ').replace(/\s+/g, ' ').trim();
  return SIGNED.test(t) || /^signed char$/.test(t);
}

/**
 * A polynomial congruent mod 2 to the C integer expression `node`, or null: sums, differences,
 * constant multiples and `% m` (m even) of signed names and literals.
 */
export function parityPoly(node: Node, nameValue: (name: string, at: Node) => NameValue): Poly | null {
  const p = parityPolyOf(node, nameValue);
  // A coefficient beyond 2^53 has lost its low bit.
  return p && [...p.values()].every((c) => Number.isSafeInteger(c)) ? p : null;
}

function parityPolyOf(node: Node, nameValue: (name: string, at: Node) => NameValue): Poly | null {
  const n = unparen(node);
  switch (n.type) {
    case 'number_literal': {
      if (/[uU]/.test(n.text.replace(/^0[xX][0-9a-fA-F]*/, ''))) return null;
      const v = parseIntLiteral(n.text);
      return v === undefined ? null : constPoly(v);
    }
    case 'identifier': {
      const v = nameValue(n.text, n);
      if (v === 'unknown') return null;
      return typeof v === 'object' ? new Map([[v.symbol, 1]]) : constPoly(v);
    }
    case 'unary_expression': {
      const arg = n.childForFieldName('argument');
      const op = operatorOf(n);
      const p = arg && (op === '-' || op === '+') ? parityPoly(arg, nameValue) : null;
      return p && (op === '-' ? addPoly(new Map(), p, -1) : p);
    }
    case 'binary_expression': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const op = operatorOf(n);
      if (!l || !r) return null;
      const a = parityPoly(l, nameValue);
      const b = a && parityPoly(r, nameValue);
      if (!a || !b) return null;
      if (op === '+') return addPoly(a, b);
      if (op === '-') return addPoly(a, b, -1);
      if (op === '*' && (isConstant(a) || isConstant(b))) return isConstant(a) ? addPoly(new Map(), b, constantOf(a)) : addPoly(new Map(), a, constantOf(b));
      // x % m ≡ x (mod 2) when m is even.
      if (op === '%' && isConstant(b) && constantOf(b) !== 0 && constantOf(b) % 2 === 0) return a;
      return null;
    }
    default:
      return null;
  }
}

/**
 * Bounds on a loop start that sums polynomials and remainders `x % m` (m a positive constant):
 * x % m lies in [0, m - 1] when x >= 0 over the loops around, else in [-(m - 1), m - 1].
 * Returns the lower bound (`which` 'min') or the upper one, or null.
 */
function startBound(node: Node, which: 'min' | 'max', nameValue: (name: string, at: Node) => NameValue, around: readonly LoopVar[]): Poly | null {
  const n = unparen(node);
  if (n.type === 'binary_expression') {
    const op = operatorOf(n);
    const l = n.childForFieldName('left') as Node;
    const r = n.childForFieldName('right') as Node;
    if (op === '%') {
      const x = parsePoly(l, nameValue);
      const m = parsePoly(r, nameValue);
      if (!x || !m || !isConstant(m) || constantOf(m) <= 0) return null;
      const k = constantOf(m) - 1;
      if (which === 'max') return constPoly(k);
      const low = extreme(x, 'min', around);
      return constPoly(low && isConstant(low) && constantOf(low) >= 0 ? 0 : -k);
    }
    if (op === '+' || op === '-') {
      const a = startBound(l, which, nameValue, around);
      const b = startBound(r, op === '+' ? which : which === 'min' ? 'max' : 'min', nameValue, around);
      return a && b && addPoly(a, b, op === '+' ? 1 : -1);
    }
  }
  return parsePoly(n, nameValue);
}

/** The loop variables of the nest around each loop (outer loops of the analysed one included), outermost first. */
function loopsAround(l: Node, p: ParityInputs, vars: ReadonlyMap<number, LoopVar>): LoopVar[] {
  const out: LoopVar[] = [];
  for (let q = l.parent; q; q = q.parent) {
    const lv = vars.get(q.id);
    if (lv) out.unshift(lv);
    if (q.id === p.loop.id) break;
  }
  return [...p.outerLoops, ...out];
}

/**
 * The nest's loop variables with the parity of every counter that has an even step and a start
 * parityPoly reads, plus inner loops whose start is a sum of polynomials and remainders (counter
 * declared in the header, never written in the body, bounds of names the loop does not change).
 */
export function parityLoops(p: ParityInputs): ParityLoops {
  const { resolver } = p;
  const vars = new Map(p.loopVars);
  const addedKeys: string[] = [];
  for (const l of p.innerLoops) {
    if (l.type !== 'for_statement') continue;
    const around = loopsAround(l, p, vars);
    const aroundKeys = new Set(around.map((v) => v.key));
    // Names the start may use: counters of loops around it, and signed names the analysed loop never writes (nor any pointer).
    const strictName = (name: string, at: Node): NameValue => {
      const d = resolver.resolve(name, at);
      // A reference names another variable, whose writes the loop's write set shows under that name;
      // a volatile one may change between the loop's entry and the use.
      if (d && (d.isPointer || d.isArray || d.isReference || d.isVolatile || !isSignedInteger(d.typeText) || p.addressTaken(d))) return 'unknown';
      const v = p.nameValue(name, at);
      if (typeof v !== 'object') return v;
      if (!d) return 'unknown';
      return aroundKeys.has(v.symbol) || (!p.variant.has(v.symbol) && !p.loopVarKeys.has(v.symbol)) ? v : 'unknown';
    };
    let lv = vars.get(l.id);
    let shape = p.shapes.get(l.id);
    if (!lv) {
      if (l.id === p.loop.id) continue;
      const r = loopShape(l, resolver, p.nameValue, p.callValue, (start, step) => startBound(start, step > 0 ? 'min' : 'max', strictName, around));
      if (!('shape' in r) || !r.shape.declaredInHeader) continue;
      shape = r.shape;
      const key = resolver.resolve(r.shape.varName, l.childForFieldName('condition') ?? l)?.key;
      if (!key || !isSignedInteger(typeOfHeader(l))) continue;
      // The counter changes only in the header; its bounds use no name the analysed loop changes, except counters around.
      const header = headerWriters(l);
      if ((p.writes.get(key)?.nodes ?? []).some((w) => !header.some((h) => contains(h, w)))) continue;
      if ([...polyVars(r.shape.min), ...polyVars(r.shape.max)].some((v) => !aroundKeys.has(v) && (p.variant.has(v) || p.loopVarKeys.has(v) || v.includes('#')))) continue;
      lv = { key, name: r.shape.varName, min: r.shape.min, max: r.shape.max, step: r.shape.step };
      addedKeys.push(key);
    }
    if (!shape || shape.step % 2 !== 0 || !isSignedInteger(shape.varDecl?.typeText ?? typeOfHeader(l))) {
      vars.set(l.id, lv);
      continue;
    }
    const start = startNode(l);
    const parity = start && parityPoly(start, strictName);
    vars.set(l.id, parity ? { ...lv, parity } : lv);
  }
  return { loopVars: vars, addedKeys };
}

/** The type of a counter declared in a for-header (`int` in `for (int i = …`), or ''. */
function typeOfHeader(l: Node): string {
  const init = l.childForFieldName('initializer');
  return init?.type === 'declaration' ? (init.childForFieldName('type')?.text ?? '') : '';
}

/** The start expression of a for-header: `e` in `int i = e` or `i = e`. */
function startNode(l: Node): Node | null {
  const init = l.childForFieldName('initializer');
  if (init?.type === 'declaration') return init.childrenForFieldName('declarator').find((d) => d?.type === 'init_declarator')?.childForFieldName('value') ?? null;
  if (init?.type === 'assignment_expression') return init.childForFieldName('right');
  return null;
}

import { extreme } from './accesses';
import { addPoly, constantOf, constPoly, isConstant, type Poly, polyVars, varPoly } from './affine';
import type { LoopVar } from './dependence';

/**
 * Dependence tests on symbolic loop bounds (issue #7 §2): `a[i]` vs `a[i + h]` for `i < h`,
 * `a[i]` vs `a[n - 1 - i]` for `i < n / 2`, the mirror store `c[i][j]` / `c[j][i]` for `j >= i`,
 * LU's `a[i][k]` vs `a[k][k]` for `i > k`. The subscript difference is bounded by replacing each
 * loop counter with its (symbolic) bound; when the two iterations are ordered (i < i' or i > i'),
 * the second counter is written as the first plus or minus a positive amount. The bound is then
 * compared with zero using facts that hold whenever the loops run at all (each loop's upper
 * bound is at least its lower bound; `d * (x / d) <= x` once `x / d >= 1`).
 */

/** The key suffix of a symbol standing for `x / d` (C division, d > 0): `n@12#div2`. */
const DIV = /^(.+)#div(\d+)$/;
/** The (non-negative) gap between two ordered iterations, beyond the step. */
const DELTA = '#delta';
/** Multipliers tried when combining facts. */
const LAMBDAS = [0, 0.25, 0.5, 1, 2, 3, 4];

/** The symbol for `x / d`, where `x` is the symbol of a loop-invariant name. */
export function divisionSymbol(numerator: string, divisor: number): string {
  return `${numerator}#div${divisor}`;
}

/**
 * True when `p` can be shown >= 0 from `facts` (each >= 0): p minus a non-negative combination
 * of at most two facts is a non-negative constant.
 */
function provesNonNegative(p: Poly, facts: readonly Poly[]): boolean {
  if (isConstant(p)) return constantOf(p) >= 0;
  for (let x = 0; x < facts.length; x++) {
    for (let y = x; y < facts.length; y++) {
      for (const lx of LAMBDAS) {
        for (const ly of x === y ? [0] : LAMBDAS) {
          const rest = addPoly(addPoly(p, facts[x], -lx), facts[y], -ly);
          if (isConstant(rest) && constantOf(rest) >= 0) return true;
        }
      }
    }
  }
  return false;
}

/** Facts (each >= 0) over loop-invariant symbols that hold whenever every loop in `loops` runs. */
function existenceFacts(loops: readonly LoopVar[]): Poly[] {
  const facts: Poly[] = [];
  for (const l of loops) {
    if (!l.min || !l.max) continue;
    // Some iteration exists, so the largest possible (max - min) over the outer counters is >= 0.
    const f = extreme(addPoly(l.max, l.min, -1), 'max', loops);
    if (f && !isConstant(f) && ![...polyVars(f)].some((v) => loops.some((o) => o.key === v))) facts.push(f);
  }
  // `q = x / d` with q >= 1: then x >= d > 0, so C's truncation is floor and d*q <= x <= d*q + d - 1.
  const divisions = new Set<string>();
  for (const f of facts) for (const v of polyVars(f)) if (DIV.test(v)) divisions.add(v);
  for (const q of divisions) {
    const [, x, d] = DIV.exec(q) as RegExpExecArray;
    if (!provesNonNegative(addPoly(varPoly(q), constPoly(-1)), facts)) continue;
    const dq = new Map([[q, Number(d)]]);
    facts.push(addPoly(varPoly(x), dq, -1), addPoly(addPoly(dq, constPoly(Number(d) - 1)), varPoly(x), -1));
  }
  return facts;
}

/** An ordering of the two iterations: counter `v` replaced by `by` (the other counter plus or minus a gap). */
interface Order {
  readonly v: string;
  readonly by: Poly;
  readonly keep: readonly string[];
}

/**
 * The largest (or smallest) value of `p` over the loops, with the ordering gap at its extreme 0;
 * null when unbounded. Under an ordering, the other counters go first (their bounds may name
 * either level counter), then `v` is replaced, then the counter left.
 */
function bound(p: Poly, which: 'min' | 'max', loops: readonly LoopVar[], order?: Order): Poly | null {
  let b: Poly | null = p;
  if (order) {
    b = extreme(b, which, loops.filter((l) => !order.keep.includes(l.key)));
    b = b && substitute(b, order.v, order.by);
    b = b && extreme(b, which, loops.filter((l) => l.key !== order.v));
  } else b = extreme(b, which, loops);
  if (!b) return null;
  const gap = b.get(DELTA) ?? 0;
  // max: a growing gap must not raise the value; min: it must not lower it.
  if (which === 'max' ? gap > 0 : gap < 0) return null;
  return addPoly(b, new Map([[DELTA, gap]]), -1);
}

/** True when `p`'s value range over the loops excludes zero. */
function excludesZero(p: Poly, loops: readonly LoopVar[], facts: readonly Poly[], order?: Order): boolean {
  const hi = bound(p, 'max', loops, order);
  if (hi && provesNonNegative(addPoly(constPoly(-1), hi, -1), facts)) return true;
  const lo = bound(p, 'min', loops, order);
  return lo !== null && provesNonNegative(addPoly(lo, constPoly(-1)), facts);
}

/** `p` with variable `v` replaced by polynomial `by`; null when `v` appears in a product. */
function substitute(p: Poly, v: string, by: Poly): Poly | null {
  let out: Poly = new Map();
  for (const [m, c] of p) {
    const parts = m ? m.split('*') : [];
    if (!parts.includes(v)) out = addPoly(out, new Map([[m, c]]));
    else if (parts.length === 1) out = addPoly(out, by, c);
    else return null;
  }
  return out;
}

/**
 * True when no pair of iterations that differ at the level counter (`level` in the first copy,
 * `levelPrimed` in the second) makes any one of `diffs` (first subscript minus second, per
 * dimension) zero. `loops` holds both copies' counters with their bounds; `step` is the level's
 * step size (both counters take values a multiple of it apart).
 */
export function symbolicallyDisjoint(diffs: readonly Poly[], loops: readonly LoopVar[], level: string, levelPrimed: string, step: number): boolean {
  const facts = existenceFacts(loops);
  if (diffs.some((d) => excludesZero(d, loops, facts))) return true;
  const s = Math.max(1, Math.abs(step));
  // Ordered iterations: second = first + s + s*gap (or first - s - s*gap), gap >= 0; either
  // counter may be the one written in terms of the other.
  const ordered = (sign: 1 | -1): boolean => {
    const gap = new Map([['', s], [DELTA, s]]);
    const keep = [level, levelPrimed];
    const orders: Order[] = [
      { v: levelPrimed, by: addPoly(varPoly(level), gap, sign), keep },
      { v: level, by: addPoly(varPoly(levelPrimed), gap, -sign), keep },
    ];
    return diffs.some((d) => orders.some((o) => excludesZero(d, loops, facts, o)));
  };
  return ordered(1) && ordered(-1);
}

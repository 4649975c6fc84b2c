import type { Node } from 'web-tree-sitter';
import { addPoly, constantOf, type Poly, polyVars, renamePoly } from './affine';
import { parityDisjoint } from './parityTest';
import { symbolicallyDisjoint } from './symbolicBounds';

/** One loop around a memory reference, as the dependence tests see it. */
export interface LoopVar {
  /** Variable key used in subscript polynomials. */
  readonly key: string;
  /** The induction variable's source name, for messages. */
  readonly name: string;
  /** Smallest and largest value the variable takes, as polynomials (null: unknown). */
  readonly min: Poly | null;
  readonly max: Poly | null;
  /** The step between consecutive values (1 when unknown): values of one loop differ by a multiple of it. */
  readonly step?: number;
  /** With an even step: a polynomial the counter is congruent to mod 2 on every iteration (its start; parityLoops). */
  readonly parity?: Poly;
}

/** A read or write of memory through an array or pointer, with its subscripts. */
export interface MemRef {
  readonly node: Node;
  /** Key of the declaration of the array or pointer. */
  readonly base: string;
  readonly baseName: string;
  /** One polynomial per dimension; null for a dimension that is not affine; null overall when unknown. */
  readonly dims: readonly (Poly | null)[] | null;
  /** Symbol used to delinearise `a[i*n + j]` into `[i][j]`, when it was. */
  readonly delinearisedBy: string | null;
  readonly write: boolean;
  readonly read: boolean;
  /** Loops of the nest around the reference, outermost first. */
  readonly loops: readonly LoopVar[];
  /** Why `dims` is null, when a subscript is affine but uses a counter outside its loop. */
  readonly unknownWhy?: string;
}

/** What the tests concluded about one pair of references at one loop level. */
export type DepOutcome =
  | { readonly independent: true; readonly test: string }
  | { readonly independent: false; readonly distance: number | null; readonly test: string };

type Interval = readonly [number, number];

const PRIME = "'";

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Interval of a polynomial over known variable intervals; symbols and products give (-∞, ∞). */
export function polyInterval(p: Poly, ranges: ReadonlyMap<string, Interval>): Interval {
  let lo = 0;
  let hi = 0;
  for (const [m, c] of p) {
    if (m === '') {
      lo += c;
      hi += c;
      continue;
    }
    const r = m.includes('*') ? undefined : ranges.get(m);
    if (!r) return [-Infinity, Infinity];
    const a = c * r[0];
    const b = c * r[1];
    lo += Math.min(a, b);
    hi += Math.max(a, b);
  }
  return [Number.isNaN(lo) ? -Infinity : lo, Number.isNaN(hi) ? Infinity : hi];
}

/** Numeric value ranges of the loop variables, outermost first, each using the ones outside it. */
export function loopRanges(loops: readonly LoopVar[]): Map<string, Interval> {
  const ranges = new Map<string, Interval>();
  for (const l of loops) {
    const lo = l.min ? polyInterval(l.min, ranges)[0] : -Infinity;
    const hi = l.max ? polyInterval(l.max, ranges)[1] : Infinity;
    ranges.set(l.key, [lo, hi]);
  }
  return ranges;
}

/** Number of leading loops two references share. */
export function commonDepth(a: MemRef, b: MemRef): number {
  let n = 0;
  while (n < a.loops.length && n < b.loops.length && a.loops[n].key === b.loops[n].key) n++;
  return n;
}

/**
 * Can `a` (in iteration I) and `b` (in iteration I') touch the same element, with I and I' equal
 * on the loops outside `level` and different at `level` (0-based index into their common loops)?
 * Uses ZIV, strong SIV, GCD and Banerjee-style interval bounds per dimension; a dimension that
 * proves independence decides the pair.
 */
export function testDependence(a: MemRef, b: MemRef, level: number): DepOutcome {
  if (!a.dims || !b.dims || a.dims.length !== b.dims.length || a.delinearisedBy !== b.delinearisedBy) {
    return { independent: false, distance: null, test: 'unknown subscripts' };
  }
  const levelKey = a.loops[level].key;
  const shared = new Set(a.loops.slice(0, level).map((l) => l.key));
  const loopKeys = new Set([...a.loops, ...b.loops].map((l) => l.key));
  const renameB = (v: string) => (loopKeys.has(v) && !shared.has(v) ? v + PRIME : v);
  const ranges = loopRanges(a.loops);
  for (const [k, r] of loopRanges(b.loops)) if (!shared.has(k)) ranges.set(k + PRIME, r);
  const levelRange = ranges.get(levelKey) ?? [-Infinity, Infinity];
  const span = levelRange[1] - levelRange[0];
  const step = Math.abs(a.loops[level].step ?? 1) || 1;
  let distance: number | null = null;
  let lastTest = 'subscripts may be equal';
  const diffs: Poly[] = [];
  for (let d = 0; d < a.dims.length; d++) {
    const pa = a.dims[d];
    const pb = b.dims[d];
    if (!pa || !pb) continue;
    const diff = addPoly(pa, renamePoly(pb, renameB), -1);
    diffs.push(diff);
    const c = constantOf(diff);
    const linear = new Map<string, number>();
    let decidable = true;
    for (const [m, coef] of diff) {
      if (m === '') continue;
      if (m.includes('*') || !(loopKeys.has(m) || loopKeys.has(m.replace(PRIME, '')))) {
        // A product, or symbols that do not cancel (a[i+n] vs a[i]): the tests cannot decide.
        decidable = false;
        break;
      }
      linear.set(m, coef);
    }
    if (!decidable) continue;
    if (linear.size === 0) {
      if (c !== 0) return { independent: true, test: 'ZIV' };
      continue;
    }
    let g = 0;
    for (const coef of linear.values()) g = gcd(g, coef);
    if (c % g !== 0) return { independent: true, test: 'GCD' };
    const aLevel = linear.get(levelKey) ?? 0;
    const bLevel = linear.get(levelKey + PRIME) ?? 0;
    if (linear.size === 2 && aLevel !== 0 && aLevel === -bLevel) {
      // Strong SIV: aLevel*(v - v') + c = 0, so v' - v = c / aLevel.
      if (c % aLevel !== 0) return { independent: true, test: 'strong SIV' };
      const dist = c / aLevel;
      if (dist === 0) return { independent: true, test: 'strong SIV' };
      if (Math.abs(dist) > span) return { independent: true, test: 'strong SIV (distance exceeds trip count)' };
      // `for (i = 1; i < n; i += 2) a[i] = a[i - 1]`: counters of one loop differ by multiples of the step.
      if (dist % step !== 0) return { independent: true, test: 'strong SIV (distance not a multiple of the step)' };
      distance = dist;
      lastTest = 'strong SIV';
      continue;
    }
    // Banerjee-style bounds: the range of the left side must contain -c.
    let lo = 0;
    let hi = 0;
    for (const [v, coef] of linear) {
      if (v === levelKey + PRIME && aLevel !== 0 && aLevel === -bLevel) continue;
      if (v === levelKey && aLevel !== 0 && aLevel === -bLevel) {
        // coef*(v - v') with v ≠ v': at most coef*span in size.
        lo -= Math.abs(coef) * span;
        hi += Math.abs(coef) * span;
        continue;
      }
      const r = ranges.get(v) ?? [-Infinity, Infinity];
      const x = coef * r[0];
      const y = coef * r[1];
      lo += Math.min(x, y);
      hi += Math.max(x, y);
    }
    if (!Number.isNaN(lo) && !Number.isNaN(hi) && (-c < lo || -c > hi)) return { independent: true, test: 'Banerjee bounds' };
    if (aLevel === 0 && bLevel === 0 && !linear.has(levelKey) && ![...linear.keys()].some((k) => k.endsWith(PRIME))) {
      // Only outer (equal) variables remain and the equation can hold: no constraint on the level.
      continue;
    }
    lastTest = 'GCD and Banerjee bounds allow it';
  }
  const bothLoops = [...a.loops, ...b.loops.filter((l) => !shared.has(l.key)).map((l) => renameLoop(l, renameB))];
  if (symbolicallyDisjoint(diffs, bothLoops, levelKey, levelKey + PRIME, step)) return { independent: true, test: 'symbolic bounds' };
  if (parityDisjoint(diffs, bothLoops)) return { independent: true, test: 'parity' };
  return { independent: false, distance, test: lastTest };
}

/** A loop of the second iteration of a pair, its counter (and the counters in its bounds) renamed. */
function renameLoop(l: LoopVar, rename: (v: string) => string): LoopVar {
  const renamed = { ...l, key: rename(l.key), min: l.min && renamePoly(l.min, rename), max: l.max && renamePoly(l.max, rename) };
  return l.parity ? { ...renamed, parity: renamePoly(l.parity, rename) } : renamed;
}

/** True when the polynomial mentions any of the given variables. */
export function mentionsAny(p: Poly, vars: ReadonlySet<string>): boolean {
  for (const v of polyVars(p)) if (vars.has(v)) return true;
  return false;
}

import { addPoly, type Poly, varPoly } from './affine';
import type { LoopVar } from './dependence';

/**
 * The parity test (issue #7 §2, red-black sweeps): two references can only touch one element
 * when every pair of subscripts is equal, and equal integers are equal mod 2. Each counter with
 * a known parity (`j ≡ 1 + i + color (mod 2)` for `j = 1 + (i + color) % 2; …; j += 2`) adds
 * one more congruence. When the system has no solution over GF(2), the references never meet.
 * Every monomial (`i`, `n`, `i*n`) is its own unknown: forgetting how products relate to their
 * factors only adds solutions, so "no solution" stays a proof.
 */

/** One equation over GF(2): the monomials with odd coefficients, and whether the constant is odd. */
interface Equation {
  readonly terms: Set<string>;
  odd: boolean;
}

/** The equation p ≡ 0 (mod 2), or null when a coefficient is too large for its parity to be exact. */
function equationOf(p: Poly): Equation | null {
  const terms = new Set<string>();
  let odd = false;
  for (const [m, c] of p) {
    if (!Number.isSafeInteger(c)) return null;
    if (Math.abs(c) % 2 === 0) continue;
    if (m === '') odd = true;
    else terms.add(m);
  }
  return { terms, odd };
}

/** True when the equations `p ≡ 0 (mod 2)` have no common solution (Gaussian elimination over GF(2)). */
export function parityContradiction(polys: readonly Poly[]): boolean {
  // Leaving an equation out only allows more solutions.
  const rows = polys.map(equationOf).filter((e): e is Equation => e !== null);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (row.terms.size === 0) {
      if (row.odd) return true;
      continue;
    }
    const pivot = row.terms.values().next().value as string;
    for (let o = r + 1; o < rows.length; o++) {
      const other = rows[o];
      if (!other.terms.has(pivot)) continue;
      for (const t of row.terms) {
        if (other.terms.has(t)) other.terms.delete(t);
        else other.terms.add(t);
      }
      other.odd = other.odd !== row.odd;
    }
  }
  return false;
}

/**
 * True when the subscript differences (`diffs`, first reference minus second, per dimension, the
 * second iteration's counters renamed) cannot all be zero given the parities of the counters in
 * `loops` (both iterations' copies).
 */
export function parityDisjoint(diffs: readonly Poly[], loops: readonly LoopVar[]): boolean {
  const congruences: Poly[] = [];
  for (const l of loops) {
    if (!l.parity) continue;
    // counter - parity ≡ 0 (mod 2).
    congruences.push(addPoly(varPoly(l.key), l.parity, -1));
  }
  if (congruences.length === 0) return false;
  return parityContradiction([...diffs, ...congruences]);
}

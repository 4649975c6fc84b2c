import type { Node } from 'web-tree-sitter';
import { operatorOf, unparen } from './syntax';
import { parseIntLiteral } from './scope';

/**
 * A polynomial with integer coefficients over variable names: enough for affine subscripts
 * (`2*i + j - 1`) and for linearised ones whose coefficients are symbols (`i*n + j`).
 * A term's key is its sorted variable names joined by `*`; the constant has key ''.
 */
export type Poly = ReadonlyMap<string, number>;

/** How the parser treats a name: a known integer, a symbol kept in the polynomial, or not affine. */
export type NameValue = number | 'unknown' | { readonly symbol: string };

/** A constant polynomial. */
export function constPoly(c: number): Poly {
  return c === 0 ? new Map() : new Map([['', c]]);
}

/** The polynomial of one variable. */
export function varPoly(name: string): Poly {
  return new Map([[name, 1]]);
}

/** a + k·b. */
export function addPoly(a: Poly, b: Poly, k = 1): Poly {
  const out = new Map(a);
  for (const [m, c] of b) {
    const v = (out.get(m) ?? 0) + k * c;
    if (v === 0) out.delete(m);
    else out.set(m, v);
  }
  return out;
}

/** a · b. */
export function mulPoly(a: Poly, b: Poly): Poly {
  let out: Poly = new Map();
  for (const [ma, ca] of a) {
    for (const [mb, cb] of b) {
      const vars = [...(ma ? ma.split('*') : []), ...(mb ? mb.split('*') : [])].sort();
      out = addPoly(out, new Map([[vars.join('*'), ca * cb]]));
    }
  }
  return out;
}

/** The constant term. */
export function constantOf(p: Poly): number {
  return p.get('') ?? 0;
}

/** True when the polynomial is a plain integer. */
export function isConstant(p: Poly): boolean {
  return [...p.keys()].every((k) => k === '');
}

/** Variables mentioned anywhere in the polynomial. */
export function polyVars(p: Poly): Set<string> {
  const s = new Set<string>();
  for (const m of p.keys()) if (m) for (const v of m.split('*')) s.add(v);
  return s;
}

/** Renames variables (used to give the second iteration of a dependence pair its own copies). */
export function renamePoly(p: Poly, rename: (v: string) => string): Poly {
  let out: Poly = new Map();
  for (const [m, c] of p) {
    const key = m ? m.split('*').map(rename).sort().join('*') : '';
    out = addPoly(out, new Map([[key, c]]));
  }
  return out;
}

/** Human text for messages: `2*i + 1`. */
export function polyText(p: Poly): string {
  if (p.size === 0) return '0';
  const parts: string[] = [];
  for (const [m, c] of [...p].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))) {
    const mag = Math.abs(c);
    const body = m === '' ? String(mag) : mag === 1 ? m : `${mag}*${m}`;
    parts.push(parts.length === 0 ? (c < 0 ? `-${body}` : body) : `${c < 0 ? '-' : '+'} ${body}`);
  }
  return parts.join(' ');
}

/**
 * Reads an integer expression as a polynomial, or null when it is not one (a call, a load from
 * memory, a division, a name the caller calls unknown). `callValue` reads calls and member reads.
 */
export function parsePoly(node: Node, nameValue: (name: string, node: Node) => NameValue, callValue?: (call: Node) => NameValue): Poly | null {
  const p = parsePolyTerms(node, nameValue, callValue);
  return p && fitsInt32(p) ? p : null;
}

/** Largest coefficient magnitude read as exact: C computes in 32-bit `int`/`unsigned` (or narrows by casts). */
const COEFFICIENT_LIMIT = 2 ** 31;

/**
 * True when every coefficient of `p` is below 2^31 in magnitude. Larger ones may wrap in C
 * (`i + i * 4294967295u` is `0`, `(int)(i * 4294967296L)` is `0`), so the polynomial, read as
 * mathematical integers, would no longer be the subscript C computes.
 */
function fitsInt32(p: Poly): boolean {
  for (const c of p.values()) if (!(Math.abs(c) < COEFFICIENT_LIMIT)) return false;
  return true;
}

function parsePolyTerms(node: Node, nameValue: (name: string, node: Node) => NameValue, callValue?: (call: Node) => NameValue): Poly | null {
  const n = unparen(node);
  switch (n.type) {
    case 'number_literal':
    case 'char_literal': {
      const v = parseIntLiteral(n.text);
      return v === undefined ? null : constPoly(v);
    }
    case 'identifier': {
      const v = nameValue(n.text, n);
      if (v === 'unknown') return null;
      return typeof v === 'object' ? varPoly(v.symbol) : constPoly(v);
    }
    case 'cast_expression': {
      // Integer casts keep the value for subscripts in range; anything else is not affine.
      const type = n.childForFieldName('type')?.text ?? '';
      const value = n.childForFieldName('value');
      if (!value || !/^(?:(?:unsigned|signed|long|int|short)\s*)+$|^(?:std::)?(?:size_t|ptrdiff_t|int64_t)$/.test(type.trim())) return null;
      return parsePoly(value, nameValue, callValue);
    }
    case 'unary_expression': {
      const arg = n.childForFieldName('argument');
      const op = operatorOf(n);
      if (!arg) return null;
      const p = parsePoly(arg, nameValue, callValue);
      if (!p) return null;
      if (op === '-') return addPoly(new Map(), p, -1);
      if (op === '+') return p;
      return null;
    }
    case 'binary_expression': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (!l || !r) return null;
      const a = parsePoly(l, nameValue, callValue);
      const b = a && parsePoly(r, nameValue, callValue);
      if (!a || !b) return null;
      switch (operatorOf(n)) {
        case '+':
          return addPoly(a, b);
        case '-':
          return addPoly(a, b, -1);
        case '*':
          return mulPoly(a, b);
        case '<<':
          return isConstant(b) && constantOf(b) >= 0 && constantOf(b) < 31 ? mulPoly(a, constPoly(2 ** constantOf(b))) : null;
        case '/':
        case '%':
          // Only fully constant divisions are exact here; i/2 is not affine.
          if (isConstant(a) && isConstant(b) && constantOf(b) !== 0) {
            const x = constantOf(a);
            const y = constantOf(b);
            return constPoly(operatorOf(n) === '/' ? Math.trunc(x / y) : x % y);
          }
          return null;
        default:
          return null;
      }
    }
    case 'call_expression':
    case 'field_expression': {
      // Only calls and member reads the caller vouches for (`x.size()` of a container the loop
      // does not resize, an integer member `a.n` the loop does not change).
      const v = callValue ? callValue(n) : 'unknown';
      if (v === 'unknown') return null;
      return typeof v === 'object' ? varPoly(v.symbol) : constPoly(v);
    }
    default:
      return null;
  }
}

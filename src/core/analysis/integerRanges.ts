import type { Node } from 'web-tree-sitter';
import type { LoopShape } from './loopShape';
import type { AnalysisContext } from './levelAnalysis';
import { parseIntegerLiteral } from './literals';
import type { Decl } from './scope';
import { calleeName, operatorOf, unparen } from './syntax';

/**
 * Integer widths (LP64, as gcc and clang lay them out on Linux) for the proofs that a value is
 * stored unchanged: a min/max reduction or an index search compares stored values, which equal
 * the computed ones only when no store wraps or narrows.
 */
export interface IntegerBits {
  readonly bits: number;
  readonly signed: boolean;
}

/** Width in bits and signedness of a plain integer type, or null for any other spelling (typedefs included) and for plain char. */
export function integerBits(typeText: string): IntegerBits | null {
  const t = typeText.replace(/\b(?:const|volatile)\b/g, ' ').trim().replace(/\s+/g, ' ').replace(/^std::/, '');
  const fixed = /^(u?)int(8|16|32|64)_t$/.exec(t);
  if (fixed) return { bits: Number(fixed[2]), signed: fixed[1] === '' };
  if (/^(?:ssize_t|ptrdiff_t|intptr_t|intmax_t)$/.test(t)) return { bits: 64, signed: true };
  if (/^(?:size_t|uintptr_t|uintmax_t)$/.test(t)) return { bits: 64, signed: false };
  const words = t.split(' ');
  if (!words.every((w) => /^(?:signed|unsigned|short|long|int|char)$/.test(w))) return null;
  // Plain char is signed on some targets and unsigned on others: no range both hold.
  if (words.includes('char') && !words.includes('signed') && !words.includes('unsigned')) return null;
  const signed = !words.includes('unsigned');
  const bits = words.includes('char') ? 8 : words.includes('short') ? 16 : words.includes('long') ? 64 : 32;
  return { bits, signed };
}

/** True when every value of `from` is a value of `to`. */
export function fitsIn(from: IntegerBits, to: IntegerBits): boolean {
  return from.signed === to.signed ? from.bits <= to.bits : !from.signed && to.bits > from.bits;
}

/** The counter type of a counted loop: its declaration's, or the header's (`for (int i = 0; …)`). */
export function counterBits(loop: Node, shape: LoopShape): IntegerBits | null {
  const t = shape.varDecl?.typeText ?? (shape.declaredInHeader ? loop.childForFieldName('initializer')?.childForFieldName('type')?.text : undefined);
  return t ? integerBits(t) : null;
}

const ARITH = new Set(['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>']);
/** Operators whose result is an `int` (0 or 1) whatever their operands. */
export const INT_RESULT = new Set(['<', '>', '<=', '>=', '==', '!=', '&&', '||']);

/**
 * The integer type of an expression after C's promotions, when its names, elements, casts and
 * literals say it (`leaf` gives the declared type of a name, `x[i]` or `*p`); null otherwise.
 */
export function expressionBits(expr: Node, leaf: (n: Node) => string | null): IntegerBits | null {
  const n = unparen(expr);
  const promote = (b: IntegerBits | null): IntegerBits | null => (b && b.bits < 32 ? { bits: 32, signed: true } : b);
  switch (n.type) {
    case 'number_literal': {
      const v = parseIntegerLiteral(n.text);
      if (v === undefined || /[uUlL]$/.test(n.text)) return null;
      return Math.abs(v) < 2 ** 31 ? { bits: 32, signed: true } : null;
    }
    case 'cast_expression':
      return integerBits(n.childForFieldName('type')?.text ?? '');
    case 'identifier':
    case 'subscript_expression':
    case 'pointer_expression': {
      const t = leaf(n);
      return t === null ? null : integerBits(t);
    }
    case 'unary_expression':
      return operatorOf(n) === '!' ? { bits: 32, signed: true } : promote(expressionBits(n.childForFieldName('argument') as Node, leaf));
    case 'binary_expression': {
      const op = operatorOf(n);
      if (INT_RESULT.has(op)) return { bits: 32, signed: true };
      if (!ARITH.has(op)) return null;
      const a = promote(expressionBits(n.childForFieldName('left') as Node, leaf));
      if (op === '<<' || op === '>>') return a;
      const b = promote(expressionBits(n.childForFieldName('right') as Node, leaf));
      return a && b ? usualConversion(a, b) : null;
    }
    case 'conditional_expression': {
      const a = promote(expressionBits(n.childForFieldName('consequence') as Node, leaf));
      const b = promote(expressionBits(n.childForFieldName('alternative') as Node, leaf));
      return a && b ? usualConversion(a, b) : null;
    }
    default:
      return null;
  }
}

/** C's usual arithmetic conversions of two promoted integer types. */
function usualConversion(a: IntegerBits, b: IntegerBits): IntegerBits {
  if (a.signed === b.signed) return { bits: Math.max(a.bits, b.bits), signed: a.signed };
  const [s, u] = a.signed ? [a, b] : [b, a];
  return s.bits > u.bits ? s : { bits: Math.max(s.bits, u.bits), signed: false };
}

/**
 * The first assignment in `loop` that may store into the integer `decl` a value its type does not
 * hold (`unsigned char m; … m = x[i];` with int x): a min/max reduction combines the stored,
 * wrapped values, the serial loop compares each new value with the wrapped one. Null when none can.
 */
export function narrowingStore(ctx: AnalysisContext, decl: Decl, loop: Node, type: string, leaf: (n: Node) => string | null): Node | null {
  const own = integerBits(type);
  for (const o of ctx.facts.occurrences(decl, loop)) {
    const p = ctx.resolver.parentOf(o);
    if (p?.type !== 'assignment_expression' || p.childForFieldName('left')?.id !== o.id) continue;
    const right = p.childForFieldName('right') as Node;
    const stored = operatorOf(p) === '=' ? valueBits(right, leaf) : null;
    if (!own || !stored || !fitsIn(stored, own)) return p;
  }
  return null;
}

/** Like expressionBits, also through `std::min`/`std::max` of integers (`m = std::max(m, x[i])`). */
function valueBits(e: Node, leaf: (n: Node) => string | null): IntegerBits | null {
  const n = unparen(e);
  if (n.type !== 'call_expression') return expressionBits(n, leaf);
  if (!/^std::(?:min|max)$/.test(calleeName(n) ?? '')) return null;
  const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null);
  const bits = args.map((a) => expressionBits(a, leaf));
  // std::max<T> of two arguments has their one type.
  return args.length === 2 && bits[0] && bits[1] && bits[0].bits === bits[1].bits && bits[0].signed === bits[1].signed ? bits[0] : null;
}

import type { Node } from 'web-tree-sitter';
import type { AnalysisContext } from './levelAnalysis';
import { parseIntegerLiteral } from './literals';
import type { Decl } from './scope';
import type { SoundIndex } from './soundIndex';
import { calleeName, compact, contains, operatorOf, unparen } from './syntax';

/** Calls that never return NaN for a non-NaN pair and return the non-NaN argument when one is NaN (C99 7.12.12). */
const FMINMAX = /^(?:std::)?f(?:max|min)[fl]?$/;
/** `std::max(a, b)` is `(a < b) ? b : a`, `std::min(a, b)` is `(b < a) ? b : a`: a NaN `b` leaves `a`. */
const STD_MINMAX = /^std::(?:max|min)$/;
/** Calls whose result is never -0.0: |x| is +0.0 for ±0 (or NaN). */
const ABS = /^(?:std::)?(?:fabs[fl]?|abs)$/;

/** The value of a finite number literal (optionally negated), or null (macros like NAN or INFINITY, hex floats, overflowing literals). */
function finiteLiteral(value: Node): number | null {
  let v = unparen(value);
  let sign = 1;
  if (v.type === 'unary_expression' && operatorOf(v) === '-') {
    sign = -1;
    v = unparen(v.childForFieldName('argument') as Node);
  }
  if (v.type !== 'number_literal') return null;
  let t = v.text.trim();
  // The C grammar reads `-1.0` as one literal.
  if (t.startsWith('-')) {
    sign = -sign;
    t = t.slice(1).trim();
  }
  const int = parseIntegerLiteral(t);
  if (int !== undefined) return sign * int;
  const m = /^((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)[fFlL]?$/.exec(t);
  if (!m) return null;
  const x = sign * Number(m[1]);
  return Number.isFinite(x) ? x : null;
}

/** True when a call goes to the standard function of that name: no macro or definition in this file takes it over. */
function isLibraryCall(call: Node, ix: SoundIndex): boolean {
  const simple = (calleeName(call) ?? '').replace(/^std::/, '');
  return simple !== '' && !ix.macros.has(simple) && !ix.functionDefs.has(simple);
}

/** True when the expression's value can never be -0.0 (NaN allowed): a library |x|, or `e * e` of a call-free `e`. */
function neverNegativeZero(expr: Node, ix: SoundIndex): boolean {
  const e = unparen(expr);
  if (e.type === 'call_expression') return ABS.test(calleeName(e) ?? '') && isLibraryCall(e, ix);
  if (e.type === 'binary_expression' && operatorOf(e) === '*') {
    const l = e.childForFieldName('left') as Node;
    const r = e.childForFieldName('right') as Node;
    return compact(l) === compact(r) && l.descendantsOfType(['call_expression', 'update_expression', 'assignment_expression']).length === 0;
  }
  return false;
}

/**
 * The new value an update of a min/max accumulator stores, when that update can never store a
 * NaN (the if-idiom `if (e > m) m = e;` — a comparison with NaN is false —, `m = std::max(m, e)`,
 * `m = fmax(m, e)`), or null for any other form (`m = std::max(e, m)` stores a NaN `e`).
 */
function nanSafeValue(o: Node, occ: readonly Node[], ctx: AnalysisContext, ix: SoundIndex): Node | null | 'guard' {
  const p = ctx.resolver.parentOf(o);
  if (p?.type !== 'assignment_expression' || p.childForFieldName('left')?.id !== o.id) {
    // A read in the if-idiom's condition, or the operand of `m = fmax(m, e)`: the assignment carries the value.
    for (let a = p; a; a = ctx.resolver.parentOf(a)) {
      if (a.type === 'assignment_expression') return occ.some((x) => x.id === a.childForFieldName('left')?.id) ? 'guard' : null;
      if (a.type === 'if_statement') return contains(a.childForFieldName('condition') as Node, o) ? 'guard' : null;
      if (/_statement$/.test(a.type) && a.type !== 'expression_statement' && a.type !== 'compound_statement') return null;
    }
    return null;
  }
  if (operatorOf(p) !== '=') return null;
  const right = unparen(p.childForFieldName('right') as Node);
  const self = occ.filter((x) => contains(right, x));
  if (self.length === 0) {
    // `m = e` alone is the if-idiom's assignment (the only such form the reduction pass accepts).
    return right;
  }
  if (right.type !== 'call_expression' || self.length !== 1 || !isLibraryCall(right, ix)) return null;
  const name = calleeName(right) ?? '';
  const args = (right.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null);
  if (args.length !== 2) return null;
  const selfAt = args.findIndex((a) => unparen(a).id === self[0].id);
  if (selfAt < 0) return null;
  if (FMINMAX.test(name) || (STD_MINMAX.test(name) && selfAt === 0)) return args[1 - selfAt];
  return null;
}

/**
 * OpenMP's floating min/max reduction gives the serial result in every thread count and combining
 * order when (1) no update can store a NaN, so partial results are never NaN, (2) the start value
 * is a finite literal that is not -0.0, so the implementation's identity (-inf or the lowest
 * finite value) never wins, and (3) no tie between +0.0 and -0.0 can decide the result: every new
 * value is never -0.0 (|x|, x*x), or the start lies beyond zero (max from a positive start, min
 * from a negative one), so the result is never a zero. Every other tie is between bit-identical
 * values, and rounding to the accumulator's type is monotone, so the result is max(start, R(max e)).
 * Returns null when all hold, else why not.
 */
export function floatMinMaxHazard(ctx: AnalysisContext, ix: SoundIndex, decl: Decl, loop: Node, op: 'min' | 'max', startValue: Node | null): string | null {
  const start = startValue ? finiteLiteral(startValue) : null;
  if (start === null) return 'its value before the loop is not a finite number literal set right before it (a NaN start survives the loop but not the combination of partial results; an infinite one may lose to the reduction\'s identity value)';
  if (Object.is(start, -0)) return 'it starts at -0.0, which the loop keeps against +0.0 but a combination of partial results need not';
  const zeroCannotWin = op === 'max' ? start > 0 : start < 0;
  const occ = ctx.facts.occurrences(decl, loop);
  for (const o of occ) {
    const value = nanSafeValue(o, occ, ctx, ix);
    if (value === 'guard') continue;
    if (value === null) return `\`${ctx.resolver.parentOf(o)?.text ?? o.text}\` is not an update known never to store a NaN (\`if (e > m) m = e;\`, \`m = std::max(m, e)\`, \`m = fmax(m, e)\`), and with a NaN the ${op} of partial results depends on the order they are combined in`;
    if (!zeroCannotWin && !neverNegativeZero(value, ix)) return `\`${value.text}\` may be -0.0 or +0.0 and the loop keeps whichever comes first, while the ${op} of partial results depends on the order they are combined in`;
  }
  return null;
}

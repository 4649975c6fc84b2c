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
/** sqrt(+0.0) is +0.0 and sqrt(-0.0) is -0.0: the result keeps its argument's zero. */
const SQRT = /^(?:std::)?sqrt[fl]?$/;

/** The value of a finite number literal (optionally negated) or of DBL_MAX / numeric_limits max and lowest, or null (NAN, INFINITY, hex floats, overflowing literals). */
function finiteLiteral(value: Node, ix: SoundIndex): number | null {
  let v = unparen(value);
  let sign = 1;
  if (v.type === 'unary_expression' && operatorOf(v) === '-') {
    sign = -1;
    v = unparen(v.childForFieldName('argument') as Node);
  }
  // The largest finite values, by name: their sign is all the rules below need.
  if (v.type === 'identifier' && /^(?:DBL|FLT|LDBL)_MAX$/.test(v.text) && !ix.macros.has(v.text)) return sign * Number.MAX_VALUE;
  if (v.type === 'call_expression' && (v.childForFieldName('arguments')?.namedChildCount ?? 1) === 0) {
    const m = /^std::numeric_limits<(?:float|double|longdouble)>::(max|lowest)$/.exec((v.childForFieldName('function')?.text ?? '').replace(/\s+/g, ''));
    if (m) return sign * (m[1] === 'max' ? Number.MAX_VALUE : -Number.MAX_VALUE);
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

/**
 * True when the expression's value can never be -0.0 (NaN allowed): a literal without a minus, a
 * library |x|, `e * e` of a call-free `e`, the square root or the sum of such values (in every rounding mode, a sum is
 * -0.0 only when both terms are), or a local of the loop initialised with one and never written.
 */
function neverNegativeZero(expr: Node, ix: SoundIndex, ctx: AnalysisContext, loop: Node): boolean {
  const e = unparen(expr);
  if (e.type === 'number_literal') return !e.text.trim().startsWith('-');
  if (e.type === 'identifier') {
    const d = ctx.resolver.resolve(e.text, e);
    if (!d || d.kind !== 'local' || d.isStatic || d.isReference || d.isPointer || d.isArray || !d.init || !contains(loop, d.declNode)) return false;
    const written = ctx.facts.occurrences(d, loop).some((o) => {
      const p = ctx.resolver.parentOf(o);
      return o.id !== d.nameNode.id && (p?.type === 'update_expression' || (p?.type === 'assignment_expression' && p.childForFieldName('left')?.id === o.id) || (p?.type === 'pointer_expression' && p.text.startsWith('&')));
    });
    return !written && !ix.isAddressTaken(d) && !contains(d.init, e) && neverNegativeZero(d.init, ix, ctx, loop);
  }
  if (e.type === 'call_expression') {
    const name = calleeName(e) ?? '';
    if (!isLibraryCall(e, ix)) return false;
    if (ABS.test(name)) return true;
    const args = (e.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null);
    return SQRT.test(name) && args.length === 1 && neverNegativeZero(args[0], ix, ctx, loop);
  }
  if (e.type === 'binary_expression' && operatorOf(e) === '+') {
    return neverNegativeZero(e.childForFieldName('left') as Node, ix, ctx, loop) && neverNegativeZero(e.childForFieldName('right') as Node, ix, ctx, loop);
  }
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
  const start = startValue ? finiteLiteral(startValue, ix) : null;
  if (start === null) return 'its value before the loop is not a finite number literal set right before it (a NaN start survives the loop but not the combination of partial results; an infinite one may lose to the reduction\'s identity value)';
  if (Object.is(start, -0)) return 'it starts at -0.0, which the loop keeps against +0.0 but a combination of partial results need not';
  const zeroCannotWin = op === 'max' ? start > 0 : start < 0;
  const occ = ctx.facts.occurrences(decl, loop);
  for (const o of occ) {
    const value = nanSafeValue(o, occ, ctx, ix);
    if (value === 'guard') continue;
    if (value === null) return `\`${ctx.resolver.parentOf(o)?.text ?? o.text}\` is not an update known never to store a NaN (\`if (e > m) m = e;\`, \`m = std::max(m, e)\`, \`m = fmax(m, e)\`), and with a NaN the ${op} of partial results depends on the order they are combined in`;
    if (!zeroCannotWin && !neverNegativeZero(value, ix, ctx, loop)) return `\`${value.text}\` may be -0.0 or +0.0 and the loop keeps whichever comes first, while the ${op} of partial results depends on the order they are combined in`;
  }
  return null;
}

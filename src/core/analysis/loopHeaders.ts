import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { isArithmeticType, isUnsignedType, resolveType } from './reductionTypes';
import { trustedIntMacro } from './preprocessor';
import { functionSites } from './functionSites';
import { memberBoundType } from './memberBounds';
import type { SoundIndex } from './soundIndex';
import { operatorOf, unparen } from './syntax';

const NARROW = /^(?:(?:const|volatile|signed|unsigned)\s+)*(?:char|short|short\s+int)$|^(?:std::)?u?int(?:8|16)_t$|^(?:bool|_Bool)$/;
const UNSIGNED = /\bunsigned\b|^(?:std::)?(?:size_t|u?int(?:8|16|32|64)_t|uintptr_t|uint_(?:fast|least)(?:8|16|32|64)_t|uintmax_t|char(?:8|16|32)_t)$/;

function isNarrow(type: string): boolean {
  return NARROW.test(type.replace(/\s+/g, ' ').trim());
}

/** The loop and the loops perfectly nested in it (the levels OpenMP may split or collapse). */
function splitLevels(loop: Node): Node[] {
  const out: Node[] = [loop];
  let cur: Node = loop;
  for (;;) {
    let body = cur.childForFieldName('body');
    while (body && body.type === 'compound_statement') {
      const kids = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (kids.length !== 1) return out;
      body = kids[0];
    }
    if (!body || body.type !== 'for_statement') return out;
    out.push(body);
    cur = body;
  }
}

/**
 * Loop headers whose iteration count OpenMP computes differently from the serial loop: counters
 * narrower than int (they wrap), unsigned counters with `!=` (they may wrap around instead of
 * stopping), and subscripts through narrowing casts (`(unsigned short)(i*4096)` wraps, so
 * different iterations may touch the same element).
 */
export function loopHeaderChecks(ctx: AnalysisContext, ix: SoundIndex, loop: Node, findings: Findings): void {
  // gcc accepts nothing between `#pragma omp parallel for` and its loop, and `#pragma GCC ivdep`
  // / `unroll` must directly precede the loop too: no placement compiles, so refuse.
  for (let prev = loop.previousSibling; prev && (prev.type === 'comment' || prev.type === 'preproc_call'); prev = prev.previousSibling) {
    if (prev.type === 'preproc_call' && /^#\s*pragma\s+GCC\s+(?:ivdep|unroll|novector)\b/.test(prev.text.trim())) {
      findings.block('gcc-loop-pragma', `\`${prev.text.trim()}\` binds to this loop, and gcc accepts no other pragma between \`#pragma omp parallel for\` and the loop (nor between this one and the loop): an OpenMP rewrite would not compile`, prev);
    }
  }
  for (const l of splitLevels(loop)) {
    if (l.type !== 'for_statement') continue;
    const init = l.childForFieldName('initializer');
    const cond = l.childForFieldName('condition');
    let type: string | null = null;
    let name: string | null = null;
    let start: Node | null = null;
    if (init?.type === 'declaration') {
      type = init.childForFieldName('type')?.text ?? null;
      const d = init.childForFieldName('declarator');
      name = d?.childForFieldName('declarator')?.text ?? null;
      start = d?.childForFieldName('value') ?? null;
    } else if (init?.type === 'assignment_expression') {
      const left = unparen(init.childForFieldName('left') as Node);
      const d = left.type === 'identifier' ? ctx.resolver.resolve(left.text, left) : null;
      type = d?.typeText ?? null;
      name = left.text;
      start = init.childForFieldName('right');
    }
    if (!type || !name) continue;
    const t = resolveType(type, ix);
    if (isNarrow(t)) {
      findings.block('narrow-counter', `the counter \`${name}\` has type \`${type}\`, narrower than int: it wraps, and OpenMP's iteration count would not match the serial loop`, init as Node);
      continue;
    }
    const c = cond ? unparen(cond) : null;
    const update = l.childForFieldName('update')?.text.replace(/\s+/g, '') ?? '';
    const startsAtZero = start !== null && /^0[uUlLzZ]*$/.test(unparen(start).text.trim());
    const countsUp = update === `${name}++` || update === `++${name}` || update === `${name}+=1`;
    const bound = c?.type === 'binary_expression' && ['<', '<=', '>', '>='].includes(operatorOf(c) ?? '') ? otherSide(c, name) : null;
    // UNSIGNED also matches the signed intN_t (the safe side for the bound and for `!=`); the counter's signedness is asked exactly.
    // A counter type named by a macro (`#define uint32_t int`) may be signed whatever its name says.
    const sign = bound && !(isUnsignedType(t) && !ix.macros.has(t)) ? boundSignedness(ctx, ix, bound) : 'signed';
    if (bound && sign !== 'signed' && !(start && nonNegative(ctx, start, l))) {
      const what = sign === 'unsigned' ? `the unsigned \`${bound.text}\`: the comparison converts` : `\`${bound.text}\`, whose type ParaForge cannot tell (it may be unsigned, and then the comparison converts`;
      findings.block('mixed-sign-bound', `the signed counter \`${name}\` is compared with ${what} the counter${sign === 'unsigned' ? '' : ')'}, so a negative start ends the serial loop at once, while OpenMP counts the iterations from the start and runs them`, c as Node);
    }
    if (c?.type === 'binary_expression' && operatorOf(c) === '!=' && UNSIGNED.test(t) && !(startsAtZero && countsUp)) {
      findings.block('unsigned-ne', `the unsigned counter \`${name}\` is compared with \`!=\`: if it starts past the bound it wraps around instead of stopping, which OpenMP's iteration count does not reproduce`, c);
    }
  }
  const sites = functionSites(ctx.resolver, loop);
  const at = sites.siteOf(loop)?.index ?? -1;
  for (const s of sites.inside(loop)) {
    if (s.type !== 'cast_expression') continue;
    const n = s.node;
    let inIndex = false;
    // Only subscripts inside the loop count (the loop is the outermost ancestor looked at).
    for (const p of s.subscriptsAround) {
      if ((sites.siteOf(p)?.index ?? -1) <= at) continue;
      if (p.type === 'subscript_argument_list' || (p.type === 'subscript_expression' && p.childForFieldName('index') !== null && p.childForFieldName('argument') !== null && !contains(p.childForFieldName('argument') as Node, n))) inIndex = true;
    }
    const type = resolveType(n.childForFieldName('type')?.text ?? '', ix);
    if (inIndex && isNarrow(type)) findings.block('narrowing-cast', `\`${n.text}\` narrows the subscript to \`${type}\`: it wraps, so different iterations may touch the same element`, n);
  }
}

/** The side of comparison `c` that does not name the counter, or null when both or neither do. */
function otherSide(c: Node, name: string): Node | null {
  const names = (n: Node | null) => n !== null && (n.type === 'identifier' ? n.text === name : n.descendantsOfType('identifier').some((d) => d?.text === name));
  const left = c.childForFieldName('left');
  const right = c.childForFieldName('right');
  if (names(left) === names(right)) return null;
  return names(left) ? right : left;
}

/** Whether a bound has an unsigned type, a signed one, or one ParaForge cannot tell (which may be unsigned: treated like unsigned, but said so). */
function boundSignedness(ctx: AnalysisContext, ix: SoundIndex, bound: Node): 'unsigned' | 'signed' | 'unknown' {
  const b = unparen(bound);
  const of = (unsigned: boolean) => (unsigned ? 'unsigned' : 'signed');
  if (b.type === 'cast_expression') return of(UNSIGNED.test(resolveType(b.childForFieldName('type')?.text ?? '', ix)));
  if (b.type === 'number_literal') return of(/[uU]/.test(b.text));
  if (b.type === 'sizeof_expression') return 'unsigned';
  // `.size()`, `std::size` and `strlen` return size_t; what other calls return is not looked up.
  if (b.type === 'call_expression') return /(?:[.>]size|^(?:std::)?size|^(?:std::)?strlen)$/.test(b.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '') ? 'unsigned' : 'unknown';
  if (b.type === 'field_expression') {
    // A struct member (memberBounds): its declared type; any member ParaForge cannot type may be unsigned.
    const t = memberBoundType(ctx, b);
    return t === null ? 'unknown' : of(UNSIGNED.test(resolveType(t, ix)));
  }
  if (b.type === 'identifier') {
    const d = ctx.resolver.resolve(b.text, b);
    if (d) {
      // `auto m = v.size()`, `decltype(…)`, a class or a typedef from a header: its signedness is not known.
      const t = resolveType(d.typeText, ix);
      return isArithmeticType(t) ? of(UNSIGNED.test(t)) : 'unknown';
    }
    // A trusted integer macro is signed unless its literal has a `u` suffix; an enumerator only in
    // C (a C++ enum may have an unsigned underlying type: `enum Limit : unsigned { LIMIT = 5 }`).
    const macro = ix.macros.get(b.text);
    if (macro) return trustedIntMacro(macro) !== undefined && !macro.unsignedLiteral ? 'signed' : 'unknown';
    if (ctx.file.enumerators.has(b.text) || b.tree.rootNode.descendantsOfType('enumerator').some((e) => e.childForFieldName('name')?.text === b.text)) return enumeratorSignedness(b);
    return 'unknown';
  }
  // An arithmetic expression is unsigned when one operand is (the usual conversions).
  const kinds = b.namedChildren.map((k) => (k === null ? 'signed' : boundSignedness(ctx, ix, k)));
  return kinds.includes('unsigned') ? 'unsigned' : kinds.includes('unknown') ? 'unknown' : 'signed';
}

/**
 * An enumerator promotes to int when its enum has no fixed underlying type and its value fits
 * (C, and unscoped C++ enums); `enum E : unsigned` promotes to unsigned, and a value past INT_MAX
 * makes gcc pick an unsigned type. Anything ParaForge cannot read is 'unknown'.
 */
function enumeratorSignedness(name: Node): 'signed' | 'unknown' {
  const decls = name.tree.rootNode.descendantsOfType('enumerator').filter((e) => e.childForFieldName('name')?.text === name.text);
  if (decls.length === 0) return 'unknown';
  for (const e of decls) {
    const spec = e.parent?.parent;
    if (spec?.type !== 'enum_specifier' || spec.childForFieldName('base') !== null || /^\s*enum\s+(?:class|struct)\b/.test(spec.text)) return 'unknown';
    const value = e.childForFieldName('value');
    // Implicit values count up from small literals; an explicit one must be a literal that fits.
    if (value && !(value.type === 'number_literal' && Math.abs(Number.parseInt(value.text, 10)) < 2 ** 31 && /^-?\d+$/.test(value.text))) return 'unknown';
  }
  return 'signed';
}

/** True when `e` is provably ≥ 0: a non-negative literal or integer macro, a sum or product of such, or the counter of an enclosing ascending loop that starts so. */
function nonNegative(ctx: AnalysisContext, e: Node, at: Node): boolean {
  const x = unparen(e);
  if (x.type === 'number_literal') return /^\d/.test(x.text) && !/[.eEpP]/.test(x.text.replace(/^0[xX][0-9a-fA-F]+/, '0'));
  if (x.type === 'binary_expression' && ['+', '*'].includes(operatorOf(x) ?? '')) return nonNegative(ctx, x.childForFieldName('left')!, at) && nonNegative(ctx, x.childForFieldName('right')!, at);
  if (x.type !== 'identifier') return false;
  if ((ctx.file.intMacros.get(x.text) ?? -1) >= 0 && !ctx.resolver.resolve(x.text, x)) return true;
  for (let p = at.parent; p; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    const init = p.childForFieldName('initializer');
    const d = init?.type === 'declaration' ? init.childForFieldName('declarator') : null;
    if (d?.childForFieldName('declarator')?.text !== x.text) continue;
    const update = p.childForFieldName('update')?.text.replace(/\s+/g, '') ?? '';
    const up = update === `${x.text}++` || update === `++${x.text}` || /^\w+\+=\d+$/.test(update);
    const value = d.childForFieldName('value');
    return up && value !== null && nonNegative(ctx, value, p);
  }
  return false;
}

function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

import type { Node } from 'web-tree-sitter';
import type { ReductionOp } from '../model';
import type { Findings } from './findings';
import { floatMinMaxHazard } from './floatMinMax';
import { INT_RESULT, narrowingStore } from './integerRanges';
import { parseIntegerLiteral } from './literals';
import type { AnalysisContext } from './levelAnalysis';
import type { Decl } from './scope';
import type { SoundIndex } from './soundIndex';
import { calleeName, contains, operatorOf, unparen } from './syntax';

const ARITHMETIC = /^(?:(?:const|volatile|signed|unsigned|short|long|int|char|float|double|bool|_Bool)\s*)+$|^(?:std::)?(?:size_t|ssize_t|ptrdiff_t|u?int(?:8|16|32|64)_t|u?int_(?:fast|least)(?:8|16|32|64)_t|u?intptr_t|u?intmax_t)$/;

/** A declaration's base type with typedefs of this file followed (`real` → `double`); pointer typedefs stay as they are. */
export function resolveType(typeText: string, ix: SoundIndex): string {
  let t = typeText.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 8; i++) {
    const m = /^((?:const |volatile )*)([A-Za-z_]\w*)$/.exec(t);
    const def = m ? ix.typedefs.get(m[2]) : undefined;
    if (!m || !def || def.pointer) break;
    t = `${m[1]}${def.type}`.trim();
  }
  return t;
}

/** True for the built-in integer and floating types (not `_Atomic`, `auto`, classes, `std::complex`). */
export function isArithmeticType(type: string): boolean {
  return ARITHMETIC.test(type.replace(/\s+/g, ' ').trim());
}

/** True for unsigned integer types (`unsigned …`, `size_t`, `uint32_t`, …): their arithmetic wraps. */
export function isUnsignedType(type: string): boolean {
  return /\bunsigned\b/.test(type) || /^(?:std::)?(?:size_t|uintptr_t|uintmax_t|uint(?:_fast|_least)?(?:8|16|32|64)_t)$/.test(type);
}

/** True for `long double`: clang combines its partial results with 16-byte atomics from libatomic, which a plain `-fopenmp` build does not link. */
export function isLongDouble(type: string): boolean {
  return /^long\s+double$|^double\s+long$/.test(type.replace(/\b(?:const|volatile)\b/g, ' ').replace(/\s+/g, ' ').trim());
}

/** The reason a `long double` reduction is refused (see isLongDouble). */
export const LONG_DOUBLE_REDUCTION = 'clang combines `long double` partial results with 16-byte atomics from libatomic, calls a plain `-fopenmp` build does not link (`undefined reference to __atomic_load`)';

/** True for `float`, `double`, `long double`. */
export function isFloatingType(type: string): boolean {
  return isArithmeticType(type) && /\b(?:float|double)\b/.test(type);
}

/**
 * The element type a subscript chain of `depth` levels reaches through nested `std::vector` /
 * `std::array`, or null when the type is not such a container (or is `std::vector<bool>`,
 * whose elements are bits packed into shared words). `resolve` follows the file's typedefs at
 * each level: `std::vector<flag_t>` with `typedef bool flag_t` is a `std::vector<bool>` too.
 */
export function containerElement(type: string, depth: number, resolve: (t: string) => string = (t) => t): string | null {
  let t = type.replace(/\s+/g, ' ').trim().replace(/^const /, '');
  for (let d = 0; d < depth; d++) {
    const m = /^std::(vector|array)<\s*(.+?)\s*(?:,\s*[^<>,]+)?>$/.exec(resolve(t));
    if (!m) return null;
    t = m[2].replace(/^const /, '').trim();
    if (m[1] === 'vector' && resolve(t).replace(/^(?:const |volatile )+/, '') === 'bool') return null;
  }
  return t;
}

/** True unless `value` is a number literal (or its negation) that is not -0.0, even once rounded to `float`. */
export function isNegativeZeroOrUnknown(value: Node): boolean {
  const v = unparen(value);
  // The C grammar reads `-0.0` as one number literal.
  if (v.type === 'number_literal') return v.text.trim().startsWith('-') && !clearOfZero(v.text);
  if (v.type === 'unary_expression' && operatorOf(v) === '-') {
    const arg = unparen(v.childForFieldName('argument') as Node);
    return !(arg.type === 'number_literal' && clearOfZero(arg.text));
  }
  return true;
}

/** True when a number literal's magnitude is surely non-zero in every floating type: `-1e-50` is -0.0 as a `float`, `-1e-400` even as a `double`. */
function clearOfZero(literal: string): boolean {
  const t = literal.trim().replace(/^[-+]\s*/, '').replace(/'/g, '');
  // Hexadecimal floats (`0x1p-200`) are not read here: unknown.
  const m = /^0[xX]/.test(t) ? (/[pP.]/.test(t) ? NaN : Number.parseInt(t.replace(/[uUlL]+$/, ''), 16)) : Number(t.replace(/[fFlLuU]+$/, ''));
  return m >= 1e-37;
}

/** The value a float accumulator holds when the loop starts, if it is set right before it in straight-line code. */
export function startLiteral(ctx: AnalysisContext, decl: Decl, loop: Node): Node | null {
  if (decl.kind !== 'local' || decl.isStatic || decl.isReference) return null;
  const parentOf = (n: Node) => ctx.resolver.parentOf(n);
  let fn: Node | null = parentOf(loop);
  while (fn && fn.type !== 'function_definition') fn = parentOf(fn);
  if (!fn) return null;
  if (fn.descendantsOfType('goto_statement').length > 0) return null;
  const before = ctx.facts.occurrences(decl, fn).filter((o) => o.endIndex <= loop.startIndex);
  let value: Node | null = null;
  let stmt: Node | null = null;
  const last = before[before.length - 1];
  if (!last || last.id === decl.nameNode.id) {
    value = decl.init;
    stmt = decl.declNode;
  } else {
    const p = parentOf(last);
    if (p?.type !== 'assignment_expression' || p.childForFieldName('left')?.id !== last.id || operatorOf(p) !== '=') return null;
    value = p.childForFieldName('right');
    const ps = parentOf(p);
    stmt = ps?.type === 'expression_statement' ? ps : null;
  }
  if (!value || !stmt) return null;
  // The statement must run once right before this loop starts, with no loop in between.
  const block = parentOf(stmt);
  if (!block || !contains(block, loop)) return null;
  for (let p = parentOf(loop); p && p.id !== block.id; p = parentOf(p)) {
    if (/^(for|while|do)_statement$|^for_range_loop$|^lambda_expression$/.test(p.type)) return null;
  }
  return value;
}

/** True when the loop's header has literal bounds that give at least one iteration. */
function surelyRuns(loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  const init = loop.childForFieldName('initializer');
  const cond = loop.childForFieldName('condition');
  const value = init?.type === 'declaration' ? init.childForFieldName('declarator')?.childForFieldName('value') : init?.type === 'assignment_expression' ? init.childForFieldName('right') : null;
  const c = cond ? unparen(cond) : null;
  if (!value || c?.type !== 'binary_expression') return false;
  const lb = parseIntegerLiteral(unparen(value).text);
  const ub = parseIntegerLiteral(unparen(c.childForFieldName('right') as Node).text);
  if (lb === undefined || ub === undefined) return false;
  const op = operatorOf(c);
  return (op === '<' && lb < ub) || (op === '<=' && lb <= ub);
}

/** The element type `x[i]` or `*x` reads, when `x` is a plain name: pointer/array base type, or a container's element. */
export function elementType(base: Node, depth: number, ctx: AnalysisContext, ix: SoundIndex): string | null {
  if (base.type !== 'identifier') return null;
  const d = ctx.resolver.resolve(base.text, base);
  if (!d) return null;
  const t = resolveType(d.typeText, ix);
  if (d.isPointer || d.isArray) return t;
  return containerElement(t, depth, (x) => resolveType(x, ix));
}

/** The declared type a name, `x[i]` or `*p` reads (not a pointer or array itself), or null. */
function integerLeafType(n: Node, ctx: AnalysisContext, ix: SoundIndex): string | null {
  if (n.type === 'identifier') {
    const d = ctx.resolver.resolve(n.text, n);
    return d && !d.isPointer && !d.isArray && !d.isReference ? resolveType(d.typeText, ix) : null;
  }
  if (n.type === 'pointer_expression') return n.text.trimStart().startsWith('*') ? elementType(unparen(n.childForFieldName('argument') as Node), 1, ctx, ix) : null;
  let base: Node = n;
  let depth = 0;
  while (base.type === 'subscript_expression') {
    depth++;
    base = unparen(base.childForFieldName('argument') as Node);
  }
  return elementType(base, depth, ctx, ix);
}


/** True when an expression may have a floating-point (or unknown) type. */
export function mayBeFloating(expr: Node, ctx: AnalysisContext, ix: SoundIndex): boolean {
  const n = unparen(expr);
  const isInt = (t: string | null) => t !== null && isArithmeticType(t) && !isFloatingType(t);
  switch (n.type) {
    case 'number_literal':
      return !/^0[xX]/.test(n.text) && /[.eE]|[fF]$/.test(n.text);
    case 'char_literal':
    case 'true':
    case 'false':
    case 'sizeof_expression':
      return false;
    case 'binary_expression': {
      // Comparisons and logical operators give an int whatever their operands.
      if (INT_RESULT.has(operatorOf(n))) return false;
      return mayBeFloating(n.childForFieldName('left') as Node, ctx, ix) || mayBeFloating(n.childForFieldName('right') as Node, ctx, ix);
    }
    case 'unary_expression':
      if (operatorOf(n) === '!') return false;
      return mayBeFloating(n.childForFieldName('argument') as Node, ctx, ix);
    case 'conditional_expression':
      return mayBeFloating(n.childForFieldName('consequence') as Node, ctx, ix) || mayBeFloating(n.childForFieldName('alternative') as Node, ctx, ix);
    case 'cast_expression':
      return !isInt(resolveType(n.childForFieldName('type')?.text ?? '', ix));
    case 'subscript_expression': {
      let base: Node = n;
      let depth = 0;
      while (base.type === 'subscript_expression') {
        depth++;
        base = unparen(base.childForFieldName('argument') as Node);
      }
      return !isInt(elementType(base, depth, ctx, ix));
    }
    case 'pointer_expression':
      if (!n.text.trimStart().startsWith('*')) return true;
      return !isInt(elementType(unparen(n.childForFieldName('argument') as Node), 1, ctx, ix));
    case 'call_expression': {
      const name = calleeName(n) ?? '';
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null);
      // Integer in, integer out: abs and min/max of integers; container sizes.
      if (/^(?:std::)?(?:abs|labs|llabs|min|max)$/.test(name)) return args.length === 0 || args.some((a) => mayBeFloating(a, ctx, ix));
      return !/^\.(?:size|length)$/.test(name);
    }
    case 'identifier': {
      const d = ctx.resolver.resolve(n.text, n);
      if (!d) return !ctx.file.enumerators.has(n.text) && ctx.file.intMacros.get(n.text) === undefined;
      return d.isPointer || d.isArray || !isInt(resolveType(d.typeText, ix));
    }
    default:
      return true;
  }
}

/**
 * OpenMP reductions combine private partial results at the end; that equals the serial loop only
 * when every step is exact in the accumulator's own type. Refused: non-arithmetic accumulators
 * (`_Atomic`, `std::complex`, classes, `auto`), integer accumulators of floating operands (each
 * serial step truncates), floating min/max unless floatMinMaxHazard shows NaN and -0.0 cannot
 * make the order matter, and floating sums whose start value may be -0.0 (partial sums start at +0.0).
 */
export function reductionTypeChecks(ctx: AnalysisContext, ix: SoundIndex, loop: Node, reductions: readonly { name: string; op: ReductionOp; node: Node }[], findings: Findings): void {
  for (const r of reductions) {
    const decl = ctx.resolver.resolve(r.name, r.node);
    if (!decl) continue;
    const type = resolveType(decl.typeText, ix);
    const atomic = /\b_Atomic\b|std::atomic\b/.test(decl.declNode.text.split(/[=;{]/)[0]);
    if (!isArithmeticType(type) || decl.isPointer || decl.isArray || atomic) {
      findings.block('reduction-type', `\`${r.name}\` has type \`${decl.typeText}\`: an OpenMP reduction needs a built-in arithmetic type (\`_Atomic\`, \`std::complex\`, \`auto\` and classes would need a declared reduction ParaForge does not write)`, r.node);
      continue;
    }
    // A bool stores every step as 0 or 1 (true + -1 is false, true ^ 2 is true), so a sum,
    // product or xor depends on the order of its terms; |, &, && and || of bools do not.
    if (/\b(?:bool|_Bool)\b/.test(type) && !['|', '&', '&&', '||'].includes(r.op)) {
      findings.block('reduction-type', `\`${r.name}\` is a \`${decl.typeText}\`: each serial step stores 0 or 1 (true + -1 is false), so a \`${r.op}\` reduction of partial results would differ`, r.node);
      continue;
    }
    if (isLongDouble(type)) {
      findings.block('reduction-type', `\`${r.name}\` is a \`long double\`: ${LONG_DOUBLE_REDUCTION}, so the rewrite would not build with clang`, r.node);
      continue;
    }
    const floating = isFloatingType(type);
    if (floating && (r.op === 'max' || r.op === 'min')) {
      const hazard = floatMinMaxHazard(ctx, ix, decl, loop, r.op, startLiteral(ctx, decl, loop));
      if (hazard) findings.block('float-minmax', `\`${r.name}\` is a floating-point ${r.op}: ${hazard}`, r.node);
      continue;
    }
    if (!floating && (r.op === 'max' || r.op === 'min')) {
      const store = narrowingStore(ctx, decl, loop, type, (n) => integerLeafType(n, ctx, ix));
      if (store) {
        findings.block('reduction-narrows', `\`${r.name}\` is an integer ${r.op} of type \`${decl.typeText}\`, and \`${store.text}\` may store a value that type does not hold unchanged: the serial loop compares each new value with the wrapped or truncated one it stored, a reduction would compare the stored values`, store);
        continue;
      }
    }
    if (!floating) {
      for (const o of ctx.facts.occurrences(decl, loop)) {
        const p = ctx.resolver.parentOf(o);
        if (p?.type !== 'assignment_expression' || p.childForFieldName('left')?.id !== o.id) continue;
        const right = p.childForFieldName('right') as Node;
        if (mayBeFloating(right, ctx, ix)) {
          findings.block('reduction-truncates', `\`${r.name}\` has the integer type \`${decl.typeText}\` but \`${right.text}\` may not be an integer: every serial step truncates, so partial sums would give a different result`, p);
          break;
        }
      }
    }
    if (floating && (r.op === '+' || r.op === '-')) {
      // A -0.0 start survives the serial loop only when it runs zero times or adds only -0.0;
      // OpenMP's partial sums start at +0.0 and turn it into +0.0. An unknown start is accepted
      // only when the loop surely runs (adding only -0.0 terms is the corner case left).
      const start = startLiteral(ctx, decl, loop);
      const negativeZero = start !== null && /^\s*-/.test(unparen(start).text) && isNegativeZeroOrUnknown(start);
      if (negativeZero || (start === null && !surelyRuns(loop)) || (start !== null && isNegativeZeroOrUnknown(start) && !surelyRuns(loop))) {
        findings.block('reduction-start', `the value \`${r.name}\` holds before the loop is not a known literal: if it is -0.0, OpenMP's partial sums (which start at +0.0) turn it into +0.0`, r.node);
      }
    }
  }
}

import type { Node } from 'web-tree-sitter';
import type { ReductionOp } from '../model';
import { constantOf, isConstant } from './affine';
import type { AnalysisContext } from './levelAnalysis';
import type { LoopShape } from './loopShape';
import { parseIntLiteral, type Decl } from './scope';
import { contains, isIntegerType, operatorOf, unparen } from './syntax';
import { counterBits, fitsIn, integerBits } from './integerRanges';
import { enclosingFunction } from './soundIndex';

/**
 * A search loop that keeps the last (or, counting down, the first) index where a predicate holds:
 * `int last = -1; for (i = 0; i < n; i++) if (p(x[i])) last = i;`. Every write stores the loop
 * counter itself, so the serial result is the largest matching index, or the start value when
 * none matches; with a constant start value below every index the loop takes, that is exactly
 * `reduction(max:last)` (min when the loop counts down), as long as the variable is a signed type
 * that holds every index and the start value unchanged. Returns the operator, or null.
 * (`lastprivate(conditional:)` would say it too, but clang 14 returns garbage with it when a
 * thread's iterations never assign.)
 */
export function indexReduction(ctx: AnalysisContext, decl: Decl, loop: Node, shape: LoopShape | null, ownKey: string | null): ReductionOp | null {
  if (!shape || !ownKey || decl.isPointer || decl.isArray || decl.isReference || decl.kind === 'global' || decl.isStatic) return null;
  if (!isIntegerType(decl.typeText)) return null;
  // max/min compare the stored values: the variable must hold every index unchanged, in order.
  const own = integerBits(decl.typeText);
  const counter = counterBits(loop, shape);
  if (!own?.signed || !counter || !fitsIn(counter, own)) return null;
  const occ = ctx.facts.occurrences(decl, loop);
  if (occ.length === 0) return null;
  for (const o of occ) {
    const p = o.parent;
    if (p?.type !== 'assignment_expression' || operatorOf(p) !== '=' || p.childForFieldName('left')?.id !== o.id) return null;
    const value = unparen(p.childForFieldName('right') as Node);
    if (value.type !== 'identifier' || ctx.resolver.resolve(value.text, value)?.key !== ownKey) return null;
  }
  const start = startValue(ctx, decl, loop);
  // A start value the type cannot hold is stored as another number (`int last = -4294967295` holds 1).
  if (start === null || Math.abs(start) >= 2 ** (own.bits - 1)) return null;
  if (shape.step > 0) {
    // Counting up: the last match is the largest index; the start must lie below the first index.
    if (!isConstant(shape.min)) return null;
    return start < constantOf(shape.min) ? 'max' : null;
  }
  if (!isConstant(shape.max)) return null;
  return start > constantOf(shape.max) ? 'min' : null;
}

/** The integer constant `decl` surely holds when the loop starts, or null. */
function startValue(ctx: AnalysisContext, decl: Decl, loop: Node): number | null {
  const fn = enclosingFunction(loop);
  if (!fn) return null;
  const before = ctx.facts.occurrences(decl, fn).filter((o) => o.startIndex < loop.startIndex && o.id !== decl.nameNode.id);
  // The last write before the loop, in a statement of a block around the loop, with nothing between.
  let value: Node | null = null;
  let stmt: Node | null = null;
  if (before.length === 0) {
    value = decl.init;
    stmt = decl.declNode;
  } else {
    const o = before[before.length - 1];
    const p = o.parent;
    if (p?.type !== 'assignment_expression' || operatorOf(p) !== '=' || p.childForFieldName('left')?.id !== o.id) return null;
    value = p.childForFieldName('right');
    stmt = p.parent?.type === 'expression_statement' ? p.parent : null;
  }
  if (!value || !stmt) return null;
  // The statement must run every time before the loop: a sibling of one of the loop's enclosing statements, with no loop around it that the loop is not in.
  const block = stmt.parent;
  if (!block || block.type !== 'compound_statement' || !contains(block, loop)) return null;
  for (let p = loop.parent; p && p.id !== block.id; p = p.parent) if (/^(for|while|do)_statement$|^for_range_loop$/.test(p.type)) return null;
  const v = unparen(value);
  const neg = v.type === 'unary_expression' && operatorOf(v) === '-';
  const lit = parseIntLiteral((neg ? unparen(v.childForFieldName('argument') as Node) : v).text);
  if (lit === undefined) return null;
  return neg ? -lit : lit;
}

import type { Node } from 'web-tree-sitter';
import type { ScalarFact } from '../model';
import { nodeRange } from '../parse';
import type { MemRef } from './dependence';
import type { AnalysisContext } from './levelAnalysis';
import { parseIntLiteral } from './scope';
import { isIntegerType, operatorOf, unparen } from './syntax';

/** Largest array (elements) privatised per thread by `reduction(+:h)`: each thread gets a copy on its stack. */
const MAX_ELEMENTS = 65536;

/**
 * Histograms: an integer array of known, modest size declared outside the loop (`int h[256]`)
 * that the loop only updates with `h[k]++`, `h[k]--` or `h[k] += c` (c an integer literal) is an
 * array reduction, `reduction(+:h)` (gcc 12 and clang 14 accept whole arrays). Integer additions
 * are exact in any order, so the result is the serial one. Returns the bases and their facts.
 */
export function arrayReductions(ctx: AnalysisContext, byBase: ReadonlyMap<string, readonly MemRef[]>): { bases: Set<string>; facts: ScalarFact[] } {
  const bases = new Set<string>();
  const facts: ScalarFact[] = [];
  for (const [key, refs] of byBase) {
    const d = ctx.resolver.resolve(refs[0].baseName, refs[0].node);
    if (!d || !d.isArray || d.isPointer || d.kind === 'param' || d.isVolatile || !isIntegerType(d.typeText)) continue;
    const size = arraySize(ctx, d.nameNode);
    if (size === null || size > MAX_ELEMENTS) continue;
    if (!refs.every((r) => r.write && r.read && isCountingUpdate(r.node))) continue;
    bases.add(key);
    facts.push({ name: d.name, role: 'reduction', op: '+', declared: d.kind === 'global' ? 'global' : 'function', liveAfter: true, type: `${d.typeText}[${size}]`, range: nodeRange(refs[0].node) });
  }
  return { bases, facts };
}

/** `h[k]++`, `--h[k]`, `h[k] += 3`, `h[k] -= 1` as a statement of its own. */
function isCountingUpdate(ref: Node): boolean {
  let n = ref;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p || p.parent?.type !== 'expression_statement') return false;
  if (p.type === 'update_expression') return true;
  if (p.type !== 'assignment_expression' || p.childForFieldName('left')?.id !== n.id) return false;
  const op = operatorOf(p);
  if (op !== '+=' && op !== '-=') return false;
  const right = unparen(p.childForFieldName('right') as Node);
  return right.type === 'number_literal' && parseIntLiteral(right.text) !== undefined;
}

/** Number of elements of an array declared with constant sizes (`h[256]`, `h[NB][4]`), or null. */
function arraySize(ctx: AnalysisContext, name: Node): number | null {
  let total = 1;
  let dims = 0;
  for (let p = name.parent; p && p.type === 'array_declarator'; p = p.parent) {
    const size = p.childForFieldName('size');
    if (!size) return null;
    const v = parseIntLiteral(size.text) ?? ctx.file.intMacros.get(size.text.trim());
    if (v === undefined || v <= 0) return null;
    total *= v;
    dims++;
  }
  return dims > 0 ? total : null;
}

import type { Node } from 'web-tree-sitter';
import type { AnalysisContext } from './levelAnalysis';
import { type LoopShape, loopShape } from './loopShape';
import { unparen, walk } from './syntax';

/**
 * Helpers for hoisted parallel regions, where every thread runs a loop header itself: which names
 * a loop writes, and whether a header's bounds are the same for every thread and every step.
 */

/** Declaration keys (the text for undeclared names) of every plain name `root` assigns or increments. */
export function writtenNames(ctx: AnalysisContext, root: Node): Set<string> {
  const written = new Set<string>();
  walk(root, (n) => {
    if (n.type === 'assignment_expression' || n.type === 'update_expression') {
      const t = n.childForFieldName('left') ?? n.childForFieldName('argument');
      const u = t ? unparen(t) : null;
      if (u?.type === 'identifier') written.add(ctx.resolver.resolve(u.text, u)?.key ?? u.text);
    }
    return undefined;
  });
  return written;
}

/**
 * True when the bound expressions read only names outside `written` (and no memory, no calls):
 * each thread evaluates them to the same value.
 */
export function invariantBounds(ctx: AnalysisContext, bounds: readonly Node[], written: ReadonlySet<string>): boolean {
  let bad = false;
  for (const b of bounds) {
    walk(b, (n) => {
      if (n.type === 'identifier' && written.has(ctx.resolver.resolve(n.text, n)?.key ?? n.text)) bad = true;
      if (n.type === 'call_expression' || n.type === 'subscript_expression' || n.type === 'pointer_expression' || n.type === 'field_expression') bad = true;
      return bad ? false : undefined;
    });
  }
  return !bad;
}

/** The canonical shape of a counted for loop (names resolved as the region rules read them), or null. */
export function countedShape(ctx: AnalysisContext, loop: Node): LoopShape | null {
  const r = loopShape(loop, ctx.resolver, (name, at) => {
    const d = ctx.resolver.resolve(name, at);
    return d ? { symbol: d.key } : (ctx.file.intMacros.get(name) ?? 'unknown');
  });
  return 'shape' in r ? r.shape : null;
}

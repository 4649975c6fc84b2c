import type { Node } from 'web-tree-sitter';
import type { AnalysisContext } from './levelAnalysis';
import type { Decl } from './scope';
import { soundIndex } from './soundIndex';
import { calleeName, unparen } from './syntax';

/**
 * `memset(dst, v, size);` and `memcpy(dst, src, size);` statements whose destination is a named
 * array of the function or file (not a parameter, whose name is a pointer): the C library writes
 * only bytes of dst (a size past its end is undefined behaviour already) and reads only bytes of
 * src, and keeps no state. The loop analysis reads such a call as a write of the whole of dst and
 * a read of the whole object src points into (accesses.ts), so its dependences are checked like
 * any other; scratchArrays counts a fill whose size covers the whole array as writing every element.
 * Anything else named memset or memcpy (a pointer destination, a value used, a redefined name)
 * stays an unknown call.
 */

/** A fill statement's parts. */
export interface MemoryFill {
  readonly call: Node;
  /** The destination array's name, as written (`tmp`). */
  readonly dest: Node;
  readonly destDecl: Decl;
  /** memcpy's source expression and the array or pointer it points into; null for memset. */
  readonly source: Node | null;
  readonly sourceBase: Node | null;
  /** The offset and subscript expressions in the source (`k` in `x + k`, `&x[k]`): evaluated, so they may read memory. */
  readonly offsets: readonly Node[];
  readonly size: Node;
}

const FILLS = new Set(['memset', 'memcpy', 'std::memset', 'std::memcpy']);

/** The fill `call` is (see the file comment), or null. */
export function memoryFill(ctx: AnalysisContext, call: Node): MemoryFill | null {
  if (call.type !== 'call_expression' || call.parent?.type !== 'expression_statement') return null;
  const name = calleeName(call);
  if (!name || !FILLS.has(name)) return null;
  // A file may define its own memset (a function, a macro or a variable): then it is not libc's.
  const simple = name.replace(/^std::/, '');
  const ix = soundIndex(ctx.file, ctx.resolver, call);
  if (ix.functionDefs.has(simple) || ix.macros.has(simple) || ctx.resolver.resolve(simple, call) !== null) return null;
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null && a.type !== 'comment');
  if (args.length !== 3) return null;
  const dest = unparen(args[0]);
  const destDecl = dest.type === 'identifier' ? ctx.resolver.resolve(dest.text, dest) : null;
  if (!destDecl || !destDecl.isArray || destDecl.isPointer || destDecl.isReference || destDecl.kind === 'param') return null;
  if (simple === 'memset') return { call, dest, destDecl, source: null, sourceBase: null, offsets: [], size: args[2] };
  const offsets: Node[] = [];
  const sourceBase = pointedBase(ctx, args[1], offsets);
  const d = sourceBase ? ctx.resolver.resolve(sourceBase.text, sourceBase) : null;
  if (!sourceBase || !d || !(d.isArray || d.isPointer)) return null;
  return { call, dest, destDecl, source: args[1], sourceBase, offsets, size: args[2] };
}

/** The array or pointer name an address points into: `x`, `x + k`, `&x[k]…`, through casts (its offsets go to `offsets`); null otherwise. */
function pointedBase(ctx: AnalysisContext, expr: Node, offsets: Node[]): Node | null {
  let e = unparen(expr);
  while (e.type === 'cast_expression') e = unparen(e.childForFieldName('value') as Node);
  if (e.type === 'identifier') return e;
  if (e.type === 'binary_expression' && e.childForFieldName('operator')?.type === '+') {
    const l = unparen(e.childForFieldName('left') as Node);
    const r = unparen(e.childForFieldName('right') as Node);
    // Exactly one side is the array or pointer; the other is an integer offset.
    const pointer = (x: Node) => {
      const d = x.type === 'identifier' ? ctx.resolver.resolve(x.text, x) : null;
      return d !== null && (d.isArray || d.isPointer);
    };
    if (pointer(l) === pointer(r)) return null;
    offsets.push(pointer(l) ? r : l);
    return pointer(l) ? l : r;
  }
  if (e.type === 'pointer_expression' && e.text.trimStart().startsWith('&')) {
    let x = unparen(e.childForFieldName('argument') as Node);
    if (x.type !== 'subscript_expression') return null;
    while (x.type === 'subscript_expression') {
      const index = x.childForFieldName('index') ?? x.childForFieldName('indices');
      if (!index) return null;
      offsets.push(index);
      x = unparen(x.childForFieldName('argument') as Node);
    }
    return x.type === 'identifier' ? x : null;
  }
  return null;
}

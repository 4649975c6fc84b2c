import type { Node } from 'web-tree-sitter';
import type { NameValue } from './affine';
import { memberSizeValue } from './memberContainers';
import type { Decl, Resolver } from './scope';
import { unparen } from './syntax';

/**
 * Standard containers whose elements are contiguous and distinct per index, and which own them
 * (std::vector<bool> packs bits; a std::span is a view that may show another container's elements).
 */
const CONTIGUOUS = /^(?:const\s+)?(?:std::)?(?:vector|array|valarray|basic_string|string|wstring)\b(?!\s*<\s*bool\s*>)/;

/** True when `d` is (a reference to) a contiguous standard container object, not a pointer to one. */
export function isContiguousContainer(d: Decl | null): boolean {
  if (!d || d.isPointer || d.isArray) return false;
  return CONTIGUOUS.test(d.typeText.replace(/\s+/g, ' ').trim());
}

/** The symbol standing for `x.size()` in subscripts and bounds: the container's key with `#size`. */
export function sizeSymbol(d: Decl): string {
  return `${d.key}#size`;
}

/** The declaration key a size symbol belongs to (`x@12#size` → `x@12`), or the name itself. */
export function symbolOwner(symbol: string): string {
  const hash = symbol.indexOf('#');
  return hash < 0 ? symbol : symbol.slice(0, hash);
}

/**
 * Reads `x.size()`, `x.length()` and `std::size(x)` of a contiguous container as a symbol, so
 * `for (std::size_t i = 0; i < x.size(); ++i)` is a counted loop. Whether the loop resizes x is
 * checked by the caller (the symbol's owner must not change in the loop; a non-const method call
 * such as push_back already blocks it). Any other call is not an integer expression here.
 */
export function containerSizeValue(resolver: Resolver): (call: Node) => NameValue {
  return (call: Node): NameValue => {
    const fn = unparen(call.childForFieldName('function') as Node);
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null && a.type !== 'comment');
    let obj: Node | null = null;
    if (fn.type === 'field_expression' && args.length === 0 && /^(size|length)$/.test(fn.childForFieldName('field')?.text ?? '') && !fn.text.includes('->')) {
      obj = unparen(fn.childForFieldName('argument') as Node);
    } else if (fn.type === 'qualified_identifier' && fn.text.replace(/\s+/g, '') === 'std::size' && args.length === 1) {
      obj = unparen(args[0]);
    }
    // `a.v.size()` of a struct's container member (memberContainers.ts).
    if (obj?.type === 'field_expression') return memberSizeValue(resolver, obj) ?? 'unknown';
    if (!obj || obj.type !== 'identifier') return 'unknown';
    const d = resolver.resolve(obj.text, obj);
    return isContiguousContainer(d) ? { symbol: sizeSymbol(d as Decl) } : 'unknown';
  };
}

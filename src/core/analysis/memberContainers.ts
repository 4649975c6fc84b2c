import type { Node } from 'web-tree-sitter';
import type { MemRef } from './dependence';
import type { AnalysisContext } from './levelAnalysis';
import { containerElement, isArithmeticType, resolveType } from './reductionTypes';
import type { NameValue } from './affine';
import type { Decl, FileIndex, Resolver } from './scope';
import { soundIndex } from './soundIndex';
import { contains, unparen, walk } from './syntax';

/**
 * Members of struct objects as arrays of their own (issue #7 §2, "C++ as HPC people write it"):
 * in `a.val[p]`, with `a` an object (not a pointer, not a local reference) of a struct or class
 * defined once in this file without base classes, and `val` a non-static data member declared
 * there as a `std::vector` / `std::array` or a plain array (not a pointer, not a reference), the
 * elements of `a.val` are an array that no other member of `a` shares: each member is its own
 * object, and a vector member owns its buffer. The analysis then reads `a.val` as one array,
 * named `a.val`, keyed `<a's key>.val`.
 *
 * Only when every use of `a` in the loop is such a member (subscripted down to a plain element,
 * a container member's `.size()`/`.length()`/`.empty()`, or an arithmetic member read or written
 * as a scalar): `a` passed whole, assigned, its address taken, a method called on it or on a
 * member (`a.val.push_back`), or a member used whole (`f(a.val)`) leave `a` to the general rules,
 * which refuse what they cannot follow. A `const` reference bound to a member outside the loop
 * (`const auto &rp = a.rowptr;`) is that member. Objects whose address is taken in their
 * function (or anywhere, for globals) and code inside templates are left alone: another name,
 * or another type, may stand behind them.
 */

/** A data member of a struct or class defined in this file. */
interface Field {
  readonly typeText: string;
  /** Array levels of a plain array member (`double m[4][3]`: 2), 0 for a container or scalar. */
  readonly arrayLevels: number;
}

/** Struct and class names defined exactly once in the file, with their usable fields (null: the type may not be followed). */
type StructTable = ReadonlyMap<string, ReadonlyMap<string, Field> | null>;

/** The members and member aliases one loop uses as arrays, by the node they are named at. */
export interface MemberTable {
  /** The member `a.f` (a field expression, or an identifier bound to one) as a declaration of its own, or null. */
  memberAt(n: Node): Decl | null;
}

const NONE: MemberTable = { memberAt: () => null };

// One table per FileIndex (one per analyzeLoops call); dropped with it.
const tables = new WeakMap<FileIndex, StructTable>();

/** The members the loop uses as arrays of their own (see the file comment for the rules). */
export function memberContainers(ctx: AnalysisContext, loop: Node): MemberTable {
  // Most loops name no `a.f` at all (a '.' in the text is usually a floating literal): skip the file-wide struct table.
  if (!loop.descendantsOfType('field_expression').some((fe) => fe.childForFieldName('argument')?.type === 'identifier' && !fe.children.some((c) => c?.type === '->'))) return NONE;
  for (let p = loop.parent; p; p = p.parent) if (p.type === 'template_declaration') return NONE;
  const structs = structTable(ctx.file, loop.tree.rootNode);
  if (structs.size === 0) return NONE;
  const { resolver } = ctx;
  const ix = soundIndex(ctx.file, resolver, loop);
  const plain = (type: string) => {
    const t = resolveType(type, ix).replace(/^(?:const |volatile |struct |class )+/, '').trim();
    return isArithmeticType(t) || ix.plainStructs.has(t);
  };
  const fieldsOf = (d: Decl) => objectFields(structs, d);
  const good = new Map<string, boolean>();
  const members = new Map<number, Decl>();
  const mark = (d: Decl, ok: boolean) => good.set(d.key, (good.get(d.key) ?? true) && ok);
  /** The member a field expression `a.f` names, with its use checked; null when it is no usable member. */
  const member = (fe: Node): { object: Decl; decl: Decl } | null => {
    if (fe.type !== 'field_expression' || fe.children.some((c) => c?.type === '->')) return null;
    const arg = fe.childForFieldName('argument');
    if (!arg || arg.type !== 'identifier') return null;
    const object = resolver.resolve(arg.text, arg);
    const fields = object ? fieldsOf(object) : null;
    if (!object || !fields) return null;
    const name = fe.childForFieldName('field')?.text ?? '';
    const field = fields.get(name);
    if (!field || ix.isAddressTaken(object)) {
      mark(object, false);
      return null;
    }
    const decl = memberDecl(object, name, field);
    return { object, decl };
  };
  /** Whether `use` (an `a.f`, or a name bound to one) is used as an array or scalar the analysis follows. */
  const usable = (use: Node, field: Field): boolean => {
    let top = use;
    let depth = 0;
    while (top.parent?.type === 'subscript_expression' && top.parent.childForFieldName('argument')?.id === top.id) {
      top = top.parent;
      depth++;
    }
    const container = field.arrayLevels === 0 ? containerElement(field.typeText, Math.max(depth, 1)) : null;
    if (depth === 0) {
      if (container !== null) return isSizeCall(use);
      // An arithmetic member read or written as a value, never through its address.
      return field.arrayLevels === 0 && plain(field.typeText) && isArithmeticType(resolveType(field.typeText, ix).replace(/^const /, '')) && !addressed(use);
    }
    const element = field.arrayLevels > 0 ? (depth === field.arrayLevels ? field.typeText : null) : containerElement(field.typeText, depth);
    return element !== null && plain(element);
  };
  walk(loop, (n) => {
    if (n.type !== 'identifier') return undefined;
    const d = resolver.resolve(n.text, n);
    if (!d || d.nameNode.id === n.id) return undefined;
    const p = n.parent;
    if (fieldsOf(d)) {
      const m = p && p.childForFieldName('argument')?.id === n.id ? member(p) : null;
      if (!m) mark(d, false);
      else if (usable(p as Node, fieldOf(structs, d, m.decl))) members.set((p as Node).id, m.decl);
      else mark(d, false);
      return undefined;
    }
    // `const auto &rp = a.rowptr;` before the loop: rp is a.rowptr.
    if (d.isReference && d.kind === 'local' && d.isConst && d.init && !contains(loop, d.nameNode)) {
      const m = member(unparen(d.init));
      if (!m) return undefined;
      if (usable(n, fieldOf(structs, m.object, m.decl))) members.set(n.id, m.decl);
      else mark(m.object, false);
    }
    return undefined;
  });
  return {
    memberAt: (n: Node): Decl | null => {
      const m = members.get(n.id);
      return m && good.get(objectKey(m.key)) !== false ? m : null;
    },
  };
}

/** The key of the object a member key belongs to (`a@12.val` → `a@12`), or the key itself. */
export function objectKey(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

/** Why two memory bases are different members of one object (they never overlap), or null. */
export function distinctMembers(a: Decl, b: Decl): string | null {
  if (a.key === b.key || !a.key.includes('.') || !b.key.includes('.') || objectKey(a.key) !== objectKey(b.key)) return null;
  return `\`${a.name}\` and \`${b.name}\` are different members of one object: each member is an object of its own (a vector member owns its buffer)`;
}

/** A write to a member of the object `key` (a global a called helper reads), for the loop's global checks. */
export function memberWrite(byBase: ReadonlyMap<string, readonly MemRef[]>, key: string): { nodes: Node[] } | undefined {
  for (const [base, refs] of byBase) {
    if (objectKey(base) !== key || base === key) continue;
    const w = refs.find((r) => r.write);
    if (w) return { nodes: [w.node] };
  }
  return undefined;
}

/** The declaration the analysis uses for the member `name` of `object`: its own name, key and type, the object's kind and provenance. */
function memberDecl(object: Decl, name: string, field: Field): Decl {
  return {
    ...object,
    name: `${object.name}.${name}`,
    key: `${object.key}.${name}`,
    typeText: field.typeText,
    isArray: field.arrayLevels > 0,
    isPointer: false,
    isRestrict: false,
    init: null,
  };
}

/** The fields of the struct `d` is an object of, when `d` may be followed (an object, or a reference parameter, not volatile). */
function objectFields(structs: StructTable, d: Decl): ReadonlyMap<string, Field> | null {
  if (d.isPointer || d.isArray || d.isVolatile || (d.isReference && d.kind !== 'param')) return null;
  const type = d.typeText.replace(/\b(?:const|struct|class)\b/g, ' ').trim();
  return /^[A-Za-z_]\w*$/.test(type) ? (structs.get(type) ?? null) : null;
}

function fieldOf(structs: StructTable, object: Decl, member: Decl): Field {
  return (objectFields(structs, object) as ReadonlyMap<string, Field>).get(member.name.slice(member.name.indexOf('.') + 1)) as Field;
}

/**
 * `a.v.size()` (the call's object `a.v`) of a container member as a symbol for bounds, owned by
 * the object `a`: the loop must not assign `a` (a method call or a whole write of `a.v` is refused
 * by the loop's own checks). Null when `a.v` is not such a member.
 */
export function memberSizeValue(resolver: Resolver, obj: Node): NameValue | null {
  if (obj.type !== 'field_expression' || obj.children.some((c) => c?.type === '->')) return null;
  const arg = obj.childForFieldName('argument');
  if (!arg || arg.type !== 'identifier') return null;
  for (let p = obj.parent; p; p = p.parent) if (p.type === 'template_declaration') return null;
  const object = resolver.resolve(arg.text, arg);
  const field = object ? objectFields(structTable(resolver.file, obj.tree.rootNode), object)?.get(obj.childForFieldName('field')?.text ?? '') : undefined;
  if (!object || !field || field.arrayLevels > 0 || containerElement(field.typeText, 1) === null) return null;
  if (soundIndex(resolver.file, resolver, obj).isAddressTaken(object)) return null;
  return { symbol: `${object.key}#size.${obj.childForFieldName('field')?.text}` };
}

/** `x.size()`, `x.length()` or `x.empty()` of `use`. */
function isSizeCall(use: Node): boolean {
  const fe = use.parent;
  if (fe?.type !== 'field_expression' || fe.childForFieldName('argument')?.id !== use.id || fe.children.some((c) => c?.type === '->')) return false;
  if (!/^(?:size|length|empty)$/.test(fe.childForFieldName('field')?.text ?? '')) return false;
  const call = fe.parent;
  return call?.type === 'call_expression' && call.childForFieldName('function')?.id === fe.id && (call.childForFieldName('arguments')?.namedChildCount ?? 1) === 0;
}

/** `&a.n`, or `a.n` bound to a reference: its address leaves the expression. */
function addressed(use: Node): boolean {
  let n = use;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (p?.type === 'pointer_expression' && p.text.trimStart().startsWith('&')) return true;
  return p?.type === 'init_declarator' && p.childForFieldName('declarator')?.type === 'reference_declarator';
}

/** Struct and class definitions of the file (see StructTable); a name defined twice, aliased, or a union is null. */
function structTable(file: FileIndex, root: Node): StructTable {
  const known = tables.get(file);
  if (known) return known;
  const table = new Map<string, Map<string, Field> | null>();
  const spoil = (name: string) => table.set(name, null);
  for (const n of root.descendantsOfType(['struct_specifier', 'class_specifier', 'union_specifier', 'type_definition', 'alias_declaration'])) {
    if (!n) continue;
    if (n.type === 'type_definition' || n.type === 'alias_declaration') {
      // A typedef or alias may give a struct's name to another type: refuse the name.
      for (const d of n.type === 'alias_declaration' ? [n.childForFieldName('name')] : n.childrenForFieldName('declarator')) if (d) spoil(d.text.replace(/[*&\s]/g, ''));
      continue;
    }
    const name = n.childForFieldName('name')?.text;
    const body = n.childForFieldName('body');
    if (!name || !body) continue;
    if (table.has(name) || n.type === 'union_specifier' || n.namedChildren.some((c) => c?.type === 'base_class_clause')) {
      spoil(name);
      continue;
    }
    table.set(name, fieldsIn(body));
  }
  tables.set(file, table);
  return table;
}

/** The usable data members of a struct body: non-static, not bit-fields, declared `T name`, `T name[..]…` (no pointer, no reference). */
function fieldsIn(body: Node): Map<string, Field> {
  const fields = new Map<string, Field>();
  for (const f of body.namedChildren) {
    if (f?.type !== 'field_declaration') continue;
    if (f.namedChildren.some((c) => c !== null && (c.type === 'storage_class_specifier' || c.type === 'bitfield_clause'))) continue;
    const typeText = (f.childForFieldName('type')?.text ?? '').replace(/\s+/g, ' ').trim();
    for (const top of f.childrenForFieldName('declarator')) {
      let d: Node | null = top;
      let levels = 0;
      while (d && d.type === 'array_declarator') {
        levels++;
        d = d.childForFieldName('declarator');
      }
      if (d?.type === 'field_identifier' && typeText) fields.set(d.text, { typeText, arrayLevels: levels });
    }
  }
  return fields;
}

/** The declaration of a member base key (`a@12.val`) as memberContainers made it, for passes that resolve bases by name; null for other keys. */
export function memberDeclOf(resolver: Resolver, key: string, at: Node): Decl | null {
  const owner = objectKey(key);
  const at_ = owner.lastIndexOf('@');
  if (owner === key || at_ < 0) return null;
  const name = owner.slice(0, at_);
  const offset = Number(owner.slice(at_ + 1));
  const id = at.tree.rootNode.descendantForIndex(offset, offset + name.length);
  const object = id ? resolver.resolve(name, id) : null;
  const fieldName = key.slice(owner.length + 1);
  const field = object && object.key === owner ? objectFields(structTable(resolver.file, at.tree.rootNode), object)?.get(fieldName) : undefined;
  return object && field ? memberDecl(object, fieldName, field) : null;
}

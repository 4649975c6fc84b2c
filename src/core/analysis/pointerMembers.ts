import type { Node } from 'web-tree-sitter';
import { holdsOwnAllocation } from './distinctArguments';
import type { AnalysisContext } from './levelAnalysis';
import { declaratorLevels } from './memoryRefs';
import type { Decl, FileIndex } from './scope';
import { type SoundIndex, soundIndex, enclosingFunction } from './soundIndex';
import { contains, unparen, walk } from './syntax';

/**
 * Pointer members of a struct as pointer bases of their own: in `A->val[k]` or `a.val[k]`, with
 * `A` a one-level pointer to (or `a` an object of) a struct defined once in this file, and `val`
 * declared there as a one-level pointer (`double *val`), the elements read are not part of the
 * struct: they lie wherever `val` points. The analysis reads them as the pointer `A->val` (key
 * `<A's key>->val`), a base like a pointer parameter, when the member cannot change in the loop:
 *  - `A` / `a` is a parameter or a non-static local whose address is never taken, and the loop
 *    uses it only through member accesses (`A->f`, `a.f`): never whole (`*A = s`, `f(A)`, `A = B`);
 *  - the loop writes no member named `val` of anything, takes no address of one, and writes no
 *    pointer variable that is global, static or address-taken;
 *  - neither the struct nor the member is volatile, the struct is no union and has no base class
 *    or function members, and no macro carries the object's or the member's name.
 * Writes through the struct itself (`A->n = ...`) still meet the member's read, because the access
 * collector also records the member's own read as a read of `A` (element 0) or `a`: the aliasing
 * check compares that with every pointer the loop writes through. Only reads use these bases;
 * writes through a pointer member stay unknown (two members, or a member and a parameter, may
 * name one buffer). Where the member may point, see `memberReach`.
 */

/** Where a pointer member may point: from the caller (`param-member`), or unknown. */
export type MemberOrigin = 'param-member' | 'unknown';

/** A usable pointer member read, by the field expression that names it. */
export interface PointerMemberTable {
  /** The member `A->val` as a pointer declaration of its own, or null when it is not one (see the file comment). */
  memberAt(fe: Node): Decl | null;
  /** Whether `fe` names a member declared as a plain array (`double v[4]`): its elements are part of the object. */
  isArrayMember(fe: Node): boolean;
}

/** A field of a struct: its pointer and array levels. */
interface Field {
  readonly typeText: string;
  readonly pointers: number;
  readonly arrays: number;
  readonly qualified: boolean;
}

type Structs = ReadonlyMap<string, ReadonlyMap<string, Field> | null>;

// One table per FileIndex (one per analyzeLoops call); dropped with it.
const tables = new WeakMap<FileIndex, Structs>();

/** The pointer members `loop` reads as bases of their own (see the file comment). */
export function pointerMembers(ctx: AnalysisContext, loop: Node): PointerMemberTable {
  const known = new Map<number, { decl: Decl | null; array: boolean }>();
  const look = (fe: Node) => {
    let v = known.get(fe.id);
    if (!v) {
      v = resolveMember(ctx, loop, fe);
      known.set(fe.id, v);
    }
    return v;
  };
  return { memberAt: (fe) => look(fe).decl, isArrayMember: (fe) => look(fe).array };
}

/** Whether a base key names a pointer member made here (`A@40->val`). */
export function isPointerMemberKey(key: string): boolean {
  return key.includes('->');
}

/** The declaration of a pointer member base key as `pointerMembers` made it (`at`: one of its references), or null for other keys. */
export function pointerMemberDeclOf(ctx: AnalysisContext, key: string, at: Node): Decl | null {
  if (!isPointerMemberKey(key) || at.type !== 'subscript_expression') return null;
  let b = at;
  while (b.type === 'subscript_expression') b = unparen(b.childForFieldName('argument') as Node);
  const d = memberDeclAt(ctx, b).decl;
  return d && d.key === key ? d : null;
}

/**
 * Where the member `m` may point: `param-member` when its struct is a parameter that the function
 * never assigns and no member of that name is written or has its address taken anywhere in the
 * function (so the value is the caller's), else unknown.
 */
export function memberOrigin(ctx: AnalysisContext, m: Decl): MemberOrigin {
  const object = ctx.resolver.resolve(m.nameNode.text, m.nameNode);
  if (!object || object.kind !== 'param' || ctx.facts.writtenInFunction(object)) return 'unknown';
  const field = m.key.slice(m.key.indexOf('->') + 2);
  const fn = enclosingFunction(m.declNode);
  return fn && !writesField(fn, field) ? 'param-member' : 'unknown';
}

/**
 * Why the local `d` cannot be reached through a pointer member the caller set, or null when it may:
 * a non-static local array, or a pointer holding its own allocation, whose name is only ever
 * subscripted (or freed, or assigned its allocation): its address never leaves the function's own
 * accesses, so no member can hold it.
 */
export function confinedLocal(ctx: AnalysisContext, d: Decl, ix: SoundIndex): boolean {
  // holdsOwnAllocation: a local array, or a pointer only ever set to fresh allocations.
  if (d.kind !== 'local' || d.isStatic || d.isReference || (!d.isArray && !d.isPointer) || ix.isAddressTaken(d) || !holdsOwnAllocation(d, ctx, ix)) return false;
  const fn = enclosingFunction(d.declNode);
  if (!fn) return false;
  for (const use of ctx.facts.occurrences(d, fn)) {
    if (use.id === d.nameNode.id) continue;
    const p = use.parent;
    if (!p) return false;
    if (p.type === 'subscript_expression' && p.childForFieldName('argument')?.id === use.id) {
      let up = p.parent;
      while (up?.type === 'parenthesized_expression') up = up.parent;
      if (up?.type === 'pointer_expression' && up.text.trimStart().startsWith('&')) return false;
      continue;
    }
    if (d.isPointer && p.type === 'assignment_expression' && p.childForFieldName('left')?.id === use.id && p.childForFieldName('operator')?.type === '=') continue;
    const call = p.type === 'argument_list' ? p.parent : null;
    if (d.isPointer && call?.type === 'call_expression' && call.childForFieldName('function')?.text === 'free') continue;
    return false;
  }
  return true;
}

function resolveMember(ctx: AnalysisContext, loop: Node, fe: Node): { decl: Decl | null; array: boolean } {
  const found = memberDeclAt(ctx, fe);
  if (!found.decl) return found;
  const object = ctx.resolver.resolve(found.decl.nameNode.text, found.decl.nameNode) as Decl;
  const ix = soundIndex(ctx.file, ctx.resolver, loop);
  const field = found.decl.key.slice(found.decl.key.indexOf('->') + 2);
  // A macro may rename the member (`#define val out`): then `s.out = ...` moves `s.val` unseen.
  const renamed = (name: string) => ix.macros.has(name) || ix.mentionedByDirective(name);
  return ix.isAddressTaken(object) || renamed(object.name) || renamed(field) || !invariantIn(ctx, loop, object, field, ix) ? { decl: null, array: false } : found;
}

/** The member `fe` names as a pointer declaration of its own (its struct and field checked, not the loop), or whether it is an array member. */
function memberDeclAt(ctx: AnalysisContext, fe: Node): { decl: Decl | null; array: boolean } {
  const none = { decl: null, array: false };
  if (fe.type !== 'field_expression') return none;
  const arg = unparen(fe.childForFieldName('argument') as Node);
  const name = fe.childForFieldName('field')?.text ?? '';
  const arrow = fe.children.some((c) => c?.type === '->');
  if (arg.type !== 'identifier') return none;
  for (let p = fe.parent; p; p = p.parent) if (p.type === 'template_declaration') return none;
  const object = ctx.resolver.resolve(arg.text, arg);
  if (!object || object.isVolatile || object.kind === 'global' || object.isStatic) return none;
  const levels = declaratorLevels(object, (n) => ctx.resolver.parentOf(n));
  const shapeOk = arrow ? object.isPointer && !object.isReference && levels.length === 1 && levels[0] === 'pointer' : !object.isPointer && !object.isArray && levels.length === 0 && (!object.isReference || object.kind === 'param');
  if (!shapeOk) return none;
  const type = object.typeText.replace(/\b(?:const|struct|class)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (!/^[A-Za-z_]\w*$/.test(type)) return none;
  const tagged = /\b(?:struct|class)\b/.test(object.typeText);
  const fields = structTable(ctx.file, fe.tree.rootNode).get(tagged ? `struct ${type}` : type);
  const field = fields?.get(name);
  if (!field) return none;
  if (field.arrays > 0 && field.pointers === 0) return { decl: null, array: true };
  if (field.pointers !== 1 || field.arrays !== 0 || field.qualified || /\b(?:volatile|_Atomic)\b/.test(object.typeText)) return none;
  return {
    decl: {
      ...object,
      name: `${object.name}${arrow ? '->' : '.'}${name}`,
      key: `${object.key}->${name}`,
      typeText: field.typeText,
      isArray: false,
      isPointer: true,
      isReference: false,
      isRestrict: false,
      isConst: false,
      init: null,
    },
    array: false,
  };
}

/** True when the loop cannot change `object`'s member `field` (see the file comment). */
function invariantIn(ctx: AnalysisContext, loop: Node, object: Decl, field: string, ix: SoundIndex): boolean {
  // The object only through its members: `A->f` / `a.f`.
  for (const use of ctx.facts.occurrences(object, loop)) {
    let p = use.parent;
    let at: Node = use;
    while (p?.type === 'parenthesized_expression') {
      at = p;
      p = p.parent;
    }
    if (p?.type !== 'field_expression' || p.childForFieldName('argument')?.id !== at.id) return false;
  }
  if (writesField(loop, field)) return false;
  let ok = true;
  walk(loop, (n) => {
    if (!ok) return false;
    if (n.type === 'assignment_expression' || n.type === 'update_expression') {
      const t = unparen((n.childForFieldName('left') ?? n.childForFieldName('argument')) as Node);
      const d = t.type === 'identifier' ? ctx.resolver.resolve(t.text, t) : null;
      // A pointer variable the loop cannot see all names of.
      if (t.type === 'identifier' && (!d || ((d.isPointer || d.isReference) && (d.kind === 'global' || d.isStatic || ix.isAddressTaken(d) || d.isReference)))) ok = false;
    } else if (n.type === 'init_declarator' && n.childForFieldName('declarator')?.type === 'reference_declarator') ok = false;
    return undefined;
  });
  return ok && !contains(loop, object.nameNode);
}

/** True when `root` assigns, updates or takes the address of a member named `field` (of anything). */
function writesField(root: Node, field: string): boolean {
  let found = false;
  const isField = (x: Node) => {
    const u = unparen(x);
    return u.type === 'field_expression' && u.childForFieldName('field')?.text === field;
  };
  walk(root, (n) => {
    if (found) return false;
    if (n.type === 'assignment_expression' || n.type === 'update_expression') {
      const t = n.childForFieldName('left') ?? n.childForFieldName('argument');
      if (t && isField(t)) found = true;
    } else if (n.type === 'pointer_expression' && n.text.trimStart().startsWith('&') && isField(n.childForFieldName('argument') as Node)) found = true;
    else if (n.type === 'init_declarator' && n.childForFieldName('declarator')?.type === 'reference_declarator' && n.childForFieldName('value') && isField(n.childForFieldName('value') as Node)) found = true;
    return undefined;
  });
  return found;
}

/** Struct definitions by `struct T` and typedef (C++: class) name; a name defined twice, a union, a base class or function members is null. */
function structTable(file: FileIndex, root: Node): Structs {
  const known = tables.get(file);
  if (known) return known;
  const table = new Map<string, Map<string, Field> | null>();
  const cxx = !!root.tree.language.idForNodeType('lambda_expression', true);
  const set = (name: string, fields: Map<string, Field> | null) => table.set(name, table.has(name) && table.get(name) !== fields ? null : fields);
  const fieldsOf = (spec: Node): Map<string, Field> | null => {
    const body = spec.childForFieldName('body');
    if (!body || spec.type === 'union_specifier' || spec.namedChildren.some((c) => c?.type === 'base_class_clause')) return null;
    const fields = new Map<string, Field>();
    for (const f of body.namedChildren) {
      if (!f || f.type === 'comment' || f.type === 'access_specifier') continue;
      if (f.type !== 'field_declaration' || f.childrenForFieldName('declarator').some((d) => d?.type === 'function_declarator')) return null;
      if (f.namedChildren.some((c) => c !== null && (c.type === 'storage_class_specifier' || c.type === 'bitfield_clause'))) continue;
      const typeText = (f.childForFieldName('type')?.text ?? '').replace(/\s+/g, ' ').trim();
      const qualified = f.namedChildren.some((c) => c?.type === 'type_qualifier' && /volatile|_Atomic/.test(c.text));
      for (const top of f.childrenForFieldName('declarator')) {
        let d: Node | null = top;
        let pointers = 0;
        let arrays = 0;
        let q = qualified;
        while (d && (d.type === 'pointer_declarator' || d.type === 'array_declarator')) {
          if (d.type === 'pointer_declarator') {
            pointers++;
            if (d.namedChildren.some((c) => c?.type === 'type_qualifier' && /volatile|_Atomic/.test(c.text))) q = true;
          } else arrays++;
          d = d.childForFieldName('declarator');
        }
        // `T *a[4]` (array of pointers) and `T (*a)[4]` both count as mixed: neither is followed.
        if (d?.type === 'field_identifier') fields.set(d.text, { typeText, pointers, arrays: pointers > 0 && arrays > 0 ? arrays + 1 : arrays, qualified: q });
      }
    }
    return fields;
  };
  const specs = root.descendantsOfType(['struct_specifier', 'class_specifier', 'union_specifier']).filter((n): n is Node => n !== null && n.childForFieldName('body') !== null);
  for (const spec of specs) {
    const name = spec.childForFieldName('name')?.text;
    const fields = fieldsOf(spec);
    if (name) {
      set(`struct ${name}`, fields);
      if (cxx) set(name, fields);
    }
  }
  for (const n of root.descendantsOfType(['type_definition', 'alias_declaration'])) {
    if (!n) continue;
    if (n.type === 'alias_declaration') {
      const name = n.childForFieldName('name')?.text;
      if (name) table.set(name, null);
      continue;
    }
    const spec = n.childForFieldName('type');
    const plainType = !n.namedChildren.some((c) => c?.type === 'type_qualifier');
    for (const d of n.childrenForFieldName('declarator')) {
      if (!d) continue;
      const name = d.type === 'type_identifier' ? d.text : d.text.replace(/[*&\s()[\]\d]/g, '');
      if (d.type !== 'type_identifier' || !plainType || !spec || (spec.type !== 'struct_specifier' && spec.type !== 'class_specifier')) {
        table.set(name, null);
        continue;
      }
      const tag = spec.childForFieldName('name')?.text;
      if (spec.childForFieldName('body')) set(name, tag ? (table.get(`struct ${tag}`) ?? null) : fieldsOf(spec));
      else set(name, tag ? (table.get(`struct ${tag}`) ?? null) : null);
    }
  }
  tables.set(file, table);
  return table;
}

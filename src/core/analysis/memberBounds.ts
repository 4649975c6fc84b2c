import type { Node } from 'web-tree-sitter';
import type { NameValue } from './affine';
import type { AnalysisContext } from './levelAnalysis';
import { declaratorLevels } from './memoryRefs';
import { resolveType } from './reductionTypes';
import type { Decl, FileIndex } from './scope';
import { type SoundIndex, soundIndex } from './soundIndex';
import { contains, isIntegerType, unparen, walk } from './syntax';

/**
 * Loop bounds that are integer members of a struct (`i < a.n`, `i < p->n`, `i < s.rows * s.cols`):
 * OpenMP evaluates the bound once, the serial loop before every iteration, so the member must not
 * change in the loop. A member read `a.f` / `p->f` becomes the symbol `<key of a or p>#.f` /
 * `#->f`, whose owner is the object or pointer: the loop's own checks refuse it when that name is
 * declared or assigned in the loop. Here, the member itself: `a` names a struct object (or `p` a
 * one-level pointer to one) whose type is defined once in this file, with no base class, no
 * function members and no union around the member, and `f` is a non-volatile member of integer
 * type (no bit-field, array, pointer or reference). The loop must not write the member (any
 * `x.f` / `x->f` unless x is another plain object), the whole object (`a = b`, `*p = s`, `p[k]`),
 * take its address or the member's, nor write through a reference (which may be bound to it).
 * For `p->f`, writes to globals and address-taken variables also refuse (p may point at them).
 * Writes through other pointers, and calls, are left to the loop's own checks: the bound's read
 * is a memory reference of `a` / `p` like any other, so the aliasing check compares it with every
 * pointer the loop writes through, and a call the loop keeps writes nothing its caller can see.
 */

/** Struct bodies by name (null when the name may not be followed: defined twice, a union, a base class, methods), and typedef names that add `volatile` or `_Atomic`. */
interface StructBodies {
  readonly bodies: ReadonlyMap<string, Node | null>;
  readonly qualified: ReadonlySet<string>;
}

// One table per FileIndex (one per analyzeLoops call); dropped with it.
const tables = new WeakMap<FileIndex, StructBodies>();

/** How member reads in `loop` read as integers: a symbol when the member is an invariant integer, else unknown (see the file comment). */
export function memberBoundValue(ctx: AnalysisContext, loop: Node): (fe: Node) => NameValue {
  const known = new Map<number, NameValue>();
  return (fe: Node): NameValue => {
    let v = known.get(fe.id);
    if (v === undefined) {
      v = memberBoundProblem(ctx, loop, fe) === null ? { symbol: memberSymbol(ctx, fe) as string } : 'unknown';
      known.set(fe.id, v);
    }
    return v;
  };
}

/** Why the member read `fe` is not a loop-invariant integer in `loop`, or null when it is one. */
export function memberBoundProblem(ctx: AnalysisContext, loop: Node, fe: Node): string | null {
  const m = memberOf(ctx, fe);
  if (typeof m === 'string') return m;
  if (!contains(loop, fe)) return `\`${fe.text}\` is read outside the loop, where ParaForge does not check what changes it`;
  const written = memberWrite(ctx, loop, m);
  return written ? `\`${fe.text}\` may change inside the loop (\`${written.text}\`, line ${written.startPosition.row + 1}), while OpenMP evaluates the bound once` : null;
}

/** The declared type of the integer member `fe` reads (`a.n`, `p->n`), or null when it is not one memberBounds follows. */
export function memberBoundType(ctx: AnalysisContext, fe: Node): string | null {
  const m = memberOf(ctx, fe);
  return typeof m === 'string' ? null : m.type;
}

/** The member a bound reads. */
interface Member {
  readonly node: Node;
  readonly object: Decl;
  readonly field: string;
  readonly type: string;
  /** `p->f` (or `a.f` of a reference parameter): the object lies in memory the loop may reach through other names. */
  readonly elsewhere: boolean;
}

/** The symbol of a member read (`p@40#->n`), or null when `fe` is not `name.f` / `name->f`. */
function memberSymbol(ctx: AnalysisContext, fe: Node): string | null {
  const m = memberOf(ctx, fe);
  return typeof m === 'string' ? null : `${m.object.key}#${m.elsewhere && m.object.isPointer ? '->' : '.'}${m.field}`;
}

/** The member `fe` reads, or why it is not a plain integer member of a struct defined here. */
function memberOf(ctx: AnalysisContext, fe: Node): Member | string {
  const what = `\`${fe.text}\``;
  if (fe.type !== 'field_expression') return `${what} is not a member read`;
  const arg = unparen(fe.childForFieldName('argument') as Node);
  const field = fe.childForFieldName('field')?.text ?? '';
  const arrow = fe.children.some((c) => c?.type === '->');
  if (arg.type !== 'identifier') return `${what} reads a member of an expression, not of a named object or pointer`;
  for (let p = fe.parent; p; p = p.parent) if (p.type === 'template_declaration') return `${what} is inside a template: the object's type may be any type`;
  const object = ctx.resolver.resolve(arg.text, arg);
  if (!object) return `ParaForge cannot find the declaration of \`${arg.text}\``;
  if (object.isVolatile) return `\`${arg.text}\` is volatile`;
  const levels = declaratorLevels(object, (n) => ctx.resolver.parentOf(n));
  if (arrow ? !(object.isPointer && !object.isReference && levels.length === 1 && levels[0] === 'pointer') : object.isPointer || object.isArray || levels.length > 0 || (object.isReference && object.kind !== 'param')) {
    return `\`${arg.text}\` is not ${arrow ? 'a plain pointer to a struct' : 'a plain struct object'}`;
  }
  const ix = soundIndex(ctx.file, ctx.resolver, fe);
  if (qualifiedTypedef(ctx, ix, object.typeText.replace(/\b(?:struct|class)\b/g, ' '), fe)) return `\`${arg.text}\` is volatile (its type \`${object.typeText}\` is declared so)`;
  const body = structBody(ctx, object.typeText, fe);
  if (!body) return `the type of \`${arg.text}\` (\`${object.typeText}\`) is not a struct defined once in this file with plain data members only`;
  const type = fieldType(body, field);
  if (type === null || /\bvolatile\b/.test(type) || qualifiedTypedef(ctx, ix, type, fe) || !isIntegerType(resolveType(type, ix))) return `the member \`${field}\` is not a plain (non-volatile, non-bit-field) integer member`;
  return { node: fe, object, field, type, elsewhere: arrow || object.isReference };
}

/** The first node in `loop` that may change the member (or takes its address), or null. */
function memberWrite(ctx: AnalysisContext, loop: Node, m: Member): Node | null {
  const ix = soundIndex(ctx.file, ctx.resolver, loop);
  const isObject = (n: Node) => {
    const u = unparen(n);
    return u.type === 'identifier' && ctx.resolver.resolve(u.text, u)?.key === m.object.key;
  };
  /** True when the place `t` may be (part of) the member. */
  const mayBeMember = (target: Node): boolean => {
    const t = unparen(target);
    if (t.type === 'identifier') {
      if (isObject(t)) return true;
      const d = ctx.resolver.resolve(t.text, t);
      if (!d || d.isReference) return true;
      // p may point at a global or at a variable whose address was taken.
      return m.elsewhere && !d.isPointer && (d.kind === 'global' || d.isStatic || ix.isAddressTaken(d));
    }
    if (t.type === 'field_expression') {
      const arg = unparen(t.childForFieldName('argument') as Node);
      if (t.childForFieldName('field')?.text === m.field) {
        // Another plain object's member of that name is another object.
        const d = arg.type === 'identifier' ? ctx.resolver.resolve(arg.text, arg) : null;
        const plainOther = (x: Decl | null) => x !== null && !x.isPointer && !x.isReference && !x.isArray;
        return !(plainOther(d) && plainOther(m.object) && d?.key !== m.object.key);
      }
      return false;
    }
    // `*p = s` or `p[k] = s` writes the whole struct p points at.
    if ((t.type === 'pointer_expression' || t.type === 'subscript_expression') && isObject(t.childForFieldName('argument') as Node)) return true;
    return false;
  };
  let found: Node | null = null;
  walk(loop, (n) => {
    if (found) return false;
    if (n.type === 'assignment_expression' || n.type === 'update_expression') {
      const t = n.childForFieldName('left') ?? n.childForFieldName('argument');
      if (t && mayBeMember(t)) found = n;
    } else if (n.type === 'pointer_expression' && n.text.trimStart().startsWith('&')) {
      // `&a`, `&a.f`, `&p->f`: the address may be written through.
      const arg = unparen(n.childForFieldName('argument') as Node);
      if (isObject(arg) || (arg.type === 'field_expression' && arg.childForFieldName('field')?.text === m.field)) found = n;
    } else if (n.type === 'init_declarator' && n.childForFieldName('declarator')?.type === 'reference_declarator') {
      const value = n.childForFieldName('value');
      const root = value ? rootName(value) : null;
      if (root && isObject(root)) found = n;
    }
    return undefined;
  });
  return found;
}

/** The variable at the root of `a.f`, `p->f`, `*p`, `p[k]`, or null. */
function rootName(n: Node): Node | null {
  let x = unparen(n);
  while (x.type === 'field_expression' || x.type === 'subscript_expression' || x.type === 'pointer_expression') x = unparen(x.childForFieldName('argument') as Node);
  return x.type === 'identifier' ? x : null;
}

/** True when `type` names, through typedefs, one declared `volatile` or `_Atomic` (`typedef volatile int vint;`). */
function qualifiedTypedef(ctx: AnalysisContext, ix: SoundIndex, type: string, at: Node): boolean {
  const { qualified } = structBodies(ctx.file, at.tree.rootNode);
  let t = type.replace(/\bconst\b/g, ' ').trim();
  for (let i = 0; i < 8; i++) {
    if (qualified.has(t)) return true;
    const def = ix.typedefs.get(t);
    if (!def) return false;
    t = def.type.replace(/\bconst\b/g, ' ').trim();
  }
  return true;
}

/** The struct body a declared type names (`struct S`, `S` by typedef, or a C++ class name), or null. */
function structBody(ctx: AnalysisContext, typeText: string, at: Node): Node | null {
  const t = typeText.replace(/\b(?:const|struct|class)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (!/^[A-Za-z_]\w*$/.test(t)) return null;
  const tagged = /\b(?:struct|class)\b/.test(typeText);
  return structBodies(ctx.file, at.tree.rootNode).bodies.get(tagged ? `struct ${t}` : t) ?? null;
}

/** The type text of a plain data member (`T name;` with no pointer, array, reference, bit-field, volatile or _Atomic), or null. */
function fieldType(body: Node, name: string): string | null {
  for (const f of body.namedChildren) {
    if (f?.type !== 'field_declaration') continue;
    for (const d of f.childrenForFieldName('declarator')) {
      if (d?.type !== 'field_identifier' || d.text !== name) continue;
      if (f.namedChildren.some((c) => c !== null && (c.type === 'storage_class_specifier' || c.type === 'bitfield_clause' || (c.type === 'type_qualifier' && /volatile|_Atomic/.test(c.text))))) return null;
      return (f.childForFieldName('type')?.text ?? '').replace(/\s+/g, ' ').trim() || null;
    }
  }
  return null;
}

/**
 * Struct bodies by `struct T` (the tag), by typedef name, and in C++ by class name. A name given
 * two meanings, a union, a class with a base or with function members is null.
 */
function structBodies(file: FileIndex, root: Node): StructBodies {
  const known = tables.get(file);
  if (known) return known;
  const table = new Map<string, Node | null>();
  const qualified = new Set<string>();
  const cxx = !!root.tree.language.idForNodeType('lambda_expression', true);
  const set = (name: string, body: Node | null) => table.set(name, table.has(name) && table.get(name)?.id !== body?.id ? null : body);
  const usable = (spec: Node, body: Node): Node | null => {
    if (spec.type === 'union_specifier' || spec.namedChildren.some((c) => c?.type === 'base_class_clause')) return null;
    const methods = body.namedChildren.some((f) => f !== null && (f.type === 'function_definition' || f.type === 'declaration' || f.type === 'template_declaration' || f.childrenForFieldName('declarator').some((d) => d?.type === 'function_declarator')));
    return methods ? null : body;
  };
  for (const n of root.descendantsOfType(['struct_specifier', 'class_specifier', 'union_specifier', 'type_definition', 'alias_declaration'])) {
    if (!n) continue;
    if (n.type === 'alias_declaration') {
      const name = n.childForFieldName('name')?.text;
      if (name) table.set(name, null);
      continue;
    }
    if (n.type === 'type_definition') {
      const spec = n.childForFieldName('type');
      const specBody = spec?.childForFieldName('body');
      const tag = spec?.childForFieldName('name')?.text;
      // `typedef volatile struct S VS;`: objects of VS are volatile, and their members with them.
      const volatileType = n.namedChildren.some((c) => c?.type === 'type_qualifier' && /volatile|_Atomic/.test(c.text));
      for (const d of n.childrenForFieldName('declarator')) {
        if (!d) continue;
        const plain = d.type === 'type_identifier' && !volatileType;
        if (volatileType && d.type === 'type_identifier') qualified.add(d.text);
        // A plain declarator is the name (`Vec3`); others lose their `*`, `&` and array extents.
        const name = d.type === 'type_identifier' ? d.text : d.text.replace(/[*&\s()[\]\d]/g, '');
        if (!plain || !spec || (spec.type !== 'struct_specifier' && spec.type !== 'class_specifier')) table.set(name, null);
        else if (specBody) set(name, usable(spec, specBody));
        // `typedef struct S T;`: T is the tag's body (looked up once every tag is known).
        else if (tag) set(name, table.get(`struct ${tag}`) ?? null);
      }
      continue;
    }
    const name = n.childForFieldName('name')?.text;
    const body = n.childForFieldName('body');
    if (!name || !body) continue;
    const b = usable(n, body);
    set(`struct ${name}`, b);
    if (cxx) set(name, b);
  }
  const result = { bodies: table, qualified };
  tables.set(file, result);
  return result;
}

import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import { isArithmeticType, resolveType } from './reductionTypes';
import { hasInitialiserCode, type SoundIndex } from './soundIndex';

/**
 * An object of class type made in the loop runs its constructor and destructor on every
 * iteration with no call written: `Scope guard(i);` whose constructor counts live objects in a
 * global races when iterations run in parallel; so do `Tick{i}` and `new Tick(i)` temporaries.
 * Objects (lambdas included: they may run in the loop) whose type is a class of this file with a
 * user constructor, destructor, base or member that may run user code, or a non-standard class
 * from elsewhere (a header, a template parameter), are refused: `class-object`. Plain structs,
 * built-in types, pointers, references, `auto` and std:: types are fine.
 */
export function classObjectChecks(ix: SoundIndex, loop: Node, findings: Findings): void {
  for (const p of classObjectSites(loop, ix)) findings.block('class-object', `${p.why}, which runs for every iteration without a call in the loop, and ParaForge does not analyse it`, p.node);
}

/** The objects made in `root` whose construction or destruction may run user code, with why. */
export function classObjectSites(root: Node, ix: SoundIndex): { node: Node; why: string }[] {
  if (!ix.cxx) return [];
  const out: { node: Node; why: string }[] = [];
  // A range-for's element declared as a class (`for (Meter m : ids)`) is built from every element.
  for (const n of root.descendantsOfType(['declaration', 'compound_literal_expression', 'new_expression', 'for_range_loop'])) {
    if (!n) continue;
    if (n.type === 'for_range_loop') {
      const typeNode = n.childForFieldName('type');
      const d = n.childForFieldName('declarator');
      const why = typeNode && d && constructsObject(d) ? userCode(resolveType(typeNode.text, ix), root, ix, new Set()) : null;
      if (why) out.push({ node: n, why: `\`${typeNode?.text} ${d?.text}\` builds an object of type \`${typeNode?.text}\` from every element: ${why}` });
      continue;
    }
    if (n.type === 'declaration' && n.children.some((c) => c?.type === 'storage_class_specifier' && /^(?:static|extern)$/.test(c.text))) continue;
    const typeNode = n.childForFieldName('type');
    if (!typeNode) continue;
    // Only declarators of objects (not pointers or references) construct an object.
    if (n.type === 'declaration' && !n.childrenForFieldName('declarator').some((d) => d !== null && constructsObject(d))) continue;
    const why = userCode(resolveType(typeNode.text, ix), root, ix, new Set());
    if (why) out.push({ node: n, why: `\`${n.text.split(/[;{]/)[0].trim()}\` makes an object of type \`${typeNode.text}\`: ${why}` });
  }
  return out;
}

/**
 * Why calling `def` may run user code through its signature, or null: a class parameter taken by
 * value (or by `const &` / `&&`, bound to a temporary) is built by its converting or copy
 * constructor at a call, and a class result too.
 */
export function signatureClassProblem(def: Node, ix: SoundIndex): string | null {
  if (!ix.cxx) return null;
  const declarator = def.childForFieldName('declarator');
  const returnType = def.childForFieldName('type');
  if (declarator?.type === 'function_declarator' && returnType) {
    const why = userCode(resolveType(returnType.text, ix), def, ix, new Set());
    if (why) return `returns a \`${returnType.text}\` by value: ${why}`;
  }
  const fn = declarator?.type === 'function_declarator' ? declarator : declarator?.descendantsOfType('function_declarator')[0];
  for (const p of fn?.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'parameter_declaration' && p?.type !== 'optional_parameter_declaration') continue;
    const d = p.childForFieldName('declarator');
    // A `const T &` or `T &&` parameter binds a temporary built by a converting constructor (`f(0.5)`); a plain `T &` cannot.
    const bindsTemporary = d !== null && (/&&/.test(d.text) || (d.type === 'reference_declarator' && /\bconst\b/.test(p.text.slice(0, d.startIndex - p.startIndex))));
    if (d && !constructsObject(d) && !bindsTemporary) continue;
    const type = p.childForFieldName('type');
    const why = type ? userCode(resolveType(type.text.replace(/^(?:const|volatile)\s+/, ''), ix), def, ix, new Set()) : null;
    if (why) return `takes \`${p.text}\`${bindsTemporary ? ', which a converting constructor may build from the argument' : ' by value'}: ${why}`;
  }
  return null;
}

/**
 * True when a declarator declares an object (possibly an array of them), not a pointer or
 * reference. In a block, `Scope guard(i);` parses as a function declaration (`i` read as a type):
 * it is taken for the object it most likely is.
 */
function constructsObject(d: Node): boolean {
  let x: Node | null = d;
  while (x && x.type !== 'identifier' && x.type !== 'field_identifier') {
    if (/^(?:pointer|reference|abstract_pointer|abstract_reference)_declarator$/.test(x.type)) return false;
    x = x.childForFieldName('declarator') ?? (x.type === 'init_declarator' ? null : x.namedChildren.find((c) => c !== null && c.type.endsWith('declarator')) ?? null);
  }
  return true;
}

// One index per syntax tree, built on first need (most loops make no class objects).
const definitions = new WeakMap<object, { classes: Map<string, Node[]>; enums: Set<string> }>();

/** Every named struct/class definition with a body in the file by simple name, and the enum names. */
function typeDefinitions(at: Node): { classes: Map<string, Node[]>; enums: Set<string> } {
  const known = definitions.get(at.tree);
  if (known) return known;
  const classes = new Map<string, Node[]>();
  const enums = new Set<string>();
  for (const n of at.tree.rootNode.descendantsOfType(['struct_specifier', 'class_specifier', 'union_specifier', 'enum_specifier'])) {
    const name = n?.childForFieldName('name')?.text;
    if (!n || !name || !n.childForFieldName('body')) continue;
    if (n.type === 'enum_specifier') enums.add(name);
    else classes.set(name, [...(classes.get(name) ?? []), n]);
  }
  const made = { classes, enums };
  definitions.set(at.tree, made);
  return made;
}

/** Why constructing and destroying an object of `type` may run user code, or null when it cannot. */
function userCode(type: string, at: Node, ix: SoundIndex, seen: Set<string>): string | null {
  const t = type.replace(/\s+/g, ' ').trim().replace(/^(?:const |volatile |struct |class )+/, '').trim();
  // A standard container or wrapper of a class of this file makes objects of that class.
  if (/^(?:std|::std)::/.test(t)) return templateArgsCode(t, at, ix, seen);
  if (t === 'auto' || t === 'void' || isArithmeticType(t) || ix.plainStructs.has(t) || ix.typedefs.get(t)?.pointer) return null;
  if (/^(?:const )?(?:decltype|typeof)\b/.test(t)) return null;
  const { classes, enums } = typeDefinitions(at);
  if (enums.has(t.replace(/^enum /, ''))) return null;
  const defs = classes.get(t.replace(/\s*<.*$/, ''));
  if (!defs) return /^[A-Za-z_]\w*$/.test(t) && ix.typedefs.has(t) ? null : 'its constructor and destructor are not in this file';
  if (seen.has(t)) return null;
  seen.add(t);
  if (defs.length > 1) return `\`${t}\` is defined more than once in this file`;
  const name = t.replace(/\s*<.*$/, '');
  const def = defs[0];
  if (def.namedChildren.some((c) => c?.type === 'base_class_clause')) return `\`${t}\` has a base class`;
  const ctor = new RegExp(`(?:^|[^\\w:~])~?\\s*${name}\\s*\\(`);
  const body = def.childForFieldName('body') as Node;
  // A constructor or destructor declared in the body, or defined out of the class.
  if (ctor.test(body.text) || new RegExp(`\\b${name}\\s*(?:<[^;{}]*>\\s*)?::\\s*~?\\s*${name}\\s*\\(`).test(at.tree.rootNode.text)) return `\`${name}\` declares a constructor or destructor`;
  for (const f of body.namedChildren) {
    if (f?.type !== 'field_declaration') continue;
    if (f.children.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static')) continue;
    if (hasInitialiserCode(f)) return `\`${f.text.trim()}\` runs code to initialise each object`;
    const fieldType = f.childForFieldName('type')?.text ?? '';
    if (!f.childrenForFieldName('declarator').some((d) => d !== null && d.type !== 'function_declarator' && constructsObject(d))) continue;
    const inner = userCode(resolveType(fieldType, ix), at, ix, seen);
    if (inner) return `its member of type \`${fieldType}\` may run user code (${inner})`;
  }
  return null;
}

/** Why the classes of this file named in a std:: type's template arguments (`std::vector<Tracer>`) may run user code, or null. */
function templateArgsCode(type: string, at: Node, ix: SoundIndex, seen: Set<string>): string | null {
  const open = type.indexOf('<');
  if (open < 0) return null;
  const { classes } = typeDefinitions(at);
  for (const m of type.slice(open).matchAll(/[A-Za-z_]\w*/g)) {
    const name = resolveType(m[0], ix);
    if (!classes.has(name) && !classes.has(m[0])) continue;
    const why = userCode(classes.has(name) ? name : m[0], at, ix, seen);
    if (why) return `it holds objects of \`${m[0]}\`: ${why}`;
  }
  return null;
}

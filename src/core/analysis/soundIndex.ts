import type { Node } from 'web-tree-sitter';
import { type MacroInfo, macroTable } from './preprocessor';
import { declsOf, type Decl, type FileIndex, type Resolver } from './scope';
import { unparen } from './syntax';

/**
 * File-wide facts the soundness checks need (macros, every definition of each function name,
 * names declared more than once, typedefs, class types, addresses taken, per-thread state in use),
 * computed once per analysis: one walk of the tree.
 */
export interface SoundIndex {
  readonly cxx: boolean;
  readonly macros: ReadonlyMap<string, MacroInfo>;
  /** Every function definition by simple name (overloads, namespaces and methods all counted). */
  readonly functionDefs: ReadonlyMap<string, readonly Node[]>;
  /** How many file-, namespace- or block-level constants/variables/enumerators/macros carry each name. */
  readonly nameCounts: ReadonlyMap<string, number>;
  /** Enumerators declared inside function bodies, by name. */
  readonly localEnumerators: ReadonlySet<string>;
  /** typedef name → the type it names, and whether it is a pointer type. */
  readonly typedefs: ReadonlyMap<string, { readonly type: string; readonly pointer: boolean }>;
  /** struct/class names defined here whose fields are plain data and that declare no functions or operators. */
  readonly plainStructs: ReadonlySet<string>;
  /** Declaration keys of variables whose address is taken (`&x`) or bound to a reference (`T &r = x`). */
  readonly addressTaken: ReadonlySet<string>;
  /** True when the file reads or changes the floating-point environment (`<fenv.h>`). */
  readonly usesFenv: boolean;
  /** True when the file names `errno`. */
  readonly usesErrno: boolean;
  /** True when the file changes the locale. */
  readonly usesLocale: boolean;
  /** Names listed in `#pragma omp threadprivate(…)`. */
  readonly threadprivate: ReadonlySet<string>;
}

// One index per FileIndex (one per analyzeLoops call); dropped with it.
const indexes = new WeakMap<FileIndex, SoundIndex>();

/** The sound-analysis index of the file `loop` belongs to. */
export function soundIndex(file: FileIndex, resolver: Resolver, loop: Node): SoundIndex {
  const known = indexes.get(file);
  if (known) return known;
  const made = buildIndex(loop.tree.rootNode, resolver);
  indexes.set(file, made);
  return made;
}

function insideFunctionBody(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda_expression') return true;
  return false;
}

/** The simple name a function definition defines (`f` for `ns::C::f`). */
export function definedName(fn: Node): string | null {
  let d = fn.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  const name = d?.childForFieldName('declarator');
  if (!name) return null;
  const text = name.text.replace(/\s+/g, '');
  return text.slice(text.lastIndexOf(':') + 1);
}

function buildIndex(root: Node, resolver: Resolver): SoundIndex {
  const cxx = !!root.tree.language.idForNodeType('lambda_expression', true);
  const functionDefs = new Map<string, Node[]>();
  const nameCounts = new Map<string, number>();
  const localEnumerators = new Set<string>();
  const typedefs = new Map<string, { type: string; pointer: boolean }>();
  const plainStructs = new Set<string>();
  const addressTaken = new Set<string>();
  const count = (name: string) => nameCounts.set(name, (nameCounts.get(name) ?? 0) + 1);
  const macros = macroTable(root);
  for (const name of macros.keys()) count(name);
  const noteAddress = (ident: Node) => {
    const d: Decl | null = resolver.resolve(ident.text, ident);
    if (d) addressTaken.add(d.key);
  };
  // Native queries per node type (not a JavaScript walk of every node): files may have 10k lines.
  for (const n of root.descendantsOfType('function_definition')) {
    const name = n ? definedName(n) : null;
    if (n && name) functionDefs.set(name, [...(functionDefs.get(name) ?? []), n]);
  }
  const visitScopes = (parent: Node): void => {
    for (const n of parent.namedChildren) {
      if (!n) continue;
      if (n.type === 'declaration') for (const d of declsOf(n, 'global')) count(d.name);
      else if (/^(namespace_definition|linkage_specification|declaration_list|preproc_(if|ifdef|else|elif))$/.test(n.type)) visitScopes(n.childForFieldName('body') ?? n);
    }
  };
  visitScopes(root);
  for (const n of root.descendantsOfType('declaration')) {
    // `T &r = x`: r and x are the same object from here on.
    if (!n || !n.text.includes('&')) continue;
    for (const d of n.childrenForFieldName('declarator')) {
      if (d?.type !== 'init_declarator') continue;
      const target = d.childForFieldName('declarator');
      const value = d.childForFieldName('value');
      if (target?.type === 'reference_declarator' && value && unparen(value).type === 'identifier') noteAddress(unparen(value));
    }
  }
  for (const n of root.descendantsOfType('enumerator')) {
    const name = n?.childForFieldName('name')?.text;
    if (!n || !name) continue;
    count(name);
    if (insideFunctionBody(n)) localEnumerators.add(name);
  }
  for (const n of root.descendantsOfType('type_definition')) {
    if (!n) continue;
    const type = n.childForFieldName('type')?.text.replace(/\s+/g, ' ') ?? '';
    for (const d of n.childrenForFieldName('declarator')) {
      if (!d) continue;
      let x: Node | null = d;
      let pointer = false;
      while (x && x.type !== 'type_identifier' && x.type !== 'identifier') {
        if (x.type === 'pointer_declarator' || x.type === 'array_declarator' || x.type === 'function_declarator' || x.type === 'reference_declarator') pointer = true;
        x = x.childForFieldName('declarator');
      }
      if (x) typedefs.set(x.text, { type, pointer });
    }
  }
  for (const n of root.descendantsOfType(['struct_specifier', 'class_specifier'])) {
    const name = n?.childForFieldName('name')?.text;
    const body = n?.childForFieldName('body');
    if (n && name && body && isPlainBody(body, n)) plainStructs.add(name);
  }
  for (const n of root.descendantsOfType('pointer_expression')) {
    if (!n || !n.text.trimStart().startsWith('&')) continue;
    const arg = unparen(n.childForFieldName('argument') as Node);
    if (arg.type === 'identifier') noteAddress(arg);
  }
  // Per-thread state, from the text (comments included: refusing more is the safe side).
  const text = root.text;
  const usesFenv = /\bfe(?:clearexcept|testexcept|raiseexcept|setround|getround|setenv|getenv|holdexcept|updateenv|getexceptflag|setexceptflag|enableexcept|disableexcept)\s*\(|FENV_ACCESS|FENV_ROUND/.test(text);
  const usesErrno = /\berrno\b/.test(text);
  const usesLocale = /\b(?:setlocale|uselocale|newlocale)\s*\(|locale::global/.test(text);
  const threadprivate = new Set<string>();
  for (const m of text.matchAll(/#\s*pragma\s+omp\s+threadprivate\s*\(([^)]*)\)/g)) for (const v of m[1].split(',')) threadprivate.add(v.trim());
  return { cxx, macros, functionDefs, nameCounts, localEnumerators, typedefs, plainStructs, addressTaken, usesFenv, usesErrno, usesLocale, threadprivate };
}

const ARITH_FIELD = /^(?:(?:const|volatile|signed|unsigned|short|long|int|char|float|double|bool|_Bool)\s*)+$|^(?:std::)?(?:size_t|ptrdiff_t|u?int(?:8|16|32|64)_t)$/;

/** A struct/class body with only plain data fields (arithmetic or pointers), no functions, no bases. */
function isPlainBody(body: Node, spec: Node): boolean {
  if (spec.namedChildren.some((c) => c?.type === 'base_class_clause')) return false;
  for (const f of body.namedChildren) {
    if (!f || f.type === 'comment') continue;
    if (f.type !== 'field_declaration') return false;
    const declarators = f.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
    if (declarators.some((d) => d.type === 'function_declarator')) return false;
    const type = (f.childForFieldName('type')?.text ?? '').replace(/\s+/g, ' ').trim();
    const pointer = declarators.every((d) => d.type === 'pointer_declarator');
    if (!ARITH_FIELD.test(type) && !pointer) return false;
  }
  return true;
}

import type { Node } from 'web-tree-sitter';
import { functionSites } from './functionSites';
import type { MacroInfo } from './preprocessor';
import { declsOf, definedFunctionName, type Decl, type FileIndex, type Resolver } from './scope';
import { unparen } from './syntax';
import { overloadedOperators } from './userOperators';

/**
 * File-wide facts the soundness checks need (macros, every definition of each function name,
 * names declared more than once, typedefs, class types, addresses taken, per-thread state in use).
 * File-level facts come from the top level of the tree and the text; facts inside function bodies
 * (local enums, addresses taken) are queried per function on first use: the editor re-analyses
 * a window of a 10k-line file after every edit, and each whole-tree query costs milliseconds.
 */
export class SoundIndex {
  readonly cxx: boolean;
  readonly macros: ReadonlyMap<string, MacroInfo>;
  /** Every function definition by simple name (overloads, namespaces and methods all counted). */
  readonly functionDefs = new Map<string, Node[]>();
  /** How many file-, namespace-level variables, enumerators and macros carry each name. */
  private readonly topCounts = new Map<string, number>();
  /** typedef name → the type it names, and whether it is a pointer type. */
  readonly typedefs = new Map<string, { readonly type: string; readonly pointer: boolean }>();
  /** struct/class names defined here whose fields are plain data and that declare no functions or operators. */
  readonly plainStructs = new Set<string>();
  /** True when the file reads or changes the floating-point environment (`<fenv.h>`). */
  readonly usesFenv: boolean;
  /** True when the file names `errno`. */
  readonly usesErrno: boolean;
  /** True when the file changes the locale. */
  readonly usesLocale: boolean;
  /** The operators the file overloads (C++), and whether it declares a conversion operator. */
  readonly userOperators: ReturnType<typeof overloadedOperators>;
  /** True when the file declares an `operator new` (C++): then `new` may hand out memory that is not fresh. */
  readonly definesNew: boolean;
  /** Names listed in `#pragma omp threadprivate(…)`. */
  readonly threadprivate = new Set<string>();
  private readonly text: string;
  private readonly localEnums = new Map<number, Set<string>>();
  private readonly addressesIn = new Map<number, Set<string>>();
  private directives: string[] | undefined;

  constructor(
    private readonly root: Node,
    private readonly resolver: Resolver,
  ) {
    this.cxx = !!root.tree.language.idForNodeType('lambda_expression', true);
    this.text = root.text;
    this.macros = resolver.file.macros;
    for (const name of this.macros.keys()) this.count(name);
    this.visitScopes(root);
    // Per-thread state, from the text (comments included: refusing more is the safe side).
    // Any mention, not only a call: `int (*set)(int) = fesetround;` calls it unseen. The SSE control register holds the same state.
    this.usesFenv = /\bfe(?:clearexcept|testexcept|raiseexcept|setround|getround|setenv|getenv|holdexcept|updateenv|getexceptflag|setexceptflag|enableexcept|disableexcept)\b|FENV_ACCESS|FENV_ROUND|\b_MM_SET_(?:ROUNDING_MODE|FLUSH_ZERO_MODE|DENORMALS_ZERO_MODE)\b|\b_mm_setcsr\b|\b__builtin_ia32_ldmxcsr\b|\bldmxcsr\b|\bfldcw\b/.test(this.text);
    this.usesErrno = /\berrno\b/.test(this.text);
    this.userOperators = this.cxx ? overloadedOperators(this.text) : { tokens: new Set(), conversion: false };
    this.definesNew = this.cxx && /\boperator\s*new\b/.test(this.text);
    this.usesLocale = /\b(?:setlocale|uselocale|newlocale)\s*\(|locale::global/.test(this.text);
    for (const m of this.text.matchAll(/#\s*pragma\s+omp\s+threadprivate\s*\(([^)]*)\)/g)) for (const v of m[1].split(',')) this.threadprivate.add(v.trim());
  }

  /** How many declarations of `name` a use inside `fn` may see: file-level ones plus enumerators declared in `fn`. */
  nameCount(name: string, fn: Node | null): number {
    return (this.topCounts.get(name) ?? 0) + (fn && this.localEnumeratorsOf(fn).has(name) ? 1 : 0);
  }

  /** Enumerators declared inside one function body. */
  localEnumeratorsOf(fn: Node): ReadonlySet<string> {
    let set = this.localEnums.get(fn.id);
    if (!set) {
      set = new Set();
      for (const { node: e } of functionSites(this.resolver, fn).ofType('enumerator', fn)) {
        const name = e.childForFieldName('name')?.text;
        if (name) set.add(name);
      }
      this.localEnums.set(fn.id, set);
    }
    return set;
  }

  /** True when a preprocessor line of the file names `name` (a macro may use it in any way). */
  mentionedByDirective(name: string): boolean {
    const word = new RegExp(`\\b${name}\\b`);
    return this.directiveLines().some((line) => word.test(line));
  }

  /** True when a macro pastes tokens (`##`): it can form any name (`f##_impl`) that no text of the file spells out. */
  pastesTokens(): boolean {
    return this.directiveLines().some((line) => line.includes('##'));
  }

  /** The file's preprocessor lines, continuations joined (no `#include` and no OpenMP pragma). */
  private directiveLines(): string[] {
    // Joined and split once per file, not once per question (the distinctness proof asks per pointer).
    // A backslash-newline joins with nothing, as the compiler splices it (`shift_im\` at a line's end, then `pl`, names shift_impl).
    this.directives ??= this.text
      .replace(/\\\r?\n/g, '')
      .split(/\r?\n/)
      // `#include <stdlib.h>` names a header, not `h`: an include line defines no macro; nor does an
      // OpenMP pragma (`private(tmp)` in a candidate the gate re-analyses), whose clauses the pragma checks read.
      .filter((line) => /^\s*#/.test(line) && !/^\s*#\s*include\s*[<"][^>"]*[>"]\s*(?:\/[/*].*)?$/.test(line) && !/^\s*#\s*pragma\s+omp\b/.test(line));
    return this.directives;
  }

  /** True when the variable's address is taken (`&x`) or it is bound to a reference (`T &r = x`): in its function, or anywhere for globals. */
  isAddressTaken(d: Decl): boolean {
    const fn = d.kind === 'global' ? null : functionSites(this.resolver, d.declNode);
    const scope = fn?.root.type === 'function_definition' ? fn.root : this.root;
    let keys = this.addressesIn.get(scope.id);
    if (!keys) {
      keys = new Set();
      // Inside a function, from its walk; for globals, the whole file (one query).
      const found = fn && scope.id === fn.root.id ? fn.ofType('pointer_expression').concat(fn.ofType('init_declarator')).map((s) => s.node) : scope.descendantsOfType(['pointer_expression', 'init_declarator']);
      for (const n of found) {
        if (!n) continue;
        if (n.type === 'pointer_expression') {
          if (this.text[n.startIndex] !== '&') continue;
          const arg = unparen(n.childForFieldName('argument') as Node);
          if (arg.type === 'identifier') this.note(keys, arg);
        } else if (n.childForFieldName('declarator')?.type === 'reference_declarator') {
          const value = n.childForFieldName('value');
          if (value && unparen(value).type === 'identifier') this.note(keys, unparen(value));
        }
      }
      this.addressesIn.set(scope.id, keys);
    }
    return keys.has(d.key);
  }

  private note(keys: Set<string>, ident: Node): void {
    const d = this.resolver.resolve(ident.text, ident);
    if (d) keys.add(d.key);
  }

  private count(name: string): void {
    this.topCounts.set(name, (this.topCounts.get(name) ?? 0) + 1);
  }

  /** The top level, namespaces, linkage blocks, conditional blocks and class bodies (not function bodies). */
  private visitScopes(parent: Node): void {
    for (const n of parent.namedChildren) {
      if (!n) continue;
      switch (n.type) {
        case 'function_definition': {
          const name = definedFunctionName(n);
          if (name) this.functionDefs.set(name, [...(this.functionDefs.get(name) ?? []), n]);
          break;
        }
        case 'declaration':
        case 'field_declaration':
          if (n.type === 'declaration') for (const d of declsOf(n, 'global')) this.count(d.name);
          this.typesIn(n);
          break;
        case 'alias_declaration': {
          // `using dptr = double *;` is a pointer typedef (other aliases are left to the type checks that read them as text).
          const name = n.childForFieldName('name')?.text;
          const type = n.childForFieldName('type');
          if (name && type && type.descendantsOfType(['abstract_pointer_declarator', 'abstract_reference_declarator', 'abstract_function_declarator', 'abstract_array_declarator']).length > 0) this.typedefs.set(name, { type: type.text, pointer: true });
          break;
        }
        case 'type_definition':
        case 'enum_specifier':
        case 'struct_specifier':
        case 'class_specifier':
        case 'union_specifier':
          this.typesIn(n);
          break;
        case 'template_declaration':
        case 'namespace_definition':
        case 'linkage_specification':
        case 'declaration_list':
        case 'field_declaration_list':
        case 'preproc_if':
        case 'preproc_ifdef':
        case 'preproc_else':
        case 'preproc_elif':
          this.visitScopes(n.childForFieldName('body') ?? n);
          break;
        default:
          break;
      }
    }
  }

  /** Enumerators, typedefs and struct/class definitions inside one file-level declaration. */
  private typesIn(decl: Node): void {
    for (const n of decl.descendantsOfType(['enumerator', 'type_definition', 'struct_specifier', 'class_specifier', 'function_definition'])) {
      if (!n) continue;
      if (n.type === 'enumerator') {
        const name = n.childForFieldName('name')?.text;
        if (name) this.count(name);
      } else if (n.type === 'function_definition') {
        // Methods defined inside a class body.
        const name = definedFunctionName(n);
        if (name) this.functionDefs.set(name, [...(this.functionDefs.get(name) ?? []), n]);
      } else if (n.type === 'type_definition') {
        const type = n.childForFieldName('type')?.text.replace(/\s+/g, ' ') ?? '';
        for (const d of n.childrenForFieldName('declarator')) {
          if (!d) continue;
          let x: Node | null = d;
          let pointer = false;
          // `typedef unsigned short uint8_t;`: the parser reads a <stdint.h> name as a primitive type.
          while (x && x.type !== 'type_identifier' && x.type !== 'identifier' && x.type !== 'primitive_type') {
            if (x.type === 'pointer_declarator' || x.type === 'array_declarator' || x.type === 'function_declarator' || x.type === 'reference_declarator') pointer = true;
            x = x.childForFieldName('declarator');
          }
          if (x) this.typedefs.set(x.text, { type, pointer });
        }
      } else {
        const name = n.childForFieldName('name')?.text;
        const body = n.childForFieldName('body');
        if (name && body && isPlainBody(body, n)) this.plainStructs.add(name);
      }
    }
  }
}

// One index per FileIndex (one per analyzeLoops call); dropped with it.
const indexes = new WeakMap<FileIndex, SoundIndex>();

/** The sound-analysis index of the file `loop` belongs to. */
export function soundIndex(file: FileIndex, resolver: Resolver, loop: Node): SoundIndex {
  const known = indexes.get(file);
  if (known) return known;
  const made = new SoundIndex(loop.tree.rootNode, resolver);
  indexes.set(file, made);
  return made;
}

/** The function definition around a node, or null at file scope. */
export function enclosingFunction(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return null;
}

/** True when a field's default member initialiser may run code (a call, `new`, a lambda). */
export function hasInitialiserCode(field: Node): boolean {
  return field.descendantsOfType(['call_expression', 'new_expression', 'lambda_expression']).length > 0;
}

const ARITH_FIELD = /^(?:(?:const|volatile|signed|unsigned|short|long|int|char|float|double|bool|_Bool)\s*)+$|^(?:std::)?(?:size_t|ptrdiff_t|u?int(?:8|16|32|64)_t)$/;

/** A struct/class body with only plain data fields (arithmetic or pointers), no functions, no bases, no calls in default member initialisers. */
function isPlainBody(body: Node, spec: Node): boolean {
  if (spec.namedChildren.some((c) => c?.type === 'base_class_clause')) return false;
  for (const f of body.namedChildren) {
    if (!f || f.type === 'comment') continue;
    if (f.type !== 'field_declaration') return false;
    // `long id = next_id();` runs on every object made, with no call written where it is made.
    if (hasInitialiserCode(f)) return false;
    const declarators = f.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
    if (declarators.some((d) => d.type === 'function_declarator')) return false;
    const type = (f.childForFieldName('type')?.text ?? '').replace(/\s+/g, ' ').trim();
    const pointer = declarators.every((d) => d.type === 'pointer_declarator');
    if (!ARITH_FIELD.test(type) && !pointer) return false;
  }
  return true;
}

import type { Node, Tree } from 'web-tree-sitter';
import { parseIntegerLiteral } from './literals';
import { type MacroInfo, macroTable, trustedIntMacro } from './preprocessor';
import { contains, functionDeclarator, unparen } from './syntax';

/** Where a variable was declared, and the facts about it that matter to parallelisation. */
export interface Decl {
  readonly name: string;
  /** Stable identity: name and offset of the declaring identifier. */
  readonly key: string;
  readonly kind: 'param' | 'local' | 'global';
  /** The declaring identifier. */
  readonly nameNode: Node;
  /** The whole declaration or parameter declaration. */
  readonly declNode: Node;
  readonly isArray: boolean;
  readonly isPointer: boolean;
  readonly isReference: boolean;
  readonly isRestrict: boolean;
  readonly isVolatile: boolean;
  readonly isStatic: boolean;
  readonly isConst: boolean;
  /** The base type text (`double`, `std::vector<double>`), without declarator parts. */
  readonly typeText: string;
  readonly init: Node | null;
}

/** What the whole file says about names: macros, globals and functions defined in it. */
export interface FileIndex {
  /** Object-like macros whose value is an integer literal, e.g. `#define N 1000`. */
  readonly intMacros: ReadonlyMap<string, number>;
  /** Every other macro name (function-like or not a plain integer). */
  readonly otherMacros: ReadonlySet<string>;
  readonly functionLikeMacros: ReadonlySet<string>;
  /** Function definitions by simple name (last component for C++ qualified names). */
  readonly functions: ReadonlyMap<string, Node>;
  readonly globals: ReadonlyMap<string, Decl>;
  /** Enumerators declared at file scope, with their values when they are plain integers. */
  readonly enumerators: ReadonlyMap<string, number | null>;
  /** Every macro the file defines or undefines (preprocessor.ts), read once per analysis. */
  readonly macros: ReadonlyMap<string, MacroInfo>;
}

/** Parses an integer or character literal by C's rules (octal, hex, binary, suffixes), or returns undefined. */
export function parseIntLiteral(text: string): number | undefined {
  return parseIntegerLiteral(text);
}

/** Reads only the top level of the file (cheap even for 10k-line files): macros, globals, functions. */
export function indexFile(tree: Tree): FileIndex {
  const intMacros = new Map<string, number>();
  const otherMacros = new Set<string>();
  const functionLikeMacros = new Set<string>();
  const functions = new Map<string, Node>();
  const globals = new Map<string, Decl>();
  const enumerators = new Map<string, number | null>();
  const visit = (parent: Node): void => {
    for (const node of parent.namedChildren) {
      if (!node) continue;
      switch (node.type) {
        case 'preproc_def': {
          const name = node.childForFieldName('name')?.text;
          if (!name) break;
          const value = node.childForFieldName('value');
          const n = value ? parseIntLiteral(value.text) : undefined;
          if (n !== undefined) intMacros.set(name, n);
          else otherMacros.add(name);
          break;
        }
        case 'preproc_function_def': {
          const name = node.childForFieldName('name')?.text;
          if (name) {
            otherMacros.add(name);
            functionLikeMacros.add(name);
          }
          break;
        }
        case 'function_definition': {
          const name = definedFunctionName(node);
          if (name) functions.set(name, node);
          break;
        }
        case 'declaration':
          for (const d of declsOf(node, 'global')) globals.set(d.name, d);
          collectEnumerators(node, enumerators);
          break;
        case 'type_definition':
        case 'enum_specifier':
          collectEnumerators(node, enumerators);
          break;
        // Conditional compilation and namespaces: look inside, they still hold top-level code.
        case 'preproc_if':
        case 'preproc_ifdef':
        case 'preproc_else':
        case 'preproc_elif':
        case 'linkage_specification':
        case 'declaration_list':
        case 'namespace_definition':
          visit(node.childForFieldName('body') ?? node);
          break;
        default:
          break;
      }
    }
  };
  visit(tree.rootNode);
  // Only a macro defined once, unconditionally and never #undef'd has one value the analysis may
  // use; the others (also those defined inside functions or nested #if) stay opaque.
  const macros = macroTable(tree.rootNode);
  for (const [name, info] of macros) {
    if (trustedIntMacro(info) !== undefined) continue;
    intMacros.delete(name);
    otherMacros.add(name);
    if (info.functionLike) functionLikeMacros.add(name);
  }
  return { intMacros, otherMacros, functionLikeMacros, functions, globals, enumerators, macros };
}

// Names by function node id, per tree: indexFile and the sound index both read every definition's
// name on each analysis, and each read crosses into wasm several times. Dropped with the tree.
const namesByTree = new WeakMap<Tree, Map<number, string | null>>();

/** The simple name a function definition defines (`f` for `ns::C::f`). */
export function definedFunctionName(fn: Node): string | null {
  let names = namesByTree.get(fn.tree);
  if (!names) {
    names = new Map();
    namesByTree.set(fn.tree, names);
  }
  const known = names.get(fn.id);
  if (known !== undefined) return known;
  const name = readFunctionName(fn);
  names.set(fn.id, name);
  return name;
}

function readFunctionName(fn: Node): string | null {
  const name = functionDeclarator(fn)?.childForFieldName('declarator');
  if (!name) return null;
  const text = name.text.replace(/\s+/g, '');
  return text.slice(text.lastIndexOf(':') + 1);
}

/** The variables one declaration (or parameter declaration) introduces. */
export function declsOf(decl: Node, kind: Decl['kind']): Decl[] {
  const out: Decl[] = [];
  let isStatic = false;
  let isVolatile = false;
  let isConst = false;
  for (const c of decl.namedChildren) {
    if (!c) continue;
    if (c.type === 'storage_class_specifier' && c.text === 'static') isStatic = true;
    if (c.type === 'type_qualifier' && /volatile/.test(c.text)) isVolatile = true;
    if (c.type === 'type_qualifier' && c.text === 'const') isConst = true;
  }
  const typeText = decl.childForFieldName('type')?.text.replace(/\s+/g, ' ') ?? '';
  const declarators = decl.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
  for (const top of declarators) {
    let d: Node | null = top;
    let init: Node | null = null;
    let isArray = false;
    let isPointer = false;
    let isReference = false;
    let isRestrict = false;
    let pointerVolatile = false;
    let isFunction = false;
    while (d && d.type !== 'identifier') {
      if (d.type === 'init_declarator') init = d.childForFieldName('value');
      else if (d.type === 'array_declarator') {
        isArray = true;
        // C99 `double a[restrict n][m]`: a parameter array is a pointer, and may be restrict-qualified.
        if (d.namedChildren.some((q) => q?.type === 'type_qualifier' && q.text === 'restrict')) isRestrict = true;
      } else if (d.type === 'pointer_declarator') {
        isPointer = true;
        for (const q of d.namedChildren) {
          if (!q) continue;
          if (/restrict/.test(q.text) && (q.type === 'type_qualifier' || q.type === 'ms_pointer_modifier')) isRestrict = true;
          if (q.type === 'type_qualifier' && q.text === 'volatile') pointerVolatile = true;
        }
      } else if (d.type === 'reference_declarator') isReference = true;
      else if (d.type === 'function_declarator') isFunction = true;
      d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c !== null && (c.type === 'identifier' || c.type.endsWith('declarator'))) ?? null;
    }
    // In a function body `std::vector<double> a(n)` parses as a function declarator (the vexing parse).
    if (!d || (isFunction && kind !== 'local')) continue;
    out.push({
      name: d.text,
      key: `${d.text}@${d.startIndex}`,
      kind,
      nameNode: d,
      declNode: decl,
      isArray,
      isPointer,
      isReference,
      isRestrict,
      isVolatile: isVolatile || pointerVolatile,
      isStatic,
      isConst,
      typeText,
      init,
    });
  }
  return out;
}

/**
 * Resolves identifiers to their declarations by walking outwards through blocks, for-headers
 * and parameter lists; falls back to file-scope globals. Results are cached per scope.
 */
export class Resolver {
  private readonly scopeCache = new Map<number, Map<string, Decl[]>>();
  /** Answers by node id and name: the tree does not change while a Resolver lives, and `parent` is costly in tree-sitter. */
  private readonly answers = new Map<number, Map<string, Decl | null>>();
  private readonly parents = new Map<number, Node | null>();

  constructor(readonly file: FileIndex) {}

  /** The declaration `name` refers to at `at`, or null when it is not a variable declared in this file. */
  resolve(name: string, at: Node): Decl | null {
    let byName = this.answers.get(at.id);
    if (!byName) {
      byName = new Map();
      this.answers.set(at.id, byName);
    }
    const known = byName.get(name);
    if (known !== undefined) return known;
    const d = this.lookup(name, at);
    byName.set(name, d);
    return d;
  }

  private lookup(name: string, at: Node): Decl | null {
    for (let scope = this.parentOf(at); scope; scope = this.parentOf(scope)) {
      if (scope.type === 'translation_unit') break;
      const decls = this.declsIn(scope).get(name);
      if (!decls) continue;
      // The last declaration before the use wins (shadowing in the same block is rare in C).
      let best: Decl | null = null;
      for (const d of decls) {
        if (d.kind === 'param' || d.nameNode.startIndex <= at.startIndex) best = d;
      }
      if (best && (best.kind === 'param' || !contains(best.declNode, at) || best.init === null || !contains(best.init, at))) return best;
    }
    return this.file.globals.get(name) ?? null;
  }

  /**
   * `node.parent`, remembered by node id: tree-sitter finds a parent by descending from the root,
   * and lookups from neighbouring identifiers climb through the same ancestors.
   */
  parentOf(node: Node): Node | null {
    const known = this.parents.get(node.id);
    if (known !== undefined) return known;
    const p = node.parent;
    this.parents.set(node.id, p);
    return p;
  }

  private declsIn(scope: Node): Map<string, Decl[]> {
    let map = this.scopeCache.get(scope.id);
    if (map) return map;
    map = new Map();
    const add = (d: Decl) => {
      const list = map!.get(d.name);
      if (list) list.push(d);
      else map!.set(d.name, [d]);
    };
    switch (scope.type) {
      case 'compound_statement':
        for (const c of scope.namedChildren) if (c && c.type === 'declaration') declsOf(c, 'local').forEach(add);
        break;
      case 'for_statement': {
        const init = scope.childForFieldName('initializer');
        if (init?.type === 'declaration') declsOf(init, 'local').forEach(add);
        break;
      }
      case 'for_range_loop':
        declsOf(scope, 'local').forEach(add);
        break;
      case 'function_definition': {
        const params = functionDeclarator(scope)?.childForFieldName('parameters');
        for (const p of params?.namedChildren ?? []) if (p && p.type === 'parameter_declaration') declsOf(p, 'param').forEach(add);
        break;
      }
      default:
        break;
    }
    this.scopeCache.set(scope.id, map);
    return map;
  }
}

/** Adds the enumerators of every `enum { … }` under `node`, with values where they are integer literals. */
export function collectEnumerators(node: Node, out: Map<string, number | null>): void {
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop() as Node;
    if (n.type === 'enumerator_list') {
      let next: number | null = 0;
      for (const e of n.namedChildren) {
        if (!e || e.type !== 'enumerator') continue;
        const name = e.childForFieldName('name')?.text;
        const value = e.childForFieldName('value');
        let v: number | null = next;
        if (value) v = evalIntExpr(value.text);
        if (name) out.set(name, v);
        next = v === null ? null : v + 1;
      }
      continue;
    }
    for (const c of n.namedChildren) if (c && c.type !== 'compound_statement') stack.push(c);
  }
}

/** Evaluates a small integer constant expression (`1 << 20`, `64 * 3 + 1`), or null. */
export function evalIntExpr(text: string): number | null {
  const t = text.trim();
  if (!/^[0-9xXa-fA-F\s+\-*/%()<>uUlL]+$/.test(t)) return null;
  const lit = parseIntLiteral(t);
  if (lit !== undefined) return lit;
  const m = /^\(?\s*(\d+)\s*(<<|\*|\+|-)\s*(\d+)\s*\)?$/.exec(t);
  if (!m) return null;
  // Operands by C's literal rules: `010 + 1` is 9.
  const a = parseIntLiteral(m[1]);
  const b = parseIntLiteral(m[3]);
  if (a === undefined || b === undefined) return null;
  return m[2] === '<<' ? a * 2 ** b : m[2] === '*' ? a * b : m[2] === '+' ? a + b : a - b;
}

/** True when the declaration says `thread_local`, `_Thread_local` or `__thread`. */
export function hasThreadStorage(d: Decl): boolean {
  return /\b(?:_Thread_local|thread_local|__thread)\b/.test(d.declNode.text.split(/[=;{]/)[0]);
}

/** The plain variable (no reference, pointer or array) a reference declaration names as its initialiser (`double &r = x;`), or null: a parameter's or any other binding may be an element. */
export function boundVariable(resolver: Resolver, d: Decl): Decl | null {
  const init = d.kind === 'param' || !d.init ? null : unparen(d.init);
  const target = init?.type === 'identifier' ? resolver.resolve(init.text, init) : null;
  return target && !target.isReference && !target.isPointer && !target.isArray ? target : null;
}

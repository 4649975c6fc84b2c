import type { Node } from 'web-tree-sitter';
import { parsePragma } from '../../analysis/existingPragma';
import { calleeName, walk } from '../../analysis/syntax';
import { HarnessUnsupportedError, scalarKind, type FunctionShape, type GlobalVar, type Param, type ScalarKind } from './signature';

/**
 * Reads what the generated driver needs from the Tree-sitter tree of a file: the function's
 * signature and loops, the globals it can reach through the functions it calls, and the facts
 * about the candidate that decide inputs and tolerance (integer constants, reductions from parsed
 * pragmas). Comments and strings are never read: they are not nodes these functions look at.
 */

/** A reduction (or atomic/collective update) that may reassociate floating-point arithmetic. */
export interface Reassociation {
  readonly variable: string;
  readonly op: string;
  /** Element type of the reduced variable as declared, or 'unknown' when no declaration was found. */
  readonly type: 'float' | 'double' | 'long double' | 'unknown';
  /** 1-based line in the candidate. */
  readonly line: number;
  /** What it came from, for the evidence: `reduction(+:sum)`, `atomicAdd`. */
  readonly via: string;
}

/** Facts about a candidate's text that the harness bases its inputs and tolerance on. */
export interface CandidateFacts {
  /** Integer constants (≥ 2) in the function, the functions it calls, its pragmas, macros and file-scope initialisers. */
  readonly constants: readonly number[];
  /** Floating-point reassociation the candidate really introduces (from parsed pragmas and calls). */
  readonly reassociation: readonly Reassociation[];
}

/** All function definitions under `root`, by their simple name (the last part of a qualified name). */
function functionDefinitions(root: Node): Map<string, Node> {
  const defs = new Map<string, Node>();
  walk(root, (n) => {
    if (n.type !== 'function_definition') return true;
    const name = definitionName(n);
    if (name && !defs.has(name)) defs.set(name, n);
    return false;
  });
  return defs;
}

/** The function_declarator of a definition or declaration (through pointer/parenthesised/reference declarators). */
function functionDeclarator(node: Node): Node | null {
  let d = node.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') {
    d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c?.type.endsWith('declarator')) ?? null;
  }
  return d;
}

function definitionName(def: Node): string | null {
  const d = functionDeclarator(def)?.childForFieldName('declarator');
  if (!d) return null;
  if (d.type === 'identifier' || d.type === 'field_identifier') return d.text;
  if (d.type === 'qualified_identifier' || d.type === 'destructor_name' || d.type === 'operator_name') return d.text.split('::').pop()?.trim() ?? null;
  return null;
}

/** The identifier node naming `main`'s definition, so the driver can rename it without a macro. */
export function mainNameNode(root: Node): Node | null {
  const def = functionDefinitions(root).get('main');
  const d = def ? functionDeclarator(def)?.childForFieldName('declarator') : null;
  return d?.type === 'identifier' ? d : null;
}

/** True when the file defines `main` (parsed, so a `main(` in a comment does not count). */
export function definesMain(root: Node): boolean {
  return mainNameNode(root) !== null;
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

function qualifiers(node: Node): string[] {
  return node.namedChildren.filter((c): c is Node => c?.type === 'type_qualifier').map((c) => c.text);
}

/** Reads one parameter declaration, or throws saying why the driver cannot make a value for it. */
function readParam(p: Node, fn: string): Param {
  if (p.type === 'variadic_parameter' || p.text.trim() === '...') throw new HarnessUnsupportedError(`${fn} is variadic`);
  const typeNode = p.childForFieldName('type');
  const ctype = normalise(typeNode?.text ?? '');
  const quals = qualifiers(p);
  let d = p.childForFieldName('declarator');
  let stars = 0;
  let restrict = false;
  const text = normalise(p.text);
  while (d && d.type !== 'identifier') {
    if (d.type === 'pointer_declarator' || d.type === 'array_declarator') {
      stars++;
      if (qualifiers(d).some((q) => /restrict/.test(q)) || /\b(__)?restrict(__)?\b/.test(d.children.filter((c) => c && !c.isNamed).map((c) => c!.text).join(' '))) restrict = true;
    } else if (d.type === 'function_declarator' || d.type === 'parenthesized_declarator' || d.type === 'abstract_function_declarator') {
      throw new HarnessUnsupportedError(`parameter \`${text}\` of ${fn} is a function pointer (a callback ParaForge cannot invent)`);
    } else if (d.type === 'reference_declarator') {
      throw new HarnessUnsupportedError(`parameter \`${text}\` of ${fn} is a C++ reference`);
    } else if (d.type === 'abstract_pointer_declarator' || d.type === 'abstract_array_declarator') {
      throw new HarnessUnsupportedError(`parameter \`${text}\` of ${fn} has no name`);
    } else {
      throw new HarnessUnsupportedError(`parameter \`${text}\` of ${fn} has a declarator ParaForge cannot read (${d.type})`);
    }
    d = d.childForFieldName('declarator');
  }
  if (!d) throw new HarnessUnsupportedError(`parameter \`${text}\` of ${fn} has no name (or a type ParaForge cannot read)`);
  const name = d.text;
  if (stars > 1) throw new HarnessUnsupportedError(`parameter \`${name}\` of ${fn} is a pointer to pointer (unknown shape)`);
  if (ctype === 'void') throw new HarnessUnsupportedError(`parameter \`${name}\` of ${fn} is an untyped pointer (void *)`);
  const kind = scalarKind(ctype);
  if (!kind) {
    const what = typeNode && /struct|union|class|type_identifier|template/.test(typeNode.type) ? 'an opaque struct or typedef' : 'a type ParaForge cannot fill';
    throw new HarnessUnsupportedError(`parameter \`${name}\` of ${fn} has type \`${ctype}${stars ? ' *' : ''}\`, ${what}`);
  }
  return { name, ctype, kind, pointer: stars === 1, readOnly: stars === 1 && quals.includes('const'), restrict: stars === 1 && restrict };
}

const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop']);

/** Deepest nesting of loops under `node`. */
function loopDepth(node: Node): number {
  let best = 0;
  for (const c of node.namedChildren) {
    if (!c) continue;
    const inner = loopDepth(c);
    best = Math.max(best, LOOPS.has(c.type) ? 1 + inner : inner);
  }
  return best;
}

/** Identifiers in loop conditions (for, while, do) under `node`. */
function loopConditionNames(node: Node): Set<string> {
  const names = new Set<string>();
  walk(node, (n) => {
    if (!LOOPS.has(n.type)) return true;
    const cond = n.childForFieldName('condition');
    if (cond) walk(cond, (c) => void (c.type === 'identifier' && names.add(c.text)));
    return true;
  });
  return names;
}

/** The function `name`, the functions it calls (defined in this file), transitively. */
function reachableFunctions(defs: Map<string, Node>, name: string): Node[] {
  const seen = new Set<string>([name]);
  const out: Node[] = [];
  const queue = [name];
  while (queue.length) {
    const def = defs.get(queue.shift()!);
    if (!def) continue;
    out.push(def);
    walk(def, (n) => {
      if (n.type === 'call_expression') {
        const callee = calleeName(n)?.split('::').pop();
        if (callee && defs.has(callee) && !seen.has(callee)) {
          seen.add(callee);
          queue.push(callee);
        }
      }
      // A function named without a call (a pointer taken) may be called too.
      if (n.type === 'identifier' && defs.has(n.text) && !seen.has(n.text)) {
        seen.add(n.text);
        queue.push(n.text);
      }
      return true;
    });
  }
  return out;
}

/** A variable declared at file scope. */
export interface FileVariable {
  readonly name: string;
  readonly ctype: string;
  readonly pointer: boolean;
  readonly array: boolean;
  readonly isConst: boolean;
  readonly node: Node;
}

/** Variables declared at file scope (not functions), by name. */
export function fileVariables(root: Node): Map<string, FileVariable> {
  const vars = new Map<string, FileVariable>();
  walk(root, (n) => {
    if (n.type === 'function_definition') return false;
    if (n.type !== 'declaration') return true;
    const ctype = normalise(n.childForFieldName('type')?.text ?? '');
    const isConst = qualifiers(n).includes('const');
    for (const decl of n.childrenForFieldName('declarator')) {
      if (!decl) continue;
      let d: Node | null = decl.type === 'init_declarator' ? decl.childForFieldName('declarator') : decl;
      let pointer = false;
      let array = false;
      let fn = false;
      while (d && d.type !== 'identifier') {
        if (d.type === 'pointer_declarator') pointer = true;
        else if (d.type === 'array_declarator') array = true;
        else if (d.type === 'function_declarator') fn = true;
        d = d.childForFieldName('declarator');
      }
      if (d && !fn && !vars.has(d.text)) vars.set(d.text, { name: d.text, ctype, pointer, array, isConst, node: n });
    }
    return false;
  });
  return vars;
}

/** File-scope variables the functions use: compared after every call (and arrays filled before). */
function reachableGlobals(functions: Node[], vars: Map<string, FileVariable>, fn: string): GlobalVar[] {
  const used = new Set<string>();
  for (const f of functions) walk(f, (n) => void (n.type === 'identifier' && used.add(n.text)));
  const globals: GlobalVar[] = [];
  for (const v of vars.values()) {
    if (!used.has(v.name) || (v.isConst && !v.pointer)) continue;
    if (v.pointer) throw new HarnessUnsupportedError(`${fn} uses the global pointer \`${v.name}\`, set up elsewhere (hidden global state)`);
    if (/^(static |extern )/.test(v.ctype) || v.ctype === '') continue;
    globals.push({ name: v.name, ctype: v.ctype, kind: scalarKind(v.ctype), array: v.array });
  }
  return globals;
}

function returnKindOf(def: Node, name: string): { returnType: string; returnKind: ScalarKind | 'void' } {
  const typeNode = def.childForFieldName('type');
  const returnType = normalise(typeNode?.text ?? 'int');
  const decl = def.childForFieldName('declarator');
  if (def.parent?.type === 'template_declaration') throw new HarnessUnsupportedError(`${name} is a template`);
  if (decl && decl.type !== 'function_declarator') {
    if (decl.type === 'pointer_declarator') throw new HarnessUnsupportedError(`${name} returns a pointer (ownership unknown)`);
    if (decl.type === 'reference_declarator') throw new HarnessUnsupportedError(`${name} returns a reference`);
  }
  if (returnType === 'void') return { returnType, returnKind: 'void' };
  const kind = scalarKind(returnType);
  if (!kind) throw new HarnessUnsupportedError(`${name} returns \`${returnType}\`, which ParaForge cannot compare`);
  return { returnType, returnKind: kind };
}

/** Finds `name`'s definition in the tree and describes it, or throws HarnessUnsupportedError saying why not. */
export function readFunctionShape(root: Node, name: string): FunctionShape {
  const defs = functionDefinitions(root);
  const def = defs.get(name);
  if (!def) throw new HarnessUnsupportedError(`no definition of ${name}() found`);
  const { returnType, returnKind } = returnKindOf(def, name);
  const list = functionDeclarator(def)?.childForFieldName('parameters');
  const paramNodes = (list?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
  const isVoid = paramNodes.length === 1 && paramNodes[0].type === 'parameter_declaration' && !paramNodes[0].childForFieldName('declarator') && paramNodes[0].text.trim() === 'void';
  const params = isVoid ? [] : paramNodes.map((p) => readParam(p, name));
  const body = def.childForFieldName('body');
  if (!body) throw new HarnessUnsupportedError(`${name} has no body`);
  const functions = reachableFunctions(defs, name);
  for (const f of functions) {
    let found: string | null = null;
    walk(f, (n) => {
      if (found) return false;
      if (n.type === 'call_expression') {
        const c = calleeName(n);
        if (c && ['rand', 'srand', 'time', 'getenv', 'scanf', 'fopen', 'clock', 'gettimeofday', 'random'].includes(c)) found = c;
      }
      return true;
    });
    if (found) throw new HarnessUnsupportedError(`${name} calls ${found}() (hidden global state or I/O the harness cannot replay)`);
  }
  const inConditions = loopConditionNames(body);
  // An allocation or copy of `n * sizeof(T)` also sizes the buffers (a CUDA host function launches
  // its kernel instead of looping).
  walk(body, (n) => {
    if (n.type === 'binary_expression' && (n.childForFieldName('operator')?.type ?? n.children.find((c) => c && !c.isNamed)?.type) === '*') {
      const [a, b] = [n.childForFieldName('left'), n.childForFieldName('right')];
      const other = a?.type === 'sizeof_expression' ? b : b?.type === 'sizeof_expression' ? a : null;
      if (other) walk(other, (c) => void (c.type === 'identifier' && inConditions.add(c.text)));
    }
    return true;
  });
  const sizeParams = params.filter((p) => !p.pointer && (p.kind === 'int' || p.kind === 'uint') && inConditions.has(p.name)).map((p) => p.name);
  const globals = reachableGlobals(functions, fileVariables(root), name);
  const staticLocals: string[] = [];
  for (const f of functions) {
    walk(f, (n) => {
      if (n.type === 'declaration' && n.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static')) {
        for (const d of n.childrenForFieldName('declarator')) {
          const v = declaredName(d);
          if (v) staticLocals.push(`${v} in ${definitionName(f) ?? '?'}`);
        }
      }
      return true;
    });
  }
  return { name, returnType, returnKind, params, sizeParams, loopDepth: Math.max(1, loopDepth(body)), globals, staticLocals, body: body.text };
}

/** Calls and names that tell a function who runs it, as whom, or for how long: it could behave only under the harness (the static checks refuse most first; the clocks are refused here, in function mode only, where a timer has no business). */
const ENVIRONMENT_READS: ReadonlySet<string> = new Set([
  'readlink', 'readlinkat', 'realpath', 'getauxval', 'getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getcwd',
  'gethostname', 'uname', 'secure_getenv', 'sysinfo', 'getrusage', 'clock_gettime', 'timespec_get', 'omp_get_wtime', 'omp_get_wtick',
  '__rdtsc', '__builtin_ia32_rdtsc', '__builtin_readcyclecounter', 'sched_getcpu', 'isatty', 'ttyname',
  'program_invocation_name', 'program_invocation_short_name', '__progname', 'environ', '__environ',
]);

/**
 * Names from ENVIRONMENT_READS that `name` and the functions it reaches use (calls or plain
 * references): the harness cannot replay the program name, the user, the clock of a real run.
 */
export function environmentReads(root: Node, name: string): string[] {
  const defs = functionDefinitions(root);
  if (!defs.has(name)) return [];
  const out = new Set<string>();
  for (const f of reachableFunctions(defs, name)) walk(f, (n) => void (n.type === 'identifier' && ENVIRONMENT_READS.has(n.text) && out.add(n.text)));
  return [...out];
}

/**
 * Variables that keep their value from one call of `name` to the next: non-const file-scope
 * variables (static ones too) and non-const static locals of the functions it reaches, as
 * "v" or "v in f". The driver runs each case in a fresh process, so a second call is never seen.
 */
export function persistentState(root: Node, name: string): string[] {
  const defs = functionDefinitions(root);
  if (!defs.has(name)) return [];
  const functions = reachableFunctions(defs, name);
  const used = new Set<string>();
  for (const f of functions) walk(f, (n) => void (n.type === 'identifier' && used.add(n.text)));
  const out: string[] = [];
  for (const v of fileVariables(root).values()) if (used.has(v.name) && !(v.isConst && !v.pointer) && !/^extern /.test(v.ctype)) out.push(v.name);
  for (const f of functions) {
    walk(f, (n) => {
      if (n.type === 'declaration' && n.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static')) {
        for (const d of n.childrenForFieldName('declarator')) {
          const v = declaredName(d);
          // A const table is the same on every call; a pointer to const is not const itself.
          const pointer = /^\s*\*/.test((d?.type === 'init_declarator' ? d.childForFieldName('declarator') : d)?.text ?? '');
          if (v && (!qualifiers(n).includes('const') || pointer)) out.push(`${v} in ${definitionName(f) ?? '?'}`);
        }
      }
      return true;
    });
  }
  return out;
}

/** Value of an integer literal (`8192`, `0x2000`, `010`, `8192u`), or null for anything else. */
export function integerLiteral(text: string): number | null {
  const t = text.replace(/['_]/g, '').replace(/[uUlLzZ]+$/, '');
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^0[bB][01]+$/.test(t)) v = parseInt(t.slice(2), 2);
  else if (/^0[0-7]+$/.test(t)) v = parseInt(t.slice(1), 8);
  else if (/^\d+$/.test(t)) v = Number(t);
  else return null;
  return Number.isSafeInteger(v) ? v : null;
}

/** Value of a constant integer expression of literals (`1 << 13`, `2 * 4096`), or null. */
function constantValue(n: Node): number | null {
  if (n.type === 'number_literal') return integerLiteral(n.text);
  if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) return constantValue(n.namedChild(0)!);
  if (n.type !== 'binary_expression') return null;
  const a = n.childForFieldName('left');
  const b = n.childForFieldName('right');
  const op = n.childForFieldName('operator')?.type ?? n.children.find((c) => c && !c.isNamed)?.type;
  const x = a ? constantValue(a) : null;
  const y = b ? constantValue(b) : null;
  if (x === null || y === null) return null;
  const r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '<<' && y < 40 ? x * 2 ** y : op === '/' && y !== 0 ? Math.trunc(x / y) : null;
  return r !== null && Number.isSafeInteger(r) ? r : null;
}

/** Integer constants in `node`'s code and in the argument text of the OpenMP pragmas under it. */
function constantsIn(node: Node, into: Set<number>): void {
  walk(node, (n) => {
    if (n.type === 'number_literal' || n.type === 'binary_expression') {
      const v = constantValue(n);
      if (v !== null && v >= 2) into.add(v);
      return n.type !== 'number_literal';
    }
    if (n.type === 'preproc_call' || n.type === 'preproc_def') {
      // A pragma's or macro's argument is one opaque token to tree-sitter: its numbers are read from that node only.
      const arg = n.childForFieldName(n.type === 'preproc_call' ? 'argument' : 'value')?.text ?? '';
      for (const m of arg.matchAll(/(?<![\w.])(0[xX][0-9a-fA-F]+|\d+)[uUlL]*(?![\w.])/g)) {
        const v = integerLiteral(m[1]);
        if (v !== null && v >= 2) into.add(v);
      }
      return false;
    }
    return n.type !== 'comment' && n.type !== 'string_literal';
  });
}

/** Name declared by a declarator (through pointer, array and init declarators). */
function declaredName(d: Node | null): string | null {
  while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
  return d?.text ?? null;
}

/** The declared type of `variable` as seen from `at` (enclosing blocks, parameters, then file scope), or null. */
function declaredType(variable: string, at: Node, root: Node): string | null {
  for (let scope = at.parent; scope; scope = scope.parent) {
    if (scope.type === 'function_definition') {
      for (const p of functionDeclarator(scope)?.childForFieldName('parameters')?.namedChildren ?? []) {
        if (p && declaredName(p.childForFieldName('declarator')) === variable) return normalise(p.childForFieldName('type')?.text ?? '');
      }
      continue;
    }
    for (const child of scope.namedChildren) {
      if (!child || child.type !== 'declaration' || child.startIndex > at.startIndex) continue;
      for (const d of child.childrenForFieldName('declarator')) {
        if (declaredName(d) === variable) return normalise(child.childForFieldName('type')?.text ?? '');
      }
    }
  }
  return fileVariables(root).get(variable)?.ctype ?? null;
}

/** A type name with the file's typedefs followed (`real` → `float`); the name itself when it has no single plain typedef. */
function followTypedefs(ctype: string | null, root: Node): string | null {
  let t = ctype;
  for (let i = 0; i < 8 && t !== null && /^[A-Za-z_]\w*$/.test(t); i++) {
    const name = t;
    const targets = new Set(root.descendantsOfType('type_definition').filter((d): d is Node => d !== null && d.childrenForFieldName('declarator').some((x) => x.type === 'type_identifier' && x.text === name)).map((d) => d.childForFieldName('type')?.text.replace(/\s+/g, ' ').trim() ?? ''));
    if (targets.size !== 1) break;
    t = [...targets][0];
  }
  return t;
}

function floatType(ctype: string | null): Reassociation['type'] | null {
  if (ctype === null) return 'unknown';
  const t = ctype.replace(/\b(const|volatile|static|register)\b/g, '').replace(/\s+/g, ' ').trim();
  if (t === 'float') return 'float';
  if (t === 'double') return 'double';
  if (t === 'long double') return 'long double';
  if (/complex|auto|_Float|half|real|\bT\b/i.test(t) || t === '') return 'unknown';
  return null;
}

/**
 * What the candidate's function (and what it calls) does that may reassociate floating-point
 * arithmetic: `reduction(+|-|*: v)` on a floating variable in a parsed OpenMP pragma, and calls to
 * atomicAdd or an MPI reduction. min/max reductions are exact, and so are integer ones.
 */
export function readCandidateFacts(root: Node, name: string | null): CandidateFacts {
  const defs = functionDefinitions(root);
  const scope = name !== null ? reachableFunctions(defs, name) : [root];
  const constants = new Set<number>();
  const reassociation: Reassociation[] = [];
  for (const f of scope) {
    constantsIn(f, constants);
    walk(f, (n) => {
      if (n.type === 'preproc_call' && n.childForFieldName('directive')?.text === '#pragma') {
        const arg = n.childForFieldName('argument')?.text ?? '';
        if (!/^\s*omp\b/.test(arg)) return false;
        for (const [variable, op] of parsePragma(arg).reduction) {
          if (!['+', '-', '*'].includes(op)) continue;
          const type = floatType(followTypedefs(declaredType(variable.replace(/\[.*$/, ''), n, root), root));
          if (type) reassociation.push({ variable, op, type, line: n.startPosition.row + 1, via: `reduction(${op}:${variable})` });
        }
        return false;
      }
      if (n.type === 'call_expression') {
        const c = calleeName(n);
        if (c === 'atomicAdd' || c === 'MPI_Reduce' || c === 'MPI_Allreduce' || c === 'MPI_Reduce_scatter' || c === 'MPI_Scan') {
          reassociation.push({ variable: n.childForFieldName('arguments')?.namedChild(0)?.text ?? '?', op: '+', type: 'unknown', line: n.startPosition.row + 1, via: `${c}()` });
        }
      }
      return true;
    });
  }
  if (name !== null) {
    // Macros and file-scope constants (`#define LIMIT 8192`, `const int K = 8192;`) can gate the function too.
    walk(root, (n) => {
      if (n.type === 'function_definition') return false;
      if (n.type === 'preproc_def' || (n.type === 'declaration' && n.parent?.type === 'translation_unit')) {
        constantsIn(n, constants);
        return false;
      }
      return true;
    });
  }
  return { constants: [...constants].sort((a, b) => a - b), reassociation };
}

import type { Node } from 'web-tree-sitter';
import type { AnalysisContext } from './levelAnalysis';
import { type Decl, definedFunctionName } from './scope';
import { permutedByRun } from './pointerRotation';
import type { SoundIndex } from './soundIndex';
import { calleeName, codeChildren, functionDeclarator, unparen, walk } from './syntax';
import { enclosingFunction } from './soundIndex';

/**
 * Interprocedural distinctness (issue #7 §3): two pointer parameters of a function that only this
 * file can call, and that every call passes pointers into two different objects (separate
 * `malloc` results, separate arrays), cannot overlap. This is what gcc's auto-paralleliser gets by
 * inlining a `static` kernel into `main`.
 *
 * The function must be `static` (not `inline`: header helpers are compiled into other files),
 * defined once at file scope in a file that defines `main` (the program's other files cannot name
 * it), and its name must appear only as the callee of direct calls: no address taken, no function
 * pointer, no macro mentioning it, no macro that pastes tokens (`f##_impl` forms names no text
 * spells), no string naming it (`__attribute__((alias("f")))`, an asm label). At each call, each
 * argument must be an object's name, possibly offset by an integer that uses no pointer's value
 * (`a`, `a + k`, `&a[k]`, casts to pointer types of those), and the two objects must be different
 * declarations, each an array that no macro names or a local pointer that only ever holds fresh
 * allocations. A call
 * may also pass its own caller's pointer parameters on, unchanged: they name separate objects
 * when every call of that caller passes separate objects, by the same rule; and a parameter is
 * separate from the caller's own fresh allocations and non-static local arrays.
 */

const ALLOCATORS = new Set(['malloc', 'calloc', 'aligned_alloc', 'std::malloc', 'std::calloc', 'std::aligned_alloc']);

/** True when `expr` is a call of the C library's allocator (or `new`: not placement new, nor in a file that defines an `operator new`), which returns memory no other live pointer reaches. */
export function isFreshAllocation(expr: Node, ctx: AnalysisContext, ix: SoundIndex): boolean {
  let e = unparen(expr);
  while (e.type === 'cast_expression') e = unparen(e.childForFieldName('value') as Node);
  // Placement new (`new (buf) T`) returns buf; a file's own `operator new` may return any memory.
  if (e.type === 'new_expression') return !e.childForFieldName('placement') && !ix.definesNew;
  const callee = e.type === 'call_expression' ? calleeName(e) : null;
  if (!callee || !ALLOCATORS.has(callee)) return false;
  // A file may define its own `malloc` (a function, a macro or a variable): then it is not libc's.
  const simple = callee.replace(/^std::/, '');
  return !ix.functionDefs.has(simple) && !ix.macros.has(simple) && ctx.resolver.resolve(simple, e) === null;
}

/**
 * True when a declaration names its own object: an array (not a parameter), or a local pointer
 * that only ever holds fresh allocations (initialised with one, or declared without a value and
 * only assigned fresh allocations, C89 style) whose address is never taken, that no macro
 * mentions and, in C++, that is never passed to a function that could take it by reference.
 * Such pointers may also swap or rotate their values among themselves (pointerRotation): every
 * pointer of the rotation must then pass the same test, so together they still name different objects.
 */
export function holdsOwnAllocation(d: Decl, ctx: AnalysisContext, ix: SoundIndex, checking: Set<string> = new Set()): boolean {
  if (d.isReference) return false;
  // `extern double g[];` in a block is another declaration of a global array: the same object; and
  // `#define B A` makes the name B the array A.
  if (d.isArray) return !d.isPointer && d.kind !== 'param' && !d.declNode.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'extern') && !ix.mentionedByDirective(d.name);
  if (!d.isPointer || d.kind !== 'local' || d.isStatic || ix.isAddressTaken(d) || ix.macros.has(d.name)) return false;
  if (d.init && !isFreshAllocation(d.init, ctx, ix)) return false;
  const fn = enclosingFunction(d.declNode);
  if (!fn || ix.mentionedByDirective(d.name)) return false;
  let assigned = false;
  for (const use of ctx.facts.occurrences(d, fn)) {
    if (use.id === d.nameNode.id) continue;
    const parent = use.parent;
    if (!parent || parent.type === 'update_expression' || parent.type === 'parenthesized_expression') return false;
    if (parent.type === 'assignment_expression' && parent.childForFieldName('left')?.id === use.id) {
      const value = parent.childForFieldName('right');
      if (parent.childForFieldName('operator')?.type !== '=' || !value) return false;
      if (isFreshAllocation(value, ctx, ix)) assigned = true;
      else if (!rotatesOwnObjects(parent, d, ctx, ix, checking)) return false;
    }
    if (parent.type === 'argument_list' && ix.cxx && !byValueArgument(parent, use, ix)) return false;
    // `ALIAS(a, b)` may expand to `double *a = b;`: a macro sees names, not values.
    if (insideMacroCall(use, ix)) return false;
  }
  return d.init !== null || assigned;
}

/** The assignment is part of a swap or rotation among pointers that each name their own object (`checking`: those already being tested, assumed to). */
function rotatesOwnObjects(assignment: Node, d: Decl, ctx: AnalysisContext, ix: SoundIndex, checking: Set<string>): boolean {
  const members = permutedByRun(assignment, ctx.resolver);
  if (!members) return false;
  checking.add(d.key);
  return members.every((m) => checking.has(m.key) || holdsOwnAllocation(m, ctx, ix, checking));
}

/** C++: a call that cannot rebind a pointer argument (`free(p)`, or a function of this file taking it by value). */
function byValueArgument(args: Node, use: Node, ix: SoundIndex): boolean {
  const call = args.parent;
  const callee = call?.type === 'call_expression' ? calleeName(call) : null;
  if (callee === 'free' || callee === 'std::free') return true;
  const defs = callee ? ix.functionDefs.get(callee) : undefined;
  if (!defs || defs.length !== 1) return false;
  const at = codeChildren(args).findIndex((a) => a.id === use.id);
  const param = parametersOf(defs[0])[at];
  return param !== undefined && param.type === 'parameter_declaration' && !/&/.test(param.childForFieldName('declarator')?.text ?? '&');
}

/** The parameter declarations of a function definition, in order. */
function parametersOf(fn: Node): Node[] {
  const params = functionDeclarator(fn)?.childForFieldName('parameters');
  return params ? codeChildren(params) : [];
}

/** The direct calls of a function that this file holds all of: its name, parameters and each call's arguments. */
export interface EveryCall {
  readonly name: string;
  readonly params: readonly Node[];
  readonly calls: readonly { readonly call: Node; readonly args: readonly Node[] }[];
}

/**
 * Every call of the function that declares parameter `p`, when they are all direct calls in this
 * file (see the file comment), or why that cannot be shown.
 */
export function everyCall(p: Decl, ctx: AnalysisContext, ix: SoundIndex): EveryCall | { readonly why: string } {
  const fn = enclosingFunction(p.declNode);
  const root = fn?.parent;
  const name = fn ? definedFunctionName(fn) : null;
  const called = `\`${name ?? 'its function'}\``;
  if (p.kind !== 'param' || !fn || !root || root.type !== 'translation_unit' || root.hasError) return { why: `${called} is not a function defined at file scope` };
  if (!ctx.file.functions.has('main')) return { why: 'this file has no `main`, so other files may call it' };
  const specifiers = fn.namedChildren.filter((c): c is Node => c !== null && (c.type === 'storage_class_specifier' || c.type === 'function_specifier'));
  if (!specifiers.some((s) => s.text === 'static') || specifiers.some((s) => /inline/.test(s.text))) return { why: `${called} is not \`static\` (or is \`inline\`), so callers in other files are not seen` };
  if (!name || name === 'main' || ix.functionDefs.get(name)?.length !== 1 || ix.mentionedByDirective(name)) return { why: `${called} is defined more than once or named by a preprocessor line` };
  // Code included after the definition is not parsed here and could call it.
  const include = root.descendantsOfType('preproc_include').find((i) => i !== null && i.startIndex > fn!.startIndex);
  if (include) return { why: `\`${include.text.trim()}\` comes after ${called}, and the code it includes could call it unseen` };
  // `f##_impl` in a macro forms a call no text of the file spells out.
  if (ix.pastesTokens()) return { why: `a macro of this file pastes tokens (\`##\`), so a call of ${called} may be formed that no text spells out` };
  // `__attribute__((alias("f")))` or an asm label `__asm__("f")` gives the function another name.
  const named = root.descendantsOfType('string_literal').find((s) => s !== null && s.text === `"${name}"`);
  if (named) return { why: `the string \`${named.text}\` may give ${called} another name (an \`alias\` attribute or an asm label), under which it may be called unseen` };
  const params = parametersOf(fn);
  if (params.some((q) => q.type !== 'parameter_declaration')) return { why: `${called} takes variadic or unnamed parameters` };
  const calls: { call: Node; args: Node[] }[] = [];
  for (const use of root.descendantsOfType('identifier')) {
    if (!use || use.text !== name) continue;
    const parent = use.parent;
    // The definition's own name and prototypes (`static void f(double *, double *);`).
    if (parent?.type === 'function_declarator' && parent.childForFieldName('declarator')?.id === use.id && (parent.parent?.type === 'declaration' || parent.parent?.id === fn.id)) continue;
    // Anything but a direct call (`&f`, `f` passed or stored, a local variable named `f`) could reach it unseen.
    if (parent?.type !== 'call_expression' || parent.childForFieldName('function')?.id !== use.id || ctx.resolver.resolve(name, use) !== null) return { why: `${called} is used other than by a direct call (\`${(parent ?? use).text}\`), so it may be called unseen` };
    const args = codeChildren(parent.childForFieldName('arguments') as Node);
    if (args.length !== params.length || insideMacroCall(parent, ix)) return { why: `a call of ${called} (\`${parent.text}\`) is inside a macro's arguments or does not match its parameters` };
    calls.push({ call: parent, args });
  }
  if (calls.length === 0) return { why: `${called} is never called in this file` };
  return { name, params, calls };
}

/**
 * Why two pointer parameters of one function never overlap, from its call sites, or null when
 * that cannot be shown (see the file comment for the rules). A call may pass its own caller's
 * parameters on (`main` → `step(a, b)` → `kernel(a, b)`): they are separate when the caller's
 * parameters are, by the same rule one level up (`visiting`: the callers on the current chain,
 * so recursion proves nothing).
 */
export function distinctAtEveryCall(a: Decl, b: Decl, ctx: AnalysisContext, ix: SoundIndex, visiting: Set<string> = new Set()): string | null {
  if (a.kind !== 'param' || b.kind !== 'param') return null;
  const every = everyCall(a, ctx, ix);
  // Four levels of pass-through cover real call chains and bound the work on generated code.
  if ('why' in every || visiting.has(every.name) || visiting.size >= 4) return null;
  const ia = every.params.findIndex((p) => p.id === a.declNode.id);
  const ib = every.params.findIndex((p) => p.id === b.declNode.id);
  if (ia < 0 || ib < 0) return null;
  const path = new Set(visiting).add(every.name);
  const chained: string[] = [];
  for (const { args } of every.calls) {
    const oa = argumentObject(args[ia], ctx, ix);
    const ob = argumentObject(args[ib], ctx, ix);
    if (!oa || !ob || oa.key === ob.key) return null;
    const params = [oa, ob].filter((o) => o.kind === 'param');
    if (params.length === 0) continue;
    // A parameter passed on against a local of the same caller: the local's own object (a non-static
    // local array, or fresh allocations) did not exist when the caller was called.
    if (params.length === 1) {
      const local = oa.kind === 'param' ? ob : oa;
      if (local.kind !== 'local' || local.isStatic) return null;
      continue;
    }
    const why = distinctAtEveryCall(oa, ob, ctx, ix, path);
    if (!why) return null;
    chained.push(why);
  }
  const calls = every.calls.length;
  const via = chained.length ? ` (${[...new Set(chained)].join('; ')})` : '';
  return `\`${every.name}\` is static and only called directly, and each of its ${calls} call${calls === 1 ? '' : 's'} passes separate objects as \`${a.name}\` and \`${b.name}\`${via}`;
}

/**
 * The object an argument points into (`a`, `a + k`, `&a[k]`, casts to pointer types of those), when
 * it names its own object, or a pointer parameter of the calling function that it never changes
 * (the object its own callers pass). An offset that uses a pointer's value (`a + (b - a)`) or a
 * round trip through an integer (`(double *)((uintptr_t)a + d)`) may point anywhere: null.
 */
function argumentObject(arg: Node, ctx: AnalysisContext, ix: SoundIndex): Decl | null {
  let e = unparen(arg);
  for (;;) {
    if (e.type === 'cast_expression') {
      if (!isPointerCast(e)) return null;
      e = unparen(e.childForFieldName('value') as Node);
    } else if (e.type === 'binary_expression' && ['+', '-'].includes(e.childForFieldName('operator')?.type ?? '')) {
      if (usesPointerValue(e.childForFieldName('right') as Node, ctx)) return null;
      e = unparen(e.childForFieldName('left') as Node);
    } else if (e.type === 'pointer_expression' && e.text.trimStart().startsWith('&')) {
      const target = unparen(e.childForFieldName('argument') as Node);
      if (target.type !== 'subscript_expression') return null;
      e = unparen(target.childForFieldName('argument') as Node);
      // `&a[i][j]` of an array of pointers would go through loaded rows: one subscript only.
      if (e.type !== 'identifier') return null;
    } else break;
  }
  if (e.type !== 'identifier') return null;
  const d = ctx.resolver.resolve(e.text, e);
  if (!d || !(d.isPointer || d.isArray)) return null;
  if (d.kind === 'param') return unchangedPointerParam(d, ctx, ix) ? d : null;
  return holdsOwnAllocation(d, ctx, ix) ? d : null;
}

/** True when a cast converts to a pointer type (`(double *)x`, `(void *)x`), which keeps the address. */
function isPointerCast(cast: Node): boolean {
  const type = cast.childForFieldName('type');
  return type !== null && type.descendantsOfType('abstract_pointer_declarator').length > 0;
}

/** True when an offset expression uses the value of a pointer or array, or an address (`b - a`, `(long)p`, `&x`), not only elements read through one. */
function usesPointerValue(offset: Node, ctx: AnalysisContext): boolean {
  let found = false;
  walk(offset, (n) => {
    if (found) return false;
    if (n.type === 'sizeof_expression') return false;
    if (n.type === 'pointer_expression' && n.text.trimStart().startsWith('&')) found = true;
    if (n.type === 'identifier') {
      const d = ctx.resolver.resolve(n.text, n);
      // `x[k]`, `*x`, `x->f` read an element: an integer, not the address.
      const p = n.parent;
      const element = p !== null && ((p.type === 'subscript_expression' && p.childForFieldName('argument')?.id === n.id) || (p.type === 'pointer_expression' && p.text.trimStart().startsWith('*')) || (p.type === 'field_expression' && p.childForFieldName('argument')?.id === n.id));
      if (d !== null && (d.isPointer || d.isArray) && !element) found = true;
    }
    return undefined;
  });
  return found;
}

/** True when a pointer parameter keeps the value its caller passed: never assigned, incremented, bound to a reference, address taken or named by a macro. */
function unchangedPointerParam(d: Decl, ctx: AnalysisContext, ix: SoundIndex): boolean {
  if (!d.isPointer || d.isReference || ix.isAddressTaken(d) || ix.macros.has(d.name) || ix.mentionedByDirective(d.name)) return false;
  const fn = enclosingFunction(d.declNode);
  if (!fn) return false;
  for (const use of ctx.facts.occurrences(d, fn)) {
    if (use.id === d.nameNode.id) continue;
    const parent = use.parent;
    if (!parent || parent.type === 'update_expression' || parent.type === 'parenthesized_expression') return false;
    if (parent.type === 'assignment_expression' && parent.childForFieldName('left')?.id === use.id) return false;
    if (parent.type === 'argument_list' && ix.cxx && !byValueArgument(parent, use, ix)) return false;
    if (insideMacroCall(use, ix)) return false;
  }
  return true;
}

/** True when `node` is inside the arguments of a function-like macro's invocation (`M(…)`). */
function insideMacroCall(node: Node, ix: SoundIndex): boolean {
  for (let p = node.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type !== 'call_expression') continue;
    const callee = calleeName(p);
    if (callee && ix.macros.has(callee)) return true;
  }
  return false;
}

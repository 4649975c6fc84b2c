import type { Node } from 'web-tree-sitter';
import { isArithmeticType } from './reductionTypes';
import { boundVariable, type Decl, declsOf, hasThreadStorage, type Resolver } from './scope';
import { contains, unparen, walk } from './syntax';

/** What calling a lambda variable does: only reads (and which outside variables), or why that cannot be told. */
export type LambdaEffect = { readonly pure: true; readonly reads: ReadonlySet<string> } | { readonly pure: false; readonly why: string };

/** How a function called inside the lambda behaves, in the same terms. */
export type InnerCall = LambdaEffect;

/** The lambda a variable holds for good: `auto f = [...](...) {...};` (not `std::function`, which can be reassigned), or null. */
export function lambdaOf(d: Decl): Node | null {
  const init = d.init ? unparen(d.init) : null;
  if (!init || init.type !== 'lambda_expression') return null;
  if (d.isPointer || d.isReference || d.isArray || d.isStatic || d.kind !== 'local' || !/^(?:const\s+)?auto$/.test(d.typeText.trim())) return null;
  return init;
}

/** How each name the lambda captures is captured: by value (a copy made where the lambda is defined) or by reference. */
function captureModes(lambda: Node): { byDefault: 'value' | 'reference' | null; explicit: Map<string, 'value' | 'reference'>; problem: string | null } {
  const spec = lambda.childForFieldName('captures');
  const explicit = new Map<string, 'value' | 'reference'>();
  let byDefault: 'value' | 'reference' | null = null;
  let problem: string | null = null;
  let amp = false;
  for (const c of spec?.children ?? []) {
    if (!c) continue;
    // `[&a]` is the token `&` followed by the identifier.
    if (c.type === '&') {
      amp = true;
      continue;
    }
    if (c.type === 'lambda_default_capture') byDefault = c.text.trim() === '&' ? 'reference' : 'value';
    else if (c.type === 'identifier') explicit.set(c.text, amp ? 'reference' : 'value');
    else if (c.type === 'this') problem = 'captures `this` (members are shared with the caller)';
    else if (c.isNamed && c.type !== 'comment') problem = `captures \`${c.text}\` (init-captures and packs are not followed)`;
    amp = false;
  }
  return { byDefault, explicit, problem };
}

/**
 * Summarises a lambda defined in the enclosing function and called in a loop, so the call can be
 * judged like a call to a pure function of this file. It is pure when its body writes only its
 * own locals and by-value parameters, touches no memory through subscripts, pointers or fields
 * other than its own local arrays, reads outside variables only when they are arithmetic scalars
 * (by-reference captures and globals are reported in `reads`, so the caller can check the loop
 * does not write them; a by-value capture is a copy made before the loop), is not `mutable` (one
 * closure object is shared by every thread), and calls only pure functions (judged by `call`).
 */
export function lambdaEffect(resolver: Resolver, lambda: Node, call: (n: Node) => InnerCall): LambdaEffect {
  const body = lambda.childForFieldName('body');
  const declarator = lambda.childForFieldName('declarator');
  if (!body) return { pure: false, why: 'has no body ParaForge can read' };
  if (declarator && declarator.children.some((c) => c?.text === 'mutable')) return { pure: false, why: 'is `mutable`: its by-value copies live in one closure object that every thread would share' };
  const ret = declarator?.children.find((c) => c?.type === 'trailing_return_type');
  if (ret && /[&*]/.test(ret.text)) return { pure: false, why: `returns \`${ret.text.replace(/^->\s*/, '')}\`: the caller may write through it` };
  const captures = captureModes(lambda);
  if (captures.problem) return { pure: false, why: captures.problem };
  // Parameters: by value, or `const T &` (read-only views of the argument the loop itself reads).
  const params = new Map<string, Decl>();
  for (const p of declarator?.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type !== 'parameter_declaration') continue;
    // A class parameter taken by value, `const &` or `&&` (named or not) may be built by a constructor at every call.
    const marks = p.childForFieldName('declarator')?.text.replace(/\w+/g, '') ?? '';
    const byValue = !/[&*]/.test(marks) || /&&/.test(marks) || (/&/.test(marks) && !/\*/.test(marks) && /^\s*const\b|\bconst\s*&/.test(p.text));
    const paramType = p.childForFieldName('type')?.text ?? '';
    if (byValue && !isArithmeticType(paramType) && !/^(?:const\s+)?auto$/.test(paramType.trim()) && !/^(?:const\s+)?std::/.test(paramType.trim())) return { pure: false, why: `takes \`${p.text}\`: building its argument may run a constructor ParaForge does not analyse` };
    for (const d of declsOf(p, 'param')) {
      if (d.isPointer || d.isArray || (d.isReference && !d.isConst) || /&&/.test(p.text)) return { pure: false, why: `takes \`${p.text}\`: a pointer or non-const reference parameter gives it the caller's memory` };
      params.set(d.name, d);
    }
  }
  const reads = new Set<string>();
  let why: string | null = null;
  const fail = (w: string) => {
    why ??= w;
  };
  const own = (name: Node): 'local' | 'param' | Decl | null => {
    const d = resolver.resolve(name.text, name);
    if (d && contains(lambda, d.declNode)) return d.isStatic ? d : 'local';
    if (params.has(name.text)) return 'param';
    return d;
  };
  const rootName = (n: Node): Node | null => {
    let x = unparen(n);
    while (x.type === 'subscript_expression' || x.type === 'field_expression') x = unparen(x.childForFieldName('argument') as Node);
    return x.type === 'identifier' ? x : null;
  };
  const visit = (n: Node): boolean | undefined => {
    if (why) return false;
    switch (n.type) {
      case 'lambda_expression':
        fail('defines another lambda inside it');
        return false;
      case 'this':
      case 'goto_statement':
      case 'throw_expression':
      case 'throw_statement':
      case 'gnu_asm_expression':
      case 'new_expression':
      case 'delete_expression':
        fail(`uses \`${n.text.split(/\s/)[0]}\``);
        return false;
      case 'declaration':
        if (/^\s*(?:static|thread_local|_Thread_local|extern)\b/.test(n.text) || /\bvolatile\b/.test(n.text)) fail(`declares \`${n.text.split(/[=;]/)[0].trim()}\`, which outlives one call or must stay in order`);
        return undefined;
      case 'assignment_expression':
      case 'update_expression': {
        const target = unparen((n.childForFieldName('left') ?? n.childForFieldName('argument')) as Node);
        const root = rootName(target);
        const o = root ? own(root) : null;
        const ok = root !== null && (o === 'local' || (o === 'param' && target.type === 'identifier' && !params.get(root.text)?.isReference));
        if (!ok) fail(`writes \`${target.text}\`, which is not its own local variable: a side effect the loop would share between threads`);
        return undefined;
      }
      case 'subscript_expression':
      case 'field_expression': {
        const root = rootName(n);
        if (!root || own(root) !== 'local' || n.text.includes('->')) fail(`reads memory through \`${n.text}\`, which the loop's dependence analysis does not see`);
        return undefined;
      }
      case 'pointer_expression':
        fail(`uses \`${n.text}\`: memory through a pointer, or an address that escapes`);
        return false;
      case 'call_expression': {
        const c = call(n);
        if (!c.pure) fail(`makes a call that is not pure (${c.why})`);
        else c.reads.forEach((r) => reads.add(r));
        // The callee is judged above; its arguments are read here.
        for (const a of n.childForFieldName('arguments')?.namedChildren ?? []) if (a) walk(a, visit);
        return false;
      }
      case 'identifier':
        visitName(n);
        return undefined;
      default:
        return undefined;
    }
  };
  const visitName = (n: Node): void => {
    const p = n.parent;
    if (p?.type === 'field_expression' && p.childForFieldName('field')?.id === n.id) return;
    const o = own(n);
    if (o === 'local' || o === 'param') return;
    if (o === null) return fail(`uses \`${n.text}\`, which ParaForge cannot resolve to a variable`);
    if (o.isVolatile || o.isPointer || o.isArray || !isArithmeticType(o.typeText)) {
      return fail(`reads \`${n.text}\` (\`${o.typeText}${o.isPointer ? ' *' : ''}${o.isArray ? '[]' : ''}\`), which may give it memory the loop writes`);
    }
    // A thread-local global is one copy per thread: a worker calling the lambda reads its own.
    if (hasThreadStorage(o)) return fail(`reads \`${n.text}\`, which is thread-local: worker threads would see their own copy`);
    const mode = o.kind === 'global' || o.isStatic ? 'reference' : captures.explicit.get(n.text) ?? captures.byDefault;
    if (mode === null) fail(`uses \`${n.text}\`, which it does not capture`);
    // A by-value capture is a copy made before the loop; anything read by reference is checked against the loop's writes.
    else if (mode === 'reference') {
      reads.add(o.key);
      // A reference (`double &last = b.back()`) reads what it is bound to: only a plain variable named in its initialiser is followed.
      if (o.isReference) {
        const bound = boundVariable(resolver, o);
        if (!bound) fail(`reads \`${n.text}\`, a reference that may be bound to an element of memory the loop writes`);
        else reads.add(bound.key);
      }
    }
  };
  walk(body, visit);
  return why ? { pure: false, why } : { pure: true, reads };
}

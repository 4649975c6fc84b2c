import type { Node } from 'web-tree-sitter';
import { classObjectSites, signatureClassProblem } from './classObjects';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { handleType, isThreadLocal, writeTargets } from './memoryRefs';
import type { SoundIndex } from './soundIndex';
import { isStreamName, rootIdentifier } from './sideEffects';
import { functionSites } from './functionSites';
import { STANDARD_CONSTANTS } from './nameChecks';
import { macroProblem } from './preprocessor';
import { boundVariable } from './scope';
import { contains, unparen, walkWithAncestors } from './syntax';

/**
 * Function summaries keyed by the exact callee: a call is judged by the one definition it
 * reaches, never by a simple name that overloads, namespaces or a local variable (a function
 * pointer or lambda) may share. Recursion is summarised as a greatest fixed point: a function is
 * assumed pure while its own cycle is analysed, and results that depended on an unfinished
 * assumption are not remembered until the cycle's root is decided.
 */
export interface CallSummary {
  readonly pure: boolean;
  readonly code?: string;
  readonly why?: string;
  /** Declaration keys of globals the function (transitively) reads by name. */
  readonly globalsRead: ReadonlySet<string>;
  /** True when it reads memory through a global pointer (which may point anywhere). */
  readonly readsThroughGlobalPointer: boolean;
}

/** Summaries of one analysis, with the in-progress stack for recursion. */
export class CallSummaries {
  private readonly done = new Map<number, CallSummary>();
  private readonly stack: { fn: Node; provisional: boolean }[] = [];

  constructor(
    private readonly ctx: AnalysisContext,
    private readonly ix: SoundIndex,
  ) {}

  /** The definition a call reaches, `null` for a library call, or why it cannot be told. */
  target(call: Node): { def: Node } | null | { problem: string; code: string } {
    const f = call.childForFieldName('function');
    if (!f) return { code: 'unknown-call', problem: 'a call ParaForge cannot read' };
    const fn = unparen(f);
    if (fn.type !== 'identifier' && fn.type !== 'qualified_identifier') return null;
    const text = fn.text.replace(/\s+/g, '');
    const simple = text.slice(text.lastIndexOf(':') + 1);
    if (fn.type === 'identifier') {
      const v = this.ctx.resolver.resolve(simple, fn);
      if (v) {
        // A lambda of this function the judge summarised as pure is checked like a pure helper.
        const c = this.ctx.calls.classify(call);
        if (c.kind === 'user-pure') return null;
        if (c.kind === 'unsafe' && c.code === 'impure-lambda') return { code: c.code, problem: c.message };
        return { code: 'call-through-variable', problem: `\`${simple}\` here is the variable declared at line ${v.nameNode.startPosition.row + 1} (a function pointer, lambda or object), not a function: ParaForge cannot tell what it calls` };
      }
    }
    const defs = this.ix.functionDefs.get(simple) ?? [];
    if (defs.length === 0) return null;
    if (defs.length > 1) return { code: 'ambiguous-callee', problem: `${defs.length} functions named \`${simple}\` are defined in this file (overloads, namespaces or classes): ParaForge does not tell which one \`${text}\` calls` };
    const def = defs[0];
    const defScope = namespaces(def);
    const qualifier = text.includes('::') ? text.slice(0, text.lastIndexOf('::')).replace(/^::/, '') : null;
    if (qualifier !== null ? qualifier !== defScope.join('::') && !def.childForFieldName('declarator')?.text.includes(`${qualifier}::`) : defScope.length > 0 && !namespaces(call).join('::').startsWith(defScope.join('::'))) {
      return { code: 'unknown-call', problem: `\`${text}\` may not be the \`${simple}\` defined here (in ${defScope.length ? `namespace ${defScope.join('::')}` : 'the global namespace'}): ParaForge cannot tell what it does` };
    }
    return { def };
  }

  /** The summary of one function definition. */
  summary(def: Node): CallSummary {
    const known = this.done.get(def.id);
    if (known) return known;
    const at = this.stack.findIndex((s) => s.fn.id === def.id);
    if (at >= 0) {
      // Recursion: assume pure for now; every frame above depends on that assumption.
      for (let i = at + 1; i < this.stack.length; i++) this.stack[i].provisional = true;
      return { pure: true, globalsRead: new Set(), readsThroughGlobalPointer: false };
    }
    const frame = { fn: def, provisional: false };
    this.stack.push(frame);
    const result = this.analyse(def);
    this.stack.pop();
    // Remember only what did not rest on an unfinished assumption (or is impure regardless).
    if (!frame.provisional || !result.pure) this.done.set(def.id, result);
    return result;
  }

  private analyse(def: Node): CallSummary {
    const { resolver } = this.ctx;
    const body = def.childForFieldName('body');
    const globalsRead = new Set<string>();
    let readsThroughGlobalPointer = false;
    let problem: { code: string; why: string } | null = null;
    const fail = (code: string, why: string) => {
      problem ??= { code, why };
    };
    if (!body) return { pure: false, code: 'unknown-call', why: 'has no body here', globalsRead, readsThroughGlobalPointer };
    // Objects of classes with user constructors or destructors run code no call names.
    const signature = signatureClassProblem(def, this.ix);
    if (signature) fail('class-object', signature);
    const made = classObjectSites(body, this.ix)[0];
    if (made) fail('class-object', `${made.why}, which runs on every call`);
    // The body's writes: those of the definition that lie in the body (not in default arguments).
    for (const t of writeTargets(resolver, def).filter((w) => contains(body, w))) {
      const u = unparen(t);
      const root = rootIdentifier(u);
      const d = root ? resolver.resolve(root.text, root) : null;
      const own = d !== null && d.kind !== 'global' && !d.isStatic && !d.isReference && contains(def, d.declNode) && !/\bextern\b/.test(d.declNode.text.split(/[=;{]/)[0]);
      if (u.type === 'identifier' ? !own : !(own && d.isArray && d.kind === 'local')) {
        fail('impure-call', `writes \`${u.text}\`, which is not its own local variable: a side effect visible outside the call`);
      }
    }
    walkWithAncestors(body, (n, ancestors) => {
      if (problem) return false;
      const parent = ancestors[ancestors.length - 1];
      switch (n.type) {
        case 'declaration':
          if (/^\s*(?:static|extern|thread_local|_Thread_local|__thread)\b/.test(n.text) || n.namedChildren.some((c) => c?.type === 'storage_class_specifier' && /static|extern|thread_local/.test(c.text))) {
            fail('static-local', `declares \`${n.text.split(/[=;]/)[0].trim()}\`: static, extern and thread-local variables are shared between calls (or per thread)`);
          }
          break;
        case 'call_expression': {
          const t = this.target(n);
          if (t && 'problem' in t) fail(t.code, `calls ${t.problem}`);
          else if (t) {
            const s = this.summary(t.def);
            if (!s.pure) fail(s.code ?? 'impure-call', `calls a function that ${s.why}`);
            s.globalsRead.forEach((g) => globalsRead.add(g));
            if (s.readsThroughGlobalPointer) readsThroughGlobalPointer = true;
          } else {
            const c = this.ctx.calls.classify(n);
            if (c.kind === 'unsafe' || c.kind === 'macro') fail(c.kind === 'unsafe' ? c.code : 'macro', `calls something unsafe (${c.message})`);
          }
          break;
        }
        case 'identifier': {
          if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === n.id) break;
          if (parent?.type === 'qualified_identifier') break;
          // A macro the loop itself could not use is no safer in a callee: `#define BUMP (++calls)`.
          const macro = this.ix.macros.get(n.text);
          const macroWhy = macro ? macroProblem(macro) : null;
          if (macroWhy) {
            fail('macro', `uses a macro: ${macroWhy}`);
            break;
          }
          const d = resolver.resolve(n.text, n);
          if (!d) {
            if (n.text === 'errno') fail('per-thread-state', 'uses `errno`, which is per thread');
            else if (!macro && /^[A-Z][A-Z0-9_]*$/.test(n.text) && !STANDARD_CONSTANTS.has(n.text) && !this.ix.functionDefs.has(n.text) && !this.ctx.file.enumerators.has(n.text) && !this.ix.localEnumeratorsOf(def).has(n.text)) {
              fail('macro', `uses \`${n.text}\`, which is not declared in this file: most likely a macro from a header, which ParaForge cannot see through`);
            } else if (!this.ix.functionDefs.has(n.text) && !this.ctx.file.enumerators.has(n.text) && !this.ix.localEnumeratorsOf(def).has(n.text) && !this.ix.macros.has(n.text) && !/^[A-Z][A-Z0-9_]*$/.test(n.text)) {
              fail('unknown-name', `uses \`${n.text}\`, which is not declared in it or in this file (a member or a name from a header)`);
            }
            break;
          }
          if (d.isVolatile) fail('volatile', `uses the volatile \`${n.text}\``);
          // A reference from outside (`static double &origin = grid[0]`) reads what it is bound to, which may be an element the loop writes.
          if (d.isReference && !contains(def, d.declNode)) {
            const bound = boundVariable(resolver, d);
            if (!bound) fail('reference-read', `reads \`${n.text}\`, a reference bound to \`${d.init?.text ?? '…'}\`, which may be an element of memory the loop writes`);
            else if (bound.kind === 'global') globalsRead.add(bound.key);
          }
          if (d.kind === 'global' && isThreadLocal(d, this.ix)) fail('thread-local', `uses \`${n.text}\`, which is thread-local: worker threads would see their own copy`);
          if (d.kind === 'global') {
            // A global iterator or wrapper reads memory its name does not show.
            const handle = !d.isPointer && !d.isArray ? handleType(d, this.ix) : null;
            if (handle) fail('handle-read', `reads \`${n.text}\` (${handle}), which may point at an element of memory the loop writes`);
            globalsRead.add(d.key);
            const p = parent;
            const deref = (p?.type === 'subscript_expression' && p.childForFieldName('argument')?.id === n.id) || (p?.type === 'pointer_expression' && p.text.startsWith('*')) || (p?.type === 'field_expression' && p.children.some((c) => c?.type === '->'));
            if (d.isPointer && (deref || p?.type === 'binary_expression')) readsThroughGlobalPointer = true;
          }
          break;
        }
        case 'qualified_identifier':
          if (isStreamName(n.text)) fail('io-call', 'writes to a stream');
          else if (!/^::?std::/.test(n.text) && !/^std::/.test(n.text) && parent?.type !== 'call_expression') fail('unknown-name', `uses \`${n.text}\`, a qualified name ParaForge does not resolve`);
          break;
        case 'pointer_expression': {
          // `(&x)[1]` of a `const double &x` parameter reads past the argument the caller sees passed.
          const arg = n.text.trimStart().startsWith('&') ? unparen(n.childForFieldName('argument') as Node) : null;
          const d = arg?.type === 'identifier' ? resolver.resolve(arg.text, arg) : null;
          if (d && d.kind === 'param' && d.isReference && contains(def, d.declNode)) fail('param-address', `takes the address of its reference parameter \`${d.name}\`: it may reach the caller's memory around the argument`);
          break;
        }
        case 'this':
          fail('unknown-name', 'uses `this`: its members are shared with the caller');
          break;
        case 'gnu_asm_expression':
          fail('inline-asm', 'contains inline assembly');
          break;
        case 'throw_expression':
        case 'throw_statement':
          fail('throw', 'may throw');
          break;
        case 'goto_statement':
          fail('goto', 'uses goto');
          break;
        case 'lambda_expression':
          fail('lambda', 'defines a lambda ParaForge does not analyse');
          return false;
        default:
          break;
      }
      return undefined;
    });
    const p = problem as { code: string; why: string } | null;
    return p ? { pure: false, code: p.code, why: p.why, globalsRead, readsThroughGlobalPointer } : { pure: true, globalsRead, readsThroughGlobalPointer };
  }
}

/** Names of the namespaces around a node, outermost first. */
function namespaces(n: Node): string[] {
  const out: string[] = [];
  for (let p = n.parent; p; p = p.parent) if (p.type === 'namespace_definition') out.unshift(p.childForFieldName('name')?.text ?? '');
  return out;
}

/**
 * Judges every call in the loop by its exact callee and sound summary, and checks that globals
 * the callees read (by name or through global pointers) are not written by the loop.
 */
export function callChecks(ctx: AnalysisContext, summaries: CallSummaries, loop: Node, findings: Findings): void {
  const globalsRead = new Set<string>();
  let throughPointer: Node | null = null;
  const sites = functionSites(ctx.resolver, loop);
  for (const c of sites.inside(loop)) {
    if (c.type !== 'call_expression' || sites.inLambdaWithin(c, loop)) continue;
    const n = c.node;
    const t = summaries.target(n);
    if (t && 'problem' in t) findings.block(t.code, t.problem, n);
    else if (t) {
      const s = summaries.summary(t.def);
      const name = n.childForFieldName('function')?.text ?? '?';
      if (!s.pure) findings.block(s.code ?? 'impure-call', `\`${name}\` ${s.why}`, n);
      s.globalsRead.forEach((g) => globalsRead.add(g));
      if (s.readsThroughGlobalPointer) throughPointer ??= n;
    }
  }
  if (globalsRead.size === 0 && !throughPointer) return;
  for (const t of writeTargets(ctx.resolver, loop)) {
    const u = unparen(t);
    const root = rootIdentifier(u);
    const d = root ? ctx.resolver.resolve(root.text, root) : null;
    if (d && globalsRead.has(d.key)) findings.block('call-reads-written-global', `a function called in the loop reads \`${d.name}\`, which the loop writes`, u);
    if (throughPointer && (u.type !== 'identifier' || d?.kind === 'global')) {
      findings.block('call-reads-through-global-pointer', `\`${(throughPointer as Node).childForFieldName('function')?.text}\` reads memory through a global pointer, and the loop writes \`${u.text}\`: they may be the same memory`, u);
    }
  }
}

import type { Node } from 'web-tree-sitter';
import { classObjectSites } from './classObjects';
import { lambdaEffect, lambdaOf } from './lambdas';
import { soundIndex } from './soundIndex';
import type { FileIndex, Resolver } from './scope';
import { calleeName, unparen, walk } from './syntax';

const MATH = [
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh',
  'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'pow', 'sqrt', 'cbrt', 'hypot', 'fabs', 'fmin', 'fmax',
  'fmod', 'floor', 'ceil', 'round', 'lround', 'llround', 'trunc', 'rint', 'lrint', 'nearbyint', 'erf', 'erfc', 'tgamma',
  'copysign', 'fma', 'fdim', 'ldexp', 'remainder',
];
/** Functions with no side effects and no hidden state: calling them in parallel is safe. */
const PURE = new Set<string>([
  ...MATH,
  ...MATH.map((f) => f + 'f'),
  ...MATH.map((f) => f + 'l'),
  'abs', 'labs', 'llabs', 'isnan', 'isinf', 'isfinite', 'signbit',
  ...[...MATH, 'abs', 'min', 'max', 'clamp', 'isnan', 'isinf', 'isfinite'].map((f) => `std::${f}`),
  // Container sizes (read-only: the loop cannot resize through them).
  'std::size', 'std::ssize',
]);
const IO = new Set([
  'printf', 'fprintf', 'sprintf', 'snprintf', 'puts', 'fputs', 'putchar', 'fputc', 'putc', 'scanf', 'fscanf', 'sscanf',
  'getchar', 'getc', 'fgetc', 'fgets', 'gets', 'fread', 'fwrite', 'fopen', 'fclose', 'fflush', 'perror', 'write', 'read',
  'std::printf', 'std::fprintf', 'std::puts', 'std::putchar', 'std::scanf', 'std::fwrite', 'std::fread', 'std::getline',
]);
const HIDDEN_STATE = new Set(['rand', 'srand', 'random', 'srandom', 'drand48', 'lrand48', 'mrand48', 'erand48', 'std::rand', 'strtok', 'time', 'clock', 'lgamma']);
const EXIT = new Set(['exit', 'abort', '_Exit', 'quick_exit', 'longjmp', 'std::exit', 'std::abort', 'std::terminate']);
const STREAMS = /^(?:std::)?(?:cout|cerr|clog|cin)$/;
/** Read-only C++ container methods. */
const CONST_METHODS = new Set(['.size', '.length', '.empty']);
/** Free functions that call those methods. */
const CONTAINER_QUERIES = new Set(['std::size', 'std::ssize', 'std::empty']);

// Function names declared or defined anywhere in a tree (class members included), per tree.
const declaredNames = new WeakMap<Node['tree'], Set<string>>();

/** True when the file declares or defines a function (a method included) with this simple name. */
function declaresFunctionNamed(at: Node, name: string): boolean {
  let names = declaredNames.get(at.tree);
  if (!names) {
    names = new Set();
    for (const d of at.tree.rootNode.descendantsOfType('function_declarator')) {
      const id = d.childForFieldName('declarator')?.text;
      if (id) names.add(id.slice(id.lastIndexOf(':') + 1).trim());
    }
    declaredNames.set(at.tree, names);
  }
  return names.has(name);
}

/** How a call affects parallel safety. */
export type CallClass =
  | { readonly kind: 'pure' }
  | { readonly kind: 'user-pure'; readonly globalsRead: ReadonlySet<string> }
  | { readonly kind: 'unsafe'; readonly code: string; readonly message: string }
  | { readonly kind: 'macro'; readonly message: string };

/** True for a name that names a C++ standard stream (`std::cout`). */
export function isStreamName(text: string): boolean {
  return STREAMS.test(text.replace(/\s+/g, ''));
}

/** Judges calls, analysing functions defined in the same file once each. */
export class CallJudge {
  private readonly memo = new Map<string, CallClass>();

  constructor(
    private readonly file: FileIndex,
    private readonly resolver: Resolver,
  ) {}

  /** Classifies one call expression. */
  classify(call: Node): CallClass {
    const name = calleeName(call);
    if (call.childForFieldName('arguments')?.type === 'kernel_call_syntax' || call.namedChildren.some((c) => c?.type === 'kernel_call_syntax')) {
      return { kind: 'unsafe', code: 'kernel-launch', message: 'a CUDA kernel launch inside the loop cannot be run from several host threads safely' };
    }
    if (!name) return { kind: 'unsafe', code: 'unknown-call', message: `call through \`${call.childForFieldName('function')?.text ?? '?'}\`: ParaForge cannot tell what it does` };
    // In C, `s.f(x)` calls a function pointer held in a struct field: no method.
    if (name.startsWith('.') && !call.tree.language.idForNodeType('lambda_expression', true)) {
      return { kind: 'unsafe', code: 'call-through-variable', message: `\`${call.childForFieldName('function')?.text ?? name.slice(1)}\` calls through a function pointer held in a struct field: ParaForge does not analyse calls through it, so it cannot tell what the call touches` };
    }
    // A variable (a lambda, function pointer or object defined in this function or file) is not "defined outside this file".
    const fn = call.childForFieldName('function');
    const local = fn?.type === 'identifier' ? this.resolver.resolve(fn.text, fn) : null;
    if (local) {
      const at = `declared at line ${local.nameNode.startPosition.row + 1}`;
      const lambda = lambdaOf(local);
      if (lambda) {
        const e = lambdaEffect(this.resolver, lambda, (n) => {
          const c = this.classify(n);
          return c.kind === 'pure' ? { pure: true, reads: new Set() } : c.kind === 'user-pure' ? { pure: true, reads: c.globalsRead } : { pure: false, why: c.message };
        });
        // Objects the lambda makes run their constructors and destructors on every call (classObjects).
        const made = e.pure ? classObjectSites(lambda, soundIndex(this.file, this.resolver, lambda))[0] : undefined;
        if (made) return { kind: 'unsafe', code: 'impure-lambda', message: `\`${name}\` is the lambda ${at}, and ${made.why}` };
        if (e.pure) return { kind: 'user-pure', globalsRead: e.reads };
        return { kind: 'unsafe', code: 'impure-lambda', message: `\`${name}\` is the lambda ${at}, and it ${e.why}` };
      }
      const what = /^\s*\[/.test(local.init?.text ?? '') ? `holds a lambda but is not an \`auto\` local (a \`std::function\` or static may be given another function)` : 'is a variable (function pointer or object)';
      return { kind: 'unsafe', code: 'call-through-variable', message: `\`${name}\`, ${at}, ${what}: ParaForge does not analyse calls through it, so it cannot tell what the call touches` };
    }
    return this.byName(name, call);
  }

  private byName(name: string, call: Node): CallClass {
    if (this.file.functionLikeMacros.has(name)) return { kind: 'macro', message: `\`${name}(…)\` is a function-like macro: ParaForge cannot see through it` };
    // `m.size()` or `std::size(m)` of a class of this file runs that class's `size()`, which may write.
    if ((CONST_METHODS.has(name) || CONTAINER_QUERIES.has(name)) && declaresFunctionNamed(call, name.slice(name.lastIndexOf(name.startsWith('.') ? '.' : ':') + 1))) {
      return { kind: 'unsafe', code: 'method-call', message: `\`${name.replace(/^\./, '')}\` may call a \`${name.slice(name.lastIndexOf(name.startsWith('.') ? '.' : ':') + 1)}()\` this file declares, which may write: ParaForge does not analyse C++ methods` };
    }
    if (PURE.has(name)) return { kind: 'pure' };
    if (IO.has(name)) return { kind: 'unsafe', code: 'io-call', message: `\`${name}\` does I/O: its output order would change when iterations run in parallel` };
    if (HIDDEN_STATE.has(name)) return { kind: 'unsafe', code: 'hidden-state-call', message: `\`${name}\` keeps hidden state between calls: parallel calls race and change the results` };
    if (EXIT.has(name)) return { kind: 'unsafe', code: 'exit-call', message: `\`${name}\` leaves the loop (and the program) early: OpenMP loops must run every iteration` };
    if (CONST_METHODS.has(name)) return { kind: 'pure' };
    if (name.startsWith('.')) return { kind: 'unsafe', code: 'method-call', message: `method \`${name.slice(1)}\` may modify its object: ParaForge does not analyse C++ methods` };
    const simple = name.slice(name.lastIndexOf(':') + 1);
    const def = this.file.functions.get(simple);
    if (def) return this.userFunction(simple, def);
    if (/^[A-Z][A-Z0-9_]*$/.test(simple)) return { kind: 'macro', message: `\`${name}(…)\` looks like a macro defined elsewhere: ParaForge cannot see through it` };
    // Templates and functions defined in a class body are in this file, but not analysed.
    if (!name.startsWith('std::') && soundIndex(this.file, this.resolver, call).functionDefs.has(simple)) {
      return { kind: 'unsafe', code: 'unknown-call', message: `\`${name}\` is a function template or a function defined in a class of this file, which ParaForge does not analyse: it cannot tell whether it has side effects` };
    }
    return { kind: 'unsafe', code: 'unknown-call', message: `\`${name}\` is defined outside this file: ParaForge cannot tell whether it has side effects` };
  }

  private userFunction(name: string, def: Node): CallClass {
    const known = this.memo.get(name);
    if (known) return known;
    // Assume pure while analysing (recursion); the body's own checks still apply.
    this.memo.set(name, { kind: 'user-pure', globalsRead: new Set() });
    const result = this.analyse(name, def);
    this.memo.set(name, result);
    return result;
  }

  private analyse(name: string, def: Node): CallClass {
    const body = def.childForFieldName('body');
    if (!body) return { kind: 'unsafe', code: 'unknown-call', message: `\`${name}\` has no body here` };
    const globalsRead = new Set<string>();
    let problem: CallClass | null = null;
    const fail = (code: string, why: string) => {
      problem ??= { kind: 'unsafe', code, message: `\`${name}\` ${why}` };
    };
    walk(body, (n) => {
      if (problem) return false;
      switch (n.type) {
        case 'declaration':
          if (n.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static')) fail('static-local', 'has a static local variable: calls share it');
          if (/\bvolatile\b/.test(n.text)) fail('volatile', 'uses a volatile variable');
          break;
        case 'call_expression': {
          const inner = this.classify(n);
          if (inner.kind === 'unsafe') fail(inner.code, `calls something unsafe (${inner.message})`);
          else if (inner.kind === 'macro') fail('macro', `uses a macro: ${inner.message}`);
          else if (inner.kind === 'user-pure') inner.globalsRead.forEach((g) => globalsRead.add(g));
          break;
        }
        case 'gnu_asm_expression':
          fail('inline-asm', 'contains inline assembly');
          break;
        case 'assignment_expression':
        case 'update_expression': {
          const target = unparen((n.childForFieldName('left') ?? n.childForFieldName('argument')) as Node);
          const root = rootIdentifier(target);
          const rootDecl = root ? this.resolver.resolve(root.text, root) : null;
          // Writing an element of the function's own local array is invisible to the caller.
          const ownArray = rootDecl !== null && rootDecl.kind === 'local' && rootDecl.isArray && !rootDecl.isStatic;
          if (target.type !== 'identifier' && !ownArray) fail('impure-call', `writes to memory through \`${target.text}\`: a side effect visible to the caller`);
          else if (target.type === 'identifier') {
            const d = this.resolver.resolve(target.text, target);
            if (!d || d.kind === 'global' || d.isStatic) fail('impure-call', `writes the global \`${target.text}\``);
            else if (d.isReference) fail('impure-call', `writes \`${target.text}\`, a reference to the caller's variable`);
          }
          break;
        }
        case 'identifier': {
          const d = this.resolver.resolve(n.text, n);
          if (d && d.kind === 'global') globalsRead.add(d.key);
          if (d?.isVolatile) fail('volatile', `uses the volatile \`${n.text}\``);
          break;
        }
        case 'qualified_identifier':
          if (isStreamName(n.text)) fail('io-call', 'writes to a stream');
          break;
        case 'throw_expression':
          fail('throw', 'may throw');
          break;
        case 'goto_statement':
          fail('goto', 'uses goto');
          break;
        default:
          break;
      }
      return undefined;
    });
    return problem ?? { kind: 'user-pure', globalsRead };
  }
}

/** The variable at the root of `a[i].f[j]` or `p->x`: `a`, `p`; null for anything else. */
export function rootIdentifier(node: Node): Node | null {
  let n = unparen(node);
  for (;;) {
    if (n.type === 'identifier') return n;
    if (n.type === 'subscript_expression' || n.type === 'field_expression' || n.type === 'pointer_expression') {
      const next = n.childForFieldName('argument');
      if (!next) return null;
      n = unparen(next);
    } else return null;
  }
}

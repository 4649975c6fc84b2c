import type { Node } from 'web-tree-sitter';
import type { CallFact } from '../model';
import { nodeRange } from '../parse';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { memoryFill } from './memoryFills';
import type { Decl } from './scope';
import { isStreamName } from './sideEffects';
import { calleeName, contains, unparen, walk } from './syntax';

/** What the first pass over a loop found: declarations, scalar writes, inner loops, calls. */
export interface LoopScan {
  /** Keys (`name@offset`) of variables declared inside the loop. */
  readonly declaredInside: ReadonlySet<string>;
  /** Scalars (plain names) assigned in the loop, by declaration key, with every write. */
  readonly writes: ReadonlyMap<string, { readonly decl: Decl; readonly nodes: Node[] }>;
  /** Every loop statement under (and including) the loop, in source order. */
  readonly innerLoops: readonly Node[];
  /** Globals read by same-file helpers the loop calls. */
  readonly calledGlobals: ReadonlySet<string>;
  /** Assignment targets that are not plain names (`a[i]`, `*p`, `s.x`). */
  readonly memWriteTargets: readonly Node[];
  /** Parameters and globals the loop names: memory a reference parameter may also name. */
  readonly outsideNames: ReadonlySet<string>;
  readonly hasCalls: boolean;
  readonly calls: readonly CallFact[];
  /** A function of this file called in the loop contains a loop (its cost may vary per call). */
  readonly callsWithLoops: boolean;
}

const LOOP_TYPES = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop']);

/**
 * First pass: collects declarations, scalar writes, loops and calls, and records the hazards
 * that block the loop outright (I/O, early exits, volatile, static locals, …) in `findings`.
 */
export function scanLoop(ctx: AnalysisContext, loop: Node, findings: Findings): LoopScan {
  const { resolver } = ctx;
  const block = findings.block.bind(findings);
  const declaredInside = new Set<string>();
  const writes = new Map<string, { decl: Decl; nodes: Node[] }>();
  const innerLoops: Node[] = [];
  const calledGlobals = new Set<string>();
  const memWriteTargets: Node[] = [];
  const outsideNames = new Set<string>();
  const calls: CallFact[] = [];
  const noteWrite = (target: Node) => {
    const t = unparen(target);
    if (t.type !== 'identifier') {
      memWriteTargets.push(t);
      return;
    }
    const d = resolver.resolve(t.text, t);
    if (!d) {
      block('unknown-write', `\`${t.text}\` is written but ParaForge cannot find its declaration`, t);
      return;
    }
    const entry = writes.get(d.key);
    if (entry) entry.nodes.push(t);
    else writes.set(d.key, { decl: d, nodes: [t] });
  };
  let hasCalls = false;
  let callsWithLoops = false;
  walk(loop, (n) => {
    switch (n.type) {
      case 'for_range_loop': {
        innerLoops.push(n);
        // The element (`e` in `for (auto &e : y)`) is declared by the loop, one per iteration.
        const name = n.childForFieldName('declarator')?.descendantsOfType('identifier')[0];
        if (name) declaredInside.add(`${name.text}@${name.startIndex}`);
        break;
      }
      case 'for_statement':
      case 'while_statement':
      case 'do_statement':
        innerLoops.push(n);
        break;
      case 'declaration':
        for (const c of n.namedChildren) {
          if (c?.type === 'storage_class_specifier' && c.text === 'static') block('static-local', 'a `static` variable declared in the loop is shared by all iterations', n);
        }
        if (/\bvolatile\b/.test(n.childForFieldName('type')?.text ?? '') || n.namedChildren.some((c) => c?.type === 'type_qualifier' && c.text === 'volatile')) {
          block('volatile', 'a `volatile` variable is declared in the loop: its accesses must stay in order', n);
        }
        collectDeclaredNames(n, declaredInside);
        break;
      case 'assignment_expression':
        noteWrite(n.childForFieldName('left') as Node);
        break;
      case 'update_expression':
        noteWrite(n.childForFieldName('argument') as Node);
        break;
      case 'pointer_expression':
        if (n.text.startsWith('&')) {
          const arg = unparen(n.childForFieldName('argument') as Node);
          if (arg.type === 'identifier') {
            const d = resolver.resolve(arg.text, arg);
            if (d && !d.isArray && !contains(loop, d.nameNode)) block('address-taken', `the address of \`${arg.text}\` is taken in the loop: ParaForge cannot follow writes through it`, n);
          }
        }
        break;
      case 'call_expression': {
        hasCalls = true;
        // memset/memcpy into a named array: its write and read are memory references (accesses.ts).
        if (memoryFill(ctx, n)) {
          calls.push({ name: calleeName(n) as string, effect: 'fill', range: nodeRange(n) });
          break;
        }
        const c = ctx.calls.classify(n);
        const name = calleeName(n) ?? n.childForFieldName('function')?.text ?? '?';
        if (c.kind === 'macro') findings.unanalysable('macro', c.message, n);
        else if (c.kind === 'unsafe') block(c.code, c.message, n);
        else if (c.kind === 'user-pure') {
          c.globalsRead.forEach((g) => calledGlobals.add(g));
          const def = ctx.file.functions.get(name.slice(name.lastIndexOf(':') + 1));
          if (def && ['for_statement', 'while_statement', 'do_statement', 'for_range_loop'].some((t) => def.descendantsOfType(t).length > 0)) callsWithLoops = true;
        }
        calls.push({
          name,
          effect: c.kind,
          ...(c.kind === 'unsafe' ? { code: c.code } : {}),
          ...(c.kind === 'user-pure' ? { globalsRead: [...c.globalsRead].map((g) => g.split('@')[0]) } : {}),
          range: nodeRange(n),
        });
        break;
      }
      case 'qualified_identifier':
      case 'identifier':
        if (isStreamName(n.text)) block('io-call', `\`${n.text}\` does I/O: its output order would change when iterations run in parallel`, n);
        if (n.type === 'identifier' && n.parent?.type !== 'call_expression') {
          const d = resolver.resolve(n.text, n);
          if (d?.isVolatile) block('volatile', `\`${n.text}\` is volatile: its accesses must stay in order`, n);
          // By-value parameters and this call's own arrays are private: only globals and what
          // pointers, references and array parameters lead to can be shared with the caller.
          if (d && (d.kind === 'global' || d.isPointer || d.isReference || (d.isArray && d.kind === 'param'))) outsideNames.add(d.name);
        }
        break;
      case 'goto_statement':
        block('goto', '`goto` may jump out of the loop or between iterations: OpenMP loops must run every iteration', n);
        break;
      case 'return_statement':
        block('early-exit', '`return` leaves the loop early: an OpenMP loop must run every iteration', n);
        break;
      case 'break_statement': {
        const target = breakTarget(n);
        if (target?.id === loop.id) block('early-exit', '`break` leaves the loop early: an OpenMP loop must run every iteration', n);
        break;
      }
      case 'throw_expression':
      case 'throw_statement':
        block('throw', '`throw` leaves the loop early: an exception cannot escape an OpenMP loop', n);
        break;
      case 'gnu_asm_expression':
        block('inline-asm', 'inline assembly: ParaForge cannot tell what it touches', n);
        break;
      case 'lambda_expression':
        block('lambda', 'a lambda in the loop: ParaForge does not analyse what it captures', n);
        return false;
      case 'new_expression':
      case 'delete_expression':
        block('allocation', 'memory is allocated or freed in the loop: ParaForge keeps such loops sequential', n);
        break;
      case 'preproc_call':
        if (/^#\s*pragma/.test(n.text)) block('nested-pragma', 'a `#pragma` inside the loop: ParaForge does not nest parallel regions', n);
        else findings.unanalysable('preprocessor', 'a preprocessor directive inside the loop: ParaForge cannot see which code is compiled', n);
        break;
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
        findings.unanalysable('preprocessor', 'a preprocessor directive inside the loop: ParaForge cannot see which code is compiled', n);
        return false;
      default:
        break;
    }
    return undefined;
  });
  return { declaredInside, writes, innerLoops, calledGlobals, memWriteTargets, outsideNames, hasCalls, calls, callsWithLoops };
}

/** True when `n` is the name a declarator declares. */
export function isDeclaratorName(n: Node): boolean {
  const p = n.parent;
  return p !== null && (p.type === 'init_declarator' || p.type.endsWith('declarator')) && p.childForFieldName('declarator')?.id === n.id;
}

function collectDeclaredNames(decl: Node, out: Set<string>): void {
  walk(decl, (n) => {
    if (n.type === 'identifier' && isDeclaratorName(n)) out.add(`${n.text}@${n.startIndex}`);
    // `int v;`: the bare name is the declaration's own declarator (its reads are checked in indeterminateLocals.ts).
    if (n.type === 'identifier' && n.parent?.type === 'declaration' && n.parent.childrenForFieldName('declarator').some((d) => d.id === n.id)) out.add(`${n.text}@${n.startIndex}`);
    if (n.type === 'init_declarator') {
      const d = n.childForFieldName('declarator');
      if (d) walk(d, (m) => {
        if (m.type === 'identifier' && isDeclaratorName(m)) out.add(`${m.text}@${m.startIndex}`);
      });
      return false;
    }
    return undefined;
  });
}

/** The loop or switch a `break` leaves. */
export function breakTarget(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) {
    if (LOOP_TYPES.has(p.type) || p.type === 'switch_statement') return p;
  }
  return null;
}

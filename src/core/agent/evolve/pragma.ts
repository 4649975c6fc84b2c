import type { Node, Tree } from 'web-tree-sitter';
import { isLoopNode } from '../../parse';
import { findFunctions } from '../splice';

/**
 * OpenMP pragma lines as data the evolve loop mutates: directive words and clauses, parsed from and
 * printed back to one `#pragma omp …` line, and the places in a candidate where such a pragma sits
 * on a loop (with the loop nest around it, which decides what a mutation may do).
 */

/** One clause: `schedule(dynamic,4)` is { name: 'schedule', arg: 'dynamic,4' }; `nowait` has arg null. */
export interface Clause {
  readonly name: string;
  readonly arg: string | null;
}

/** A parsed `#pragma omp` line. */
export interface OmpPragma {
  /** Directive words: ['parallel', 'for'], ['parallel', 'for', 'simd'], ['for'], ['parallel']. */
  readonly words: readonly string[];
  readonly clauses: readonly Clause[];
}

const DIRECTIVE_WORDS = new Set(['parallel', 'for', 'simd', 'loop', 'distribute', 'teams', 'target']);

/** Parses `#pragma omp parallel for schedule(static) reduction(+:s)` (or the part after `#pragma`). */
export function parseOmp(line: string): OmpPragma | null {
  const text = line.replace(/\\\r?\n/g, ' ').replace(/^\s*#\s*pragma\s+/, '').trim();
  if (!/^omp\b/.test(text)) return null;
  let rest = text.slice(3).trim();
  const words: string[] = [];
  const clauses: Clause[] = [];
  while (rest.length) {
    const m = /^([A-Za-z_]\w*)\s*/.exec(rest);
    if (!m) return null;
    rest = rest.slice(m[0].length);
    if (rest.startsWith('(')) {
      let depth = 0;
      let i = 0;
      for (; i < rest.length; i++) {
        if (rest[i] === '(') depth++;
        else if (rest[i] === ')' && --depth === 0) break;
      }
      if (depth !== 0 && i >= rest.length) return null;
      clauses.push({ name: m[1], arg: rest.slice(1, i).trim() });
      rest = rest.slice(i + 1).replace(/^[\s,]+/, '');
    } else if (clauses.length === 0 && DIRECTIVE_WORDS.has(m[1])) {
      words.push(m[1]);
      rest = rest.replace(/^[\s,]+/, '');
    } else {
      clauses.push({ name: m[1], arg: null });
      rest = rest.replace(/^[\s,]+/, '');
    }
  }
  return { words, clauses };
}

/** Prints a pragma back to one line: `#pragma omp parallel for schedule(dynamic,4)`. */
export function formatOmp(p: OmpPragma): string {
  return ['#pragma omp', ...p.words, ...p.clauses.map((c) => (c.arg === null ? c.name : `${c.name}(${c.arg})`))].join(' ');
}

/** The pragma with clause `name` set to `arg` (added, replaced, or removed when arg is undefined). */
export function withClause(p: OmpPragma, name: string, arg: string | null | undefined): OmpPragma {
  const clauses = p.clauses.filter((c) => c.name !== name);
  if (arg !== undefined) clauses.push({ name, arg });
  return { words: p.words, clauses };
}

/** The clause's argument, undefined when absent. */
export function clauseArg(p: OmpPragma, name: string): string | null | undefined {
  return p.clauses.find((c) => c.name === name)?.arg;
}

/** An omp pragma on a loop in the candidate, with the nest shape around it. */
export interface PragmaSite {
  readonly pragma: OmpPragma;
  /** Offsets of the pragma line (the `#` to the end of its text; the line's indentation and newline stay). */
  readonly pragmaStart: number;
  readonly pragmaEnd: number;
  /** The loop statement the pragma applies to. */
  readonly loopStart: number;
  readonly loopEnd: number;
  /** 1 + the number of loops perfectly nested under it (each the only statement of the body above). */
  readonly perfectDepth: number;
  /** The loop directly inside, when it is the body's only statement (a parallel-level move inward). */
  readonly inner: { readonly start: number; readonly end: number } | null;
  /** The loop around it, when the pragma's loop is that loop's only statement (a move outward), and whether it declares its counter. */
  readonly outer: { readonly start: number; readonly end: number; readonly declaresCounter: boolean; readonly hasPragma: boolean } | null;
  /** 1-based line of the loop. */
  readonly line: number;
}

/** The only statement of a loop's body when it is a loop (through one level of braces), else null. */
export function onlyInnerLoop(loop: Node): Node | null {
  let body = loop.childForFieldName('body');
  if (body?.type === 'compound_statement') {
    const stmts = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (stmts.length !== 1) return null;
    body = stmts[0];
  }
  return body && body.type === 'for_statement' ? body : null;
}

function parentLoopOfOnly(loop: Node): Node | null {
  let p = loop.parent;
  if (p?.type === 'compound_statement') {
    const stmts = p.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (stmts.length !== 1) return null;
    p = p.parent;
  }
  return p && p.type === 'for_statement' ? p : null;
}

function pragmaOf(loop: Node): Node | null {
  let prev = loop.previousSibling;
  while (prev && prev.type === 'comment') prev = prev.previousSibling;
  if (prev?.type !== 'preproc_call' || prev.childForFieldName('directive')?.text !== '#pragma') return null;
  return /^\s*omp\b/.test(prev.childForFieldName('argument')?.text ?? '') ? prev : null;
}

/** Every omp pragma on a for loop inside `functionName` (or anywhere when null), in source order. */
export function pragmaSites(tree: Tree, functionName: string | null): PragmaSite[] {
  const roots = functionName ? findFunctions(tree, functionName) : [tree.rootNode];
  const sites: PragmaSite[] = [];
  const visit = (n: Node) => {
    if (n.type === 'for_statement') {
      const pragmaNode = pragmaOf(n);
      const pragma = pragmaNode ? parseOmp(pragmaNode.text.trim()) : null;
      if (pragmaNode && pragma) {
        let depth = 1;
        for (let l: Node | null = onlyInnerLoop(n); l; l = onlyInnerLoop(l)) depth++;
        const inner = onlyInnerLoop(n);
        const outer = parentLoopOfOnly(n);
        const init = outer?.childForFieldName('initializer');
        sites.push({
          pragma,
          pragmaStart: pragmaNode.startIndex,
          pragmaEnd: pragmaNode.startIndex + pragmaNode.text.trimEnd().length,
          loopStart: n.startIndex,
          loopEnd: n.endIndex,
          perfectDepth: depth,
          inner: inner ? { start: inner.startIndex, end: inner.endIndex } : null,
          outer: outer ? { start: outer.startIndex, end: outer.endIndex, declaresCounter: init?.type === 'declaration', hasPragma: pragmaOf(outer) !== null } : null,
          line: n.startPosition.row + 1,
        });
      }
    }
    for (const c of n.namedChildren) if (c && (isLoopNode(c) || c.namedChildCount > 0)) visit(c);
  };
  for (const r of roots) visit(r);
  return sites;
}

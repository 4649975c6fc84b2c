import type { Node, Tree } from 'web-tree-sitter';
import type { LanguageId } from '../../model';
import { findFunctions } from '../splice';
import { interchangeOp, tilingOp } from './loopMutations';
import { clauseArg, formatOmp, onlyInnerLoop, parseOmp, withClause, type OmpPragma, type PragmaSite } from './pragma';

/**
 * Deterministic mutations of a candidate's OpenMP pragmas (no LLM): schedule kind and chunk,
 * collapse depth, simd, the parallel level, hoisting the parallel region out of a sequential loop,
 * num_threads, proc_bind, and a reduction clause traded for privatised partial sums. Each is a pure
 * function of the text, the site and the random draw; legality is left to the clause check and the gate.
 * Loop interchange and tiling (loopMutations.ts) are applied only where the analysis facts prove them legal.
 */

/** A seeded pseudo-random source (mulberry32): the same seed gives the same run. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

/** A seeded generator; pure apart from its own state. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (items) => items[Math.floor(next() * items.length)] };
}

/** A mutated text and what changed, for the candidate's description. */
export interface Mutant {
  readonly text: string;
  readonly description: string;
  /** The mutation writes constructs the dependence analysis does not model (a parallel region with partials): skip the clause check. */
  readonly skipFactsCheck?: boolean;
}

/** What a mutation reads besides the site. */
export interface MutationInput {
  readonly text: string;
  readonly tree: Tree;
  readonly language: LanguageId;
  readonly site: PragmaSite;
  readonly rng: Rng;
  readonly targetThreads: number;
  readonly functionName: string | null;
}

/** A named mutation operator. */
export interface MutationOperator {
  readonly name: string;
  apply(input: MutationInput): Mutant | null;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function indentAt(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))?.[0] ?? '';
}

function setPragma(input: MutationInput, p: OmpPragma, what: string): Mutant {
  const { text, site } = input;
  return { text: splice(text, site.pragmaStart, site.pragmaEnd, formatOmp(p)), description: `${what} on the loop at line ${site.line}` };
}

const SCHEDULES = ['static', 'static,1', 'static,16', 'dynamic', 'dynamic,1', 'dynamic,4', 'dynamic,16', 'dynamic,64', 'guided', 'guided,8', null] as const;

/** schedule(kind[,chunk]), or none. */
export const scheduleOp: MutationOperator = {
  name: 'schedule',
  apply(input) {
    const current = clauseArg(input.site.pragma, 'schedule')?.replace(/\s+/g, '') ?? null;
    const choices = SCHEDULES.filter((s) => s !== current);
    const s = input.rng.pick(choices);
    return setPragma(input, withClause(input.site.pragma, 'schedule', s ?? undefined), s ? `schedule(${s})` : 'no schedule clause');
  },
};

/** collapse(k) up to the perfectly nested depth (at most 3). */
export const collapseOp: MutationOperator = {
  name: 'collapse',
  apply(input) {
    const depth = Math.min(3, input.site.perfectDepth);
    if (depth < 2) return null;
    const current = Number(clauseArg(input.site.pragma, 'collapse') ?? 1);
    const choices = Array.from({ length: depth }, (_, i) => i + 1).filter((k) => k !== current);
    const k = input.rng.pick(choices);
    return setPragma(input, withClause(input.site.pragma, 'collapse', k === 1 ? undefined : String(k)), k === 1 ? 'no collapse' : `collapse(${k})`);
  },
};

/** `parallel for` ↔ `parallel for simd`. */
export const simdOp: MutationOperator = {
  name: 'simd',
  apply(input) {
    const p = input.site.pragma;
    if (!p.words.includes('for')) return null;
    const has = p.words.includes('simd');
    return setPragma(input, { words: has ? p.words.filter((w) => w !== 'simd') : [...p.words, 'simd'], clauses: p.clauses }, has ? 'without simd' : 'with simd');
  },
};

/** Moves the pragma one loop inward (to the only loop in the body) or outward (to the loop whose only statement it is). */
export const parallelLevelOp: MutationOperator = {
  name: 'parallel-level',
  apply(input) {
    const { text, site } = input;
    const moves: ('in' | 'out')[] = [];
    if (site.inner) moves.push('in');
    if (site.outer && !site.outer.hasPragma) moves.push('out');
    if (moves.length === 0) return null;
    const move = input.rng.pick(moves);
    const p = withClause(site.pragma, 'collapse', undefined);
    const dest = move === 'in' ? site.inner!.start : site.outer!.start;
    const line = `${formatOmp(p)}\n${indentAt(text, dest)}`;
    // Remove the pragma's whole line, then insert before the destination loop (offsets shift only when it lies after).
    const from = lineStart(text, site.pragmaStart);
    const to = text.indexOf('\n', site.pragmaEnd) + 1 || text.length;
    const removed = splice(text, from, to, '');
    const at = dest > from ? dest - (to - from) : dest;
    return { text: splice(removed, at, at, line), description: `pragma moved ${move === 'in' ? 'inward' : 'outward'} from the loop at line ${site.line}` };
  },
};

/** num_threads(T) or num_threads(T/2), or none. */
export const numThreadsOp: MutationOperator = {
  name: 'num_threads',
  apply(input) {
    if (!input.site.pragma.words.includes('parallel')) return null;
    const t = input.targetThreads;
    const current = clauseArg(input.site.pragma, 'num_threads');
    const choices = [String(t), String(Math.max(1, Math.floor(t / 2))), null].filter((c) => c !== (current ?? null));
    const c = input.rng.pick(choices);
    return setPragma(input, withClause(input.site.pragma, 'num_threads', c ?? undefined), c ? `num_threads(${c})` : 'no num_threads');
  },
};

/** proc_bind(close|spread), or none. */
export const procBindOp: MutationOperator = {
  name: 'proc_bind',
  apply(input) {
    if (!input.site.pragma.words.includes('parallel')) return null;
    const current = clauseArg(input.site.pragma, 'proc_bind');
    const choices = ['close', 'spread', null].filter((c) => c !== (current ?? null));
    const c = input.rng.pick(choices);
    return setPragma(input, withClause(input.site.pragma, 'proc_bind', c ?? undefined), c ? `proc_bind(${c})` : 'no proc_bind');
  },
};

const REGION_CLAUSES = new Set(['num_threads', 'proc_bind', 'if', 'default', 'shared', 'copyin']);

function splitParallelFor(p: OmpPragma): { region: OmpPragma; loop: OmpPragma } {
  return {
    region: { words: ['parallel'], clauses: p.clauses.filter((c) => REGION_CLAUSES.has(c.name)) },
    loop: { words: p.words.filter((w) => w !== 'parallel'), clauses: p.clauses.filter((c) => !REGION_CLAUSES.has(c.name)) },
  };
}

function statements(block: Node): Node[] {
  return block.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/**
 * Hoists the parallel region out of a sequential loop (a time loop) whose body is only
 * `parallel for` loops: one `#pragma omp parallel` around it, `#pragma omp for` inside, so threads
 * are not forked and joined every step. Only when the outer loop declares its counter (private to each thread).
 */
export const hoistRegionOp: MutationOperator = {
  name: 'hoist-region',
  apply(input) {
    const { text, tree, site } = input;
    const loop = tree.rootNode.descendantForIndex(site.loopStart, site.loopStart + 1);
    let node: Node | null = loop;
    while (node && !(node.type === 'for_statement' && node.startIndex === site.loopStart)) node = node.parent;
    const block = node?.parent;
    const outer = block?.type === 'compound_statement' ? block.parent : null;
    if (!node || !block || !outer || outer.type !== 'for_statement' || outer.childForFieldName('initializer')?.type !== 'declaration') return null;
    const stmts = statements(block);
    const pragmas: { node: Node; p: OmpPragma }[] = [];
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      if (s.type === 'preproc_call') {
        const p = parseOmp(s.text.trim());
        if (!p || !p.words.includes('parallel') || !p.words.includes('for') || stmts[i + 1]?.type !== 'for_statement') return null;
        pragmas.push({ node: s, p });
        i++;
      } else return null;
    }
    if (pragmas.length === 0) return null;
    const outerPragma = outer.previousSibling?.type === 'preproc_call' ? outer.previousSibling : null;
    if (outerPragma && /^#\s*pragma\s+omp\b/.test(outerPragma.text.trim())) return null;
    const region = splitParallelFor(pragmas[0].p).region;
    let out = text;
    for (const { node: pn, p } of [...pragmas].reverse()) {
      const end = pn.startIndex + pn.text.trimEnd().length;
      out = splice(out, pn.startIndex, end, formatOmp(splitParallelFor(p).loop));
    }
    const at = lineStart(out, outer.startIndex);
    out = splice(out, at, at, `${indentAt(text, outer.startIndex)}${formatOmp(region)}\n`);
    return { text: out, description: `parallel region hoisted out of the loop at line ${outer.startPosition.row + 1}` };
  },
};

function declaredType(tree: Tree, functionName: string | null, name: string, before: number): string | null {
  const roots = functionName ? findFunctions(tree, functionName) : [tree.rootNode];
  let found: string | null = null;
  const visit = (n: Node) => {
    if (n.startIndex > before) return;
    if (n.type === 'declaration') {
      for (const d of n.childrenForFieldName('declarator')) {
        const id = d?.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
        if (id?.type === 'identifier' && id.text === name) found = n.childForFieldName('type')?.text ?? null;
      }
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  for (const r of roots) visit(r);
  return found;
}

/**
 * Trades `reduction(+:s)` for privatised partials: each thread sums into its own local in a
 * parallel region, and adds it to `s` once, atomically. For one + or * reduction of a declared scalar.
 */
export const reductionPartialsOp: MutationOperator = {
  name: 'reduction-partials',
  apply(input) {
    const { text, tree, site } = input;
    const p = site.pragma;
    const red = p.clauses.filter((c) => c.name === 'reduction');
    if (red.length !== 1 || !p.words.includes('parallel') || !p.words.includes('for')) return null;
    const m = /^\s*([+*])\s*:\s*([A-Za-z_]\w*)\s*$/.exec(red[0].arg ?? '');
    if (!m) return null;
    const [, op, v] = m;
    const type = declaredType(tree, input.functionName, v, site.pragmaStart);
    if (!type || !/^(double|float|int|long|unsigned|long long|long double|size_t|unsigned long|unsigned int)$/.test(type.trim())) return null;
    const loop = tree.rootNode.descendantForIndex(site.loopStart, site.loopStart + 1);
    let node: Node | null = loop;
    while (node && !(node.type === 'for_statement' && node.startIndex === site.loopStart)) node = node.parent;
    if (!node) return null;
    const part = `${v}__part`;
    const ids: Node[] = [];
    const visit = (n: Node) => {
      if (n.type === 'identifier' && n.text === v) ids.push(n);
      for (const c of n.namedChildren) if (c) visit(c);
    };
    visit(node);
    let loopText = text.slice(node.startIndex, node.endIndex);
    for (const id of ids.reverse()) loopText = splice(loopText, id.startIndex - node.startIndex, id.endIndex - node.startIndex, part);
    const { region, loop: forPragma } = splitParallelFor(withClause(p, 'reduction', undefined));
    const ind = indentAt(text, site.pragmaStart);
    const body = [
      `${formatOmp(region)}`,
      `${ind}{`,
      `${ind}  ${type} ${part} = ${op === '+' ? '0' : '1'};`,
      `${ind}  ${formatOmp({ words: forPragma.words, clauses: [...forPragma.clauses, { name: 'nowait', arg: null }] })}`,
      `${ind}  ${loopText}`,
      `${ind}  #pragma omp atomic`,
      `${ind}  ${v} ${op}= ${part};`,
      `${ind}}`,
    ].join('\n');
    return { text: splice(text, site.pragmaStart, node.endIndex, body), description: `reduction on \`${v}\` as per-thread partials on the loop at line ${site.line}`, skipFactsCheck: true };
  },
};

/** Every deterministic operator, in a fixed order (the draw picks among those that apply). */
export const DETERMINISTIC_OPERATORS: readonly MutationOperator[] = [scheduleOp, collapseOp, simdOp, parallelLevelOp, hoistRegionOp, numThreadsOp, procBindOp, reductionPartialsOp, interchangeOp, tilingOp];

export { onlyInnerLoop, parseOmp };

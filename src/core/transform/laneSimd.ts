import type { Node } from 'web-tree-sitter';
import { parseIntegerLiteral } from '../analysis/literals';
import type { Resolver } from '../analysis/scope';
import { contains, unparen } from '../analysis/syntax';
import type { AffineExpr, LoopFacts, TextEdit } from '../model';
import type { CountedHeader } from './interchangeSyntax';
import { nodeRange } from '../parse';
import { bracedIfBody, insertBeforeLoop } from './openmp/edits';
import { all, impurity, readsOf, type ReorderableLoop, unstableScalar } from './reorderProof';

/**
 * Lanes across j (issue #7 §4): when the k nest of a floating sum has small constant trip counts
 * (a 5x5 filter), the j loop gets `#pragma omp simd` and each k loop `#pragma GCC unroll N` (gcc
 * and clang both read it). The compilers unroll the filter completely, j becomes the innermost
 * loop with a straight-line body, and they vectorise it: lane u computes the sum of j+u with the
 * terms in their original order, so the result is bit for bit the serial one. The lanes run the
 * statements of different j interleaved, so beyond the reordering proof (transform/reorderProof)
 * the consumers of different j must not touch the same memory: each consumer is a local's
 * declaration or `x = pure` into a local, or `A[sub] = pure` where `sub` has a plain `j` term and
 * nothing else that changes within the loop (so different j write different elements), A is
 * written by that statement only, read nowhere in the loop, and proven distinct from every other
 * array the loop reads or writes. Measured on bench/kernels/conv2d.c (gcc 12 -O2, one thread): about
 * 2x the unroll-and-jam, which this replaces there.
 */

/** The largest trip count of one k loop, and of the whole k nest, that is unrolled completely. */
const MAX_TRIPS = 16;
const MAX_BODY = 64;

/** The value of a constant bound: an integer literal (C rules: `010` is 8; optionally negated) or a trusted integer macro. */
function constant(expr: string, resolver: Resolver): number | null {
  const e = expr.replace(/[\s()]/g, '');
  const literal = parseIntegerLiteral(e);
  if (literal !== undefined) return literal;
  const macro = resolver.file.intMacros.get(e.replace(/^-/, ''));
  return macro === undefined ? null : e.startsWith('-') ? -macro : macro;
}

/** The trip counts of the k nest when each is a small constant (unit steps), else null. */
export function constantTrips(ks: readonly CountedHeader[], resolver: Resolver): number[] | null {
  const trips: number[] = [];
  for (const k of ks) {
    const lo = constant(k.lo, resolver);
    const hi = constant(k.hi, resolver);
    if (lo === null || hi === null || Math.abs(k.step) !== 1) return null;
    const up = k.op === '<' || k.op === '<=';
    if (up !== k.step > 0) return null;
    const n = (up ? hi - lo : lo - hi) + (k.op.length === 2 ? 1 : 0);
    if (n < 1 || n > MAX_TRIPS) return null;
    trips.push(n);
  }
  return trips.reduce((a, b) => a * b, 1) <= MAX_BODY ? trips : null;
}

/** True when `sub` names `j` only as a plain term and everything else in it is fixed while the j loop runs. */
function injectiveIn(subs: readonly (AffineExpr | null)[], j: string, fixed: (name: string) => boolean): boolean {
  let plain = false;
  for (const e of subs) {
    if (!e) return false;
    for (const [term, c] of Object.entries(e.terms)) {
      if (c === 0 || term === '') continue;
      if (term === j) plain = true;
      else if (!term.split('*').every((f) => f !== j && fixed(f))) return false;
    }
  }
  return plain;
}

/** Why the consumers of different j may touch the same memory; null when the lanes are independent. */
export function laneConflict(loopJ: Node, loop: ReorderableLoop, facts: LoopFacts, resolver: Resolver): string | null {
  const j = loop.hj.varName;
  const inside = (name: string, at: Node) => {
    const d = resolver.resolve(name, at);
    return d !== null && contains(loopJ, d.declNode);
  };
  const written = new Map<string, Node>();
  const reads: Node[] = [];
  for (const c of loop.consumers) {
    if (c.type === 'declaration') {
      for (const d of c.childrenForFieldName('declarator')) {
        const value = d?.type === 'init_declarator' ? d.childForFieldName('value') : null;
        if (d?.type !== 'init_declarator' || d.childForFieldName('declarator')?.type !== 'identifier' || !value || value.type === 'initializer_list') return `\`${c.text}\` is not a plain local declaration`;
        reads.push(value);
      }
      continue;
    }
    const a = c.type === 'expression_statement' ? c.namedChild(0) : null;
    const left = a?.type === 'assignment_expression' && a.child(1)?.text === '=' ? unparen(a.childForFieldName('left')!) : null;
    const right = a?.childForFieldName('right');
    if (!left || !right) return `\`${c.text}\` is not \`A[…] = value\``;
    reads.push(right);
    if (left.type === 'identifier') {
      if (!inside(left.text, left)) return `the consumer writes \`${left.text}\`, which every j shares`;
      continue;
    }
    let base: Node | null = left;
    for (; base?.type === 'subscript_expression'; base = base.childForFieldName('argument')) {
      const index = base.childForFieldName('index') ?? base.childForFieldName('indices');
      if (!index) return `\`${left.text}\` is not a plain subscript`;
      reads.push(index);
    }
    if (base?.type !== 'identifier') return `the consumer writes through \`${left.text}\``;
    if (written.has(base.text)) return `\`${base.text}\` is written twice in the loop`;
    // Fixed while j runs: a name declared outside the j loop (the loop writes only its own locals) that nothing else may change.
    const ids = all(left, (n) => n.type === 'identifier');
    const fixed = (name: string) => ids.some((id) => id.text === name && !inside(name, id) && unstableScalar(id, resolver) === null);
    const fact = facts.accesses.find((f) => f.write && f.range.startOffset === left.startIndex);
    if (!fact?.subscripts || !injectiveIn(fact.subscripts, j, fixed)) return `\`${left.text}\` may be the same element for two values of \`${j}\``;
    written.set(base.text, base);
  }
  for (const r of reads) {
    const why = impurity(r, facts, resolver);
    if (why) return why;
    const { names, arrays } = readsOf(r);
    for (const n of names) if (n.text !== j && n.text !== loop.s && !inside(n.text, n) && unstableScalar(n, resolver)) return unstableScalar(n, resolver);
    for (const arr of arrays) if (written.has(arr.text)) return `the loop reads \`${arr.text}\`, which it writes`;
  }
  const readArrays = [...loop.sumArrays, ...reads.flatMap((r) => readsOf(r).arrays)].map((n) => n.text);
  const names = [...written.keys()];
  for (const w of names) {
    for (const other of [...names.filter((n) => n !== w), ...readArrays]) {
      const fact = facts.aliases.find((f) => (f.a === w && f.b === other) || (f.a === other && f.b === w));
      if (fact?.kind !== 'distinct') return `\`${w}\` may overlap \`${other}\``;
    }
  }
  return null;
}

/** The edits: `#pragma omp simd` on the j loop, `#pragma GCC unroll N` on each k loop (each on a line of its own, braced where the loop is a bare body). */
export function laneSimdEdits(loopJ: Node, text: string, loop: ReorderableLoop, trips: readonly number[]): TextEdit[] {
  const pragma = (l: Node, line: string) => bracedIfBody(text, nodeRange(l), [insertBeforeLoop(text, nodeRange(l), line)]);
  return [...pragma(loopJ, '#pragma omp simd'), ...loop.ks.flatMap((k, d) => pragma(k.loop, `#pragma GCC unroll ${trips[d]}`))];
}

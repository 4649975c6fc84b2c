import type { Node } from 'web-tree-sitter';
import { isUnsignedType } from '../analysis/reductionTypes';
import type { Resolver } from '../analysis/scope';
import type { TextEdit } from '../model';
import { reindent } from './reindent';
import { all, freshName, indentOf, type ReorderableLoop, substituted } from './reorderProof';

/**
 * Unroll-and-jam by 4 (issue #7 §4), in the body of a parallel loop (or of the parallel loop itself,
 * `outerJamEdits`): the nest
 *
 *   for (j …) { F s = init; for (k …) s OP= E; consumers(s) }
 *
 * with F floating becomes, while at least four trips of j are left,
 *
 *   F s0 = init(j), s1 = init(j+1), …;  for (k …) { s0 OP= E(j); s1 OP= E(j+1); … }
 *   { F s = s0; consumers(j) }  { F s = s1; consumers(j+1) }  …
 *
 * and the original body for the last trips. Each sum still takes its own terms in its own order,
 * so the result is bit for bit the serial one; the reordering of E and init against the consumers
 * of other j is proven by transform/reorderProof. Why it pays: a floating sum is one chain of
 * dependent additions the compiler may not reassociate, so the loop runs at the adder's latency;
 * four independent chains fill the pipeline (measured 2-3x at one thread on dot-product nests,
 * bench/compilers-notes.md). Integer sums are left alone: the compiler vectorises those itself.
 */

/** The jam factor: four chains cover the latency of a floating add on current x86 and Arm cores. */
const FACTOR = 4;

const FLOATING = new Set(['float', 'double', 'long double']);

/** True when the sum is of a floating type (the only case the jam is for). */
export function jamPays(loop: ReorderableLoop): boolean {
  return FLOATING.has(loop.type.text.replace(/\s+/g, ' '));
}

/** Text-building context shared by both placements of the jam. */
interface Jam {
  readonly eol: string;
  readonly ind: string;
  /** The four accumulators' names. */
  readonly acc: readonly string[];
  /** The jammed iterations' statements (inits, the k nest, the consumers four times), indented by `depth` levels. */
  readonly block: (depth: number) => string[];
  /** `piece` (several lines) moved `depth` levels deeper. */
  readonly reindent: (piece: string, depth: number) => string;
}

const T = '  ';

/** The jam's text pieces for `loopJ`: counter substitution (through scope, so a shadowing `j` is kept) and the accumulators. */
function jam(loopJ: Node, text: string, loop: ReorderableLoop, resolver: Resolver): Jam {
  const { hj, ks, decl, type, s, init, update, consumers } = loop;
  const line = loopJ.startPosition.row + 1;
  const acc = Array.from({ length: FACTOR }, (_, u) => freshName(text, `pf_${s}${line}_${u}`));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const ind = indentOf(text, loopJ.startIndex);
  // j's own declaration: an identifier is replaced only when it resolves to it (a nested `int j` shadows it).
  const jKey = resolver.resolve(hj.varName, hj.loop.childForFieldName('body')!)?.key;
  const ids = all(loopJ, (n) => n.type === 'identifier' && n.parent?.type !== 'qualified_identifier');
  const isJ = (id: Node) => id.text === hj.varName && jKey !== undefined && resolver.resolve(id.text, id)?.key === jKey;
  // A counter narrower than int is promoted in `j + u`: the cast keeps its type (`sizeof`, `auto`, template arguments).
  const narrow = /\b(?:short|char)\b/.test(hj.type);
  const jPlus = (u: number) => {
    const off = u * hj.step;
    const sum = off > 0 ? `(${hj.varName} + ${off})` : `(${hj.varName} - ${-off})`;
    return off === 0 ? hj.varName : narrow ? `((${hj.type})${sum})` : sum;
  };
  const at = (u: number) => (id: Node) => (isJ(id) ? jPlus(u) : id.text === s && id.startIndex >= update.startIndex && id.endIndex <= update.endIndex ? acc[u] : null);
  const lanes = acc.map((_, u) => u);
  const deeper = (piece: string, depth: number) => reindent(piece, eol, T.repeat(depth));
  const block = (depth: number) => {
    const d = (n: number) => T.repeat(depth + n);
    // The consumers sit one level deeper than in the loop body they come from.
    const consumerText = (u: number) => (consumers.length ? [`${d(1)}${deeper(substituted(text, consumers[0].startIndex, consumers[consumers.length - 1].endIndex, ids, at(u)), depth)}`] : []);
    return [
      ...lanes.map((u) => `${d(0)}${type.text} ${acc[u]} = ${substituted(text, init.startIndex, init.endIndex, ids, at(u))};`),
      ...ks.map((k, n) => `${d(n)}${k.text} {`),
      ...lanes.map((u) => `${d(ks.length)}${substituted(text, update.startIndex, update.endIndex, ids, at(u))};`),
      ...ks.map((_, n) => `${d(ks.length - 1 - n)}}`),
      ...lanes.flatMap((u) => [`${d(0)}{`, `${d(1)}${text.slice(decl.startIndex, init.startIndex)}${acc[u]};`, ...consumerText(u), `${d(0)}}`]),
    ];
  };
  return { eol, ind, acc, block, reindent: deeper };
}

/**
 * The replacement of loop `loopJ` (proven reorderable, `jamPays`; inside the parallel loop): its
 * trips counted with its own header, blocks of four jammed, the last trips run by the original body.
 */
export function unrollJamEdit(loopJ: Node, text: string, loop: ReorderableLoop, resolver: Resolver): TextEdit {
  const { hj } = loop;
  const j = jam(loopJ, text, loop, resolver);
  const count = freshName(text, `pf_n${loopJ.startPosition.row + 1}`);
  const advance = hj.step > 0 ? `${hj.varName} += ${(FACTOR - 1) * hj.step};` : `${hj.varName} -= ${(FACTOR - 1) * -hj.step};`;
  const lines = [
    '{',
    `${T}unsigned long long ${count} = 0;`,
    `${T}${hj.text} ${count}++;`,
    `${T}${hj.text} {`,
    `${T}${T}if (${count} >= ${FACTOR}) {`,
    `${T}${T}${T}${count} -= ${FACTOR};`,
    ...j.block(3),
    `${T}${T}${T}${advance}`,
    `${T}${T}} else {`,
    `${T}${T}${T}${count}--;`,
    `${T}${T}${T}${j.reindent(loopJ.childForFieldName('body')!.text, 3)}`,
    `${T}${T}}`,
    `${T}}`,
    '}',
  ];
  return { startOffset: loopJ.startIndex, endOffset: loopJ.endIndex, newText: lines.join(`${j.eol}${j.ind}`) };
}

/**
 * True when OpenMP counts the jammed loop's blocks exactly: a signed counter stepping up from a
 * non-negative constant, so `bound - start` plus the step cannot overflow the counter's unsigned
 * width in the trip count OpenMP computes. (gcc 12 ran one block instead of 26 for an unsigned
 * counter counting down by four to 0: jam_outer.c.)
 */
export function outerJamSafe(loop: ReorderableLoop, resolver: Resolver): boolean {
  const { hj } = loop;
  const lo = hj.lo.replace(/[\s()]/g, '');
  const start = /^\d+$/.test(lo) ? Number(lo) : resolver.file.intMacros.get(lo) ?? -1;
  return !isUnsignedType(hj.type) && hj.step > 0 && (hj.op === '<' || hj.op === '<=') && start >= 0;
}

/**
 * The edits that jam the parallel loop `loopI` itself (proven reorderable, `jamPays`,
 * `outerJamSafe`): its step becomes four steps, so OpenMP hands out blocks of four iterations; a
 * block with four trips left runs jammed (the difference of bound and counter taken in `long long`),
 * the last block runs the original body from its first counter value.
 */
export function outerJamEdits(loopI: Node, text: string, loop: ReorderableLoop, resolver: Resolver): TextEdit[] {
  const { hj } = loop;
  const update = loopI.childForFieldName('update')!;
  const cond = loopI.childForFieldName('condition')!;
  const body = loopI.childForFieldName('body')!;
  const i = hj.varName;
  const c = hj.step;
  const guard = `(long long)(${hj.hi}) - (long long)${i} ${hj.op === '<' ? '>' : '>='} ${(FACTOR - 1) * c}`;
  const j = jam(loopI, text, loop, resolver);
  const first = freshName(text, `pf_${i}${loopI.startPosition.row + 1}`);
  const lines = [
    '{',
    `${T}if (${guard}) {`,
    ...j.block(2),
    `${T}} else {`,
    `${T}${T}${hj.type} ${first} = ${i};`,
    `${T}${T}for (${hj.type} ${i} = ${first}; ${cond.text}; ${update.text}) ${j.reindent(body.text, 2)}`,
    `${T}}`,
    '}',
  ];
  return [
    { startOffset: update.startIndex, endOffset: update.endIndex, newText: `${i} += ${FACTOR * c}` },
    { startOffset: body.startIndex, endOffset: body.endIndex, newText: lines.join(`${j.eol}${j.ind}`) },
  ];
}

import type { Node } from 'web-tree-sitter';
import { isUnsignedType } from '../analysis/reductionTypes';
import type { Resolver } from '../analysis/scope';
import type { AccessFact, AffineExpr, LanguageId, LoopFacts, TextEdit } from '../model';
import type { CountedHeader } from './interchangeSyntax';
import { reindent } from './reindent';
import { all, freshName, indentOf, type ReorderableLoop, reorderableLoop, substituted } from './reorderProof';

/**
 * Column sweep (issue #7 §3/§4): in the body of a parallel loop, the nest
 *
 *   for (j …) { T s = init; for (k …) s OP= E; consumers(s) }
 *
 * becomes scalar expansion of `s` into a buffer plus interchange of the j and k loops:
 *
 *   buf[j] = init;  for (k …) for (j …) buf[j] OP= E;  for (j …) { T s = buf[j]; consumers(s) }
 *
 * Exact, not just "equal up to rounding": every s still starts from the same init and takes the
 * same updates in the same k order, so no associativity is assumed. What it moves is *when* each
 * E and init is evaluated relative to the consumers of earlier j: proven by transform/reorderProof.
 * Applied only where it pays: E reads an array with a non-unit stride in k that is unit-stride
 * in j. The buffer comes from malloc; when malloc fails, the original loop runs (kept verbatim).
 */

/** One loop's sweep, or why it is not proven exact (or not worth it). */
export type SweepAttempt = { readonly ok: true; readonly edit: TextEdit; readonly description: string } | { readonly ok: false; readonly reason: string };

/** True when a term of `e` names `v` (alone or in a product). */
export const mentionsVar = (e: AffineExpr, v: string) => Object.entries(e.terms).some(([t, c]) => c !== 0 && t.split('*').includes(v));

/** Stride 1 (or -1) in `v`: only the last dimension mentions it, with coefficient ±1. */
export function unitIn(subs: readonly AffineExpr[], v: string): boolean {
  const last = subs[subs.length - 1];
  return Math.abs(last.terms[v] ?? 0) === 1 && subs.every((e, d) => Object.entries(e.terms).every(([t, c]) => c === 0 || !t.split('*').includes(v) || (d === subs.length - 1 && t === v)));
}

/** The access of E that makes the sweep pay (non-unit stride in k, unit stride in j), or null. */
function strideWin(arrays: readonly Node[], accesses: readonly AccessFact[], j: string, k: string): AccessFact | null {
  for (const a of arrays) {
    const fact = accesses.find((f) => f.range.startOffset === a.parent!.startIndex && f.read);
    const subs = fact?.subscripts;
    if (!fact || !subs || subs.some((e) => e === null)) continue;
    const es = subs as readonly AffineExpr[];
    if (es.some((e) => mentionsVar(e, k)) && !unitIn(es, k) && unitIn(es, j)) return fact;
  }
  return null;
}

/**
 * The sweep of loop `loopJ` (a statement of the parallel loop's body), checked against the
 * parallel loop's facts; the edit replaces `loopJ` with the swept form and the original as fallback.
 * With the verdict's `runtimeCheck`, the edit goes into the versioned parallel copy, where its
 * `&x != &g` conjuncts hold: two different std::vector objects never share storage.
 */
export function columnSweepLoop(loopJ: Node, text: string, language: LanguageId, facts: LoopFacts, resolver: Resolver, runtimeCheck: string | null = null): SweepAttempt {
  const proof = reorderableLoop(loopJ, language, facts, resolver, runtimeCheck, 1);
  return proof.ok ? columnSweepOf(loopJ, text, language, facts, proof.loop) : proof;
}

/** The sweep of a loop already proven reorderable, or why it would not pay (it needs a single k loop). */
export function columnSweepOf(loopJ: Node, text: string, language: LanguageId, facts: LoopFacts, loop: ReorderableLoop): SweepAttempt {
  const { hj, ks, decl, type, s, init, update, sumArrays, consumers } = loop;
  if (ks.length !== 1) return { ok: false, reason: `the sum runs in a nest of ${ks.length} loops` };
  const win = strideWin(sumArrays, facts.accesses, hj.varName, ks[0].varName);
  if (!win) return { ok: false, reason: `no read of the sum has a non-unit stride in \`${ks[0].varName}\` and a unit stride in \`${hj.varName}\`: the original order is already good` };
  const simd = Math.abs(hj.step) === 1 && !loop.containerReads;
  return { ok: true, edit: sweptText(text, language, loopJ, hj, ks[0], decl, type.text, s, init, update, consumers, simd), description: `\`${win.text}\`` };
}

/** The replacement of L_j: the swept nest, with the original loop as the fallback when malloc fails. */
function sweptText(text: string, language: LanguageId, loopJ: Node, hj: CountedHeader, hk: CountedHeader, decl: Node, type: string, s: string, init: Node, update: Node, consumers: readonly Node[], simd: boolean): TextEdit {
  const line = loopJ.startPosition.row + 1;
  const buf = freshName(text, `pf_${s}${line}`);
  const count = freshName(text, `pf_n${line}`);
  const at = freshName(text, `pf_x${line}`);
  const std = language === 'cpp' ? 'std::' : '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const ind = indentOf(text, loopJ.startIndex);
  const t = '  ';
  // The update with every `s` replaced by the buffer element (a postfix expression: precedence is kept).
  const ids = all(update, (n) => n.type === 'identifier' && n.text === s);
  // With a unit step the slot is the iteration number, computed from j, so the j loop carries
  // nothing and may be `omp simd`: each iteration updates its own slot, nothing is reassociated.
  const j = hj.varName;
  const unsigned = isUnsignedType(hj.type);
  const [from0, to0] = hj.step > 0 ? [j, `(${hj.lo})`] : [`(${hj.lo})`, j];
  const slot = !simd ? at : unsigned ? `${from0} - ${to0}` : `(long long)${from0} - (long long)${to0}`;
  const step = substituted(text, update.startIndex, update.endIndex, ids, () => `${buf}[${slot}]`);
  const from = consumers.length ? text.slice(consumers[0].startIndex, consumers[consumers.length - 1].endIndex) : '';
  const consumerText = reindent(from, eol, `${t}${t}`);
  const original = reindent(loopJ.text, eol, `${t}${t}`);
  const declText = `${text.slice(decl.startIndex, init.startIndex)}${buf}[${at}++];`;
  const lines = [
    '{',
    `${t}${std}size_t ${count} = 0;`,
    `${t}${hj.text} ${count}++;`,
    `${t}${type} *${buf} = ${count} > 0 && ${count} <= (${std}size_t)-1 / sizeof(${type}) ? (${type} *)${std}malloc(sizeof(${type}) * ${count}) : NULL;`,
    `${t}if (${buf}) {`,
    `${t}${t}${std}size_t ${at} = 0;`,
    `${t}${t}${hj.text} ${buf}[${at}++] = ${init.text};`,
    `${t}${t}${hk.text} {`,
    ...(simd
      ? [`${t}${t}${t}#pragma omp simd`, `${t}${t}${t}${hj.text} ${step};`]
      : [`${t}${t}${t}${at} = 0;`, `${t}${t}${t}${hj.text} {`, `${t}${t}${t}${t}${step};`, `${t}${t}${t}${t}${at}++;`, `${t}${t}${t}}`]),
    `${t}${t}}`,
    `${t}${t}${at} = 0;`,
    `${t}${t}${hj.text} {`,
    `${t}${t}${t}${declText}`,
    ...(consumerText ? [`${t}${t}${t}${consumerText}`] : []),
    `${t}${t}}`,
    `${t}${t}${std}free(${buf});`,
    `${t}} else {`,
    `${t}${t}${original}`,
    `${t}}`,
    '}',
  ];
  return { startOffset: loopJ.startIndex, endOffset: loopJ.endIndex, newText: lines.join(`${eol}${ind}`) };
}

import type { Node } from 'web-tree-sitter';
import { analyzeLoops, pragmaBefore } from '../../analysis';
import type { LanguageId, LoopVerdict, TextEdit } from '../../model';
import { isLoopNode, type ParserHost } from '../../parse';
import { applyEdits } from '../../transform/openmp';
import type { ChatMessage } from '../api';
import { pragmaAnswers } from '../reply';
import { findFunctions } from '../splice';
import { factsText, framedSource, SYSTEM_PROMPT } from './common';

/**
 * The OpenMP pragma strategy, after OMPGPT's chain-of-OMP: the model sees the function and the
 * analysis facts of each loop, decides the directive first and the clauses second, and answers one
 * `Lk: #pragma omp …` line per loop. ParaForge inserts the pragmas itself (the model never edits
 * code here), so the only thing to check before running is the clause set, against the facts.
 */

/** One loop of the target function, numbered for the prompt. */
export interface PromptLoop {
  readonly id: string;
  /** 1-based line in the original file. */
  readonly line: number;
  readonly header: string;
  readonly startOffset: number;
  /** The analysis verdict of the nest the loop belongs to (null for loops the analysis skipped). */
  readonly verdict: LoopVerdict | null;
  readonly hasPragma: boolean;
}

/** The loops of `functionName` in preorder (L1, L2, …), each with its nest's verdict. */
export async function functionLoops(parser: ParserHost, language: LanguageId, text: string, functionName: string): Promise<{ loops: PromptLoop[]; functionText: string; firstLine: number } | null> {
  const tree = await parser.parse(language, text);
  try {
    const fn = findFunctions(tree, functionName)[0];
    if (!fn) return null;
    const verdicts = analyzeLoops(tree, language, text);
    const loops: PromptLoop[] = [];
    const visit = (n: Node) => {
      if (isLoopNode(n)) {
        const verdict = verdicts.find((v) => v.nest.root.range.startOffset <= n.startIndex && n.endIndex <= v.nest.root.range.endOffset) ?? null;
        const body = n.childForFieldName('body');
        const header = text.slice(n.startIndex, body ? body.startIndex : n.endIndex).replace(/\s+/g, ' ').trim();
        loops.push({ id: `L${loops.length + 1}`, line: n.startPosition.row + 1, header, startOffset: n.startIndex, verdict, hasPragma: pragmaBefore(n) !== null });
      }
      for (const c of n.namedChildren) if (c) visit(c);
    };
    visit(fn);
    return { loops, functionText: fn.text, firstLine: fn.startPosition.row + 1 };
  } finally {
    tree.delete();
  }
}

/** The chain-of-OMP prompt: the function, each loop's facts, and the answer format. */
export function ompPragmaPrompt(functionName: string, functionText: string, firstLine: number, loops: readonly PromptLoop[]): ChatMessage[] {
  const seen = new Set<LoopVerdict>();
  const perLoop = loops.map((l) => {
    const facts = l.verdict && !seen.has(l.verdict) ? (seen.add(l.verdict), `\n${factsText(l.verdict)}`) : '';
    return `${l.id} (line ${l.line}): \`${l.header}\`${l.hasPragma ? ' (already has an omp pragma)' : ''}${facts}`;
  });
  const user = [
    `Parallelise the loops of \`${functionName}\` with OpenMP pragmas. The function:`,
    framedSource(functionText, { firstLine }),
    'Its loops and what the dependence analysis established about them:',
    perLoop.join('\n'),
    'Think in two steps for each loop (chain of OMP): first the directive (`parallel for`, `parallel for simd`, or none;',
    'at most one parallel loop per nest, usually the outermost that is independent), then the clauses each scalar and',
    'dependence requires (private, firstprivate + lastprivate, reduction, collapse, schedule). Loop-carried dependences cannot be fixed by clauses.',
    'End your answer with exactly one line per loop, in this form and nothing after it:',
    ...loops.map((l) => `${l.id}: #pragma omp ...   (or ${l.id}: none)`),
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

function insertBefore(text: string, offset: number, line: string): TextEdit {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const indent = /^[ \t]*/.exec(before)?.[0] ?? '';
  if (before.trim() === '') return { startOffset: lineStart, endOffset: lineStart, newText: `${indent}${line}\n` };
  return { startOffset: offset, endOffset: offset, newText: `\n${indent}${line}\n${indent}` };
}

/** The original text with the reply's pragmas inserted, or why the reply gives none to insert. */
export function applyPragmaReply(text: string, loops: readonly PromptLoop[], reply: string): { ok: true; text: string; edits: TextEdit[]; pragmas: string[] } | { ok: false; reason: string } {
  const answers = pragmaAnswers(reply);
  if (answers.size === 0) return { ok: false, reason: `the reply has no \`Lk: #pragma omp …\` lines; end with one line per loop (${loops.map((l) => l.id).join(', ')})` };
  const unknown = [...answers.keys()].filter((id) => !loops.some((l) => l.id === id));
  if (unknown.length) return { ok: false, reason: `the reply names loops that do not exist: ${unknown.join(', ')} (the loops are ${loops.map((l) => l.id).join(', ')})` };
  const edits: TextEdit[] = [];
  const pragmas: string[] = [];
  for (const l of loops) {
    const p = answers.get(l.id);
    if (!p) continue;
    if (l.hasPragma) return { ok: false, reason: `${l.id} already has an omp pragma; answer none for it` };
    if (/[;{}]|\\$/.test(p) || !/^#pragma omp [\w\s(),:+*&|^.<>=-]*$/.test(p)) return { ok: false, reason: `${l.id}: \`${p}\` is not a single OpenMP pragma line` };
    edits.push(insertBefore(text, l.startOffset, p));
    pragmas.push(`\`${p}\` on ${l.id} (line ${l.line})`);
  }
  if (edits.length === 0) return { ok: false, reason: 'the reply parallelises no loop' };
  return { ok: true, text: applyEdits(text, edits), edits, pragmas };
}

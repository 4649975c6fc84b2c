import type { LanguageId, LoopVerdict, ParallelRegionPlan, SourceRange, TextEdit } from '../../model';
import { argReductionEdits } from './argReductionEdits';
import { vectorBinsEdits } from './vectorBinsEdits';
import { pragmaText } from './pragma';
import { reindent } from '../reindent';

/** Options for the OpenMP rewrite. */
export interface OpenMpOptions {
  /** Add `simd` to loops the analysis found vectorisable (default true). */
  readonly simd?: boolean;
}

/** A labelled rewrite: what it does and the edits on the original text. */
export interface OpenMpCandidate {
  readonly label: string;
  /** True when the rewrite is correct only under the verdict's assumptions. */
  readonly assumes: boolean;
  readonly edits: readonly TextEdit[];
}

/**
 * Edits that put `text` before the line of the loop at `range`, on its own line and with the
 * loop's indentation; if code precedes the loop on its line, the loop moves to a new line.
 */
export function insertBeforeLoop(text: string, range: SourceRange, line: string): TextEdit {
  let lineStart = text.lastIndexOf('\n', range.startOffset - 1) + 1;
  // Loop pragmas (`#pragma GCC ivdep`, `#pragma clang loop …`, `#pragma unroll`, `_Pragma(…)`) must
  // stay directly above their loop: the OpenMP pragma goes above them, never in between.
  if (text.slice(lineStart, range.startOffset).trim() === '') {
    let at = lineStart;
    while (at > 0) {
      const prevStart = text.lastIndexOf('\n', at - 2) + 1;
      const prev = text.slice(prevStart, at).trim();
      if (/^(?:#\s*pragma\s+(?!omp\b)|_Pragma\s*\()/.test(prev)) lineStart = prevStart;
      else if (!/^(?:\/\/.*|\/\*.*\*\/)$/.test(prev)) break;
      at = prevStart;
    }
  }
  const before = text.slice(lineStart, range.startOffset);
  const loopLine = text.slice(text.lastIndexOf('\n', range.startOffset - 1) + 1, range.startOffset);
  const indent = /^[ \t]*/.exec(loopLine)?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (before.trim() === '' || /^\s*(?:#|_Pragma)/.test(before)) return { startOffset: lineStart, endOffset: lineStart, newText: `${splicedInto(text, lineStart) ? eol : ''}${indent}${line}${eol}` };
  return { startOffset: range.startOffset, endOffset: range.startOffset, newText: `${eol}${indent}${line}${eol}${indent}` };
}

/**
 * True when the line at `lineStart` continues the one before (that line ends with a backslash):
 * the compiler splices them, so a directive put there would not start a line; an empty line first
 * takes the splice.
 */
function splicedInto(text: string, lineStart: number): boolean {
  return /\\\r?\n$/.test(text.slice(Math.max(0, lineStart - 3), lineStart));
}

/**
 * The edits that parallelise one loop with OpenMP: a pragma at the verdict's parallel level with
 * exactly its clauses. Empty when the loop is not proven parallel or already has an omp pragma
 * (so running it twice changes nothing). No runtime call is added, so no `#include <omp.h>` either.
 */
export function parallelizeEdits(verdict: LoopVerdict, text: string, options: OpenMpOptions = {}): TextEdit[] {
  if (verdict.verdict !== 'parallel' || !verdict.clauses || !verdict.parallelRange || verdict.existingPragma) return [];
  // Loops of a hoisted region are rewritten together (inner-loop edits included), by the region's first loop.
  if (verdict.partOfRegion) return [];
  // Arg-max/arg-min pairs: the loop gets its own region with per-thread pairs and a combine.
  if (verdict.argReductions?.length) return argReductionEdits(verdict, text);
  // Vector bins: a pointer to their data is declared before the loop, in a versioned copy.
  if (verdict.vectorBins?.length) return vectorBinsEdits(verdict, text, options);
  if (verdict.region) return [...regionEdits(text, verdict.region, options), ...(verdict.sweepEdits ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  if (verdict.runtimeCheck) {
    // The serial copy in the else branch of an earlier versioned rewrite stays serial.
    if (/#pragma omp[^\n]*\n[\s\S]*\}\s*else\s*\{\s*$/.test(text.slice(Math.max(0, verdict.parallelRange.startOffset - 4000), verdict.parallelRange.startOffset))) return [];
    // A column sweep goes into the parallel copy only (its proof may rest on the check); its include stays outside.
    const range = verdict.parallelRange;
    const sweep = verdict.sweepEdits ?? [];
    const inLoop = (e: TextEdit) => e.startOffset >= range.startOffset && e.endOffset <= range.endOffset;
    return [versionedLoop(text, range, verdict.runtimeCheck, pragmaText(verdict.clauses, options), [...(verdict.headerEdits ?? []), ...sweep.filter(inLoop)]), ...sweep.filter((e) => !inLoop(e))];
  }
  return [...bracedIfBody(text, verdict.parallelRange, [insertBeforeLoop(text, verdict.parallelRange, pragmaText(verdict.clauses, options))]), ...(verdict.headerEdits ?? []), ...(verdict.sweepEdits ?? [])].sort((a, b) => a.startOffset - b.startOffset);
}

/** The code before `offset`, without trailing white space and comments. */
function codeBefore(text: string, offset: number): string {
  let t = text.slice(Math.max(0, offset - 2000), offset);
  for (;;) {
    const before = t;
    t = t.trimEnd();
    if (t.endsWith('*/')) t = t.slice(0, Math.max(0, t.lastIndexOf('/*')));
    const lastLine = t.slice(t.lastIndexOf('\n') + 1);
    const slash = lastLine.indexOf('//');
    if (slash >= 0) t = t.slice(0, t.length - lastLine.length + slash);
    if (t === before) return t;
  }
}

/**
 * A loop that is the whole body of a `for`/`while`/`if`/`else` without braces gets them around the
 * pragma and the loop: a pragma line is not a statement in every parser's eyes (tree-sitter reads
 * `for (…)\n#pragma omp …\nfor (…)` as broken code).
 */
export function bracedIfBody(text: string, range: SourceRange, edits: TextEdit[]): TextEdit[] {
  const prev = codeBefore(text, range.startOffset);
  if (!/(\)|\belse|\bdo)$/.test(prev)) return edits;
  const lineStart = text.lastIndexOf('\n', range.startOffset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, range.startOffset))?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const open = edits[0];
  return [{ ...open, newText: `${open.startOffset === lineStart ? indent : ''}{${eol}${open.newText}` }, { startOffset: range.endOffset, endOffset: range.endOffset, newText: `${eol}${indent}}` }];
}

/**
 * One thread team for a sequential loop of parallel loops: `#pragma omp parallel` before the
 * outer loop, `#pragma omp for` on each inner loop, `#pragma omp single` around the statements
 * between them (a barrier follows each, so the next loop sees their writes). A `nowait` region's
 * one loop gets `nowait` instead: the region's closing barrier is its only one.
 */
export function regionEdits(text: string, region: ParallelRegionPlan, options: OpenMpOptions = {}): TextEdit[] {
  const priv = region.private.length ? ` private(${region.private.join(', ')})` : '';
  const edits: TextEdit[] = bracedIfBody(text, region.range, [insertBeforeLoop(text, region.range, `#pragma omp parallel${priv}`)]);
  // nowait: the plan's clauses already say schedule(static) and no simd, which nowait relies on.
  const nowait = region.nowait ? ' nowait' : '';
  for (const l of region.loops) edits.push(insertBeforeLoop(text, l.range, pragmaText(l.clauses, options).replace(/^#pragma omp parallel for/, '#pragma omp for') + nowait));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  for (const s of region.single) {
    const lineStart = text.lastIndexOf('\n', s.startOffset - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart, s.startOffset))?.[0] ?? '';
    // Code before the statements on their line (`{ x = 0;`, `for (…) a[i] = 0; x = 0;`) stays out of the single.
    const alone = text.slice(lineStart, s.startOffset).trim() === '';
    const open = `${indent}#pragma omp single${eol}${indent}{${eol}`;
    if (alone) edits.push({ startOffset: lineStart, endOffset: lineStart, newText: `${splicedInto(text, lineStart) ? eol : ''}${open}` });
    else edits.push({ startOffset: s.startOffset, endOffset: s.startOffset, newText: `${eol}${open}${indent}` });
    edits.push({ startOffset: s.endOffset, endOffset: s.endOffset, newText: `${eol}${indent}}` });
  }
  return edits.sort((a, b) => a.startOffset - b.startOffset);
}

/**
 * `if (check) { prelude; pragma; loop } else { loop }`: the parallel loop runs only when the
 * run-time check holds, the original otherwise. Replaces the loop statement in place, keeping its
 * indentation; `headerEdits` apply to the parallel copy only, `prelude` lines precede its pragma.
 */
export function versionedLoop(text: string, range: SourceRange, check: string, pragma: string, headerEdits: readonly TextEdit[] = [], prelude: readonly string[] = []): TextEdit {
  const lineStart = text.lastIndexOf('\n', range.startOffset - 1) + 1;
  const before = text.slice(lineStart, range.startOffset);
  const indent = /^[ \t]*/.exec(before)?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const loop = text.slice(range.startOffset, range.endOffset);
  const inner = reindent(loop, eol, '  ');
  // The parallel copy gets the canonical header (the serial copy keeps the original).
  const shifted = headerEdits.map((e) => ({ ...e, startOffset: e.startOffset - range.startOffset, endOffset: e.endOffset - range.startOffset }));
  const parallel = reindent(applyEdits(loop, shifted), eol, '  ');
  const lead = before.trim() === '' ? '' : `${eol}${indent}`;
  const lines = prelude.map((l) => `${indent}  ${l}${eol}`).join('');
  const newText = `${lead}if (${check}) {${eol}${lines}${indent}  ${pragma}${eol}${indent}  ${parallel}${eol}${indent}} else {${eol}${indent}  ${inner}${eol}${indent}}`;
  return { startOffset: range.startOffset, endOffset: range.endOffset, newText };
}

/**
 * The "with assumption" candidate: when the loop is parallel only if pointer parameters do not
 * overlap, marks them `restrict` (`__restrict__` in C++) and adds the pragma. Empty when the
 * verdict has no such plan. Callers must label it: it changes the function's contract.
 */
export function parallelizeAssumingEdits(verdict: LoopVerdict, text: string, language: LanguageId, options: OpenMpOptions = {}): TextEdit[] {
  const plan = verdict.ifAssumed;
  if (!plan || verdict.existingPragma || plan.restrictTargets.length === 0) return [];
  const keyword = language === 'c' ? 'restrict' : '__restrict__';
  const edits: TextEdit[] = plan.restrictTargets.map((r) => ({ startOffset: r.startOffset, endOffset: r.startOffset, newText: `${keyword} ` }));
  edits.push(insertBeforeLoop(text, plan.parallelRange, pragmaText(plan.clauses, options)), ...(verdict.headerEdits ?? []));
  return edits.sort((a, b) => a.startOffset - b.startOffset);
}

/**
 * The versioned candidate for a may-alias loop: `if (ranges do not overlap) { parallel } else
 * { original }`, checked at run time, so it assumes nothing. Empty when there is no such check.
 */
export function parallelizeVersionedEdits(verdict: LoopVerdict, text: string, options: OpenMpOptions = {}): TextEdit[] {
  const plan = verdict.ifAssumed;
  if (!plan?.overlapCheck || verdict.existingPragma) return [];
  if (/#pragma omp[^\n]*\n[\s\S]*\}\s*else\s*\{\s*$/.test(text.slice(Math.max(0, plan.parallelRange.startOffset - 4000), plan.parallelRange.startOffset))) return [];
  return [versionedLoop(text, plan.parallelRange, plan.overlapCheck, pragmaText(plan.clauses, options), verdict.headerEdits)];
}

/** Every candidate for one verdict: the proven rewrite, or the labelled one that assumes no overlap. */
export function openMpCandidates(verdict: LoopVerdict, text: string, language: LanguageId, options: OpenMpOptions = {}): OpenMpCandidate[] {
  const out: OpenMpCandidate[] = [];
  const proven = parallelizeEdits(verdict, text, options);
  if (proven.length) out.push({ label: 'Parallelize loop with OpenMP', assumes: false, edits: proven });
  const assumed = parallelizeAssumingEdits(verdict, text, language, options);
  if (assumed.length) {
    const what = verdict.assumptions.map((a) => a.message).join('; ');
    out.push({ label: `Parallelize loop with OpenMP, assuming ${what} (adds restrict)`, assumes: true, edits: assumed });
  }
  const versioned = parallelizeVersionedEdits(verdict, text, options);
  if (versioned.length) out.push({ label: 'Parallelize loop with OpenMP when the buffers do not overlap (checked at run time, serial otherwise)', assumes: false, edits: versioned });
  return out;
}

/** Applies non-overlapping edits (offsets on the original text) and returns the new text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.startOffset - b.startOffset || a.endOffset - b.endOffset);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.startOffset < at || e.endOffset < e.startOffset || e.endOffset > text.length) {
      throw new Error(`overlapping or out-of-range edit at offset ${e.startOffset}`);
    }
    out += text.slice(at, e.startOffset) + e.newText;
    at = e.endOffset;
  }
  return out + text.slice(at);
}

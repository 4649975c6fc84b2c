import type { ArgReductionPlan, LoopVerdict, TextEdit } from '../../model';
import { applyEdits } from './edits';
import { pragmaText } from './pragma';
import { reindent } from '../reindent';

/** The names one plan's rewrite introduces. */
interface PlanNames {
  readonly best: string;
  readonly index: string;
  readonly found: string;
  readonly at: string;
  readonly foundAll: string;
  readonly atAll: string;
  readonly critical: string;
}

/**
 * The rewrite of a loop that keeps arg-max/arg-min pairs (analysis/argReduction): the loop goes
 * into its own `#pragma omp parallel` region where each thread starts from the pair's value before
 * the loop, scans its contiguous `schedule(static)` chunk in order with its own copies (recording
 * whether and at which iteration it updated them), and after the loop's barrier the updated copies
 * are combined one thread at a time: the better value wins, equal values go to the earlier
 * iteration for `>`/`<` and the later one for `>=`/`<=` (docs/SOUNDNESS.md has the proof that this
 * is the serial pair, NaN and -0.0 included). Replaces the loop statement; empty when the verdict
 * has no such plan or the loop cannot take it (collapse, a run-time check, a loop pragma above it).
 */
export function argReductionEdits(verdict: LoopVerdict, text: string): TextEdit[] {
  const plans = verdict.argReductions ?? [];
  const range = verdict.parallelRange;
  const clauses = verdict.clauses;
  if (plans.length === 0 || !range || !clauses || clauses.collapse > 1 || verdict.runtimeCheck || verdict.region) return [];
  const lineStart = text.lastIndexOf('\n', range.startOffset - 1) + 1;
  // A loop pragma (`#pragma GCC ivdep`) must stay directly above its loop, which becomes a block here.
  const previous = text.slice(0, lineStart).trimEnd().split('\n').pop()?.trim() ?? '';
  if (/^(?:#\s*pragma\b|_Pragma\s*\()/.test(previous)) return [];
  const indent = /^[ \t]*/.exec(text.slice(lineStart, range.startOffset))?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const line = range.start.line + 1;
  const taken = new Set<string>();
  const names = plans.map((p, k) => planNames(p, line, k, text, taken));

  // The loop as the threads run it: header made canonical, the pairs renamed, each update recorded.
  const inLoop: TextEdit[] = [...(verdict.headerEdits ?? [])];
  plans.forEach((p, k) => {
    const n = names[k];
    for (const r of p.bestRanges) inLoop.push({ startOffset: r.startOffset, endOffset: r.endOffset, newText: n.best });
    for (const r of p.indexRanges) inLoop.push({ startOffset: r.startOffset, endOffset: r.endOffset, newText: n.index });
    inLoop.push(recordUpdate(text, p, n, eol));
  });
  const loop = applyEdits(text.slice(range.startOffset, range.endOffset), inLoop.map((e) => ({ ...e, startOffset: e.startOffset - range.startOffset, endOffset: e.endOffset - range.startOffset })));

  const i1 = `${indent}  `;
  const i2 = `${indent}    `;
  const out: string[] = ['{'];
  plans.forEach((p, k) => out.push(`${i1}int ${names[k].foundAll} = 0;`, `${i1}${p.counterType} ${names[k].atAll} = 0;`));
  out.push(`${i1}#pragma omp parallel`, `${i1}{`);
  plans.forEach((p, k) => {
    const n = names[k];
    out.push(`${i2}${p.bestType} ${n.best} = ${p.best};`, `${i2}${p.indexType} ${n.index} = ${p.index};`, `${i2}int ${n.found} = 0;`, `${i2}${p.counterType} ${n.at} = 0;`);
  });
  // schedule(static): each thread's iterations are one run in increasing order; no simd (the updates are ordered).
  const forPragma = pragmaText({ ...clauses, schedule: 'static', simd: false, collapse: 1 }).replace(/^#pragma omp parallel for/, '#pragma omp for');
  out.push(`${i2}${forPragma}`, `${i2}${reindent(loop, eol, '    ')}`);
  plans.forEach((p, k) => {
    const n = names[k];
    const better = p.op === 'max' ? '>' : '<';
    const tie = p.ties === 'first' ? '<' : '>';
    out.push(
      `${i2}#pragma omp critical(${n.critical})`,
      `${i2}if (${n.found} && (!${n.foundAll} || ${n.best} ${better} ${p.best} || (${n.best} == ${p.best} && ${n.at} ${tie} ${n.atAll}))) {`,
      `${i2}  ${p.best} = ${n.best};`,
      `${i2}  ${p.index} = ${n.index};`,
      `${i2}  ${n.atAll} = ${n.at};`,
      `${i2}  ${n.foundAll} = 1;`,
      `${i2}}`,
    );
  });
  out.push(`${i1}}`, `${indent}}`);
  return [{ startOffset: range.startOffset, endOffset: range.endOffset, newText: out.join(eol) }];
}

/** `found = 1; at = counter;` at the end of the `if` block that updates the pair. */
function recordUpdate(text: string, p: ArgReductionPlan, n: PlanNames, eol: string): TextEdit {
  const lineStart = text.lastIndexOf('\n', p.updateEnd - 1) + 1;
  const before = text.slice(lineStart, p.updateEnd);
  if (before.trim() !== '') return { startOffset: p.updateEnd, endOffset: p.updateEnd, newText: ` ${n.found} = 1; ${n.at} = ${p.counter}; ` };
  const inner = `${before}  `;
  return { startOffset: lineStart, endOffset: lineStart, newText: `${inner}${n.found} = 1;${eol}${inner}${n.at} = ${p.counter};${eol}` };
}

/** Names for one plan, suffixed with the loop's line, that appear nowhere in the file (nor in `taken`). */
function planNames(p: ArgReductionPlan, line: number, k: number, text: string, taken: Set<string>): PlanNames {
  const fresh = (base: string): string => {
    let name = base;
    while (taken.has(name) || new RegExp(`\\b${name}\\b`).test(text)) name += '_';
    taken.add(name);
    return name;
  };
  const suffix = `pf${line}${k > 0 ? `_${k}` : ''}`;
  return {
    best: fresh(`${p.best}_${suffix}`),
    index: fresh(`${p.index}_${suffix}`),
    found: fresh(`${p.best}_found_${suffix}`),
    at: fresh(`${p.best}_at_${suffix}`),
    foundAll: fresh(`${p.best}_found_all_${suffix}`),
    atAll: fresh(`${p.best}_at_all_${suffix}`),
    critical: fresh(`paraforge_arg${p.op}_${suffix}`),
  };
}

/** A one-line description of the arg-max/arg-min rewrite, for summaries where a pragma line would mislead. */
export function argReductionSummary(plans: readonly ArgReductionPlan[]): string {
  return `#pragma omp parallel region, #pragma omp for schedule(static), per-thread ${plans.map((p) => `(${p.best}, ${p.index})`).join(', ')} combined in omp critical`;
}

import type { LanguageId, LoopVerdict, TextEdit } from '../../model';
import { applyEdits, type OpenMpOptions, parallelizeEdits } from './edits';

/** Which loops to rewrite: all, those in one function, or the nest containing a 0-based line. */
export interface LoopFilter {
  readonly functionName?: string;
  readonly line?: number;
}

/** A whole-file rewrite plan: the loops rewritten, those left alone (with why), and the new text. */
export interface SourceRewrite {
  readonly text: string;
  readonly edits: readonly TextEdit[];
  readonly rewritten: readonly LoopVerdict[];
  readonly skipped: readonly LoopVerdict[];
}

function selected(v: LoopVerdict, filter: LoopFilter): boolean {
  if (filter.functionName !== undefined && v.nest.functionName !== filter.functionName && v.nest.functionName?.split('::').pop() !== filter.functionName) return false;
  if (filter.line !== undefined) {
    const r = v.nest.root.range;
    if (filter.line < r.start.line || filter.line > r.end.line) return false;
  }
  return true;
}

/**
 * Rewrites every selected loop the analysis proved parallel; the others are listed as skipped.
 * Verdicts for inner loops of a nest already rewritten at an outer level are never both applied:
 * the analysis only emits inner verdicts when the outer level is not parallel.
 */
export function parallelizeSource(text: string, verdicts: readonly LoopVerdict[], _language: LanguageId, filter: LoopFilter = {}, options: OpenMpOptions = {}): SourceRewrite {
  const edits: TextEdit[] = [];
  const rewritten: LoopVerdict[] = [];
  const skipped: LoopVerdict[] = [];
  for (const v of verdicts) {
    if (!selected(v, filter)) continue;
    const e = parallelizeEdits(v, text, options);
    if (e.length === 0) skipped.push(v);
    else {
      edits.push(...e);
      rewritten.push(v);
    }
  }
  return { text: applyEdits(text, edits), edits, rewritten, skipped };
}

import type { LoopVerdict, TextEdit } from '../core/model';
import { analyzeLoops } from '../core/analysis';
import { parallelizeAssumingEdits, parallelizeEdits } from '../core/transform/openmp';
import type { LoopEngine } from './engine';

/** The LoopEngine backed by core's analysis and OpenMP rewriter. */
export function createCoreEngine(): LoopEngine {
  return {
    analyze: (parsed, window) => analyzeLoops(parsed.tree, parsed.language, parsed.text, window),
    parallelize: (parsed, verdict) => parallelizeEdits(verdict, parsed.text),
    parallelizeAssuming: (parsed, verdict) => {
      const edits = parallelizeAssumingEdits(verdict, parsed.text, parsed.language);
      if (edits.length === 0) return undefined;
      const keyword = parsed.language === 'c' ? 'restrict' : '__restrict__';
      const what = verdict.assumptions.map((a) => a.message.replace(/^safe if /, '')).join(' and ');
      return { assumption: `${what} (adds ${keyword})`, edits };
    },
    fixRace: (parsed, verdict) => addClausesEdits(verdict, parsed.text),
  };
}

/**
 * The race quick fix: appends an existing pragma's missing clauses to its last line, before a
 * trailing comment. Kept here, small and pure, because core's OpenMP rewriter only inserts new
 * pragmas; it belongs in src/core/transform/openmp once that grows a clause editor.
 */
export function addClausesEdits(verdict: LoopVerdict, text: string): TextEdit[] {
  const pragma = verdict.existingPragma;
  if (!pragma || pragma.missingClauses.length === 0) return [];
  // The pragma node runs to its end of line (and may end with the newline itself).
  let end = pragma.range.endOffset;
  while (end > pragma.range.startOffset && /[\r\n]/.test(text[end - 1])) end--;
  const lineStart = text.lastIndexOf('\n', end - 1) + 1;
  const lastLine = text.slice(lineStart, end);
  const comment = /\s*(\/\/|\/\*)/.exec(lastLine);
  let at = comment ? lineStart + comment.index : end;
  while (at > lineStart && /[ \t]/.test(text[at - 1])) at--;
  return [{ startOffset: at, endOffset: at, newText: ` ${pragma.missingClauses.join(' ')}` }];
}

import type { LoopVerdict, TextEdit } from '../../model';

/**
 * Fixes a racy existing pragma: appends its missing clauses (e.g. `reduction(+:s)`) to the
 * pragma's last line, before any trailing comment.
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

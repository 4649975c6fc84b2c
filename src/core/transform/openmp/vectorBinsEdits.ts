import type { LoopVerdict, TextEdit } from '../../model';
import type { OpenMpOptions } from './edits';
import { versionedLoop } from './edits';
import { pragmaText } from './pragma';

/**
 * The rewrite of a loop that counts into `std::vector` bins (analysis/vectorBins): `if (check) {
 * T *const p = h.data(); const std::size_t n = h.size(); #pragma omp parallel for reduction(+:p[:n])
 * loop with h[…] as p[…] } else { original loop }`. The pointer is taken right before the loop,
 * after anything the code before it did to the vector; the check keeps the bins on the thread
 * stacks small and non-empty (and any `&g != &h` the aliasing needs). Replaces the loop statement;
 * empty when the verdict has no such plan or the loop cannot take it (a loop pragma above it, a
 * hoisted region, the serial copy of an earlier versioned rewrite).
 */
export function vectorBinsEdits(verdict: LoopVerdict, text: string, options: OpenMpOptions = {}): TextEdit[] {
  const plans = verdict.vectorBins ?? [];
  const range = verdict.parallelRange;
  const clauses = verdict.clauses;
  if (plans.length === 0 || !range || !clauses || !verdict.runtimeCheck || verdict.region) return [];
  const lineStart = text.lastIndexOf('\n', range.startOffset - 1) + 1;
  // A loop pragma (`#pragma GCC ivdep`) must stay directly above its loop, which moves into a block here.
  const previous = text.slice(0, lineStart).trimEnd().split('\n').pop()?.trim() ?? '';
  if (/^(?:#\s*pragma\b|_Pragma\s*\()/.test(previous)) return [];
  if (/#pragma omp[^\n]*\n[\s\S]*\}\s*else\s*\{\s*$/.test(text.slice(Math.max(0, range.startOffset - 4000), range.startOffset))) return [];
  const renames: TextEdit[] = plans.flatMap((p) => p.uses.map((r) => ({ startOffset: r.startOffset, endOffset: r.endOffset, newText: p.pointer })));
  // The element type is spelled out: the gate reads a floating reduction's type from its declaration.
  const prelude = plans.flatMap((p) => [`${p.elementType} *const ${p.pointer} = ${p.vector}.data();`, `const std::size_t ${p.count} = ${p.vector}.size();`]);
  return [versionedLoop(text, range, verdict.runtimeCheck, pragmaText(clauses, options), [...(verdict.headerEdits ?? []), ...renames], prelude)];
}

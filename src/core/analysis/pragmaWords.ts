import type { FileIndex } from './scope';

/**
 * The preprocessor expands macros in `#pragma omp` lines too: a file that defines `max` as an
 * object-like macro turns the `reduction(max:m)` ParaForge would write into something else (a
 * clause neither compiler builds, or `#define max min`, a different reduction). These are the
 * words of the directives the rewrites write; the function-like ones are those written before `(`.
 */
const WORDS = ['omp', 'parallel', 'for', 'simd', 'collapse', 'schedule', 'static', 'dynamic', 'guided', 'private', 'firstprivate', 'lastprivate', 'reduction', 'min', 'max', 'single', 'nowait', 'critical'];
const CALLED = new Set(['collapse', 'schedule', 'private', 'firstprivate', 'lastprivate', 'reduction', 'critical']);

/** The name of a macro of the file that would expand inside a directive the rewrite writes, or null. */
export function macroInPragma(file: FileIndex): string | null {
  for (const w of WORDS) {
    const m = file.macros.get(w);
    if (m && (!m.functionLike || CALLED.has(w))) return w;
  }
  return null;
}

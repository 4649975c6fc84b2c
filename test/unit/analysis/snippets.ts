import { analyzeLoops } from '../../../src/core/analysis';
import type { LanguageId, LoopVerdict } from '../../../src/core/model';
import { testParserHost } from '../../helpers/paths';

const host = testParserHost();

/** Globals every snippet may use: 1-D and 2-D arrays of N (1000) doubles, a few ints. */
export const PRELUDE = `#include <stdio.h>
#include <math.h>
#define N 1000
double a[2 * N + 8], b[2 * N + 8], c[2 * N + 8];
double A[N][N], B[N][N];
unsigned u[N];
`;

/** Analyses a whole source text and returns its verdicts, outermost nest first. */
export async function analyseText(text: string, language: LanguageId = 'c'): Promise<LoopVerdict[]> {
  const tree = await host.parse(language, text);
  try {
    return analyzeLoops(tree, language, text);
  } finally {
    tree.delete();
  }
}

/** Analyses a C function body (wrapped in \`void f(void)\` after the prelude) and returns its verdicts, outermost nest first. */
export async function analyseBody(body: string): Promise<LoopVerdict[]> {
  return analyseText(`${PRELUDE}void f(void) {\n${body}\n}\n`);
}

/** The verdict of the only (or first) loop nest in a body. */
export async function verdictOf(body: string): Promise<LoopVerdict> {
  const v = await analyseBody(body);
  if (v.length === 0) throw new Error(`no loop in:\n${body}`);
  return v[0];
}

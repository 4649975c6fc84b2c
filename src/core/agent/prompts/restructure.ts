import type { LoopVerdict } from '../../model';
import type { ChatMessage } from '../api';
import { factsText, framedSource, SYSTEM_PROMPT } from './common';

/**
 * The restructuring strategy, for what a pragma alone cannot do: scans (prefix sums), searches with
 * an early exit, histograms and other scattered updates, reductions over containers. The model
 * rewrites the whole function; the gate judges the output (no clause check: restructured code uses
 * constructs the analysis does not model, such as per-thread partials and atomics).
 */

/** Recipes for the patterns the rules engine refuses, named by what the analysis reported. */
const RECIPES = [
  'scan / prefix sum (a[i] depends on a[i-1]): two passes over per-thread blocks (local scan, then add each block\'s offset), or `#pragma omp scan` with `reduction(inscan, +: x)`.',
  'search with early exit (break/return inside the loop): search all iterations in parallel keeping the smallest matching index with `reduction(min: idx)`, then return it; same result as the first match.',
  'histogram / scattered updates (h[x[i]]++): per-thread private histograms merged after the loop, or `#pragma omp atomic` on the update.',
  'reductions the clause cannot express (arrays, structs, std containers): per-thread partial results combined in a fixed order.',
];

/** The restructuring prompt: the function, the analysis' reasons for refusing it, and the recipes. */
export function restructurePrompt(target: 'openmp', functionName: string, functionText: string, firstLine: number, verdicts: readonly LoopVerdict[]): ChatMessage[] {
  const user = [
    `Rewrite \`${functionName}\` to run in parallel with ${target === 'openmp' ? 'OpenMP' : target}. The function:`,
    framedSource(functionText, { firstLine }),
    verdicts.length ? `What the dependence analysis found about its loops:\n${verdicts.map((v) => `loop at line ${v.nest.root.range.start.line + 1}:\n${factsText(v)}`).join('\n')}` : '',
    'Known restructurings:',
    ...RECIPES.map((r) => `- ${r}`),
    `Keep the name, parameters and return type of \`${functionName}\` exactly, compute the same results (floating-point`,
    'sums may reassociate), keep every effect the original has, and do not change anything outside the function.',
    `Answer with the complete rewritten \`${functionName}\` in one \`\`\`c code block. Helper code must live inside the function.`,
  ]
    .filter(Boolean)
    .join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

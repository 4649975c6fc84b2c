import type { LoopVerdict } from '../core/model';
import { pragmaText } from '../core/transform/openmp';

/** The exact pragma the rules engine would insert for a loop (proven, or under its assumptions), or undefined. */
export function proposedPragma(verdict: LoopVerdict): { readonly text: string; readonly assumed: boolean } | undefined {
  if (verdict.existingPragma) return undefined;
  if (verdict.verdict === 'parallel' && verdict.clauses) return { text: pragmaText(verdict.clauses), assumed: false };
  if (verdict.ifAssumed) return { text: pragmaText(verdict.ifAssumed.clauses), assumed: true };
  return undefined;
}

/** "line 12 in dot" / "line 3 at file scope": which loop an action or message is about (1-based line). */
export function loopLabel(verdict: LoopVerdict): string {
  const line = (verdict.parallelRange ?? verdict.nest.root.range).start.line + 1;
  return `line ${line}${verdict.nest.functionName ? ` in ${verdict.nest.functionName}` : ''}`;
}

/** One word per verdict, as the Loops view and Show Loop Nests say it. */
export function verdictWord(verdict: LoopVerdict): string {
  if (verdict.existingPragma) return verdict.existingPragma.races.length ? 'pragma races' : 'has a pragma';
  if (verdict.verdict === 'parallel') return 'parallel';
  if (verdict.assumptions.length) return 'parallel if assumed';
  return verdict.verdict === 'not-analysable' ? 'not analysable' : 'not parallel';
}

/** Codicon of a verdict: distinct for parallel, parallel-under-assumptions, not parallel, racing pragma. */
export function verdictIcon(verdict: LoopVerdict): string {
  if (verdict.existingPragma) return verdict.existingPragma.races.length ? 'warning' : 'check-all';
  if (verdict.verdict === 'parallel') return 'pass';
  if (verdict.assumptions.length) return 'question';
  return verdict.verdict === 'not-analysable' ? 'circle-large-outline' : 'circle-slash';
}

/** The first reason a loop is not parallel (or its first assumption), as one line. */
export function firstReason(verdict: LoopVerdict): string | undefined {
  return verdict.existingPragma?.races[0]?.message ?? verdict.reasons[0]?.message ?? verdict.assumptions[0]?.message;
}

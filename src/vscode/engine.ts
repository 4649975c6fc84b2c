import type { LoopVerdict, TextEdit } from '../core/model';
import type { LineWindow, ParsedDocument } from '../core/parse';

/** A rewrite that holds only under assumptions the analysis could not prove. */
export interface AssumedRewrite {
  /** For the action's title: "a and b do not overlap (adds restrict)". */
  readonly assumption: string;
  readonly edits: readonly TextEdit[];
}

/**
 * What the editor needs from core's analysis and OpenMP rewriter, in one place, so the features
 * (diagnostics, code actions, commands) do not each know core's entry points.
 */
export interface LoopEngine {
  /** Verdicts of the loop nests overlapping `window`, in source order. */
  analyze(parsed: ParsedDocument, window: LineWindow): LoopVerdict[];
  /** Edits inserting `#pragma omp parallel for …` for a parallel verdict; none when there is nothing to do. */
  parallelize(parsed: ParsedDocument, verdict: LoopVerdict): readonly TextEdit[];
  /** The labelled variant for a verdict that is parallel only under its assumptions, if the rewriter has one. */
  parallelizeAssuming(parsed: ParsedDocument, verdict: LoopVerdict): AssumedRewrite | undefined;
  /** Edits adding an existing pragma's missing clauses (the race quick fix). */
  fixRace(parsed: ParsedDocument, verdict: LoopVerdict): readonly TextEdit[];
}

import type { Node } from 'web-tree-sitter';
import { CallSummaries, callChecks } from './callSummaries';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { livenessChecks } from './liveness';
import { loopHeaderChecks } from './loopHeaders';
import { memoryChecks } from './memoryRefs';
import { classObjectChecks } from './classObjects';
import { nameChecks } from './nameChecks';
import { perThreadStateChecks } from './perThreadState';
import { reductionTypeChecks } from './reductionTypes';
import type { ScalarUse } from './scalarRoles';
import { soundIndex } from './soundIndex';
import { userOperatorChecks } from './userOperators';

// Summaries live as long as the analysis's FileIndex (one analyzeLoops call).
const summariesByFile = new WeakMap<object, CallSummaries>();

/**
 * The soundness checks of issue #7 §1, run on every analysed level after the dependence and
 * scalar passes: they only add reasons (refusals), never remove one. Each class of trap lives in
 * its own file: nameChecks (macros, unknown and ambiguous names), loopHeaders (counter types,
 * narrowing casts), memoryRefs (writes through anything but a plain name), callSummaries (exact
 * callees, recursion), perThreadState (errno, fenv, locale), userOperators (overloaded operators), liveness (lastprivate, hidden later
 * uses), reductionTypes (accumulator types, NaN/-0.0).
 */
export function soundnessChecks(ctx: AnalysisContext, loop: Node, scalars: readonly ScalarUse[], findings: Findings): void {
  const ix = soundIndex(ctx.file, ctx.resolver, loop);
  let summaries = summariesByFile.get(ctx.file);
  if (!summaries) {
    summaries = new CallSummaries(ctx, ix);
    summariesByFile.set(ctx.file, summaries);
  }
  nameChecks(ctx, ix, loop, findings);
  loopHeaderChecks(ctx, ix, loop, findings);
  memoryChecks(ctx, ix, loop, findings);
  classObjectChecks(ix, loop, findings);
  callChecks(ctx, summaries, loop, findings);
  perThreadStateChecks(ctx.resolver, ix, summaries, loop, findings);
  userOperatorChecks(ctx, ix, loop, findings);
  livenessChecks(ctx, loop, scalars, findings);
  const reductions = scalars.filter((s) => s.role === 'reduction' && s.op).map((s) => ({ name: s.name, op: s.op!, node: s.node }));
  reductionTypeChecks(ctx, ix, loop, reductions, findings);
}

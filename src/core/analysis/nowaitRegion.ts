import type { Node } from 'web-tree-sitter';
import type { LoopVerdict, Reason } from '../model';
import { nodeRange } from '../parse';
import { type MemRef, testDependence } from './dependence';
import { collectAccesses } from './accesses';
import { refsByBase } from './aliasing';
import { Findings } from './findings';
import { analyseLevel, type AnalysisContext } from './levelAnalysis';
import { countedShape, invariantBounds } from './loopInvariance';
import { scanLoop } from './loopScan';
import { nestShapes } from './nestShapes';

/** Refusals to privatise (scratch) or reduce (histogram) an array: its references are still tested pair by pair. */
const ARRAY_REFUSAL = /^(scratch|histogram)-/;

/**
 * Issue #7 §3/§4: a sequential loop whose body is one parallel loop can run that loop with
 * `schedule(static) nowait`, so the threads of the hoisted region meet only at its end, when
 * every dependence the sequential loop carries joins iterations of the same inner iteration.
 * OpenMP assigns the same iterations to the same threads in two static worksharing loops of one
 * parallel region with the same iteration count, no chunk and no simd; so each such dependence
 * stays in one thread, in program order, and the region's closing barrier orders the rest.
 *
 * `outer` is the sequential loop, `inner` the only statement of its body, `kid` the inner loop's
 * verdict and `written` the names `outer` writes. Returns the reason nowait is safe, or null
 * (then the region keeps a barrier after each step).
 */
export function nowaitReason(ctx: AnalysisContext, outer: Node, inner: Node, kid: LoopVerdict, written: ReadonlySet<string>): Reason | null {
  const c = kid.clauses;
  // A reduction or lastprivate combines at the loop's end and needs its barrier; collapse
  // renumbers the iterations; other schedules may hand them out anew (the plan drops simd).
  if (!c || c.reduction.length || c.lastprivate.length || c.collapse !== 1 || (c.schedule !== null && c.schedule !== 'static')) return null;
  // The same iterations every step: bounds that no thread sees change, the counter not written.
  const shape = countedShape(ctx, inner);
  if (!shape || !invariantBounds(ctx, shape.boundNodes, written)) return null;
  const outerLevel = analyseLevel(ctx, outer, 1);
  const outerShape = outerLevel.shape;
  if (!outerShape || outerLevel.notAnalysable.length || outerLevel.aliasing.length || outerLevel.runtimeChecks.length) return null;
  // Whatever blocks the sequential loop must be a carried dependence (or why an array in one was
  // not privatised or reduced): the pair test below re-tests every reference.
  if (outerLevel.blocking.some((r) => !outerLevel.races.includes(r) && !ARRAY_REFUSAL.test(r.code))) return null;
  // Scalars: only private ones and counters (a reduction or carried value joins different inner iterations).
  if (outerLevel.facts.scalars.some((s) => s.role !== 'private' && s.role !== 'induction')) return null;
  // Calls: only functions without side effects that read nothing but their arguments (libm).
  const calls = outerLevel.facts.calls;
  const callNodes = outer.descendantsOfType(['call_expression', 'lambda_expression']);
  if (callNodes.some((n) => n.type !== 'call_expression' || !calls.some((f) => f.effect === 'pure' && f.range.startOffset === n.startIndex))) return null;
  // Memory: every reference of the loop, none left out for an array transformation the region does not make.
  const findings = new Findings();
  const scan = scanLoop(ctx, outer, findings);
  const { refs, unknownBaseRefs } = collectAccesses(ctx, outer, nestShapes(ctx, outer, scan, findings));
  const covered = (t: Node) => refs.some((r) => r.write && r.node.startIndex <= t.startIndex && t.endIndex <= r.node.endIndex);
  if (unknownBaseRefs.length || !scan.memWriteTargets.every(covered)) return null;
  if (!everyDependenceInOneThread(refsByBase(refs))) return null;
  const v = shape.varName;
  return {
    code: 'nowait-same-iteration',
    message: `every dependence the \`${outerShape.varName}\` loop carries joins the same \`${v}\` iteration, whose bounds do not change: with \`schedule(static)\` each step gives that iteration to the same thread, so the \`${v}\` loop needs no barrier after each step (\`nowait\`); the region ends with one`,
    range: nodeRange(inner.childForFieldName('condition') ?? inner),
  };
}

/**
 * True when no two references, one a write, can touch the same element from different
 * iterations of the inner loop, whatever the outer iterations: every dependence has direction '='
 * at the inner level. Each reference must sit in both loops (`loops[0]` outer, `loops[1]` inner).
 */
function everyDependenceInOneThread(byBase: ReadonlyMap<string, readonly MemRef[]>): boolean {
  const all = [...byBase.values()].flat();
  if (all.length === 0) return true;
  const [outerKey, innerKey] = [all[0].loops[0]?.key, all[0].loops[1]?.key];
  if (!outerKey || !innerKey || all.some((r) => r.loops.length < 2 || r.loops[0].key !== outerKey || r.loops[1].key !== innerKey)) return false;
  // Inner loop first: at level 0 the test renames both counters of the second reference, so the
  // outer counters are free and only the inner ones must differ (bounds do not name each other).
  const innerFirst = (r: MemRef): MemRef => ({ ...r, loops: [r.loops[1], r.loops[0], ...r.loops.slice(2)] });
  for (const list of byBase.values()) {
    for (const w of list) {
      if (!w.write) continue;
      for (const o of list) {
        if (o.write && list.indexOf(o) < list.indexOf(w)) continue;
        if (!testDependence(innerFirst(w), innerFirst(o), 0).independent) return false;
      }
    }
  }
  return true;
}

import type { Node } from 'web-tree-sitter';
import type { ArgReductionPlan, DependenceFact, LoopFacts, OmpClauses, Reason, VectorBinsPlan } from '../model';
import type { MemRef } from './dependence';
import { judgeCost } from '../transform/openmp/costModel';
import { planClauses } from '../transform/openmp/planClauses';
import { collectAccesses } from './accesses';
import { polyVars } from './affine';
import { checkAliasing, refsByBase } from './aliasing';
import { arrayReductions } from './arrayReductions';
import { usableArgReductions } from './argReduction';
import { buildLoopFacts } from './buildFacts';
import { Findings } from './findings';
import type { FunctionFacts } from './functionFacts';
import { dependencesAt } from './loopDependences';
import { scanLoop } from './loopScan';
import { scratchArrays } from './scratchArrays';
import { memberWrite } from './memberContainers';
import { soundnessChecks } from './soundness';
import type { LoopShape } from './loopShape';
import { nestShapes } from './nestShapes';
import { scalarRoles, type ScalarUse } from './scalarRoles';
import type { FileIndex, Resolver } from './scope';
import type { CallJudge } from './sideEffects';

/**
 * One level of a loop nest, analysed as the loop that would get `#pragma omp parallel for`.
 * The passes live in their own files, in the order they run:
 *   loopScan (hazards, scalar writes, calls) → nestShapes (canonical loops, invariance) →
 *   accesses (memory references, subscripts) → aliasing → loopDependences → scalarRoles →
 *   buildFacts (plain LoopFacts). Clause planning and the cost model read those facts
 *   (transform/openmp/planClauses, costModel).
 */

/** Everything one analysis shares while it looks at the loops of a file. */
export interface AnalysisContext {
  readonly file: FileIndex;
  readonly resolver: Resolver;
  readonly calls: CallJudge;
  /** Per-function facts (uses of each variable, variables assigned), computed once per analysis. */
  readonly facts: FunctionFacts;
}

/** The result of asking "can this loop (and the levels collapsed under it) run in parallel?". */
export interface LevelResult {
  readonly loop: Node;
  readonly shape: LoopShape | null;
  /** Reasons the loop cannot run in parallel (empty when it can, possibly under assumptions). */
  readonly blocking: readonly Reason[];
  /** Reasons the loop cannot even be analysed (macros it cannot see through). */
  readonly notAnalysable: readonly Reason[];
  /** Reasons that would block it only if two pointers may overlap. */
  readonly aliasing: readonly Reason[];
  /** Pointer parameters whose `restrict` would remove the aliasing reasons. */
  readonly restrictTargets: readonly Node[];
  readonly aliasPairs: readonly (readonly [string, string])[];
  /** The clauses planned from the facts (transform/openmp/planClauses). */
  readonly clauses: OmpClauses;
  /** Scalars that accumulate, by variable: what the loop needs as reduction, for pragma checks. */
  readonly scalarFacts: readonly ScalarFact[];
  /** Dependences carried by the loop (array or scalar), for existing-pragma race reports. */
  readonly races: readonly Reason[];
  /** The memory references by array, histogram arrays left out: what the dependence test compared. */
  readonly depBases: ReadonlyMap<string, readonly MemRef[]>;
  /** What the analysis established, as plain data (for the planner, other rewriters and prompts). */
  readonly facts: LoopFacts;
  /** Conditions the rewrite checks at run time before running in parallel (`&x != &y`). */
  readonly runtimeChecks: readonly string[];
  /** For may-alias pointer parameters: the run-time test that the ranges touched do not overlap, or null. */
  readonly overlapCheck: string | null;
  /** Arg-max/arg-min pairs the rewrite combines itself (analysis/argReduction). */
  readonly argReductions: readonly ArgReductionPlan[];
  /** Vector bins reduced through a pointer to their data (analysis/vectorBins); their size checks are in runtimeChecks. */
  readonly vectorBins: readonly VectorBinsPlan[];
}

/** How a scalar written in the loop must be treated. */
export type ScalarFact = ScalarUse;

const LOOP_TYPES = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop']);
const MAX_REFS = 300;

/** Loops nested directly in `loop` (not inside lambdas or local functions). */
export function childLoops(loop: Node): Node[] {
  const out: Node[] = [];
  const body = loop.childForFieldName('body');
  if (!body) return out;
  const visit = (n: Node) => {
    if (LOOP_TYPES.has(n.type)) {
      out.push(n);
      return;
    }
    if (n.type === 'lambda_expression' || n.type === 'function_definition') return;
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(body);
  return out;
}

/** The single loop that makes up the whole body of `loop` (`for … { for … }`), or null. */
export function perfectChild(loop: Node): Node | null {
  let body = loop.childForFieldName('body');
  while (body && body.type === 'compound_statement') {
    const kids = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (kids.length !== 1) return null;
    body = kids[0];
  }
  return body && body.type === 'for_statement' ? body : null;
}

/**
 * Analyses `loop` as the loop that would get `#pragma omp parallel for`, finding how many
 * perfectly nested rectangular levels (up to `maxCollapse`) are independent too; `level` is its
 * 1-based level in the nest (recorded in the facts).
 */
export function analyseLevel(ctx: AnalysisContext, loop: Node, maxCollapse = 8, level = 1): LevelResult {
  const findings = new Findings();
  const scan = scanLoop(ctx, loop, findings);
  const nest = nestShapes(ctx, loop, scan, findings);
  const { shape, shapes, loopVars } = nest;
  const { refs, unknownBaseRefs } = collectAccesses(ctx, loop, nest);

  // ---- Memory the analysis cannot name, aliasing.
  const anyWrite = refs.some((r) => r.write) || unknownBaseRefs.some((r) => r.write) || (scan.memWriteTargets.length > 0 && refs.length + unknownBaseRefs.length === 0);
  for (const u of unknownBaseRefs) {
    if (u.write || anyWrite) findings.block(u.write ? 'unknown-write-target' : 'unknown-read-target', `${u.why}: ParaForge cannot tell which elements iterations touch`, u.node);
  }
  if (refs.length > MAX_REFS) findings.block('too-complex', `the loop makes ${refs.length} memory references: too many to check pair by pair`, loop);
  const alias = checkAliasing(ctx, refs, scan, findings);
  const byBase = refsByBase(refs);

  // ---- Levels: the loop itself, then perfectly nested rectangular children while they stay independent.
  const chain: Node[] = [loop];
  for (let child = perfectChild(loop); child && chain.length < maxCollapse; child = perfectChild(child)) {
    const s = shapes.get(child.id);
    if (!s) break;
    const outerKeys = new Set(chain.map((l) => loopVars.get(l.id)?.key));
    if ([...polyVars(s.min), ...polyVars(s.max)].some((v) => outerKeys.has(v))) break;
    chain.push(child);
  }
  let independentLevels = chain.length;
  const dependences: DependenceFact[] = [];
  // Scratch arrays written before every read of each iteration are private, not dependences.
  const scratch = scratchArrays(ctx, loop, shape?.varName ?? null, byBase);
  const unscratched = new Map([...byBase].filter(([k]) => !scratch.bases.has(k)));
  // Histogram arrays only counted into are reductions, not dependences.
  const histograms = arrayReductions(ctx, loop, unscratched);
  const depBases = new Map([...unscratched].filter(([k]) => !histograms.bases.has(k)));
  if (shape) {
    const own = dependencesAt(depBases, 0, true);
    own.reasons.forEach((r) => findings.race(r));
    dependences.push(...own.facts);
  }
  histograms.refusals.forEach((r) => findings.block(r.code, r.message, r.node));
  scratch.refusals.forEach((r) => findings.block(r.code, r.message, r.node));
  for (let k = 1; k < chain.length; k++) {
    if (dependencesAt(depBases, k, false).carried) {
      independentLevels = k;
      break;
    }
  }

  // Globals read by called helpers must not be written by the loop.
  for (const key of scan.calledGlobals) {
    const w = scan.writes.get(key) ?? (byBase.get(key)?.find((r) => r.write) ? { nodes: [byBase.get(key)!.find((r) => r.write)!.node] } : undefined) ?? memberWrite(byBase, key);
    if (w) findings.block('call-reads-written-global', `a function called in the loop reads \`${key.split('@')[0]}\`, which the loop writes`, w.nodes[0]);
  }

  // ---- Scalars: the analysed loop's counter is an induction variable; inner counters are private.
  const inductionKeys = new Set<string>(nest.ownKey && shape ? [nest.ownKey] : []);
  const scalars = scalarRoles(ctx, loop, scan, refs, inductionKeys, nest.loopVarKeys, findings, shape, nest.ownKey);
  const argPlans = usableArgReductions(scalars.argReductions, alias.aliasing.length > 0 || alias.runtimeChecks.length > 0 || histograms.checks.length > 0, findings);
  // Issue #7 §1: traps the passes above do not see (macros, names, calls, liveness, reduction types).
  soundnessChecks(ctx, loop, scalars.uses, findings);

  const facts = buildLoopFacts({
    loop,
    level,
    nest,
    innerLoops: scan.innerLoops,
    chain,
    independentLevels,
    refs,
    dependences,
    scalars: [...scalars.facts, ...histograms.facts, ...scratch.facts],
    calls: scan.calls,
    aliases: alias.facts,
    callsWithLoops: scan.callsWithLoops,
  });
  const cost = judgeCost(facts);
  if (shape && cost && findings.blocking.length === 0) findings.block(cost.code, cost.message, loop.childForFieldName('condition') ?? loop);
  const clauses = planClauses(facts);
  return {
    loop,
    shape,
    blocking: findings.blocking,
    notAnalysable: findings.notAnalysable,
    aliasing: alias.aliasing,
    restrictTargets: alias.restrictTargets,
    aliasPairs: alias.aliasPairs,
    clauses,
    // Histogram arrays count as reductions too, so an existing pragma without their clause is reported.
    scalarFacts: [...scalars.uses, ...scratch.uses, ...[...histograms.bases].map((k) => ({ name: byBase.get(k)![0].baseName, role: 'reduction' as const, op: '+' as const, node: byBase.get(k)![0].node }))],
    races: findings.races,
    depBases,
    facts,
    runtimeChecks: [...alias.runtimeChecks, ...histograms.checks],
    overlapCheck: alias.overlapCheck,
    argReductions: argPlans,
    vectorBins: histograms.vectorBins,
  };
}

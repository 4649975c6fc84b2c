import type { Node, Tree } from 'web-tree-sitter';
import type { LanguageId, LoopVerdict, Reason, TextEdit } from '../model';
import { isLoopNode, type LineWindow, nodeRange, toNest } from '../parse';
import { checkPragma, parsePragma, pragmaBefore } from './existingPragma';
import { FunctionFacts } from './functionFacts';
import { argReductionNotes } from './argReduction';
import { type AnalysisContext, analyseLevel, childLoops, type LevelResult, perfectChild } from './levelAnalysis';
import { conditionEdits, counterName, hasCanonicalCondition } from './loopShape';
import { judgeRegionCount } from '../transform/openmp/costModel';
import { withSumNestRewrites } from '../transform/sumNests';
import { hoistedRegion } from './regions';
import { macroInPragma } from './pragmaWords';
import { indexFile, Resolver } from './scope';
import { CallJudge } from './sideEffects';
import { vectorBinsNotes } from './vectorBins';

/** Outermost loop statements, in source order; with a window, only those overlapping its lines. */
export function findLoopNodes(tree: Tree, window?: LineWindow): Node[] {
  const out: Node[] = [];
  const visit = (node: Node): void => {
    if (window && (node.endPosition.row < window.startLine || node.startPosition.row > window.endLine)) return;
    if (isLoopNode(node)) {
      out.push(node);
      return;
    }
    for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(tree.rootNode);
  return out;
}

/**
 * Decides, for every loop nest in the tree (or in a window of lines), whether and at which level
 * it can run in parallel with OpenMP, with the exact clauses and reasons. Pure: reads only the tree.
 * Nests whose outer levels cannot be parallel and that split into several inner loops also get one
 * verdict per inner loop, after the nest's own.
 */
export function analyzeLoops(tree: Tree, _language: LanguageId, _text: string, window?: LineWindow): LoopVerdict[] {
  const file = indexFile(tree);
  const resolver = new Resolver(file);
  const ctx: AnalysisContext = { file, resolver, calls: new CallJudge(file, resolver), facts: new FunctionFacts(resolver) };
  const out: LoopVerdict[] = [];
  for (const root of findLoopNodes(tree, window)) analyseNest(ctx, root, out);
  const word = macroInPragma(file);
  if (word) return out.map((v) => (v.verdict === 'parallel' && !v.existingPragma ? pragmaWordRefusal(v, word) : v));
  return out.map((v) => withSumNestRewrites(v, tree, _text, _language, ctx));
}

/** A parallel verdict turned down because the directive it would write contains the macro `word`. */
function pragmaWordRefusal(v: LoopVerdict, word: string): LoopVerdict {
  const message = `this file defines a macro named \`${word}\`, and the compiler expands macros in \`#pragma omp\` lines too: the directive ParaForge would write here would not mean what it says`;
  const { region: _region, partOfRegion: _part, argReductions: _arg, vectorBins: _bins, ...rest } = v;
  return { ...rest, verdict: 'not-parallel', parallelLevel: null, clauses: null, reasons: [...v.reasons, { code: 'macro-in-pragma', message, range: v.nest.root.headerRange }] };
}

function analyseNest(ctx: AnalysisContext, root: Node, out: LoopVerdict[]): void {
  const nest = toNest(root);
  const base = { nest, assumptions: [], existingPragma: null, parallelRange: null, ifAssumed: null } as const;
  if (nest.hasParseErrors) {
    out.push({
      ...base,
      verdict: 'not-analysable',
      parallelLevel: null,
      clauses: null,
      reasons: [{ code: 'parse-error', message: 'the code in or around this loop has syntax errors (or macros the parser cannot read): ParaForge does not rewrite near them', range: nest.root.headerRange }],
    });
    return;
  }
  const reasons: Reason[] = [];
  let loop = root;
  let level = 1;
  let firstFacts: LevelResult['facts'] | null = null;
  let parent: Node | null = null;
  for (;;) {
    const pragma = pragmaBefore(loop);
    const result = analyseLevel(ctx, loop, pragma ? parsePragma(pragma.childForFieldName('argument')?.text ?? '').collapse : 8, level);
    firstFacts ??= result.facts;
    const existingPragma = pragma ? checkPragma(pragma, result) : null;
    if (result.notAnalysable.length > 0) {
      out.push({ ...base, existingPragma, verdict: 'not-analysable', parallelLevel: null, clauses: null, reasons: [...reasons, ...result.notAnalysable, ...result.blocking], facts: firstFacts });
      return;
    }
    if (result.blocking.length === 0 && !pragma && result.aliasing.length === 0 && result.runtimeChecks.length === 0 && fewIterations(result)) {
      // Too few outer iterations to feed the threads: prefer the one loop inside when it is parallel and long.
      const kids = childLoops(loop);
      const inner = kids.length === 1 && !pragmaBefore(kids[0]) ? analyseLevel(ctx, kids[0], 8, level + 1) : null;
      if (inner && inner.blocking.length === 0 && inner.notAnalysable.length === 0 && inner.aliasing.length === 0 && inner.runtimeChecks.length === 0 && (inner.facts.work.tripCount ?? Infinity) >= 64) {
        reasons.push({ code: 'few-iterations', message: `the \`${result.shape?.varName ?? ''}\` loop runs only ${result.facts.work.tripCount} iterations, too few to keep the threads busy: the loop inside it is parallelised instead`, range: nodeRange(loop.childForFieldName('condition') ?? loop) });
        parent = loop;
        loop = kids[0];
        level++;
        continue;
      }
    }
    if (result.blocking.length === 0) {
      const range = nodeRange(loop);
      const header = headerPlan(loop, result);
      if (result.aliasing.length === 0) {
        const runtimeCheck = result.runtimeChecks.length ? result.runtimeChecks.join(' && ') : null;
        const sameContainer = result.runtimeChecks.filter((c) => c.startsWith('&'));
        const checked: Reason[] = sameContainer.length
          ? [{ code: 'runtime-check', message: `the same container may be passed twice: the rewrite runs the loop in parallel only when \`${sameContainer.join(' && ')}\` (checked at run time) and keeps the serial loop otherwise`, range: nodeRange(loop) }]
          : [];
        const verdict: LoopVerdict = { ...base, existingPragma, verdict: 'parallel', parallelLevel: level, clauses: header.clauses, reasons: [...reasons, independence(result, level), ...argReductionNotes(result.argReductions), ...vectorBinsNotes(result.vectorBins, range), ...checked], parallelRange: range, facts: result.facts, runtimeCheck, ...header.edits, ...(result.argReductions.length ? { argReductions: result.argReductions } : {}), ...(result.vectorBins.length ? { vectorBins: result.vectorBins } : {}) };
        // A parallel loop alone in a sequential (time) loop: one thread team for all its steps
        // (region plans carry no header rewrite: a loop that needs one keeps its own region).
        const region = parent && !pragma && !verdict.headerEdits ? hoistedRegion(ctx, parent, [verdict]) : null;
        const tooMany = judgeRegionCount(result.facts.work.enclosingLoops);
        if (tooMany) {
          out.push({ ...base, existingPragma, verdict: 'not-parallel', parallelLevel: null, clauses: null, reasons: [...reasons, { code: tooMany.code, message: tooMany.message, range: nodeRange(loop) }], facts: result.facts });
          return;
        }
        // A nowait region says why skipping the barrier is safe.
        out.push(region ? { ...verdict, region, reasons: region.nowaitReason ? [...verdict.reasons, region.nowaitReason] : verdict.reasons } : verdict);
      } else {
        out.push({
          ...base,
          existingPragma,
          facts: result.facts,
          verdict: 'not-parallel',
          parallelLevel: null,
          clauses: null,
          reasons: [...reasons, ...result.aliasing],
          assumptions: result.aliasPairs.map(([a, b], i) => ({ code: 'no-overlap', message: `safe if ${a} and ${b} do not overlap`, range: result.aliasing[i].range })),
          // Vector bins need their pointer declared before the loop, which only the proven rewrite writes.
          ifAssumed: result.vectorBins.length ? null : { parallelLevel: level, clauses: header.clauses, parallelRange: range, restrictTargets: result.restrictTargets.map(nodeRange), overlapCheck: result.overlapCheck },
          ...header.edits,
        });
      }
      return;
    }
    reasons.push(...result.blocking);
    const kids = childLoops(loop);
    if (kids.length === 1 && !pragma) {
      parent = loop;
      loop = kids[0];
      level++;
      continue;
    }
    out.push({ ...base, existingPragma, verdict: 'not-parallel', parallelLevel: null, clauses: null, reasons, facts: firstFacts });
    if (kids.length > 1 && !pragma) {
      const first = out.length;
      for (const k of kids) analyseNest(ctx, k, out);
      // One thread team for the whole time loop, when every loop in it is parallel.
      const kidVerdicts = out.slice(first);
      const region = kidVerdicts.length === kids.length && !kidVerdicts.some((v) => v.headerEdits) ? hoistedRegion(ctx, loop, kidVerdicts) : null;
      if (region) {
        out[first] = { ...out[first], region };
        for (let i = first + 1; i < out.length; i++) out[i] = { ...out[i], partOfRegion: true };
      }
    }
    return;
  }
}

/**
 * The header edits a parallel loop needs (`i + 1 < n` → `i < (n > 1 ? n - 1 : 0)`), and its
 * clauses with collapse stopped above the first nested level whose condition would need one.
 */
function headerPlan(loop: Node, result: LevelResult): { clauses: LevelResult['clauses']; edits: { headerEdits?: TextEdit[] } } {
  const edits = conditionEdits(result.shape);
  const c = result.clauses;
  const levels: Node[] = [];
  for (let l = perfectChild(loop); l && levels.length < c.collapse - 1; l = perfectChild(l)) levels.push(l);
  const keep = levels.findIndex((l) => !hasCanonicalCondition(l));
  if (keep < 0) return { clauses: c, edits: edits.length ? { headerEdits: edits } : {} };
  // Counters of the levels no longer collapsed and declared outside their loop (C89) become private.
  const counters = levels.slice(keep).filter((l) => l.childForFieldName('initializer')?.type !== 'declaration').map((l) => counterName(l));
  const priv = [...c.private, ...counters.filter((v): v is string => v !== null && !c.private.includes(v) && !c.lastprivate.includes(v))];
  return { clauses: { ...c, collapse: keep + 1, private: priv }, edits: edits.length ? { headerEdits: edits } : {} };
}

/** The loop has a known trip count below the thread counts ParaForge targets (16 cores). */
function fewIterations(result: LevelResult): boolean {
  const t = result.facts.work.tripCount;
  return t !== null && t < 16 && result.clauses.collapse === 1;
}

function independence(result: LevelResult, level: number): Reason {
  const range = result.shape?.node.type === 'for_range_loop' ? result.shape.node.childForFieldName('right')?.text : null;
  const v = result.shape?.varName ?? 'loop';
  const c = result.clauses;
  const extra: string[] = [];
  if (c.reduction.length) extra.push(`reduces ${c.reduction.map((r) => `\`${r.var}\` with ${r.op}`).join(', ')}`);
  if (c.private.length) extra.push(`privatises ${c.private.map((p) => `\`${p}\``).join(', ')}`);
  if (c.lastprivate.length) extra.push(`keeps the last value of ${c.lastprivate.map((p) => `\`${p}\``).join(', ')}`);
  if (c.collapse > 1) extra.push(`collapses ${c.collapse} levels`);
  if (c.schedule === 'dynamic') extra.push(`uses schedule(dynamic) because inner loop bounds depend on \`${v}\``);
  else if (c.schedule) extra.push(`uses schedule(${c.schedule}) because iterations may cost different amounts (a branch around work, a data-dependent inner loop or a call to a function with a loop)`);
  const tail = extra.length ? `; the pragma ${extra.join(', ')}` : '';
  return {
    code: 'independent-iterations',
    message: `iterations of the ${range ? `range-for over \`${range}\`` : `\`${v}\` loop`} (level ${level}) touch disjoint data: it can run in parallel${tail}`,
    range: nodeRange(result.shape?.node.childForFieldName('condition') ?? result.loop),
  };
}

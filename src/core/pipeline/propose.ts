import type { Tree } from 'web-tree-sitter';
import { analyzeLoops } from '../analysis';
import type { Candidate, CandidateSource, CandidateTarget, LoopVerdict, SourceRange, TextEdit } from '../model';
import type { ParserHost } from '../parse';
import { definesMain } from '../runner/staticChecks';
import { applyEdits, parallelizeAssumingEdits, parallelizeEdits, parallelizeVersionedEdits, pragmaText } from '../transform/openmp';
import { argReductionSummary } from '../transform/openmp/argReductionEdits';
import { sumNestSummary } from '../transform/sumNests';
import { candidateId } from './candidateId';

/** Which part of the document to rewrite. Everything when empty. */
export interface ProposeRegion {
  /** Only loops in this function (plain or qualified name). */
  readonly functionName?: string;
  /** Only loop nests overlapping these 0-based lines (a selection, or one loop's line). */
  readonly lines?: { readonly start: number; readonly end: number };
}

/** What to propose and with which engine. */
export interface ProposeOptions {
  readonly target: CandidateTarget;
  /** The deterministic rules engine is the only engine here; the agent (core/agent) adds its own. */
  readonly engine?: 'rules';
  readonly parser: ParserHost;
  /** Also offer rewrites that hold only under unproven assumptions (labelled, e.g. `restrict`). Default true. */
  readonly includeAssumed?: boolean;
}

/** The rules engine's answer: candidates, and the loops it left alone with their verdicts (the reasons). */
export interface Proposal {
  readonly candidates: readonly Candidate[];
  /** Every verdict in the region, rewritten or not (hosts explain the refusals from these). */
  readonly verdicts: readonly LoopVerdict[];
  /** The verdicts the proven candidates rewrite, in source order (the rest were left alone). */
  readonly rewritten: readonly LoopVerdict[];
}

function inRegion(v: LoopVerdict, region: ProposeRegion): boolean {
  const name = v.nest.functionName;
  if (region.functionName !== undefined && name !== region.functionName && name?.split('::').pop() !== region.functionName) return false;
  const r = v.nest.root.range;
  if (region.lines && (r.end.line < region.lines.start || r.start.line > region.lines.end)) return false;
  return true;
}

function loopLine(v: LoopVerdict): number {
  return (v.parallelRange ?? v.nest.root.range).start.line + 1;
}

function functionRange(tree: Tree, v: LoopVerdict): SourceRange | null {
  let node = tree.rootNode.descendantForIndex(v.nest.root.range.startOffset);
  while (node && node.type !== 'function_definition') node = node.parent;
  if (!node) return null;
  return { start: { line: node.startPosition.row, column: node.startPosition.column }, end: { line: node.endPosition.row, column: node.endPosition.column }, startOffset: node.startIndex, endOffset: node.endIndex };
}

/**
 * The rules engine: analyses the region and returns one candidate per function whose loops it can
 * prove parallel (or one whole-program candidate when the file has `main`), plus labelled
 * candidates that assume what could not be proven. Pure apart from parsing.
 */
export async function propose(source: CandidateSource, region: ProposeRegion, options: ProposeOptions): Promise<Proposal> {
  if (options.target !== 'openmp') return { candidates: [], verdicts: [], rewritten: [] };
  const tree = await options.parser.parse(source.language, source.text);
  try {
    const verdicts = analyzeLoops(tree, source.language, source.text).filter((v) => inRegion(v, region));
    const wholeProgram = definesMain(tree);
    const make = (vs: readonly LoopVerdict[], edits: TextEdit[], functionName: string | null, range: SourceRange | null, assumptions: string[], versioned = false): Candidate => {
      const text = applyEdits(source.text, edits);
      const loops = vs.map((v) => `\`${v.argReductions?.length ? argReductionSummary(v.argReductions) : pragmaText(v.clauses ?? v.ifAssumed!.clauses)}\` on the loop at line ${loopLine(v)}${v.nest.functionName ? ` of ${v.nest.functionName}` : ''}${sumNestSummary(v) ? `, with ${sumNestSummary(v)} in its body (exact: every result keeps its bits)` : ''}`);
      const assumed = assumptions.length ? ` assuming ${assumptions.join(' and ')}` : versioned ? ', versioned: parallel only when the buffers do not overlap (checked at run time), the original loop otherwise' : '';
      return {
        id: candidateId(options.target, 'rules', source.text, text, edits),
        target: options.target,
        origin: 'rules',
        parent: null,
        source,
        region: { functionName, range },
        text,
        edits,
        description: `${loops.join('; ')}${assumed}`,
        operator: assumptions.length ? 'openmp-assume-no-overlap' : versioned ? 'openmp-versioned' : 'openmp-proven',
        ...(assumptions.length ? { assumptions } : {}),
      };
    };
    // Group proven rewrites: one candidate per function, or the whole program when it has main.
    const groups = new Map<string, { vs: LoopVerdict[]; edits: TextEdit[]; range: SourceRange | null }>();
    const assumed: Candidate[] = [];
    for (const v of verdicts) {
      const key = wholeProgram ? '' : (v.nest.functionName ?? '');
      const proven = parallelizeEdits(v, source.text);
      if (proven.length) {
        const g = groups.get(key) ?? { vs: [], edits: [], range: wholeProgram ? null : functionRange(tree, v) };
        g.vs.push(v);
        g.edits.push(...proven);
        groups.set(key, g);
      }
      if (options.includeAssumed !== false) {
        const edits = parallelizeAssumingEdits(v, source.text, source.language);
        if (edits.length) {
          const fn = wholeProgram ? null : v.nest.functionName;
          assumed.push(make([v], edits, fn, fn === null ? null : functionRange(tree, v), v.assumptions.map((a) => a.message.replace(/^safe if /, ''))));
        }
        // The same loop versioned on a run-time overlap check: assumes nothing, labelled as its own candidate.
        const versioned = parallelizeVersionedEdits(v, source.text);
        if (versioned.length) {
          const fn = wholeProgram ? null : v.nest.functionName;
          assumed.push(make([v], versioned, fn, fn === null ? null : functionRange(tree, v), [], true));
        }
      }
    }
    const kept = [...groups].filter(([key]) => wholeProgram || key !== '');
    const candidates = kept.map(([key, g]) => make(g.vs, g.edits, wholeProgram ? null : key, g.range, []));
    const rewritten = new Set(kept.flatMap(([, g]) => g.vs));
    return { candidates: [...candidates, ...assumed], verdicts, rewritten: verdicts.filter((v) => rewritten.has(v)) };
  } finally {
    tree.delete();
  }
}

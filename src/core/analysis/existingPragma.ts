import type { Node } from 'web-tree-sitter';
import type { ExistingPragma, Reason, ReductionOp } from '../model';
import { nodeRange } from '../parse';
import type { LevelResult } from './levelAnalysis';
import { dependencesAt } from './loopDependences';
import { exclusiveUpdates, onlyProtectedUpdates, protectedUpdates } from './protectedUpdates';
import { threadLocalNames } from './regionLocals';
import { isBinUpdate } from './arrayReductions';
import { vectorSections } from './vectorBins';

/** The clauses of an `#pragma omp …` line that matter for races. */
export interface PragmaClauses {
  readonly text: string;
  /** True for a worksharing or simd loop construct (`for`, `simd`, `loop`, `distribute`). */
  readonly isLoopConstruct: boolean;
  readonly collapse: number;
  readonly private: ReadonlySet<string>;
  readonly lastprivate: ReadonlySet<string>;
  readonly firstprivate: ReadonlySet<string>;
  readonly reduction: ReadonlyMap<string, string>;
}

/** The `#pragma omp` directly before a loop statement (comments skipped), or null. */
export function pragmaBefore(loop: Node): Node | null {
  let prev = loop.previousSibling;
  while (prev && prev.type === 'comment') prev = prev.previousSibling;
  if (prev?.type !== 'preproc_call') return null;
  if (prev.childForFieldName('directive')?.text !== '#pragma') return null;
  const arg = prev.childForFieldName('argument')?.text ?? '';
  return /^\s*omp\b/.test(arg) ? prev : null;
}

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** Reads the clauses of an OpenMP pragma argument (`omp parallel for reduction(+:s) private(t)`). */
export function parsePragma(argument: string): PragmaClauses {
  const text = argument.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
  const words = text.replace(/\([^)]*\)/g, ' ').split(' ');
  const isLoopConstruct = words.some((w) => w === 'for' || w === 'simd' || w === 'loop' || w === 'distribute');
  const priv = new Set<string>();
  const lastprivate = new Set<string>();
  const firstprivate = new Set<string>();
  const reduction = new Map<string, string>();
  let collapse = 1;
  for (const m of text.matchAll(/\b(private|lastprivate|firstprivate|reduction|collapse|linear)\s*\(([^)]*)\)/g)) {
    const [, clause, body] = m;
    if (clause === 'private') list(body).forEach((v) => priv.add(v));
    else if (clause === 'lastprivate') list(body.replace(/^\s*conditional\s*:/, '')).forEach((v) => lastprivate.add(v));
    else if (clause === 'firstprivate') list(body).forEach((v) => firstprivate.add(v));
    else if (clause === 'linear') list(body.split(':')[0]).forEach((v) => priv.add(v));
    else if (clause === 'collapse') collapse = Number(body.trim()) || 1;
    else {
      // The operator ends at the last colon outside an array section (`reduction(+:h[:256])` reduces `h`).
      const colon = body.replace(/\[[^\]]*\]/g, (s) => ' '.repeat(s.length)).lastIndexOf(':');
      const op = body.slice(0, colon).replace(/^\s*(?:inscan|task|default)\s*,/, '').trim();
      list(body.slice(colon + 1)).forEach((v) => reduction.set(v.replace(/\s*\[.*$/, ''), op));
    }
  }
  return { text, isLoopConstruct, collapse, private: priv, lastprivate, firstprivate, reduction };
}

function sameOp(want: ReductionOp, have: string | undefined): boolean {
  if (have === undefined) return false;
  if (want === have) return true;
  return (want === '+' || want === '-') && (have === '+' || have === '-');
}

/**
 * Compares what a loop needs with what its existing pragma says: dependences its clauses do not
 * cover are likely data races (the Codee-style check), each with the clause that would fix it.
 * Updates that an `omp atomic` or `omp critical` in the loop protects are not races among
 * themselves (protectedUpdates.ts); every other access to the same memory still is.
 */
export function checkPragma(pragma: Node, result: LevelResult): ExistingPragma {
  const clauses = parsePragma(pragma.childForFieldName('argument')?.text ?? '');
  const races: Reason[] = [];
  const missing: string[] = [];
  const text = pragma.text.trim();
  if (!clauses.isLoopConstruct) return { text, range: nodeRange(pragma), races, missingClauses: missing };
  const covered = (v: string) => clauses.private.has(v) || clauses.lastprivate.has(v) || clauses.firstprivate.has(v) || clauses.reduction.has(v);
  const updates = protectedUpdates(result.loop);
  // Declared inside the enclosing parallel region: one copy per thread, carried only within a
  // thread by a worksharing `for` with a static schedule, which runs each thread's iterations in
  // order (not by `simd`, whose lanes share the thread's copy, nor a nonmonotonic dynamic schedule).
  const perThreadOrder = /\bfor\b/.test(clauses.text) && !/\bsimd\b/.test(clauses.text) && /\bschedule\s*\(\s*(?:monotonic\s*:\s*)?static\b/.test(clauses.text);
  const threadLocal = perThreadOrder ? threadLocalNames(result.loop) : new Set<string>();
  for (const f of result.scalarFacts) {
    if (threadLocal.has(f.name)) continue;
    const at = nodeRange(f.node);
    if (updates.size > 0 && !covered(f.name) && onlyProtectedUpdates(result.loop, f.name, updates)) continue;
    if (f.role === 'reduction' && f.op) {
      if (!sameOp(f.op, clauses.reduction.get(f.name))) {
        const fix = `reduction(${f.op}:${f.name})`;
        races.push({
          code: 'pragma-missing-reduction',
          message: `likely data race on \`${f.name}\`: every iteration updates it, but the pragma has no \`${fix}\``,
          range: at,
        });
        missing.push(fix);
      }
    } else if (f.role === 'private' || f.role === 'lastprivate') {
      if (!covered(f.name)) {
        const fix = f.role === 'private' ? `private(${f.name})` : `lastprivate(${f.name})`;
        races.push({ code: 'pragma-missing-private', message: `likely data race on \`${f.name}\`: it is shared, but every iteration writes it; add \`${fix}\``, range: at });
        missing.push(fix);
      } else if (f.role === 'lastprivate' && !clauses.lastprivate.has(f.name) && !clauses.reduction.has(f.name)) {
        races.push({ code: 'pragma-missing-lastprivate', message: `\`${f.name}\` is used after the loop but is not lastprivate: its value after the loop is undefined`, range: at });
        missing.push(`lastprivate(${f.name})`);
      } else if (f.role === 'lastprivate' && clauses.lastprivate.has(f.name) && !clauses.firstprivate.has(f.name) && mayRunZeroTimes(result, clauses.collapse)) {
        // With no iteration there is no last one: gcc copies out the private copy, never set.
        races.push({
          code: 'pragma-lastprivate-zero-trip',
          message: `\`${f.name}\` is used after the loop, but when the loop runs no iteration \`lastprivate\` alone leaves it undefined (the serial loop keeps its earlier value); add \`firstprivate(${f.name})\``,
          range: at,
        });
        missing.push(`firstprivate(${f.name})`);
      }
    } else if (f.role === 'carried') {
      races.push({ code: 'pragma-carried-scalar', message: `likely data race on \`${f.name}\`: its value is carried from one iteration to the next, which no clause can fix`, range: at });
    }
  }
  const scalarCodes = new Set(['scalar-dependence', 'conditional-write', 'arg-min-max']);
  // With protected updates, the array dependences are tested again without the pairs they protect.
  const arrayRaces =
    updates.size === 0 ? result.races.filter((r) => !scalarCodes.has(r.code)) : result.shape ? dependencesAt(result.depBases, 0, true, (w, o) => exclusiveUpdates(w.node, o.node, updates)).reasons : [];
  // Bins of a vector reduced through a pointer to its data (the vector-bins rewrite): covered when the loop only adds to them.
  const sections = vectorSections(pragma, result.loop);
  const binRefs = [...result.depBases.values()].flat().filter((r) => sections.has(r.baseName));
  const coveredBins = new Set([...sections.keys()].filter((p) => binRefs.filter((r) => r.baseName === p).every((r) => isBinUpdate(r.node))));
  const inBins = (range: Reason['range']) => binRefs.some((r) => coveredBins.has(r.baseName) && r.node.startIndex <= range.startOffset && range.endOffset <= r.node.endIndex);
  for (const r of arrayRaces) if (!inBins(r.range)) races.push({ code: 'pragma-carried-dependence', message: `likely data race: ${r.message}`, range: r.range });
  return { text, range: nodeRange(pragma), races, missingClauses: missing };
}

/** True unless every level the pragma covers has a constant trip count above zero. */
function mayRunZeroTimes(result: LevelResult, collapse: number): boolean {
  const levels = result.facts.loops.filter((l) => l.depth < Math.max(1, collapse));
  return levels.length === 0 || levels.some((l) => l.tripCount === null || l.tripCount <= 0);
}

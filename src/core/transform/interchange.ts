import type { Node, Tree } from 'web-tree-sitter';
import type { AccessFact, AffineExpr, LoopFacts, LoopVerdict } from '../model';
import { countedHeader, forLoopAt, perfectlyNestedLoop, pragmasOn, type CountedHeader } from './interchangeSyntax';

/**
 * Loop interchange of a 2-level perfect nest whose inner loop the analysis proved parallel, so the
 * parallel loop goes outermost (one thread team and one split of the work instead of one per outer
 * iteration): `for i: for j: y[j] += A[i*n+j]*x[i]` becomes `for j: for i: …` with j's pragma.
 * Legal only when the facts prove it: both headers counted and independent of each other, nothing
 * written but the inner body's own locals and memory the accesses describe, pure calls, distinct
 * arrays, and no dependence with direction (<,>) or (>,<) over (outer, inner); when the parallel pragma
 * moves out with the inner loop, no dependence across its iterations at all. Anything else is refused.
 */

/** A rewritten text, or why the transform refused. */
export type LoopTransformResult = { readonly ok: true; readonly text: string; readonly description: string } | { readonly ok: false; readonly reason: string };

type Sign = -1 | 0 | 1;
const ALL_SIGNS: readonly Sign[] = [-1, 0, 1];

/** Signs a loop's distance can take between two dependent iterations; 'none' when the pair never touches the same element. */
type Distances = { readonly outer: readonly Sign[]; readonly inner: readonly Sign[] } | 'none';

function split(e: AffineExpr, vars: readonly string[]): { coef: Record<string, number>; rest: Record<string, number> } | null {
  const coef: Record<string, number> = {};
  const rest: Record<string, number> = {};
  for (const [term, k] of Object.entries(e.terms)) {
    if (k === 0) continue;
    if (vars.includes(term)) coef[term] = k;
    // A loop variable inside a product (`i*n`) has no constant coefficient: not a subscript the test reads.
    else if (term.split('*').some((t) => vars.includes(t))) return null;
    else rest[term] = k;
  }
  return { coef, rest };
}

const sameTerms = (a: Record<string, number>, b: Record<string, number>, skip: string) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].every((t) => t === skip || (a[t] ?? 0) === (b[t] ?? 0));

/**
 * Distance signs (sink iteration minus source iteration) over the two loops for one pair of
 * accesses to the same array, or why they cannot be told: each subscript must be uniformly
 * generated (same coefficients in both) and mention at most one of the two loop variables.
 */
export function pairDistances(a: AccessFact, b: AccessFact, outerVar: string, innerVar: string): Distances | string {
  const why = `\`${a.text}\` and \`${b.text}\``;
  if (!a.subscripts || !b.subscripts || a.subscripts.some((s) => s === null) || b.subscripts.some((s) => s === null)) return `${why}: a subscript is not affine`;
  if (a.subscripts.length !== b.subscripts.length || a.delinearisedBy !== b.delinearisedBy) return `${why}: the accesses have different shapes`;
  const vars = [outerVar, innerVar];
  const fixed: Record<string, number> = {};
  for (let d = 0; d < a.subscripts.length; d++) {
    const sa = split(a.subscripts[d]!, vars);
    const sb = split(b.subscripts[d]!, vars);
    if (!sa || !sb) return `${why}: a subscript multiplies a loop variable by a symbol`;
    if (!sameTerms(sa.coef, sb.coef, '') || !sameTerms(sa.rest, sb.rest, '')) return `${why}: subscripts not uniformly generated (different coefficients or symbols)`;
    const used = vars.filter((v) => sa.coef[v]);
    const delta = (sa.rest[''] ?? 0) - (sb.rest[''] ?? 0);
    if (used.length === 0) {
      if (delta !== 0) return 'none';
      continue;
    }
    if (used.length > 1) return `${why}: a subscript couples \`${outerVar}\` and \`${innerVar}\``;
    const v = used[0];
    // coef·v_a + k_a = coef·v_b + k_b  ⇒  v_b − v_a = (k_a − k_b) / coef.
    const dist = delta / sa.coef[v];
    if (!Number.isInteger(dist) || (v in fixed && fixed[v] !== dist)) return 'none';
    fixed[v] = dist;
  }
  const signs = (v: string): readonly Sign[] => (v in fixed ? [Math.sign(fixed[v]) as Sign] : ALL_SIGNS);
  return { outer: signs(outerVar), inner: signs(innerVar) };
}

/**
 * Why interchanging the nest `outer { inner }` is not proven legal by the inner loop's verdict; null
 * when it is. With `innerGoesParallel` (its pragma moves outermost with it), the inner loop must
 * also carry nothing once outermost: every dependence has inner distance 0.
 */
export function interchangeRefusal(outer: CountedHeader, inner: CountedHeader, innerVerdict: LoopVerdict, innerGoesParallel: boolean): string | null {
  const facts: LoopFacts | undefined = innerVerdict.facts;
  if (innerVerdict.verdict !== 'parallel' || !facts || innerVerdict.runtimeCheck || innerVerdict.existingPragma?.races.length) return 'the inner loop is not proven parallel';
  if (facts.range.startOffset !== inner.loop.startIndex || facts.varName !== inner.varName) return 'the facts are not those of the inner loop';
  if (facts.loops.length !== 1) return 'the inner loop contains loops (only a 2-level perfect nest is interchanged)';
  if (inner.boundNames.includes(outer.varName)) return `the inner loop's bounds depend on \`${outer.varName}\``;
  if (outer.boundNames.includes(inner.varName)) return `the outer loop's bounds depend on \`${inner.varName}\``;
  for (const s of facts.scalars) {
    if (s.role === 'induction' && s.name === inner.varName) continue;
    if (s.declared !== 'inside' || s.role !== 'private') return `the body writes \`${s.name}\` (${s.role}), which outlives one iteration`;
    if (outer.boundNames.includes(s.name) || inner.boundNames.includes(s.name)) return `a loop bound reads \`${s.name}\`, which the body writes`;
  }
  // Only library-pure calls: a function of this file may read memory the body writes, which the accesses do not show.
  const call = facts.calls.find((c) => c.effect !== 'pure');
  if (call) return `the body calls \`${call.name}\`, whose reads and effects the dependence test cannot see`;
  const alias = facts.aliases.find((a) => a.kind !== 'distinct');
  if (alias) return `\`${alias.a}\` and \`${alias.b}\` may overlap`;
  if (facts.dependences.some((d) => d.kind === 'unknown')) return 'a dependence of the inner loop is unknown';
  // A subscript reading a scalar the body writes (`a[k]` after `k = …`) changes per iteration: not a symbol.
  const written = new Set(facts.scalars.map((s) => s.name));
  const varying = facts.accesses.find((a) => a.subscripts?.some((e) => e && Object.keys(e.terms).some((t) => t.split('*').some((n) => written.has(n)))));
  if (varying) return `\`${varying.text}\` indexes with a scalar the body writes`;
  for (const a of facts.accesses) {
    if (!a.write) continue;
    for (const b of facts.accesses) {
      if (b.array !== a.array) continue;
      const d = pairDistances(a, b, outer.varName, inner.varName);
      if (d === 'none') continue;
      if (typeof d === 'string') return `cannot tell the dependence between ${d}`;
      // A dependence whose outer and inner distances have opposite signs is (<,>) one way round: swapping the loops reverses it.
      if ((d.outer.includes(1) && d.inner.includes(-1)) || (d.outer.includes(-1) && d.inner.includes(1))) {
        return `\`${a.text}\` and \`${b.text}\` depend with direction (<,>) over (\`${outer.varName}\`, \`${inner.varName}\`): interchange would reverse it`;
      }
      if (innerGoesParallel && d.inner.some((x) => x !== 0)) {
        return `\`${a.text}\` and \`${b.text}\` depend across iterations of \`${inner.varName}\`: outermost, it carries the dependence, so its pragma cannot move there`;
      }
    }
  }
  return null;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

const OMP = /^#\s*pragma\s+omp\s+/;

/**
 * The pragma lines the new outer loop gets: the inner loop's own `#pragma omp` lines, or, for the
 * hoisted form `#pragma omp parallel` (outer) + `#pragma omp for` (inner), one combined
 * `#pragma omp parallel for` (the region existed only to host the inner worksharing loop; its
 * `nowait`, if any, is dropped).
 */
function movedPragmas(outerPragmas: readonly Node[], innerPragmas: readonly Node[], outerVar: string): string[] | { reason: string } {
  const inner = innerPragmas.map((p) => p.text.trim());
  if (inner.some((t) => !OMP.test(t) || /\b(?:collapse|ordered|linear)\b/.test(t))) return { reason: 'the inner loop carries a pragma other than a plain `#pragma omp` (or one with collapse/ordered/linear)' };
  if (outerPragmas.length === 0) return inner;
  const outer = outerPragmas.map((p) => p.text.trim());
  const region = outer.length === 1 ? /^#\s*pragma\s+omp\s+parallel((?:\s+(?:num_threads|proc_bind)\s*\([^()]*\))*)((?:\s+private\s*\(\s*\w+\s*\))?)\s*$/.exec(outer[0]) : null;
  const worksharing = inner.length === 1 ? /^#\s*pragma\s+omp\s+for\b(.*)$/.exec(inner[0]) : null;
  if (!region || !worksharing || (region[2] && !new RegExp(`\\(\\s*${outerVar}\\s*\\)`).test(region[2]))) {
    return { reason: 'the outer loop has a pragma other than a `#pragma omp parallel` region hosting the inner `#pragma omp for`' };
  }
  // A `nowait` only spared the barrier between steps of the old outer loop; the combined loop ends with its region.
  return [`#pragma omp parallel for${worksharing[1].replace(/\s+nowait\b/, '').trimEnd()}${region[1]}`];
}

/**
 * Interchanges the 2-level perfect nest whose outer loop starts at `outerStart`, given the analysis
 * verdict of its inner loop; the inner loop's `#pragma omp` lines move with its header to the top.
 */
export function interchangeLoops(text: string, tree: Tree, outerStart: number, innerVerdict: LoopVerdict): LoopTransformResult {
  const outerLoop = forLoopAt(tree, outerStart);
  const innerLoop = outerLoop ? perfectlyNestedLoop(outerLoop) : null;
  if (!outerLoop || !innerLoop) return { ok: false, reason: 'not a perfect nest of two for loops' };
  const outer = countedHeader(outerLoop);
  const inner = countedHeader(innerLoop);
  if (!outer || !inner) return { ok: false, reason: 'a loop header is not a counted `for (T v = lo; v < hi; v++)` with plain bounds' };
  const outerPragmas = pragmasOn(outerLoop);
  const innerPragmas = pragmasOn(innerLoop);
  const lines = movedPragmas(outerPragmas, innerPragmas, outer.varName);
  if (!Array.isArray(lines)) return { ok: false, reason: lines.reason };
  const refusal = interchangeRefusal(outer, inner, innerVerdict, lines.length > 0);
  if (refusal) return { ok: false, reason: refusal };
  const indent = /^[ \t]*/.exec(text.slice(lineStart(text, outerStart)))?.[0] ?? '';
  // Edits from the end of the text backwards, so earlier offsets stay valid.
  let out = text;
  out = out.slice(0, innerLoop.startIndex) + outer.text + out.slice(innerLoop.startIndex + inner.text.length);
  for (const p of [...innerPragmas].reverse()) out = dropLine(out, p.startIndex);
  out = out.slice(0, outerStart) + inner.text + out.slice(outerStart + outer.text.length);
  for (const p of [...outerPragmas].reverse()) out = dropLine(out, p.startIndex);
  const at = lineStart(out, outerPragmas[0]?.startIndex ?? outerStart);
  out = out.slice(0, at) + lines.map((l) => `${indent}${l}\n`).join('') + out.slice(at);
  return { ok: true, text: out, description: `loops \`${outer.varName}\` and \`${inner.varName}\` interchanged (\`${inner.varName}\` outermost)` };
}

/** The text without the line holding `offset`. */
function dropLine(text: string, offset: number): string {
  const to = text.indexOf('\n', offset) + 1 || text.length;
  return text.slice(0, lineStart(text, offset)) + text.slice(to);
}

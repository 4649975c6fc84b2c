import type { DependenceFact, Reason } from '../model';
import { nodeRange } from '../parse';
import { commonDepth, type MemRef, testDependence } from './dependence';
import { reason } from './findings';

const MAX_FACTS = 64;

/** The dependences of one loop level: whether any is carried, the reasons, and the facts for LoopFacts. */
export interface LevelDependences {
  readonly carried: boolean;
  /** One reason per carried dependence (only when asked to report). */
  readonly reasons: readonly Reason[];
  readonly facts: readonly DependenceFact[];
}

/**
 * Tests every write against every other reference to the same array at loop level `k` (0-based
 * within the references' loops). With `report`, explains each carried dependence; without it,
 * stops at the first one (used to probe collapse levels). Pairs `exempt` accepts are skipped (updates an
 * existing pragma's `omp atomic` or `omp critical` protects).
 */
export function dependencesAt(byBase: ReadonlyMap<string, readonly MemRef[]>, k: number, report: boolean, exempt?: (w: MemRef, o: MemRef) => boolean): LevelDependences {
  let carried = false;
  const reasons: Reason[] = [];
  const facts: DependenceFact[] = [];
  for (const list of byBase.values()) {
    const writesHere = list.filter((r) => r.write);
    for (const w of writesHere) {
      for (const o of list) {
        if (o.write && list.indexOf(o) < list.indexOf(w)) continue;
        if (commonDepth(w, o) <= k || exempt?.(w, o)) continue;
        const out = testDependence(w, o, k);
        if (out.independent) {
          if (report && facts.length < MAX_FACTS) facts.push(dependenceFact(w, o, k, false, null, out.test));
          continue;
        }
        carried = true;
        if (!report) return { carried, reasons, facts };
        reasons.push(dependenceReason(w, o, out.distance, k));
        if (facts.length < MAX_FACTS) facts.push(dependenceFact(w, o, k, true, out.distance, out.test));
      }
    }
  }
  return { carried, reasons, facts };
}

function dependenceFact(w: MemRef, o: MemRef, k: number, carried: boolean, distance: number | null, test: string): DependenceFact {
  const unknown = !w.dims || !o.dims;
  const kind: DependenceFact['kind'] = !carried ? 'none' : unknown ? 'unknown' : o.write ? 'output' : distance !== null && distance < 0 ? 'anti' : distance === null ? 'unknown' : 'flow';
  return {
    array: w.baseName,
    source: w.node.text,
    sink: o.node.text,
    kind,
    loopVar: w.loops[k]?.name ?? '?',
    depth: k,
    carried,
    distance,
    direction: !carried ? '=' : distance === null ? '*' : distance > 0 ? '<' : distance < 0 ? '>' : '=',
    test,
    range: nodeRange(o.node),
  };
}

/** A sentence explaining one carried dependence, with its distance when known. */
export function dependenceReason(w: MemRef, o: MemRef, distance: number | null, level: number): Reason {
  const v = w.loops[level]?.name ?? 'i';
  const base = w.baseName;
  if (!w.dims || !o.dims) {
    const bad = !o.dims ? o : w;
    if (bad.node.type === 'identifier') {
      return reason('whole-object-read', `\`${bad.node.text}\` is used whole (passed to a function or copied), which may read any of its elements: different iterations may touch the same element of \`${base}\``, bad.node);
    }
    if (bad.node.type === 'pointer_expression') {
      return reason('element-address-passed', `\`${bad.node.text}\` passes the address of an element of \`${bad.baseName}\` to a function, which may read any element through it: different iterations may touch the same element of \`${base}\``, bad.node);
    }
    if (bad.unknownWhy) return reason('unknown-subscript', `\`${bad.node.text}\` ${bad.unknownWhy}: different iterations may touch the same element of \`${base}\``, bad.node);
    return reason(
      'unknown-subscript',
      `\`${bad.node.text}\` has a subscript ParaForge cannot analyse (not affine in the loop variables): different iterations may touch the same element of \`${base}\``,
      bad.node,
    );
  }
  if (w === o) {
    return reason('output-dependence', `\`${w.node.text}\` writes the same element of \`${base}\` in different iterations of the \`${v}\` loop: loop-carried output dependence`, w.node);
  }
  if (o.write && distance === null) {
    return reason('output-dependence', `\`${w.node.text}\` and \`${o.node.text}\` may write the same element of \`${base}\` in different iterations of the \`${v}\` loop: loop-carried output dependence`, o.node);
  }
  if (distance === null) {
    return reason('carried-dependence', `\`${o.node.text}\` may read an element of \`${base}\` that \`${w.node.text}\` writes in another iteration of the \`${v}\` loop: loop-carried dependence`, o.node);
  }
  const d = Math.abs(distance);
  const shift = (sign: string) => `${v}${sign}${d}`;
  if (o.write) {
    return reason('output-dependence', `\`${w.node.text}\` and \`${o.node.text}\` write the same element ${d} iteration${d === 1 ? '' : 's'} apart: loop-carried output dependence`, o.node);
  }
  // distance = (iteration of o) - (iteration of w) touching the same element.
  if (distance > 0) {
    return reason('flow-dependence', `\`${o.node.text}\` read in iteration ${v} is written by iteration ${shift('-')} (\`${w.node.text}\`): loop-carried flow dependence`, o.node);
  }
  return reason('anti-dependence', `\`${o.node.text}\` read in iteration ${v} is overwritten by iteration ${shift('+')} (\`${w.node.text}\`): loop-carried anti dependence`, o.node);
}

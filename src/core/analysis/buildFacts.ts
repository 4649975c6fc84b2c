import type { Node } from 'web-tree-sitter';
import type { AccessFact, AffineExpr, AliasFact, CallFact, DependenceFact, LoopFacts, LoopLevelFact, ScalarFact } from '../model';
import { nodeRange } from '../parse';
import { type Poly, polyText, polyVars } from './affine';
import type { MemRef } from './dependence';
import type { NestShapes } from './nestShapes';
import { contains, functionDeclarator, walk } from './syntax';
import { enclosingFunction } from './soundIndex';

const MAX_ACCESSES = 64;
const LOOP_TYPES = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop']);
/** Rough cost of one operation of each kind, in "simple operations", for the work estimate. */
const OP_COST: Record<string, number> = {
  binary_expression: 1,
  assignment_expression: 1,
  update_expression: 1,
  subscript_expression: 1,
  pointer_expression: 1,
  call_expression: 10,
  conditional_expression: 1,
};

/** Plain text of a declaration key (`i@123` → `i`). */
function plainName(key: string): string {
  return key.replace(/@\d+$/, '');
}

/** A polynomial as plain JSON with source names. */
export function affineOf(p: Poly | null): AffineExpr | null {
  if (!p) return null;
  const terms: Record<string, number> = {};
  for (const [m, c] of p) {
    const name = m === '' ? '' : m.split('*').map(plainName).join('*');
    terms[name] = (terms[name] ?? 0) + c;
  }
  const renamed = new Map(Object.entries(terms));
  return { text: polyText(renamed), terms };
}

/** Everything the level analysis found, in the form `buildLoopFacts` turns into plain data. */
export interface FactInputs {
  readonly loop: Node;
  readonly level: number;
  readonly nest: NestShapes;
  readonly innerLoops: readonly Node[];
  /** The perfectly nested canonical rectangular levels from the analysed loop (collapse candidates). */
  readonly chain: readonly Node[];
  readonly independentLevels: number;
  readonly refs: readonly MemRef[];
  readonly dependences: readonly DependenceFact[];
  readonly scalars: readonly ScalarFact[];
  readonly calls: readonly CallFact[];
  readonly aliases: readonly AliasFact[];
  /** A function of this file called in the loop has a loop of its own. */
  readonly callsWithLoops: boolean;
}

/** Turns the level analysis' findings into plain, JSON-serialisable LoopFacts. */
export function buildLoopFacts(x: FactInputs): LoopFacts {
  const { loop, nest } = x;
  const depthOf = (l: Node): number => x.innerLoops.filter((o) => o.id !== l.id && contains(o, l)).length;
  const varsAround = (l: Node): Set<string> => {
    const out = new Set<string>();
    for (const o of x.innerLoops) {
      if (o.id === l.id || !contains(o, l)) continue;
      const lv = nest.loopVars.get(o.id);
      if (lv) out.add(lv.key);
    }
    return out;
  };
  const loops: LoopLevelFact[] = x.innerLoops.map((l) => {
    const s = nest.shapes.get(l.id);
    const outer = varsAround(l);
    const bounds = s ? [...polyVars(s.min), ...polyVars(s.max)] : [];
    return {
      depth: depthOf(l),
      varName: s?.varName ?? null,
      min: affineOf(s?.min ?? null),
      max: affineOf(s?.max ?? null),
      step: s?.step ?? null,
      tripCount: s?.tripCount ?? null,
      boundsDependOnOuter: bounds.some((v) => outer.has(v)),
      boundVars: [...new Set(bounds.filter((v) => outer.has(v)).map(plainName))],
      perfectlyNested: x.chain.some((c) => c.id === l.id),
      range: nodeRange(l),
    };
  });
  const accesses: AccessFact[] = x.refs.slice(0, MAX_ACCESSES).map((r) => ({
    array: r.baseName,
    text: r.node.text,
    read: r.read,
    write: r.write,
    subscripts: r.dims ? r.dims.map(affineOf) : null,
    delinearisedBy: r.delinearisedBy ? plainName(r.delinearisedBy) : null,
    loopVars: r.loops.map((l) => l.name),
    range: nodeRange(r.node),
  }));
  const ownVar = nest.shape ? nest.loopVarKey(nest.shape) : null;
  const triangular = ownVar !== null && loops.some((l, i) => x.innerLoops[i].id !== loop.id && l.boundVars.includes(plainName(ownVar)));
  const estimatedOps = workOf(loop, nest);
  const chainAll = x.chain.length === x.innerLoops.length;
  return {
    level: x.level,
    varName: nest.shape?.varName ?? null,
    range: nodeRange(loop),
    loops,
    independentLevels: x.independentLevels,
    accesses,
    dependences: x.dependences,
    scalars: x.scalars,
    calls: x.calls,
    aliases: x.aliases,
    work: {
      tripCount: nest.shape?.tripCount ?? null,
      nestIterations: nestIterations(x.innerLoops, nest),
      bodyCost: opsIn(loop.childForFieldName('body'), false),
      estimatedOps,
      triangular,
      // A call to a function of this file with a loop may do data-dependent work (primes: a trial-division loop per v).
      imbalanced: hasBranchAroundWork(loop) || x.callsWithLoops,
      inMain: enclosingFunctionName(loop) === 'main',
      initialisesOnly: x.refs.every((r) => !r.read) && x.calls.every((c) => c.effect === 'pure'),
      enclosingLoops: enclosingLoopCount(loop),
      vectorisable: x.calls.length === 0 && chainAll && x.chain.length > 0 && x.independentLevels === x.chain.length,
    },
  };
}

/** Product of the known trip counts of every loop in the nest, or null. */
function nestIterations(innerLoops: readonly Node[], nest: NestShapes): number | null {
  let work = 1;
  for (const l of innerLoops) {
    const t = nest.shapes.get(l.id)?.tripCount;
    if (t == null) return null;
    work *= Math.max(1, t);
  }
  return work;
}

/** Simple operations under `n`; with `stopAtLoops`, loops inside are not counted. */
function opsIn(n: Node | null, stopAtLoops: boolean): number {
  if (!n) return 0;
  let ops = 0;
  walk(n, (m) => {
    if (m.id !== n.id && stopAtLoops && LOOP_TYPES.has(m.type)) return false;
    ops += OP_COST[m.type] ?? 0;
    return undefined;
  });
  return Math.max(1, ops);
}

/** Operations the loop does in all, when every trip count in it is known: trip × (own ops + inner loops' work). */
function workOf(loop: Node, nest: NestShapes): number | null {
  const trip = nest.shapes.get(loop.id)?.tripCount;
  if (trip == null) return null;
  const body = loop.childForFieldName('body');
  let inner = 0;
  const kids: Node[] = [];
  if (body) walk(body, (m) => {
    if (LOOP_TYPES.has(m.type)) {
      kids.push(m);
      return false;
    }
    if (m.type === 'lambda_expression') return false;
    return undefined;
  });
  for (const k of kids) {
    const w = workOf(k, nest);
    if (w === null) return null;
    inner += w;
  }
  return trip * (opsIn(body, true) + inner);
}

/**
 * True when iterations may cost very different amounts: an `if`/`switch` around an inner loop,
 * or an inner `while`/`do` loop (a data-dependent trip count, as in Mandelbrot).
 */
function hasBranchAroundWork(loop: Node): boolean {
  let found = false;
  const body = loop.childForFieldName('body');
  if (!body) return false;
  walk(body, (n) => {
    if (found) return false;
    if (n.type === 'while_statement' || n.type === 'do_statement') found = true;
    if (n.type === 'if_statement' || n.type === 'switch_statement') {
      walk(n, (m) => {
        if (LOOP_TYPES.has(m.type)) found = true;
        return found ? false : undefined;
      });
    }
    return undefined;
  });
  return found;
}

function enclosingFunctionName(n: Node): string | null {
  const fn = enclosingFunction(n);
  if (!fn) return null;
  return functionDeclarator(fn)?.childForFieldName('declarator')?.text ?? null;
}

function enclosingLoopCount(n: Node): number {
  let count = 0;
  for (let p = n.parent; p && p.type !== 'function_definition' && p.type !== 'lambda_expression'; p = p.parent) if (LOOP_TYPES.has(p.type)) count++;
  return count;
}

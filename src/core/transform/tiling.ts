import type { Node, Tree } from 'web-tree-sitter';
import type { LoopVerdict } from '../model';
import type { LoopTransformResult } from './interchange';
import { countedHeader, forLoopAt, mentions, pragmasOn } from './interchangeSyntax';

/**
 * Strip-mining (1-D tiling) of a loop the analysis proved parallel: `for (i = lo; i < hi; i++)`
 * becomes a loop over tiles of `size` iterations, each running its iterations in order:
 *   for (i_tile = lo; i_tile < hi; i_tile += size)
 *     for (i = i_tile; i < (hi - i_tile > size ? i_tile + size : hi); i++)
 * The pragma stays on the tile loop, so each thread runs whole tiles. Every iteration runs once, in
 * the original order within its tile; across tiles order matters only if the loop were not parallel,
 * which the verdict rules out. Refused unless the verdict is 'parallel' for exactly this loop.
 */

function functionRoot(node: Node): Node {
  let n = node;
  while (n.parent && n.type !== 'function_definition') n = n.parent;
  return n;
}

/** A name based on `base` not used anywhere in `scope`. */
function freshName(scope: Node, base: string): string {
  for (let k = 0; ; k++) {
    const name = k === 0 ? base : `${base}${k}`;
    if (!mentions(scope, name)) return name;
  }
}

/** Strip-mines the parallel loop starting at `loopStart` into tiles of `size` iterations, given its verdict. */
export function stripMine(text: string, tree: Tree, loopStart: number, verdict: LoopVerdict, size: number): LoopTransformResult {
  const loop = forLoopAt(tree, loopStart);
  const header = loop ? countedHeader(loop) : null;
  if (!loop || !header) return { ok: false, reason: 'the loop header is not a counted `for (T v = lo; v < hi; v++)` with plain bounds' };
  if (!Number.isInteger(size) || size < 2) return { ok: false, reason: 'the tile size must be an integer of at least 2' };
  if (header.op !== '<' || header.step !== 1) return { ok: false, reason: 'only `v < hi; v++` loops are strip-mined' };
  const facts = verdict.facts;
  if (verdict.verdict !== 'parallel' || !facts || verdict.runtimeCheck || verdict.existingPragma?.races.length || verdict.parallelRange?.startOffset !== loopStart) {
    return { ok: false, reason: 'the loop is not proven parallel' };
  }
  const boundWritten = facts.scalars.find((s) => header.boundNames.includes(s.name));
  if (boundWritten) return { ok: false, reason: `a bound reads \`${boundWritten.name}\`, which the body writes` };
  // collapse(k) would take the strip loop, whose bounds depend on the tile loop, into the collapsed space;
  // ordered would run several ordered regions per tile iteration; linear(x:s) would step per tile.
  const clause = pragmasOn(loop).map((p) => /\b(collapse|ordered|linear)\b/.exec(p.text)?.[1]).find(Boolean);
  if (clause) return { ok: false, reason: `the loop's pragma has a ${clause} clause` };
  const t = freshName(functionRoot(loop), `${header.varName}_tile`);
  const hi = `(${header.hi})`;
  const tileHeader = `for (${header.type} ${t} = ${header.lo}; ${t} < ${hi}; ${t} += ${size})`;
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', loopStart - 1) + 1))?.[0] ?? '';
  const stripHeader = `for (${header.type} ${header.varName} = ${t}; ${header.varName} < (${hi} - ${t} > ${size} ? ${t} + ${size} : ${hi}); ${header.varName}++)`;
  const rewritten = `${tileHeader}\n${indent}  ${stripHeader}`;
  return {
    ok: true,
    text: text.slice(0, loopStart) + rewritten + text.slice(loopStart + header.text.length),
    description: `loop \`${header.varName}\` strip-mined into tiles of ${size}`,
  };
}

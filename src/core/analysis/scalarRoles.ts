import type { Node } from 'web-tree-sitter';
import type { ArgReductionPlan, ReductionOp, ScalarFact as ScalarRoleFact } from '../model';
import { argReductions } from './argReduction';
import { nodeRange } from '../parse';
import type { MemRef } from './dependence';
import { type Findings, reason } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import type { LoopScan } from './loopScan';
import type { LoopShape } from './loopShape';
import { reinitialisedBeforeEveryUse } from './reinitialised';
import { indeterminateReads } from './indeterminateLocals';
import { indeterminateArrayRead } from './scratchArrays';
import { indexReduction } from './searchLoops';
import { classifyScalar } from './scalars';
import type { Decl } from './scope';

/** How a scalar written in the loop must be treated (with its syntax node, for pragma checks). */
export interface ScalarUse {
  readonly name: string;
  readonly role: 'private' | 'lastprivate' | 'reduction' | 'carried' | 'induction';
  readonly op?: ReductionOp;
  readonly node: Node;
}

/** The roles of the scalars a loop writes. */
export interface ScalarRoles {
  readonly uses: readonly ScalarUse[];
  /** The same, as plain facts for LoopFacts. */
  readonly facts: readonly ScalarRoleFact[];
  /** Arg-max/arg-min pairs the rewrite combines itself (their variables are `carried` facts that block nothing). */
  readonly argReductions: readonly ArgReductionPlan[];
}

/**
 * Classifies every scalar declared outside the loop and written in it: induction variables of the
 * analysed (and collapsed) levels, reductions, private or lastprivate temporaries, or carried
 * values (which block the loop, recorded in `findings`).
 */
export function scalarRoles(
  ctx: AnalysisContext,
  loop: Node,
  scan: LoopScan,
  refs: readonly MemRef[],
  inductionKeys: ReadonlySet<string>,
  innerLoopKeys: ReadonlySet<string>,
  findings: Findings,
  shape: LoopShape | null = null,
  ownKey: string | null = null,
): ScalarRoles {
  const uses: ScalarUse[] = [];
  const facts: ScalarRoleFact[] = [];
  const add = (u: ScalarUse, d: Decl, liveAfter: boolean) => {
    uses.push(u);
    facts.push({
      name: u.name,
      role: u.role,
      ...(u.op ? { op: u.op } : {}),
      declared: d.kind === 'global' ? 'global' : d.kind === 'param' ? 'param' : 'function',
      liveAfter,
      type: d.typeText,
      range: nodeRange(u.node),
    });
  };
  indeterminateReads(loop, ctx.resolver, findings);
  const arrayRead = indeterminateArrayRead(ctx, loop);
  if (arrayRead) findings.block('indeterminate-read', arrayRead.why, arrayRead.node);
  const args = argReductions(ctx, loop, scan, inductionKeys, innerLoopKeys, shape);
  for (const [key, { decl, nodes }] of scan.writes) {
    if (scan.declaredInside.has(key)) continue;
    if (decl.isArray) continue;
    // Path-aware: C89 counters and temporaries at function scope, re-set by every later loop header,
    // are dead after the loop; a value overwritten only on some paths (`if (c) k = 0;`) stays live.
    const live = !reinitialisedBeforeEveryUse(decl, loop, ctx.facts, ctx.resolver);
    if (inductionKeys.has(key)) {
      // OpenMP makes these private itself; their value after the loop is another matter.
      if (live) {
        findings.block('induction-used-after', `\`${decl.name}\` is used after the loop; ParaForge keeps loops whose counter outlives them sequential`, nodes[0]);
      }
      add({ name: decl.name, role: 'induction', node: nodes[0] }, decl, live);
      continue;
    }
    if (decl.isPointer && refs.some((r) => r.base === key)) continue;
    if (args.keys.has(key)) {
      add({ name: decl.name, role: 'carried', node: nodes[0] }, decl, live);
      continue;
    }
    const c = classifyScalar(decl, loop, ctx.facts, innerLoopKeys.has(key));
    if (c.role === 'reduction') {
      add({ name: decl.name, role: 'reduction', op: c.op, node: nodes[0] }, decl, live);
    } else if (c.role === 'private' && live && c.insideLoop) {
      // The serial value after the loop comes from the last iteration in which the inner loop ran.
      findings.race(reason('lastprivate-skipped', `\`${decl.name}\` is used after the loop, but it is set only inside \`${loopHeader(c.insideLoop)}\`, which may run no iteration: the last iteration may not set it, so lastprivate would not give the serial value`, nodes[0]));
      add({ name: decl.name, role: 'carried', node: nodes[0] }, decl, live);
    } else if (c.role === 'private') {
      add({ name: decl.name, role: live ? 'lastprivate' : 'private', node: nodes[0] }, decl, live);
    } else {
      const op = c.code === 'conditional-write' ? indexReduction(ctx, decl, loop, shape, ownKey) : null;
      if (op) {
        add({ name: decl.name, role: 'reduction', op, node: nodes[0] }, decl, live);
        continue;
      }
      const why = args.refusals.get(key);
      findings.race(reason(c.code, why ? `${c.message} (${why})` : c.message, c.node));
      add({ name: decl.name, role: 'carried', node: c.node }, decl, live);
    }
  }
  return { uses, facts, argReductions: args.plans };
}

/** A loop's header on one line (`for (k = 0; k < n; k++)`), for messages. */
function loopHeader(loop: Node): string {
  const body = loop.childForFieldName('body');
  const text = loop.type === 'do_statement' ? `do … while ${loop.childForFieldName('condition')?.text ?? ''}` : body ? loop.text.slice(0, body.startIndex - loop.startIndex) : loop.text;
  return text.replace(/\s+/g, ' ').trim();
}

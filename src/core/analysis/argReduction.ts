import type { Node } from 'web-tree-sitter';
import type { ArgReductionPlan, Reason } from '../model';
import { nodeRange } from '../parse';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import type { LoopScan } from './loopScan';
import type { LoopShape } from './loopShape';
import { classifyScalar } from './scalars';
import type { Decl } from './scope';
import { calleeName, codeChildren, compact, isIntegerType, operatorOf, unparen } from './syntax';

/** The arg-max/arg-min pairs of one loop that the rewrite can combine, and why the others cannot be. */
export interface ArgReductions {
  readonly plans: readonly ArgReductionPlan[];
  /** Keys of the variables the plans keep (values and indices): they need no clause and block nothing. */
  readonly keys: ReadonlySet<string>;
  /** Why the arg-max/arg-min kept in a variable (by key) is not rewritten. */
  readonly refusals: ReadonlyMap<string, string>;
}

/**
 * Finds the arg-max/arg-min idioms of `loop` that ParaForge rewrites into per-thread pairs and a
 * combine (issue #7 §2): `if (cand OP best) { best = cand; idx = e; }` with OP one of < > <= >=,
 * nothing else using `best` or `idx` in the loop, an increasing integer counter, and `cand` of a
 * type whose conversion to `best`'s keeps every value (so the threads' values compare as the
 * candidates did). Scalars are those `scan` found written outside `skip` (induction variables).
 */
export function argReductions(ctx: AnalysisContext, loop: Node, scan: LoopScan, skip: ReadonlySet<string>, innerLoopKeys: ReadonlySet<string>, shape: LoopShape | null): ArgReductions {
  const plans: ArgReductionPlan[] = [];
  const keys = new Set<string>();
  const refusals = new Map<string, string>();
  // The pair is updated under an `if`: without one there is nothing to classify twice.
  if (scan.writes.size === 0 || loop.descendantsOfType('if_statement').length === 0) return { plans, keys, refusals };
  for (const [key, { decl }] of scan.writes) {
    if (scan.declaredInside.has(key) || decl.isArray || skip.has(key)) continue;
    const c = classifyScalar(decl, loop, ctx.facts, innerLoopKeys.has(key));
    if (c.role !== 'carried' || c.code !== 'arg-min-max') continue;
    const r = recognise(ctx, decl, loop, shape);
    if (typeof r === 'string') {
      refusals.set(key, r);
      continue;
    }
    if (keys.has(r.bestKey) || keys.has(r.indexKey)) continue;
    plans.push(r.plan);
    keys.add(r.bestKey).add(r.indexKey);
  }
  return { plans, keys, refusals };
}

/**
 * The plans the rewrite may use: none when the loop also needs a run-time check or a no-overlap
 * assumption (those rewrites put a plain pragma on the loop, which would race on the pairs); each
 * dropped plan becomes a blocking reason.
 */
export function usableArgReductions(plans: readonly ArgReductionPlan[], needsCheckOrAssumption: boolean, findings: Findings): readonly ArgReductionPlan[] {
  if (!needsCheckOrAssumption) return plans;
  for (const p of plans) findings.race(argReason(p, 'the loop also needs a run-time check or a no-overlap assumption, which the (value, index) rewrite does not combine with'));
  return [];
}

/** The refusal reason for a plan that cannot be used. */
function argReason(p: ArgReductionPlan, why: string): Reason {
  return { code: 'arg-min-max', message: `\`${p.best}\` is a running ${p.op} kept together with \`${p.index}\` in one \`if\` (an arg-${p.op}): not rewritten, ${why}`, range: p.bestRanges[0] };
}

/** A sentence for the verdict: how the rewrite keeps each pair. */
export function argReductionNotes(plans: readonly ArgReductionPlan[] | undefined): Reason[] {
  return (plans ?? []).map((p) => ({
    code: 'arg-reduction',
    message: `\`${p.best}\` and \`${p.index}\` are an arg-${p.op}: each thread keeps its own pair over its iterations, then the pairs that changed are combined in a critical section, equal values going to the ${p.ties === 'first' ? 'earliest' : 'latest'} iteration, as in the serial loop`,
    range: p.bestRanges[0],
  }));
}

const ORDER = new Set(['<', '>', '<=', '>=']);

function recognise(ctx: AnalysisContext, best: Decl, loop: Node, shape: LoopShape | null): { plan: ArgReductionPlan; bestKey: string; indexKey: string } | string {
  // The counter's type, declared in the header (`for (int i = …`) or before the loop.
  const counterType = norm(shape?.varDecl?.typeText ?? loop.childForFieldName('initializer')?.childForFieldName('type')?.text ?? '');
  if (!shape || shape.node.id !== loop.id || loop.type !== 'for_statement' || shape.step <= 0 || !isIntegerType(counterType)) {
    return 'the loop counter must be an integer that increases (the iteration of an update decides ties)';
  }
  const bad = notPlainLocal(best);
  if (bad) return `\`${best.name}\` ${bad}`;
  const occ = ctx.facts.occurrences(best, loop);
  const writes = occ.filter(isAssignedTarget);
  const reads = occ.filter((o) => !isAssignedTarget(o));
  if (writes.length !== 1 || reads.length !== 1) return `\`${best.name}\` is used in the loop other than in the comparison and its one update`;
  const ifStmt = ifAround(reads[0], loop);
  if (!ifStmt) return `the comparison with \`${best.name}\` must be the whole condition of an \`if\` directly in the loop body (no inner loop, switch or lambda around it)`;
  if (ifStmt.childForFieldName('alternative')) return 'the `if` has an `else` branch';
  let condNode = ifStmt.childForFieldName('condition') as Node;
  if (condNode.type === 'condition_clause') {
    if (condNode.childForFieldName('initializer')) return 'the `if` has an init-statement';
    condNode = condNode.childForFieldName('value') ?? condNode;
  }
  const cond = unparen(condNode);
  const cop = cond.type === 'binary_expression' ? operatorOf(cond) : '';
  if (!ORDER.has(cop)) return `the condition must be one comparison \`cand OP ${best.name}\` with OP one of < > <= >=`;
  const left = unparen(cond.childForFieldName('left') as Node);
  const right = unparen(cond.childForFieldName('right') as Node);
  const bestOnLeft = left.id === reads[0].id;
  if (!bestOnLeft && right.id !== reads[0].id) return `the condition must be one comparison \`cand OP ${best.name}\` with OP one of < > <= >=`;
  const cand = bestOnLeft ? right : left;
  const body = ifStmt.childForFieldName('consequence');
  const stmts = body?.type === 'compound_statement' ? codeChildren(body) : [];
  const assigns = stmts.map((s) => (s.type === 'expression_statement' ? unparen(s.namedChild(0) as Node) : null));
  if (stmts.length !== 2 || assigns.some((a) => a?.type !== 'assignment_expression' || operatorOf(a) !== '=' || unparen(a.childForFieldName('left') as Node).type !== 'identifier')) {
    return `the \`if\` must be a block of exactly two assignments, \`${best.name} = cand;\` and \`index = …;\` (a third variable would need its own combine)`;
  }
  const bestAssign = (assigns as Node[]).find((a) => unparen(a.childForFieldName('left') as Node).id === writes[0].id);
  const indexAssign = (assigns as Node[]).find((a) => a !== bestAssign);
  if (!bestAssign || !indexAssign) return `\`${best.name}\` must be assigned in the \`if\` it is compared in`;
  const indexNode = unparen(indexAssign.childForFieldName('left') as Node);
  const index = ctx.resolver.resolve(indexNode.text, indexNode);
  if (!index || index.key === best.key) return `\`${indexNode.text}\` cannot be resolved`;
  const badIndex = notPlainLocal(index);
  if (badIndex) return `\`${index.name}\` ${badIndex}`;
  const indexOcc = ctx.facts.occurrences(index, loop);
  if (indexOcc.length !== 1) return `\`${index.name}\` is used in the loop other than in its one update`;
  if (compact(unparen(bestAssign.childForFieldName('right') as Node)) !== compact(cand)) return `\`${best.name}\` must be assigned the value it was compared with (\`${cand.text}\`)`;
  const indexValue = indexAssign.childForFieldName('right') as Node;
  if (hasWrite(cand) || hasWrite(indexValue)) return 'the compared value and the index must be computed without assignments or increments';
  const ct = valueType(ctx, cand);
  if (!ct) return `ParaForge cannot tell the type of \`${cand.text}\`: its conversion to \`${best.typeText}\` must keep every value for the threads' results to compare as the candidates did`;
  if (!keepsValues(ct, norm(best.typeText))) return `\`${cand.text}\` is a \`${ct}\`, which \`${best.typeText}\` may not hold exactly: the threads' results would not compare as the candidates did`;
  // `at = i` is written in the if's block: the name must still mean the loop's counter there.
  const counterKey = ctx.resolver.resolve(shape.varName, loop.childForFieldName('condition') ?? loop)?.key;
  if (!counterKey || ctx.resolver.resolve(shape.varName, body as Node)?.key !== counterKey) return `\`${shape.varName}\` does not name the loop counter in the \`if\` block`;
  const greater = bestOnLeft ? cop[0] === '<' : cop[0] === '>';
  return {
    bestKey: best.key,
    indexKey: index.key,
    plan: {
      best: best.name,
      bestType: best.typeText,
      bestRanges: occ.map(nodeRange),
      index: index.name,
      indexType: index.typeText,
      indexRanges: indexOcc.map(nodeRange),
      counter: shape.varName,
      counterType,
      op: greater ? 'max' : 'min',
      ties: cop.length === 2 ? 'last' : 'first',
      updateEnd: (body as Node).endIndex - 1,
    },
  };
}

/** Why `d` cannot get a per-thread copy under its declared type, or null. */
function notPlainLocal(d: Decl): string | null {
  if (d.kind === 'global' || d.isStatic) return 'is a global or static (other functions could see it mid-loop)';
  if (d.isPointer || d.isArray || d.isReference || d.isVolatile) return 'is a pointer, array, reference or volatile';
  // Built-in arithmetic types only: a class could order, compare or copy in ways the combine does not know.
  if (!isArithmetic(norm(d.typeText)) && !isIntegerType(d.typeText)) return `has type \`${d.typeText}\`, not a built-in integer or floating type`;
  return null;
}

function isAssignedTarget(o: Node): boolean {
  const p = o.parent;
  return p?.type === 'assignment_expression' && p.childForFieldName('left')?.id === o.id;
}

/** The `if` whose whole condition holds `read`, when only blocks and other `if`s lie between it and the loop body. */
function ifAround(read: Node, loop: Node): Node | null {
  let ifStmt: Node | null = null;
  for (let p = read.parent; p; p = p.parent) {
    if (p.type === 'if_statement') {
      ifStmt = p;
      break;
    }
    if (p.type !== 'parenthesized_expression' && p.type !== 'binary_expression' && p.type !== 'condition_clause') return null;
  }
  if (!ifStmt) return null;
  for (let p = ifStmt.parent; p; p = p.parent) {
    if (p.id === loop.id) return ifStmt;
    if (p.type !== 'compound_statement' && p.type !== 'if_statement' && p.type !== 'else_clause') return null;
  }
  return null;
}

function hasWrite(n: Node): boolean {
  return n.type === 'assignment_expression' || n.type === 'update_expression' || n.descendantsOfType(['assignment_expression', 'update_expression']).length > 0;
}

function isArithmetic(t: string): boolean {
  return FLOATING.includes(t) || RANKED_INT.has(t) || SMALL_INT.has(t);
}

function norm(t: string): string {
  return t.trim().replace(/\s+/g, ' ');
}

const FLOATING = ['float', 'double', 'long double'];
const SMALL_INT = new Set(['char', 'signed char', 'unsigned char', 'short', 'short int', 'unsigned short', 'unsigned short int']);
/** Integer types that keep their own type in arithmetic (no promotion to int). */
const RANKED_INT = new Set(['int', 'unsigned', 'unsigned int', 'long', 'long int', 'unsigned long', 'unsigned long int', 'long long', 'long long int', 'unsigned long long', 'unsigned long long int', 'size_t', 'std::size_t']);

/** Every value of type `from` is held exactly by `to` and compares the same way (both as written). */
function keepsValues(from: string, to: string): boolean {
  if (from === to) return true;
  if (FLOATING.includes(from) && FLOATING.includes(to)) return FLOATING.indexOf(from) <= FLOATING.indexOf(to);
  const smallSigned = from === 'int' || SMALL_INT.has(from);
  return smallSigned && (FLOATING.slice(1).includes(to) || ['long', 'long int', 'long long', 'long long int'].includes(to) || (SMALL_INT.has(from) && to === 'int'));
}

/** The C type of an expression, for the few forms an arg-max compares; null when unsure. */
function valueType(ctx: AnalysisContext, e: Node): string | null {
  const n = unparen(e);
  switch (n.type) {
    case 'number_literal': {
      const t = n.text.toLowerCase();
      if (t.startsWith('0x')) return /[ul]/.test(t) ? null : 'int';
      if (/[.e]/.test(t)) return t.endsWith('f') ? 'float' : t.endsWith('l') ? 'long double' : 'double';
      return /^[0-9]+$/.test(t) ? 'int' : null;
    }
    case 'identifier': {
      const d = ctx.resolver.resolve(n.text, n);
      return d && !d.isPointer && !d.isArray ? norm(d.typeText) : null;
    }
    case 'subscript_expression': {
      let base = n;
      while (base.type === 'subscript_expression') base = unparen(base.childForFieldName('argument') as Node);
      if (base.type !== 'identifier') return null;
      const d = ctx.resolver.resolve(base.text, base);
      if (!d) return null;
      const vec = /^(?:std::)?vector\s*<\s*([\w ]+?)\s*>$/.exec(norm(d.typeText));
      if (vec && !d.isPointer && !d.isArray) return norm(vec[1]);
      // A subscript that does not reach the element (`a[i]` of a `double **`) would not compile as a comparison.
      return d.isPointer || d.isArray ? norm(d.typeText) : null;
    }
    case 'cast_expression':
      return norm(n.childForFieldName('type')?.text ?? '') || null;
    case 'unary_expression': {
      const t = operatorOf(n) === '-' || operatorOf(n) === '+' ? valueType(ctx, n.childForFieldName('argument') as Node) : null;
      return t && (FLOATING.includes(t) || RANKED_INT.has(t)) ? t : null;
    }
    case 'binary_expression': {
      if (!['+', '-', '*', '/'].includes(operatorOf(n))) return null;
      const a = valueType(ctx, n.childForFieldName('left') as Node);
      const b = valueType(ctx, n.childForFieldName('right') as Node);
      if (!a || !b || !isArithmetic(a) || !isArithmetic(b)) return null;
      // The usual arithmetic conversions, for the cases that need no integer promotion rules.
      const floating = ['long double', 'double', 'float'].find((f) => a === f || b === f);
      if (floating) return floating;
      return a === b && RANKED_INT.has(a) ? a : null;
    }
    case 'call_expression': {
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is Node => x !== null);
      if (args.length !== 1) return null;
      const name = (calleeName(n) ?? '').replace(/^std::/, '');
      const arg = valueType(ctx, args[0]);
      // C's fabs takes a double, C++'s is overloaded: the same type only when the argument is a double.
      if (name === 'fabs' && arg === 'double') return 'double';
      if (name === 'fabsf' && arg === 'float') return 'float';
      if (name === 'fabsl' && arg === 'long double') return 'long double';
      if (name === 'abs' && arg === 'int') return 'int';
      if (name === 'labs' && (arg === 'long' || arg === 'long int')) return arg;
      return null;
    }
    default:
      return null;
  }
}

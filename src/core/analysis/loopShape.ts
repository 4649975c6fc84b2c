import type { Node } from 'web-tree-sitter';
import { addPoly, constantOf, constPoly, isConstant, type NameValue, parsePoly, type Poly, varPoly } from './affine';
import { divisionSymbol } from './symbolicBounds';
import type { TextEdit } from '../model';
import { nodeRange } from '../parse';
import type { Decl, Resolver } from './scope';
import { isIntegerType, operatorOf, unparen } from './syntax';

/** A loop in the canonical form OpenMP accepts: `for (i = lb; i OP ub; i += step)`. */
export interface LoopShape {
  readonly node: Node;
  readonly varName: string;
  readonly varDecl: Decl | null;
  /** True when the induction variable is declared in the for-header (`for (int i = …`). */
  readonly declaredInHeader: boolean;
  /** Smallest and largest value the variable takes (inclusive), as polynomials. */
  readonly min: Poly;
  readonly max: Poly;
  readonly step: number;
  /** Iterations when both bounds are constants, else null. */
  readonly tripCount: number | null;
  /** The lower and upper bound expressions as written, for invariance checks and messages. */
  readonly boundNodes: readonly Node[];
  /**
   * For a condition OpenMP does not accept (`i + k < n`, `i + k <= n`): an equivalent canonical
   * condition that replaces it, `i < (n > k ? n - k : 0)` (with a lower bound >= 0, so the serial
   * loop is unchanged too, unsigned n included).
   */
  readonly conditionRewrite?: { readonly node: Node; readonly text: string };
}

/** Either a canonical shape, or why the loop is not in canonical form. */
export type ShapeResult = { readonly shape: LoopShape } | { readonly problem: string; readonly at: Node; readonly macro?: boolean };

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '!=': '!=' };

/**
 * Reads a for-loop header as OpenMP's canonical loop form. `nameValue` says which names in the
 * bounds are constants; a name it calls 'unknown' (a macro it cannot see through) is refused.
 * `startBound`, when given, reads a start that is not a polynomial as a bound on it (the smallest
 * start when counting up, the largest when counting down): then min or max is only a bound.
 */
export function loopShape(node: Node, resolver: Resolver, nameValue: (name: string, node: Node) => NameValue, callValue?: (call: Node) => NameValue, startBound?: (start: Node, step: number) => Poly | null): ShapeResult {
  if (node.type !== 'for_statement') {
    const kind = node.type === 'for_range_loop' ? 'range-based for loop' : node.type === 'do_statement' ? 'do-while loop' : 'while loop';
    return { problem: `a ${kind} has no induction variable OpenMP can split: only counted for loops are parallelised`, at: node };
  }
  const init = node.childForFieldName('initializer');
  const cond = node.childForFieldName('condition');
  const update = node.childForFieldName('update');
  if (!init || !cond || !update) return { problem: 'the for loop lacks an initialiser, condition or increment: not a counted loop', at: node };
  // Initialiser: `int i = lb` or `i = lb`.
  let varName: string;
  let lbNode: Node | null = null;
  let varDecl: Decl | null = null;
  let declaredInHeader = false;
  if (init.type === 'declaration') {
    const ds = init.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
    const d = ds[0];
    if (ds.length !== 1 || d.type !== 'init_declarator') return { problem: 'the for-header declares more than one variable', at: init };
    const name = d.childForFieldName('declarator');
    lbNode = d.childForFieldName('value');
    if (!name || name.type !== 'identifier' || !lbNode) return { problem: 'the for-header initialiser is not `type i = start`', at: init };
    varName = name.text;
    declaredInHeader = true;
    const type = init.childForFieldName('type')?.text ?? '';
    if (!isIntegerType(type)) return { problem: `induction variable \`${varName}\` has type \`${type}\`, not an integer type`, at: init };
  } else if (init.type === 'assignment_expression' && operatorOf(init) === '=') {
    const left = unparen(init.childForFieldName('left') as Node);
    lbNode = init.childForFieldName('right');
    if (left.type !== 'identifier' || !lbNode) return { problem: 'the for-header initialiser is not `i = start`', at: init };
    varName = left.text;
    varDecl = resolver.resolve(varName, left);
    if (!varDecl || varDecl.isPointer || varDecl.isArray || !isIntegerType(varDecl.typeText)) {
      return { problem: `induction variable \`${varName}\` is not a local integer variable`, at: left };
    }
  } else {
    return { problem: 'the for-header initialiser is not `i = start`', at: init };
  }
  // Condition: `i OP ub` or `ub OP i`.
  const c = unparen(cond);
  if (c.type !== 'binary_expression') return { problem: 'the loop condition is not a comparison of the induction variable with a bound', at: cond };
  let op = operatorOf(c);
  const l = unparen(c.childForFieldName('left') as Node);
  const r = unparen(c.childForFieldName('right') as Node);
  let ubNode: Node;
  // `i + k < n` / `n > i + k`: the counter plus a positive constant (rewritten, see below).
  let offset = 0;
  if (l.type === 'identifier' && l.text === varName) ubNode = r;
  else if (r.type === 'identifier' && r.text === varName) {
    ubNode = l;
    op = FLIP[op] ?? '';
  } else if ((offset = counterPlus(l, varName, nameValue)) > 0) ubNode = r;
  else if ((offset = counterPlus(r, varName, nameValue)) > 0) {
    ubNode = l;
    op = FLIP[op] ?? '';
  } else return { problem: `the loop condition does not compare \`${varName}\` with a bound`, at: cond };
  if (!(op in FLIP)) return { problem: `the loop condition uses \`${operatorOf(c)}\`; OpenMP needs <, <=, >, >= or !=`, at: cond };
  // Increment.
  const step = readStep(unparen(update), varName, nameValue);
  if (step === null || step === 0) return { problem: `the increment is not \`${varName}++\`, \`${varName}--\` or \`${varName} += constant\``, at: update };
  if ((op === '<' || op === '<=') && step < 0) return { problem: 'the loop counts down towards an upper bound: not a counted loop', at: update };
  if ((op === '>' || op === '>=') && step > 0) return { problem: 'the loop counts up towards a lower bound: not a counted loop', at: update };
  if (op === '!=' && Math.abs(step) !== 1) return { problem: 'a `!=` condition needs a step of 1 or -1', at: update };
  let macro = false;
  const guarded = (name: string, n: Node): NameValue => {
    const v = nameValue(name, n);
    if (v === 'unknown') macro = true;
    return v;
  };
  const lb = boundPoly(lbNode, guarded, callValue) ?? startBound?.(lbNode, step) ?? null;
  const lbStart = lb && isConstant(lb) ? constantOf(lb) : -1;
  // ParaForge's own rewrite of `i + k < n` reads back as `i < n - k` (counting up from >= 0).
  const ub = boundPoly(ubNode, guarded, callValue) ?? (step > 0 && op === '<' && lbStart >= 0 ? guardedDifference(ubNode, guarded, callValue) : null);
  if (macro) return { problem: 'a loop bound uses a macro that is not a plain integer constant: ParaForge cannot see through it', at: ubNode, macro: true };
  if (!lb || !ub) {
    const bad = !lb ? lbNode : ubNode;
    return { problem: `the bound \`${bad.text}\` is not an integer expression of loop-invariant variables`, at: bad };
  }
  let conditionRewrite: LoopShape['conditionRewrite'];
  let shift = 0;
  if (offset > 0) {
    // Only counting up from a constant >= 0 with < or <=: then i + k < n is i < n - k for n > k,
    // and no iteration (like i < 0) otherwise, whatever n's type.
    if (step <= 0 || lbStart < 0 || (op !== '<' && op !== '<=')) return { problem: `the loop condition compares \`${cond.text}\`: OpenMP needs the counter alone on one side, and ParaForge rewrites it only when counting up from a constant >= 0 with < or <=`, at: cond };
    shift = op === '<' ? offset : offset - 1;
    const n = /^\w+$/.test(ubNode.text) ? ubNode.text : `(${ubNode.text})`;
    conditionRewrite = { node: cond, text: shift === 0 ? `${varName} < ${n}` : `${varName} < (${n} > ${shift} ? ${n} - ${shift} : 0)` };
    op = '<';
  }
  const ubEff = addPoly(ub, constPoly(-shift));
  let min: Poly;
  let max: Poly;
  if (step > 0) {
    min = lb;
    max = op === '<=' ? ubEff : addPoly(ubEff, constPoly(-1));
  } else {
    max = lb;
    min = op === '>=' ? ubEff : addPoly(ubEff, constPoly(1));
  }
  const tripCount = isConstant(min) && isConstant(max) ? Math.max(0, Math.floor((constantOf(max) - constantOf(min)) / Math.abs(step)) + 1) : null;
  return { shape: { node, varName, varDecl, declaredInHeader, min, max, step, tripCount, boundNodes: [lbNode, ubNode], ...(conditionRewrite ? { conditionRewrite } : {}) } };
}

/** The edit that replaces a loop's condition by its canonical form, when it needs one. */
export function conditionEdits(shape: LoopShape | null): TextEdit[] {
  const r = shape?.conditionRewrite;
  if (!r) return [];
  const range = nodeRange(r.node);
  return [{ startOffset: range.startOffset, endOffset: range.endOffset, newText: r.text }];
}

/** The variable a for-loop's increment changes (`i` in `i++`, `i += 2`), or null. */
export function counterName(loop: Node): string | null {
  const u = loop.childForFieldName('update');
  const target = u ? (unparen(u).childForFieldName('argument') ?? unparen(u).childForFieldName('left')) : null;
  return target && unparen(target).type === 'identifier' ? unparen(target).text : null;
}

/** False when a for-loop's condition does not have its counter alone on one side (OpenMP rejects it). */
export function hasCanonicalCondition(loop: Node): boolean {
  const c = loop.childForFieldName('condition');
  const name = counterName(loop);
  if (!c || !name || unparen(c).type !== 'binary_expression') return true;
  const b = unparen(c);
  return [b.childForFieldName('left'), b.childForFieldName('right')].some((x) => x !== null && unparen(x).type === 'identifier' && unparen(x).text === name);
}

/**
 * `(n > k ? n - k : 0)` as `n - k`: equal when n > k, and otherwise both bounds give no iteration
 * to a counter that counts up from a constant >= 0 (the caller checks that).
 */
function guardedDifference(node: Node, nameValue: (name: string, node: Node) => NameValue, callValue?: (call: Node) => NameValue): Poly | null {
  const c = unparen(node);
  if (c.type !== 'conditional_expression') return null;
  const test = unparen(c.childForFieldName('condition') as Node);
  const yes = c.childForFieldName('consequence');
  const no = c.childForFieldName('alternative');
  if (test.type !== 'binary_expression' || operatorOf(test) !== '>' || !yes || !no) return null;
  const n = parsePoly(test.childForFieldName('left') as Node, nameValue, callValue);
  const k = parsePoly(test.childForFieldName('right') as Node, nameValue, callValue);
  const diff = parsePoly(yes, nameValue, callValue);
  const zero = parsePoly(no, nameValue, callValue);
  if (!n || !k || !diff || !zero || !isConstant(k) || !isConstant(zero) || constantOf(zero) !== 0) return null;
  const expected = addPoly(n, k, -1);
  return addPoly(diff, expected, -1).size === 0 ? diff : null;
}

/** k when `n` is `v + k` or `k + v` for the counter v and a positive integer constant k, else 0. */
function counterPlus(n: Node, varName: string, nameValue: (name: string, node: Node) => NameValue): number {
  if (n.type !== 'binary_expression' || operatorOf(n) !== '+') return 0;
  const a = unparen(n.childForFieldName('left') as Node);
  const b = unparen(n.childForFieldName('right') as Node);
  const other = a.type === 'identifier' && a.text === varName ? b : b.type === 'identifier' && b.text === varName ? a : null;
  const k = other ? parsePoly(other, nameValue) : null;
  return k && isConstant(k) && constantOf(k) > 0 && Number.isInteger(constantOf(k)) ? constantOf(k) : 0;
}

/**
 * A loop bound as a polynomial; `x / d` (a loop-invariant name or size over a positive constant)
 * becomes one symbol, whose relation to x the dependence tests know (symbolicBounds).
 */
function boundPoly(node: Node, nameValue: (name: string, node: Node) => NameValue, callValue?: (call: Node) => NameValue): Poly | null {
  const p = parsePoly(node, nameValue, callValue);
  const n = unparen(node);
  if (p || n.type !== 'binary_expression' || operatorOf(n) !== '/') return p;
  const x = parsePoly(n.childForFieldName('left') as Node, nameValue, callValue);
  const d = parsePoly(n.childForFieldName('right') as Node, nameValue, callValue);
  if (!x || !d || !isConstant(d) || constantOf(d) <= 0 || x.size !== 1) return null;
  const [[sym, coef]] = [...x];
  return sym !== '' && !sym.includes('*') && coef === 1 ? varPoly(divisionSymbol(sym, constantOf(d))) : null;
}

function readStep(u: Node, varName: string, nameValue: (name: string, node: Node) => NameValue): number | null {
  const isVar = (n: Node | null) => n !== null && unparen(n).type === 'identifier' && unparen(n).text === varName;
  if (u.type === 'update_expression') {
    if (!isVar(u.childForFieldName('argument'))) return null;
    return u.text.includes('++') ? 1 : -1;
  }
  if (u.type !== 'assignment_expression' || !isVar(u.childForFieldName('left'))) return null;
  const right = u.childForFieldName('right') as Node;
  const op = operatorOf(u);
  const constant = (n: Node): number | null => {
    const p = parsePoly(n, nameValue);
    return p && isConstant(p) ? constantOf(p) : null;
  };
  if (op === '+=' || op === '-=') {
    const k = constant(right);
    return k === null ? null : op === '+=' ? k : -k;
  }
  if (op === '=') {
    const r = unparen(right);
    if (r.type !== 'binary_expression') return null;
    const bop = operatorOf(r);
    const a = r.childForFieldName('left') as Node;
    const b = r.childForFieldName('right') as Node;
    if (bop === '+' && isVar(a)) return constant(b);
    if (bop === '+' && isVar(b)) return constant(a);
    if (bop === '-' && isVar(a)) {
      const k = constant(b);
      return k === null ? null : -k;
    }
  }
  return null;
}

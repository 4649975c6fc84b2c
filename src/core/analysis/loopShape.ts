import type { Node } from 'web-tree-sitter';
import { addPoly, constantOf, constPoly, isConstant, type NameValue, parsePoly, type Poly, varPoly } from './affine';
import { divisionSymbol } from './symbolicBounds';
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
}

/** Either a canonical shape, or why the loop is not in canonical form. */
export type ShapeResult = { readonly shape: LoopShape } | { readonly problem: string; readonly at: Node; readonly macro?: boolean };

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '!=': '!=' };

/**
 * Reads a for-loop header as OpenMP's canonical loop form. `nameValue` says which names in the
 * bounds are constants; a name it calls 'unknown' (a macro it cannot see through) is refused.
 */
export function loopShape(node: Node, resolver: Resolver, nameValue: (name: string, node: Node) => NameValue, callValue?: (call: Node) => NameValue): ShapeResult {
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
  if (l.type === 'identifier' && l.text === varName) ubNode = r;
  else if (r.type === 'identifier' && r.text === varName) {
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
  const lb = boundPoly(lbNode, guarded, callValue);
  const ub = boundPoly(ubNode, guarded, callValue);
  if (macro) return { problem: 'a loop bound uses a macro that is not a plain integer constant: ParaForge cannot see through it', at: ubNode, macro: true };
  if (!lb || !ub) {
    const bad = !lb ? lbNode : ubNode;
    return { problem: `the bound \`${bad.text}\` is not an integer expression of loop-invariant variables`, at: bad };
  }
  let min: Poly;
  let max: Poly;
  if (step > 0) {
    min = lb;
    max = op === '<=' ? ub : addPoly(ub, constPoly(-1));
  } else {
    max = lb;
    min = op === '>=' ? ub : addPoly(ub, constPoly(1));
  }
  const tripCount = isConstant(min) && isConstant(max) ? Math.max(0, Math.floor((constantOf(max) - constantOf(min)) / Math.abs(step)) + 1) : null;
  return { shape: { node, varName, varDecl, declaredInHeader, min, max, step, tripCount, boundNodes: [lbNode, ubNode] } };
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

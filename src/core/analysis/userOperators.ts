import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { containerElement, isArithmeticType, resolveType } from './reductionTypes';
import type { SoundIndex } from './soundIndex';
import { operatorOf, unparen } from './syntax';

/**
 * Overloaded operators (C++): `s += 0.25f * img[x]` is a call when `img` holds a class with a
 * user `operator*`, and that function may write globals, count its calls or print. The analysis
 * reads operators as arithmetic, so in a file that overloads an operator (or declares a conversion
 * operator, which runs on any use of its class's values), every use of that operator in a loop
 * whose operands are not provably built-in (literals, variables and array or std::vector elements
 * of arithmetic or pointer types, and arithmetic of those) is refused: `user-operator`.
 */

/** `operator+`, `operator[]`, `operator double` …: the operator tokens a file overloads, and whether it converts. */
export function overloadedOperators(text: string): { readonly tokens: ReadonlySet<string>; readonly conversion: boolean } {
  const tokens = new Set<string>();
  let conversion = false;
  for (const m of text.matchAll(/\boperator\s*(\(\s*\)|\[\s*\]|->\*?|<=>|<<=|>>=|<<|>>|&&|\|\||\+\+|--|[-+*/%^&|<>!=]=?|~|,|""\s*\w+|new\b|delete\b|[A-Za-z_][\w:<>\s]*?)(?=\s*\()/g)) {
    const op = m[1].replace(/\s+/g, '');
    if (/^(?:new|delete)$/.test(op) || op.startsWith('""')) continue;
    if (/^[A-Za-z_]/.test(op)) conversion = true;
    else tokens.add(op === '()' ? 'call' : op === '[]' ? 'subscript' : op);
  }
  return { tokens, conversion };
}

/** True when `e` is provably of a built-in arithmetic or pointer type (no user operator can run on it). */
function builtin(ctx: AnalysisContext, ix: SoundIndex, e: Node): boolean {
  const x = unparen(e);
  switch (x.type) {
    case 'number_literal':
    case 'char_literal':
    case 'true':
    case 'false':
    case 'sizeof_expression':
    case 'string_literal':
      return true;
    case 'identifier': {
      const d = ctx.resolver.resolve(x.text, x);
      if (!d) return ctx.file.intMacros.has(x.text) || ctx.file.enumerators.has(x.text);
      return d.isPointer || d.isArray || isArithmeticType(resolveType(d.typeText, ix));
    }
    case 'cast_expression':
      return isArithmeticType(resolveType(x.childForFieldName('type')?.text ?? '', ix)) || /\*\s*$/.test(x.childForFieldName('type')?.text ?? '');
    case 'subscript_expression': {
      let depth = 0;
      let base: Node | null = x;
      for (; base?.type === 'subscript_expression'; base = base.childForFieldName('argument')) depth++;
      const d = base?.type === 'identifier' ? ctx.resolver.resolve(base.text, base) : null;
      if (!d) return false;
      const type = resolveType(d.typeText, ix);
      if ((d.isPointer || d.isArray) && !/^(?:const )?std::/.test(type)) return isArithmeticType(type);
      const element = containerElement(type, depth);
      return element !== null && isArithmeticType(element);
    }
    case 'binary_expression':
    case 'unary_expression':
    case 'conditional_expression':
    case 'parenthesized_expression':
      return x.namedChildren.every((c) => c === null || builtin(ctx, ix, c));
    default:
      return false;
  }
}

/** The operator token `node` applies, in the names `overloadedOperators` uses, or null. */
function tokenOf(node: Node): string | null {
  switch (node.type) {
    case 'binary_expression':
    case 'unary_expression':
    case 'update_expression':
    case 'assignment_expression':
      return operatorOf(node) ?? null;
    case 'subscript_expression':
      return 'subscript';
    default:
      return null;
  }
}

/** Refuses `loop` when it may call a user operator (see the file comment). */
export function userOperatorChecks(ctx: AnalysisContext, ix: SoundIndex, loop: Node, findings: Findings): void {
  if (!ix.cxx) return;
  const ops = ix.userOperators;
  if (!ops.tokens.size && !ops.conversion) return;
  const stack: Node[] = [loop];
  while (stack.length) {
    const n = stack.pop()!;
    const token = tokenOf(n);
    if (token && (ops.conversion || ops.tokens.has(token))) {
      const operands = n.type === 'subscript_expression' ? [n.childForFieldName('argument')] : n.type === 'update_expression' ? [n.childForFieldName('argument')] : [n.childForFieldName('left') ?? n.childForFieldName('argument'), n.childForFieldName('right')];
      const user = operands.find((o) => o && !builtin(ctx, ix, o));
      if (user) {
        findings.block('user-operator', `\`${n.text.split('\n')[0]}\` may call a user-defined \`operator${token === 'subscript' ? '[]' : token}\`${ops.conversion ? ' or conversion operator' : ''} of this file on \`${user.text.split('\n')[0]}\`: ParaForge cannot see what it does`, n);
        return;
      }
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
}

import type { Node, Tree } from 'web-tree-sitter';
import { codeChildren, unparen } from '../analysis/syntax';

/**
 * The loop syntax interchange and tiling read: a counted for-header in a form they can move or
 * re-bound, the loop perfectly nested in another, and the pragma lines sitting on a loop.
 */

/** A for-header `for (T v = lo; v OP hi; v++)` whose bounds are plain arithmetic on names. */
export interface CountedHeader {
  readonly loop: Node;
  readonly type: string;
  readonly varName: string;
  readonly lo: string;
  readonly op: '<' | '<=' | '>' | '>=';
  readonly hi: string;
  /** +1 or -1 for `v++`/`v--` (and their prefix forms), else the constant of `v += c`/`v -= c`. */
  readonly step: number;
  /** The header text from `for` to the closing parenthesis. */
  readonly text: string;
  /** Every identifier the bounds mention. */
  readonly boundNames: readonly string[];
}

const PLAIN_BOUND = new Set(['identifier', 'number_literal', 'binary_expression', 'parenthesized_expression', 'cast_expression', 'type_descriptor', 'primitive_type', 'sized_type_specifier', 'unary_expression']);

/** Identifiers of a bound made only of names, numbers, arithmetic and casts; null when it reads memory or calls. */
function plainBoundNames(node: Node): string[] | null {
  const names: string[] = [];
  const visit = (n: Node): boolean => {
    if (!PLAIN_BOUND.has(n.type)) return false;
    if (n.type === 'unary_expression' && !['-', '+'].includes(n.child(0)?.text ?? '')) return false;
    if (n.type === 'identifier') names.push(n.text);
    return n.namedChildren.every((c) => c === null || visit(c));
  };
  return visit(node) ? names : null;
}

/** Reads a counted for-header, or null when the loop is not in that form (the transforms then refuse). */
export function countedHeader(loop: Node): CountedHeader | null {
  if (loop.type !== 'for_statement') return null;
  const init = loop.childForFieldName('initializer');
  const cond = loop.childForFieldName('condition');
  const update = loop.childForFieldName('update');
  const body = loop.childForFieldName('body');
  if (!init || !cond || !update || !body || init.type !== 'declaration') return null;
  const decls = init.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
  if (decls.length !== 1 || decls[0].type !== 'init_declarator') return null;
  const name = decls[0].childForFieldName('declarator');
  const value = decls[0].childForFieldName('value');
  const type = init.childForFieldName('type')?.text ?? '';
  if (name?.type !== 'identifier' || !value || !/^(?:(?:unsigned|signed|long|short|int|size_t|ptrdiff_t|std::size_t|long long)\s*)+$/.test(type)) return null;
  // A qualifier (`const`, `static`) on the counter declaration is not a plain counter.
  if (init.namedChildren.some((c) => c?.type === 'type_qualifier' || c?.type === 'storage_class_specifier')) return null;
  const v = name.text;
  const c = unparen(cond);
  const op = c.type === 'binary_expression' ? c.child(1)?.text : null;
  const left = c.childForFieldName('left');
  const right = c.childForFieldName('right');
  if (!op || !['<', '<=', '>', '>='].includes(op) || !left || !right || unparen(left).type !== 'identifier' || unparen(left).text !== v) return null;
  let step: number | null = null;
  const u = unparen(update);
  if (u.type === 'update_expression' && unparen(u.childForFieldName('argument')!).text === v) step = u.text.includes('++') ? 1 : -1;
  if (u.type === 'assignment_expression' && unparen(u.childForFieldName('left')!).text === v) {
    const k = u.childForFieldName('right');
    const sign = u.child(1)?.text === '+=' ? 1 : u.child(1)?.text === '-=' ? -1 : 0;
    if (k?.type === 'number_literal' && /^[1-9]\d*$/.test(k.text) && sign) step = sign * Number(k.text);
  }
  const loNames = plainBoundNames(value);
  const hiNames = plainBoundNames(right);
  if (step === null || !loNames || !hiNames || loNames.includes(v) || hiNames.includes(v)) return null;
  const headerEnd = loop.text.lastIndexOf(')', body.startIndex - loop.startIndex) + 1;
  return {
    loop,
    type,
    varName: v,
    lo: value.text,
    op: op as CountedHeader['op'],
    hi: right.text,
    step,
    text: loop.text.slice(0, headerEnd),
    boundNames: [...new Set([...loNames, ...hiNames])],
  };
}

/** The only statement of a loop's body when it is a for loop (through one level of braces; pragma lines on it allowed), else null. */
export function perfectlyNestedLoop(loop: Node): Node | null {
  let body = loop.childForFieldName('body');
  if (body?.type === 'compound_statement') {
    const stmts = codeChildren(body).filter((c) => c.type !== 'preproc_call');
    if (stmts.length !== 1) return null;
    body = stmts[0];
  }
  return body && body.type === 'for_statement' ? body : null;
}

/** The for loop starting at `offset`, or null. */
export function forLoopAt(tree: Tree, offset: number): Node | null {
  for (let n: Node | null = tree.rootNode.descendantForIndex(offset, offset + 1); n; n = n.parent) {
    if (n.type === 'for_statement' && n.startIndex === offset) return n;
    if (n.startIndex < offset) break;
  }
  return null;
}

/** The `#pragma` / preprocessor lines directly above a loop (comments skipped), nearest last. */
export function pragmasOn(loop: Node): Node[] {
  const out: Node[] = [];
  for (let prev = loop.previousSibling; prev && (prev.type === 'comment' || prev.type.startsWith('preproc')); prev = prev.previousSibling) {
    if (prev.type !== 'comment') out.unshift(prev);
  }
  return out;
}

/** True when `name` occurs as an identifier anywhere under `node`. */
export function mentions(node: Node, name: string): boolean {
  if (node.type === 'identifier' && node.text === name) return true;
  return node.namedChildren.some((c) => c !== null && mentions(c, name));
}

/**
 * The text with every `#pragma omp` line blanked (same length, newlines kept): what the nest means
 * without the candidate's pragmas, at the same offsets. Legality of a loop transformation is a fact
 * of the loops, not of the pragmas a candidate put on them (whose clauses the gate still checks).
 */
export function withoutOmpPragmas(text: string): string {
  return text.replace(/^([ \t]*)(#[ \t]*pragma[ \t]+omp\b(?:[^\n]*\\\r?\n)*[^\n]*)/gm, (_m, ind: string, p: string) => ind + p.replace(/[^\n]/g, ' '));
}

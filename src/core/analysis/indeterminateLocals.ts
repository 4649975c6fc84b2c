import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import type { Resolver } from './scope';
import { operatorOf, unparen, walk } from './syntax';

type Flow = 'assigns' | 'clean' | 'reads';

const LOOPS = /^(for|while|do)_statement$|^for_range_loop$/;

/**
 * Scalars declared in the loop without an initial value (`int v;`) are private by scope: each
 * iteration has its own. They are safe only if every path writes them before reading them; a read
 * of the indeterminate value is undefined behaviour that serial builds often "carry" from the
 * previous iteration's stack slot, so the loop is refused with that reason.
 */
export function indeterminateReads(loop: Node, resolver: Resolver, findings: Findings): void {
  const cpp = !!loop.tree.language.idForNodeType('lambda_expression', true);
  const body = loop.childForFieldName('body');
  if (!body) return;
  // Most loops declare nothing without a value: find those declarations first (one search in the parser).
  const bare = body.descendantsOfType('declaration').filter((d) => d.parent?.type === 'compound_statement' && d.childrenForFieldName('declarator').some((x) => bareName(x) !== null));
  if (bare.length === 0) return;
  // A `goto` can skip the write that the statement order shows: then any later use counts as a read.
  const jumps = body.descendantsOfType(['goto_statement', 'labeled_statement', 'case_statement']).length > 0;
  for (const n of bare) {
    if (insideNestedFunction(n, body)) continue;
    if (cpp && !mayBeIndeterminate(n)) continue;
    for (const name of n.childrenForFieldName('declarator')) {
      // Only a bare name (or pointer to one) without `= …`; arrays are a different question.
      const id = bareName(name);
      if (!id) continue;
      const key = resolver.resolve(id.text, id)?.key;
      if (!key) continue;
      const isX = (x: Node): boolean => x.type === 'identifier' && x.text === id.text && resolver.resolve(x.text, x)?.key === key;
      let flow: Flow = 'clean';
      for (let s = n.nextNamedSibling; s && flow === 'clean'; s = s.nextNamedSibling) flow = jumps && mentions(s, isX) ? 'reads' : statementFlow(s, isX);
      if (flow === 'reads') {
        findings.block(
          'indeterminate-read',
          `\`${id.text}\` is declared in the loop without an initial value, and ParaForge cannot prove that every path writes it before reading it: a read of its indeterminate value often sees the previous iteration's value in a serial build, which a parallel one would not reproduce`,
          id,
        );
      }
    }
  }
}

/** A lambda or local function between the declaration and the loop body has its own calls. */
function insideNestedFunction(n: Node, body: Node): boolean {
  for (let p = n.parent; p && p.id !== body.id; p = p.parent) if (p.type === 'lambda_expression' || p.type === 'function_definition') return true;
  return false;
}

/** In C++ a class type is constructed, not indeterminate: only built-in, pointer and typedef'd types can be. */
function mayBeIndeterminate(decl: Node): boolean {
  const type = decl.childForFieldName('type');
  if (!type) return false;
  if (type.type === 'template_type' || type.type === 'class_specifier' || type.type === 'struct_specifier') return false;
  return !/^(?:std::)?(?:string|vector|array|map|set|unordered_map|unordered_set|complex)\b/.test(type.text);
}

function bareName(d: Node): Node | null {
  let n = d;
  while (n.type === 'pointer_declarator') n = n.childForFieldName('declarator') as Node;
  return n.type === 'identifier' ? n : null;
}

function mentions(n: Node, isX: (x: Node) => boolean): boolean {
  let found = false;
  walk(n, (m) => {
    if (found) return false;
    if (isX(m)) found = true;
    return undefined;
  });
  return found;
}

/** `v = e` with e not naming v. */
function isPlainAssignment(e: Node, isX: (x: Node) => boolean): boolean {
  if (e.type !== 'assignment_expression' || operatorOf(e) !== '=') return false;
  const left = unparen(e.childForFieldName('left') as Node);
  return isX(left) && !mentions(e.childForFieldName('right') as Node, isX);
}

/** `v = e;` with e not naming v. */
function isPlainAssign(s: Node, isX: (x: Node) => boolean): boolean {
  const e = s.type === 'expression_statement' ? s.namedChild(0) : null;
  return e !== null && isPlainAssignment(e, isX);
}

/** What a statement does to v on every path: writes it before any read, never reads it, or may read it first. */
function statementFlow(s: Node, isX: (x: Node) => boolean): Flow {
  if (!mentions(s, isX)) return 'clean';
  if (isPlainAssign(s, isX)) return 'assigns';
  if (s.type === 'compound_statement') {
    for (const c of s.namedChildren) {
      if (!c) continue;
      const f = statementFlow(c, isX);
      if (f !== 'clean') return f;
    }
    return 'clean';
  }
  if (s.type === 'if_statement') {
    if (mentions(s.childForFieldName('condition') as Node, isX)) return 'reads';
    const yes = statementFlow(s.childForFieldName('consequence') as Node, isX);
    const alt = s.childForFieldName('alternative');
    // `else_clause` wraps the statement in the newer grammars.
    const no = alt ? statementFlow(alt.type === 'else_clause' ? (alt.namedChild(0) as Node) : alt, isX) : 'clean';
    if (yes === 'reads' || no === 'reads') return 'reads';
    return yes === 'assigns' && no === 'assigns' ? 'assigns' : 'clean';
  }
  if (s.type === 'for_statement') {
    // `for (v = 0; …)`, the C89 counter: the header writes it before anything reads it.
    const init = s.childForFieldName('initializer');
    if (init && isPlainAssignment(init, isX)) return 'assigns';
  }
  // A loop body that writes before it reads in each of its iterations is clean, though it may run 0 times.
  if (LOOPS.test(s.type) && s.type !== 'for_range_loop') {
    const body = s.childForFieldName('body');
    if (!body) return 'reads';
    for (const c of s.namedChildren) if (c && c.id !== body.id && mentions(c, isX)) return 'reads';
    return statementFlow(body, isX) === 'reads' ? 'reads' : 'clean';
  }
  return 'reads';
}

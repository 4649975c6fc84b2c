import type { Node } from 'web-tree-sitter';
import type { FileIndex, Resolver } from './scope';

/**
 * The nodes of one function that the soundness checks look at, found by one tree-cursor walk and
 * kept as plain JS records. Every check used to walk each loop level itself through
 * web-tree-sitter node objects (each node access crosses into wasm and allocates); here only the
 * node types some check reads are turned into Node objects, once per function and analysis.
 */

/** One node of a type in SITE_TYPES, with what the checks ask of its position in the tree. */
export interface Site {
  readonly node: Node;
  readonly type: string;
  /** Position in `FunctionSites.sites` (pre-order). */
  readonly index: number;
  /** Index of the last site inside this node (its subtree is `index … last`). */
  readonly last: number;
  /** The parent's type (null at the walk's root). */
  readonly parentType: string | null;
  /** The field this node fills in its parent, when the parent's fields matter (see FIELD_PARENTS), else null. */
  readonly field: string | null;
  /** True when no earlier sibling fills the same field (what `parent.childForFieldName(field)` returns). */
  readonly firstOfField: boolean;
  /** Index of the innermost lambda around this node (strictly), or -1. */
  readonly lambda: number;
  /** Index of the innermost lambda or `extern` declaration around this node (strictly), or -1. */
  readonly lambdaOrExtern: number;
  /** Index of the innermost loop, lambda or function definition around this node (strictly), or -1. */
  readonly scope: number;
  /** field_expression only: true when written with `->`. */
  readonly arrow: boolean;
  /** cast_expression only: the subscript_expression and subscript_argument_list nodes around it, outermost first. */
  readonly subscriptsAround: readonly Node[];
}

const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop']);

/** The node types some soundness check reads; all others are stepped over without a Node object. */
const SITE_TYPES = new Set([
  ...LOOPS,
  'function_definition', 'lambda_expression', 'identifier', 'declaration', 'init_declarator', 'cast_expression',
  'assignment_expression', 'update_expression', 'field_expression', 'pointer_expression', 'subscript_expression',
  'subscript_argument_list', 'call_expression', 'labeled_statement', 'goto_statement', 'continue_statement', 'enumerator',
]);

/** Parents whose children's fields a check compares (callee, declarator name, subscript base). */
function fieldsMatter(type: string): boolean {
  return type === 'call_expression' || type === 'subscript_expression' || type === 'declaration' || type === 'parameter_declaration' || type.endsWith('declarator');
}

interface Frame {
  readonly type: string;
  /** The site this node became, or null when its type is not a site type. */
  readonly site: MutableSite | null;
  readonly fields: boolean;
  readonly seen: Set<number> | null;
  readonly lambda: number;
  readonly lambdaOrExtern: number;
  readonly scope: number;
  readonly subscripts: readonly Node[];
}

type MutableSite = { -readonly [K in keyof Site]: Site[K] };

/** The sites of one function (or of one loop outside any function), in source order. */
export class FunctionSites {
  readonly sites: readonly Site[];
  private readonly byId = new Map<number, number>();

  constructor(readonly root: Node) {
    this.sites = collectSites(root);
    for (const s of this.sites) this.byId.set(s.node.id, s.index);
  }

  /** The site of `node` (a node of a site type inside the root), or undefined. */
  siteOf(node: Node): Site | undefined {
    const i = this.byId.get(node.id);
    return i === undefined ? undefined : this.sites[i];
  }

  /** The sites inside `node` (itself first), in source order; `node` must be a site of this walk. */
  inside(node: Node): readonly Site[] {
    const s = this.siteOf(node);
    // A silent empty answer would skip checks: a caller passing another node is a bug.
    if (!s) throw new Error(`functionSites: a ${node.type} at ${node.startIndex} is not a site of the walk from ${this.root.type} at ${this.root.startIndex}`);
    return this.sites.slice(s.index, s.last + 1);
  }

  /** True when `s` lies in a lambda that is itself inside `node` (the checks do not look into those). */
  inLambdaWithin(s: Site, node: Node): boolean {
    return s.lambda > (this.siteOf(node)?.index ?? -1);
  }

  /** Sites of one type inside `node` (itself included), in source order. */
  ofType(type: string, node: Node = this.root): Site[] {
    return this.inside(node).filter((s) => s.type === type);
  }
}

// Sticky: `/^\s*extern\b/` tested at a declaration's offset in the root's text.
const EXTERN = /\s*extern\b/y;

function collectSites(root: Node): MutableSite[] {
  const sites: MutableSite[] = [];
  const types = root.tree.language.types;
  const fieldNames = root.tree.language.fields;
  const rootText = root.text;
  const stack: Frame[] = [];
  const cursor = root.walk();
  try {
    for (;;) {
      const type = types[cursor.nodeTypeId] || 'ERROR';
      const parent = stack.length ? stack[stack.length - 1] : null;
      let field: string | null = null;
      let firstOfField = false;
      if (parent?.fields) {
        const id = cursor.currentFieldId;
        if (id) {
          field = fieldNames[id] ?? null;
          firstOfField = !parent.seen!.has(id);
          parent.seen!.add(id);
        }
      }
      if (type === '->' && parent?.site?.type === 'field_expression') parent.site.arrow = true;
      let site: MutableSite | null = null;
      if (SITE_TYPES.has(type)) {
        const node = cursor.currentNode;
        site = {
          node,
          type,
          index: sites.length,
          last: sites.length,
          parentType: parent?.type ?? null,
          field,
          firstOfField,
          lambda: parent?.lambda ?? -1,
          lambdaOrExtern: parent?.lambdaOrExtern ?? -1,
          scope: parent?.scope ?? -1,
          arrow: false,
          subscriptsAround: type === 'cast_expression' ? (parent?.subscripts ?? []) : [],
        };
        sites.push(site);
      }
      if (cursor.gotoFirstChild()) {
        const i = site?.index ?? -1;
        const isLambda = type === 'lambda_expression';
        // `extern` declarations: the text is read from the root's text (no wasm call per declaration).
        EXTERN.lastIndex = type === 'declaration' ? site!.node.startIndex - root.startIndex : 0;
        const isExtern = type === 'declaration' && EXTERN.test(rootText);
        const fields = fieldsMatter(type);
        stack.push({
          type,
          site,
          fields,
          seen: fields ? new Set() : null,
          lambda: isLambda ? i : (parent?.lambda ?? -1),
          lambdaOrExtern: isLambda || isExtern ? i : (parent?.lambdaOrExtern ?? -1),
          scope: isLambda || type === 'function_definition' || LOOPS.has(type) ? i : (parent?.scope ?? -1),
          subscripts: type === 'subscript_expression' || type === 'subscript_argument_list' ? [...(parent?.subscripts ?? []), site!.node] : (parent?.subscripts ?? []),
        });
        continue;
      }
      for (;;) {
        if (stack.length === 0) return sites;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        const done = stack.pop()!;
        if (done.site) done.site.last = sites.length - 1;
      }
    }
  } finally {
    cursor.delete();
  }
}

// One set of walks per FileIndex (one per analyzeLoops call), by function node id; dropped with it.
const byFile = new WeakMap<FileIndex, Map<number, FunctionSites>>();

/** The sites of the function around `node` (or of `node` itself outside any function), walked once per analysis. */
export function functionSites(resolver: Resolver, node: Node): FunctionSites {
  let root: Node = node;
  for (let p: Node | null = node; p; p = resolver.parentOf(p)) {
    if (p.type === 'function_definition') {
      root = p;
      break;
    }
  }
  let known = byFile.get(resolver.file);
  if (!known) {
    known = new Map();
    byFile.set(resolver.file, known);
  }
  let sites = known.get(root.id);
  if (!sites) {
    sites = new FunctionSites(root);
    known.set(root.id, sites);
  }
  return sites;
}

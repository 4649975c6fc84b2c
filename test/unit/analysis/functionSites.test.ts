import type { Node } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { functionSites } from '../../../src/core/analysis/functionSites';
import { indexFile, Resolver } from '../../../src/core/analysis/scope';
import { walkWithAncestors } from '../../../src/core/analysis/syntax';
import { testParserHost } from '../../helpers/paths';

// Lambdas, an extern declaration, a cast in a subscript, several declarators in one declaration,
// `->`, labels, gotos and continues at several loop depths: what the checks ask of the walk.
const SOURCE = `
struct P { int v; P *next; };
double g[64];
void f(int n, double *a, P *p, int **rows) {
  int x = 1, y = 2, *q = &x;
  for (int i = 0; i < n; i++) {
    extern int shared;
    auto h = [&](int k) { a[k] = k; for (int m = 0; m < k; m++) { if (m) continue; } return k; };
    a[(unsigned short)(i * 4096)] = h(i) + p->v + p->next->v + rows[i][0] + g[(char)i];
    for (int j = 0; j < n; j++) { if (j == i) continue; a[j] += *q; }
    if (i > n) continue;
  again:
    x++;
  }
  if (y) goto again;
}
`;

const SITE_TYPES = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop', 'function_definition', 'lambda_expression', 'identifier', 'declaration', 'init_declarator', 'cast_expression', 'assignment_expression', 'update_expression', 'field_expression', 'pointer_expression', 'subscript_expression', 'subscript_argument_list', 'call_expression', 'labeled_statement', 'goto_statement', 'continue_statement', 'enumerator']);

describe('functionSites', () => {
  it('records the same nodes, parents, fields and enclosing lambdas as a walk through node objects', async () => {
    const tree = await testParserHost().parse('cpp', SOURCE);
    try {
      const fn = tree.rootNode.namedChildren.find((n) => n?.type === 'function_definition') as Node;
      const sites = functionSites(new Resolver(indexFile(tree)), fn);
      const expected: string[] = [];
      const seen: string[] = [];
      walkWithAncestors(fn, (n, ancestors) => {
        if (!SITE_TYPES.has(n.type)) return;
        const p = ancestors[ancestors.length - 1];
        const lambdas = ancestors.filter((a) => a.type === 'lambda_expression');
        const scope = [...ancestors].reverse().find((a) => /^(for|while|do)_statement$|^for_range_loop$|^lambda_expression$|^function_definition$/.test(a.type));
        // Fields are recorded where a check compares them: callee, subscript base, declarator name.
        const recorded = p && (p.type === 'call_expression' || p.type === 'subscript_expression' || p.type === 'declaration' || p.type === 'parameter_declaration' || p.type.endsWith('declarator'));
        const fields = recorded ? ['declarator', 'function', 'argument'].filter((f) => p.childForFieldName(f)?.id === n.id) : [];
        const arrow = n.type === 'field_expression' && n.children.some((c) => c?.type === '->');
        expected.push(`${n.type}@${n.startIndex} parent=${p?.type ?? null} first=${fields.join()} lambda=${lambdas.at(-1)?.startIndex ?? -1} scope=${scope?.startIndex ?? -1} arrow=${arrow}`);
      });
      const startOf = (i: number) => (i < 0 ? -1 : sites.sites[i].node.startIndex);
      for (const s of sites.sites) {
        const first = ['declarator', 'function', 'argument'].filter((f) => s.field === f && s.firstOfField);
        seen.push(`${s.type}@${s.node.startIndex} parent=${s.parentType} first=${first.join()} lambda=${startOf(s.lambda)} scope=${startOf(s.scope)} arrow=${s.arrow}`);
      }
      expect(seen.length).toBeGreaterThan(60);
      expect(seen).toEqual(expected);
      // `y = 2` in `int x = 1, y = 2` fills the declaration's declarator field, but not first.
      const y = sites.sites.find((s) => s.type === 'init_declarator' && s.node.text === 'y = 2')!;
      expect([y.parentType, y.field, y.firstOfField]).toEqual(['declaration', 'declarator', false]);
    } finally {
      tree.delete();
    }
  });

  it('knows each site\'s subtree, the lambdas and extern declarations around it, and the subscripts around a cast', async () => {
    const tree = await testParserHost().parse('cpp', SOURCE);
    try {
      const fn = tree.rootNode.namedChildren.find((n) => n?.type === 'function_definition') as Node;
      const resolver = new Resolver(indexFile(tree));
      const sites = functionSites(resolver, fn);
      const loop = sites.ofType('for_statement')[0];
      // Subtrees: every node of a site type under the loop, and nothing else.
      const under: string[] = [];
      walkWithAncestors(loop.node, (n) => void (SITE_TYPES.has(n.type) && under.push(`${n.type}@${n.startIndex}`)));
      expect(sites.inside(loop.node).map((s) => `${s.type}@${s.node.startIndex}`)).toEqual(under);
      // One walk serves every node of the function (cached per analysis, that is per FileIndex).
      expect(functionSites(resolver, loop.node)).toBe(sites);
      // Inside the extern declaration, names are hidden from the loop; inside the lambda, too.
      const shared = sites.sites.find((s) => s.type === 'identifier' && s.node.text === 'shared')!;
      expect(shared.lambdaOrExtern).toBeGreaterThan(loop.index);
      expect(shared.lambda).toBe(-1);
      const k = sites.sites.find((s) => s.type === 'assignment_expression' && s.node.text === 'a[k] = k')!;
      expect(sites.inLambdaWithin(k, loop.node)).toBe(true);
      expect(sites.inLambdaWithin(k, sites.ofType('lambda_expression')[0].node)).toBe(false);
      const cast = sites.ofType('cast_expression')[0];
      expect(cast.node.text).toBe('(unsigned short)(i * 4096)');
      expect(cast.subscriptsAround.map((n) => n.type)).toContain('subscript_expression');
      expect(() => sites.inside(tree.rootNode)).toThrow(/not a site/);
    } finally {
      tree.delete();
    }
  });
});

import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import type { Decl } from './scope';
import { functionSites, type FunctionSites } from './functionSites';
import { contains } from './syntax';

/**
 * Why the value a scalar has after the loop may still be read although no use follows the loop
 * in the text, or null: a `goto` back to before the loop, a lambda that captured it and may run
 * later, or a loop inside a lambda that may be called again.
 */
export function hiddenLaterUse(ctx: AnalysisContext, decl: Decl, loop: Node): string | null {
  let fn: Node | null = ctx.resolver.parentOf(loop);
  let lambda: Node | null = null;
  while (fn && fn.type !== 'function_definition') {
    if (!lambda && fn.type === 'lambda_expression') lambda = fn;
    fn = ctx.resolver.parentOf(fn);
  }
  if (!fn) return null;
  if (lambda && !contains(lambda, decl.declNode)) return `the loop is inside a lambda that may be called again, and \`${decl.name}\` lives outside it`;
  const sites = functionSites(ctx.resolver, fn);
  const labels = sites.ofType('labeled_statement').filter((l) => l.node.startIndex < loop.startIndex);
  if (labels.length > 0 && sites.ofType('goto_statement').some((g) => g.node.startIndex >= loop.endIndex)) {
    return `a \`goto\` after the loop jumps back to before it, where \`${decl.name}\` may be read again`;
  }
  for (const { node: l } of sites.ofType('lambda_expression')) {
    if (contains(l, loop) || contains(loop, l)) continue;
    if (ctx.facts.occurrences(decl, l).length > 0 || (/\[\s*&\s*[\],]/.test(l.text) && new RegExp(`\\b${decl.name}\\b`).test(l.text))) {
      return `the lambda at line ${l.startPosition.row + 1} uses \`${decl.name}\` and may run after the loop`;
    }
  }
  return null;
}

/** `continue` statements that leave an iteration of `loop` (not of a loop, lambda or function nested in it). */
function continuesOf(sites: FunctionSites, loop: Node): Node[] {
  const body = loop.childForFieldName('body');
  if (!body) return [];
  const at = sites.siteOf(loop)?.index;
  return sites.inside(loop).filter((s) => s.type === 'continue_statement' && s.scope === at && contains(body, s.node)).map((s) => s.node);
}

/**
 * Private and lastprivate scalars: a privatised value must not be read later through a path the
 * text order hides, and a lastprivate value is the serial one only if the last iteration writes
 * it (a `continue` before the write skips it: the serial value comes from an earlier iteration).
 */
export function livenessChecks(ctx: AnalysisContext, loop: Node, scalars: readonly { name: string; role: string; node: Node }[], findings: Findings): void {
  // A label inside the loop can be the target of a jump from outside it.
  const sites = functionSites(ctx.resolver, loop);
  for (const { node: l } of sites.ofType('labeled_statement', loop)) {
    findings.block('goto-into-loop', `the label \`${l.childForFieldName('label')?.text ?? ''}\` inside the loop can be jumped to from outside: an OpenMP loop must be entered at its start`, l);
  }
  const continues = continuesOf(sites, loop);
  for (const s of scalars) {
    if (s.role !== 'private' && s.role !== 'lastprivate') continue;
    const decl = ctx.resolver.resolve(s.name, s.node);
    if (!decl) continue;
    const hidden = hiddenLaterUse(ctx, decl, loop);
    if (s.role === 'private' && hidden) {
      findings.block('live-after-loop', `\`${s.name}\` would be private, but ${hidden}: its last value would be lost`, s.node);
      continue;
    }
    if (s.role === 'lastprivate') {
      const firstWrite = ctx.facts.occurrences(decl, loop)[0];
      const skip = continues.find((c) => firstWrite && c.startIndex < firstWrite.startIndex);
      if (skip) findings.block('lastprivate-skipped', `\`${s.name}\` is used after the loop, but this \`continue\` can skip its write: the last iteration may not set it, so lastprivate would not give the serial value`, skip);
    }
  }
}

import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { resolveType } from './reductionTypes';
import { functionSites } from './functionSites';
import type { SoundIndex } from './soundIndex';
import { operatorOf, unparen } from './syntax';

const NARROW = /^(?:(?:const|volatile|signed|unsigned)\s+)*(?:char|short|short\s+int)$|^(?:std::)?u?int(?:8|16)_t$|^(?:bool|_Bool)$/;
const UNSIGNED = /\bunsigned\b|^(?:std::)?(?:size_t|u?int(?:8|16|32|64)_t|uintptr_t)$/;

function isNarrow(type: string): boolean {
  return NARROW.test(type.replace(/\s+/g, ' ').trim());
}

/** The loop and the loops perfectly nested in it (the levels OpenMP may split or collapse). */
function splitLevels(loop: Node): Node[] {
  const out: Node[] = [loop];
  let cur: Node = loop;
  for (;;) {
    let body = cur.childForFieldName('body');
    while (body && body.type === 'compound_statement') {
      const kids = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (kids.length !== 1) return out;
      body = kids[0];
    }
    if (!body || body.type !== 'for_statement') return out;
    out.push(body);
    cur = body;
  }
}

/**
 * Loop headers whose iteration count OpenMP computes differently from the serial loop: counters
 * narrower than int (they wrap), unsigned counters with `!=` (they may wrap around instead of
 * stopping), and subscripts through narrowing casts (`(unsigned short)(i*4096)` wraps, so
 * different iterations may touch the same element).
 */
export function loopHeaderChecks(ctx: AnalysisContext, ix: SoundIndex, loop: Node, findings: Findings): void {
  // gcc accepts nothing between `#pragma omp parallel for` and its loop, and `#pragma GCC ivdep`
  // / `unroll` must directly precede the loop too: no placement compiles, so refuse.
  for (let prev = loop.previousSibling; prev && (prev.type === 'comment' || prev.type === 'preproc_call'); prev = prev.previousSibling) {
    if (prev.type === 'preproc_call' && /^#\s*pragma\s+GCC\s+(?:ivdep|unroll|novector)\b/.test(prev.text.trim())) {
      findings.block('gcc-loop-pragma', `\`${prev.text.trim()}\` binds to this loop, and gcc accepts no other pragma between \`#pragma omp parallel for\` and the loop (nor between this one and the loop): an OpenMP rewrite would not compile`, prev);
    }
  }
  for (const l of splitLevels(loop)) {
    if (l.type !== 'for_statement') continue;
    const init = l.childForFieldName('initializer');
    const cond = l.childForFieldName('condition');
    let type: string | null = null;
    let name: string | null = null;
    let start: Node | null = null;
    if (init?.type === 'declaration') {
      type = init.childForFieldName('type')?.text ?? null;
      const d = init.childForFieldName('declarator');
      name = d?.childForFieldName('declarator')?.text ?? null;
      start = d?.childForFieldName('value') ?? null;
    } else if (init?.type === 'assignment_expression') {
      const left = unparen(init.childForFieldName('left') as Node);
      const d = left.type === 'identifier' ? ctx.resolver.resolve(left.text, left) : null;
      type = d?.typeText ?? null;
      name = left.text;
      start = init.childForFieldName('right');
    }
    if (!type || !name) continue;
    const t = resolveType(type, ix);
    if (isNarrow(t)) {
      findings.block('narrow-counter', `the counter \`${name}\` has type \`${type}\`, narrower than int: it wraps, and OpenMP's iteration count would not match the serial loop`, init as Node);
      continue;
    }
    const c = cond ? unparen(cond) : null;
    const update = l.childForFieldName('update')?.text.replace(/\s+/g, '') ?? '';
    const startsAtZero = start !== null && /^0[uUlLzZ]*$/.test(unparen(start).text.trim());
    const countsUp = update === `${name}++` || update === `++${name}` || update === `${name}+=1`;
    if (c?.type === 'binary_expression' && operatorOf(c) === '!=' && UNSIGNED.test(t) && !(startsAtZero && countsUp)) {
      findings.block('unsigned-ne', `the unsigned counter \`${name}\` is compared with \`!=\`: if it starts past the bound it wraps around instead of stopping, which OpenMP's iteration count does not reproduce`, c);
    }
  }
  const sites = functionSites(ctx.resolver, loop);
  const at = sites.siteOf(loop)?.index ?? -1;
  for (const s of sites.inside(loop)) {
    if (s.type !== 'cast_expression') continue;
    const n = s.node;
    let inIndex = false;
    // Only subscripts inside the loop count (the loop is the outermost ancestor looked at).
    for (const p of s.subscriptsAround) {
      if ((sites.siteOf(p)?.index ?? -1) <= at) continue;
      if (p.type === 'subscript_argument_list' || (p.type === 'subscript_expression' && p.childForFieldName('index') !== null && p.childForFieldName('argument') !== null && !contains(p.childForFieldName('argument') as Node, n))) inIndex = true;
    }
    const type = resolveType(n.childForFieldName('type')?.text ?? '', ix);
    if (inIndex && isNarrow(type)) findings.block('narrowing-cast', `\`${n.text}\` narrows the subscript to \`${type}\`: it wraps, so different iterations may touch the same element`, n);
  }
}

function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

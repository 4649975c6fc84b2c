import type { Node } from 'web-tree-sitter';
import { declsOf } from './scope';
import { codeChildren } from './syntax';

/** `#pragma omp parallel` applied to a block (not the combined `parallel for`/`loop`/`sections`). */
const REGION = /^\s*omp\s+parallel\b(?!\s+(?:for|loop|sections|master|masked)\b)/;

function isRegionBlock(block: Node): boolean {
  let prev = block.previousSibling;
  while (prev && prev.type === 'comment') prev = prev.previousSibling;
  return prev?.type === 'preproc_call' && prev.childForFieldName('directive')?.text === '#pragma' && REGION.test(prev.childForFieldName('argument')?.text ?? '');
}

/**
 * Names of the variables that every thread has its own copy of at `loop`: declared (before the
 * loop, not `static`, not references) in the block of an enclosing `#pragma omp parallel` or in a
 * block between it and the loop. A worksharing loop that carries them from one of its iterations
 * to the next does not race on them (the arg-max rewrite's per-thread pairs). Empty outside a region.
 */
export function threadLocalNames(loop: Node): Set<string> {
  const blocks: Node[] = [];
  for (let p = loop.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type !== 'compound_statement') continue;
    blocks.push(p);
    if (!isRegionBlock(p)) continue;
    const names = new Set<string>();
    for (const b of blocks) {
      for (const c of codeChildren(b)) {
        if (c.type !== 'declaration' || c.startIndex > loop.startIndex) continue;
        for (const d of declsOf(c, 'local')) if (!d.isStatic && !d.isReference) names.add(d.name);
      }
    }
    return names;
  }
  return new Set();
}

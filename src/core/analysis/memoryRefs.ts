import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { containerElement, isArithmeticType, resolveType } from './reductionTypes';
import type { Decl, Resolver } from './scope';
import { rootIdentifier } from './sideEffects';
import type { SoundIndex } from './soundIndex';
import { functionSites } from './functionSites';
import { contains, unparen } from './syntax';
import { rangeShape } from './nestShapes';
import { memberContainers } from './memberContainers';

/**
 * Memory the dependence tests can only reason about when it is reached through a plain name:
 * an array or pointer variable, a container that owns its elements, a field of such an element.
 * Everything else (qualified names, `this->m`, pointers loaded from memory, references, `T**`
 * rows, typedef'd or `auto` pointers, classes with their own `operator[]`, escaped addresses)
 * is refused here with the reason, because two of those names may be one object.
 */

/**
 * The type constructors of a declaration from its name outwards, which is the order subscripts
 * apply in: `double (*a)[4]` is ['pointer', 'array'] (a pointer to rows of 4), `double *a[4]` is
 * ['array', 'pointer'] (an array of pointers), `double **a` is ['pointer', 'pointer'].
 */
export function declaratorLevels(d: Decl, parentOf: (n: Node) => Node | null): ('pointer' | 'array')[] {
  const levels: ('pointer' | 'array')[] = [];
  for (let p = parentOf(d.nameNode); p && p.id !== d.declNode.id; p = parentOf(p)) {
    if (p.type === 'pointer_declarator') levels.push('pointer');
    else if (p.type === 'array_declarator') levels.push('array');
  }
  return levels;
}

/** Why a write target is not a plain place the analysis follows, or null when it is one. */
function writeTargetProblem(t: Node): string | null {
  const n = unparen(t);
  switch (n.type) {
    case 'identifier':
      return null;
    case 'qualified_identifier':
      return `\`${n.text}\` is written through a qualified name: ParaForge does not resolve namespaces and class scopes, so it cannot tell which object this is or who else uses it`;
    case 'this':
      return '`this` is written';
    case 'subscript_expression': {
      let base = n;
      while (base.type === 'subscript_expression') base = unparen(base.childForFieldName('argument') as Node);
      if (base.type === 'identifier') return null;
      if (base.type === 'field_expression') return writeTargetProblem(base);
      return `\`${n.text}\` is written through \`${base.text}\`, an expression ParaForge cannot resolve to one array`;
    }
    case 'field_expression': {
      const arg = unparen(n.childForFieldName('argument') as Node);
      const arrow = n.children.some((c) => c?.type === '->');
      if (arrow) {
        if (arg.type === 'identifier') return null;
        if (arg.type === 'this') return `\`${n.text}\` writes a member of \`this\`: other objects and the caller may use it too`;
        return `\`${n.text}\` is written through \`${arg.text}\`, a pointer loaded from memory: two iterations may reach the same object`;
      }
      return writeTargetProblem(arg);
    }
    case 'pointer_expression': {
      const arg = unparen(n.childForFieldName('argument') as Node);
      if (arg.type === 'identifier') return null;
      if (arg.type === 'binary_expression' && arg.namedChildren.some((c) => c !== null && unparen(c).type === 'identifier')) return null;
      return `\`${n.text}\` is written through \`${arg.text}\`: ParaForge cannot tell which object it points to`;
    }
    default:
      return `\`${n.text}\` is written through an expression ParaForge cannot resolve to one object`;
  }
}

/** Assignment and increment targets in `root` (lambdas excluded: they are refused elsewhere). */
export function writeTargets(resolver: Resolver, root: Node): Node[] {
  const sites = functionSites(resolver, root);
  const at = sites.siteOf(root)?.index ?? -1;
  const out: Node[] = [];
  for (const s of sites.inside(root)) {
    if (s.lambda > at) continue;
    if (s.type === 'assignment_expression') out.push(s.node.childForFieldName('left') as Node);
    else if (s.type === 'update_expression') out.push(s.node.childForFieldName('argument') as Node);
  }
  return out.filter((t) => t !== null);
}

/** Checks every write target, subscript base, reference and escaped address in the loop. */
export function memoryChecks(ctx: AnalysisContext, ix: SoundIndex, loop: Node, findings: Findings): void {
  const { resolver } = ctx;
  const targets = writeTargets(resolver, loop);
  let writesMemory = false;
  for (const t of targets) {
    const u = unparen(t);
    if (u.type !== 'identifier') writesMemory = true;
    const problem = writeTargetProblem(u);
    if (problem) {
      findings.block('unresolved-write', problem, u);
      continue;
    }
    const root = rootIdentifier(u);
    if (!root) continue;
    const d = resolver.resolve(root.text, root);
    if (!d) continue;
    if (d.kind === 'global') writesMemory = true;
    // Thread-local storage: each thread writes its own copy, and no clause may name it.
    if (/\b(?:_Thread_local|thread_local|__thread)\b/.test(d.declNode.text.split(/[=;{]/)[0]) || (d.kind === 'global' && ix.threadprivate.has(d.name))) {
      findings.block('thread-local', `\`${d.name}\` is thread-local (one copy per thread): the caller's thread would not see the values other threads write, and OpenMP clauses cannot name it`, u);
    }
    // References: a write through one writes whatever it was bound to.
    // (The analysed range-for's own element is followed: the accesses pass reads `e` as y[k].)
    if (d.isReference && d.kind !== 'param' && !(loop.type === 'for_range_loop' && d.declNode.id === loop.id && rangeShape(loop, ctx.resolver))) {
      findings.block('reference-write', `\`${root.text}\` is a reference (bound to \`${d.init?.text ?? '…'}\`): writing it writes memory the loop may also use, which ParaForge does not follow`, u);
    }
    // A scalar whose address escaped may be read or written through the pointer.
    if (u.type === 'identifier' && !d.isArray && !contains(loop, d.nameNode) && ix.isAddressTaken(d)) {
      findings.block('address-escapes', `the address of \`${d.name}\` is taken in this ${d.kind === 'global' ? 'file' : 'function'} (\`&${d.name}\` or a reference): a private copy would hide the loop's writes from reads through it`, u);
    }
  }
  const sites = functionSites(resolver, loop);
  const at = sites.siteOf(loop)?.index ?? -1;
  const inLoop = sites.inside(loop).filter((s) => s.lambda <= at);
  const members = memberContainers(ctx, loop);
  // Range-for references in inner loops write the elements they name.
  for (const s of inLoop) {
    const n = s.node;
    if (s.type === 'for_range_loop' && n.id !== loop.id && /&/.test(n.childForFieldName('declarator')?.text ?? '')) {
      findings.block('reference-write', `\`${n.childForFieldName('declarator')?.text}\` binds a reference to each element of \`${n.childForFieldName('right')?.text}\`: ParaForge does not follow writes through it`, n);
    }
  }

  for (const s of inLoop) {
    if (s.type === 'lambda_expression') continue;
    const n = s.node;
    // Reads through pointers loaded from memory may see what other iterations write.
    if (writesMemory && s.type === 'field_expression' && s.arrow) {
      const arg = unparen(n.childForFieldName('argument') as Node);
      if (arg.type !== 'identifier') findings.block('unknown-read-target', `\`${n.text}\` reads through \`${arg.text}\`, a pointer loaded from memory, while the loop writes memory: ParaForge cannot tell whether they overlap`, n);
    }
    if (writesMemory && s.type === 'pointer_expression' && n.text.trimStart().startsWith('*')) {
      const arg = unparen(n.childForFieldName('argument') as Node);
      const simple = arg.type === 'identifier' || (arg.type === 'binary_expression' && arg.namedChildren.some((c) => c !== null && unparen(c).type === 'identifier'));
      if (!simple) findings.block('unknown-read-target', `\`${n.text}\` reads through \`${arg.text}\`: ParaForge cannot tell which object it points to`, n);
    }
    if (s.type !== 'subscript_expression') continue;
    if (s.parentType === 'subscript_expression' && s.field === 'argument' && s.firstOfField) continue;
    let base: Node = n;
    let depth = 0;
    while (base.type === 'subscript_expression') {
      depth++;
      base = unparen(base.childForFieldName('argument') as Node);
    }
    // Struct members (and references bound to them) were checked by memberContainers: plain elements only.
    if (base.type !== 'identifier' || members.memberAt(base)) continue;
    const d = resolver.resolve(base.text, base);
    if (!d) continue;
    const type = resolveType(d.typeText, ix);
    const typedefPointer = ix.typedefs.get(d.typeText.replace(/^const\s+/, '').trim())?.pointer === true;
    if (d.isArray || d.isPointer) {
      // After the first subscript, every level must be an array (rows laid out in one object),
      // not a pointer loaded from memory (rows that may be the same memory).
      const levels = declaratorLevels(d, (x) => resolver.parentOf(x));
      const rowsThroughPointers = depth > 1 && (levels.length < depth || levels.slice(1, depth).some((l) => l === 'pointer'));
      if (typedefPointer || rowsThroughPointers) {
        findings.block('pointer-rows', `\`${n.text}\` goes through pointers stored in \`${d.name}\` (declared \`${d.declNode.text.split(/[=;]/)[0].trim()}\`): different rows may be the same memory`, n);
        continue;
      }
      if (ix.cxx && !plainElement(type, ix)) findings.block('class-elements', `the elements of \`${d.name}\` have type \`${d.typeText}\`: its operators and assignments may do anything, and ParaForge does not analyse them`, n);
      continue;
    }
    if (typedefPointer) {
      findings.block('typedef-pointer', `\`${d.name}\` has the pointer type \`${d.typeText}\` (a typedef): it may point into memory the loop also uses`, n);
      continue;
    }
    const element = containerElement(type, depth);
    if (element === null) {
      findings.block('unknown-container', `\`${d.name}\` has type \`${d.typeText}\`: ParaForge cannot tell that \`${n.text}\` names one distinct element per index (an \`auto\` or typedef'd pointer, a class with its own operator[], std::vector<bool>, a map…)`, n);
      continue;
    }
    if (!plainElement(resolveType(element, ix), ix)) findings.block('class-elements', `the elements of \`${d.name}\` have type \`${element}\`: its operators and assignments may do anything, and ParaForge does not analyse them`, n);
  }
}

function plainElement(type: string, ix: SoundIndex): boolean {
  const t = type.replace(/^(?:const |volatile |struct |class )+/, '').trim();
  return isArithmeticType(t) || ix.plainStructs.has(t);
}

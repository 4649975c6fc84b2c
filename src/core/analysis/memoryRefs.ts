import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { containerElement, elementType, isArithmeticType, resolveType } from './reductionTypes';
import { boundVariable, type Decl, hasThreadStorage, type Resolver } from './scope';
import { rootIdentifier } from './sideEffects';
import type { SoundIndex } from './soundIndex';
import { functionSites, type Site } from './functionSites';
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
    if (isThreadLocal(d, ix)) {
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
    if (s.type === 'for_range_loop' && ix.cxx) rangeElementCheck(ctx, ix, n, findings);
  }
  referenceReadChecks(ctx, ix, loop, inLoop, targets, findings);
  // A thread-local variable read in the loop: worker threads read their own copy, not the value the caller's thread set.
  const reported = new Set<string>();
  for (const s of inLoop) {
    if (s.type !== 'identifier') continue;
    const d = resolver.resolve(s.node.text, s.node);
    if (!d || reported.has(d.key) || contains(loop, d.declNode) || !isThreadLocal(d, ix)) continue;
    reported.add(d.key);
    findings.block('thread-local', `\`${d.name}\` is thread-local (one copy per thread): worker threads would read their own copy, not the value this thread set before the loop`, s.node);
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
    const element = containerElement(type, depth, (t) => resolveType(t, ix));
    if (element === null) {
      findings.block('unknown-container', `\`${d.name}\` has type \`${d.typeText}\`: ParaForge cannot tell that \`${n.text}\` names one distinct element per index (an \`auto\` or typedef'd pointer, a class with its own operator[], std::vector<bool>, a map…)`, n);
      continue;
    }
    if (!plainElement(resolveType(element, ix), ix)) findings.block('class-elements', `the elements of \`${d.name}\` have type \`${element}\`: its operators and assignments may do anything, and ParaForge does not analyse them`, n);
  }
}

/** True for `thread_local` / `_Thread_local` / `__thread` variables and `#pragma omp threadprivate` globals: one copy per thread. */
export function isThreadLocal(d: Decl, ix: SoundIndex): boolean {
  return hasThreadStorage(d) || (d.kind === 'global' && ix.threadprivate.has(d.name));
}


/**
 * A range-for names its container's elements without a subscript, so the element checks of
 * subscripts apply to it too: `std::vector<bool>` (however spelled: with its allocator, through a
 * typedef'd bool) hands out bit proxies into shared words, and class elements run user code on
 * every copy or assignment.
 */
function rangeElementCheck(ctx: AnalysisContext, ix: SoundIndex, range: Node, findings: Findings): void {
  const right = range.childForFieldName('right');
  const id = right ? unparen(right) : null;
  if (id?.type !== 'identifier') return;
  const d = ctx.resolver.resolve(id.text, id);
  if (!d || d.isPointer) return;
  const type = resolveType(d.typeText, ix);
  const element = d.isArray ? type : containerElement(type, 1, (t) => resolveType(t, ix)) ?? textElement(type);
  if (element === null) {
    findings.block('unknown-container', `the range-for runs over \`${d.name}\` of type \`${d.typeText}\`: ParaForge cannot tell that its elements are distinct objects (std::vector<bool> hands out bit proxies into shared words, however its type is spelled)`, id);
    return;
  }
  if (!plainOrNested(element, ix)) findings.block('class-elements', `the range-for runs over \`${d.name}\`, whose elements have type \`${element}\`: their copies and assignments may run user code, and ParaForge does not analyse them`, id);
}

/** The element type of the other contiguous containers a range-for may run over (strings, valarray), or null. */
function textElement(type: string): string | null {
  const t = type.replace(/\s+/g, ' ').trim().replace(/^const /, '');
  if (/^(?:std::)?string$/.test(t)) return 'char';
  if (/^(?:std::)?wstring$/.test(t)) return 'wchar_t';
  const m = /^(?:std::)?(?:basic_string|valarray)<\s*([^,<>]+?)\s*(?:,[^<>]*)?>$/.exec(t);
  return m ? m[1] : null;
}

/** A plain element, or a std::vector / std::array of them (copying one runs no user code). */
function plainOrNested(type: string, ix: SoundIndex): boolean {
  const t = resolveType(type.replace(/^(?:const |volatile )+/, '').trim(), ix);
  if (plainElement(t, ix)) return true;
  const inner = containerElement(t, 1, (x) => resolveType(x, ix));
  return inner !== null && plainOrNested(inner, ix);
}

/**
 * A reference declared outside the loop may be bound to an element the loop writes (`double &last
 * = v.back()`, a `const double &x` parameter the caller bound to `a[0]`): reading it then reads
 * that element, which another iteration may have changed. Refused when the loop writes memory
 * whose type could hold the reference's object, unless the reference is bound to a plain variable
 * by name (writes to that are refused elsewhere: its address is taken). Only element types
 * (scalars, plain structs, `auto`), and not as a subscript base: references to containers and
 * classes are followed by the alias and member checks. Iterators, reference wrappers, smart
 * pointers and views (handleType) are refused the same way: `handle-read`.
 */
function referenceReadChecks(ctx: AnalysisContext, ix: SoundIndex, loop: Node, inLoop: readonly Site[], targets: readonly Node[], findings: Findings): void {
  const { resolver } = ctx;
  const written = writtenTypes(ctx, ix, loop, targets);
  if (written.length === 0) return;
  const seen = new Set<string>();
  for (const s of inLoop) {
    if (s.type !== 'identifier') continue;
    if ((s.parentType === 'subscript_expression' && s.field === 'argument') || (s.parentType === 'call_expression' && s.field === 'function')) continue;
    const d = resolver.resolve(s.node.text, s.node);
    if (!d || d.isArray || d.isPointer || seen.has(d.key) || contains(loop, d.declNode)) continue;
    if (!d.isReference) {
      // A name declared without `*` yet dereferenced is a pointer or iterator after all: `auto p = v.data()`,
      // a typedef'd pointer (`dptr p`), `decltype(&b[0]) q`, `std::add_pointer_t<double> r`.
      const parent = s.node.parent;
      const deref = (s.parentType === 'pointer_expression' && parent?.text.trimStart().startsWith('*')) || (s.parentType === 'field_expression' && parent?.children.some((c) => c?.type === '->'));
      const handle = deref ? `declared as \`${d.typeText.trim()}\`${d.init ? ` from \`${d.init.text}\`` : ''}, dereferenced here` : handleType(d, ix);
      if (handle && written.some((w) => w.decl?.key !== d.key)) {
        seen.add(d.key);
        findings.block('handle-read', `\`${d.name}\` (${handle}) may point at an element of memory the loop writes, so iterations may read a value another iteration changed`, s.node);
      }
      continue;
    }
    const type = plainType(d.typeText, ix);
    if (!plainElement(type, ix) && type !== 'auto') continue;
    if (boundVariable(resolver, d)) continue;
    // The reference's own updates (`acc += t[i]`) are scalar roles; a parameter cannot name the function's own local objects.
    if (!written.some((w) => w.decl?.key !== d.key && !(d.kind === 'param' && w.ownLocal) && mayHold(w.type, type, ix))) continue;
    seen.add(d.key);
    const bound = d.kind === 'param' ? 'a reference parameter: the caller may bind it to an element' : `bound to \`${d.init?.text ?? '…'}\`, which may be an element`;
    findings.block('reference-read', `\`${d.name}\` is ${bound} of memory the loop writes, so iterations may read a value another iteration changed`, s.node);
  }
}

/** Standard types that refer to other memory (iterators, wrappers, smart pointers, views). */
const HANDLE_TYPES = /iterator\b|\breference_wrapper\b|_ptr\b|\bspan\b|_view\b|\boptional\s*<[^>]*&/;
/** Initialisers of an `auto` variable that give it an iterator or a wrapper of an element (addresses and `.data()` are tested apart). */
const HANDLE_INITS = /\.\s*(?:c?r?begin|c?r?end|find|lower_bound|upper_bound)\s*\(|\bstd::(?:c?ref|next|prev|begin|end|find|lower_bound|upper_bound|max_element|min_element)\b/;

/**
 * Why a variable of class type may refer to other memory (`std::vector<double>::iterator it =
 * a.begin()`, `auto last = b.end() - 1`, `std::reference_wrapper<double> r = c[0]`), or null: its
 * uses (`*it`, or a conversion to the element) read memory no name of the loop shows.
 */
export function handleType(d: Decl, ix: SoundIndex): string | null {
  const type = d.typeText.replace(/\s+/g, ' ').trim();
  if (HANDLE_TYPES.test(type) || /\bdecltype\b|\badd_pointer/.test(type) || ix.typedefs.get(type.replace(/^const /, ''))?.pointer) return `of type \`${type}\``;
  if (/^(?:const )?auto$/.test(type) && d.init && (HANDLE_INITS.test(d.init.text) || /&|\bdata\s*\(|\bnew\b|\b[mc]alloc\b/.test(d.init.text))) return `set from \`${d.init.text}\``;
  return null;
}

/** What the loop writes (not its own locals): the object's declaration, whether it is a local object of this function (no caller can reach it), and its type, null where unknown. */
interface Written {
  readonly decl: Decl | null;
  readonly ownLocal: boolean;
  readonly type: string | null;
}

function writtenTypes(ctx: AnalysisContext, ix: SoundIndex, loop: Node, targets: readonly Node[]): Written[] {
  const out: Written[] = [];
  const own = (d: Decl) => d.kind === 'local' && !d.isStatic && !d.isReference && !d.isPointer;
  const typed = (t: string | null) => (t === null || t === 'auto' ? null : plainType(t, ix));
  for (const t of targets) {
    const u = unparen(t);
    if (u.type === 'identifier') {
      const d = ctx.resolver.resolve(u.text, u);
      if (!d) out.push({ decl: null, ownLocal: false, type: null });
      else if (d.declNode.id === loop.id && loop.type === 'for_range_loop') {
        const right = loop.childForFieldName('right');
        const id = right ? unparen(right) : null;
        const c = id?.type === 'identifier' ? ctx.resolver.resolve(id.text, id) : null;
        out.push({ decl: c, ownLocal: c !== null && own(c), type: typed(rangeElementType(ctx, ix, loop)) });
      } else if (d.kind === 'global' || d.isStatic || d.isReference) out.push({ decl: d, ownLocal: false, type: typed(d.typeText) });
      continue;
    }
    let base: Node = u;
    let depth = 0;
    for (; base.type === 'subscript_expression'; depth++) base = unparen(base.childForFieldName('argument') as Node);
    const d = base.type === 'identifier' ? ctx.resolver.resolve(base.text, base) : null;
    out.push({ decl: d, ownLocal: d !== null && own(d), type: typed(depth > 0 ? elementType(base, depth, ctx, ix) : null) });
  }
  return out;
}

/** The element type of the range-for's container, or null. */
function rangeElementType(ctx: AnalysisContext, ix: SoundIndex, range: Node): string | null {
  const right = range.childForFieldName('right');
  const id = right ? unparen(right) : null;
  return id?.type === 'identifier' ? elementType(id, 1, ctx, ix) : null;
}

function plainType(type: string, ix: SoundIndex): string {
  return resolveType(type.replace(/\s+/g, ' ').trim().replace(/^(?:const |volatile )+/, ''), ix).replace(/^(?:const |volatile |struct |class )+/, '');
}

/**
 * Whether memory of type `written` (null: unknown) may hold an object of type `ref`: a plain struct
 * holds no other struct and lives in no array of scalars; integer and floating types do not alias.
 */
function mayHold(written: string | null, ref: string, ix: SoundIndex): boolean {
  if (written === null || ref === 'auto' || written === ref) return true;
  const chars = /^(?:(?:signed|unsigned) )?char$|^(?:std::)?byte$/;
  if (chars.test(written) || chars.test(ref)) return true;
  const wArith = isArithmeticType(written);
  const rArith = isArithmeticType(ref);
  if (!wArith && !rArith) return !(ix.plainStructs.has(written) && ix.plainStructs.has(ref));
  if (wArith && !rArith) return !ix.plainStructs.has(ref);
  if (!wArith) return true;
  const floating = (t: string) => /\b(?:float|double)\b/.test(t);
  if (floating(written) !== floating(ref)) return false;
  return !(floating(written) && floating(ref));
}

function plainElement(type: string, ix: SoundIndex): boolean {
  const t = type.replace(/^(?:const |volatile |struct |class )+/, '').trim();
  return isArithmeticType(t) || ix.plainStructs.has(t);
}

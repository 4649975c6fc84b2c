import type { Node } from 'web-tree-sitter';
import type { ScalarFact } from '../model';
import { nodeRange } from '../parse';
import { subscriptIndex } from './accesses';
import { constantOf, isConstant, type NameValue, parsePoly, type Poly } from './affine';
import type { MemRef } from './dependence';
import type { AnalysisContext } from './levelAnalysis';
import { hiddenLaterUse } from './liveness';
import { dependencesAt } from './loopDependences';
import { loopShape } from './loopShape';
import { type MemoryFill, memoryFill } from './memoryFills';
import { isArithmeticType, resolveType } from './reductionTypes';
import type { ScalarUse } from './scalarRoles';
import { type Decl, parseIntLiteral } from './scope';
import { enclosingFunction, type SoundIndex, soundIndex } from './soundIndex';
import { calleeName, contains, operatorOf, unparen } from './syntax';

/** Largest scratch array (bytes) privatised: every thread gets an uninitialised copy on its stack. */
const MAX_BYTES = 64 * 1024;
/** Largest total of one loop's private arrays (bytes): worker threads get 2-8 MiB stacks by default. */
const MAX_LOOP_BYTES = 256 * 1024;
/** Most element writes a fill loop nest may be enumerated with. */
const MAX_ENUMERATED = 1 << 20;

/** Why a scratch-like array is not privatised. */
export interface ScratchRefusal {
  readonly code: string;
  readonly message: string;
  readonly node: Node;
}

/** Scratch arrays of one loop: the bases made private, their facts, and refusals of scratch-like arrays. */
export interface ScratchArrays {
  readonly bases: ReadonlySet<string>;
  readonly facts: readonly ScalarFact[];
  /** The same as uses with a node, so an existing pragma without `private(tmp)` is reported. */
  readonly uses: readonly ScalarUse[];
  readonly refusals: readonly ScratchRefusal[];
}

/**
 * Scratch arrays (issue #7 §2): a local array of constant size declared outside the loop that every
 * iteration fills before it reads it (`double tmp[16]; for (i…) { for (k = 0; k < 16; k++) tmp[k] = …;
 * … tmp[k] … }`) carries nothing from one iteration to the next, so `private(tmp)` removes its
 * dependence. Sound when: the array is a plain local (not static, not a parameter, not a VLA, at
 * most 64 KiB) of arithmetic elements, no preprocessor line names it, its name is only ever used
 * as a full subscript `tmp[..]..[..]` (no pointer, no `&`, no reference, not passed whole), no
 * `goto` is in the function; every read in the loop is preceded, in the same iteration and on every
 * path, by unconditional writes that cover every element the read can reach (straight-line writes
 * to constant subscripts, a perfect nest of counted loops with constant bounds whose body is
 * `tmp[k…] = e;`, or a `memset(tmp, v, size);` / `memcpy(tmp, src, size);` statement whose size is
 * the whole array's, memoryFills.ts); and every read that can run after the loop is preceded by such writes after it
 * (so the value the loop leaves is dead). `ownCounter` is the analysed loop's counter: an array
 * the loop writes at subscripts free of it is scratch-like, and gets a reason when refused.
 */
export function scratchArrays(ctx: AnalysisContext, loop: Node, ownCounter: string | null, byBase: ReadonlyMap<string, readonly MemRef[]>): ScratchArrays {
  const bases = new Set<string>();
  const facts: ScalarFact[] = [];
  const uses: ScalarUse[] = [];
  const refusals: ScratchRefusal[] = [];
  if (ownCounter === null) return { bases, facts, uses, refusals };
  let stack = 0;
  for (const [key, refs] of byBase) {
    const scratchWrite = refs.find((r) => r.write && (plainWriteTarget(r.node) || fillOf(ctx, r.node) !== null) && !mentions(r.node, ownCounter));
    if (!scratchWrite || !dependencesAt(new Map([[key, refs]]), 0, false).carried) continue;
    const d = ctx.resolver.resolve(refs[0].baseName, refs[0].node);
    if (!d || contains(loop, d.declNode)) continue;
    const found = check(ctx, loop, d);
    const checked: Check =
      'why' in found || stack + found.bytes <= MAX_LOOP_BYTES
        ? found
        : { code: 'scratch-size', why: `with the loop's other private arrays it would take ${stack + found.bytes} bytes per thread (more than ${MAX_LOOP_BYTES}), which could overflow thread stacks` };
    if ('why' in checked) {
      // A parameter or global is the caller's data, and a local the loop reads before writing it is state, not
      // scratch: their dependences say enough.
      const first = refs.reduce((a, b) => (b.node.startIndex < a.node.startIndex ? b : a));
      if (KIND_CODES.has(checked.code) && (d.kind !== 'local' || !first.write || !(plainWriteTarget(first.node) || fillOf(ctx, first.node)))) continue;
      const fill = fillOf(ctx, scratchWrite.node);
      const how = fill ? `whole (\`${fill.call.text}\`)` : `at a subscript free of \`${ownCounter}\` (\`${scratchWrite.node.text}\`)`;
      refusals.push({ code: checked.code, message: `\`${d.name}\` is written ${how}, as per-iteration scratch is, but ${checked.why}`, node: checked.node ?? scratchWrite.node });
      continue;
    }
    stack += checked.bytes;
    bases.add(key);
    facts.push({ name: d.name, role: 'private', declared: 'function', liveAfter: false, type: `${d.typeText}[${checked.dims.reduce((a, b) => a * b, 1)}]`, range: nodeRange(refs[0].node) });
    uses.push({ name: d.name, role: 'private', node: refs[0].node });
  }
  return { bases, facts, uses, refusals };
}

/** Refusals about what the array is (not how the loop uses it). */
const KIND_CODES = new Set(['scratch-type', 'scratch-extent', 'scratch-global', 'scratch-static', 'scratch-size']);

type Check = { readonly dims: readonly number[]; readonly bytes: number } | { readonly code: string; readonly why: string; readonly node?: Node };

/** Whether `d` can be private in `loop`: its declaration, every use in its function, and the writes before each read. */
function check(ctx: AnalysisContext, loop: Node, d: Decl): Check {
  const ix = soundIndex(ctx.file, ctx.resolver, loop);
  const decl = declarationProblem(ctx, ix, loop, d);
  if (typeof decl === 'object' && 'why' in decl) return decl;
  const { dims, bytes } = decl;
  const fn = enclosingFunction(loop) as Node;
  const arr: Scratch = { ctx, ix, d, dims, loop, writes: new Map() };
  const around = aroundLoop(loop, fn);
  for (const use of ctx.facts.occurrences(d, fn)) {
    if (use.id === d.nameNode.id) continue;
    const access = accessOf(arr, use);
    if ('why' in access) return { code: access.code, why: access.why, node: use };
    if (!access.reads) continue;
    const inLoop = contains(loop, access.node);
    // Before the loop and outside every loop around it: runs before the loop does.
    if (!inLoop && access.node.startIndex < loop.startIndex && !around.some((l) => contains(l, access.node))) continue;
    const missing = unwrittenBefore(arr, access.node, reach(arr, access), inLoop);
    if (missing === null) continue;
    const element = `${d.name}${missing.map((v) => `[${v}]`).join('')}`;
    const line = access.node.startPosition.row + 1;
    if (inLoop) {
      return {
        code: 'scratch-read-before-write',
        why: `\`${access.node.text}\` (line ${line}) may be read before it is written in the same iteration: it can read \`${element}\`, which no unconditional write earlier in the iteration sets (a counted loop \`for (k = 0; k < K; k++) ${d.name}[k] = …;\` with constant bounds, a write to a constant subscript, or a \`memset\`/\`memcpy\` statement of the whole array such as \`memset(${d.name}, 0, sizeof ${d.name});\`; conditional writes, partial sizes and writes after the read do not count)`,
        node: access.node,
      };
    }
    return {
      code: 'scratch-live-after',
      why: `\`${access.node.text}\` (line ${line}) may read the value the loop leaves in \`${element}\`: a private copy would lose it, and lastprivate of an array is not written`,
      node: access.node,
    };
  }
  return { dims, bytes };
}

/** What the checks of one array share. */
interface Scratch {
  readonly ctx: AnalysisContext;
  readonly ix: SoundIndex;
  readonly d: Decl;
  readonly dims: readonly number[];
  readonly loop: Node;
  /** The elements each statement always writes (flat indices), by node id: asked once per read before it. */
  readonly writes: Map<number, readonly number[]>;
}

/** The declaration's part: a plain local array of arithmetic elements and constant size, or why not. */
function declarationProblem(ctx: AnalysisContext, ix: SoundIndex, loop: Node, d: Decl): { dims: number[]; bytes: number } | { code: string; why: string; node?: Node } {
  const type = resolveType(d.typeText, ix);
  if (d.isPointer && !d.isArray) return { code: 'scratch-extent', why: 'it is a pointer: `private` would give each thread an uninitialised pointer, not its own elements, and the extent it points to is not known' };
  if (!d.isArray || d.isReference) return { code: 'scratch-type', why: `it has type \`${d.typeText}\`${d.isReference ? ' (a reference)' : ''}: only built-in arrays (\`T name[N]\`) are privatised, since a class's private copy is made by its constructors` };
  if (d.kind === 'param') return { code: 'scratch-extent', why: 'it is a parameter, a pointer to the caller\'s array: `private` would give each thread an uninitialised pointer, not its own elements' };
  if (d.kind === 'global') return { code: 'scratch-global', why: 'it is a global: other functions may read the elements the loop leaves in it' };
  if (d.isPointer) return { code: 'scratch-type', why: `its elements are pointers (\`${d.declNode.text.trim()}\`)` };
  if (d.isStatic || /\b(?:static|extern|thread_local|_Thread_local|__thread)\b/.test(storagePrefix(d))) return { code: 'scratch-static', why: 'it is not an automatic variable (static, extern or thread-local): its values outlive the call, so they are live after the loop' };
  if (d.isVolatile || d.isConst || !isArithmeticType(type)) return { code: 'scratch-type', why: `its element type \`${d.typeText}\` is not a plain arithmetic type` };
  const dims = arrayDims(ctx, d.nameNode);
  if (!dims) return { code: 'scratch-extent', why: 'its size is not a constant ParaForge can read (a variable-length array, or a size that is not a literal or integer macro), so neither the private copies nor the writes that cover it can be checked' };
  const bytes = dims.reduce((a, b) => a * b, 1) * elementBytes(type);
  if (bytes > MAX_BYTES) return { code: 'scratch-size', why: `it takes ${bytes} bytes: a private copy per thread (more than ${MAX_BYTES}) could overflow thread stacks` };
  const fn = enclosingFunction(loop);
  if (!fn || enclosingFunction(d.declNode)?.id !== fn.id) return { code: 'scratch-live-after', why: 'it is declared outside the function that holds the loop' };
  if (ix.mentionedByDirective(d.name)) return { code: 'scratch-macro', why: 'a preprocessor line names it: a macro may read or write it in ways the source text does not show' };
  const jump = fn.descendantsOfType('goto_statement')[0];
  if (jump) return { code: 'scratch-goto', why: 'the function uses `goto`, which can skip the writes that must come before every read', node: jump };
  const hidden = hiddenLaterUse(ctx, d, loop);
  if (hidden) return { code: 'scratch-live-after', why: hidden };
  return { dims, bytes };
}

/** The declaration text before the declared name: its storage class and type. */
function storagePrefix(d: Decl): string {
  return d.declNode.text.slice(0, Math.max(0, d.nameNode.startIndex - d.declNode.startIndex));
}

/** One use of the array: its full subscript, whether it reads, or why the use lets the array escape. */
type Access = { readonly node: Node; readonly indices: readonly Node[]; readonly reads: boolean } | { readonly code: string; readonly why: string };

function accessOf(arr: Scratch, use: Node): Access {
  const indices: Node[] = [];
  let n: Node = use;
  for (;;) {
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    const p = n.parent;
    if (p?.type !== 'subscript_expression' || p.childForFieldName('argument')?.id !== n.id) break;
    const index = subscriptIndex(p);
    if (!index) return { code: 'scratch-escapes', why: `the subscript \`${p.text}\` is not a plain index` };
    indices.push(index);
    n = p;
  }
  if (insideUnevaluated(n)) return { node: n, indices, reads: false };
  // `memset(tmp, 0, size);` / `memcpy(tmp, src, size);`: a write, of every element when size covers the array (elementsWritten).
  if (indices.length === 0 && !insideLambda(n) && fillOf(arr.ctx, n)) return { node: n, indices, reads: false };
  const p = n.parent;
  const escapes = (what: string): Access => ({ code: 'scratch-escapes', why: `${what} (\`${(p ?? n).text}\`): the thread's private copy and the name's other views of the array would not be the same memory` });
  if (indices.length !== arr.dims.length) return escapes('its name is used other than as a full subscript');
  if (p?.type === 'pointer_expression' && p.text.trimStart().startsWith('&')) return escapes('an element\'s address is taken');
  if (p?.type === 'init_declarator' && p.childForFieldName('declarator')?.type === 'reference_declarator') return escapes('a reference is bound to an element');
  if (p?.type === 'argument_list' && arr.ix.cxx) {
    // C passes elements by value; a C++ callee may bind a reference (std::max returns one).
    const call = p.parent as Node;
    const pure = arr.ctx.calls.classify(call).kind === 'pure' && !/(?:^|::)(?:min|max|clamp)$/.test(calleeName(call) ?? '');
    if (!pure) return escapes('an element is passed to a C++ function, which may bind a reference to it');
  }
  if (p?.type === 'lambda_expression' || insideLambda(n)) return escapes('a lambda uses it');
  return { node: n, indices, reads: !plainWriteTarget(n) };
}

/** True when `n` is the whole left side of a plain `=` (a write that reads nothing of the array). */
function plainWriteTarget(n: Node): boolean {
  let x = n;
  while (x.parent?.type === 'parenthesized_expression') x = x.parent;
  const p = x.parent;
  return p?.type === 'assignment_expression' && operatorOf(p) === '=' && p.childForFieldName('left')?.id === x.id;
}

function insideUnevaluated(n: Node): boolean {
  for (let p = n.parent; p && !p.type.endsWith('statement'); p = p.parent) {
    if (p.type === 'sizeof_expression' || p.type === 'alignof_expression') return true;
  }
  return false;
}

function insideLambda(n: Node): boolean {
  for (let p = n.parent; p && p.type !== 'function_definition'; p = p.parent) if (p.type === 'lambda_expression') return true;
  return false;
}

/** True when the text of a subscript names `name` as an identifier. */
function mentions(sub: Node, name: string): boolean {
  return sub.descendantsOfType('identifier').some((id) => id?.text === name);
}

/** The loops of the function around `loop` (a read in one of them may run after the loop). */
function aroundLoop(loop: Node, fn: Node): Node[] {
  const out: Node[] = [];
  for (let p = loop.parent; p && p.id !== fn.id; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement' || p.type === 'do_statement' || p.type === 'for_range_loop') out.push(p);
  }
  return out;
}

/** Inclusive ranges of the subscripts, one per dimension. */
type Box = readonly (readonly [number, number])[];

/**
 * Every element a read can reach: per dimension, the range of its subscript when it is affine in
 * constants and in counters of counted loops around the read with constant bounds, else the whole
 * dimension (a subscript outside the array is undefined behaviour in the serial program already).
 */
function reach(arr: Scratch, access: { node: Node; indices: readonly Node[] }): Box {
  const ranges = new Map<string, readonly [number, number]>();
  const nameValue = (name: string, at: Node): NameValue => {
    const d = arr.ctx.resolver.resolve(name, at);
    if (!d) return constantName(arr, name);
    const r = counterRange(arr, d, access.node);
    if (!r) return 'unknown';
    ranges.set(d.key, r);
    return { symbol: d.key };
  };
  return access.indices.map((index, k): [number, number] => {
    const whole: [number, number] = [0, arr.dims[k] - 1];
    const p = parsePoly(index, nameValue);
    if (!p) return whole;
    let lo = constantOf(p);
    let hi = lo;
    for (const [v, c] of p) {
      if (v === '') continue;
      const r = ranges.get(v);
      if (!r) return whole;
      lo += Math.min(c * r[0], c * r[1]);
      hi += Math.max(c * r[0], c * r[1]);
    }
    return lo >= 0 && hi <= whole[1] ? [lo, hi] : whole;
  });
}

/** A name that is not a variable: an integer macro or enumerator, else unknown. */
function constantName(arr: Scratch, name: string): NameValue {
  const m = arr.ctx.file.intMacros.get(name);
  if (m !== undefined) return m;
  const e = arr.ctx.file.enumerators.get(name);
  return typeof e === 'number' ? e : 'unknown';
}

/** The values `d` takes at `at`: the counter of a counted loop around `at` (in its body) with constant bounds, or null. */
function counterRange(arr: Scratch, d: Decl, at: Node): readonly [number, number] | null {
  for (let p = at.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    const body = p.childForFieldName('body');
    if (!body || !contains(body, at)) continue;
    const c = countedLoop(arr, p);
    if (c && c.counter.key === d.key) return [c.min, c.max];
  }
  return null;
}

/** A for loop with constant bounds whose counter, a plain local integer, changes only in its header. */
function countedLoop(arr: Scratch, loop: Node): { counter: Decl; min: number; max: number; values: number[] | null } | null {
  const r = loopShape(loop, arr.ctx.resolver, (name, at) => (arr.ctx.resolver.resolve(name, at) ? 'unknown' : constantName(arr, name)));
  if (!('shape' in r)) return null;
  const s = r.shape;
  if (!isConstant(s.min) || !isConstant(s.max)) return null;
  const counter = s.varDecl ?? arr.ctx.resolver.resolve(s.varName, loop.childForFieldName('condition') ?? loop);
  if (!counter || counter.kind !== 'local' || counter.isStatic || counter.isVolatile || counter.isReference || arr.ix.isAddressTaken(counter)) return null;
  const body = loop.childForFieldName('body');
  if (!body || arr.ctx.facts.occurrences(counter, body).some(isWritten)) return null;
  const min = constantOf(s.min);
  const max = constantOf(s.max);
  // Counting up, the values are min, min + step, …; counting down by 1, every value in between.
  const values: number[] | null = s.step > 0 || s.step === -1 ? [] : null;
  if (values) for (let v = min; v <= max && values.length <= MAX_ENUMERATED; v += Math.max(1, s.step)) values.push(v);
  return { counter, min, max, values };
}

/** True when an identifier is assigned or incremented there. */
function isWritten(id: Node): boolean {
  let n = id;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (p?.type === 'update_expression') return true;
  return p?.type === 'assignment_expression' && p.childForFieldName('left')?.id === n.id;
}

/**
 * The first element of `need` that is not surely written before `read` (null when all are): on
 * every path to the read (in the same iteration of the analysed loop when `inLoop`, else after
 * the loop), the statements that always run before it are the earlier statements of the blocks
 * around it, up to the analysed loop (in the loop) or to a statement that holds the loop (after
 * it). A switch body or a case ends the search: a case label can enter past the writes.
 */
function unwrittenBefore(arr: Scratch, read: Node, need: Box, inLoop: boolean): number[] | null {
  const covered = new Uint8Array(arr.dims.reduce((a, b) => a * b, 1));
  const missing = () => firstMissing(arr.dims, covered, need);
  for (let child: Node = read, p = read.parent; p; child = p, p = p.parent) {
    if (inLoop ? p.id === arr.loop.id : contains(child, arr.loop)) break;
    if (p.type === 'function_definition' || p.type === 'lambda_expression') break;
    const block = p.type === 'compound_statement' && p.parent?.type !== 'switch_statement';
    if (!block && p.type !== 'case_statement') continue;
    let stop = false;
    for (let s = child.previousNamedSibling; s && !stop; s = s.previousNamedSibling) {
      if (!inLoop && contains(s, arr.loop)) stop = true;
      else {
        const written = writtenBy(arr, s);
        written.forEach((x) => (covered[x] = 1));
        if (written.length > 0 && missing() === null) return null;
      }
    }
    if (stop || p.type === 'case_statement') break;
  }
  return missing();
}

function firstMissing(dims: readonly number[], covered: Uint8Array, need: Box): number[] | null {
  let found: number[] | null = null;
  forEachIndex(need, (idx) => {
    if (!covered[flat(dims, idx)]) found = [...idx];
    return found === null;
  });
  return found;
}

/** Visits every index tuple of a box (in order) until `visit` returns false. */
function forEachIndex(box: Box, visit: (idx: number[]) => boolean): void {
  const idx = box.map((r) => r[0]);
  if (box.some((r) => r[0] > r[1])) return;
  for (;;) {
    if (!visit(idx)) return;
    let k = box.length - 1;
    while (k >= 0 && idx[k] === box[k][1]) {
      idx[k] = box[k][0];
      k--;
    }
    if (k < 0) return;
    idx[k]++;
  }
}

function flat(dims: readonly number[], idx: readonly number[]): number {
  return idx.reduce((acc, v, k) => acc * dims[k] + v, 0);
}

/** The elements (flat indices) statement `s` always writes, remembered per statement. */
function writtenBy(arr: Scratch, s: Node): readonly number[] {
  let known = arr.writes.get(s.id);
  if (!known) {
    known = [...new Set(elementsWritten(arr, s))];
    arr.writes.set(s.id, known);
  }
  return known;
}

/**
 * The elements statement `s` always writes: `tmp[c…] = e;` with constant subscripts, a perfect
 * nest of counted loops with constant bounds around a single `tmp[…] = e;` whose subscripts are
 * affine in their counters, or all of them for a memset/memcpy statement covering the array.
 */
function elementsWritten(arr: Scratch, s: Node): number[] {
  const fill = s.type === 'expression_statement' && s.namedChild(0)?.type === 'call_expression' ? memoryFill(arr.ctx, s.namedChild(0) as Node) : null;
  if (fill) return fill.destDecl.key === arr.d.key && coversArray(arr, fill.size) ? [...Array(arr.dims.reduce((a, b) => a * b, 1)).keys()] : [];
  const loops: { counter: Decl; values: number[] }[] = [];
  let stmt: Node | null = s;
  while (stmt?.type === 'for_statement') {
    const c = countedLoop(arr, stmt);
    if (!c?.values || c.values.length === 0) return [];
    loops.push({ counter: c.counter, values: c.values });
    stmt = onlyStatement(stmt.childForFieldName('body'));
  }
  if (stmt?.type !== 'expression_statement') return [];
  const assign = stmt.namedChild(0);
  if (assign?.type !== 'assignment_expression' || operatorOf(assign) !== '=') return [];
  const target = unparen(assign.childForFieldName('left') as Node);
  const indices: Node[] = [];
  let base = target;
  while (base.type === 'subscript_expression') {
    const index = subscriptIndex(base);
    if (!index) return [];
    indices.unshift(index);
    base = unparen(base.childForFieldName('argument') as Node);
  }
  if (base.type !== 'identifier' || indices.length !== arr.dims.length || arr.ctx.resolver.resolve(base.text, base)?.key !== arr.d.key) return [];
  const nameValue = (name: string, at: Node): NameValue => {
    const d = arr.ctx.resolver.resolve(name, at);
    if (!d) return constantName(arr, name);
    return loops.some((l) => l.counter.key === d.key) ? { symbol: d.key } : 'unknown';
  };
  const polys = indices.map((x) => parsePoly(x, nameValue));
  if (polys.some((p) => p === null)) return [];
  let total = 1;
  for (const l of loops) total *= l.values.length;
  if (total > MAX_ENUMERATED) return [];
  const out: number[] = [];
  const at = new Map<string, number>();
  const visit = (k: number): void => {
    if (k === loops.length) {
      const idx = (polys as Poly[]).map((p) => evaluate(p, at));
      if (idx.every((v, j) => v >= 0 && v < arr.dims[j])) out.push(flat(arr.dims, idx));
      return;
    }
    for (const v of loops[k].values) {
      at.set(loops[k].counter.key, v);
      visit(k + 1);
    }
  };
  visit(0);
  return out;
}

function evaluate(p: Poly, at: ReadonlyMap<string, number>): number {
  let v = 0;
  for (const [name, c] of p) v += name === '' ? c : c * (at.get(name) ?? NaN);
  return v;
}

/** The fill statement (memoryFills) whose destination is the array name `n`, or null. */
function fillOf(ctx: AnalysisContext, n: Node): MemoryFill | null {
  let x = n;
  while (x.parent?.type === 'parenthesized_expression') x = x.parent;
  const call = x.parent?.type === 'argument_list' ? x.parent.parent : null;
  const fill = call ? memoryFill(ctx, call) : null;
  return fill && fill.dest.id === n.id ? fill : null;
}

/**
 * True when a fill's byte count is the whole array's: `sizeof tmp`, or a product of constants and
 * one `sizeof` whose element count times theirs is the array's (`N * sizeof(double)`,
 * `sizeof tmp[0] * N`, `sizeof *tmp * N`) with the array's own element type. Anything else (a part,
 * `sizeof` of a pointer or of another type) covers nothing here.
 */
function coversArray(arr: Scratch, size: Node): boolean {
  const total = arr.dims.reduce((a, b) => a * b, 1);
  const factors: Node[] = [];
  const split = (n: Node): void => {
    const u = unparen(n);
    if (u.type === 'binary_expression' && operatorOf(u) === '*') {
      split(u.childForFieldName('left') as Node);
      split(u.childForFieldName('right') as Node);
    } else factors.push(u);
  };
  split(size);
  const sizes = factors.filter((f) => f.type === 'sizeof_expression');
  if (sizes.length !== 1) return false;
  const unit = sizeofElements(arr, sizes[0]);
  let count = 1;
  for (const f of factors) {
    if (f === sizes[0]) continue;
    const p = parsePoly(f, (name, at) => (arr.ctx.resolver.resolve(name, at) ? 'unknown' : constantName(arr, name)));
    if (!p || !isConstant(p)) return false;
    count *= constantOf(p);
  }
  return unit !== null && unit * count === total;
}

/** How many of the array's elements `sizeof x` spans: the array or a sub-array of it, or its element type; null otherwise. */
function sizeofElements(arr: Scratch, s: Node): number | null {
  const type = s.childForFieldName('type');
  if (type) {
    const norm = (t: string) => resolveType(t.replace(/\b(?:const|volatile)\b/g, ' ').replace(/\s+/g, ' ').trim(), arr.ix);
    return norm(type.text) === norm(arr.d.typeText) ? 1 : null;
  }
  let x = unparen(s.childForFieldName('value') as Node);
  let levels = 0;
  // `tmp[0]`, `*tmp`: a row (or element) of the array; the subscript is not evaluated.
  while (x.type === 'subscript_expression' || (x.type === 'pointer_expression' && x.text.trimStart().startsWith('*'))) {
    x = unparen(x.childForFieldName('argument') as Node);
    levels++;
  }
  if (x.type !== 'identifier' || arr.ctx.resolver.resolve(x.text, x)?.key !== arr.d.key || levels > arr.dims.length) return null;
  return arr.dims.slice(levels).reduce((a, b) => a * b, 1);
}

/** The single statement of a loop body (`stmt;` or `{ stmt; }`), or null. */
function onlyStatement(body: Node | null): Node | null {
  let b = body;
  while (b?.type === 'compound_statement') {
    const kids = b.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (kids.length !== 1) return null;
    b = kids[0];
  }
  return b;
}

/** Sizes of an array declared with constant dimensions (`t[16]`, `t[N][4]`), outermost first, or null. */
function arrayDims(ctx: AnalysisContext, name: Node): number[] | null {
  const dims: number[] = [];
  for (let p = name.parent; p && p.type === 'array_declarator'; p = p.parent) {
    const size = p.childForFieldName('size');
    if (!size) return null;
    const v = parseIntLiteral(size.text) ?? ctx.file.intMacros.get(size.text.trim());
    if (v === undefined || v <= 0) return null;
    dims.push(v);
  }
  return dims.length > 0 ? dims : null;
}

/** Bytes of one element, at most 16 (long double) when the type is not recognised. */
export function elementBytes(type: string): number {
  const t = type.replace(/\b(?:const|volatile|signed|unsigned)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (/^(?:char|bool|_Bool|(?:std::)?u?int8_t)$/.test(t)) return 1;
  if (/^(?:short(?: int)?|(?:std::)?u?int16_t)$/.test(t)) return 2;
  if (/^(?:int|float|(?:std::)?u?int32_t)?$/.test(t)) return 4;
  if (/^long double$/.test(t)) return 16;
  return 8;
}

/**
 * Arrays declared in the loop without a value (`double tmp[8];`) are private by scope, but their
 * elements are indeterminate until written, and a serial build often reads the previous
 * iteration's values from the same stack slot, which a parallel one would not reproduce. For such
 * an array of arithmetic elements, each full-subscript read must follow, in the same iteration,
 * unconditional writes that cover every element it can reach (as for scratch arrays: counted
 * fill loops, constant subscripts, a memset/memcpy of the whole array); a variable-length array's
 * reads cannot be checked. Writes by loops with variable bounds cover nothing here (their coverage
 * is symbolic), so such arrays are refused. The first read that may see an indeterminate element,
 * and why; or null.
 */
export function indeterminateArrayRead(ctx: AnalysisContext, loop: Node): { node: Node; why: string } | null {
  const body = loop.childForFieldName('body');
  if (!body) return null;
  const ix = soundIndex(ctx.file, ctx.resolver, loop);
  for (const decl of body.descendantsOfType('declaration')) {
    // `T tmp[N] = {…}` is an init_declarator: initialised. Only bare array declarators are indeterminate.
    for (const dn of decl?.childrenForFieldName('declarator') ?? []) {
      if (dn?.type !== 'array_declarator') continue;
      let name: Node = dn;
      while (name.type === 'array_declarator') name = name.childForFieldName('declarator') as Node;
      const d = name.type === 'identifier' ? ctx.resolver.resolve(name.text, name) : null;
      // Static and thread-local arrays start zeroed; pointers and class types are left to other checks.
      if (!d || d.isPointer || d.isStatic || /\b(?:static|extern|thread_local|_Thread_local|__thread)\b/.test(storagePrefix(d)) || !isArithmeticType(resolveType(d.typeText, ix))) continue;
      const uses = ctx.facts.occurrences(d, loop);
      const dims = arrayDims(ctx, name);
      const levels = countLevels(name);
      const arr: Scratch = { ctx, ix, d, dims: dims ?? Array<number>(levels).fill(1), loop, writes: new Map() };
      const declared = `\`${d.name}\` is declared in the loop without an initial value`;
      for (const use of uses) {
        if (use.id === d.nameNode.id) continue;
        const found = accessOf(arr, use);
        // memcpy's source reads the whole array (or a part, counted as the whole); any other use of
        // the name but a full subscript (a pointer, a call) may read elements nothing here tracks.
        const source = 'why' in found && sourceOfFill(ctx, use);
        if ('why' in found && !source) return { node: use, why: `${declared}, and it is used other than by a full subscript (\`${(use.parent ?? use).text}\`), so ParaForge cannot check that only elements this iteration wrote are read: an indeterminate element often holds the previous iteration's value in a serial build, which a parallel one would not reproduce` };
        const access = 'why' in found ? { node: use, indices: [] as Node[], reads: true } : found;
        if (!access.reads) continue;
        const line = access.node.startPosition.row + 1;
        if (!dims) return { node: access.node, why: `${declared} and its size is not a constant, so ParaForge cannot check that \`${access.node.text}\` (line ${line}) reads only elements this iteration wrote: an indeterminate element often holds the previous iteration's value in a serial build, which a parallel one would not reproduce` };
        const need: Box = source ? dims.map((n): [number, number] => [0, n - 1]) : reach(arr, access);
        const missing = unwrittenBefore(arr, access.node, need, true);
        if (missing === null) continue;
        const element = `${d.name}${missing.map((v) => `[${v}]`).join('')}`;
        return { node: access.node, why: `${declared}, and \`${access.node.text}\` (line ${line}) may read \`${element}\` before this iteration writes it (partial or conditional writes and writes after the read do not count): its indeterminate value often is the previous iteration's in a serial build, which a parallel one would not reproduce` };
      }
    }
  }
  return null;
}

/** True when the array name `n` is the source a memset/memcpy statement reads (`memcpy(row, tmp, …)`). */
function sourceOfFill(ctx: AnalysisContext, n: Node): boolean {
  let x = n;
  while (x.parent && (x.parent.type === 'parenthesized_expression' || x.parent.type === 'cast_expression' || x.parent.type === 'binary_expression')) x = x.parent;
  const call = x.parent?.type === 'argument_list' ? x.parent.parent : null;
  const fill = call ? memoryFill(ctx, call) : null;
  return fill !== null && fill.sourceBase?.id === n.id;
}

/** How many array declarators surround a declared name (`tmp[4][8]`: 2). */
function countLevels(name: Node): number {
  let n = 0;
  for (let p = name.parent; p && p.type === 'array_declarator'; p = p.parent) n++;
  return n;
}

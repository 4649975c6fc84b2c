import type { Node, Tree } from 'web-tree-sitter';
import type { LanguageId, SourceRange, TextEdit } from '../model';
import { findSyntaxProblems, functionName as nameOf, nodeRange, type ParserHost } from '../parse';
import { applyEdits } from '../transform/openmp';

/**
 * Putting a model's code back into the user's file: only the target function is taken from the
 * reply and spliced over the original one; everything outside it stays byte for byte. The reply is
 * rejected, with a reason the model can act on, when the function does not parse, changed its name
 * or signature, or brings preprocessor tricks or process calls the original does not have.
 */

/** A spliced rewrite, or why the reply was refused. */
export type Spliced =
  | { readonly ok: true; readonly text: string; readonly edits: readonly TextEdit[]; readonly range: SourceRange | null; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** Calls a rewrite must not add: they reach outside the computation (processes, files, signals). */
const FORBIDDEN_CALLS = ['system', 'popen', 'fork', 'vfork', 'execl', 'execlp', 'execle', 'execv', 'execvp', 'execve', 'remove', 'unlink', 'rename', 'rmdir', 'kill', 'dlopen', 'syscall', 'chdir'];

/** Headers a rewrite may add (the runtimes of the targets, and the C/C++ standard ones it may need). */
const ALLOWED_NEW_HEADERS = /^<(omp\.h|mpi\.h|cuda_runtime\.h|cuda\.h|stdlib\.h|string\.h|math\.h|stdio\.h|limits\.h|float\.h|stdint\.h|stddef\.h|algorithm|numeric|vector|cmath|cstring|cstdlib|climits|cfloat|cstdint|atomic|stdatomic\.h)>$/;

function sameName(fn: Node, want: string): boolean {
  const n = nameOf(fn);
  return n === want || n.split('::').pop() === want || want.split('::').pop() === n;
}

/** Every function definition named `name`, in source order. */
export function findFunctions(tree: Tree, name: string): Node[] {
  const out: Node[] = [];
  const visit = (n: Node) => {
    if (n.type === 'function_definition' && sameName(n, name)) out.push(n);
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(tree.rootNode);
  return out;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
}

/** The signature of a definition (everything before its body), comments and spacing normalised. */
export function signatureOf(fn: Node): string {
  const body = fn.childForFieldName('body');
  const head = fn.text.slice(0, body ? body.startIndex - fn.startIndex : undefined);
  return stripComments(head)
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),*&[\]])\s*/g, '$1')
    .trim();
}

/** Pieces of a directive (not directives themselves). */
const PREPROC_PARTS = new Set(['preproc_directive', 'preproc_arg', 'preproc_defined', 'preproc_params']);

function lineOf(node: Node, offsetLine = 0): number {
  return node.startPosition.row + 1 + offsetLine;
}

/** Preprocessor lines, `asm` and process calls in `node` that `originalText` does not have: each one a reason to refuse. */
export function unsafeConstructs(node: Node, originalText: string): string[] {
  const found: string[] = [];
  const original = stripComments(originalText);
  const visit = (n: Node) => {
    if (n.type.startsWith('preproc_') && !PREPROC_PARTS.has(n.type)) {
      const line = n.text.split('\n', 1)[0].trim();
      const isPragma = n.type === 'preproc_call' && n.childForFieldName('directive')?.text === '#pragma';
      if (n.type === 'preproc_include') {
        const header = n.childForFieldName('path')?.text ?? '';
        if (!ALLOWED_NEW_HEADERS.test(header) && !original.includes(line)) found.push(`\`${line}\` (line ${lineOf(n)}): only standard headers may be added`);
      } else if (!isPragma && !original.includes(line)) {
        found.push(`\`${line}\` (line ${lineOf(n)}): a rewrite may not add preprocessor directives other than #pragma`);
      }
    }
    if (n.type === 'gnu_asm_expression' || n.type === 'asm_statement') found.push(`inline assembly (line ${lineOf(n)})`);
    if (n.type === 'call_expression') {
      const callee = n.childForFieldName('function')?.text.replace(/^::|^std::/, '') ?? '';
      if (FORBIDDEN_CALLS.includes(callee) && !new RegExp(`\\b${callee}\\s*\\(`).test(original)) found.push(`a call to \`${callee}\` (line ${lineOf(n)}): the rewrite must not start processes or touch files`);
    }
    if (n.type === 'identifier' && n.text === '_Pragma' && !original.includes('_Pragma')) found.push(`\`_Pragma\` (line ${lineOf(n)}): write pragmas as #pragma lines`);
    for (const c of n.children) if (c) visit(c);
  };
  visit(node);
  return found;
}

function describeProblems(tree: Tree, within: Node | null): string | null {
  const problems = findSyntaxProblems(tree, 5).filter((p) => !within || (p.range.startOffset >= within.startIndex && p.range.endOffset <= within.endIndex));
  if (problems.length === 0) return null;
  return problems
    .slice(0, 3)
    .map((p) => `line ${p.range.start.line + 1}: ${p.message}`)
    .join('; ');
}

/** `#include <omp.h>` added at the top when the rewrite calls the OpenMP runtime and the file lacks it. */
function includeEdits(originalText: string, newFunctionText: string): { edits: TextEdit[]; notes: string[] } {
  const needsOmp = /\bomp_\w+\s*\(/.test(stripComments(newFunctionText)) && !/#\s*include\s*<omp\.h>/.test(originalText);
  if (!needsOmp) return { edits: [], notes: [] };
  const firstInclude = /^[ \t]*#\s*include\b/m.exec(originalText);
  const at = firstInclude ? firstInclude.index : 0;
  return { edits: [{ startOffset: at, endOffset: at, newText: '#include <omp.h>\n' }], notes: ['adds `#include <omp.h>` (the rewrite calls the OpenMP runtime)'] };
}

/**
 * The `__global__` / `__device__` definitions a CUDA reply puts before `fn` (the translator prompt
 * asks for the kernel, then the host function), as text to insert before the function. A kernel the
 * file already has is skipped when the reply repeats it unchanged and refused when it changed it.
 */
function newKernels(replyTree: Tree, fn: Node, originalTree: Tree, originalText: string): { readonly text: string } | { readonly reason: string } {
  const kernels: string[] = [];
  for (const n of replyTree.rootNode.namedChildren) {
    if (!n || n.type !== 'function_definition' || n.endIndex > fn.startIndex || !/(^|\s)__(global|device)__\s/.test(signatureOf(n))) continue;
    const name = nameOf(n);
    const existing = findFunctions(originalTree, name)[0];
    if (existing) {
      if (stripComments(existing.text).replace(/\s+/g, ' ') === stripComments(n.text).replace(/\s+/g, ' ')) continue;
      return { reason: `the reply changes \`${name}\`, which the file already has; give a new kernel a new name and leave the rest of the file alone` };
    }
    const broken = describeProblems(replyTree, n);
    if (broken || n.hasError) return { reason: `the kernel \`${name}\` in the reply does not parse: ${broken ?? 'syntax errors'}` };
    const unsafe = unsafeConstructs(n, originalText);
    if (unsafe.length) return { reason: `the reply's kernel \`${name}\` adds ${unsafe.join('; ')}` };
    kernels.push(`${n.text}\n\n`);
  }
  return { text: kernels.join('') };
}

/**
 * Takes `functionName` from the reply's code and splices it over the original definition (with
 * `kernels`, the new CUDA kernels before it too). Refuses when the reply's function does not parse,
 * is missing, changed its signature, or adds unsafe constructs.
 */
export async function spliceFunction(parser: ParserHost, language: LanguageId, originalText: string, functionName: string, code: string, truncated: boolean, options: { readonly kernels?: boolean } = {}): Promise<Spliced> {
  const originalTree = await parser.parse(language, originalText);
  const replyTree = await parser.parse(language, code);
  try {
    const originals = findFunctions(originalTree, functionName);
    if (originals.length === 0) return { ok: false, reason: `the original file has no definition of \`${functionName}\`` };
    const original = originals[0];
    const candidates = findFunctions(replyTree, functionName);
    if (candidates.length === 0) {
      return { ok: false, reason: truncated ? `the reply was cut off before the definition of \`${functionName}\` was complete; send the whole function` : `the reply's code does not define \`${functionName}\`; answer with the whole function` };
    }
    const fn = candidates[candidates.length - 1];
    const broken = describeProblems(replyTree, fn);
    if (broken || fn.hasError) {
      return { ok: false, reason: truncated ? `the reply was cut off mid-code (no closing fence) and \`${functionName}\` does not parse (${broken ?? 'incomplete'}); send the whole function` : `\`${functionName}\` in the reply does not parse: ${broken ?? 'syntax errors'}` };
    }
    const want = signatureOf(original);
    const got = signatureOf(fn);
    if (want !== got) return { ok: false, reason: `the reply changed the signature of \`${functionName}\` from \`${want}\` to \`${got}\`; keep the name, parameters and return type exactly` };
    const unsafe = unsafeConstructs(fn, original.text);
    if (unsafe.length) return { ok: false, reason: `the reply's \`${functionName}\` adds ${unsafe.join('; ')}` };
    const kernels = options.kernels ? newKernels(replyTree, fn, originalTree, originalText) : { text: '' };
    if ('reason' in kernels) return { ok: false, reason: kernels.reason };
    const inc = includeEdits(originalText, fn.text);
    const edits: TextEdit[] = [...inc.edits, { startOffset: original.startIndex, endOffset: original.endIndex, newText: kernels.text + fn.text }];
    const text = applyEdits(originalText, edits);
    return { ok: true, text, edits, range: nodeRange(original), notes: inc.notes };
  } finally {
    originalTree.delete();
    replyTree.delete();
  }
}

/**
 * Takes a whole file from the reply (MPI and CUDA rewrites change `main` and add helpers). Refuses
 * when it does not parse, drops or re-signs `functionName`, or adds unsafe constructs.
 */
export async function spliceWholeFile(parser: ParserHost, language: LanguageId, originalText: string, functionName: string | null, code: string, truncated: boolean): Promise<Spliced> {
  const tree = await parser.parse(language, code);
  const originalTree = await parser.parse(language, originalText);
  try {
    const broken = describeProblems(tree, null);
    if (broken) return { ok: false, reason: truncated ? `the reply was cut off mid-code (no closing fence); the file does not parse (${broken}); send the whole file` : `the reply's file does not parse: ${broken}` };
    if (functionName) {
      const before = findFunctions(originalTree, functionName)[0];
      const after = findFunctions(tree, functionName);
      if (before && after.length === 0) return { ok: false, reason: `the reply's file no longer defines \`${functionName}\`` };
      if (before && signatureOf(after[after.length - 1]) !== signatureOf(before)) {
        return { ok: false, reason: `the reply changed the signature of \`${functionName}\` from \`${signatureOf(before)}\` to \`${signatureOf(after[after.length - 1])}\`` };
      }
    }
    const unsafe = unsafeConstructs(tree.rootNode, originalText);
    if (unsafe.length) return { ok: false, reason: `the reply adds ${unsafe.join('; ')}` };
    const text = code.endsWith('\n') ? code : `${code}\n`;
    return { ok: true, text, edits: [{ startOffset: 0, endOffset: originalText.length, newText: text }], range: null, notes: [] };
  } finally {
    tree.delete();
    originalTree.delete();
  }
}

/** The range of `functionName`'s definition in `text`, or null when there is none. */
export async function functionRange(parser: ParserHost, language: LanguageId, text: string, functionName: string): Promise<SourceRange | null> {
  const tree = await parser.parse(language, text);
  try {
    const fn = findFunctions(tree, functionName)[0];
    return fn ? nodeRange(fn) : null;
  } finally {
    tree.delete();
  }
}

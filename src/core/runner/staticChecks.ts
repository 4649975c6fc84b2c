import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffArrays } from 'diff';
import type { Node, Tree } from 'web-tree-sitter';
import { analyzeLoops } from '../analysis';
import type { LanguageId, PreExistingIssue, StaticFinding } from '../model';
import { findSyntaxProblems, ParserHost } from '../parse';
import { runProcess } from './processTree';
import type { BuildPlan } from './toolchains';

/**
 * Checks a candidate before anything runs (issue #8 §4): it parses, the target function keeps its
 * signature, the analysis finds no race in the candidate's own OpenMP pragmas, it calls no process,
 * file-writing or network function the original does not call, and the compiler finds no new
 * uninitialised read. Findings the original shares are pre-existing, never held against the candidate.
 */

/** A function definition read from the Tree-sitter tree. */
export interface FunctionInfo {
  readonly name: string;
  /** Return type and declarator, comments dropped, whitespace and `restrict` qualifiers normalised. */
  readonly signature: string;
  readonly node: Node;
}

/** Every function definition in the tree (also inside `#if` branches and namespaces), in source order. */
export function functionDefinitions(tree: Tree): FunctionInfo[] {
  const out: FunctionInfo[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'function_definition') {
      const name = declaredName(n.childForFieldName('declarator'));
      if (name) out.push({ name, signature: signatureText(n), node: n });
      return;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(tree.rootNode);
  return out;
}

function declaredName(d: Node | null): string | null {
  while (d) {
    if (d.type === 'function_declarator') {
      const inner = d.childForFieldName('declarator');
      return inner ? inner.text.replace(/\s+/g, '') : null;
    }
    d = d.childForFieldName('declarator');
  }
  return null;
}

function signatureText(fn: Node): string {
  const body = fn.childForFieldName('body');
  const parts: string[] = [];
  for (const c of fn.children) {
    if (!c || c === body || c.startIndex >= (body?.startIndex ?? Infinity)) break;
    if (c.type === 'comment') continue;
    parts.push(c.text);
  }
  return parts
    .join(' ')
    .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ')
    .replace(/\b(restrict|__restrict__|__restrict)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),*&[\]])\s*/g, '$1')
    .trim();
}

/** True when the tree defines `main` (a whole program, run as it is). Replaces the old regex scan. */
export function definesMain(tree: Tree): boolean {
  return functionDefinitions(tree).some((f) => f.name === 'main' || f.name === '::main');
}

/** True when the source includes `mpi.h` (it must be built with mpicc and run under mpirun). */
export function includesMpi(tree: Tree): boolean {
  let found = false;
  const visit = (n: Node): void => {
    if (found) return;
    if (n.type === 'preproc_include') {
      const p = n.childForFieldName('path')?.text ?? '';
      if (/^[<"]mpi\.h[>"]$/.test(p.trim())) found = true;
      return;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(tree.rootNode);
  return found;
}

/**
 * Functions whose appearance in a candidate (and not in its original) rejects it: they start
 * processes, write or remove files, or reach the network: effects no output comparison can undo.
 */
export const FORBIDDEN_CALLS: ReadonlySet<string> = new Set([
  'system', 'popen', 'fork', 'vfork', 'clone', 'execl', 'execlp', 'execle', 'execv', 'execvp', 'execvpe', 'execve', 'fexecve',
  'posix_spawn', 'posix_spawnp', 'socket', 'socketpair', 'connect', 'bind', 'listen', 'accept', 'accept4', 'send', 'sendto', 'sendmsg',
  'getaddrinfo', 'gethostbyname', 'creat', 'open', 'openat', 'remove', 'unlink', 'unlinkat', 'rename', 'renameat', 'rmdir', 'mkdir',
  'truncate', 'ftruncate', 'chmod', 'chown', 'symlink', 'link', 'kill', 'dlopen', 'syscall', 'freopen', 'tmpfile', 'mkstemp', 'ptrace',
  // A function looked up by a name built at run time can be any of the above.
  'dlsym', 'dlvsym', 'dlmopen',
]);

/**
 * Reads that tell a program who runs it and where: its name, its user, its process, the machine's
 * processors. A candidate adding one can behave only under the sandbox (uid nobody, a driver
 * named paraforge_*, two CPUs) and otherwise in real use.
 */
export const IDENTITY_READS: ReadonlySet<string> = new Set([
  'readlink', 'readlinkat', 'realpath', 'getauxval', 'getuid', 'geteuid', 'getgid', 'getegid', 'getpid', 'getppid', 'gettid', 'getlogin',
  'gethostname', 'uname', 'isatty', 'ttyname', 'program_invocation_name', 'program_invocation_short_name', '__progname',
  'omp_get_num_procs', 'omp_get_place_num_procs', 'omp_get_num_places', 'get_nprocs', 'get_nprocs_conf', 'hardware_concurrency',
  'sched_getaffinity', 'pthread_getaffinity_np', 'sched_getcpu',
  // Timing runs pin threads (OMP_PROC_BIND=close) and checking runs do not: a candidate reading the
  // binding or the environment can be right only where it is checked.
  'getenv', 'secure_getenv', 'omp_get_proc_bind', 'omp_get_place_num', 'omp_get_partition_num_places', 'omp_get_partition_place_nums',
  'omp_capture_affinity', 'omp_get_affinity_format',
]);

/** The name a finding gives inline assembly: it can make any system call (fork, write) no name scan sees. */
const INLINE_ASM = 'inline assembly';

/** Names of forbidden functions a text mentions (calls, function pointers, macro bodies), plus `fopen` for writing. */
export function riskyNames(tree: Tree): Map<string, number> {
  const seen = new Map<string, number>();
  const add = (name: string, line: number) => {
    if (!seen.has(name)) seen.set(name, line);
  };
  const visit = (n: Node): void => {
    if (n.type === 'identifier' || n.type === 'field_identifier') {
      if (FORBIDDEN_CALLS.has(n.text) || IDENTITY_READS.has(n.text)) add(n.text, n.startPosition.row + 1);
      return;
    }
    if (n.type === 'gnu_asm_expression') add(INLINE_ASM, n.startPosition.row + 1);
    if (n.type === 'preproc_arg' || n.type === 'preproc_def' || n.type === 'preproc_function_def') {
      for (const m of n.text.matchAll(/[A-Za-z_]\w*/g)) {
        if (FORBIDDEN_CALLS.has(m[0])) add(m[0], n.startPosition.row + 1);
        if (/^(__asm__|__asm|asm)$/.test(m[0])) add(INLINE_ASM, n.startPosition.row + 1);
      }
    }
    if (n.type === 'call_expression') {
      const fn = n.childForFieldName('function')?.text.replace(/^(std)?::/, '') ?? '';
      if (fn === 'fopen' || fn === 'fdopen') {
        const args = n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
        const mode = args[1]?.type === 'string_literal' ? args[1].text : null;
        // A mode that is not a literal could be anything: treat it as writing.
        if (mode === null || /[wa+]/.test(mode)) add(`${fn} for writing`, n.startPosition.row + 1);
      }
    }
    for (const c of n.children) if (c) visit(c);
  };
  visit(tree.rootNode);
  return seen;
}

/** The candidate's changed span in its own text: [start, end) offsets between the common prefix and suffix. */
export function changedSpan(original: string, candidate: string): { start: number; end: number } {
  let p = 0;
  const max = Math.min(original.length, candidate.length);
  while (p < max && original.charCodeAt(p) === candidate.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && original.charCodeAt(original.length - 1 - s) === candidate.charCodeAt(candidate.length - 1 - s)) s++;
  return { start: p, end: candidate.length - s };
}

/**
 * Maps 1-based candidate lines to original lines through a line diff (the `diff` package): lines
 * both texts share map to each other, new lines map to null. A diff longer than a few thousand
 * edits is given up on, and then only lines before and after the edited window map.
 */
export function lineMapper(original: string, candidate: string): (candidateLine: number) => number | null {
  const a = original.split('\n');
  const b = candidate.split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const inner = new Map<number, number>();
  const parts = diffArrays(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf), { maxEditLength: 4000 }) ?? [];
  let i = 0;
  let j = 0;
  for (const part of parts) {
    const n = part.count ?? part.value.length;
    if (part.added) j += n;
    else if (part.removed) i += n;
    else for (let k = 0; k < n; k++) inner.set(j++, i++);
  }
  return (line) => {
    const k = line - 1;
    if (k < pre) return line;
    if (k >= b.length - suf) return k - (b.length - a.length) + 1;
    const m = inner.get(k - pre);
    return m === undefined ? null : m + pre + 1;
  };
}

/** What the static checks conclude: findings that reject the candidate, and what the original shares. */
export interface StaticCheckResult {
  readonly findings: readonly StaticFinding[];
  readonly preExisting: readonly PreExistingIssue[];
  /** Whether each side defines `main` and includes `mpi.h`, read from the tree. */
  readonly originalHasMain: boolean;
  readonly candidateHasMain: boolean;
  readonly includesMpi: boolean;
}

/** The two texts to check, and the function the candidate rewrites (null for the whole program). */
export interface StaticCheckInput {
  readonly language: LanguageId;
  readonly originalText: string;
  readonly candidateText: string;
  readonly functionName: string | null;
}

/** Runs the tree-based checks (parse, signature, racy pragmas, forbidden calls); pure apart from parsing. */
export async function treeChecks(input: StaticCheckInput, parser: ParserHost): Promise<StaticCheckResult> {
  const [orig, cand] = await Promise.all([parser.parse(input.language, input.originalText), parser.parse(input.language, input.candidateText)]);
  try {
    const findings: StaticFinding[] = [];
    const preExisting: PreExistingIssue[] = [];

    // 1. It parses: no syntax error near the edit (the original's own recoveries elsewhere are its business).
    const span = changedSpan(input.originalText, input.candidateText);
    const slack = 200;
    for (const p of findSyntaxProblems(cand)) {
      if (p.range.endOffset >= span.start - slack && p.range.startOffset <= span.end + slack) {
        findings.push({ check: 'parse', message: `the candidate does not parse: ${p.message} at line ${p.range.start.line + 1}`, line: p.range.start.line + 1 });
        break;
      }
    }

    // 2. The target function exists once, with the same signature.
    const origFns = functionDefinitions(orig);
    const candFns = functionDefinitions(cand);
    if (input.functionName) {
      const want = (f: FunctionInfo) => f.name === input.functionName || f.name.split('::').pop() === input.functionName;
      const a = origFns.filter(want);
      const b = candFns.filter(want);
      if (a.length > 0 && b.length === 0) findings.push({ check: 'signature', message: `the candidate no longer defines ${input.functionName}()` });
      else if (a.length === 1 && b.length > 1) findings.push({ check: 'signature', message: `the candidate defines ${input.functionName}() ${b.length} times (behind #if branches?); one definition is checked, another may run`, line: b[1].node.startPosition.row + 1 });
      else if (a.length === 1 && b.length === 1 && a[0].signature !== b[0].signature) {
        findings.push({ check: 'signature', message: `the candidate changed the signature of ${input.functionName}: \`${a[0].signature}\` → \`${b[0].signature}\``, line: b[0].node.startPosition.row + 1 });
      }
    }
    const origMains = origFns.filter((f) => f.name === 'main').length;
    const candMains = candFns.filter((f) => f.name === 'main').length;
    if (input.functionName === null && origMains === 1 && candMains > 1) {
      findings.push({ check: 'signature', message: `the candidate defines main() ${candMains} times behind #if branches; the one that runs is not the one analysed` });
    }

    // 3. The candidate's own OpenMP pragmas: a race the analysis proves is a rejection (unless the original has it).
    const pragmaRaces = (tree: Tree, text: string) =>
      analyzeLoops(tree, input.language, text).flatMap((v) =>
        (v.existingPragma?.races ?? []).map((r) => ({ pragma: v.existingPragma!.text.replace(/\s+/g, ' '), message: r.message, line: r.range.start.line + 1, pragmaLine: v.existingPragma!.range.start.line + 1 })),
      );
    const key = (r: { pragma: string; message: string }) => `${r.pragma}\0${r.message}`;
    const origRaces = pragmaRaces(orig, input.originalText);
    const known = new Set(origRaces.map(key));
    for (const r of pragmaRaces(cand, input.candidateText)) {
      if (known.has(key(r))) continue;
      findings.push({ check: 'racy-pragma', message: `\`${r.pragma}\` (line ${r.pragmaLine}): ${r.message}`, line: r.line });
    }
    for (const r of origRaces) preExisting.push({ kind: 'racy-pragma', message: `the original's \`${r.pragma}\`: ${r.message}`, lines: [r.line] });

    // 4. No new process, file-writing or network calls.
    const origRisky = riskyNames(orig);
    for (const [name, line] of riskyNames(cand)) {
      if (origRisky.has(name)) continue;
      const what = name === INLINE_ASM ? 'uses inline assembly' : IDENTITY_READS.has(name) ? `reads ${name}` : `calls ${name.includes(' ') ? name.replace(' ', '() ') : `${name}()`}`;
      const why = IDENTITY_READS.has(name) ? 'it can tell the sandbox (its user, program name, processors, thread binding) from a real run' : 'effects outside the compared outputs';
      findings.push({ check: 'forbidden-call', message: `the candidate ${what}, which the original does not: ${why}`, line });
    }
    return { findings, preExisting, originalHasMain: origMains > 0, candidateHasMain: candMains > 0, includesMpi: includesMpi(orig) || includesMpi(cand) };
  } finally {
    orig.delete();
    cand.delete();
  }
}

/** Uninitialised-read warnings of one file (`-Wall -Wuninitialized`), each as "line: message" with the line kept apart. */
export async function uninitialisedWarnings(
  plan: BuildPlan,
  fileName: string,
  text: string,
  includeDirs: readonly string[],
  scratch: string,
  signal?: AbortSignal,
): Promise<{ line: number; message: string }[]> {
  const dir = fs.mkdtempSync(path.join(scratch, 'paraforge-warn-'));
  try {
    const file = path.join(dir, fileName);
    fs.writeFileSync(file, text);
    const argv = [plan.compiler, '-fsyntax-only', '-Wall', '-Wuninitialized', '-Wsometimes-uninitialized', '-Wconditional-uninitialized', ...plan.flags.filter((f) => /^-(I|D|U|std=|f(no-)?openmp|include)/.test(f)), ...includeDirs.flatMap((d) => ['-I', d]), file];
    const r = await runProcess({ argv, cwd: dir, env: { ...(process.env as Record<string, string>), LC_ALL: 'C', ...(plan.env ?? {}) }, timeoutMs: 60_000, outputCapBytes: 256 * 1024, signal });
    const out: { line: number; message: string }[] = [];
    for (const m of `${r.stdout}\n${r.stderr}`.matchAll(/^[^:\n]*:(\d+):\d+: warning: (.*uninitiali[sz]ed.*)$/gm)) out.push({ line: Number(m[1]), message: m[2].replace(/\s*\[-W[^\]]*\]$/, '') });
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** New uninitialised-read warnings of the candidate (those the original shares are left out) as findings. */
export function newUninitialised(original: readonly { message: string }[], candidate: readonly { line: number; message: string }[]): StaticFinding[] {
  const known = new Set(original.map((w) => w.message));
  return candidate.filter((w) => !known.has(w.message)).map((w) => ({ check: 'uninitialised' as const, message: `uninitialised read: ${w.message} (line ${w.line})`, line: w.line }));
}

/** A ParserHost that finds the grammars beside the bundle (`dist/wasm`) or in node_modules. */
export function defaultParserHost(): ParserHost {
  const pkg: Record<string, string> = { 'web-tree-sitter.wasm': 'web-tree-sitter', 'tree-sitter-c.wasm': 'tree-sitter-c', 'tree-sitter-cpp.wasm': 'tree-sitter-cpp', 'tree-sitter-cuda.wasm': 'tree-sitter-cuda' };
  return new ParserHost((file) => {
    const beside = path.join(__dirname, 'wasm', file);
    if (fs.existsSync(beside)) return beside;
    // Unbundled (tests, benches): the packages in the nearest node_modules above this file or the cwd.
    for (const start of [__dirname, process.cwd()]) {
      for (let d = start; ; d = path.dirname(d)) {
        const p = path.join(d, 'node_modules', pkg[file] ?? '', file);
        if (fs.existsSync(p)) return p;
        if (d === path.dirname(d)) break;
      }
    }
    return beside;
  });
}

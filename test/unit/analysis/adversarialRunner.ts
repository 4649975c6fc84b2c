import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LanguageId, LoopVerdict } from '../../../src/core/model';
import { analyzeLoops } from '../../../src/core/analysis';
import { languageFromPath } from '../../../src/core/parse';
import { parallelizeSource } from '../../../src/core/transform/openmp';
import { compile, type BuildCache, type CompileResult, privateBuildCache } from '../../../src/core/runner/compile';
import { discoverToolchains, planBuild, type Toolchains } from '../../../src/core/runner/toolchains';
import { fixture, testParserHost } from '../../helpers/paths';

/**
 * The adversarial corpus check (issue #7 §1): every program is rewritten by the rules engine
 * (`analyzeLoops` + `parallelizeSource`, the proven edits `propose()` offers), and when it changes, the rewrite is built with gcc and clang, run at 1/2/3/4/7
 * threads and at several sizes (0 and 1 included) against the original's serial output, and
 * race-checked with clang + Archer at 2 and 4 threads. Builds go through the runner's own
 * `planBuild`/`compile` (same compilers and flags as `verify`); runs are direct, because
 * `verifyProgram` takes one argument set and one race thread count per call and would rebuild
 * three binaries for every point of the sweep.
 */

export const ADVERSARIAL = fixture('adversarial');

/** Thread counts every rewrite is checked at. */
export const THREADS = [1, 2, 3, 4, 7];
/** Sizes (argv[1]) every program is run at; programs read their size from argv. */
export const SIZES = ['0', '1', '2', '3', '7', '17', '100', '1000'];
/** Race-check points: Archer needs ≥ 2 threads; small and medium sizes (history is limited). */
export const RACE_THREADS = [2, 4];
export const RACE_SIZES = ['7', '100'];

/** One loop's expectation, from a `// expect: parallel|refuse[:code]|any` comment on its line. */
export interface Expectation {
  readonly line: number;
  readonly want: 'parallel' | 'refuse' | 'any';
  /** A reason code the refusal must carry (`refuse:macro`). */
  readonly code?: string;
}

/** Every program of the adversarial corpus (C, C++ and CUDA host code). */
export function adversarialFiles(): string[] {
  return fs
    .readdirSync(ADVERSARIAL)
    .filter((f) => /\.(c|cpp|cu)$/.test(f))
    .sort();
}

/** The `// expect:` comments of a program, by 1-based line. */
export function expectationsOf(text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split('\n').forEach((l, i) => {
    const m = /\/\/\s*expect:\s*(parallel|refuse|any)(?::([a-z-]+))?/.exec(l);
    if (m) out.push({ line: i + 1, want: m[1] as Expectation['want'], ...(m[2] ? { code: m[2] } : {}) });
  });
  return out;
}

const host = testParserHost();

/** The rules engine's verdicts and its proven whole-program rewrite (null when nothing changes). */
export async function rewriteProgram(file: string): Promise<{ text: string; language: LanguageId; verdicts: readonly LoopVerdict[]; rewritten: string | null }> {
  const full = path.join(ADVERSARIAL, file);
  const text = fs.readFileSync(full, 'utf8');
  const language = languageFromPath(full);
  if (!language) throw new Error(`no language for ${file}`);
  const tree = await host.parse(language, text);
  try {
    const verdicts = analyzeLoops(tree, language, text);
    // The same proven edits `propose()` groups into its whole-program candidate.
    const rewrite = parallelizeSource(text, verdicts, language);
    return { text, language, verdicts, rewritten: rewrite.rewritten.length > 0 ? rewrite.text : null };
  } finally {
    tree.delete();
  }
}

let toolchains: Promise<Toolchains> | null = null;

function run(exe: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(exe, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...env }, timeout: 60_000, maxBuffer: 8 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : error.killed ? -9 : -1) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

/** Runs `jobs` with at most `width` at a time (two cores). */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]();
      }
    }),
  );
  return out;
}

let buildCache: BuildCache | null = null;

/** Removes the builds of this test file's rewrites (one private cache per file: afterAll calls this). */
export function removeBuilds(): void {
  if (buildCache) fs.rmSync(buildCache.dir, { recursive: true, force: true });
  buildCache = null;
}

/** What went wrong with one rewrite; empty when every build, run and race check agreed. */
export async function checkRewrite(file: string, language: LanguageId, original: string, candidate: string): Promise<string[]> {
  toolchains ??= discoverToolchains({});
  const tc = await toolchains;
  const cuda = language === 'cuda-cpp';
  const base = path.basename(file);
  // CUDA host code: nvcc (with gcc as host compiler) for the gcc builds; clang builds the same
  // text as C++ with the CUDA qualifiers defined away (Archer cannot check nvcc builds).
  const asCxx = cuda ? base.replace(/\.cu$/, '.cpp') : base;
  // A program may name the flags it needs (`// flags: -std=c++20`), as compile_commands.json would.
  const flags = /^\/\/ flags: (.+)$/m.exec(original)?.[1].trim().split(/\s+/) ?? [];
  const cudaDefs = cuda ? ['-D__host__=', '-D__device__=', '-D__global__=', '-D__forceinline__=inline'] : [];
  const plan = (family: 'gcc' | 'clang', race: boolean) =>
    planBuild(tc, { language: cuda && family === 'clang' ? 'cpp' : language, target: 'openmp', family, mpi: 'openmpi', race, extraFlags: [...flags, ...(family === 'clang' ? cudaDefs : [])] });
  const unit = (text: string, family: 'gcc' | 'clang') => [{ name: family === 'clang' ? asCxx : base, text, compile: true }];
  const cache = (buildCache ??= privateBuildCache());
  const builds: [string, () => Promise<CompileResult>][] = [
    ['original (gcc)', () => compile(plan('gcc', false), unit(original, 'gcc'), [], undefined, cache)],
    ['rewrite (gcc)', () => compile(plan('gcc', false), unit(candidate, 'gcc'), [], undefined, cache)],
    ['rewrite (clang)', () => compile(plan('clang', false), unit(candidate, 'clang'), [], undefined, cache)],
    ['rewrite (clang + Archer)', () => compile(plan('clang', true), unit(candidate, 'clang'), [], undefined, cache)],
  ];
  const built = await pool(builds.map(([, b]) => b), 2);
  const problems: string[] = [];
  built.forEach((b, i) => {
    if (!b.ok) problems.push(`${builds[i][0]} does not compile: ${b.log.slice(0, 600)}`);
  });
  if (problems.length) return problems;
  const [orig, gccExe, clangExe, raceExe] = built.map((b) => b.exe);
  const reference = new Map<string, { code: number | null; out: string }>();
  await pool(
    SIZES.map((s) => async () => {
      const r = await run(orig, [s], { OMP_NUM_THREADS: '1' });
      reference.set(s, r);
    }),
    2,
  );
  const jobs: (() => Promise<void>)[] = [];
  for (const [compiler, exe] of [['gcc', gccExe], ['clang', clangExe]] as const) {
    for (const t of THREADS) {
      for (const s of SIZES) {
        jobs.push(async () => {
          const r = await run(exe, [s], { OMP_NUM_THREADS: String(t), OMP_DYNAMIC: 'false' });
          const ref = reference.get(s)!;
          if (r.code !== ref.code || r.out !== ref.out) {
            problems.push(`${compiler} @${t} threads, n=${s}: exit ${r.code} vs ${ref.code}; output ${JSON.stringify(r.out.slice(0, 200))} vs serial ${JSON.stringify(ref.out.slice(0, 200))}`);
          }
        });
      }
    }
  }
  for (const t of RACE_THREADS) {
    for (const s of RACE_SIZES) {
      jobs.push(async () => {
        const r = await run(raceExe, [s], { OMP_NUM_THREADS: String(t), OMP_DYNAMIC: 'false', TSAN_OPTIONS: 'ignore_noninstrumented_modules=1 exitcode=66', ARCHER_OPTIONS: 'verbose=0' });
        if (r.code === 66 || /WARNING: ThreadSanitizer/.test(r.err)) problems.push(`Archer @${t} threads, n=${s}: data race\n${r.err.slice(0, 1500)}`);
        else if (r.code !== reference.get(s)?.code) problems.push(`Archer build @${t} threads, n=${s}: exit ${r.code}: ${r.err.slice(0, 400)}`);
      });
    }
  }
  await pool(jobs, 2);
  return problems;
}

/** A scratch directory for one-off builds (kept out of the repository). */
export function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'paraforge-adversarial-'));
}

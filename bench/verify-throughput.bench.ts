// Verify throughput: candidates per minute through verifyProgram in one VerificationSession (cold: an
// empty cache folder; warm: the same session again, builds and the originals' runs reused),
// and the sandbox's overhead per launch (bwrap + prlimit + nobody vs a plain exec).
// Run with `node bench/run.mjs verify-throughput`; prints markdown for docs/BENCHMARKS.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Evidence } from '../src/core/model';
import { runLocal } from '../src/core/runner/backends/local';
import { compile } from '../src/core/runner/compile';
import { DEFAULT_LIMITS } from '../src/core/runner/sandbox';
import { discoverToolchains, planBuild } from '../src/core/runner/toolchains';
import { createSession, type VerificationSession } from '../src/core/pipeline/session';
import { verifyProgram, type VerifyRequest } from '../src/core/runner';
import { median, ms, table } from './lib/stats';

const fx = (name: string) => path.resolve(process.cwd(), 'test/fixtures/runner', name);

/** The corpus: whole programs and generated-harness functions, correct, racy and wrong. */
function corpus(): VerifyRequest[] {
  // Default thread counts (1, 2, 3, 4, 7, 16) and race threads (2, 4): the cost of the full gate.
  const common = { language: 'c' as const, target: 'openmp' as const };
  const whole = ['sum_reduction.c', 'sum_race.c', 'sum_wrong.c'].map((c) => ({ ...common, original: fx('sum_serial.c'), candidate: fx(c) }));
  const fns = ['saxpy', 'dot', 'matvec', 'normalise'].flatMap((fn) =>
    ['kernels_omp.c', 'kernels_race.c', 'kernels_wrong.c'].map((c) => ({ ...common, original: fx('kernels.c'), candidate: fx(c), functionName: fn })),
  );
  return [...whole, ...fns];
}

async function throughput(label: string, session: VerificationSession, overrides: Partial<VerifyRequest> = {}): Promise<{ label: string; n: number; seconds: number; verdicts: Record<string, number> }> {
  const requests = corpus().map((r) => ({ ...r, ...overrides }));
  const t0 = performance.now();
  // All at once: the session's slots keep runs to the core count.
  const evidence: Evidence[] = await Promise.all(requests.map((r) => verifyProgram(r, { session })));
  const seconds = (performance.now() - t0) / 1000;
  const verdicts: Record<string, number> = {};
  for (const e of evidence) verdicts[e.verdict] = (verdicts[e.verdict] ?? 0) + 1;
  return { label, n: requests.length, seconds, verdicts };
}

async function launchOverhead(runs: number): Promise<{ sandboxed: number; plain: number }> {
  const tc = await discoverToolchains();
  const plan = planBuild(tc, { language: 'c', target: 'openmp', family: 'gcc', mpi: 'openmpi', race: false, extraFlags: [] });
  const built = await compile(plan, [{ name: 'hello.c', text: fs.readFileSync(fx('hello.c'), 'utf8'), compile: true }], []);
  if (!built.ok) throw new Error(built.log);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-bench-'));
  fs.chmodSync(root, 0o755);
  // The build cache is private (0700): run a copy the sandbox user can read, as the runner does.
  const build = { exe: path.join(root, 'hello') };
  fs.copyFileSync(built.exe, build.exe);
  fs.chmodSync(build.exe, 0o755);
  const once = async (plain: boolean, i: number) => {
    const workDir = path.join(root, `${plain ? 'p' : 's'}${i}`);
    fs.mkdirSync(workDir);
    const r = await runLocal({ exe: build.exe, args: [], workDir, env: {}, threads: 1, timeoutMs: 10_000, outputCapBytes: 65536, limits: DEFAULT_LIMITS, plain });
    if (r.stdout.trim() !== 'hello') throw new Error(`unexpected output: ${r.stdout}${r.stderr}`);
    return r.seconds * 1000;
  };
  const s: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < runs; i++) {
    s.push(await once(false, i));
    p.push(await once(true, i));
  }
  fs.rmSync(root, { recursive: true, force: true });
  return { sandboxed: median(s), plain: median(p) };
}

async function main(): Promise<void> {
  // A private TMPDIR gives a cold compile cache for the first pass.
  const loadBefore = os.loadavg()[0];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-bench-tmp-'));
  fs.chmodSync(tmp, 0o755);
  process.env.TMPDIR = tmp;
  const session = createSession({ cacheDir: path.join(tmp, 'cache') });
  const cold = await throughput('cold cache (new session)', session);
  const warm = await throughput('warm cache (same session)', session);
  // What the added thread counts and race runs cost: the same warm pass with the old counts.
  const reduced = await throughput('warm, old counts (threads 1,2; race at 2)', session, { threads: [1, 2], raceThreads: [2] });
  const launch = await launchOverhead(40);
  fs.rmSync(tmp, { recursive: true, force: true });
  const row = (r: typeof cold) => [r.label, r.n, r.seconds.toFixed(1), ((r.n / r.seconds) * 60).toFixed(1), Object.entries(r.verdicts).map(([k, v]) => `${v} ${k}`).join(', ')];
  console.log(
    [
      '## Verify throughput (OpenMP candidates, 2-core machine)',
      '',
      `${cold.n} candidates verified concurrently in one VerificationSession (its slots cap runs at the core count; timing runs take every core): 3 whole programs and 4 functions × 3 candidates through generated harnesses. Each: static checks (parse, signature, the candidate's own pragmas through the analysis, forbidden calls; clang -Wuninitialized), gcc build of original and candidate, clang + Archer build with pattern-initialised locals, output check at 1, 2, 3, 4, 7 and 16 threads, race check at 2 and 4 threads (for each of the harness's race argument sets), and for survivors a timing sweep (1 and 2 threads, each 1 untimed warm-up + 3 timed runs; the original's serial baseline once per original). The warm pass runs the same corpus again in the same session: builds (content-hashed in the session's private cache folder, checked before reuse) and the originals' reference runs and baselines are reused.`,
      '',
      table(['pass', 'candidates', 'wall s', 'candidates / min', 'verdicts'], [row(cold), row(warm), row(reduced)]),
      '',
      `What the added checks cost (issue #8): the static checks run before anything is built (a parse of both sides, the analysis of the candidate's own pragmas, a scan for process/file/network calls) plus one \`clang -fsyntax-only -Wall -Wuninitialized\` per side; a racy pragma, a forbidden call or a new uninitialised read is now refused there, before any build or run. For the rest, outputs are compared at 6 thread counts instead of 2, and Archer runs at 2 and 4 threads for each race argument set (a small size and the test size) with pattern-initialised locals, compared against the original built the same way. Warm, the full gate runs at ${((warm.n / warm.seconds) * 60).toFixed(1)} candidates/min against ${((reduced.n / reduced.seconds) * 60).toFixed(1)} with the old counts (threads 1,2; race at 2) in the same session: the extra thread counts and race runs cost ${(100 * (1 - reduced.seconds / warm.seconds)).toFixed(0)} % of the wall time.`,
      '',
      `Load average when the run started: ${loadBefore.toFixed(1)} (other work shared the 2 cores; on an idle machine expect higher throughput).`,
      '',
      '### Sandbox overhead per launch (median of 40, a program that prints one line)',
      '',
      table(['launch', 'ms'], [
        ['bwrap + prlimit + setpriv (nobody)', ms(launch.sandboxed)],
        ['plain exec', ms(launch.plain)],
        ['overhead', ms(launch.sandboxed - launch.plain)],
      ]),
    ].join('\n'),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Evidence, EvidenceVerdict, LanguageId, RaceRecord, Target, TestRecord, TimingRecord } from '../model';
import { silentLogger, silentProgress, type Logger, type Progress } from '../ports';
import { BackendUnavailableError, type Backend, type RunOutcome, type RunSpec } from './backends/backend';
import { localBackend } from './backends/local';
import { mpirunBackend } from './backends/mpirun';
import { slurmBackend, type SlurmOptions } from './backends/slurm';
import { compile, type CompileResult } from './compile';
import { generatedHarness, HarnessUnsupportedError } from './harness/functionDriver';
import type { Harness, ObservedRun, ResolvedSource, RunPoint } from './harness/harness';
import { userHarness } from './harness/userHarness';
import { wholeProgramHarness } from './harness/wholeProgram';
import { memcheckError, parseRacecheck, sanitizerArgv } from './cudaSanitizer';
import { describeRace, parseRaceReports, type SourceMap } from './raceReport';
import { DEFAULT_LIMITS, detectSandbox, scratchRoot, type SandboxLimits } from './sandbox';
import { defaultSweep, machineSlots, timingRecord } from './timing';
import {
  discoverToolchains,
  flagsFromCompileCommands,
  MissingToolError,
  planBuild,
  type BuildPlan,
  type CompilerFamily,
  type MpiFlavour,
  type ToolchainOverrides,
  type Toolchains,
} from './toolchains';

/**
 * The verifying runner's entry point: builds original and candidate, runs them on the same
 * inputs, race-checks and times the candidate, and returns one Evidence with one verdict.
 */

/** A source to verify: a file on disk (`path`), text (`text`), or both (text wins; path names it). */
export interface SourceInput {
  readonly path?: string;
  readonly text?: string;
}

/** What to verify. A plain string for original/candidate is a file path. */
export interface VerifyRequest {
  readonly original: SourceInput | string;
  readonly candidate: SourceInput | string;
  readonly language: LanguageId;
  readonly target: Target;
  /** Verify this function with a generated (or the user's) harness instead of running `main`. */
  readonly functionName?: string;
  /** Thread counts the candidate's output is checked at (default [1, 2]). */
  readonly threads?: readonly number[];
  /** MPI rank counts (default [1, 2, 4]). */
  readonly ranks?: readonly number[];
  readonly backend?: 'local' | 'mpirun' | 'slurm';
  /** Relative tolerance for floating-point output where a reduction may reassociate (default 1e-6). */
  readonly tolerance?: number;
  /** Wall-clock limit per run (default 30 s; race-check runs get 5×). */
  readonly timeoutMs?: number;
  /** A C/C++ file with its own main that calls the function; used instead of a generated driver. */
  readonly harnessFile?: string;
  /** Compiler for the correctness and timing builds (default gcc; the race check always uses clang + Archer). */
  readonly compiler?: CompilerFamily;
  /** MPI implementation (default openmpi). */
  readonly mpi?: MpiFlavour;
  /** Arguments passed to whole programs. */
  readonly args?: readonly string[];
  /** Files copied into every run's work dir before it starts (inputs the program opens by relative name). */
  readonly inputFiles?: readonly string[];
  /** Thread counts to time (default 1, 2, 4, … up to the cores, plus the checked ones). */
  readonly timingThreads?: readonly number[];
  /** Timed runs per point, after one untimed warm-up run (default 3). */
  readonly repeats?: number;
  /** Run the OpenMP race check (default true; turning it off means the verdict cannot be 'verified'). */
  readonly raceCheck?: boolean;
  readonly toolchain?: ToolchainOverrides;
  readonly limits?: Partial<SandboxLimits>;
  readonly slurm?: SlurmOptions;
  /** Bytes of stdout/stderr kept per run; more kills the run (default 16 MiB). */
  readonly outputCapBytes?: number;
}

/** Host services for a verification. */
export interface VerifyOptions {
  readonly signal?: AbortSignal;
  readonly log?: Logger;
  readonly progress?: Progress;
}

/** Thrown when the request itself is unusable (missing file, no main and no function, …). */
export class VerifyInputError extends Error {}

function resolveSource(s: SourceInput | string, role: string, language: LanguageId): ResolvedSource {
  const input: SourceInput = typeof s === 'string' ? { path: s } : s;
  let text = input.text;
  if (text === undefined) {
    if (!input.path) throw new VerifyInputError(`${role}: give a path or the source text`);
    try {
      text = fs.readFileSync(input.path, 'utf8');
    } catch (e) {
      throw new VerifyInputError(`${role}: cannot read ${input.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const ext = language === 'c' ? '.c' : language === 'cpp' ? '.cpp' : '.cu';
  const fileName = input.path ? path.basename(input.path) : `${role}${ext}`;
  return { path: input.path ? path.resolve(input.path) : null, text, fileName };
}

/** True when the source defines `int main(` outside comments (a whole program, run as it is). */
export function hasMain(text: string): boolean {
  return /\bint\s+main\s*\(/.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ''));
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  const e = reason instanceof Error ? reason : new Error('verification cancelled');
  e.name = 'AbortError';
  return e;
}

const LOG_CAP = 16 * 1024;

class EvidenceLog {
  private text = '';
  add(s: string): void {
    if (this.text.length < LOG_CAP) this.text += `${s.trimEnd()}\n`;
  }
  toString(): string {
    return this.text.length > LOG_CAP ? `${this.text.slice(0, LOG_CAP)}\n… (log capped)` : this.text;
  }
}

/**
 * The original's reference output and serial timing, kept per build + arguments + backend: when
 * many candidates of one original are verified (a corpus, the evolve loop), it is run once.
 */
const baselines = new Map<string, Promise<ObservedRun> | Promise<number[] | string>>();

function remember<T extends Promise<ObservedRun> | Promise<number[] | string>>(key: string, make: () => T): T {
  const known = baselines.get(key);
  if (known) return known as T;
  if (baselines.size > 512) baselines.clear();
  const p = make();
  baselines.set(key, p);
  // Failures are not remembered: the next candidate retries.
  p.then(
    (v) => {
      if (typeof v === 'string' || (typeof v === 'object' && 'outcome' in v && (v.outcome.timedOut || v.outcome.aborted || v.outcome.spawnError))) baselines.delete(key);
    },
    () => baselines.delete(key),
  );
  return p;
}

function readOutputFiles(dir: string, cap: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full, rel);
      else if (e.isFile()) {
        const size = fs.statSync(full).size;
        files.set(rel, size > cap ? Buffer.from(`(file of ${size} bytes, over the comparison cap)`) : fs.readFileSync(full));
      }
    }
  };
  walk(dir, '');
  return files;
}

/** Why a run failed, or null when it ended normally (exit status is compared separately). */
function runFailure(o: RunOutcome, timeoutMs: number): { verdict: 'timeout' | 'runtime-error'; why: string } | null {
  if (o.spawnError) return { verdict: 'runtime-error', why: `could not start: ${o.spawnError}` };
  if (o.timedOut) return { verdict: 'timeout', why: `no result within ${(timeoutMs / 1000).toFixed(0)} s` };
  if (o.schedulerTimeLimit) return { verdict: 'timeout', why: `killed at the Slurm time limit${o.note ? ` (${o.note})` : ''}` };
  if (o.outputCapped) return { verdict: 'runtime-error', why: 'output exceeded the capture cap; run killed' };
  if (o.signal) return { verdict: 'runtime-error', why: `killed by ${o.signal}` };
  if (o.exitCode !== null && o.exitCode > 128) return { verdict: 'runtime-error', why: `died with signal ${o.exitCode - 128} (exit ${o.exitCode})` };
  return null;
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join(' | ');
}

/** Verifies one candidate against its original; resolves with Evidence, rejects only on bad input or cancellation. */
export async function verifyProgram(request: VerifyRequest, options: VerifyOptions = {}): Promise<Evidence> {
  const log = options.log ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const signal = options.signal;
  const checkAbort = () => {
    if (signal?.aborted) throw abortError(signal);
  };
  checkAbort();
  const target = request.target;
  const tolerance = request.tolerance ?? 1e-6;
  const timeoutMs = request.timeoutMs ?? 30_000;
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...request.limits };
  const outputCapBytes = request.outputCapBytes ?? 16 * 1024 * 1024;
  const threads = [...new Set(request.threads ?? [1, 2])].sort((a, b) => a - b);
  const ranks = [...new Set(request.ranks ?? [1, 2, 4])].sort((a, b) => a - b);
  const repeats = Math.max(1, request.repeats ?? 3);
  const backendName = request.backend ?? (target === 'mpi' ? 'mpirun' : 'local');
  const mpi: MpiFlavour = request.mpi ?? 'openmpi';
  const original = resolveSource(request.original, 'original', request.language);
  const candidate = resolveSource(request.candidate, 'candidate', request.language);
  const evLog = new EvidenceLog();
  const toolchainInfo: Record<string, string> = {};
  const sandbox = detectSandbox();
  toolchainInfo.sandbox = sandbox.warning ?? `bwrap (${sandbox.bwrap}) + prlimit + uid ${process.getuid?.() === 0 ? 'nobody' : 'self'}`;
  if (sandbox.warning) {
    log.warn(sandbox.warning);
    evLog.add(`warning: ${sandbox.warning}`);
  }

  const evidence = (verdict: EvidenceVerdict, summary: string, parts: { tests?: TestRecord[]; races?: RaceRecord[]; timings?: TimingRecord[] } = {}): Evidence => ({
    verdict,
    summary,
    target,
    tests: parts.tests ?? [],
    races: parts.races ?? [],
    timings: parts.timings ?? [],
    toolchain: toolchainInfo,
    backend: backendName,
    log: evLog.toString(),
  });

  // Decide the harness.
  let harness: Harness;
  if (request.harnessFile) {
    let text: string;
    try {
      text = fs.readFileSync(request.harnessFile, 'utf8');
    } catch (e) {
      throw new VerifyInputError(`harness file ${request.harnessFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    harness = userHarness(request.harnessFile, text, tolerance);
  } else if (request.functionName) {
    try {
      harness = generatedHarness(original, candidate, request.functionName, request.language, tolerance);
    } catch (e) {
      if (e instanceof HarnessUnsupportedError) {
        evLog.add(e.message);
        return evidence('not-run', `cannot generate a harness for ${request.functionName}: ${e.reason}; pass a harness file (--harness) that calls it`);
      }
      throw e;
    }
  } else if (hasMain(original.text) && hasMain(candidate.text)) {
    harness = wholeProgramHarness(request.args ?? [], tolerance);
  } else {
    throw new VerifyInputError('no main() in the original or candidate: name the function to verify (functionName / --function) or pass a harness file');
  }
  evLog.add(`harness: ${harness.description}`);

  // Decide toolchains and builds.
  progress.report('finding compilers');
  const tc: Toolchains = await discoverToolchains(request.toolchain ?? {});
  const extraFlags = [...(request.toolchain?.extraFlags ?? []), ...(original.path ? flagsFromCompileCommands(original.path) : [])];
  const includeDirs = original.path ? [path.dirname(original.path)] : [];
  // Archer needs clang's OpenMP runtime: OpenMP host code in a .cu file (built by nvcc) cannot be race-checked.
  const cudaSource = request.language === 'cuda-cpp';
  const wantRace = target === 'openmp' && request.raceCheck !== false && !cudaSource;
  let mainPlan: BuildPlan;
  let racePlan: BuildPlan | null = null;
  try {
    mainPlan = planBuild(tc, { language: request.language, target, family: request.compiler ?? 'gcc', mpi, race: false, extraFlags });
    if (wantRace) racePlan = planBuild(tc, { language: request.language, target, family: 'clang', mpi, race: true, extraFlags });
  } catch (e) {
    if (e instanceof MissingToolError) {
      evLog.add(e.message);
      log.error(e.message);
      return evidence('not-run', e.message);
    }
    throw e;
  }
  toolchainInfo.compiler = mainPlan.describe;
  toolchainInfo.flags = mainPlan.flags.join(' ');
  if (racePlan) toolchainInfo.raceChecker = racePlan.describe;

  let backend: Backend;
  if (backendName === 'slurm') backend = slurmBackend(tc, request.slurm ?? {});
  else if (backendName === 'mpirun' || target === 'mpi') backend = mpirunBackend(tc);
  else backend = localBackend;
  if (target === 'mpi') toolchainInfo.mpi = `${mpi} ${tc.mpiexec[mpi]?.version ?? '(launcher missing)'}`;
  try {
    await backend.prepare?.();
  } catch (e) {
    if (e instanceof BackendUnavailableError || e instanceof MissingToolError) {
      log.error(e.message);
      evLog.add(e.message);
      return evidence('not-run', e.message);
    }
    throw e;
  }

  try {
    scratchRoot();
  } catch (e) {
    evLog.add((e as Error).message);
    return evidence('not-run', (e as Error).message);
  }

  // Build.
  progress.report('compiling');
  const [origBuild, candBuild, raceBuild] = await Promise.all([
    compile(mainPlan, harness.units(original), includeDirs, signal),
    compile(mainPlan, harness.units(candidate), includeDirs, signal),
    racePlan ? compile(racePlan, harness.units(candidate), includeDirs, signal) : Promise.resolve(null),
  ]);
  checkAbort();
  if (!origBuild.ok) {
    evLog.add(origBuild.log);
    return evidence('not-run', 'the original does not compile; nothing to compare against');
  }
  if (!candBuild.ok) {
    evLog.add(candBuild.log);
    return evidence('compile-error', `candidate does not compile with ${mainPlan.describe}: ${firstError(candBuild.log)}`);
  }
  if (raceBuild && !raceBuild.ok) {
    evLog.add(raceBuild.log);
    return evidence('compile-error', `candidate does not compile with ${racePlan!.describe}: ${firstError(raceBuild.log)}`);
  }

  if ((target === 'cuda' || cudaSource) && !tc.gpu) {
    // Never 'verified' without running: the candidate only proved that it compiles.
    return evidence('not-run', 'compiled, not run: no GPU');
  }
  if (target === 'cuda' && !tc.computeSanitizer) {
    const e = new MissingToolError('compute-sanitizer', 'for the CUDA memcheck and racecheck');
    evLog.add(e.message);
    return evidence('not-run', e.message);
  }

  const inputs = new Map<string, Buffer>();
  for (const f of request.inputFiles ?? []) {
    try {
      inputs.set(path.basename(f), fs.readFileSync(f));
    } catch (e) {
      throw new VerifyInputError(`input file ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const workRoot = fs.mkdtempSync(path.join(scratchRoot(), 'paraforge-run-'));
  // mkdtemp makes it 0700; the sandbox user (nobody) must traverse it to reach its run dir.
  fs.chmodSync(workRoot, 0o755);
  let runCounter = 0;
  const run = async (build: CompileResult, args: readonly string[], at: { threads: number; ranks?: number; timing?: boolean; race?: boolean; wrapper?: readonly string[] }): Promise<ObservedRun> => {
    const workDir = path.join(workRoot, `run${runCounter++}`);
    fs.mkdirSync(workDir, { recursive: true });
    for (const [name, content] of inputs) fs.writeFileSync(path.join(workDir, name), content, { mode: 0o666 });
    const env: Record<string, string> = {
      OMP_NUM_THREADS: String(at.threads),
      OMP_DYNAMIC: 'false',
      // Timing pins threads to cores; correctness runs may share cores with other runs, so they float.
      OMP_PROC_BIND: at.timing ? 'close' : 'false',
      OMP_PLACES: 'cores',
    };
    if (at.race) {
      env.TSAN_OPTIONS = 'ignore_noninstrumented_modules=1 exitcode=66 history_size=4';
      env.ARCHER_OPTIONS = 'verbose=0';
    }
    const spec: RunSpec = {
      exe: at.wrapper ? at.wrapper[0] : build.exe,
      args: at.wrapper ? [...at.wrapper.slice(1), build.exe, ...args] : args,
      readOnly: at.wrapper ? [path.dirname(build.exe)] : [],
      gpu: target === 'cuda' || cudaSource,
      workDir,
      env,
      threads: at.threads,
      ranks: at.ranks,
      mpi,
      timeoutMs: at.race ? timeoutMs * 5 : timeoutMs,
      outputCapBytes,
      // TSan reserves terabytes of address space; an AS limit would stop it from starting.
      // CUDA's driver reserves a huge virtual range too (also for OpenMP host code in a .cu file).
      limits: at.race || target === 'cuda' || cudaSource ? { ...limits, addressSpaceBytes: null } : limits,
      signal,
    };
    const weight = at.timing ? machineSlots.size : Math.min(machineSlots.size, at.threads * (at.ranks ?? 1));
    const outcome = await machineSlots.with(weight, () => backend.run(spec));
    checkAbort();
    const files = readOutputFiles(workDir, outputCapBytes);
    // Inputs left as they were are not outputs; a modified input is compared like any output file.
    for (const [name, content] of inputs) if (files.get(name)?.equals(content)) files.delete(name);
    return { outcome, files };
  };

  /** Builds the original with the other compiler family and compares its output with the reference. */
  const referenceDependsOnCompiler = async (reference: ObservedRun, p: RunPoint): Promise<{ other: string; difference: string } | null> => {
    if (target !== 'openmp' || cudaSource) return null;
    let otherPlan: BuildPlan;
    try {
      otherPlan = planBuild(tc, { language: request.language, target, family: (request.compiler ?? 'gcc') === 'gcc' ? 'clang' : 'gcc', mpi, race: false, extraFlags });
    } catch {
      return null;
    }
    const otherBuild = await compile(otherPlan, harness.units(original), includeDirs, signal);
    if (!otherBuild.ok) return null;
    const again = await run(otherBuild, harness.checkArgs, { threads: p.threads ?? 1 });
    if (runFailure(again.outcome, timeoutMs)) return null;
    const differs = harness.compare(reference, again, p).find((t) => !t.passed);
    return differs ? { other: otherPlan.describe, difference: differs.firstDifference ?? 'outputs differ' } : null;
  };

  try {
    // The original's output at one thread (one rank) is the reference.
    progress.report('running the original');
    const inputKey = [...inputs].map(([n, c]) => `${n}:${createHash('sha256').update(c).digest('hex')}`).join(',');
    const baseKey = `${origBuild.exe}|${JSON.stringify(harness.checkArgs)}|${backendName}|${mpi}|${timeoutMs}|${inputKey}`;
    const makeReference = () => run(origBuild, harness.checkArgs, { threads: 1 });
    // A shared run that another (cancelled) verification started may reject: then run our own.
    const reference = await remember(`ref|${baseKey}`, makeReference).catch((e) => {
      if (signal?.aborted) throw e;
      return makeReference();
    });
    const refFailure = runFailure(reference.outcome, timeoutMs);
    if (refFailure) {
      evLog.add(`original: ${refFailure.why}\n${reference.outcome.stderr.slice(-2000)}`);
      return evidence('not-run', `the original itself fails (${refFailure.why}); nothing to compare against`);
    }

    // Correctness runs of the candidate, in parallel up to the cores.
    const points: RunPoint[] = target === 'mpi' ? ranks.map((r) => ({ ranks: r })) : target === 'cuda' ? [{ threads: 1 }] : threads.map((t) => ({ threads: t }));
    progress.report(`running the candidate at ${points.map((p) => p.ranks ?? p.threads).join(', ')} ${target === 'mpi' ? 'ranks' : 'threads'}`);
    const observed = await Promise.all(points.map((p) => run(candBuild, harness.checkArgs, { threads: p.threads ?? 1, ranks: p.ranks })));
    const tests: TestRecord[] = [];
    let failure: { verdict: 'timeout' | 'runtime-error'; why: string } | null = null;
    points.forEach((p, i) => {
      const o = observed[i].outcome;
      const f = runFailure(o, timeoutMs);
      const label = p.ranks !== undefined ? `${p.ranks} ranks` : `${p.threads} threads`;
      if (f) {
        const why = f.verdict === 'timeout' && target === 'mpi' ? `suspected deadlock at ${label}: ${f.why}; ranks' last output: ${lastOutputPerRank(o)}` : `${f.why} at ${label}`;
        failure ??= { verdict: f.verdict, why };
        tests.push({ name: `run @${label}`, seed: 0, sizes: {}, ...p, passed: false, firstDifference: why });
        evLog.add(`candidate @${label}: ${why}\n${o.stderr.slice(-2000)}`);
        return;
      }
      tests.push(...harness.compare(reference, observed[i], p));
    });

    // The race check, even when outputs differ: a race is the cause to report.
    let races: RaceRecord[] = [];
    if (raceBuild && !failure) {
      const raceThreads = Math.max(2, ...threads);
      progress.report(`race check (Archer) at ${raceThreads} threads`);
      const r = await run(raceBuild, harness.checkArgs, { threads: raceThreads, race: true });
      const map = sourceMapFor(raceBuild.srcDir, candidate);
      races = parseRaceReports(r.outcome.stderr, map, 'archer');
      const f = runFailure(r.outcome, timeoutMs * 5);
      if (races.length === 0 && r.outcome.exitCode === 66) {
        races = [{ variable: null, kind: 'unknown', locations: [], tool: 'archer', raw: r.outcome.stderr.slice(0, 4000) }];
      }
      if (f && races.length === 0) {
        failure = { verdict: f.verdict, why: `${f.why} under the race checker at ${raceThreads} threads` };
        evLog.add(r.outcome.stderr.slice(-2000));
      }
      toolchainInfo.raceCheckThreads = String(raceThreads);
    }

    // CUDA: memcheck (out-of-bounds, misaligned …) then racecheck (shared-memory hazards only).
    if (target === 'cuda' && !failure && tc.computeSanitizer) {
      progress.report('compute-sanitizer memcheck and racecheck');
      const cs = tc.computeSanitizer.path;
      const mem = await run(candBuild, harness.checkArgs, { threads: 1, race: true, wrapper: [cs, ...sanitizerArgv('memcheck')] });
      const memErr = memcheckError(`${mem.outcome.stdout}\n${mem.outcome.stderr}`);
      if (memErr) {
        failure = { verdict: 'runtime-error', why: `memcheck: ${memErr}` };
        evLog.add(mem.outcome.stdout.slice(-3000));
      }
      const rc = await run(candBuild, harness.checkArgs, { threads: 1, race: true, wrapper: [cs, ...sanitizerArgv('racecheck')] });
      races = parseRacecheck(`${rc.outcome.stdout}\n${rc.outcome.stderr}`, sourceMapFor(candBuild.srcDir, candidate));
      toolchainInfo.raceChecker = `compute-sanitizer racecheck (shared memory only) ${tc.computeSanitizer.version}`;
    }

    if (failure) return evidence(failure.verdict, `candidate ${failure.why}`, { tests, races });
    if (races.length > 0) {
      const wrong = tests.some((t) => !t.passed) ? ' (outputs also differ)' : '';
      return evidence('race', `data race${races.length > 1 ? 's' : ''}: ${races.map(describeRace).join('; ')}${wrong}`, { tests, races });
    }
    const failed = tests.find((t) => !t.passed);
    if (failed) {
      // Before blaming the candidate, check that the reference itself is trustworthy: an original
      // whose output changes with the compiler (undefined behaviour, or a compiler bug such as GCC
      // 12's vectoriser miscompiling a plain loop) cannot judge anything.
      const unstable = await referenceDependsOnCompiler(reference, { threads: 1 });
      if (unstable) {
        evLog.add(`original built with ${unstable.other}: ${unstable.difference}`);
        return evidence('not-run', `the original's own output changes with the compiler (${unstable.other}: ${unstable.difference}): undefined behaviour or a compiler bug; cannot judge the candidate`, { tests, races });
      }
      return evidence('wrong-output', `${failed.name}: ${failed.firstDifference}`, { tests, races });
    }

    // Timing: the original's serial time once, then the candidate across the sweep.
    progress.report('timing');
    const timings: TimingRecord[] = [];
    const makeBaseline = () => timeRuns(() => run(origBuild, harness.timeArgs, { threads: 1, timing: true }), harness, repeats, timeoutMs);
    const baselineSamples = await remember(`time|${repeats}|${JSON.stringify(harness.timeArgs)}|${baseKey}`, makeBaseline).catch((e) => {
      if (signal?.aborted) throw e;
      return makeBaseline();
    });
    if (typeof baselineSamples === 'string') return evidence('not-run', `timing the original failed: ${baselineSamples}`, { tests });
    const baseline = medianOf(baselineSamples);
    const sweep: RunPoint[] =
      target === 'mpi'
        ? ranks.map((r) => ({ ranks: r }))
        : target === 'cuda'
          ? [{ threads: 1 }]
          : [...new Set([...(request.timingThreads ?? defaultSweep()), ...threads])].sort((a, b) => a - b).map((t) => ({ threads: t }));
    for (const p of sweep) {
      checkAbort();
      const samples = await timeRuns(() => run(candBuild, harness.timeArgs, { threads: p.threads ?? 1, ranks: p.ranks, timing: true }), harness, repeats, timeoutMs);
      if (typeof samples === 'string') return evidence(samples.startsWith('timeout') ? 'timeout' : 'runtime-error', `candidate failed while timing: ${samples}`, { tests, timings });
      timings.push(timingRecord(samples, baseline, p));
    }
    toolchainInfo.baselineSeconds = String(baseline);
    const best = timings.reduce((a, b) => (b.speedup > a.speedup ? b : a));
    const count = best.ranks ?? best.threads ?? 1;
    const at = `${count} ${best.ranks !== undefined ? 'rank' : 'thread'}${count === 1 ? '' : 's'}`;
    const raceNote = racePlan
      ? `no race at ${toolchainInfo.raceCheckThreads} threads`
      : target === 'mpi'
        ? 'no race check for MPI'
        : target === 'cuda'
          ? 'memcheck and racecheck clean (racecheck sees shared memory only)'
          : 'race check off';
    if (!racePlan && target === 'openmp') {
      const why = cudaSource ? 'OpenMP in a CUDA file cannot be race-checked (Archer needs a clang build)' : 'the race check was turned off';
      return evidence('not-run', `outputs match (${tests.length} tests) but ${why}: not verified`, { tests, timings });
    }
    return evidence('verified', `${tests.length} tests passed, ${raceNote}, best speedup ${best.speedup.toFixed(2)}× at ${at}`, { tests, races, timings });
  } finally {
    fs.rmSync(workRoot, { recursive: true, force: true });
  }
}

function medianOf(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One untimed warm-up run (page cache, OpenMP thread pool, CPU clocks), then `repeats` timed runs. */
async function timeRuns(once: () => Promise<ObservedRun>, harness: Harness, repeats: number, timeoutMs: number): Promise<number[] | string> {
  const samples: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const r = await once();
    const f = runFailure(r.outcome, timeoutMs);
    if (f) return `${f.verdict === 'timeout' ? 'timeout: ' : ''}${f.why}`;
    const t = harness.timeOf(r.outcome);
    if (t === null) return 'the harness printed no timing';
    if (i > 0) samples.push(t);
  }
  return samples;
}

function lastOutputPerRank(o: RunOutcome): string {
  if (!o.perRank || o.perRank.size === 0) return o.programStdout.trim() ? lastLines(o.programStdout, 2) : '(nothing printed)';
  return [...o.perRank.entries()]
    .sort(([a], [b]) => a - b)
    .map(([r, lines]) => `rank ${r}: ${lines.length ? lines[lines.length - 1] : '(nothing)'}`)
    .join('; ');
}

function firstError(log: string): string {
  const line = log.split('\n').find((l) => /error/i.test(l) && !l.startsWith('$ '));
  return (line ?? log.split('\n').slice(-2).join(' ')).trim().slice(0, 300);
}

function sourceMapFor(srcDir: string, candidate: ResolvedSource): SourceMap {
  const userPath = candidate.path ?? candidate.fileName;
  const candidateCopy = path.join(srcDir, candidate.fileName);
  const cache = new Map<string, string[] | null>();
  return {
    // compute-sanitizer names files by their base name only; TSan by the full build-dir path.
    userFile: (p) => (p === candidate.fileName || path.resolve(p) === candidateCopy ? userPath : p.startsWith(srcDir) ? p : null),
    lines: (p) => {
      if (!cache.has(p)) {
        try {
          cache.set(p, fs.readFileSync(p, 'utf8').split('\n'));
        } catch {
          cache.set(p, null);
        }
      }
      return cache.get(p) ?? null;
    },
  };
}

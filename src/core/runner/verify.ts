import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Evidence, EvidenceVerdict, LanguageId, PreExistingIssue, RaceRecord, StaticFinding, Target, TestRecord, TimingRecord } from '../model';
import { createSession, sessionSandbox, sessionToolchains, type VerificationSession } from '../pipeline/session';
import { silentLogger, silentProgress, type Logger, type Progress } from '../ports';
import { BackendUnavailableError, type Backend, type RunOutcome, type RunSpec } from './backends/backend';
import { localBackend } from './backends/local';
import { mpirunBackend } from './backends/mpirun';
import { slurmBackend, type SlurmOptions } from './backends/slurm';
import { compile, type BuildCache, type CompileResult } from './compile';
import { pruneBuildCache } from './pruneBuildCache';
import { generatedHarness, HarnessUnsupportedError } from './harness/functionDriver';
import type { Harness, HarnessReport, ObservedRun, ResolvedSource, RunPoint } from './harness/harness';
import { userHarness } from './harness/userHarness';
import { fileFacts, wholeProgramHarness } from './harness/wholeProgram';
import { memcheckError, parseRacecheck, sanitizerArgv } from './cudaSanitizer';
import { decideVerdict, describeSpeedups, type Outcome } from './precedence';
import { profileFor, readsThreadIdentity } from './profiles';
import { describeRace, parseRaceReports, type SourceMap } from './raceReport';
import { DEFAULT_LIMITS, scratchRoot, type SandboxLimits } from './sandbox';
import { defaultParserHost, lineMapper, newUninitialised, treeChecks, uninitialisedWarnings, type StaticCheckResult } from './staticChecks';
import { defaultSweep, Slots, timingRecord } from './timing';
import {
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
  /** Thread counts the candidate's output is checked at (default 1, 2, 3, 4, 7, 16: an odd count and more threads than cores). */
  readonly threads?: readonly number[];
  /** Thread counts the race checker runs at (default 2 and 4). */
  readonly raceThreads?: readonly number[];
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
  /** Thread counts to time (default 1, 2, 4, … up to the cores). */
  readonly timingThreads?: readonly number[];
  /** Timed runs per point, after one untimed warm-up run (default 3). */
  readonly repeats?: number;
  /** Run the OpenMP race check (default true; turning it off means the verdict cannot be 'verified'). */
  readonly raceCheck?: boolean;
  /**
   * Reject on static findings (default true). Off only to exercise the sandbox with programs that
   * fork or write files on purpose: findings are then logged and the verdict cannot be 'verified'.
   */
  readonly staticChecks?: boolean;
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
  /** Caches, run slots and the parser shared across verifications; a fresh private one when absent. */
  readonly session?: VerificationSession;
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
 * The original's reference output and serial timing, kept in the session per build + arguments +
 * backend: when many candidates of one original are verified (a corpus, the evolve loop), it is
 * run once. Failures are not remembered: the next candidate retries.
 */
function remember<T>(session: VerificationSession, key: string, make: () => Promise<T>, failed: (v: T) => boolean): Promise<T> {
  const known = session.memo.get(key);
  if (known) return known as Promise<T>;
  if (session.memo.size > 512) session.memo.clear();
  const p = make();
  session.memo.set(key, p);
  p.then(
    (v) => {
      if (failed(v)) session.memo.delete(key);
    },
    () => session.memo.delete(key),
  );
  return p;
}

function runBroke(v: ObservedRun | number[] | string): boolean {
  return typeof v === 'string' || (!Array.isArray(v) && (v.outcome.timedOut || v.outcome.aborted || !!v.outcome.spawnError));
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

/** Cache folders already pruned by this process. */
const prunedCaches = new Set<string>();

/** Verifies one candidate against its original; resolves with Evidence, rejects only on bad input or cancellation. */
export async function verifyProgram(request: VerifyRequest, options: VerifyOptions = {}): Promise<Evidence> {
  const log = options.log ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const signal = options.signal;
  const session = options.session ?? createSession();
  const slots = session.slots ?? new Slots(1);
  const buildCache: BuildCache = { dir: session.cacheDir ?? fs.mkdtempSync(path.join(scratchRoot(), 'paraforge-builds-')), inFlight: session.builds ?? new Map() };
  // Once per cache folder and process, before its first build: old and excess builds go.
  if (session.cacheDir && !prunedCaches.has(session.cacheDir)) {
    prunedCaches.add(session.cacheDir);
    const pruned = pruneBuildCache(session.cacheDir);
    if (pruned.removed > 0) log.info(`build cache ${session.cacheDir}: removed ${pruned.removed} old builds (${(pruned.freedBytes / 1024 ** 2).toFixed(1)} MiB)`);
  }
  const checkAbort = () => {
    if (signal?.aborted) throw abortError(signal);
  };
  checkAbort();
  const timeoutMs = request.timeoutMs ?? 30_000;
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...request.limits };
  const outputCapBytes = request.outputCapBytes ?? 16 * 1024 * 1024;
  const repeats = Math.max(1, request.repeats ?? 3);
  const mpi: MpiFlavour = request.mpi ?? 'openmpi';
  const original = resolveSource(request.original, 'original', request.language);
  const candidate = resolveSource(request.candidate, 'candidate', request.language);
  const evLog = new EvidenceLog();
  const toolchainInfo: Record<string, string> = {};
  const sandbox = sessionSandbox(session);
  toolchainInfo.sandbox = sandbox.warning ?? `bwrap (${sandbox.bwrap}) + prlimit + uid ${process.getuid?.() === 0 ? 'nobody' : 'self'}`;
  if (sandbox.warning) {
    log.warn(sandbox.warning);
    evLog.add(`warning: ${sandbox.warning}`);
  }

  // §4 static checks, before anything is built or run: they read the Tree-sitter tree.
  progress.report('static checks');
  let st: StaticCheckResult;
  try {
    st = await treeChecks({ language: request.language, originalText: original.text, candidateText: candidate.text, functionName: request.harnessFile ? null : (request.functionName ?? null) }, session.parser ?? defaultParserHost());
  } catch (e) {
    throw new Error(`static checks could not parse the sources: ${(e as Error).message}`);
  }
  const staticOff = request.staticChecks === false;
  const staticFindings: StaticFinding[] = [];
  const preExisting: PreExistingIssue[] = [...st.preExisting];
  // A parse problem alone waits for the compiler: a candidate that does not compile is a compile error.
  const parseFindings = st.findings.filter((f) => f.check === 'parse');
  const addFindings = (fs: readonly StaticFinding[]) => {
    if (staticOff) for (const f of fs) evLog.add(`static checks off; would reject: ${f.check}: ${f.message}`);
    else staticFindings.push(...fs);
  };
  addFindings(st.findings.filter((f) => f.check !== 'parse'));

  const profile = profileFor({ target: request.target, language: request.language, includesMpi: st.includesMpi, threads: request.threads, ranks: request.ranks, raceCheck: request.raceCheck, threadIdentity: readsThreadIdentity(candidate.text) });
  const target: Target = profile.evidenceTarget;
  const raceThreads = profile.raceThreads.length ? [...new Set(request.raceThreads ?? profile.raceThreads)].filter((t) => t >= 2).sort((a, b) => a - b) : [];
  // 'local' means this machine: an MPI program still runs under mpirun there (run alone, each rank
  // count would be one process, and a program every rank prints from would pass).
  const backendName = request.backend === 'local' && profile.backend === 'mpirun' ? 'mpirun' : (request.backend ?? profile.backend);
  const checkedAt = [...new Set(profile.checkPoints.map((p) => (target === 'mpi' ? (p.ranks ?? 1) : (p.threads ?? 1))))];

  // Filled in once the harness is chosen; evidence() made before that reports nothing compared.
  const harnessInfo: { report?: HarnessReport } = {};
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
    staticFindings,
    preExisting,
    checkedAt,
    raceCheckedAt: toolchainInfo.raceCheckThreads ? raceThreads : [],
    // What the harness compared and left out, and the tolerance with its facts (H4a's harness report).
    ...(harnessInfo.report ? { compared: harnessInfo.report.compared, leftOut: harnessInfo.report.leftOut, ...(harnessInfo.report.tolerance ? { tolerance: harnessInfo.report.tolerance } : {}) } : {}),
  });
  const rejected = () => {
    const first = staticFindings[0];
    const more = staticFindings.length > 1 ? ` (and ${staticFindings.length - 1} more static finding${staticFindings.length > 2 ? 's' : ''})` : '';
    for (const f of staticFindings) evLog.add(`static check ${f.check}: ${f.message}`);
    return evidence('rejected', `${first.check}: ${first.message}${more}`);
  };
  if (staticFindings.length > 0) return rejected();

  // Decide the harness.
  let harness: Harness;
  if (request.harnessFile) {
    let text: string;
    try {
      text = fs.readFileSync(request.harnessFile, 'utf8');
    } catch (e) {
      throw new VerifyInputError(`harness file ${request.harnessFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    harness = await userHarness(request.harnessFile, text, original, candidate, request.language, session.parser ?? defaultParserHost());
  } else if (request.functionName) {
    try {
      harness = await generatedHarness(original, candidate, request.functionName, request.language, session.parser ?? defaultParserHost());
    } catch (e) {
      if (e instanceof HarnessUnsupportedError) {
        evLog.add(e.message);
        return evidence('not-run', `cannot generate a harness for ${request.functionName}: ${e.reason}; pass a harness file (--harness) that calls it`);
      }
      throw e;
    }
  } else if (st.originalHasMain && st.candidateHasMain) {
    harness = wholeProgramHarness(request.args ?? [], { facts: await fileFacts(session.parser ?? defaultParserHost(), request.language, candidate.text), stderr: target !== 'mpi' });
  } else {
    throw new VerifyInputError('no main() in the original or candidate: name the function to verify (functionName / --function) or pass a harness file');
  }
  harnessInfo.report = harness.report;
  evLog.add(`harness: ${harness.description}`);
  evLog.add(`profile: ${profile.name}${st.includesMpi ? ' (includes mpi.h: mpicc + mpirun)' : ''}; outputs compared at ${checkedAt.join(', ')} ${target === 'mpi' ? 'ranks' : 'threads'}`);

  // Decide toolchains and builds.
  progress.report('finding compilers');
  const tc: Toolchains = await sessionToolchains(session, request.toolchain ?? {});
  const extraFlags = [...(request.toolchain?.extraFlags ?? []), ...(original.path ? flagsFromCompileCommands(original.path) : [])];
  const includeDirs = original.path ? [path.dirname(original.path)] : [];
  const cSource = request.language !== 'cuda-cpp';
  let mainPlan: BuildPlan;
  let racePlan: BuildPlan | null = null;
  let warnPlan: BuildPlan | null = null;
  try {
    mainPlan = planBuild(tc, { language: request.language, target: profile.buildTarget, family: request.compiler ?? 'gcc', mpi, race: false, extraFlags });
    if (raceThreads.length) racePlan = planBuild(tc, { language: request.language, target: profile.buildTarget, family: 'clang', mpi, race: true, patternInit: true, extraFlags });
  } catch (e) {
    if (e instanceof MissingToolError) {
      evLog.add(e.message);
      log.error(e.message);
      return evidence('not-run', e.message);
    }
    throw e;
  }
  if (cSource) {
    try {
      warnPlan = planBuild(tc, { language: request.language, target: 'openmp', family: 'clang', mpi, race: false, extraFlags });
    } catch {
      evLog.add('clang not found: the -Wuninitialized check was skipped');
    }
  }
  toolchainInfo.compiler = mainPlan.describe;
  toolchainInfo.flags = mainPlan.flags.join(' ');
  if (racePlan) toolchainInfo.raceChecker = `${racePlan.describe}, locals pattern-initialised`;

  let backend: Backend;
  if (backendName === 'slurm') backend = slurmBackend(tc, request.slurm ?? {});
  else if (backendName === 'mpirun') backend = mpirunBackend(tc);
  else backend = localBackend;
  if (profile.buildTarget === 'mpi') toolchainInfo.mpi = `${mpi} ${tc.mpiexec[mpi]?.version ?? '(launcher missing)'}`;
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

  let scratch: string;
  try {
    scratch = scratchRoot();
  } catch (e) {
    evLog.add((e as Error).message);
    return evidence('not-run', (e as Error).message);
  }

  // Build (and read the compiler's uninitialised-read warnings) in parallel.
  progress.report('compiling');
  const warnings = (s: ResolvedSource) => (warnPlan ? uninitialisedWarnings(warnPlan, s.fileName, s.text, includeDirs, scratch, signal) : Promise.resolve([]));
  const [origBuild, candBuild, raceBuild, origWarnings, candWarnings] = await Promise.all([
    compile(mainPlan, harness.units(original), includeDirs, signal, buildCache),
    compile(mainPlan, harness.units(candidate), includeDirs, signal, buildCache),
    racePlan ? compile(racePlan, harness.units(candidate), includeDirs, signal, buildCache) : Promise.resolve(null),
    remember(session, `warn|${warnPlan?.describe}|${sha(original.text)}`, () => warnings(original), () => false),
    warnings(candidate),
  ]);
  checkAbort();
  if (!origBuild.ok) {
    evLog.add(origBuild.log);
    return evidence('not-run', 'the original does not compile; nothing to compare against');
  }
  addFindings(newUninitialised(origWarnings, candWarnings));
  for (const w of origWarnings) preExisting.push({ kind: 'warning', message: `the original: uninitialised read: ${w.message}`, lines: [w.line] });
  if (staticFindings.length > 0) return rejected();
  if (!candBuild.ok) {
    evLog.add(candBuild.log);
    return evidence('compile-error', `candidate does not compile with ${mainPlan.describe}: ${firstError(candBuild.log)}`);
  }
  addFindings(parseFindings);
  if (staticFindings.length > 0) return rejected();
  if (raceBuild && !raceBuild.ok) {
    evLog.add(raceBuild.log);
    return evidence('compile-error', `candidate does not compile with ${racePlan!.describe}: ${firstError(raceBuild.log)}`);
  }

  if (profile.gpu && !tc.gpu) {
    // Never 'verified' without running: the candidate only proved that it compiles.
    return evidence('not-run', 'compiled, not run: no GPU');
  }
  if (profile.cudaSanitizer && !tc.computeSanitizer) {
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
  const workRoot = fs.mkdtempSync(path.join(scratch, 'paraforge-run-'));
  // mkdtemp makes it 0700; the sandbox user (nobody) must traverse it to reach its run dir.
  fs.chmodSync(workRoot, 0o755);
  fs.mkdirSync(path.join(workRoot, 'bin'), { mode: 0o755 });
  // The build cache is private (0700); each run gets a copy of the executable in this run's own folder.
  const staged = new Map<string, string>();
  const stage = (build: CompileResult): string => {
    let exe = staged.get(build.exe);
    if (!exe) {
      const dir = path.join(workRoot, 'bin', String(staged.size));
      fs.mkdirSync(dir, { mode: 0o755 });
      exe = path.join(dir, path.basename(build.exe));
      fs.copyFileSync(build.exe, exe);
      fs.chmodSync(dir, 0o755);
      fs.chmodSync(exe, 0o755);
      staged.set(build.exe, exe);
    }
    return exe;
  };
  let runCounter = 0;
  const run = async (
    build: CompileResult,
    args: readonly string[],
    at: { threads: number; ranks?: number; timing?: boolean; race?: boolean; wrapper?: readonly string[]; direct?: boolean },
  ): Promise<ObservedRun> => {
    const workDir = path.join(workRoot, `run${runCounter++}`);
    fs.mkdirSync(workDir, { recursive: true });
    for (const [name, content] of inputs) fs.writeFileSync(path.join(workDir, name), content, { mode: 0o666 });
    const exe = stage(build);
    const env: Record<string, string> = {
      OMP_NUM_THREADS: String(at.threads),
      OMP_DYNAMIC: 'false',
      // Timing pins threads to cores; correctness runs may share cores with other runs, so they float.
      OMP_PROC_BIND: at.timing ? 'close' : 'false',
      OMP_PLACES: 'cores',
    };
    // Checking runs use more threads than cores (7, 16): spinning waiters would make them 10× slower
    // on 2 cores. Timing runs keep the runtime's default, as the user's program would run.
    if (!at.timing) env.OMP_WAIT_POLICY = 'PASSIVE';
    // Checking runs get malloc'd memory filled with a pattern (the same for original and candidate):
    // fresh heap pages are zero, so a candidate reading memory it never wrote would pass otherwise.
    if (!at.timing) env.MALLOC_PERTURB_ = '165';
    if (at.race) {
      env.TSAN_OPTIONS = 'ignore_noninstrumented_modules=1 exitcode=66 history_size=4';
      env.ARCHER_OPTIONS = 'verbose=0';
    }
    const spec: RunSpec = {
      exe: at.wrapper ? at.wrapper[0] : exe,
      args: at.wrapper ? [...at.wrapper.slice(1), exe, ...args] : args,
      readOnly: at.wrapper ? [path.dirname(exe)] : [],
      gpu: profile.gpu,
      workDir,
      env,
      threads: at.threads,
      // A scheduler reserves every CPU only for timing; 16 checking threads need not wait for 16 CPUs.
      cpus: at.timing ? at.threads : 1,
      ranks: at.ranks,
      mpi,
      timeoutMs: at.race ? timeoutMs * 5 : timeoutMs,
      outputCapBytes,
      // TSan reserves terabytes of address space; an AS limit would stop it from starting.
      // CUDA's driver reserves a huge virtual range too (also for OpenMP host code in a .cu file).
      limits: at.race || profile.gpu ? { ...limits, addressSpaceBytes: null } : limits,
      signal,
    };
    const weight = at.timing ? slots.size : Math.min(slots.size, at.threads * (at.ranks ?? 1));
    // Race-check builds of an MPI file run as one process (an MPI singleton), not under the launcher.
    const outcome = await slots.with(weight, () => (at.direct ? localBackend.run(spec) : backend.run(spec)));
    checkAbort();
    const files = readOutputFiles(workDir, outputCapBytes);
    // Inputs left as they were are not outputs; a modified input is compared like any output file.
    for (const [name, content] of inputs) if (files.get(name)?.equals(content)) files.delete(name);
    return { outcome, files };
  };

  /** Builds the original with the other compiler family and compares its output with the reference. */
  const referenceDependsOnCompiler = async (reference: ObservedRun, p: RunPoint): Promise<{ other: string; difference: string } | null> => {
    if (profile.name === 'cuda' || profile.name === 'mpi' || !cSource) return null;
    let otherPlan: BuildPlan;
    try {
      otherPlan = planBuild(tc, { language: request.language, target: profile.buildTarget, family: (request.compiler ?? 'gcc') === 'gcc' ? 'clang' : 'gcc', mpi, race: false, extraFlags });
    } catch {
      return null;
    }
    const otherBuild = await compile(otherPlan, harness.units(original), includeDirs, signal, buildCache);
    if (!otherBuild.ok) return null;
    const again = await run(otherBuild, harness.checkArgs, { threads: p.threads ?? 1, ranks: p.ranks });
    if (runFailure(again.outcome, timeoutMs)) return null;
    const differs = harness.compare(reference, again, p).find((t) => !t.passed);
    return differs ? { other: otherPlan.describe, difference: differs.firstDifference ?? 'outputs differ' } : null;
  };

  const inputKey = [...inputs].map(([n, c]) => `${n}:${sha(c)}`).join(',');
  const baseKey = (b: CompileResult) => `${buildId(b)}|${backendName}|${mpi}|${timeoutMs}|${inputKey}`;
  /** The original's race-check build: reference for the pattern-initialised runs and the source of pre-existing races. */
  const originalRaceBuild = async (): Promise<CompileResult | null> => {
    if (!racePlan) return null;
    const b = await compile(racePlan, harness.units(original), includeDirs, signal, buildCache);
    return b.ok ? b : null;
  };

  try {
    // The original's output at one thread (the first check point's ranks) is the reference.
    progress.report('running the original');
    const refAt = { threads: 1, ranks: profile.checkPoints[0]?.ranks !== undefined && target !== 'mpi' ? profile.checkPoints[0].ranks : undefined };
    const makeReference = () => run(origBuild, harness.checkArgs, refAt);
    // A shared run that another (cancelled) verification started may reject: then run our own.
    const reference = await remember(session, `ref|${JSON.stringify(harness.checkArgs)}|${JSON.stringify(refAt)}|${baseKey(origBuild)}`, makeReference, runBroke).catch((e) => {
      if (signal?.aborted) throw e;
      return makeReference();
    });
    const refFailure = runFailure(reference.outcome, timeoutMs);
    if (refFailure) {
      evLog.add(`original: ${refFailure.why}\n${reference.outcome.stderr.slice(-2000)}`);
      return evidence('not-run', `the original itself fails (${refFailure.why}); nothing to compare against`);
    }
    // Whole programs: output that differs between two runs of the original itself is left out.
    if (harness.calibrate) harness.calibrate(reference, await run(origBuild, harness.checkArgs, refAt));

    // Correctness runs of the candidate at every check point, in parallel up to the cores.
    const points = profile.checkPoints;
    progress.report(`running the candidate at ${checkedAt.join(', ')} ${target === 'mpi' ? 'ranks' : 'threads'}`);
    const outcomes: Outcome[] = [];
    const observed = await Promise.all(points.map((p) => run(candBuild, harness.checkArgs, { threads: p.threads ?? 1, ranks: p.ranks })));
    const tests: TestRecord[] = [];
    let crashed = false;
    points.forEach((p, i) => {
      const o = observed[i].outcome;
      const f = runFailure(o, timeoutMs);
      const label = pointLabel(p, target);
      if (f) {
        const why = f.verdict === 'timeout' && p.ranks !== undefined ? `suspected deadlock at ${label}: ${f.why}; ranks' last output: ${lastOutputPerRank(o)}` : `${f.why} at ${label}`;
        outcomes.push({ verdict: f.verdict, why: `candidate ${why}` });
        crashed = true;
        tests.push({ name: `run @${label}`, seed: 0, sizes: {}, ...p, passed: false, firstDifference: why });
        evLog.add(`candidate @${label}: ${why}\n${o.stderr.slice(-2000)}`);
        return;
      }
      tests.push(...harness.compare(reference, observed[i], p));
    });
    // A line that varies between runs of the original only now and then (a timer that printed the
    // same value twice) would be blamed on the candidate: first run the original twice more.
    if (harness.calibrate && !crashed && tests.some((t) => !t.passed)) {
      let grew = false;
      for (let k = 0; k < 2; k++) {
        const again = await run(origBuild, harness.checkArgs, refAt);
        if (!runFailure(again.outcome, timeoutMs)) grew = harness.calibrate(reference, again) || grew;
      }
      if (grew) {
        evLog.add('further runs of the original vary in more lines: compared again without them');
        tests.length = 0;
        points.forEach((p, i) => tests.push(...harness.compare(reference, observed[i], p)));
      }
    }

    // The race check (Archer, locals pattern-initialised) at 2 and 4 threads, at every race argument
    // set (a small size too: TSan's history misses races whose accesses are far apart at large N).
    // It runs even when outputs differ: a race is the cause to report.
    let races: RaceRecord[] = [];
    if (raceBuild && !crashed) {
      const argSets = harness.raceArgs && harness.raceArgs.length ? harness.raceArgs : [harness.checkArgs];
      progress.report(`race check (Archer) at ${raceThreads.join(' and ')} threads`);
      const jobs = argSets.flatMap((args) => raceThreads.map((t) => ({ args, t })));
      const raceRuns = await Promise.all(jobs.map((j) => run(raceBuild, j.args, { threads: j.t, race: true, direct: st.includesMpi })));
      const map = sourceMapFor(raceBuild.srcDir, candidate);
      const patternDiffs: { t: number; args: readonly string[]; run: ObservedRun }[] = [];
      jobs.forEach((j, k) => {
        const r = raceRuns[k];
        const found = parseRaceReports(r.outcome.stderr, map, 'archer');
        if (found.length === 0 && r.outcome.exitCode === 66) found.push({ variable: null, kind: 'unknown', locations: [], tool: 'archer', raw: r.outcome.stderr.slice(0, 4000) });
        for (const race of found) if (!races.some((x) => sameRace(x, race))) races.push(race);
        const f = runFailure(r.outcome, timeoutMs * 5);
        if (f && found.length === 0) {
          outcomes.push({ verdict: f.verdict, why: `candidate ${f.why} under the race checker at ${j.t} threads` });
          evLog.add(r.outcome.stderr.slice(-2000));
        } else if (!f && found.length === 0) patternDiffs.push({ t: j.t, args: j.args, run: r });
      });
      toolchainInfo.raceCheckThreads = raceThreads.join(',');
      if (argSets.length > 1) toolchainInfo.raceCheckArgs = argSets.map((a) => a.join(' ') || '(none)').join(' | ');

      // Pattern-initialised locals must not change the output: compare with the original built the same way.
      const origRace = races.length > 0 || patternDiffs.length > 0 ? await originalRaceBuild() : null;
      if (origRace && patternDiffs.length > 0) {
        for (const d of patternDiffs) {
          const refRace = await remember(session, `refrace|${JSON.stringify(d.args)}|${baseKey(origRace)}`, () => run(origRace, d.args, { threads: 1, direct: st.includesMpi }), runBroke);
          if (runFailure(refRace.outcome, timeoutMs * 5)) continue;
          const bad = harness.compare(refRace, d.run, { threads: d.t }).find((t) => !t.passed);
          if (bad) {
            outcomes.push({ verdict: 'wrong-output', why: `output changes with pattern-initialised locals (clang -ftrivial-auto-var-init=pattern) at ${d.t} threads: ${bad.firstDifference}: the candidate reads uninitialised memory` });
            break;
          }
        }
      }
      // Races the original has too are pre-existing: reported with the original's lines, not held against the candidate.
      if (races.length > 0 && origRace) {
        const origRaces: RaceRecord[] = [];
        const origMap = sourceMapFor(origRace.srcDir, original);
        for (const t of raceThreads) {
          for (const args of argSets) {
            const r = await remember(session, `origrace|${t}|${JSON.stringify(args)}|${baseKey(origRace)}`, () => run(origRace, args, { threads: t, race: true, direct: st.includesMpi }), runBroke);
            for (const race of parseRaceReports(r.outcome.stderr, origMap, 'archer')) if (!origRaces.some((x) => sameRace(x, race))) origRaces.push(race);
          }
        }
        const toOriginal = lineMapper(original.text, candidate.text);
        const isOld = (race: RaceRecord) => race.locations.length > 0 && origRaces.some((o) => sameLines(o, race, toOriginal));
        for (const race of races.filter(isOld)) {
          preExisting.push({ kind: 'race', message: `the original already races: ${describeRace(race)}`, lines: [...new Set(race.locations.map((l) => toOriginal(l.line)).filter((l): l is number => l !== null))] });
        }
        races = races.filter((r) => !isOld(r));
      }
    }

    // CUDA: memcheck (out-of-bounds, misaligned …) then racecheck (shared-memory hazards only).
    if (profile.cudaSanitizer && !crashed && tc.computeSanitizer) {
      progress.report('compute-sanitizer memcheck and racecheck');
      const cs = tc.computeSanitizer.path;
      const mem = await run(candBuild, harness.checkArgs, { threads: 1, race: true, wrapper: [cs, ...sanitizerArgv('memcheck')] });
      const memErr = memcheckError(`${mem.outcome.stdout}\n${mem.outcome.stderr}`);
      if (memErr) {
        outcomes.push({ verdict: 'runtime-error', why: `candidate memcheck: ${memErr}` });
        evLog.add(mem.outcome.stdout.slice(-3000));
      }
      const rc = await run(candBuild, harness.checkArgs, { threads: 1, race: true, wrapper: [cs, ...sanitizerArgv('racecheck')] });
      races = parseRacecheck(`${rc.outcome.stdout}\n${rc.outcome.stderr}`, sourceMapFor(candBuild.srcDir, candidate));
      toolchainInfo.raceChecker = `compute-sanitizer racecheck (shared memory only) ${tc.computeSanitizer.version}`;
    }

    // A candidate made from the user's file (no file of its own): report races at the lines of the
    // user's file, not of the rewritten text (inserted pragma lines would shift them).
    if (races.length > 0 && candidate.path !== null && candidate.path === original.path && candidate.text !== original.text) {
      const toOriginal = lineMapper(original.text, candidate.text);
      races = races.map((r) => ({ ...r, locations: r.locations.map((l) => (l.file === candidate.path ? { ...l, line: toOriginal(l.line) ?? l.line } : l)) }));
    }
    if (races.length > 0) {
      const wrong = tests.some((t) => !t.passed) ? ' (outputs also differ)' : '';
      outcomes.push({ verdict: 'race', why: `data race${races.length > 1 ? 's' : ''}: ${races.map(describeRace).join('; ')}${wrong}` });
    }
    const failed = tests.find((t) => !t.passed);
    if (failed && !crashed) outcomes.push({ verdict: 'wrong-output', why: `${failed.name}: ${failed.firstDifference}` });
    const decided = decideVerdict(outcomes);
    if (decided.verdict === 'wrong-output' && failed && !crashed && races.length === 0) {
      // Before blaming the candidate, check that the reference itself is trustworthy: an original
      // whose output changes with the compiler (undefined behaviour, or a compiler bug such as GCC
      // 12's vectoriser miscompiling a plain loop) cannot judge anything.
      const unstable = await referenceDependsOnCompiler(reference, refAt);
      if (unstable) {
        evLog.add(`original built with ${unstable.other}: ${unstable.difference}`);
        return evidence('not-run', `the original's own output changes with the compiler (${unstable.other}: ${unstable.difference}): undefined behaviour or a compiler bug; cannot judge the candidate`, { tests, races });
      }
    }
    if (decided.verdict !== 'verified') return evidence(decided.verdict, decided.why, { tests, races });

    // Timing: the original's serial time once, then the candidate across the sweep.
    progress.report('timing');
    const timings: TimingRecord[] = [];
    const sweepRanks = profile.checkPoints[0]?.ranks;
    const baseAt = target === 'mpi' ? { threads: 1, ranks: 1 } : { threads: 1, ranks: sweepRanks };
    const makeBaseline = () => timeRuns(() => run(origBuild, harness.timeArgs, { ...baseAt, timing: true }), harness, repeats, timeoutMs);
    const baselineSamples = await remember(session, `time|${repeats}|${JSON.stringify(harness.timeArgs)}|${JSON.stringify(baseAt)}|${baseKey(origBuild)}`, makeBaseline, runBroke).catch((e) => {
      if (signal?.aborted) throw e;
      return makeBaseline();
    });
    if (typeof baselineSamples === 'string') return evidence('not-run', `timing the original failed: ${baselineSamples}`, { tests });
    const baseline = medianOf(baselineSamples);
    const sweep: readonly RunPoint[] =
      target === 'mpi'
        ? profile.checkPoints
        : profile.name === 'cuda'
          ? [{ threads: 1 }]
          : [...new Set(request.timingThreads ?? defaultSweep())].sort((a, b) => a - b).map((t) => ({ threads: t, ranks: sweepRanks }));
    for (const p of sweep) {
      checkAbort();
      const samples = await timeRuns(() => run(candBuild, harness.timeArgs, { threads: p.threads ?? 1, ranks: p.ranks, timing: true }), harness, repeats, timeoutMs);
      if (typeof samples === 'string') return evidence(samples.startsWith('timeout') ? 'timeout' : 'runtime-error', `candidate failed while timing: ${samples}`, { tests, timings });
      timings.push(timingRecord(samples, baseline, target === 'mpi' ? { ranks: p.ranks } : { threads: p.threads }));
    }
    toolchainInfo.baselineSeconds = String(baseline);
    const at = `${checkedAt.join(', ')} ${target === 'mpi' ? 'ranks' : 'threads'}`;
    const raceNote = racePlan
      ? `no race at ${raceThreads.join(' and ')} threads`
      : target === 'mpi'
        ? 'no race check for MPI'
        : profile.name === 'cuda'
          ? 'memcheck and racecheck clean (racecheck sees shared memory only)'
          : 'race check off';
    const pre = preExisting.filter((p) => p.kind === 'race').length ? ` (${preExisting.filter((p) => p.kind === 'race').length} pre-existing race${preExisting.filter((p) => p.kind === 'race').length > 1 ? 's' : ''} in the original, not counted)` : '';
    if (profile.noRaceCheckReason && target === 'openmp') {
      return evidence('not-run', `outputs match (${tests.length} tests at ${at}) but ${profile.noRaceCheckReason}: not verified`, { tests, timings });
    }
    if (staticOff) return evidence('not-run', `outputs match (${tests.length} tests at ${at}) but the static checks were turned off: not verified`, { tests, timings });
    return evidence('verified', `${tests.length} tests passed at ${at}, ${raceNote}${pre}, ${describeSpeedups(timings)}`, { tests, races, timings });
  } finally {
    fs.rmSync(workRoot, { recursive: true, force: true });
  }
}

function sha(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The build's content key (its cache folder is named by the hash of compiler, flags and sources). */
function buildId(b: CompileResult): string {
  return path.basename(path.dirname(b.exe));
}

function pointLabel(p: RunPoint, target: Target): string {
  if (target === 'mpi' || p.threads === undefined) return `${p.ranks ?? 1} ranks`;
  return p.ranks !== undefined ? `${p.threads} threads × ${p.ranks} ranks` : `${p.threads} threads`;
}

function sameRace(a: RaceRecord, b: RaceRecord): boolean {
  return a.variable === b.variable && a.locations.map((l) => `${l.line}${l.access}`).join() === b.locations.map((l) => `${l.line}${l.access}`).join();
}

/** Same race in the original: its lines equal the candidate race's lines mapped back to the original. */
function sameLines(orig: RaceRecord, cand: RaceRecord, toOriginal: (line: number) => number | null): boolean {
  const a = new Set(orig.locations.map((l) => l.line));
  const mapped = cand.locations.map((l) => toOriginal(l.line));
  return mapped.every((l) => l !== null && a.has(l));
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

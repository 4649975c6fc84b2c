import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LanguageId, Target } from '../model';

/**
 * The one place that decides which compiler, flags and launcher build and run a candidate:
 * discovery (with versions), compile_commands.json, user overrides, and install hints.
 */

/** A C/C++ compiler family the runner can build OpenMP code with. */
export type CompilerFamily = 'gcc' | 'clang';

/** An MPI implementation; they differ in launcher flags and Slurm PMI plugin. */
export type MpiFlavour = 'openmpi' | 'mpich';

/** One discovered tool: its path and first version line. */
export interface Tool {
  readonly path: string;
  readonly version: string;
}

/** Everything the runner may use, found on PATH; null where missing. */
export interface Toolchains {
  readonly gcc: Tool | null;
  readonly gxx: Tool | null;
  readonly clang: Tool | null;
  readonly clangxx: Tool | null;
  /** libarcher.so, which libomp loads itself when present (it makes TSan understand OpenMP). */
  readonly archer: string | null;
  readonly mpicc: Record<MpiFlavour, Tool | null>;
  readonly mpicxx: Record<MpiFlavour, Tool | null>;
  readonly mpiexec: Record<MpiFlavour, Tool | null>;
  readonly nvcc: Tool | null;
  readonly computeSanitizer: Tool | null;
  /** True when an NVIDIA GPU is visible (device node present and nvidia-smi lists one). */
  readonly gpu: boolean;
}

/** Overrides from settings (`paraforge.runner.*`) or the CLI; paths replace discovery. */
export interface ToolchainOverrides {
  readonly gcc?: string;
  readonly gxx?: string;
  readonly clang?: string;
  readonly clangxx?: string;
  readonly mpicc?: string;
  readonly mpicxx?: string;
  readonly mpiexec?: string;
  readonly nvcc?: string;
  readonly archer?: string;
  /** Extra flags appended to every compile. */
  readonly extraFlags?: readonly string[];
  /** PATH to search instead of process.env.PATH (tests use it to hide a compiler). */
  readonly searchPath?: string;
}

/** The Debian package that provides each tool, for the "not installed" message. */
export const INSTALL_HINTS: Record<string, string> = {
  gcc: 'gcc',
  'g++': 'g++',
  clang: 'clang libomp-dev libclang-rt-14-dev',
  'clang++': 'clang libomp-dev libclang-rt-14-dev',
  archer: 'libomp-dev (libomp 14 ships libarcher.so; do not install libomp-19-dev, it removes it)',
  mpicc: 'openmpi-bin libopenmpi-dev',
  'mpicc.mpich': 'mpich libmpich-dev',
  mpiexec: 'openmpi-bin',
  'mpiexec.mpich': 'mpich',
  nvcc: 'nvidia-cuda-toolkit (or NVIDIA\'s CUDA toolkit)',
  'compute-sanitizer': 'NVIDIA\'s CUDA toolkit',
  sbatch: 'slurm-client (slurm-wlm for a local single-node Slurm)',
};

/** A required tool is missing; the message names the Debian package that provides it. */
export class MissingToolError extends Error {
  constructor(
    readonly tool: string,
    purpose: string,
  ) {
    super(`${tool} not found (needed ${purpose}); install it with: apt-get install ${INSTALL_HINTS[tool] ?? tool}`);
  }
}

function findOnPath(name: string, searchPath: string): string | null {
  if (name.includes('/')) return fs.existsSync(name) ? name : null;
  for (const dir of searchPath.split(':')) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {}
  }
  return null;
}

function firstLine(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 15_000 }, (_e, stdout, stderr) => {
      const text = `${stdout}\n${stderr}`.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
      // nvcc prints its release on the last line, others on the first.
      const release = text.find((l) => /release \d/.test(l));
      resolve(release ?? text[0] ?? 'unknown');
    });
  });
}

async function tool(name: string, override: string | undefined, searchPath: string, versionArgs: string[] = ['--version']): Promise<Tool | null> {
  const p = findOnPath(override ?? name, searchPath);
  if (!p) return null;
  return { path: p, version: await firstLine(p, versionArgs) };
}

/**
 * Finds the compilers, MPI, CUDA tools and Archer (a few process launches for the versions). Not
 * cached here: a VerificationSession keeps what it found (pipeline/session.ts, sessionToolchains).
 */
export function discoverToolchains(overrides: ToolchainOverrides = {}): Promise<Toolchains> {
  return discover(overrides);
}

async function discover(o: ToolchainOverrides): Promise<Toolchains> {
  const sp = o.searchPath ?? process.env.PATH ?? '/usr/bin:/bin';
  const [gcc, gxx, clang, clangxx, mpiccO, mpiccM, mpicxxO, mpicxxM, mpiexecO, mpiexecM, nvcc, cs] = await Promise.all([
    tool('gcc', o.gcc, sp),
    tool('g++', o.gxx, sp),
    tool('clang', o.clang, sp),
    tool('clang++', o.clangxx, sp),
    tool('mpicc.openmpi', o.mpicc, sp, ['--showme:version']),
    tool('mpicc.mpich', undefined, sp, ['-v']),
    tool('mpicxx.openmpi', o.mpicxx, sp, ['--showme:version']),
    tool('mpicxx.mpich', undefined, sp, ['-v']),
    tool('mpiexec.openmpi', o.mpiexec, sp),
    tool('mpiexec.mpich', undefined, sp),
    tool('nvcc', o.nvcc, sp),
    tool('compute-sanitizer', undefined, sp),
  ]);
  const archerCandidates = [o.archer, '/usr/lib/llvm-14/lib/libarcher.so', '/usr/lib/x86_64-linux-gnu/libarcher.so'].filter((x): x is string => !!x);
  const archer = archerCandidates.find((p) => fs.existsSync(p)) ?? null;
  const gpu = fs.existsSync('/dev/nvidia0') || fs.existsSync('/dev/nvidiactl');
  return {
    gcc,
    gxx,
    clang,
    clangxx,
    archer,
    mpicc: { openmpi: mpiccO, mpich: mpiccM },
    mpicxx: { openmpi: mpicxxO, mpich: mpicxxM },
    mpiexec: { openmpi: mpiexecO, mpich: mpiexecM },
    nvcc,
    computeSanitizer: cs,
    gpu,
  };
}

/** Include paths, defines and standard flags for one file from compile_commands.json, when present. */
export function flagsFromCompileCommands(sourcePath: string): string[] {
  let dir = path.dirname(path.resolve(sourcePath));
  for (;;) {
    for (const candidate of [path.join(dir, 'compile_commands.json'), path.join(dir, 'build', 'compile_commands.json')]) {
      if (!fs.existsSync(candidate)) continue;
      try {
        const entries = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { directory: string; file: string; command?: string; arguments?: string[] }[];
        const target = path.resolve(sourcePath);
        const entry = entries.find((e) => path.resolve(e.directory, e.file) === target);
        if (!entry) return [];
        const args = entry.arguments ?? (entry.command ?? '').split(/\s+/).filter(Boolean);
        return keepPortableFlags(args, entry.directory);
      } catch {
        return [];
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return [];
    dir = up;
  }
}

/** Keeps -I/-D/-U/-std/-include flags (made absolute); drops -o, -c, the source, optimisation and warnings. */
function keepPortableFlags(args: readonly string[], directory: string): string[] {
  const kept: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '-I' || a === '-D' || a === '-U' || a === '-include' || a === '-isystem') {
      const v = args[++i];
      if (v === undefined) break;
      kept.push(a, a === '-D' || a === '-U' ? v : path.resolve(directory, v));
    } else if (a.startsWith('-I')) kept.push(`-I${path.resolve(directory, a.slice(2))}`);
    else if (a.startsWith('-isystem')) kept.push(`-isystem${path.resolve(directory, a.slice(8))}`);
    else if (a.startsWith('-D') || a.startsWith('-U') || a.startsWith('-std=')) kept.push(a);
  }
  return kept;
}

/** A decided compile: which compiler binary, and flags for a correctness build and a race build. */
export interface BuildPlan {
  readonly compiler: string;
  readonly flags: readonly string[];
  readonly describe: string;
  /** Extra environment for the compiler (OMPI_CC=clang makes OpenMPI's mpicc wrap clang). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Options that decide the build of one candidate. */
export interface BuildChoice {
  readonly language: LanguageId;
  readonly target: Target;
  readonly family: CompilerFamily;
  readonly mpi: MpiFlavour;
  readonly race: boolean;
  /** Fill uninitialised locals with a pattern (clang -ftrivial-auto-var-init=pattern): a read of one then shows in the output. */
  readonly patternInit?: boolean;
  readonly extraFlags: readonly string[];
}

/** Decides compiler and flags for a build, or throws MissingToolError naming the package. */
export function planBuild(tc: Toolchains, choice: BuildChoice): BuildPlan {
  const cxx = choice.language !== 'c';
  const extra = [...choice.extraFlags];
  // A .cu file is CUDA source whatever the target: only nvcc compiles it (OpenMP host code via -Xcompiler).
  if (choice.target === 'cuda' || choice.language === 'cuda-cpp') {
    if (!tc.nvcc) throw new MissingToolError('nvcc', 'to compile CUDA');
    const openmp = choice.target === 'openmp' ? ['-Xcompiler', '-fopenmp'] : [];
    return { compiler: tc.nvcc.path, flags: ['-O2', '-lineinfo', ...openmp, ...extra], describe: tc.nvcc.version };
  }
  const pattern = choice.patternInit ? ['-ftrivial-auto-var-init=pattern'] : [];
  if (choice.target === 'mpi') {
    const m = (cxx ? tc.mpicxx : tc.mpicc)[choice.mpi];
    if (!m) throw new MissingToolError(choice.mpi === 'mpich' ? 'mpicc.mpich' : 'mpicc', 'to compile MPI programs');
    if (choice.race) {
      // The MPI wrapper around clang (OMPI_CC / MPICH_CC), so Archer can check the OpenMP part.
      const c = cxx ? tc.clangxx : tc.clang;
      if (!c) throw new MissingToolError(cxx ? 'clang++' : 'clang', 'for the OpenMP race check (clang + Archer)');
      if (!tc.archer) throw new MissingToolError('archer', 'for the OpenMP race check');
      const env = choice.mpi === 'mpich' ? { [cxx ? 'MPICH_CXX' : 'MPICH_CC']: c.path } : { [cxx ? 'OMPI_CXX' : 'OMPI_CC']: c.path };
      return { compiler: m.path, flags: ['-fopenmp', '-fsanitize=thread', '-g', '-O1', '-fno-omit-frame-pointer', ...pattern, ...extra, '-lm'], describe: `${choice.mpi} ${m.version} over ${c.version} + Archer`, env };
    }
    return { compiler: m.path, flags: ['-O2', '-g', '-fopenmp', ...extra, '-lm'], describe: `${choice.mpi} ${m.version}` };
  }
  if (choice.race || choice.family === 'clang') {
    const c = cxx ? tc.clangxx : tc.clang;
    if (!c) throw new MissingToolError(cxx ? 'clang++' : 'clang', choice.race ? 'for the OpenMP race check (clang + Archer)' : 'to compile with clang');
    if (choice.race) {
      if (!tc.archer) throw new MissingToolError('archer', 'for the OpenMP race check');
      // -O1 keeps TSan reports readable and runs far faster than -O0.
      return { compiler: c.path, flags: ['-fopenmp', '-fsanitize=thread', '-g', '-O1', '-fno-omit-frame-pointer', ...pattern, ...extra, '-lm'], describe: `${c.version} + Archer` };
    }
    return { compiler: c.path, flags: ['-O2', '-g', '-fopenmp', ...extra, '-lm'], describe: c.version };
  }
  const g = cxx ? tc.gxx : tc.gcc;
  if (!g) throw new MissingToolError(cxx ? 'g++' : 'gcc', 'to compile');
  return { compiler: g.path, flags: ['-O2', '-g', '-fopenmp', ...extra, '-lm'], describe: g.version };
}

/** The launcher argv prefix for `ranks` MPI processes of one flavour. */
export function mpiLaunchArgv(tc: Toolchains, flavour: MpiFlavour, ranks: number): string[] {
  const exe = tc.mpiexec[flavour];
  if (!exe) throw new MissingToolError(flavour === 'mpich' ? 'mpiexec.mpich' : 'mpiexec', 'to launch MPI programs');
  if (flavour === 'mpich') return [exe.path, '-n', String(ranks), '-prepend-rank'];
  // Harmless when not root; needed when the sandbox could not drop privileges.
  return [exe.path, '--allow-run-as-root', '--oversubscribe', '--bind-to', 'none', '--tag-output', '-np', String(ranks)];
}

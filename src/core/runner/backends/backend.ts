import type { ProcessResult } from '../processTree';
import type { SandboxLimits } from '../sandbox';
import type { MpiFlavour } from '../toolchains';

/**
 * What every execution backend (local, mpirun, slurm) takes and returns, so verify.ts never
 * cares where a program ran.
 */

/** One execution of a built program. */
export interface RunSpec {
  readonly exe: string;
  readonly args: readonly string[];
  /** Fresh, empty directory: the program's cwd and its only writable place. */
  readonly workDir: string;
  /** Program environment on top of the sandbox's minimal one (OMP_*, TSAN_OPTIONS, …). */
  readonly env: Readonly<Record<string, string>>;
  readonly threads: number;
  /** CPUs to reserve per task where a scheduler asks (default `threads`): correctness runs need fewer than their threads, timing runs all. */
  readonly cpus?: number;
  /** MPI ranks; undefined for a non-MPI program. */
  readonly ranks?: number;
  readonly mpi?: MpiFlavour;
  readonly timeoutMs: number;
  readonly outputCapBytes: number;
  readonly limits: SandboxLimits;
  readonly signal?: AbortSignal;
  /** Run without bwrap/prlimit (only for measuring the sandbox's overhead). */
  readonly plain?: boolean;
  /** More paths under /tmp the run must read (the real program when `exe` is a wrapper tool). */
  readonly readOnly?: readonly string[];
  /** Pass the NVIDIA device nodes into the sandbox. */
  readonly gpu?: boolean;
}

/** A finished run; MPI runs also carry each rank's output lines, split by the launcher's tags. */
export interface RunOutcome extends ProcessResult {
  /** stdout with launcher tags removed, ranks in order (rank 0's lines first). */
  readonly programStdout: string;
  readonly perRank?: ReadonlyMap<number, string[]>;
  /** Backend-specific note for the log ("slurm job 12 state TIMEOUT"). */
  readonly note?: string;
  /** True when the scheduler's own time limit ended the run. */
  readonly schedulerTimeLimit?: boolean;
}

/** Somewhere programs run. */
export interface Backend {
  readonly name: 'local' | 'mpirun' | 'slurm';
  /** Checks the backend can run anything at all (Slurm up, launcher present); throws BackendUnavailableError. */
  prepare?(): Promise<void>;
  run(spec: RunSpec): Promise<RunOutcome>;
}

/** The backend cannot run programs now (e.g. Slurm is down); the message says what to do. */
export class BackendUnavailableError extends Error {}

/** Splits launcher-tagged stdout ("[1,0]<stdout>:x", "[0] x", "0: x") into per-rank lines. */
export function splitRanks(stdout: string): { merged: string; perRank: Map<number, string[]> } {
  const perRank = new Map<number, string[]>();
  const untagged: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\[\d+,(\d+)\]<std(?:out|err)>:(.*)$/.exec(line) ?? /^\[(\d+)\] ?(.*)$/.exec(line) ?? /^\s*(\d+): ?(.*)$/.exec(line);
    if (!m) {
      if (line.length > 0) untagged.push(line);
      continue;
    }
    const rank = Number(m[1]);
    if (!perRank.has(rank)) perRank.set(rank, []);
    perRank.get(rank)!.push(m[2]);
  }
  const ranks = [...perRank.keys()].sort((a, b) => a - b);
  const merged = [...untagged, ...ranks.flatMap((r) => perRank.get(r)!)].join('\n');
  return { merged: merged.length ? `${merged}\n` : '', perRank };
}

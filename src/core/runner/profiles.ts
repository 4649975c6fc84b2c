import type { CandidateTarget, LanguageId, Target } from '../model';
import type { RunPoint } from './harness/harness';

/**
 * Target profiles: what differs between OpenMP, MPI, CUDA and OpenMP offload verification, decided
 * once up front instead of branching through the orchestrator: how to build, where outputs are
 * compared, which race checker runs, where it is timed, and what a machine must have.
 */

/** Everything the orchestrator needs to know about one kind of candidate. */
export interface TargetProfile {
  readonly name: 'openmp' | 'mpi' | 'cuda' | 'offload';
  /** The target the evidence names (offload verifies as OpenMP on the host). */
  readonly evidenceTarget: Target;
  /** What the build plan is made for (mpicc for any file including mpi.h, nvcc for .cu). */
  readonly buildTarget: Target;
  /** The launcher: MPI programs run under mpirun. */
  readonly backend: 'local' | 'mpirun';
  /** Where outputs are compared with the original's. */
  readonly checkPoints: readonly RunPoint[];
  /** Thread counts the race checker runs at (empty: no OpenMP race check). */
  readonly raceThreads: readonly number[];
  /** Run on a GPU (device nodes, no address-space limit); without one the candidate is not run. */
  readonly gpu: boolean;
  /** compute-sanitizer memcheck + racecheck instead of Archer. */
  readonly cudaSanitizer: boolean;
  /** Why there is no race check, when raceThreads is empty for an OpenMP candidate (verdict then cannot be 'verified'). */
  readonly noRaceCheckReason: string | null;
}

/** Default thread counts outputs are compared at: 1-4, an odd count, and more threads than a small machine has cores. */
export const DEFAULT_CHECK_THREADS: readonly number[] = [1, 2, 3, 4, 7, 16];

/**
 * Thread counts for a candidate that reads its thread number or the team size: a manual split by
 * omp_get_thread_num() can be wrong at any count (5 threads, 6, 8), so every count up to 16 is run.
 */
export const THREAD_ID_CHECK_THREADS: readonly number[] = Array.from({ length: 16 }, (_, i) => i + 1);

/** Whether a candidate's text asks OpenMP for its thread number or team size (a hand-made split). */
export function readsThreadIdentity(text: string): boolean {
  return /\bomp_get_(thread_num|num_threads|max_threads|team_size|ancestor_thread_num|num_procs)\b/.test(text);
}

/** Race checks at 2 and 4 threads (Archer needs ≥ 2; 4 exercises modulo-thread-count bugs). */
export const DEFAULT_RACE_THREADS: readonly number[] = [2, 4];

/** What decides a profile: the request and facts read from the source tree. */
export interface ProfileInput {
  readonly target: CandidateTarget | Target;
  readonly language: LanguageId;
  readonly includesMpi: boolean;
  readonly threads?: readonly number[];
  readonly ranks?: readonly number[];
  readonly raceCheck?: boolean;
  /** The candidate reads its thread number or team size: checked at every count up to 16 (unless `threads` is given). */
  readonly threadIdentity?: boolean;
}

function sorted(xs: readonly number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** The profile for a candidate. Pure. */
export function profileFor(input: ProfileInput): TargetProfile {
  const threads = sorted(input.threads ?? (input.threadIdentity ? THREAD_ID_CHECK_THREADS : DEFAULT_CHECK_THREADS));
  const ranks = sorted(input.ranks ?? [1, 2, 4]);
  const raceOff = input.raceCheck === false;
  if (input.target === 'cuda') {
    return { name: 'cuda', evidenceTarget: 'cuda', buildTarget: 'cuda', backend: 'local', checkPoints: [{ threads: 1 }], raceThreads: [], gpu: true, cudaSanitizer: true, noRaceCheckReason: null };
  }
  if (input.target === 'mpi') {
    return { name: 'mpi', evidenceTarget: 'mpi', buildTarget: 'mpi', backend: 'mpirun', checkPoints: ranks.map((r) => ({ ranks: r })), raceThreads: [], gpu: false, cudaSanitizer: false, noRaceCheckReason: null };
  }
  const cudaSource = input.language === 'cuda-cpp';
  const name = input.target === 'offload' ? 'offload' : 'openmp';
  // OpenMP in a file that includes mpi.h: built with mpicc, run under mpirun on 2 ranks at each thread count.
  const checkPoints: RunPoint[] = input.includesMpi ? threads.map((t) => ({ threads: t, ranks: 2 })) : threads.map((t) => ({ threads: t }));
  const noRaceCheckReason = raceOff
    ? 'the race check was turned off'
    : cudaSource
      ? 'OpenMP in a CUDA file cannot be race-checked (Archer needs a clang build)'
      : null;
  return {
    name,
    evidenceTarget: 'openmp',
    buildTarget: input.includesMpi ? 'mpi' : 'openmp',
    backend: input.includesMpi ? 'mpirun' : 'local',
    checkPoints,
    raceThreads: noRaceCheckReason ? [] : [...DEFAULT_RACE_THREADS],
    gpu: cudaSource,
    cudaSanitizer: false,
    noRaceCheckReason,
  };
}

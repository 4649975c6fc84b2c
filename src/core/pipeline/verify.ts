import type { Candidate, Evidence } from '../model';
import { verifyProgram, type VerifyOptions, type VerifyRequest } from '../runner/verify';
import type { VerificationSession } from './session';

/** Request settings for judging a candidate (threads, ranks, compiler, backend, limits, …). */
export type VerifySettings = Omit<VerifyRequest, 'original' | 'candidate' | 'language' | 'target' | 'functionName'> & {
  /** Where the candidate's text lives on disk, when it is the user's own file (races and findings then name it). */
  readonly candidatePath?: string;
};

/**
 * Judges one candidate, whoever wrote it: static checks, then builds the original and the
 * candidate, runs them on the same inputs, race-checks and times the candidate. The Evidence
 * carries the candidate's id. At most `session.maxConcurrent` verifications of a session run at once.
 */
export async function verify(candidate: Candidate, session: VerificationSession, settings: VerifySettings = {}, options: Omit<VerifyOptions, 'session'> = {}): Promise<Evidence> {
  const { source } = candidate;
  const { candidatePath, ...request } = settings;
  const judge = () =>
    verifyProgram(
      {
        ...request,
        original: { path: source.path ?? undefined, text: source.text },
        candidate: { path: candidatePath ?? source.path ?? undefined, text: candidate.text },
        language: source.language,
        // Offload verifies as OpenMP on the host; the profile keeps the name.
        target: candidate.target === 'offload' ? 'openmp' : candidate.target,
        functionName: candidate.region.functionName ?? undefined,
      },
      { ...options, session },
    );
  const evidence = await (session.limit ? session.limit(judge) : judge());
  return { ...evidence, candidateId: candidate.id };
}

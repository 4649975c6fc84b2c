import type { Candidate, Evidence } from '../model';
import { verifyProgram, type VerifyOptions, type VerifyRequest } from '../runner/verify';
import type { VerificationSession } from './session';

/** Request settings for judging a candidate (threads, ranks, compiler, backend, limits, …). */
export type VerifySettings = Omit<VerifyRequest, 'original' | 'candidate' | 'language' | 'target' | 'functionName'>;

/**
 * Judges one candidate, whoever wrote it: builds the original and the candidate, runs them on the
 * same inputs, race-checks and times the candidate. The Evidence carries the candidate's id.
 */
export async function verify(candidate: Candidate, session: VerificationSession, settings: VerifySettings = {}, options: VerifyOptions = {}): Promise<Evidence> {
  void session;
  const { source } = candidate;
  const target = candidate.target === 'offload' ? 'openmp' : candidate.target;
  const evidence = await verifyProgram(
    {
      ...settings,
      original: { path: source.path ?? undefined, text: source.text },
      candidate: { path: source.path ?? undefined, text: candidate.text },
      language: source.language,
      target,
      functionName: candidate.region.functionName ?? undefined,
    },
    options,
  );
  return { ...evidence, candidateId: candidate.id };
}

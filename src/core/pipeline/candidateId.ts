import { createHash } from 'node:crypto';
import type { CandidateOrigin, CandidateTarget, TextEdit } from '../model';

/** A short content hash naming a candidate: the same rewrite of the same text gets the same id. */
export function candidateId(target: CandidateTarget, origin: CandidateOrigin, originalText: string, candidateText: string, edits: readonly TextEdit[]): string {
  const h = createHash('sha256');
  h.update(`${target}\0${origin}\0`);
  h.update(createHash('sha256').update(originalText).digest('hex'));
  h.update('\0');
  h.update(candidateText);
  h.update(JSON.stringify(edits));
  return `c-${h.digest('hex').slice(0, 12)}`;
}

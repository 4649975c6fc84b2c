import type { LanguageId } from './language';
import type { SourceRange, TextEdit } from './source';

/**
 * A proposed rewrite of a region of one document, from any engine. Every engine (rules, LLM,
 * evolve, the user's own file) produces these; `verify()` judges them all the same way.
 */

/** Which parallel model a candidate targets. */
export type CandidateTarget = 'openmp' | 'mpi' | 'cuda' | 'offload';

/** Who wrote the candidate. */
export type CandidateOrigin = 'rules' | 'llm' | 'evolve' | 'user';

/** The part of the document a candidate rewrites: one function (verified through a harness) or the whole program (run through its main). */
export interface CandidateRegion {
  /** The function rewritten; null means the whole program (the file has a `main` and is run as it is). */
  readonly functionName: string | null;
  /** The source range the rewrite is confined to, in the original text; null for the whole file. */
  readonly range: SourceRange | null;
}

/** The document a candidate was made from, at the version that was analysed. */
export interface CandidateSource {
  /** Absolute path when the text lives on disk (names the file in messages, adds its directory to includes). */
  readonly path: string | null;
  readonly language: LanguageId;
  readonly text: string;
  /** Editor document version the text was read at; edits are applied only at this version. */
  readonly version: number | null;
}

/** One rewrite proposal: the new text, the edits that make it, and where it came from. */
export interface Candidate {
  /** Stable id: content hash of origin text + edits, so the same rewrite is the same candidate. */
  readonly id: string;
  readonly target: CandidateTarget;
  readonly origin: CandidateOrigin;
  /** The candidate this one was derived from (evolve mutation, LLM repair), or null. */
  readonly parent: string | null;
  readonly source: CandidateSource;
  readonly region: CandidateRegion;
  /** The whole rewritten document text. */
  readonly text: string;
  /** Edits on `source.text` that produce `text`; non-overlapping, by UTF-16 offsets. */
  readonly edits: readonly TextEdit[];
  /** One line for humans: "`#pragma omp parallel for reduction(+:s)` on the loop at line 12 of dot". */
  readonly description: string;
  /** How it was made: rule name, mutation operator, or prompt strategy (`omp-pragma`, `repair`, …). */
  readonly operator?: string;
  /** Id of the prompt that produced it (LLM origins), for lineage. */
  readonly promptId?: string;
  /** Assumptions the rewrite depends on that the analysis could not prove ("a and b do not overlap"). */
  readonly assumptions?: readonly string[];
}

import type { Evidence, LanguageId } from '../model';
import { createSession } from '../pipeline/session';
import { defaultParserHost, definesMain } from './staticChecks';
import { verifyProgram, type VerifyOptions, type VerifyRequest } from './verify';

/** The Evidence for one part of a rewrite: the whole program, or one function through a harness. */
export interface PartEvidence {
  /** null when the whole program was run. */
  readonly functionName: string | null;
  readonly evidence: Evidence;
}

/** What a whole-file rewrite needs to be judged. */
export interface RewriteToVerify {
  readonly path: string;
  readonly language: LanguageId;
  readonly originalText: string;
  readonly rewrittenText: string;
  /** Functions whose loops were rewritten (used when the file has no main). */
  readonly functions: readonly string[];
}

/** Request settings passed through to every verifyProgram call (threads, compiler, backend, …). */
export type RewriteVerifySettings = Omit<VerifyRequest, 'original' | 'candidate' | 'language' | 'target' | 'functionName'>;

/**
 * Verifies an OpenMP rewrite of a file: the whole program when it has a `main`, otherwise each
 * rewritten function with a generated harness. The rewrite is verified only if every part is.
 */
export async function verifyRewrite(rewrite: RewriteToVerify, settings: RewriteVerifySettings, options: VerifyOptions): Promise<{ verified: boolean; parts: PartEvidence[] }> {
  const base = {
    ...settings,
    original: { path: rewrite.path, text: rewrite.originalText },
    candidate: { path: rewrite.path, text: rewrite.rewrittenText },
    language: rewrite.language,
    target: 'openmp' as const,
  };
  const parts: PartEvidence[] = [];
  // One session for all parts: the original's builds and reference runs are shared.
  const session = options.session ?? createSession();
  const tree = await (session.parser ?? defaultParserHost()).parse(rewrite.language, rewrite.originalText);
  let wholeProgram: boolean;
  try {
    wholeProgram = definesMain(tree);
  } finally {
    tree.delete();
  }
  if (wholeProgram) {
    parts.push({ functionName: null, evidence: await verifyProgram(base, { ...options, session }) });
  } else {
    // One at a time: each verification already uses every core for its timing runs.
    for (const functionName of new Set(rewrite.functions)) {
      parts.push({ functionName, evidence: await verifyProgram({ ...base, functionName }, { ...options, session }) });
    }
  }
  return { verified: parts.length > 0 && parts.every((p) => p.evidence.verdict === 'verified'), parts };
}

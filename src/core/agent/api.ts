import type { Candidate, CandidateSource, CandidateTarget, Evidence } from '../model';
import type { VerificationSession, VerifySettings } from '../pipeline';
import type { ParserHost } from '../parse';
import type { Logger, Progress } from '../ports';

/**
 * The contract between the agent (LLM prompting, the evolve loop) and its hosts. The CLI and the
 * editor call only what is declared here; the agent calls only core's `propose()` and `verify()`.
 */

/** One chat message, as OpenAI-compatible endpoints and the VS Code LM API both take them. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** Tokens one completion used (zero when the provider does not say). */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** A language model behind any transport: the `openai` SDK, or the VS Code Language Model API. */
export interface LlmProvider {
  /** "openai-compatible http://127.0.0.1:8000/v1 (model qwen2.5-coder)", for logs and evidence. */
  readonly name: string;
  /** One completion; rejects with an LlmError on transport failure after the provider's own retries. */
  complete(messages: readonly ChatMessage[], options: { readonly signal?: AbortSignal; readonly maxTokens?: number }): Promise<{ readonly text: string; readonly usage: TokenUsage }>;
}

/** A transport failure the user can act on (bad key, endpoint down, timeouts after retries). Its message never contains the key. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly kind: 'auth' | 'unreachable' | 'timeout' | 'rate-limited' | 'server' | 'bad-reply' | 'cancelled',
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

/** What to rewrite, with which target. */
export interface AgentRequest {
  readonly source: CandidateSource;
  /** The function to rewrite (its name and signature are kept). */
  readonly functionName: string;
  readonly target: CandidateTarget;
  /** Only loops overlapping these 0-based lines (the editor's selection); the whole function when absent. */
  readonly lines?: { readonly start: number; readonly end: number };
}

/** Host services and the verification settings every candidate is judged with. */
export interface AgentContext {
  readonly session: VerificationSession;
  readonly settings: VerifySettings;
  readonly signal?: AbortSignal;
  readonly log?: Logger;
  readonly progress?: Progress;
  /** Tree-sitter for replies and candidates; defaults to the bundle's `dist/wasm` (the CLI's and the extension's). */
  readonly parser?: ParserHost;
}

/** One candidate the agent tried, with its judgement and how it was made. */
export interface Attempt {
  readonly candidate: Candidate;
  /** Null when it was rejected before running (did not parse, changed the signature, a racy clause set). */
  readonly evidence: Evidence | null;
  /** Why it was rejected before running, fed back to the model. */
  readonly rejectedBecause?: string;
  readonly generation?: number;
  readonly fitness: number;
}

/** What an agent run returns: the best verified candidate (null when none verified), everything tried, and what it cost. */
export interface AgentResult {
  readonly best: Attempt | null;
  readonly attempts: readonly Attempt[];
  readonly tokens: TokenUsage;
  /** Why the run stopped: budget, generations done, cancelled, verified. */
  readonly stoppedBecause: string;
  /** The provider failure that ended the run early, if one did (its message never holds the key). */
  readonly error?: { readonly kind: LlmError['kind']; readonly message: string };
}

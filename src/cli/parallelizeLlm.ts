import { llmParallelize, openAiProvider, type AgentResult, type Attempt, type LlmProvider } from '../core/agent';
import type { CandidateTarget } from '../core/model';
import { createSession, type VerifySettings } from '../core/pipeline';
import { formatEvidence, type CompilerFamily } from '../core/runner';
import { EXIT, UserError } from './errors';
import { bundledParserHost } from './host';
import { readSourceFile, writeOutputFile } from './input';
import { countList, oneOf } from './options';
import type { CliContext, Verb } from './verb';

/**
 * The LLM engine of `paraforge parallelize` (`--engine llm`) and the provider flags `evolve` shares:
 * one proposal from an OpenAI-compatible endpoint with repair rounds, every candidate judged by the
 * gate. The API key comes only from OPENAI_API_KEY (a flag would show it in `ps` and shell history).
 */

/** Flags for reaching a model; `parallelize` and `evolve` both take them. */
export const LLM_OPTIONS: Verb['options'] = {
  engine: { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  stream: { type: 'boolean' },
  'llm-timeout': { type: 'string' },
  rounds: { type: 'string' },
};

/** How to add a model, for messages where none is configured. */
export const HOW_TO_ADD_LLM =
  'add an OpenAI-compatible endpoint with --base-url URL --model NAME (or OPENAI_BASE_URL and OPENAI_MODEL; the key, if the endpoint needs one, in OPENAI_API_KEY); see docs/LLM.md for vLLM, Ollama, llama.cpp, LM Studio and OpenAI';

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The provider the flags and environment describe, or null when none is configured. */
export function providerFromFlags(values: Values, env: NodeJS.ProcessEnv = process.env): LlmProvider | null {
  const baseURL = (values['base-url'] as string | undefined) ?? env.OPENAI_BASE_URL;
  const model = (values.model as string | undefined) ?? env.OPENAI_MODEL;
  if (!model) {
    if (values['base-url']) throw new UserError(`--base-url needs --model NAME (the model the endpoint serves)`);
    return null;
  }
  const timeout = values['llm-timeout'] === undefined ? undefined : Number(values['llm-timeout']);
  if (timeout !== undefined && !(timeout > 0)) throw new UserError(`--llm-timeout wants seconds > 0, got '${values['llm-timeout']}'`);
  if (baseURL !== undefined && !/^https?:\/\//.test(baseURL)) throw new UserError(`--base-url wants an http(s) URL such as http://127.0.0.1:8000/v1, got '${baseURL}'`);
  return openAiProvider({ baseURL, apiKey: env.OPENAI_API_KEY, model, stream: Boolean(values.stream), timeoutMs: timeout === undefined ? undefined : timeout * 1000 });
}

/** The verification settings common flags describe (threads checked, compiler, race check, program args). */
export function settingsFromFlags(values: Values, args: readonly string[]): VerifySettings {
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UserError(`--timeout wants seconds > 0, got '${values.timeout}'`);
  const repeats = values.repeats === undefined ? undefined : Number(values.repeats);
  if (repeats !== undefined && !(Number.isInteger(repeats) && repeats >= 1)) throw new UserError(`--repeats wants an integer ≥ 1, got '${values.repeats}'`);
  return {
    threads: countList('threads', values.threads),
    compiler: oneOf<CompilerFamily>('compiler', values.compiler, ['gcc', 'clang']),
    args,
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    ...(repeats !== undefined ? { repeats } : {}),
    ...(values['no-race-check'] ? { raceCheck: false } : {}),
  };
}

/** One attempt as JSON: the candidate's lineage and its judgement, without the whole text. */
export function attemptJson(a: Attempt): Record<string, unknown> {
  return {
    id: a.candidate.id,
    origin: a.candidate.origin,
    parent: a.candidate.parent,
    operator: a.candidate.operator ?? null,
    promptId: a.candidate.promptId ?? null,
    generation: a.generation ?? null,
    description: a.candidate.description,
    verdict: a.evidence?.verdict ?? 'rejected',
    summary: a.evidence?.summary ?? a.rejectedBecause ?? null,
    fitness: a.fitness,
  };
}

/** The verdict a run ends with: the best candidate's, else the last judged one's, else 'rejected' (nothing ran). */
export function finalVerdict(r: AgentResult): string {
  if (r.best?.evidence) return r.best.evidence.verdict;
  const judged = r.attempts.filter((a) => a.evidence);
  return judged.length ? judged[judged.length - 1].evidence!.verdict : 'rejected';
}

/** `paraforge parallelize FILE --engine llm …`: the LLM engine; returns the exit code. */
export async function runParallelizeLlm(values: Values, positionals: string[], ctx: CliContext): Promise<number> {
  if (positionals.length < 1) throw new UserError('parallelize takes FILE');
  const functionName = values.function as string | undefined;
  if (!functionName) throw new UserError('--engine llm rewrites one function: pass --function NAME');
  const target = oneOf<CandidateTarget>('target', values.target ?? 'openmp', ['openmp', 'mpi', 'cuda']) ?? 'openmp';
  const provider = providerFromFlags(values);
  if (!provider) throw new UserError(`--engine llm needs a model: ${HOW_TO_ADD_LLM}`);
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 0)) throw new UserError(`--rounds wants an integer ≥ 0, got '${values.rounds}'`);
  const file = positionals[0];
  const source = readSourceFile(file, { language: values.language as string | undefined });
  const result = await llmParallelize(
    { source: { path: source.path, language: source.language, text: source.text, version: null }, functionName, target },
    provider,
    { session: createSession(), settings: settingsFromFlags(values, positionals.slice(1)), signal: ctx.signal, log: ctx.log, progress: { report: (m) => ctx.log.info(m) }, parser: bundledParserHost() },
    { maxRounds: rounds },
  );
  if (result.error && result.attempts.length === 0 && result.error.kind !== 'cancelled') throw new UserError(result.error.message, EXIT.failed);
  const best = result.best;
  const out = values.out as string | undefined;
  if (out && best) {
    writeOutputFile(out, best.candidate.text);
  }
  const verdict = finalVerdict(result);
  if (values.json) {
    ctx.stdout(
      `${JSON.stringify(
        {
          file,
          function: functionName,
          target,
          engine: 'llm',
          provider: provider.name,
          verdict,
          verified: verdict === 'verified',
          stoppedBecause: result.stoppedBecause,
          tokens: result.tokens,
          out: out && best ? out : null,
          candidate: best ? { ...attemptJson(best), edits: best.candidate.edits, ...(out ? {} : { source: best.candidate.text }) } : null,
          evidence: best?.evidence ?? null,
          attempts: result.attempts.map(attemptJson),
          ...(result.error ? { error: result.error } : {}),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    if (best && !out) ctx.stdout(best.candidate.text);
    const lines = [`paraforge: ${file} (${functionName}): ${provider.name}: ${verdict === 'verified' ? 'VERIFIED' : `no verified rewrite (${verdict})`} — ${result.stoppedBecause}; ${result.tokens.promptTokens + result.tokens.completionTokens} tokens`];
    for (const a of result.attempts) lines.push(`  ${a.candidate.operator ?? ''} ${a.candidate.id}: ${a.evidence ? `${a.evidence.verdict}: ${a.evidence.summary}` : `refused: ${a.rejectedBecause}`}`);
    if (best?.evidence) lines.push(formatEvidence(file, best.evidence));
    process.stderr.write(`${lines.join('\n')}\n`);
  }
  return verdict === 'verified' ? EXIT.ok : EXIT.failed;
}

import OpenAI from 'openai';
import { LlmError, type ChatMessage, type LlmProvider, type TokenUsage } from './api';

/** How to reach an OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio). */
export interface OpenAiProviderSettings {
  /** e.g. `http://127.0.0.1:8000/v1`; the SDK's default (api.openai.com) when absent. */
  readonly baseURL?: string;
  /** Local servers need none; a placeholder is sent then (the SDK insists on one). */
  readonly apiKey?: string;
  readonly model: string;
  /** Per request, each retry included anew (default 120 s). */
  readonly timeoutMs?: number;
  /** Retries on 429, 5xx, timeouts and connection errors, with the SDK's exponential backoff (default 2). */
  readonly maxRetries?: number;
  /** Stream the reply (server-sent events); the text is the same either way. */
  readonly stream?: boolean;
  /** Sampling temperature (default 0.2: proposals should be reproducible-ish). */
  readonly temperature?: number;
}

/** Replaces every occurrence of the key (and of its long tail, which some servers echo) in a message. */
export function redactKey(message: string, apiKey: string | undefined): string {
  if (!apiKey || apiKey.length < 4) return message;
  let out = message.split(apiKey).join('***');
  // Servers echo keys partly ("sk-abc...wxyz"): also hide any 8-character piece of it.
  if (apiKey.length >= 8) {
    for (let i = 0; i + 8 <= apiKey.length; i += 4) out = out.split(apiKey.slice(i, i + 8)).join('***');
  }
  return out;
}

function where(settings: OpenAiProviderSettings): string {
  return settings.baseURL ?? 'https://api.openai.com/v1';
}

/** Maps an SDK failure to an LlmError with a message that says what to do; never includes the key. */
export function toLlmError(e: unknown, settings: OpenAiProviderSettings, signal?: AbortSignal): LlmError {
  const url = where(settings);
  const retries = settings.maxRetries ?? 2;
  const make = (message: string, kind: LlmError['kind']) => new LlmError(redactKey(message, settings.apiKey), kind);
  if (e instanceof LlmError) return make(e.message, e.kind);
  if (signal?.aborted || e instanceof OpenAI.APIUserAbortError) return make('the request to the model was cancelled', 'cancelled');
  if (e instanceof OpenAI.APIConnectionTimeoutError) {
    return make(`no reply from ${url} within ${((settings.timeoutMs ?? 120_000) / 1000).toFixed(0)} s (tried ${retries + 1} times): is the model loaded? raise the timeout for slow local models`, 'timeout');
  }
  if (e instanceof OpenAI.APIConnectionError) {
    const cause = (e as { cause?: { message?: string; code?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? e.message;
    return make(`cannot reach ${url} (${why}; tried ${retries + 1} times): is the server running, and does the base URL end in /v1?`, 'unreachable');
  }
  if (e instanceof OpenAI.APIError) {
    const status = e.status ?? 0;
    const detail = (e.message || '').replace(/\s+/g, ' ').slice(0, 300);
    if (status === 401 || status === 403) return make(`${url} refused the API key (${status}): set OPENAI_API_KEY (or the editor's stored key) to a key this endpoint accepts`, 'auth');
    if (status === 429) return make(`${url} is rate-limiting requests (429, still after ${retries} retries): wait, or lower the evolve population`, 'rate-limited');
    if (status === 404) return make(`${url} answered 404 for model '${settings.model}': check the base URL (it usually ends in /v1) and that the model is served there (${detail})`, 'server');
    if (status >= 500) return make(`${url} failed with ${status} (after ${retries} retries): ${detail}`, 'server');
    return make(`${url} rejected the request (${status}): ${detail}`, 'bad-reply');
  }
  return make(`the model call failed: ${(e as Error)?.message ?? String(e)}`, 'server');
}

/** Rejects as soon as the signal aborts (the SDK's retry sleeps do not watch it). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new OpenAI.APIUserAbortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new OpenAI.APIUserAbortError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** An LlmProvider over the `openai` SDK for any OpenAI-compatible chat-completions endpoint. */
export function openAiProvider(settings: OpenAiProviderSettings): LlmProvider {
  const client = new OpenAI({
    baseURL: settings.baseURL,
    // Local servers ignore the key, but the SDK requires one: send a placeholder, never an env key by surprise.
    apiKey: settings.apiKey || 'no-key',
    timeout: settings.timeoutMs ?? 120_000,
    maxRetries: settings.maxRetries ?? 2,
  });
  const name = `openai-compatible ${where(settings)} (model ${settings.model})`;
  return {
    name,
    async complete(messages: readonly ChatMessage[], options: { readonly signal?: AbortSignal; readonly maxTokens?: number }) {
      const body = {
        model: settings.model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        temperature: settings.temperature ?? 0.2,
        ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
      };
      try {
        if (settings.stream) {
          return await abortable(
            (async () => {
              const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal: options.signal });
              let text = '';
              let usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
              for await (const chunk of stream) {
                text += chunk.choices[0]?.delta?.content ?? '';
                if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens ?? 0, completionTokens: chunk.usage.completion_tokens ?? 0 };
              }
              if (!text) throw new LlmError(`${where(settings)} streamed an empty reply`, 'bad-reply');
              return { text, usage };
            })(),
            options.signal,
          );
        }
        const reply = await abortable(client.chat.completions.create({ ...body, stream: false }, { signal: options.signal }), options.signal);
        const text = reply.choices[0]?.message?.content ?? '';
        if (!text) throw new LlmError(`${where(settings)} returned an empty reply`, 'bad-reply');
        return { text, usage: { promptTokens: reply.usage?.prompt_tokens ?? 0, completionTokens: reply.usage?.completion_tokens ?? 0 } };
      } catch (e) {
        throw toLlmError(e, settings, options.signal);
      }
    },
  };
}

/** Sums the tokens of every completion a provider makes (one meter per agent run). */
export interface TokenMeter {
  readonly provider: LlmProvider;
  readonly used: () => TokenUsage;
}

/** Wraps a provider so each completion's usage is added to a per-run total. */
export function meteredProvider(inner: LlmProvider): TokenMeter {
  let promptTokens = 0;
  let completionTokens = 0;
  return {
    provider: {
      name: inner.name,
      async complete(messages, options) {
        const r = await inner.complete(messages, options);
        promptTokens += r.usage.promptTokens;
        completionTokens += r.usage.completionTokens;
        return r;
      },
    },
    used: () => ({ promptTokens, completionTokens }),
  };
}

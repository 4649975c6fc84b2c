import { afterEach, describe, expect, it } from 'vitest';
import { LlmError, meteredProvider, openAiProvider } from '../../../src/core/agent';
import { startScriptedServer, type ScriptedServer } from '../../helpers/scriptedLlmServer';

const KEY = 'sk-test-0123456789abcdefSECRET';
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ask = [{ role: 'user' as const, content: 'hello' }];

describe('openAiProvider (real openai client, scripted server)', () => {
  it('completes without streaming, sends the key as a bearer token, and counts tokens', async () => {
    server = await startScriptedServer([{ reply: 'plain answer' }, { reply: 'second' }]);
    const meter = meteredProvider(openAiProvider({ baseURL: server.baseURL, apiKey: KEY, model: 'm1' }));
    const r = await meter.provider.complete(ask, {});
    expect(r.text).toBe('plain answer');
    expect(r.usage.completionTokens).toBeGreaterThan(0);
    await meter.provider.complete(ask, {});
    expect(meter.used().promptTokens).toBeGreaterThan(r.usage.promptTokens);
    expect(server.requests[0].authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[0].body.model).toBe('m1');
    expect(server.requests[0].body.stream).toBeFalsy();
  });

  it('streams (server-sent events) to the same text, with usage from the last chunk', async () => {
    const long = 'line one of a longer streamed reply\n```c\nint f(void) { return 1; }\n```\n';
    server = await startScriptedServer([{ reply: long }]);
    const r = await openAiProvider({ baseURL: server.baseURL, model: 'm', stream: true }).complete(ask, {});
    expect(r.text).toBe(long);
    expect(r.usage.completionTokens).toBeGreaterThan(0);
    expect(server.requests[0].body.stream).toBe(true);
  });

  it('retries a 429 (honouring retry-after-ms) and then succeeds', async () => {
    server = await startScriptedServer([{ status: 429, headers: { 'retry-after-ms': '20' } }, { reply: 'after the rate limit' }]);
    const r = await openAiProvider({ baseURL: server.baseURL, model: 'm', maxRetries: 2 }).complete(ask, {});
    expect(r.text).toBe('after the rate limit');
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on a 5xx after its retries with a server error that names the endpoint', async () => {
    server = await startScriptedServer([{ status: 503, headers: { 'retry-after-ms': '5' } }]);
    const e = await openAiProvider({ baseURL: server.baseURL, model: 'm', maxRetries: 1 }).complete(ask, {}).catch((x) => x);
    expect(e).toBeInstanceOf(LlmError);
    expect(e.kind).toBe('server');
    expect(e.message).toContain(server.baseURL);
    expect(server.requests).toHaveLength(2);
  });

  it('times out a server that does not answer, as a timeout error', async () => {
    server = await startScriptedServer([{ reply: 'too late', delayMs: 5_000 }]);
    const e = await openAiProvider({ baseURL: server.baseURL, model: 'm', timeoutMs: 200, maxRetries: 0 }).complete(ask, {}).catch((x) => x);
    expect(e).toBeInstanceOf(LlmError);
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/no reply .* within/);
  });

  it('stops promptly when cancelled, also while the SDK waits to retry', async () => {
    server = await startScriptedServer([{ status: 429, headers: { 'retry-after': '30' } }]);
    const controller = new AbortController();
    const pending = openAiProvider({ baseURL: server.baseURL, model: 'm', maxRetries: 3 }).complete(ask, { signal: controller.signal }).catch((x) => x);
    setTimeout(() => controller.abort(), 100);
    const e = await pending;
    expect(e).toBeInstanceOf(LlmError);
    expect(e.kind).toBe('cancelled');
  });

  it('maps a refused key to auth, an unreachable port to unreachable, and never puts the key in a message', async () => {
    server = await startScriptedServer([{ status: 401 }]);
    const auth = await openAiProvider({ baseURL: server.baseURL, apiKey: KEY, model: 'm' }).complete(ask, {}).catch((x) => x);
    expect(auth.kind).toBe('auth');
    expect(auth.message).toMatch(/OPENAI_API_KEY/);
    const gone = await openAiProvider({ baseURL: 'http://127.0.0.1:9/v1', apiKey: KEY, model: 'm', maxRetries: 0 }).complete(ask, {}).catch((x) => x);
    expect(gone.kind).toBe('unreachable');
    for (const m of [auth.message, gone.message, String(auth.stack), String(gone.stack)]) {
      expect(m).not.toContain(KEY);
      expect(m).not.toContain('SECRET');
    }
  });
});

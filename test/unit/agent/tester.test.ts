import { afterEach, describe, expect, it } from 'vitest';
import { llmParallelize, openAiProvider } from '../../../src/core/agent';
import type { CandidateSource } from '../../../src/core/model';
import { createSession } from '../../../src/core/pipeline';
import { testParserHost } from '../../helpers/paths';
import { startScriptedServer, type ScriptedServer } from '../../helpers/scriptedLlmServer';

const parser = testParserHost();
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// A struct parameter: the generated harness cannot drive it, so the model is asked for one.
const VEC = `typedef struct { double *v; int n; } vec;

void scale_vec(vec *a, double k) {
  for (int i = 0; i < a->n; i++) a->v[i] *= k;
}
`;
const source: CandidateSource = { path: null, language: 'c', text: VEC, version: null };

describe('the Tester (model-written harness)', () => {
  it('refuses a harness that never calls the function, accepts one that drives it deterministically, and the candidate verifies through it', async () => {
    server = await startScriptedServer([{ reply: '@vec-pragma.md' }, { reply: '@vec-harness-nocall.md' }, { reply: '@vec-harness.md' }]);
    const provider = openAiProvider({ baseURL: server.baseURL, model: 'scripted' });
    const r = await llmParallelize(
      { source, functionName: 'scale_vec', target: 'openmp' },
      provider,
      { session: createSession(), settings: { threads: [1, 2], timingThreads: [2], repeats: 1, timeoutMs: 20_000 }, parser },
    );
    expect(server.requests).toHaveLength(3);
    expect(server.requests[1].body.messages[1].content).toMatch(/cannot generate a test driver for `scale_vec`/);
    expect(server.requests[2].body.messages.at(-1)!.content).toMatch(/harness was refused: the harness never calls `scale_vec`/);
    expect(r.attempts).toHaveLength(1);
    expect(r.best?.evidence?.verdict).toBe('verified');
    expect(r.best?.evidence?.log).toMatch(/user harness harness1\.c/);
  }, 300_000);
});

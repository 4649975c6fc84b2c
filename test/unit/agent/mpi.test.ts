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

const SERIAL = `#include <stdio.h>

double sumsq(long n) {
  double s = 0.0;
  for (long i = 0; i < n; i++) s += (double)i * (double)i;
  return s;
}

int main(void) {
  printf("sum = %.10e\\n", sumsq(200000));
  return 0;
}
`;
const source: CandidateSource = { path: null, language: 'c', text: SERIAL, version: null };

describe('MPI strategy (whole file, mpirun)', () => {
  it('sends the whole file, feeds back the rank count whose output differs, and verifies the fixed program at 1, 2 and 4 ranks', async () => {
    server = await startScriptedServer([{ reply: '@mpi-every-rank-prints.md' }, { reply: '@mpi-fixed.md' }]);
    const provider = openAiProvider({ baseURL: server.baseURL, model: 'scripted' });
    const r = await llmParallelize({ source, functionName: 'sumsq', target: 'mpi' }, provider, { session: createSession(), settings: { ranks: [1, 2, 4], repeats: 1, timeoutMs: 30_000 }, parser });
    expect(server.requests[0].body.messages[1].content).toMatch(/whole file[\s\S]*int main\(void\)[\s\S]*MPI_Init/);
    expect(r.attempts.map((a) => a.evidence?.verdict)).toEqual(['wrong-output', 'verified']);
    expect(server.requests[1].body.messages.at(-1)!.content).toMatch(/different results[\s\S]*2 ranks/);
    expect(r.best?.candidate.region.functionName).toBeNull();
    expect(r.best?.evidence?.tests.map((t) => t.ranks)).toEqual([1, 2, 4]);
  }, 300_000);
});

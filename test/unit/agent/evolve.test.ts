import { afterEach, describe, expect, it } from 'vitest';
import { evolve, openAiProvider, parseOmp, seededRng, selectSurvivors, tournamentPick, type AgentContext, type Attempt } from '../../../src/core/agent';
import type { Candidate, CandidateSource } from '../../../src/core/model';
import { createSession } from '../../../src/core/pipeline';
import { testParserHost } from '../../helpers/paths';
import { startScriptedServer, type ScriptedServer } from '../../helpers/scriptedLlmServer';

/**
 * The evolve loop with deterministic mutations and the real gate. Wall-clock speedups on a shared
 * 2-core machine are noise, so the fitness here is a deterministic simulation of the schedule on the
 * kernel's triangular work at 16 threads (the real timing is in `node bench/run.mjs evolve`).
 */

const parser = testParserHost();
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const TRI = `#include <stdio.h>
#include <stdlib.h>
static void lower(int n, const double *restrict x, double *restrict out) {
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int j = 0; j <= i; j++) s += x[j] * (double)i;
    out[i] = s;
  }
}
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 700;
  double *x = malloc(sizeof(double) * n), *out = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) x[i] = (i % 13) * 0.5;
  lower(n, x, out);
  for (int i = 0; i < n; i += 97) printf("%d %.17g\\n", i, out[i]);
  free(x);
  free(out);
  return 0;
}
`;
const source: CandidateSource = { path: null, language: 'c', text: TRI, version: null };
const ctx = (extra: Partial<AgentContext> = {}): AgentContext => ({
  session: createSession({ maxConcurrent: 1 }),
  settings: { threads: [1, 2], timingThreads: [2], repeats: 1, timeoutMs: 20_000 },
  parser,
  ...extra,
});

/** Speedup of the candidate's schedule on rows of cost i+1 at 16 threads, with a cost per dynamic chunk: a stand-in for timing. */
function simulatedSpeedup(c: Candidate): number {
  const line = c.text.split('\n').find((l) => l.includes('#pragma omp'));
  const p = line ? parseOmp(line.trim()) : null;
  if (!p) return 1;
  const n = 2000;
  const T = 16;
  const sched = (p.clauses.find((x) => x.name === 'schedule')?.arg ?? 'static').replace(/\s/g, '');
  const [kind, chunkText] = sched.split(',');
  const chunk = chunkText ? Number(chunkText) : kind === 'static' ? Math.ceil(n / T) : 1;
  const load = new Array<number>(T).fill(0);
  const overhead = kind === 'static' ? 0 : 40;
  let i = 0;
  let turn = 0;
  while (i < n) {
    const size = kind === 'guided' ? Math.max(chunk, Math.ceil((n - i) / T)) : chunk;
    let work = 0;
    for (let k = i; k < Math.min(n, i + size); k++) work += k + 1;
    const who = kind === 'static' ? turn++ % T : load.indexOf(Math.min(...load));
    load[who] += work + overhead;
    i += size;
  }
  return (n * (n + 1)) / 2 / Math.max(...load);
}

describe('evolve (deterministic mutations, real gate)', () => {
  it('improves the load-imbalanced kernel over its first verified candidate, with lineage on every candidate', async () => {
    const r = await evolve(
      { source, functionName: 'lower', target: 'openmp' },
      { generations: 3, population: 3, seed: 5, budget: { candidates: 10 }, fitness: (e, c) => (e.verdict === 'verified' ? simulatedSpeedup(c) : 0) },
      ctx(),
    );
    const first = r.firstPassing!;
    expect(first.candidate.origin).toBe('rules');
    expect(first.evidence?.verdict).toBe('verified');
    expect(r.evaluated).toBeLessThanOrEqual(10);
    const best = r.best!;
    expect(best.evidence?.verdict).toBe('verified');
    expect(best.fitness).toBeGreaterThan(first.fitness);
    expect(best.candidate.origin).toBe('evolve');
    // A schedule that spreads the triangular rows: chunked dynamic/guided, or round-robin static chunks.
    expect(best.candidate.text).toMatch(/schedule\((dynamic|guided|static),\d+\)|schedule\(guided\)/);
    // Lineage: every evolved candidate names its parent and operator; the chain ends at the rules candidate.
    const byId = new Map(r.attempts.map((a) => [a.candidate.id, a.candidate]));
    let c: Candidate | undefined = best.candidate;
    while (c && c.parent) {
      expect(c.operator).toBeTruthy();
      c = byId.get(c.parent);
    }
    expect(c?.id).toBe(first.candidate.id);
    // Edits against the original reproduce the text the gate judged.
    const e = best.candidate.edits[0];
    expect(TRI.slice(0, e.startOffset) + e.newText + TRI.slice(e.endOffset)).toBe(best.candidate.text);
    // The same seed proposes the same candidates (ids are content hashes).
    expect(new Set(r.attempts.map((a) => a.candidate.id)).size).toBe(r.attempts.length);
  }, 300_000);

  it('stops promptly when cancelled and returns the best verified so far', async () => {
    const controller = new AbortController();
    const r = await evolve(
      { source, functionName: 'lower', target: 'openmp' },
      { generations: 5, population: 4, seed: 1 },
      ctx({ signal: controller.signal, progress: { report: (m) => m.startsWith('generation 1') && controller.abort() } }),
    );
    expect(r.stoppedBecause).toBe('cancelled');
    expect(r.best?.candidate.origin).toBe('rules');
    expect(r.best?.evidence?.verdict).toBe('verified');
    expect(r.attempts.filter((a) => a.generation === 1 && a.evidence)).toHaveLength(0);
  }, 300_000);

  it('with a provider, children also come from the model (lineage: operator, parent, prompt id) and the token budget stops the run', async () => {
    server = await startScriptedServer([{ reply: '@lower-chunked.md' }]);
    const provider = openAiProvider({ baseURL: server.baseURL, model: 'scripted' });
    const r = await evolve(
      { source, functionName: 'lower', target: 'openmp' },
      { generations: 3, population: 2, seed: 2, provider, llmShare: 1, budget: { tokens: 1 }, fitness: (e, c) => (e.verdict === 'verified' ? simulatedSpeedup(c) : 0) },
      ctx(),
    );
    const llm = r.attempts.filter((a) => a.candidate.operator === 'llm-rewrite');
    expect(llm.length).toBeGreaterThan(0);
    expect(llm[0].candidate.origin).toBe('evolve');
    expect(llm[0].candidate.parent).toBe(r.firstPassing!.candidate.id);
    expect(llm[0].candidate.promptId).toMatch(/^restructure-/);
    expect(llm[0].evidence?.verdict).toBe('verified');
    expect(server.requests[0].body.messages.at(-1)!.content).toMatch(/The current version was judged: It is correct\. Speedup/);
    expect(r.tokens.completionTokens).toBeGreaterThan(0);
    expect(r.stoppedBecause).toBe('token budget (1) spent');
    expect(r.generations).toBe(1);
  }, 300_000);

  it('selection: tournaments favour the fitter, survivors keep the elites and distinct texts', () => {
    const mk = (f: number, t: string) => ({ fitness: f, candidate: { text: t } }) as unknown as Attempt;
    const pool = [mk(1, 'a'), mk(3, 'b'), mk(2, 'c'), mk(3, 'b'), mk(0, 'd')];
    const rng = seededRng(3);
    const wins = Array.from({ length: 200 }, () => tournamentPick(pool, 3, rng).fitness);
    expect(wins.filter((w) => w === 3).length).toBeGreaterThan(wins.filter((w) => w === 0).length);
    const next = selectSurvivors(pool, 3, 1, 2, seededRng(1));
    expect(next[0].candidate.text).toBe('b');
    expect(new Set(next.map((a) => a.candidate.text)).size).toBe(3);
  });
});

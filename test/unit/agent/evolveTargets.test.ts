import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evolve, openAiProvider, type AgentContext } from '../../../src/core/agent';
import { packCudaCandidate } from '../../../src/core/agent/cudaPack';
import type { CandidateSource } from '../../../src/core/model';
import { createSession } from '../../../src/core/pipeline';
import { CLI, fixture, testParserHost } from '../../helpers/paths';
import { startScriptedServer, type ScriptedServer } from '../../helpers/scriptedLlmServer';

/**
 * Evolve for MPI and CUDA: model mutations only (no deterministic ones exist for them). MPI members
 * are judged under mpirun at 1, 2 and 4 ranks and their fitness is the speedup at the target rank
 * count; CUDA members are compiled with nvcc here and judged not-run (no GPU), never verified.
 */

const parser = testParserHost();
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const read = (name: string): CandidateSource => ({ path: fixture(`llm/${name}`), language: name.endsWith('.cu') ? 'cuda-cpp' : 'c', text: fs.readFileSync(fixture(`llm/${name}`), 'utf8'), version: null });
const ctx = (settings: AgentContext['settings']): AgentContext => ({ session: createSession({ maxConcurrent: 1 }), settings, parser });

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, OPENAI_BASE_URL: '', OPENAI_MODEL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('evolve --target mpi', () => {
  it('repairs the wrong MPI member from its mpirun feedback; the fitness is the speedup at 4 ranks', async () => {
    server = await startScriptedServer([{ reply: '@mpi-every-rank-prints.md' }, { reply: '@mpi-fixed.md' }]);
    const provider = openAiProvider({ baseURL: server.baseURL, model: 'scripted' });
    const r = await evolve({ source: read('sumsq.c'), functionName: 'sumsq', target: 'mpi' }, { generations: 1, population: 2, seed: 1, provider, budget: { candidates: 4 } }, ctx({ ranks: [1, 2, 4], repeats: 1, timeoutMs: 30_000 }));
    expect(r.attempts[0].evidence?.verdict).toBe('wrong-output');
    expect(server.requests[1].body.messages.at(-1)!.content).toMatch(/different results[\s\S]*2 ranks/);
    const best = r.best!;
    expect(best.evidence?.verdict).toBe('verified');
    expect(best.evidence?.tests.map((t) => t.ranks)).toEqual([1, 2, 4]);
    expect(best.fitness).toBe(best.evidence!.timings.find((t) => t.ranks === 4)!.speedup);
    // Generation 1 asked the model again (an MPI prompt: the whole file), never a pragma mutation.
    expect(r.attempts.some((a) => a.generation === 1 && a.candidate.operator === 'llm-rewrite')).toBe(true);
    expect(r.attempts.every((a) => !a.candidate.operator || !/schedule|collapse|simd|interchange|tiling/.test(a.candidate.operator))).toBe(true);
  }, 300_000);

  it('without a model does nothing and says MPI/CUDA evolve needs one; the CLI exits 2', async () => {
    for (const target of ['mpi', 'cuda'] as const) {
      const r = await evolve({ source: read('sumsq.c'), functionName: 'sumsq', target }, { generations: 1 }, ctx({}));
      expect(r.stoppedBecause).toMatch(new RegExp(`evolve for ${target} needs an LLM endpoint`));
      expect(r.evaluated).toBe(0);
      expect(r.best).toBeNull();
    }
    const c = await cli(['evolve', fixture('llm/sumsq.c'), '--function', 'sumsq', '--target', 'mpi']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/MPI\/CUDA evolve needs an LLM[\s\S]*--base-url URL --model NAME/);
  }, 120_000);
});

describe('evolve --target cuda (nvcc here, no GPU)', () => {
  it('compiles the model’s CUDA members and reports them not-run, never verified; --pack-dir packs them for a GPU machine', async () => {
    server = await startScriptedServer([{ reply: '@cuda-saxpy.md' }, { reply: '@cuda-saxpy-offbyone.md' }]);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cuda-pack-'));
    try {
      const c = await cli(['evolve', fixture('llm/vscale.cu'), '--function', 'saxpy', '--target', 'cuda', '--generations', '1', '--population', '2', '--budget-candidates', '3', '--base-url', server.baseURL, '--model', 'scripted', '--pack-dir', out, '--json']);
      expect(c.code).toBe(1);
      const json = JSON.parse(c.stdout);
      expect(json.verdict).not.toBe('verified');
      expect(json.best).toBeNull();
      const judged = json.attempts.filter((a: { verdict: string }) => a.verdict !== 'rejected');
      expect(judged.length).toBeGreaterThanOrEqual(2);
      for (const a of judged) {
        expect(a.verdict).toBe('not-run');
        expect(a.summary).toBe('compiled, not run: no GPU');
        expect(a.fitness).toBe(0);
      }
      expect(json.compiledNotRun).toHaveLength(judged.length);
      expect(json.packed).toHaveLength(judged.length);
      const texts = json.packed.map((d: string) => fs.readFileSync(path.join(d, 'candidate/vscale.cu'), 'utf8'));
      expect(texts.some((t: string) => t.includes('i <= n'))).toBe(true);
      for (const d of json.packed) {
        expect(fs.readFileSync(path.join(d, 'units'), 'utf8')).toBe('vscale.cu\n');
        expect(fs.readFileSync(path.join(d, 'original/vscale.cu'), 'utf8')).toBe(fs.readFileSync(fixture('llm/vscale.cu'), 'utf8'));
        expect(fs.readFileSync(path.join(d, 'candidate/vscale.cu'), 'utf8')).toMatch(/__global__ void saxpy_kernel[\s\S]*void saxpy\(int n, float a, const float \*x, float \*y\)/);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);

  it('packs a function-level CUDA candidate with the driver the gate generates', async () => {
    const text = fs.readFileSync(fixture('llm/vscale.cu'), 'utf8').replace(/int main[\s\S]*$/, '');
    const source: CandidateSource = { path: '/x/saxpy.cu', language: 'cuda-cpp', text, version: null };
    const reply = fs.readFileSync(fixture('llm/cuda-saxpy.md'), 'utf8').replace(/^[\s\S]*```cuda\n|```\s*$/g, '');
    const candText = text.replace(/void saxpy\([\s\S]*?\n}\n/, `#include <cstdlib>\n${reply}`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cuda-pack-'));
    try {
      const candidate = { id: 'c1', target: 'cuda', origin: 'llm', parent: null, source, region: { functionName: 'saxpy', range: null }, text: candText, edits: [], description: 'test' } as const;
      const p = await packCudaCandidate(out, source, candidate, 'saxpy', parser);
      expect(p.units.some((u) => u.startsWith('paraforge_driver_saxpy'))).toBe(true);
      expect(p.args.length).toBeGreaterThan(0);
      expect(fs.readFileSync(path.join(p.dir, 'args'), 'utf8').trim().split('\n')).toEqual([...p.args]);
      expect(fs.readdirSync(path.join(p.dir, 'original')).sort()).toEqual(fs.readdirSync(path.join(p.dir, 'candidate')).sort());
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, fixture } from '../../helpers/paths';
import { startScriptedServer, type ScriptedServer } from '../../helpers/scriptedLlmServer';

/** Runs the bundled CLI without blocking this process (the scripted server answers from here). */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, OPENAI_BASE_URL: '', OPENAI_MODEL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEY = 'sk-cli-test-key-0123456789';

describe('paraforge parallelize --engine llm', () => {
  it('proposes, repairs and verifies through the real CLI; --json has the final verdict and the lineage; the key stays out', async () => {
    server = await startScriptedServer([{ reply: '@dot-racy.md' }, { reply: '@dot-fixed.md' }]);
    const r = await cli(['parallelize', fixture('llm/dot.c'), '--function', 'dot', '--target', 'openmp', '--engine', 'llm', '--base-url', server.baseURL, '--model', 'scripted', '--verify', '--json'], { OPENAI_API_KEY: KEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.verdict).toBe('verified');
    expect(json.evidence.verdict).toBe('verified');
    expect(json.attempts.map((a: { verdict: string }) => a.verdict)).toEqual(['rejected', 'verified']);
    expect(json.candidate.source).toContain('reduction(+:s)');
    expect(server.requests[0].authorization).toBe(`Bearer ${KEY}`);
    expect(r.stdout).not.toContain(KEY);
  }, 240_000);

  it('without a model says how to add one', async () => {
    const r = await cli(['parallelize', fixture('llm/dot.c'), '--function', 'dot', '--engine', 'llm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--engine llm needs a model: add an OpenAI-compatible endpoint with --base-url URL --model NAME/);
  });

  it('reports an unreachable endpoint as one clean line', async () => {
    const r = await cli(['parallelize', fixture('llm/dot.c'), '--function', 'dot', '--engine', 'llm', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--llm-timeout', '2'], { OPENAI_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^paraforge: cannot reach http:\/\/127\.0\.0\.1:9\/v1 .*is the server running/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain(KEY);
  }, 60_000);
});

describe('paraforge evolve', () => {
  it('works with no endpoint (deterministic mutations), says how to add one, and prints the best verified candidate with its lineage', async () => {
    const r = await cli(['evolve', fixture('llm/triangular.c'), '--function', 'lower', '--generations', '1', '--population', '2', '--budget-candidates', '3', '--threads', '2', '--repeats', '1', '--seed', '3', '--json']);
    expect(r.stderr).toMatch(/no LLM endpoint: deterministic mutations only/);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.verdict).toBe('verified');
    expect(json.engine).toBe('evolve (deterministic mutations)');
    expect(json.evaluated).toBeLessThanOrEqual(3);
    expect(json.first.origin).toBe('rules');
    expect(json.lineage[0].origin).toBe('rules');
    expect(json.lineage.at(-1).id).toBe(json.best.id);
    expect(json.candidatesPerMinute).toBeGreaterThan(0);
  }, 240_000);
});

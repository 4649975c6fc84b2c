import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmParallelize, openAiProvider } from '../../../src/core/agent';
import { createSession } from '../../../src/core/pipeline';
import { verifyProgram } from '../../../src/core/runner';
import { ROOT, fixture, testParserHost } from '../../helpers/paths';
import { startScriptedServer } from '../../helpers/scriptedLlmServer';
import { processesWith, survivorsAfter, uniqueMarker } from './processes';

// A real single-node Slurm (slurmctld + slurmd + munge) started by the project's own script.
// Sequential on purpose: the node has two CPUs and Slurm does not share them between jobs.
const DIR = path.join(os.tmpdir(), 'paraforge-slurm-vitest');
const env = { SLURM_CONF: `${DIR}/slurm.conf`, MUNGE_SOCKET: `${DIR}/run/munge/munge.socket.2` };
const slurm = { env, pollMs: 150 };

function jobState(id: string): string {
  const line = execFileSync('scontrol', ['show', 'job', '-o', id], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return /JobState=(\S+)/.exec(line)?.[1] ?? '?';
}

describe('Slurm backend', () => {
  beforeAll(() => {
    execFileSync('bash', [path.join(ROOT, 'scripts/slurm/start.sh'), DIR], { stdio: 'pipe', timeout: 60_000 });
  });
  afterAll(() => {
    execFileSync('bash', [path.join(ROOT, 'scripts/slurm/stop.sh'), DIR], { stdio: 'pipe', timeout: 60_000 });
    fs.rmSync(DIR, { recursive: true, force: true });
  });

  it('start.sh is idempotent', () => {
    const again = execFileSync('bash', [path.join(ROOT, 'scripts/slurm/start.sh'), DIR], { encoding: 'utf8' });
    expect(again).toMatch(/already up/);
  });

  it('verifies an OpenMP candidate through sbatch jobs', async () => {
    const ev = await verifyProgram({
      language: 'c',
      target: 'openmp',
      backend: 'slurm',
      slurm,
      threads: [1, 2],
      timingThreads: [2],
      repeats: 1,
      original: fixture('runner/sum_serial.c'),
      candidate: fixture('runner/sum_reduction.c'),
    });
    expect(ev.verdict, `${ev.summary}\n${ev.log}`).toBe('verified');
    expect(ev.backend).toBe('slurm');
    // A race the pragma check cannot see (through a helper): Archer finds it in a Slurm job.
    const race = await verifyProgram({ language: 'c', target: 'openmp', backend: 'slurm', slurm, threads: [2], repeats: 1, original: fixture('gate/whole/sum_serial.c'), candidate: fixture('gate/whole/race_helper.c') });
    expect(race.verdict, race.summary).toBe('race');
  });

  it('verifies MPI candidates through srun (pmix for OpenMPI, pmi2 for MPICH)', async () => {
    for (const mpi of ['openmpi', 'mpich'] as const) {
      const ev = await verifyProgram({ language: 'c', target: 'mpi', mpi, backend: 'slurm', slurm, ranks: [1, 2], repeats: 1, original: fixture('runner/mpi_sum_serial.c'), candidate: fixture('runner/mpi_sum.c') });
      expect(ev.verdict, `${mpi}: ${ev.summary}\n${ev.log}`).toBe('verified');
      expect(ev.tests.map((t) => t.ranks)).toEqual([1, 2]);
    }
    const wrong = await verifyProgram({ language: 'c', target: 'mpi', backend: 'slurm', slurm, ranks: [2], repeats: 1, original: fixture('runner/mpi_sum_serial.c'), candidate: fixture('runner/mpi_wrong.c') });
    expect(wrong.verdict).toBe('wrong-output');
    expect(wrong.tests[0].firstDifference).toMatch(/rank 0/);
  });

  it('judges LLM MPI candidates (scripted replies) through srun: the missing reduction is wrong at 2 ranks, the repaired one verified', async () => {
    const server = await startScriptedServer([{ reply: '@mpi-no-reduce.md' }, { reply: '@mpi-fixed.md' }]);
    try {
      const text = fs.readFileSync(fixture('llm/sumsq.c'), 'utf8');
      const r = await llmParallelize(
        { source: { path: null, language: 'c', text, version: null }, functionName: 'sumsq', target: 'mpi' },
        openAiProvider({ baseURL: server.baseURL, model: 'scripted' }),
        { session: createSession(), settings: { backend: 'slurm', slurm, ranks: [1, 2], repeats: 1, timeoutMs: 60_000 }, parser: testParserHost() },
      );
      const [wrong, fixed] = r.attempts;
      // Each rank's partial sum printed by rank 0: right at 1 rank, wrong at 2 — only running the ranks shows it.
      expect(wrong.evidence?.verdict, wrong.evidence?.summary).toBe('wrong-output');
      expect(wrong.evidence?.backend).toBe('slurm');
      expect(wrong.evidence?.tests.find((t) => t.ranks === 1)?.passed).toBe(true);
      expect(wrong.evidence?.tests.find((t) => t.ranks === 2)?.passed).toBe(false);
      expect(server.requests[1].body.messages.at(-1)!.content).toMatch(/2 ranks/);
      expect(fixed.evidence?.verdict, `${fixed.evidence?.summary}\n${fixed.evidence?.log}`).toBe('verified');
      expect(fixed.evidence?.backend).toBe('slurm');
      expect(fixed.evidence?.tests.map((t) => t.ranks)).toEqual([1, 2]);
      expect(r.best?.candidate.id).toBe(fixed.candidate.id);
    } finally {
      await server.close();
    }
  }, 300_000);

  it('cancelling scancels the job and leaves no process', async () => {
    const marker = uniqueMarker();
    const controller = new AbortController();
    const running = verifyProgram(
      { language: 'c', target: 'openmp', backend: 'slurm', slurm, threads: [1], raceCheck: false, args: [marker], original: fixture('runner/hello.c'), candidate: fixture('runner/infinite_loop.c') },
      { signal: controller.signal },
    );
    for (let i = 0; i < 150 && processesWith(marker).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(processesWith(marker).length).toBeGreaterThan(0);
    const ids = execFileSync('squeue', ['-h', '-o', '%i %j'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    controller.abort(new Error('cancelled by test'));
    await expect(running).rejects.toThrow(/cancelled by test/);
    expect(await survivorsAfter(marker, 10_000)).toEqual([]);
    const states = ids.split('\n').filter((l) => l.includes('paraforge-verify')).map((l) => jobState(l.split(' ')[0]));
    expect(states).toContain('CANCELLED');
  });

  it('a Slurm that is down gives not-run with a clear message', async () => {
    const ev = await verifyProgram({
      language: 'c',
      target: 'openmp',
      backend: 'slurm',
      slurm: { env: { SLURM_CONF: path.join(os.tmpdir(), 'no-such-slurm', 'slurm.conf') } },
      original: fixture('runner/sum_serial.c'),
      candidate: fixture('runner/sum_reduction.c'),
    });
    expect(ev.verdict).toBe('not-run');
    expect(ev.summary).toMatch(/Slurm is not reachable .*scripts\/slurm\/start\.sh/);
  });
  it('Slurm\'s own time limit kills a runaway job and the verdict says so', async () => {
    const marker = uniqueMarker();
    const ev = await verifyProgram({
      language: 'c',
      target: 'openmp',
      backend: 'slurm',
      slurm: { ...slurm, timeLimitMinutes: 1, schedulerEnforcesTimeLimit: true },
      threads: [1],
      raceCheck: false,
      timeoutMs: 600_000,
      args: [marker],
      original: fixture('runner/hello.c'),
      candidate: fixture('runner/infinite_loop.c'),
    });
    expect(ev.verdict, ev.summary).toBe('timeout');
    expect(ev.summary).toMatch(/Slurm time limit \(slurm job \d+ TIMEOUT\)/);
    expect(await survivorsAfter(marker, 10_000)).toEqual([]);
  }, 180_000);
});

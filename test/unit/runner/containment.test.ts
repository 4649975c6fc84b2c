import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { runLocal } from '../../../src/core/runner/backends/local';
import { compile } from '../../../src/core/runner/compile';
import { DEFAULT_LIMITS } from '../../../src/core/runner/sandbox';
import { discoverToolchains, planBuild } from '../../../src/core/runner/toolchains';
import { fixture } from '../../helpers/paths';
import { processesWith, survivorsAfter, uniqueMarker } from './processes';

// Real programs that misbehave, run through the real sandbox (bwrap + prlimit + nobody).
const base = { language: 'c' as const, target: 'openmp' as const, threads: [1], repeats: 1, raceCheck: false, original: fixture('runner/hello.c') };

describe('sandbox containment', () => {
  it('kills an infinite loop at the wall-clock limit and leaves no process', async () => {
    const marker = uniqueMarker();
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/infinite_loop.c'), args: [marker], timeoutMs: 1500 });
    expect(ev.verdict, ev.summary).toBe('timeout');
    expect(ev.summary).toMatch(/no result within 2 s|within 1 s|no result/);
    expect(await survivorsAfter(marker)).toEqual([]);
  });

  it('contains a fork bomb at the process limit and kills every fork', async () => {
    const marker = uniqueMarker();
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/fork_bomb.c'), args: [marker], timeoutMs: 2000, limits: { processes: 64 }, staticChecks: false });
    expect(ev.verdict, ev.summary).toBe('timeout');
    const m = /fork refused after (\d+) children/.exec(ev.log);
    expect(m, ev.log).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(64);
    expect(await survivorsAfter(marker)).toEqual([]);
  });

  it('cuts off 1 GB of stdout at the capture cap', async () => {
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/huge_stdout.c'), outputCapBytes: 4 * 1024 * 1024, timeoutMs: 20_000 });
    expect(ev.verdict, ev.summary).toBe('runtime-error');
    expect(ev.summary).toMatch(/output exceeded/);
  });

  it('stops a 1 GB output file at the file-size limit', async () => {
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/huge_file.c'), limits: { fileSizeBytes: 8 * 1024 * 1024 }, timeoutMs: 20_000, staticChecks: false });
    expect(ev.verdict, ev.summary).toBe('runtime-error');
    expect(ev.summary).toMatch(/SIGXFSZ|signal 25/);
  });

  describe('network', () => {
    let server: net.Server;
    let connections = 0;
    const dirs: string[] = [];
    afterAll(() => {
      server?.close();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it('blocks a connect to the host loopback (and the same program connects when unsandboxed)', async () => {
      server = net.createServer((s) => {
        connections++;
        s.destroy();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = String((server.address() as net.AddressInfo).port);
      const tc = await discoverToolchains();
      const plan = planBuild(tc, { language: 'c', target: 'openmp', family: 'gcc', mpi: 'openmpi', race: false, extraFlags: [] });
      const build = await compile(plan, [{ name: 'net_connect.c', text: fs.readFileSync(fixture('runner/net_connect.c'), 'utf8'), compile: true }], []);
      expect(build.ok, build.log).toBe(true);
      const spec = (plain: boolean) => {
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-net-'));
        fs.chmodSync(workDir, 0o777);
        dirs.push(workDir);
        // The build cache is private (0700): like the runner, run a copy the sandbox user can read.
        const exe = path.join(workDir, 'a.out');
        fs.copyFileSync(build.exe, exe);
        fs.chmodSync(exe, 0o755);
        return { exe, args: [port], workDir, env: {}, threads: 1, timeoutMs: 10_000, outputCapBytes: 65536, limits: DEFAULT_LIMITS, plain };
      };
      const sandboxed = await runLocal(spec(false));
      expect(sandboxed.stdout).toMatch(/^blocked: /);
      expect(connections).toBe(0);
      const plain = await runLocal(spec(true));
      expect(plain.stdout.trim()).toBe('connected');
      expect(connections).toBe(1);
    });
  });

  it('cancelling mid-run rejects promptly and leaves no process', async () => {
    const marker = uniqueMarker();
    const controller = new AbortController();
    const running = verifyProgram({ ...base, candidate: fixture('runner/infinite_loop.c'), args: [marker], timeoutMs: 60_000 }, { signal: controller.signal });
    // Wait until the candidate is actually running, then cancel.
    for (let i = 0; i < 100 && processesWith(marker).filter(Boolean).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(processesWith(marker).length).toBeGreaterThan(0);
    controller.abort(new Error('user cancelled'));
    await expect(running).rejects.toThrow(/user cancelled/);
    expect(await survivorsAfter(marker)).toEqual([]);
  });
});

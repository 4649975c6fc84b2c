import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession, defaultCacheDir, sessionSandbox, sessionToolchains } from '../../../src/core/pipeline/session';
import { compile } from '../../../src/core/runner/compile';
import { discoverToolchains, planBuild } from '../../../src/core/runner/toolchains';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-session-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('VerificationSession', () => {
  it('caches under the user\'s cache dir ($XDG_CACHE_HOME/paraforge, else ~/.cache/paraforge), mode 0700', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/paraforge');
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative' })).toBe(path.join(os.homedir(), '.cache', 'paraforge'));
    const dir = path.join(tmp, 'cache', 'paraforge');
    fs.mkdirSync(dir, { recursive: true, mode: 0o777 });
    fs.chmodSync(dir, 0o777);
    const s = createSession({ cacheDir: dir });
    expect(s.cacheDir).toBe(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(s.memo.size).toBe(0);
    expect(s.slots!.size).toBeGreaterThan(0);
  });

  it('keeps the tools it found in the session: two sessions with different PATH or settings see different tools', async () => {
    // A PATH holding only a stand-in gcc: that session finds it and nothing else.
    const bin = path.join(tmp, 'fakebin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'gcc'), '#!/bin/sh\necho "gcc (stand-in) 99.0"\n', { mode: 0o755 });
    const narrow = createSession({ cacheDir: path.join(tmp, 'tc1'), searchPath: bin });
    const usual = createSession({ cacheDir: path.join(tmp, 'tc2') });
    const a = await sessionToolchains(narrow);
    const b = await sessionToolchains(usual);
    expect(a.gcc).toEqual({ path: path.join(bin, 'gcc'), version: 'gcc (stand-in) 99.0' });
    expect(a.clang).toBeNull();
    expect(b.gcc?.path).not.toBe(path.join(bin, 'gcc'));
    expect(b.clang).not.toBeNull();
    // Settings (overrides) are part of the key; the same session and settings reuse the discovery.
    const pinned = await sessionToolchains(usual, { gcc: path.join(bin, 'gcc') });
    expect(pinned.gcc?.path).toBe(path.join(bin, 'gcc'));
    expect(sessionToolchains(usual)).toBe(sessionToolchains(usual));
    expect((await sessionToolchains(usual)).gcc?.path).toBe(b.gcc?.path);
    // The sandbox probe is per session too: no bwrap on the narrow PATH.
    expect(sessionSandbox(narrow).bwrap).toBeNull();
    expect(sessionSandbox(narrow)).toBe(sessionSandbox(narrow));
  });

  it('refuses a cache folder that is a link (someone could point it anywhere) and falls back to a fresh private one', () => {
    const target = path.join(tmp, 'elsewhere');
    fs.mkdirSync(target);
    const link = path.join(tmp, 'link');
    fs.symlinkSync(target, link);
    const s = createSession({ cacheDir: link });
    expect(s.cacheDir).not.toBe(link);
    expect(fs.statSync(s.cacheDir!).mode & 0o777).toBe(0o700);
  });

  it('checks a cached build before reuse: a planted or changed executable is rebuilt, never run', async () => {
    const tc = await discoverToolchains();
    const plan = planBuild(tc, { language: 'c', target: 'openmp', family: 'gcc', mpi: 'openmpi', race: false, extraFlags: [] });
    const units = [{ name: 'k.c', text: 'int main(void) { return 7; }\n', compile: true }];
    const s = createSession({ cacheDir: path.join(tmp, 'c2') });
    const first = await compile(plan, units, [], undefined, { dir: s.cacheDir!, inFlight: new Map() });
    expect(first.ok && !first.cached).toBe(true);
    const again = await compile(plan, units, [], undefined, { dir: s.cacheDir!, inFlight: new Map() });
    expect(again.cached).toBe(true);
    expect((fs.statSync(path.dirname(first.exe)).mode & 0o077)).toBe(0);
    // Plant a different binary under the same name: the content hash no longer matches.
    fs.writeFileSync(first.exe, '#!/bin/sh\necho planted\n', { mode: 0o700 });
    const rebuilt = await compile(plan, units, [], undefined, { dir: s.cacheDir!, inFlight: new Map() });
    expect(rebuilt.ok).toBe(true);
    expect(rebuilt.cached).toBe(false);
    expect(fs.readFileSync(rebuilt.exe).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  });

  it('limits verifications to maxConcurrent', async () => {
    const s = createSession({ cacheDir: path.join(tmp, 'c3'), maxConcurrent: 2 });
    let running = 0;
    let most = 0;
    const job = () =>
      s.limit!(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
      });
    await Promise.all([job(), job(), job(), job(), job()]);
    expect(most).toBe(2);
  });
});

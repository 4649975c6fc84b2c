import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../../src/core/runner/compile';
import { pruneBuildCache } from '../../../src/core/runner/pruneBuildCache';
import { discoverToolchains, planBuild } from '../../../src/core/runner/toolchains';

const DAY = 24 * 3600 * 1000;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function cacheDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-prune-'));
  dirs.push(d);
  return d;
}

/** A build entry as compile.ts leaves it, last used `ageDays` ago, with an executable of `bytes`. */
function entry(dir: string, key: string, ageDays: number, bytes = 1000): string {
  const p = path.join(dir, key);
  fs.mkdirSync(path.join(p, 'src'), { recursive: true });
  fs.writeFileSync(path.join(p, 'a.out'), Buffer.alloc(bytes));
  fs.writeFileSync(path.join(p, 'ok'), '{}');
  const t = new Date(Date.now() - ageDays * DAY);
  fs.utimesSync(path.join(p, 'ok'), t, t);
  return p;
}

describe('pruneBuildCache', () => {
  it('removes builds unused for longer than the limit and leaves other files alone', () => {
    const dir = cacheDir();
    const old = entry(dir, 'a'.repeat(24), 20);
    const fresh = entry(dir, 'b'.repeat(24), 1);
    fs.mkdirSync(path.join(dir, 'notes'));
    const r = pruneBuildCache(dir, { maxAgeMs: 14 * DAY, maxBytes: 1e9 });
    expect(r.removed).toBe(1);
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'notes'))).toBe(true);
  });

  it('over the size limit, removes the least recently used first until the rest fits', () => {
    const dir = cacheDir();
    const a = entry(dir, '1'.repeat(24), 3, 4000);
    const b = entry(dir, '2'.repeat(24), 2, 4000);
    const c = entry(dir, '3'.repeat(24), 1, 4000);
    const r = pruneBuildCache(dir, { maxAgeMs: 14 * DAY, maxBytes: 9000 });
    expect(r).toMatchObject({ removed: 1 });
    expect([a, b, c].map((p) => fs.existsSync(p))).toEqual([false, true, true]);
  });

  it('a missing cache folder is nothing to prune', () => {
    expect(pruneBuildCache(path.join(os.tmpdir(), 'pf-prune-none-', String(process.pid)))).toEqual({ removed: 0, freedBytes: 0 });
  });

  it('reusing a build marks it used now, so it outlives builds last used earlier', async () => {
    const dir = cacheDir();
    const plan = planBuild(await discoverToolchains(), { language: 'c', target: 'openmp', family: 'gcc', mpi: 'openmpi', race: false, extraFlags: [] });
    const units = [{ name: 'main.c', compile: true, text: 'int main(void) { return 0; }\n' }];
    const first = await compile(plan, units, [], undefined, { dir, inFlight: new Map() });
    expect(first.ok).toBe(true);
    const ok = path.join(path.dirname(first.exe), 'ok');
    const old = new Date(Date.now() - 30 * DAY);
    fs.utimesSync(ok, old, old);
    const again = await compile(plan, units, [], undefined, { dir, inFlight: new Map() });
    expect(again.cached).toBe(true);
    expect(fs.statSync(ok).mtimeMs).toBeGreaterThan(Date.now() - DAY);
    expect(pruneBuildCache(dir, { maxAgeMs: 14 * DAY, maxBytes: 1e9 }).removed).toBe(0);
  });
});

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProcess } from './processTree';
import { scratchRoot } from './sandbox';
import type { BuildPlan } from './toolchains';

/**
 * Compiles a set of source files into one executable, cached by content + compiler + flags, so
 * the same original is built once however many candidates are checked against it.
 */

/** A file to place in the build directory. */
export interface SourceUnit {
  readonly name: string;
  readonly text: string;
  /** False for files only #included by others (not passed to the compiler). */
  readonly compile: boolean;
}

/** The outcome of one build. */
export interface CompileResult {
  readonly ok: boolean;
  readonly exe: string;
  /** Directory holding the sources as compiled (race reports point into it). */
  readonly srcDir: string;
  readonly log: string;
  readonly cached: boolean;
  readonly seconds: number;
}

/** Directory all builds share; world-readable because sandboxed runs execute as nobody. */
export function cacheRoot(): string {
  const dir = path.join(scratchRoot(), 'paraforge-build-cache');
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}

const inFlight = new Map<string, Promise<CompileResult>>();

/** Builds (or reuses) an executable from `units` with `plan`; never throws for compile errors. */
export function compile(plan: BuildPlan, units: readonly SourceUnit[], includeDirs: readonly string[], signal?: AbortSignal): Promise<CompileResult> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([plan.compiler, plan.describe, plan.flags, includeDirs]));
  for (const u of units) hash.update(`\0${u.name}\0${u.compile}\0${u.text}`);
  const key = hash.digest('hex').slice(0, 24);
  const known = inFlight.get(key);
  if (known) return known.then((r) => ({ ...r, cached: true }));
  const job = build(key, plan, units, includeDirs, signal);
  inFlight.set(key, job);
  // Failed or aborted builds are retried next time rather than remembered.
  job.then((r) => {
    if (!r.ok) inFlight.delete(key);
  });
  return job;
}

async function build(key: string, plan: BuildPlan, units: readonly SourceUnit[], includeDirs: readonly string[], signal?: AbortSignal): Promise<CompileResult> {
  const dir = path.join(cacheRoot(), key);
  const srcDir = path.join(dir, 'src');
  const exe = path.join(dir, 'a.out');
  const done = path.join(dir, 'ok');
  if (fs.existsSync(done) && fs.existsSync(exe)) {
    return { ok: true, exe, srcDir, log: fs.readFileSync(done, 'utf8'), cached: true, seconds: 0 };
  }
  fs.mkdirSync(srcDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  // Other processes (parallel test workers, a second editor) may build the same key at the same
  // time: write every file under a private name and rename it into place, which is atomic.
  const tag = `${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  for (const u of units) {
    const target = path.join(srcDir, u.name);
    if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === u.text) continue;
    fs.writeFileSync(`${target}.${tag}`, u.text, { mode: 0o644 });
    fs.renameSync(`${target}.${tag}`, target);
  }
  const tmpExe = `${exe}.${tag}`;
  const argv = [plan.compiler, ...units.filter((u) => u.compile).map((u) => path.join(srcDir, u.name)), '-o', tmpExe, ...includeDirs.flatMap((d) => ['-I', d])];
  argv.push(...plan.flags);
  const r = await runProcess({ argv, cwd: srcDir, env: { ...(process.env as Record<string, string>), LC_ALL: 'C' }, timeoutMs: 180_000, outputCapBytes: 256 * 1024, signal });
  const log = `$ ${argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n${r.stdout}${r.stderr}`;
  const ok = r.exitCode === 0 && fs.existsSync(tmpExe);
  if (ok) {
    fs.chmodSync(tmpExe, 0o755);
    fs.renameSync(tmpExe, exe);
    fs.writeFileSync(`${done}.${tag}`, log);
    fs.renameSync(`${done}.${tag}`, done);
    return { ok, exe, srcDir, log, cached: false, seconds: r.seconds };
  }
  fs.rmSync(tmpExe, { force: true });
  const why = r.spawnError ? `\n${r.spawnError}` : r.timedOut ? '\ncompiler timed out after 180 s' : '';
  return { ok: false, exe, srcDir, log: `${log}${why}`, cached: false, seconds: r.seconds };
}

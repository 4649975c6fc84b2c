import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess } from './processTree';
import type { BuildPlan } from './toolchains';

/**
 * Compiles a set of source files into one executable, cached by content + compiler + flags in the
 * session's private cache folder, so the same original is built once however many candidates are
 * checked against it. Runs get a copy of the executable (see verify.ts): the cache stays 0700.
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

/** Where builds are cached: a private per-user folder (mode 0700) and the builds in progress. */
export interface BuildCache {
  readonly dir: string;
  readonly inFlight: Map<string, Promise<unknown>>;
}

/** A cache in a fresh private temp folder: for callers without a session (nothing is shared). */
export function privateBuildCache(): BuildCache {
  return { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'paraforge-builds-')), inFlight: new Map() };
}

/**
 * Builds (or reuses) an executable from `units` with `plan`; never throws for compile errors.
 * Entries are keyed by a content hash and checked before reuse: the folder must be ours and not
 * writable by others, and the executable must still hash to what was recorded when it was built.
 */
export function compile(plan: BuildPlan, units: readonly SourceUnit[], includeDirs: readonly string[], signal?: AbortSignal, cache: BuildCache = privateBuildCache()): Promise<CompileResult> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([plan.compiler, plan.describe, plan.flags, plan.env ?? {}, includeDirs]));
  for (const u of units) hash.update(`\0${u.name}\0${u.compile}\0${u.text}`);
  const key = hash.digest('hex').slice(0, 24);
  const known = cache.inFlight.get(key) as Promise<CompileResult> | undefined;
  if (known) return known.then((r) => ({ ...r, cached: true }));
  const job = build(key, plan, units, includeDirs, cache.dir, signal);
  cache.inFlight.set(key, job);
  // Failed or aborted builds are retried next time rather than remembered.
  job.then(
    (r) => {
      if (!r.ok) cache.inFlight.delete(key);
    },
    () => cache.inFlight.delete(key),
  );
  return job;
}

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The recorded entry, when the folder is ours, closed to others, and the executable is unchanged. */
function validEntry(dir: string, exe: string, done: string): { log: string; exeHash: string } | null {
  try {
    const uid = process.getuid?.();
    for (const p of [dir, exe, done]) {
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return null;
    }
    const entry = JSON.parse(fs.readFileSync(done, 'utf8')) as { exeHash: string; log: string };
    return entry.exeHash === sha256File(exe) ? entry : null;
  } catch {
    return null;
  }
}

async function build(key: string, plan: BuildPlan, units: readonly SourceUnit[], includeDirs: readonly string[], root: string, signal?: AbortSignal): Promise<CompileResult> {
  const dir = path.join(root, key);
  const srcDir = path.join(dir, 'src');
  const exe = path.join(dir, 'a.out');
  const done = path.join(dir, 'ok');
  const entry = fs.existsSync(done) ? validEntry(dir, exe, done) : null;
  if (entry) {
    // The time of `ok` is the build's last use: pruneBuildCache removes the longest unused first.
    try {
      const t = new Date();
      fs.utimesSync(done, t, t);
    } catch {
      // A read-only cache still serves its builds.
    }
    return { ok: true, exe, srcDir, log: entry.log, cached: true, seconds: 0 };
  }
  fs.mkdirSync(srcDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  // Other processes (parallel test workers, a second editor) may build the same key at the same
  // time: write every file under a private name and rename it into place, which is atomic.
  const tag = `${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  for (const u of units) {
    const target = path.join(srcDir, u.name);
    if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === u.text) continue;
    fs.writeFileSync(`${target}.${tag}`, u.text, { mode: 0o600 });
    fs.renameSync(`${target}.${tag}`, target);
  }
  const tmpExe = `${exe}.${tag}`;
  const argv = [plan.compiler, ...units.filter((u) => u.compile).map((u) => path.join(srcDir, u.name)), '-o', tmpExe, ...includeDirs.flatMap((d) => ['-I', d])];
  argv.push(...plan.flags);
  const r = await runProcess({ argv, cwd: srcDir, env: { ...(process.env as Record<string, string>), LC_ALL: 'C', ...(plan.env ?? {}) }, timeoutMs: 180_000, outputCapBytes: 256 * 1024, signal });
  const log = `$ ${argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n${r.stdout}${r.stderr}`;
  const ok = r.exitCode === 0 && fs.existsSync(tmpExe);
  if (ok) {
    fs.chmodSync(tmpExe, 0o700);
    fs.renameSync(tmpExe, exe);
    fs.writeFileSync(`${done}.${tag}`, JSON.stringify({ exeHash: sha256File(exe), log }), { mode: 0o600 });
    fs.renameSync(`${done}.${tag}`, done);
    return { ok, exe, srcDir, log, cached: false, seconds: r.seconds };
  }
  fs.rmSync(tmpExe, { force: true });
  const why = r.spawnError ? `\n${r.spawnError}` : r.timedOut ? '\ncompiler timed out after 180 s' : '';
  return { ok: false, exe, srcDir, log: `${log}${why}`, cached: false, seconds: r.seconds };
}

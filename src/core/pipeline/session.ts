import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pLimit from 'p-limit';
import type { ParserHost } from '../parse';
import type { Clock } from '../ports';
import { systemClock } from '../ports';
import { probeSandbox, type SandboxKind } from '../runner/sandbox';
import { Slots } from '../runner/timing';
import { discoverToolchains, type ToolchainOverrides, type Toolchains } from '../runner/toolchains';

/**
 * Everything verification keeps between candidates: the cache folder, how many runs may go at once,
 * and the clock. Hosts create one and pass it in; core keeps no module-level state of its own.
 */
export interface VerificationSession {
  /** Per-user cache folder (mode 0700) for builds; null when none could be made safely (builds then go to a private temp folder). */
  readonly cacheDir: string | null;
  /** Most verifications run at the same time (each already uses every core when timing). */
  readonly maxConcurrent: number;
  readonly clock: Clock;
  /** Reference outputs and baseline timings of originals, keyed by build content hash + inputs, reused across candidates. */
  readonly memo: Map<string, Promise<unknown>>;
  /** Machine slots shared by every run of this session: correctness runs take one per thread, timing runs take all. */
  readonly slots?: Slots;
  /** Builds in progress or done in this session, by content key (so concurrent candidates share one build). */
  readonly builds?: Map<string, Promise<unknown>>;
  /** Limits verifications to `maxConcurrent` (pipeline `verify()` runs each through it). */
  readonly limit?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Tree-sitter host for the static checks and function shapes; a default one finds the bundled grammars. */
  readonly parser?: ParserHost;
  /** PATH searched for compilers and launchers when the settings name none (read when the session is made). */
  readonly searchPath?: string;
  /** Toolchains found in this session, by override set (sessionToolchains). */
  readonly toolchains?: Map<string, Promise<Toolchains>>;
  /** The sandbox found on `searchPath`, probed on first use (sessionSandbox). */
  readonly sandbox?: Map<string, SandboxKind>;
}

/** The options a host may set when it creates a session. */
export type SessionOptions = Partial<Pick<VerificationSession, 'cacheDir' | 'maxConcurrent' | 'clock' | 'parser' | 'searchPath'>> & {
  /** Cores the runs may use (default: all the machine has). */
  readonly cores?: number;
};

/** The user's cache folder for ParaForge: $XDG_CACHE_HOME/paraforge, else ~/.cache/paraforge. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'paraforge');
}

/**
 * Makes `dir` (and parents) and checks it is ours alone: a real folder (not a link), owned by this
 * user, mode 0700. Throws with the reason when it cannot be made so (someone else's folder).
 */
export function ensurePrivateDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder (a link?); refusing to cache builds there`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new Error(`${dir} belongs to uid ${st.uid}, not to this user; refusing to cache builds there`);
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  return dir;
}

/**
 * A session for one host: a private per-user cache folder (falling back to a fresh private temp
 * folder when the cache dir is unusable), memoisation in memory, run slots sized to the cores,
 * and `maxConcurrent` verifications at a time (default 1).
 */
export function createSession(options: SessionOptions = {}): VerificationSession {
  let cacheDir: string | null;
  try {
    cacheDir = ensurePrivateDir(options.cacheDir ?? defaultCacheDir());
  } catch {
    try {
      // Unpredictable and 0700: no other local user can plant a binary in it.
      cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paraforge-cache-'));
    } catch {
      cacheDir = null;
    }
  }
  const maxConcurrent = Math.max(1, options.maxConcurrent ?? 1);
  return {
    cacheDir,
    maxConcurrent,
    clock: options.clock ?? systemClock,
    memo: new Map(),
    slots: new Slots(Math.max(1, options.cores ?? os.availableParallelism())),
    builds: new Map(),
    limit: pLimit(maxConcurrent),
    parser: options.parser,
    searchPath: options.searchPath ?? process.env.PATH,
    toolchains: new Map(),
    sandbox: new Map(),
  };
}

/** The sandbox tools this session runs candidates with (bwrap, prlimit, setpriv), probed once per session. */
export function sessionSandbox(session: VerificationSession): SandboxKind {
  const searchPath = session.searchPath ?? '/usr/bin:/bin';
  let found = session.sandbox?.get(searchPath);
  if (!found) {
    found = probeSandbox(searchPath);
    session.sandbox?.set(searchPath, found);
  }
  return found;
}

/**
 * The toolchains this session uses for one set of overrides (settings): discovered on first use and
 * kept in the session, so another session (other settings, another PATH) finds its own.
 */
export function sessionToolchains(session: VerificationSession, overrides: ToolchainOverrides = {}): Promise<Toolchains> {
  const o: ToolchainOverrides = { ...overrides, searchPath: overrides.searchPath ?? session.searchPath };
  if (!session.toolchains) return discoverToolchains(o);
  const key = JSON.stringify(o);
  let found = session.toolchains.get(key);
  if (!found) {
    found = discoverToolchains(o);
    session.toolchains.set(key, found);
  }
  return found;
}

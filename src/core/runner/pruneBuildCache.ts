import * as fs from 'node:fs';
import * as path from 'node:path';

/** How long an unused build stays in the cache, and how large the cache may grow. */
export interface CacheLimits {
  readonly maxAgeMs: number;
  readonly maxBytes: number;
}

/** Two weeks unused, or beyond 2 GiB (oldest first): a build is a few hundred kB, so thousands fit. */
export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxAgeMs: 14 * 24 * 3600 * 1000, maxBytes: 2 * 1024 ** 3 };

/** What a prune removed. */
export interface PruneResult {
  readonly removed: number;
  readonly freedBytes: number;
}

/**
 * Removes build entries (the 24-hex-digit folders compile.ts writes) last used before
 * `now - maxAgeMs`, then the least recently used until the rest fits in `maxBytes`. A build's
 * last use is the time of its `ok` file, which compile.ts touches on every reuse. Anything else
 * in the folder is left alone; errors (a folder another process removes meanwhile) are skipped.
 */
export function pruneBuildCache(dir: string, limits: CacheLimits = DEFAULT_CACHE_LIMITS, now = Date.now()): PruneResult {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return { removed: 0, freedBytes: 0 };
  }
  const entries: { path: string; used: number; bytes: number }[] = [];
  for (const name of names) {
    if (!/^[0-9a-f]{24}$/.test(name)) continue;
    const p = path.join(dir, name);
    try {
      const st = fs.lstatSync(p);
      if (!st.isDirectory()) continue;
      const ok = path.join(p, 'ok');
      // A folder without `ok` is a failed build or one in progress: judged by the folder's own time.
      const used = fs.existsSync(ok) ? fs.statSync(ok).mtimeMs : st.mtimeMs;
      entries.push({ path: p, used, bytes: folderBytes(p) });
    } catch {
      continue;
    }
  }
  entries.sort((a, b) => a.used - b.used);
  let total = entries.reduce((s, e) => s + e.bytes, 0);
  let removed = 0;
  let freedBytes = 0;
  for (const e of entries) {
    if (e.used >= now - limits.maxAgeMs && total <= limits.maxBytes) break;
    try {
      fs.rmSync(e.path, { recursive: true, force: true });
      removed++;
      freedBytes += e.bytes;
      total -= e.bytes;
    } catch {
      continue;
    }
  }
  return { removed, freedBytes };
}

function folderBytes(dir: string): number {
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) bytes += folderBytes(p);
    else if (e.isFile()) bytes += fs.statSync(p).size;
  }
  return bytes;
}

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** A unique argument to pass to a program under test, so its processes can be found by pgrep. */
export function uniqueMarker(): string {
  return `pf-marker-${randomBytes(6).toString('hex')}`;
}

/** PIDs of live processes whose command line contains `marker` (zombies excluded). */
export function processesWith(marker: string): number[] {
  const r = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' });
  const pids = r.stdout.split('\n').filter(Boolean).map(Number);
  return pids.filter((pid) => {
    const st = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
    return st !== '' && !st.startsWith('Z');
  });
}

/** Waits up to `ms` for no process with `marker` to remain; returns the survivors. */
export async function survivorsAfter(marker: string, ms = 2000): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = processesWith(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = processesWith(marker);
  }
  return left;
}

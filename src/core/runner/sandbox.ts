import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The one place that builds the command line a generated program runs under: prlimit for
 * resource limits, setpriv to drop root (RLIMIT_NPROC is ignored for root), and bubblewrap for
 * no network, a read-only root, a private /tmp and only the work dir writable.
 */

/** Resource limits applied to every sandboxed run. */
export interface SandboxLimits {
  /** CPU seconds (all threads together). */
  readonly cpuSeconds: number;
  /** Address-space bytes; null for no limit (ThreadSanitizer reserves terabytes of shadow). */
  readonly addressSpaceBytes: number | null;
  /** Largest file the program may write. */
  readonly fileSizeBytes: number;
  /** Processes + threads of the unprivileged user, so a fork bomb hits a wall. */
  readonly processes: number;
}

/** Limits for ordinary runs: generous for HPC kernels, tight enough to contain runaways. */
export const DEFAULT_LIMITS: SandboxLimits = {
  cpuSeconds: 300,
  addressSpaceBytes: 8 * 1024 ** 3,
  fileSizeBytes: 256 * 1024 ** 2,
  processes: 512,
};

/** The unprivileged uid/gid programs run as when ParaForge itself runs as root (nobody). */
export const SANDBOX_UID = 65534;

/** Which isolation is available on this machine. */
export interface SandboxKind {
  readonly bwrap: string | null;
  readonly prlimit: string | null;
  readonly setpriv: string | null;
  /** Set when isolation is weaker than intended; the runner logs it and puts it in the evidence. */
  readonly warning: string | null;
}

function which(tool: string, searchPath: string): string | null {
  for (const dir of searchPath.split(':')) {
    if (!dir) continue;
    const p = `${dir}/${tool}`;
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {}
  }
  return null;
}

/** Finds bwrap/prlimit/setpriv on PATH and checks that bwrap can actually start (a session keeps the answer: sessionSandbox). */
export function detectSandbox(): SandboxKind {
  return probeSandbox(process.env.PATH ?? '/usr/bin:/bin');
}

/** Probes the sandbox tools on `searchPath` (uncached; tests pass a PATH without bwrap). */
export function probeSandbox(searchPath: string): SandboxKind {
  const bwrap = which('bwrap', searchPath);
  const prlimit = which('prlimit', searchPath);
  const setpriv = which('setpriv', searchPath);
  let usable = bwrap;
  if (bwrap) {
    try {
      execFileSync(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all', '--die-with-parent', '/bin/true'], { stdio: 'ignore', timeout: 10_000 });
    } catch {
      usable = null;
    }
  }
  const problems: string[] = [];
  if (!usable) problems.push(bwrap ? 'bubblewrap cannot create namespaces here' : 'bubblewrap (bwrap) is not installed (apt-get install bubblewrap)');
  if (!prlimit) problems.push('prlimit is missing (apt-get install util-linux)');
  return {
    bwrap: usable,
    prlimit,
    setpriv,
    warning: problems.length ? `sandbox weakened: ${problems.join('; ')}; programs run with rlimits only and can reach the network and the file system` : null,
  };
}

/** What one sandboxed invocation needs. */
export interface SandboxRequest {
  readonly argv: readonly string[];
  /** The only writable directory; also the working directory. */
  readonly workDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly limits: SandboxLimits;
  /** Paths under /tmp the program must read (the build cache): /tmp is private, so they are bound back read-only. */
  readonly readOnly?: readonly string[];
  /** Device nodes bound into the sandbox's minimal /dev (the GPU's). */
  readonly devices?: readonly string[];
  /** Turns isolation off for this run (benchmarking the sandbox's overhead). */
  readonly plain?: boolean;
}

/** The NVIDIA device nodes present (/dev/nvidia0, /dev/nvidiactl, /dev/nvidia-uvm, …). */
export function gpuDevices(): string[] {
  try {
    return fs.readdirSync('/dev').filter((n) => n.startsWith('nvidia')).map((n) => `/dev/${n}`).filter((p) => !fs.statSync(p).isDirectory());
  } catch {
    return [];
  }
}

function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** True when every folder from `dir` up to `/` lets other users through (the x bit for others). */
function traversableByOthers(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      if ((fs.statSync(d).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (d === path.dirname(d)) return true;
  }
}

/**
 * The folder build and run directories go under. Running as root, programs run as nobody, who
 * must reach them: a private TMPDIR (mode 0700, as some launchers set) is swapped for /tmp, or,
 * when that is closed too, refused with what to change.
 */
export function scratchRoot(): string {
  const tmp = os.tmpdir();
  if (!runningAsRoot() || traversableByOthers(tmp)) return tmp;
  if (traversableByOthers('/tmp')) return '/tmp';
  throw new Error(`sandboxed programs run as nobody, who cannot reach ${tmp}: set TMPDIR to a folder that others can traverse (mode 0711 or wider)`);
}

/** Prepares a work dir so the unprivileged sandbox user can write in it. */
export function shareWorkDir(dir: string): void {
  if (runningAsRoot()) fs.chmodSync(dir, 0o777);
}

/** The argv that runs `req.argv` sandboxed, plus the environment to spawn it with. */
export function sandboxCommand(req: SandboxRequest, kind: SandboxKind = detectSandbox()): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', LANG: 'C', ...req.env };
  if (req.plain) return { argv: [...req.argv], env };
  const argv: string[] = [];
  if (kind.prlimit) {
    const l = req.limits;
    argv.push(kind.prlimit, `--cpu=${l.cpuSeconds}`, `--fsize=${l.fileSizeBytes}`, `--nproc=${l.processes}`, '--core=0');
    if (l.addressSpaceBytes !== null) argv.push(`--as=${l.addressSpaceBytes}`);
  }
  // Root is exempt from RLIMIT_NPROC, so drop to nobody; the work dir was opened up for it.
  if (runningAsRoot() && kind.setpriv) argv.push(kind.setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups');
  if (kind.bwrap) {
    argv.push(kind.bwrap, '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
    for (const p of req.readOnly ?? []) argv.push('--ro-bind', p, p);
    for (const d of req.devices ?? []) argv.push('--dev-bind', d, d);
    argv.push('--bind', req.workDir, req.workDir, '--unshare-all', '--die-with-parent', '--new-session', '--clearenv');
    for (const [k, v] of Object.entries(env)) argv.push('--setenv', k, v);
    argv.push('--chdir', req.workDir, '--');
  }
  argv.push(...req.argv);
  return { argv, env };
}

import { spawn } from 'node:child_process';

/**
 * Runs one command as the leader of a new session and kills its whole tree on timeout, abort or
 * runaway output. Everything else in the runner that starts a process goes through here.
 */

/** What to start and the limits the runner itself enforces (rlimits are the sandbox's job). */
export interface ProcessSpec {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Wall-clock limit; the tree is killed when it passes. */
  readonly timeoutMs: number;
  /** Bytes of stdout and of stderr kept; the tree is killed when either passes it. */
  readonly outputCapBytes: number;
  readonly signal?: AbortSignal;
  readonly stdin?: string;
}

/** How a process ended, with its (capped) output and wall time. */
export interface ProcessResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** True when stdout or stderr passed the cap and the tree was killed for it. */
  readonly outputCapped: boolean;
  /** Set when the command could not be started at all (ENOENT, EACCES). */
  readonly spawnError?: string;
}

/** Kills every process in the session/process group led by `pid` (negative pid), ignoring ESRCH. */
export function killTree(pid: number): void {
  try {
    // The leader started with detached:true, so its pid is also its process group id.
    process.kill(-pid, 'SIGKILL');
  } catch {}
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

/** Runs `spec` to completion or until killed; never rejects for a failing program. */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    if (spec.signal?.aborted) {
      resolve({ exitCode: null, signal: null, stdout: '', stderr: '', seconds: 0, timedOut: false, aborted: true, outputCapped: false });
      return;
    }
    const child = spawn(spec.argv[0], spec.argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      // A new session: the group (and with bwrap --unshare-pid, the namespace) dies with one kill.
      detached: true,
      stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let aborted = false;
    let outputCapped = false;
    let spawnError: string | undefined;
    const kill = () => {
      if (child.pid !== undefined) killTree(child.pid);
    };
    const onData = (chunks: Buffer[], which: 'out' | 'err') => (data: Buffer) => {
      const used = which === 'out' ? outBytes : errBytes;
      const room = spec.outputCapBytes - used;
      if (room > 0) chunks.push(room >= data.length ? data : data.subarray(0, room));
      if (which === 'out') outBytes += data.length;
      else errBytes += data.length;
      if (used + data.length > spec.outputCapBytes && !outputCapped) {
        outputCapped = true;
        kill();
      }
    };
    child.stdout!.on('data', onData(out, 'out'));
    child.stderr!.on('data', onData(err, 'err'));
    if (spec.stdin !== undefined) {
      child.stdin!.on('error', () => {});
      child.stdin!.end(spec.stdin);
    }
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, spec.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      spawnError = `${spec.argv[0]}: ${(e as NodeJS.ErrnoException).code ?? e.message}`;
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      // Children that escaped into the group may still run after the leader exits: sweep the group.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
      resolve({
        exitCode: code,
        signal: sig,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        seconds: (performance.now() - started) / 1000,
        timedOut,
        aborted,
        outputCapped,
        spawnError,
      });
    });
  });
}

import * as path from 'node:path';
import { runProcess } from '../processTree';
import { gpuDevices, sandboxCommand, shareWorkDir } from '../sandbox';
import type { Backend, RunOutcome, RunSpec } from './backend';

/** Runs a program on this machine inside the sandbox (bwrap + prlimit + nobody). */
export async function runLocal(spec: RunSpec, launcher: readonly string[] = []): Promise<RunOutcome> {
  shareWorkDir(spec.workDir);
  const cmd = sandboxCommand({ argv: [...launcher, spec.exe, ...spec.args], workDir: spec.workDir, env: spec.env, limits: spec.limits, readOnly: [path.dirname(spec.exe), ...(spec.readOnly ?? [])], devices: spec.gpu ? gpuDevices() : [], plain: spec.plain });
  const r = await runProcess({ argv: cmd.argv, cwd: spec.workDir, env: cmd.env, timeoutMs: spec.timeoutMs, outputCapBytes: spec.outputCapBytes, signal: spec.signal });
  const sandboxError = /^bwrap: .*$/m.exec(r.stderr);
  // bwrap's own failures (bad bind, no namespaces) must not pass for the program's behaviour.
  if (sandboxError && !r.timedOut && !r.aborted) return { ...r, programStdout: r.stdout, spawnError: `sandbox failed: ${sandboxError[0]}` };
  return { ...r, programStdout: r.stdout };
}

/** The local backend: one process tree per run, no launcher. */
export const localBackend: Backend = {
  name: 'local',
  run: (spec) => runLocal(spec),
};

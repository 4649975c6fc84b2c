import * as vscode from 'vscode';
import type { VerifySettings } from '../core/pipeline';
import type { CompilerFamily, ToolchainOverrides } from '../core/runner';

/** Where candidates run. */
export type RunnerBackend = 'local' | 'mpirun' | 'slurm';
/** Which language model the LLM and evolve engines use. */
export type LlmProviderKind = 'none' | 'openai-compatible' | 'vscode-lm';

/** The `paraforge.*` settings the editor side reads; declared in package.json `contributes.configuration`. */
export interface Settings {
  /** `paraforge.diagnostics.enabled`: show loop diagnostics at all. */
  readonly diagnosticsEnabled: boolean;
  /** `paraforge.diagnostics.parallelizableHints`: hint on loops that can be parallelised. */
  readonly parallelizableHints: boolean;
  /** `paraforge.diagnostics.showInProblems`: the hints also appear in the Problems panel (as information). */
  readonly showInProblems: boolean;
  /** `paraforge.diagnostics.delayMs`: quiet time after typing or scrolling before re-analysing. */
  readonly diagnosticsDelayMs: number;
  /** `paraforge.verify.threads`: thread counts a rewrite's output is checked at. */
  readonly verifyThreads: readonly number[];
  /** `paraforge.verify.ranks`: MPI rank counts. */
  readonly verifyRanks: readonly number[];
  /** `paraforge.verify.compiler`: compiler of the correctness and timing builds (the race check always uses clang + Archer). */
  readonly verifyCompiler: CompilerFamily;
  /** `paraforge.verify.timeoutSeconds`: limit of one run. */
  readonly timeoutSeconds: number;
  /** `paraforge.runner.backend`. */
  readonly backend: RunnerBackend;
  /** `paraforge.runner.sandbox`: 'required' refuses to run without bubblewrap. */
  readonly sandbox: 'auto' | 'required';
  /** `paraforge.slurm.*`. */
  readonly slurm: { readonly partition: string; readonly timeMinutes: number; readonly account: string };
  /** `paraforge.compilers.*`: tool paths (empty: PATH) and extra flags. */
  readonly toolchain: ToolchainOverrides;
  /** `paraforge.llm.*`. */
  readonly llm: { readonly provider: LlmProviderKind; readonly baseUrl: string; readonly model: string };
  /** `paraforge.budget.*`. */
  readonly budget: { readonly maxCandidates: number; readonly llmTokens: number; readonly evolveGenerations: number; readonly maxMinutes: number };
}

/** Reads the settings now (scoped to a document's folder when given). */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration('paraforge', scope);
  const str = (key: string, fallback = '') => {
    const v = config.get<unknown>(key);
    return typeof v === 'string' ? v.trim() : fallback;
  };
  const num = (key: string, fallback: number, min: number) => {
    const v = config.get<unknown>(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fallback;
  };
  const toolchain: Record<string, unknown> = {};
  for (const tool of ['gcc', 'gxx', 'clang', 'clangxx', 'mpicc', 'mpicxx', 'nvcc']) {
    const value = str(`compilers.${tool}`);
    if (value) toolchain[tool] = value;
  }
  const flags = config.get<unknown>('compilers.extraFlags');
  if (Array.isArray(flags) && flags.length) toolchain.extraFlags = flags.filter((f): f is string => typeof f === 'string' && f.length > 0);
  const backend = str('runner.backend', 'local');
  const provider = str('llm.provider', 'none');
  return {
    diagnosticsEnabled: config.get<boolean>('diagnostics.enabled', true),
    parallelizableHints: config.get<boolean>('diagnostics.parallelizableHints', true),
    showInProblems: config.get<boolean>('diagnostics.showInProblems', false) === true,
    diagnosticsDelayMs: Math.max(0, config.get<number>('diagnostics.delayMs', 250)),
    verifyThreads: counts(config.get<unknown>('verify.threads'), [1, 2]),
    verifyRanks: counts(config.get<unknown>('verify.ranks'), [1, 2, 4]),
    verifyCompiler: config.get<string>('verify.compiler') === 'clang' ? 'clang' : 'gcc',
    timeoutSeconds: num('verify.timeoutSeconds', 30, 1),
    backend: backend === 'mpirun' || backend === 'slurm' ? backend : 'local',
    sandbox: str('runner.sandbox') === 'required' ? 'required' : 'auto',
    slurm: { partition: str('slurm.partition'), timeMinutes: num('slurm.timeMinutes', 0, 0), account: str('slurm.account') },
    toolchain: toolchain as ToolchainOverrides,
    llm: {
      provider: provider === 'openai-compatible' || provider === 'vscode-lm' ? provider : 'none',
      baseUrl: str('llm.baseUrl', 'https://api.openai.com/v1') || 'https://api.openai.com/v1',
      model: str('llm.model'),
    },
    budget: {
      maxCandidates: Math.floor(num('budget.maxCandidates', 4, 1)),
      llmTokens: Math.floor(num('budget.llmTokens', 200000, 1000)),
      evolveGenerations: Math.floor(num('budget.evolveGenerations', 3, 1)),
      maxMinutes: num('budget.maxMinutes', 10, 1),
    },
  };
}

/** The settings as core's `verify()` takes them: one place maps the editor's settings to the runner's request. */
export function verifySettings(settings: Settings): VerifySettings {
  const slurmEnv: Record<string, string> = {};
  // sbatch reads the account from its environment: the runner's Slurm options need no new field.
  if (settings.slurm.account) slurmEnv.SBATCH_ACCOUNT = settings.slurm.account;
  return {
    threads: settings.verifyThreads,
    ranks: settings.verifyRanks,
    compiler: settings.verifyCompiler,
    backend: settings.backend,
    timeoutMs: settings.timeoutSeconds * 1000,
    toolchain: settings.toolchain,
    ...(settings.backend === 'slurm'
      ? {
          slurm: {
            ...(settings.slurm.partition ? { partition: settings.slurm.partition } : {}),
            ...(settings.slurm.timeMinutes > 0 ? { timeLimitMinutes: settings.slurm.timeMinutes } : {}),
            ...(Object.keys(slurmEnv).length ? { env: slurmEnv } : {}),
          },
        }
      : {}),
  };
}

/** A hand-edited settings.json can hold anything: keep the positive integers, else the default. */
function counts(value: unknown, fallback: number[]): number[] {
  const list = Array.isArray(value) ? value.filter((n): n is number => Number.isInteger(n) && n >= 1) : [];
  return list.length > 0 ? list : fallback;
}

import * as vscode from 'vscode';
import type { CompilerFamily } from '../core/runner';

/** The `paraforge.*` settings the editor side reads; declared in package.json `contributes.configuration`. */
export interface Settings {
  /** `paraforge.diagnostics.enabled`: show loop diagnostics at all. */
  readonly diagnosticsEnabled: boolean;
  /** `paraforge.diagnostics.parallelizableHints`: hint on loops that can be parallelised. */
  readonly parallelizableHints: boolean;
  /** `paraforge.diagnostics.delayMs`: quiet time after typing or scrolling before re-analysing. */
  readonly diagnosticsDelayMs: number;
  /** `paraforge.verify.threads`: thread counts a rewrite's output is checked at. */
  readonly verifyThreads: readonly number[];
  /** `paraforge.verify.compiler`: compiler of the correctness and timing builds (the race check always uses clang + Archer). */
  readonly verifyCompiler: CompilerFamily;
}

/** Reads the settings now (scoped to a document's folder when given). */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration('paraforge', scope);
  return {
    diagnosticsEnabled: config.get<boolean>('diagnostics.enabled', true),
    parallelizableHints: config.get<boolean>('diagnostics.parallelizableHints', true),
    diagnosticsDelayMs: Math.max(0, config.get<number>('diagnostics.delayMs', 250)),
    verifyThreads: threadCounts(config.get<unknown>('verify.threads')),
    verifyCompiler: config.get<string>('verify.compiler') === 'clang' ? 'clang' : 'gcc',
  };
}

/** A hand-edited settings.json can hold anything: keep the positive integers, else the default [1, 2]. */
function threadCounts(value: unknown): number[] {
  const counts = Array.isArray(value) ? value.filter((n): n is number => Number.isInteger(n) && n >= 1) : [];
  return counts.length > 0 ? counts : [1, 2];
}

import * as vscode from 'vscode';

/** The `paraforge.*` settings the editor side reads; declared in package.json `contributes.configuration`. */
export interface Settings {
  /** `paraforge.diagnostics.enabled`: show loop diagnostics at all. */
  readonly diagnosticsEnabled: boolean;
  /** `paraforge.diagnostics.parallelizableHints`: hint on loops that can be parallelised. */
  readonly parallelizableHints: boolean;
  /** `paraforge.diagnostics.delayMs`: quiet time after typing or scrolling before re-analysing. */
  readonly diagnosticsDelayMs: number;
}

/** Reads the settings now (scoped to a document's folder when given). */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration('paraforge', scope);
  return {
    diagnosticsEnabled: config.get<boolean>('diagnostics.enabled', true),
    parallelizableHints: config.get<boolean>('diagnostics.parallelizableHints', true),
    diagnosticsDelayMs: Math.max(0, config.get<number>('diagnostics.delayMs', 250)),
  };
}

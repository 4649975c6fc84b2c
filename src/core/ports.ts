/**
 * What core needs from its host. Two hosts implement these: src/vscode (the extension) and
 * src/cli (the command line). Core never reaches for `vscode` or `process.stdout` itself.
 */

/** Leveled log sink; the extension maps it to a LogOutputChannel, the CLI to stderr. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Reports progress of long work; `increment` is a percentage of the whole, when known. */
export interface Progress {
  report(message: string, increment?: number): void;
}

/** Read-only access to secrets (API keys): VS Code SecretStorage or environment variables. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
}

/** Wall clock, injectable so timing code can be tested. */
export interface Clock {
  now(): number;
}

/** A logger that drops everything (for library use and tests that do not inspect logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A progress sink that ignores reports. */
export const silentProgress: Progress = { report() {} };

/** The real wall clock, in milliseconds. */
export const systemClock: Clock = { now: () => performance.now() };

import type { ParseArgsConfig } from 'node:util';
import type { Logger } from '../core/ports';

/** What every verb gets from the CLI host. */
export interface CliContext {
  readonly log: Logger;
  readonly stdout: (text: string) => void;
  /** Cancelled on SIGINT/SIGTERM; long work must stop and clean up. */
  readonly signal: AbortSignal;
}

/** One `paraforge VERB`: its options, help text and implementation (returns the exit code). */
export interface Verb {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | (string | boolean)[] | undefined>, positionals: string[], ctx: CliContext): Promise<number>;
}

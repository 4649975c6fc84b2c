import type { Toolchains } from '../toolchains';
import type { Backend } from './backend';

/** Settings for the Slurm backend. */
export interface SlurmOptions {
  readonly partition?: string;
  readonly timeLimitMinutes?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/** Slurm backend (placeholder until implemented). */
export function slurmBackend(_tc: Toolchains, _o: SlurmOptions): Backend {
  return { name: 'slurm', run: () => Promise.reject(new Error('slurm backend not implemented yet')) };
}

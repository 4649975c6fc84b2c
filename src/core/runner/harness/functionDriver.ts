import type { LanguageId } from '../../model';
import type { Harness, ResolvedSource } from './harness';

/** The function cannot be driven by a generated harness; `reason` says exactly why. */
export class HarnessUnsupportedError extends Error {
  constructor(readonly reason: string) {
    super(`harness generation: ${reason}`);
  }
}

/** A generated driver for one function (filled in below). */
export function generatedHarness(_o: ResolvedSource, _c: ResolvedSource, _fn: string, _l: LanguageId, _t: number): Harness {
  throw new HarnessUnsupportedError('generated harnesses are not implemented yet');
}

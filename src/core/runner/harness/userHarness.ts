import * as path from 'node:path';
import type { Harness, ResolvedSource } from './harness';
import { compareWholeRuns } from './wholeProgram';

/**
 * A harness file the user wrote for a function ParaForge cannot drive itself: it is linked with
 * each side (the side's own `main`, if any, renamed away) and its output compared.
 */
export function userHarness(harnessPath: string, harnessText: string, tolerance: number): Harness {
  const harnessName = `paraforge_harness_${path.basename(harnessPath)}`;
  return {
    kind: 'user',
    description: `user harness ${path.basename(harnessPath)}: its stdout compared (floats within ${tolerance})`,
    units: (s: ResolvedSource) => [
      { name: harnessName, text: harnessText, compile: true },
      // The side is compiled through a wrapper so its main() cannot clash with the harness's.
      { name: `paraforge_wrap_${s.fileName}`, text: `#define main paraforge_user_main\n#include "${s.fileName}"\n`, compile: true },
      { name: s.fileName, text: s.text, compile: false },
    ],
    checkArgs: [],
    timeArgs: [],
    compare: (original, candidate, at) => [compareWholeRuns(`user harness @${at.ranks ?? at.threads ?? 1} ${at.ranks !== undefined ? 'ranks' : 'threads'}`, original, candidate, at, tolerance)],
    timeOf: (outcome) => outcome.seconds,
  };
}

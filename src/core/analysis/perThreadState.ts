import type { Node } from 'web-tree-sitter';
import type { CallSummaries } from './callSummaries';
import type { Findings } from './findings';
import type { SoundIndex } from './soundIndex';
import { functionSites } from './functionSites';
import type { Resolver } from './scope';

/**
 * State that is global in the serial program but per thread under OpenMP: the floating-point
 * environment (exception flags and rounding mode; worker threads keep their own), `errno`
 * (each thread has its own, so the caller does not see what workers set) and the locale.
 */
export function perThreadStateChecks(resolver: Resolver, ix: SoundIndex, summaries: CallSummaries, loop: Node, findings: Findings): void {
  if (ix.usesFenv) {
    findings.block('floating-point-environment', 'this file reads or changes the floating-point environment (<fenv.h>): exception flags and the rounding mode are per thread, so worker threads would neither see nor report them like the serial loop', loop.childForFieldName('condition') ?? loop);
  }
  if (!ix.usesErrno && !ix.usesLocale) return;
  // Calls inside lambdas count too: the lambda may run in the loop.
  for (const c of functionSites(resolver, loop).inside(loop)) {
    if (c.type !== 'call_expression') continue;
    const n = c.node;
    const t = summaries.target(n);
    if (t !== null) continue;
    const name = n.childForFieldName('function')?.text ?? '?';
    if (ix.usesErrno) findings.block('errno', `\`${name}\` may set \`errno\`, which this file reads: errno is per thread, so the value the serial loop leaves would be lost`, n);
    else findings.block('locale', `\`${name}\` may depend on the locale, which this file changes: the locale set by one thread is not necessarily the one others use`, n);
  }
}

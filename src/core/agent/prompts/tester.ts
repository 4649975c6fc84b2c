import type { ChatMessage } from '../api';
import { framedSource, SYSTEM_PROMPT } from './common';

/**
 * The Tester role (QiMeng-MuPa's second model): when ParaForge cannot generate a harness for a
 * signature (structs, callbacks, opaque types), the model writes one. It is accepted only if it
 * compiles, runs the original deterministically and exercises the function (agent/tester.ts checks).
 */

/** The tester prompt: the file, why no harness could be generated, and the harness contract. */
export function testerPrompt(functionName: string, fileName: string, fileText: string, whyNoHarness: string): ChatMessage[] {
  const user = [
    `ParaForge cannot generate a test driver for \`${functionName}\` in \`${fileName}\`: ${whyNoHarness}.`,
    'The file:',
    framedSource(fileText, { numbered: false }),
    `Write a separate C/C++ file with its own \`int main(void)\` that tests \`${functionName}\`: declare what it needs`,
    `(the file is compiled separately and linked; do not #include it), build deterministic inputs (a fixed-seed`,
    'generator; sizes 0, 1, a small odd size and a large one; negative values and zeros), call the function, and print',
    'every output it produces (each element, each returned value, each field written) with printf("%.17g\\n", …).',
    'Print no timing, no addresses and nothing random. Answer with the file in one ```c code block.',
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

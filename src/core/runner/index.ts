/**
 * The verifying runner: the public API other layers and hosts call.
 *
 *   const evidence = await verifyProgram(
 *     { original: { path: 'k.c' }, candidate: { path: 'k.c', text: rewritten }, language: 'c', target: 'openmp' },
 *     { signal, log, progress },
 *   );
 *
 * - `original` / `candidate`: `{ path?, text? }` — text wins, path names the file in messages and race
 *   reports and adds its directory to the include path; a plain string is a file path.
 * - Whole programs (a `main`) run as they are; with `functionName`, a driver is generated (or the
 *   `harnessFile` is used) and the function's outputs compared.
 * - Resolves with an Evidence for every candidate outcome (a missing compiler or a down Slurm is a
 *   'not-run' Evidence whose summary says what to install or start); rejects only on unusable input
 *   (VerifyInputError) or cancellation (an Error named AbortError, after every process is killed).
 */
export { verifyProgram, VerifyInputError, type VerifyRequest, type VerifyOptions, type SourceInput } from './verify';
export { discoverToolchains, MissingToolError, INSTALL_HINTS, type Toolchains, type ToolchainOverrides, type CompilerFamily, type MpiFlavour } from './toolchains';
export { detectSandbox, DEFAULT_LIMITS, type SandboxLimits } from './sandbox';
export type { SlurmOptions } from './backends/slurm';
export { describeRace } from './raceReport';
export { formatEvidence } from './formatEvidence';
export { slowdownFactor } from './precedence';
export { verifyRewrite, type PartEvidence, type RewriteToVerify, type RewriteVerifySettings } from './verifyRewrite';

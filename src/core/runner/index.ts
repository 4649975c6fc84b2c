/** The verifying runner: the public API other layers and hosts call. */
export { verifyProgram, VerifyInputError, type VerifyRequest, type VerifyOptions, type SourceInput } from './verify';
export { discoverToolchains, MissingToolError, INSTALL_HINTS, type Toolchains, type ToolchainOverrides, type CompilerFamily, type MpiFlavour } from './toolchains';
export { detectSandbox, DEFAULT_LIMITS, type SandboxLimits } from './sandbox';
export type { SlurmOptions } from './backends/slurm';
export { describeRace } from './raceReport';

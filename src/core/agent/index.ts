/**
 * The agent: LLM providers, prompt strategies with defensive reply parsing, the one-proposal LLM
 * loop with repair rounds, and the evolve loop. Every candidate it makes goes through pipeline.verify.
 */
export * from './api';
export { openAiProvider, meteredProvider, redactKey, type OpenAiProviderSettings, type TokenMeter } from './openAiProvider';
export { llmParallelize, chooseStrategy, bundledParser, type LlmParallelizeOptions, type Strategy } from './llmParallelize';
export { fitnessOf, passes, type FitnessOptions } from './fitness';
export { extractCode, codeBlocks, pragmaAnswers, type ExtractedCode } from './reply';
export { spliceFunction, spliceWholeFile, signatureOf, functionRange, unsafeConstructs, type Spliced } from './splice';
export { pragmaRaces } from './factsCheck';
export { SYSTEM_PROMPT, framedSource, factsText, promptId } from './prompts/common';
export { ompPragmaPrompt, functionLoops, applyPragmaReply, type PromptLoop } from './prompts/ompPragma';
export { restructurePrompt } from './prompts/restructure';
export { mpiPrompt } from './prompts/mpi';
export { cudaPrompt } from './prompts/cuda';
export { testerPrompt } from './prompts/tester';
export { evidenceFeedback, repairMessage, compilerErrors } from './prompts/repair';
export { evolve, diffEdit, tournamentPick, selectSurvivors, type EvolveOptions, type EvolveBudget, type EvolveResult } from './evolve/evolve';
export { DETERMINISTIC_OPERATORS, seededRng, scheduleOp, collapseOp, simdOp, parallelLevelOp, hoistRegionOp, numThreadsOp, procBindOp, reductionPartialsOp, type MutationOperator, type Mutant, type Rng } from './evolve/mutations';
export { interchangeOp, tilingOp } from './evolve/loopMutations';
export { parseOmp, formatOmp, pragmaSites, type OmpPragma, type PragmaSite } from './evolve/pragma';
export { llmHarness, checkHarnessText, type HarnessOutcome } from './tester';

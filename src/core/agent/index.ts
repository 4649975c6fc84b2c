/**
 * The agent: LLM providers, prompt strategies with defensive reply parsing, the one-proposal LLM
 * loop with repair rounds, and the evolve loop. Every candidate it makes goes through pipeline.verify.
 */
export * from './api';
export { openAiProvider, meteredProvider, redactKey, type OpenAiProviderSettings, type TokenMeter } from './openAiProvider';

/**
 * Entry point of `dist/agent.js`, the lazily loaded half of the extension: the LLM agent and the
 * `openai` SDK it brings. scripts/build.mjs bundles it separately so activation never loads it;
 * agentBridge.ts `require`s it the first time an LLM or evolve engine runs.
 */
export * from '../core/agent';

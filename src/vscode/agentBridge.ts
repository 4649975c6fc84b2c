import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentContext, AgentRequest, AgentResult, LlmProvider } from '../core/agent/api';
import type * as Agent from './agentEntry';
import type { ParaForgeContext } from './context';
import { VsCodeLmProvider, hasLanguageModelApi } from './lmProvider';
import { readApiKey } from './secrets';
import type { Settings } from './settings';

/** The engines Parallelize Selection offers. */
export type EngineKind = 'rules' | 'llm' | 'evolve';

/** The agent as `dist/agent.js` exports it (bundled from agentEntry.ts, which re-exports core/agent). */
type AgentModule = typeof Agent;

/**
 * Loads the agent lazily: it brings the `openai` SDK, which nothing needs until an LLM engine runs,
 * so activation does not pay for it. Undefined when the bundle is missing (a broken install).
 */
function loadAgent(ctx: ParaForgeContext): AgentModule | undefined {
  const file = path.join(ctx.extension.extensionPath, 'dist', 'agent.js');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle, loaded on first use
    return require(file) as AgentModule;
  } catch (e) {
    ctx.log.error(`cannot load the LLM agent from ${file}: ${(e as Error).message}`);
    return undefined;
  }
}

/** A provider ready to use, or what the user must do to get one. */
export type ProviderResolution = { readonly provider: LlmProvider } | { readonly missing: string };

/** One line for the status bar and the engine pick: which model the LLM engines would use. */
export function describeProvider(settings: Settings): string {
  switch (settings.llm.provider) {
    case 'none':
      return 'no LLM provider';
    case 'vscode-lm':
      return `VS Code LM${settings.llm.model ? ` (${settings.llm.model})` : ''}`;
    default:
      return `${settings.llm.model || 'default model'} @ ${hostOf(settings.llm.baseUrl)}`;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** How to add a provider, said wherever an LLM engine is chosen without one. */
export const HOW_TO_ADD_PROVIDER =
  'set "paraforge.llm.provider" to "openai-compatible" (with paraforge.llm.baseUrl, paraforge.llm.model and the key from "ParaForge: Set API Key") or to "vscode-lm" (a chat model VS Code offers, e.g. GitHub Copilot)';

/** The configured LLM provider, or why there is none. The API key is read from SecretStorage here and goes nowhere else. */
export async function resolveProvider(ctx: ParaForgeContext, settings: Settings): Promise<ProviderResolution> {
  if (settings.llm.provider === 'none') return { missing: `no language model is configured: ${HOW_TO_ADD_PROVIDER}` };
  if (settings.llm.provider === 'vscode-lm') {
    if (!hasLanguageModelApi()) return { missing: 'this VS Code has no Language Model API; use an OpenAI-compatible endpoint instead' };
    const provider = await VsCodeLmProvider.select(settings.llm.model || undefined);
    return provider ? { provider } : { missing: `VS Code offers no chat model${settings.llm.model ? ` of family "${settings.llm.model}"` : ''}; install one (e.g. GitHub Copilot Chat) or use an OpenAI-compatible endpoint` };
  }
  const agent = loadAgent(ctx);
  if (!agent) return { missing: 'the LLM agent could not be loaded (see the ParaForge log); reinstall the extension' };
  const apiKey = (await readApiKey(ctx)) ?? '';
  if (!apiKey && /api\.openai\.com/.test(settings.llm.baseUrl)) return { missing: 'no API key is stored: run "ParaForge: Set API Key"' };
  return { provider: agent.openAiProvider({ baseURL: settings.llm.baseUrl, apiKey: apiKey || 'none', model: settings.llm.model }) };
}

/** Runs the LLM or evolve engine on one function; resolves 'missing' when the agent or a provider is not available. */
export async function runAgent(
  ctx: ParaForgeContext,
  engine: Exclude<EngineKind, 'rules'>,
  request: AgentRequest,
  settings: Settings,
  agentCtx: AgentContext,
): Promise<{ readonly result: AgentResult; readonly provider: string } | { readonly missing: string }> {
  const agent = loadAgent(ctx);
  if (!agent) return { missing: 'the LLM agent could not be loaded (see the ParaForge log); reinstall the extension' };
  const withParser: AgentContext = { ...agentCtx, parser: ctx.toolParsers };
  if (engine === 'evolve') {
    // Evolve runs without a model (deterministic pragma mutations); a configured one adds LLM mutations.
    const resolved = settings.llm.provider === 'none' ? undefined : await resolveProvider(ctx, settings);
    if (resolved && 'missing' in resolved) return resolved;
    const provider = resolved?.provider;
    const result = await agent.evolve(
      request,
      { generations: settings.budget.evolveGenerations, budget: { seconds: settings.budget.maxMinutes * 60, tokens: settings.budget.llmTokens }, ...(provider ? { provider } : {}) },
      withParser,
    );
    return { result, provider: provider?.name ?? 'no model: pragma mutations only' };
  }
  const resolved = await resolveProvider(ctx, settings);
  if ('missing' in resolved) return resolved;
  const result = await agent.llmParallelize(request, resolved.provider, withParser);
  return { result, provider: resolved.provider.name };
}

/** Shows why an LLM engine cannot run, with buttons that fix it. */
export function explainMissingProvider(missing: string): void {
  void vscode.window.showWarningMessage(`ParaForge: ${missing}.`, 'Open Settings', 'Set API Key').then((choice) => {
    if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'paraforge.llm');
    else if (choice === 'Set API Key') void vscode.commands.executeCommand('paraforge.setApiKey');
  });
}

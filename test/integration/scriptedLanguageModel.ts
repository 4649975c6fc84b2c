// A scripted chat model registered through VS Code's own Language Model API
// (`vscode.lm.registerLanguageModelChatProvider`, stable since VS Code 1.104; @types/vscode here is
// 1.90, so the few types it needs are declared below). Its vendor is contributed by the test-only
// extension in test/integration/scripted-lm-vendor (the workbench refuses unknown vendors).
// Only the model's answers are scripted: selectChatModels, sendRequest, countTokens and the
// streamed response all go through the real extension host and workbench.
import * as vscode from 'vscode';

/** The vendor test/integration/scripted-lm-vendor/package.json contributes. */
export const SCRIPTED_VENDOR = 'paraforge-scripted';
/** The family ParaForge's `paraforge.llm.model` selects it by. */
export const SCRIPTED_FAMILY = 'scripted-family';

/** What the model received in one request: each message's role (1 user, 2 assistant) and text. */
export interface ScriptedLmRequest {
  readonly messages: readonly { readonly role: number; readonly text: string }[];
}

/** The registered model: what it was asked, and dispose(). */
export interface ScriptedLanguageModel extends vscode.Disposable {
  readonly requests: ScriptedLmRequest[];
  /** How many times VS Code asked it to count tokens. */
  readonly tokenCounts: number[];
}

interface ChatInformation {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly version: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly capabilities: Record<string, unknown>;
}

interface RequestMessage {
  readonly role: number;
  readonly content: readonly unknown[];
}

interface ChatProvider {
  provideLanguageModelChatInformation(options: { silent: boolean }, token: vscode.CancellationToken): ChatInformation[];
  provideLanguageModelChatResponse(model: ChatInformation, messages: readonly RequestMessage[], options: unknown, progress: vscode.Progress<unknown>, token: vscode.CancellationToken): Promise<void>;
  provideTokenCount(model: ChatInformation, text: string | RequestMessage, token: vscode.CancellationToken): Promise<number>;
}

interface LmApi {
  registerLanguageModelChatProvider(vendor: string, provider: ChatProvider): vscode.Disposable;
}

type TextPartClass = new (value: string) => unknown;

/** True when this VS Code lets an extension register a chat model (VS Code ≥ 1.104). */
export function canRegisterChatModels(): boolean {
  const lm = (vscode as unknown as { lm?: Partial<LmApi> }).lm;
  return typeof lm?.registerLanguageModelChatProvider === 'function' && typeof (vscode as unknown as { LanguageModelTextPart?: unknown }).LanguageModelTextPart === 'function';
}

function textOf(content: readonly unknown[] | string): string {
  if (typeof content === 'string') return content;
  return content.map((p) => (typeof (p as { value?: unknown }).value === 'string' ? (p as { value: string }).value : '')).join('');
}

/**
 * Registers a chat model of family SCRIPTED_FAMILY that answers `replies` in order (the last one
 * repeats), streaming each in several parts as real models do.
 */
export function registerScriptedLanguageModel(replies: readonly string[]): ScriptedLanguageModel {
  const lm = (vscode as unknown as { lm: LmApi }).lm;
  const TextPart = (vscode as unknown as { LanguageModelTextPart: TextPartClass }).LanguageModelTextPart;
  const requests: ScriptedLmRequest[] = [];
  const tokenCounts: number[] = [];
  const info: ChatInformation = { id: 'scripted-1', name: 'Scripted model', family: SCRIPTED_FAMILY, version: '1', maxInputTokens: 100_000, maxOutputTokens: 8_000, capabilities: {} };
  const registration = lm.registerLanguageModelChatProvider(SCRIPTED_VENDOR, {
    provideLanguageModelChatInformation: () => [info],
    provideLanguageModelChatResponse: async (_model, messages, _options, progress, token) => {
      requests.push({ messages: messages.map((m) => ({ role: m.role, text: textOf(m.content) })) });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
      for (let i = 0; i < reply.length && !token.isCancellationRequested; i += 41) progress.report(new TextPart(reply.slice(i, i + 41)));
    },
    provideTokenCount: async (_model, text) => {
      const n = Math.ceil(textOf(typeof text === 'string' ? text : text.content).length / 4);
      tokenCounts.push(n);
      return n;
    },
  });
  return { requests, tokenCounts, dispose: () => registration.dispose() };
}

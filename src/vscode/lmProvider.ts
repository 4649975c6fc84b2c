import * as vscode from 'vscode';
import { LlmError, type ChatMessage, type LlmProvider, type TokenUsage } from '../core/agent/api';

/** True when this VS Code offers the Language Model API (web builds and old versions may not). */
export function hasLanguageModelApi(): boolean {
  return typeof (vscode as { lm?: { selectChatModels?: unknown } }).lm?.selectChatModels === 'function';
}

/**
 * Core's LlmProvider port over VS Code's Language Model API (`vscode.lm`): the chat models other
 * extensions (e.g. GitHub Copilot) contribute. The API has no system role, so system messages are
 * sent as the first user message. Token counts come from the model's own counter.
 */
export class VsCodeLmProvider implements LlmProvider {
  readonly name: string;

  private constructor(private readonly model: vscode.LanguageModelChat) {
    this.name = `vscode-lm ${model.vendor}/${model.family} (${model.name})`;
  }

  /** Picks a chat model (by family when given); undefined when none is offered or the API is missing. */
  static async select(family?: string): Promise<VsCodeLmProvider | undefined> {
    if (!hasLanguageModelApi()) return undefined;
    const models = await vscode.lm.selectChatModels(family ? { family } : {});
    return models[0] ? new VsCodeLmProvider(models[0]) : undefined;
  }

  async complete(messages: readonly ChatMessage[], options: { readonly signal?: AbortSignal; readonly maxTokens?: number }): Promise<{ text: string; usage: TokenUsage }> {
    const source = new vscode.CancellationTokenSource();
    const onAbort = () => source.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const chat = messages.map((m) => (m.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(m.content) : vscode.LanguageModelChatMessage.User(m.content)));
    try {
      if (options.signal?.aborted) throw new LlmError('cancelled', 'cancelled');
      const response = await this.model.sendRequest(chat, { justification: 'ParaForge asks the model to parallelise the code you selected.' }, source.token);
      let text = '';
      for await (const part of response.text) text += part;
      const promptTokens = await this.countAll(messages, source.token);
      const completionTokens = await this.model.countTokens(text, source.token).then((n) => n, () => 0);
      return { text, usage: { promptTokens, completionTokens } };
    } catch (e) {
      if (e instanceof LlmError) throw e;
      if (options.signal?.aborted) throw new LlmError('cancelled', 'cancelled');
      throw toLlmError(e);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      source.dispose();
    }
  }

  private async countAll(messages: readonly ChatMessage[], token: vscode.CancellationToken): Promise<number> {
    let n = 0;
    for (const m of messages) n += await this.model.countTokens(m.content, token).then((c) => c, () => 0);
    return n;
  }
}

/** Maps the Language Model API's errors onto core's LlmError kinds. */
function toLlmError(e: unknown): LlmError {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code ?? '';
  if (/NoPermissions|Blocked/i.test(code)) return new LlmError(`VS Code language model refused: ${message}`, 'auth');
  if (/NotFound/i.test(code)) return new LlmError(`VS Code language model not available: ${message}`, 'unreachable');
  return new LlmError(`VS Code language model failed: ${message}`, 'server');
}

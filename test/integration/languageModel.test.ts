/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ParallelizeResult } from '../../src/vscode/parallelizeSelection';
import { activated, extension, openFixture, revertAndClose, staleCandidates, waitFor } from './helpers';
import { canRegisterChatModels, registerScriptedLanguageModel, SCRIPTED_FAMILY, SCRIPTED_VENDOR, type ScriptedLanguageModel } from './scriptedLanguageModel';

const config = () => vscode.workspace.getConfiguration('paraforge');

suite('Language model API', () => {
  let model: ScriptedLanguageModel | undefined;

  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    model?.dispose();
    model = undefined;
    for (const key of ['llm.provider', 'llm.model']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('this VS Code lets an extension register a chat model (vscode.lm.registerLanguageModelChatProvider)', () => {
    assert.ok(canRegisterChatModels(), `VS Code ${vscode.version} has no vscode.lm.registerLanguageModelChatProvider`);
  });

  test('a registered chat model is listed by vscode.lm.selectChatModels', async () => {
    model = registerScriptedLanguageModel(['unused']);
    const models = await waitFor('the scripted model', async () => {
      const found = await vscode.lm.selectChatModels({ vendor: SCRIPTED_VENDOR, family: SCRIPTED_FAMILY });
      return found.length ? found : undefined;
    }, 20_000);
    assert.strictEqual(models[0].family, SCRIPTED_FAMILY);
  });

  test('paraforge.llm.provider = vscode-lm: the LLM engine asks the VS Code chat model, and its pragma is verified by running it', async function () {
    this.timeout(600_000);
    const ctx = await activated();
    model = registerScriptedLanguageModel(['Every iteration writes its own y[i].\n\nL1: #pragma omp parallel for']);
    await config().update('llm.provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
    await config().update('llm.model', SCRIPTED_FAMILY, vscode.ConfigurationTarget.Global);
    const { document } = await openFixture('parallel.c');
    try {
      const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 4, end: 6 }, target: 'openmp', engine: 'llm', preview: false });
      assert.ok(model.requests.length >= 1, `the chat model was never asked: ${result.status}: ${result.message}`);
      // The API has no system role: ParaForge sends its system prompt as a user message (role 1).
      assert.ok(model.requests[0].messages.every((m) => m.role === 1 || m.role === 2), JSON.stringify(model.requests[0].messages.map((m) => m.role)));
      assert.match(model.requests[0].messages.map((m) => m.text).join('\n'), /saxpy[\s\S]*y\[i\] = a \* x\[i\] \+ y\[i\]/);
      assert.ok(model.tokenCounts.length > 0, 'ParaForge never asked the model to count tokens');
      assert.strictEqual(result.status, 'preview', `${result.message} ${JSON.stringify(result.candidates)}`);
      const chosen = ctx.results.get(result.chosen!)!;
      assert.strictEqual(chosen.candidate.origin, 'llm');
      assert.match(chosen.report.engine, new RegExp(`^llm \\(vscode-lm ${SCRIPTED_VENDOR}/${SCRIPTED_FAMILY}`));
      assert.strictEqual(chosen.report.evidence?.verdict, 'verified', chosen.report.evidence?.summary);
      assert.match(chosen.candidate.text, /#pragma omp parallel for\n\s*for \(int i = 0; i < n; i\+\+\) \{\n\s*y\[i\] = a \* x\[i\]/);
    } finally {
      await staleCandidates(document);
      await revertAndClose(document);
    }
  });

  test('paraforge.llm.provider = vscode-lm with a family no model has: the LLM engine says so and runs nothing', async () => {
    model = registerScriptedLanguageModel(['L1: #pragma omp parallel for']);
    await config().update('llm.provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
    await config().update('llm.model', 'no-such-family', vscode.ConfigurationTarget.Global);
    const { document } = await openFixture('parallel.c');
    const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 4, end: 6 }, target: 'openmp', engine: 'llm', preview: false });
    assert.strictEqual(result.status, 'unavailable', result.message);
    assert.match(result.message, /no chat model of family "no-such-family"/);
    assert.strictEqual(model.requests.length, 0);
  });
});

/**
 * What the handler streamed. The chat view itself is not driven: in this VS Code server
 * (code-server 4.139, no Copilot) `workbench.action.chat.open` with a query submits nothing (the
 * chat widget has no default model and never calls the participant, also with a chat model
 * registered), so the tests call the participant's handler, exported on the extension's API, with
 * a request whose model is the real one `vscode.lm` selected. Only this stream is a recorder.
 */
class RecordingStream implements vscode.ChatResponseStream {
  readonly markdowns: string[] = [];
  readonly anchors: { readonly value: vscode.Uri | vscode.Location; readonly title?: string }[] = [];
  readonly buttons: vscode.Command[] = [];
  readonly progresses: string[] = [];

  get text(): string {
    return this.markdowns.join('');
  }
  markdown(value: string | vscode.MarkdownString): void {
    this.markdowns.push(typeof value === 'string' ? value : value.value);
  }
  anchor(value: vscode.Uri | vscode.Location, title?: string): void {
    this.anchors.push({ value, title });
  }
  button(command: vscode.Command): void {
    this.buttons.push(command);
  }
  filetree(): void {
    throw new Error('the participant streamed a file tree');
  }
  progress(value: string): void {
    this.progresses.push(value);
  }
  reference(): void {
    throw new Error('the participant streamed a reference');
  }
  push(): void {
    throw new Error('the participant pushed a raw part');
  }
}

suite('@paraforge chat participant', () => {
  let model: ScriptedLanguageModel | undefined;

  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    model?.dispose();
    model = undefined;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Calls the participant's handler as the chat view would, and returns what it streamed. */
  async function ask(command: string | undefined, prompt: string): Promise<RecordingStream> {
    const ctx = await activated();
    model ??= registerScriptedLanguageModel(['(the participant does not call the model)']);
    const [chatModel] = await waitFor('the chat model', async () => {
      const found = await vscode.lm.selectChatModels({ vendor: SCRIPTED_VENDOR });
      return found.length ? found : undefined;
    }, 20_000);
    const request = { prompt, command, references: [], toolReferences: [], model: chatModel } as unknown as vscode.ChatRequest;
    const stream = new RecordingStream();
    const source = new vscode.CancellationTokenSource();
    await ctx.chatHandler(request, { history: [] }, stream, source.token);
    source.dispose();
    return stream;
  }

  test('is contributed with /why and /parallelize, and this VS Code has the chat API it registers with', () => {
    const participants = (extension().packageJSON.contributes?.chatParticipants ?? []) as { id: string; name: string; commands: { name: string }[] }[];
    assert.deepStrictEqual(participants.map((p) => [p.id, p.name, p.commands.map((c) => c.name)]), [['paraforge.chat', 'paraforge', ['why', 'parallelize']]]);
    assert.strictEqual(typeof vscode.chat.createChatParticipant, 'function');
  });

  test('/why on a parallel loop: the verdict, the exact pragma, and a Parallelize… button for that loop', async () => {
    const editor = await openFixture('parallel.c');
    editor.selection = new vscode.Selection(4, 4, 4, 4);
    const answer = await ask('why', '');
    assert.match(answer.text, /The loop at line 5 in saxpy is \*\*parallel\*\*/);
    assert.match(answer.text, /```c\n#pragma omp parallel for\n```/);
    assert.deepStrictEqual(answer.buttons.map((b) => [b.command, b.arguments]), [['paraforge.parallelizeSelection', [{ uri: editor.document.uri.toString(), lines: { start: 4, end: 6 } }]]]);
  });

  test('"why is this loop not parallel?" (no command): the verdict and each reason, anchored to its line', async () => {
    const editor = await openFixture('parallel.c');
    editor.selection = new vscode.Selection(18, 4, 18, 4);
    const answer = await ask(undefined, 'why is this loop not parallel?');
    assert.match(answer.text, /The loop at line 19 in prefix_sum is \*\*not parallel\*\*/);
    assert.doesNotMatch(answer.text, /#pragma omp/);
    assert.ok(answer.anchors.length >= 1, answer.text);
    for (const a of answer.anchors) {
      assert.ok(a.value instanceof vscode.Location, 'an anchor is not a location');
      assert.strictEqual(a.value.uri.toString(), editor.document.uri.toString());
      assert.ok(a.value.range.start.line >= 18 && a.value.range.start.line <= 20, `anchor at line ${a.value.range.start.line + 1}`);
      assert.strictEqual(a.title, `line ${a.value.range.start.line + 1}`);
    }
  });

  test('no loop at the cursor, and no editor: says what to do', async () => {
    const editor = await openFixture('parallel.c');
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    assert.match((await ask('why', '')).text, /There is no loop at the cursor/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.match((await ask('why', '')).text, /Open a C, C\+\+ or CUDA file/);
  });

  test('/parallelize: verifies by running, answers with each verdict, and its Show Evidence button opens the report', async function () {
    this.timeout(600_000);
    const ctx = await activated();
    const editor = await openFixture('parallel.c');
    editor.selection = new vscode.Selection(4, 0, 7, 0);
    try {
      const answer = await ask('parallelize', '');
      assert.deepStrictEqual(answer.progresses, ['Proposing and verifying candidates…']);
      assert.match(answer.text, /\*\*1 of 1 candidates verified; showing the fastest/);
      assert.match(answer.text, /- ✅ `verified` /);
      assert.strictEqual(answer.buttons.length, 1);
      const [button] = answer.buttons;
      assert.strictEqual(button.command, 'paraforge.showReport');
      const id = (button.arguments?.[0] as { id: string }).id;
      assert.strictEqual(ctx.results.get(id)?.report.evidence?.verdict, 'verified');
      await vscode.commands.executeCommand(button.command, ...(button.arguments ?? []));
      await waitFor('the evidence report', () => (vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview && /^Evidence: parallel\.c/.test(t.label)) ? true : undefined), 30_000);
    } finally {
      await staleCandidates(editor.document);
      await revertAndClose(editor.document);
    }
  });
});

/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ParallelizeResult } from '../../src/vscode/parallelizeSelection';
import { activated, openFixture, revertAndClose, staleCandidates, waitFor } from './helpers';

const config = () => vscode.workspace.getConfiguration('paraforge');

/** ParaForge's status bar item (the real StatusBarItem the window shows). */
async function statusItem(): Promise<vscode.StatusBarItem> {
  const ctx = await activated();
  assert.ok(ctx.statusBar, 'ParaForge registered no status bar item');
  return ctx.statusBar;
}

function tooltipOf(item: vscode.StatusBarItem): string {
  return typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
}

suite('Status bar', () => {
  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    for (const key of ['runner.backend', 'slurm.partition', 'verify.threads', 'llm.provider', 'llm.baseUrl', 'llm.model']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('shows the runner target with the defaults, says no language model is set, and opens the settings', async () => {
    await openFixture('parallel.c');
    const item = await statusItem();
    assert.strictEqual(item.text, '$(server-process) ParaForge: local');
    assert.strictEqual(item.name, 'ParaForge');
    assert.match(tooltipOf(item), /runner: local, threads 1, 2, ranks 1, 2, 4, gcc/);
    assert.match(tooltipOf(item), /language model: no LLM provider/);
    assert.strictEqual(item.command, 'paraforge.openSettings');
    await vscode.commands.executeCommand(item.command as string);
    await waitFor('the Settings editor', () => (vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Settings' ? true : undefined), 20_000);
  });

  test('follows the runner settings: Slurm with its partition, and the thread counts', async () => {
    await openFixture('parallel.c');
    const item = await statusItem();
    await config().update('runner.backend', 'slurm', vscode.ConfigurationTarget.Global);
    await config().update('slurm.partition', 'debug', vscode.ConfigurationTarget.Global);
    await waitFor('slurm in the status bar', () => (item.text === '$(server-process) ParaForge: slurm:debug' ? true : undefined));
    await config().update('verify.threads', [1, 4, 8], vscode.ConfigurationTarget.Global);
    await waitFor('the threads in the tooltip', () => (/threads 1, 4, 8/.test(tooltipOf(item)) ? true : undefined));
    await config().update('runner.backend', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('back to local', () => (item.text === '$(server-process) ParaForge: local' ? true : undefined));
  });

  test('follows the language model settings: the model in the text, the endpoint in the tooltip', async () => {
    await openFixture('parallel.c');
    const item = await statusItem();
    await config().update('llm.provider', 'openai-compatible', vscode.ConfigurationTarget.Global);
    await config().update('llm.baseUrl', 'http://127.0.0.1:8123/v1', vscode.ConfigurationTarget.Global);
    await config().update('llm.model', 'scripted-7b', vscode.ConfigurationTarget.Global);
    await waitFor('the model in the status bar', () => (item.text === '$(server-process) ParaForge: local · scripted-7b' ? true : undefined));
    assert.match(tooltipOf(item), /language model: scripted-7b @ 127\.0\.0\.1:8123/);
    await config().update('llm.provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
    await config().update('llm.model', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('VS Code LM in the status bar', () => (item.text === '$(server-process) ParaForge: local · VS Code LM' ? true : undefined));
  });

  test('shows the stage while Parallelize Selection runs, and the target again after', async function () {
    this.timeout(600_000);
    const ctx = await activated();
    const { document } = await openFixture('parallel.c');
    const item = await statusItem();
    const seen: string[] = [];
    const stages = ctx.runs.onDidReportStage(() => seen.push(item.text));
    try {
      const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 4, end: 6 }, target: 'openmp', engine: 'rules', preview: false });
      assert.strictEqual(result.status, 'preview', result.message);
      assert.ok(seen.some((t) => /^\$\(sync~spin\) ParaForge: .*candidate/.test(t)), `no stage in the status bar: ${JSON.stringify(seen)}`);
      await waitFor('the target back in the status bar', () => (item.text === '$(server-process) ParaForge: local' ? true : undefined), 20_000);
    } finally {
      stages.dispose();
      await staleCandidates(document);
      await revertAndClose(document);
    }
  });
});

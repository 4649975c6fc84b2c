/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ParallelizeResult } from '../../src/vscode/parallelizeSelection';
import { startScriptedServer, type ScriptedServer } from '../helpers/scriptedLlmServer';
import { activated, openFixture, revertAndClose } from './helpers';

const config = () => vscode.workspace.getConfiguration('paraforge');

suite('LLM engine', () => {
  let server: ScriptedServer | undefined;

  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    await server?.close();
    server = undefined;
    for (const key of ['llm.provider', 'llm.baseUrl', 'llm.model', 'budget.evolveGenerations', 'budget.maxMinutes']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('paraforge.clearApiKey');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('with no provider configured, the LLM engine says how to add one and runs nothing', async () => {
    const { document } = await openFixture('parallel.c');
    const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 4, end: 6 }, target: 'mpi', engine: 'llm' });
    assert.strictEqual(result.status, 'unavailable', result.message);
    assert.match(result.message, /paraforge\.llm\.provider/);
    assert.match(result.message, /Set API Key/);
  });

  test('the rules engine says which engine an MPI target needs', async () => {
    const { document } = await openFixture('parallel.c');
    const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 4, end: 6 }, target: 'mpi', engine: 'rules' });
    assert.strictEqual(result.status, 'unavailable');
    assert.match(result.message, /rules engine rewrites OpenMP only.*LLM or evolve/);
  });

  test('an OpenAI-compatible endpoint: the stored key reaches it, its pragma is verified by running it, and the diff opens', async function () {
    this.timeout(600_000);
    const ctx = await activated();
    server = await startScriptedServer([{ reply: 'The loop is a map: every iteration writes its own y[i].\n\nL1: #pragma omp parallel for' }]);
    await config().update('llm.provider', 'openai-compatible', vscode.ConfigurationTarget.Global);
    await config().update('llm.baseUrl', server.baseURL, vscode.ConfigurationTarget.Global);
    await config().update('llm.model', 'scripted', vscode.ConfigurationTarget.Global);
    const key = 'sk-integration-test-key';
    await vscode.commands.executeCommand('paraforge.setApiKey', { key });
    const { document } = await openFixture('parallel.c');
    try {
      const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 4, end: 6 }, target: 'openmp', engine: 'llm' });
      assert.ok(server.requests.length >= 1, 'the endpoint was never called');
      assert.strictEqual(server.requests[0].authorization, `Bearer ${key}`);
      assert.strictEqual(server.requests[0].body.model, 'scripted');
      assert.strictEqual(result.status, 'preview', `${result.message} ${JSON.stringify(result.candidates)}`);
      const chosen = ctx.results.get(result.chosen!)!;
      assert.strictEqual(chosen.candidate.origin, 'llm');
      assert.strictEqual(chosen.report.evidence?.verdict, 'verified');
      assert.match(chosen.candidate.text, /#pragma omp parallel for\n\s*for \(int i = 0; i < n; i\+\+\) \{\n\s*y\[i\] = a \* x\[i\]/);
      assert.match(chosen.report.engine, /^llm \(openai-compatible/);
    } finally {
      await revertAndClose(document);
    }
  });

  test('the evolve engine runs without a model (pragma mutations), judges its members by running them, and reports the lineage', async function () {
    this.timeout(900_000);
    const ctx = await activated();
    await config().update('budget.evolveGenerations', 1, vscode.ConfigurationTarget.Global);
    await config().update('budget.maxMinutes', 3, vscode.ConfigurationTarget.Global);
    const editor = await openFixture('parallel.c');
    const { document } = editor;
    try {
      const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 4, end: 6 }, target: 'openmp', engine: 'evolve', preview: false });
      assert.ok(result.status === 'preview' || result.status === 'verified-none', `${result.status}: ${result.message}`);
      assert.ok(result.candidates.length >= 1);
      const chosen = ctx.results.get(result.chosen!)!;
      assert.match(chosen.report.engine, /^evolve \(no model/);
      assert.ok(chosen.report.lineage && chosen.report.lineage.length === result.candidates.length, JSON.stringify(chosen.report.lineage));
      assert.ok(result.candidates.some((c) => c.verdict !== 'not-run'), `nothing was run: ${JSON.stringify(result.candidates)}`);
    } finally {
      await revertAndClose(document);
    }
  });
});

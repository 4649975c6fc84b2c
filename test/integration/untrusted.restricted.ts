/// <reference types="mocha" />
// Runs in the second pass of scripts/run-integration.mjs: Workspace Trust on, the folder untrusted.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import type { ParallelizeResult } from '../../src/vscode/parallelizeSelection';
import type { VerifyLoopResult } from '../../src/vscode/verifyLoop';
import { activated, extension, openFixture, paraforgeDiagnostics, revertAndClose, runnerProcesses, waitFor } from './helpers';

/** Build and run folders the runner would create under this host's TMPDIR. */
function runnerFolders(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((f) => /^paraforge-(run|build)/.test(f));
}

suite('Restricted Mode (untrusted workspace)', () => {
  test('the workspace is untrusted and ParaForge still activates (limited support)', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the Restricted Mode pass opened a trusted workspace');
    const untrusted = extension().packageJSON.capabilities?.untrustedWorkspaces;
    assert.strictEqual(untrusted?.supported, 'limited');
    await openFixture('loops.c');
    await activated();
  });

  test('analysis works: hints appear on parallel loops', async () => {
    const { document } = await openFixture('parallel.c');
    await waitFor('a hint on a parallel loop', () => (paraforgeDiagnostics(document.uri).length > 0 ? true : undefined), 60_000);
  });

  test('Parallelize Selection proposes and previews, but compiles and runs nothing', async function () {
    this.timeout(300_000);
    const ctx = await activated();
    const { document } = await openFixture('verify_main.c');
    try {
      const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), target: 'openmp', engine: 'rules' });
      assert.strictEqual(result.status, 'verified-none', result.message);
      assert.ok(result.candidates.length > 0);
      for (const c of result.candidates) assert.strictEqual(c.verdict, 'not-run');
      const report = ctx.results.get(result.chosen!)!.report;
      assert.strictEqual(report.evidence, null);
      assert.match(report.notRunBecause ?? '', /Restricted Mode/);
      assert.deepStrictEqual(runnerProcesses(), []);
      assert.deepStrictEqual(runnerFolders(), [], 'the runner created build folders');
    } finally {
      await revertAndClose(document);
    }
  });

  test('"Parallelize and verify loop" and the LLM engine refuse, saying why', async () => {
    const { document } = await openFixture('parallel.c');
    const verify = await vscode.commands.executeCommand<VerifyLoopResult>('paraforge.parallelizeAndVerify', { uri: document.uri.toString(), version: document.version, edits: [], functionName: 'saxpy', line: 5 });
    assert.strictEqual(verify.verdict, 'refused');
    assert.match(verify.summary, /Restricted Mode/);
    const llm = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 4, end: 6 }, target: 'openmp', engine: 'llm' });
    assert.strictEqual(llm.status, 'refused');
    assert.match(llm.message, /Restricted Mode/);
    assert.deepStrictEqual(runnerFolders(), []);
  });
});

/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { LoopEditResult } from '../../src/vscode/applyLoopEdit';
import { verifyLoop, type VerifyLoopArgs, type VerifyLoopResult } from '../../src/vscode/verifyLoop';
import { actionTitled, activated, codeActionsAt, openFixture, revertAndClose, runAction, runnerProcesses, waitFor } from './helpers';

const VERIFY = 'Parallelize and verify loop (compile, run, race-check)';

/** The cursor on a line's first non-blank character, as a range. */
function at(document: vscode.TextDocument, line: number): vscode.Range {
  const character = document.lineAt(line).firstNonWhitespaceCharacterIndex;
  return new vscode.Range(line, character, line, character);
}

suite('Parallelize and verify', () => {
  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('offers the verifying action next to the plain rewrite on a parallel loop, and not on a serial one', async () => {
    const { document } = await openFixture('parallel.c');
    const action = actionTitled(await codeActionsAt(document.uri, at(document, 4)), VERIFY);
    assert.strictEqual(action.kind?.value, vscode.CodeActionKind.RefactorRewrite.value);
    assert.strictEqual(action.command?.command, 'paraforge.parallelizeAndVerify');
    const serial = await codeActionsAt(document.uri, at(document, 19));
    assert.ok(!serial.some((a) => a.title.startsWith(VERIFY)), `offered on the prefix sum: ${serial.map((a) => a.title)}`);
  });

  test('verifies a whole program without changing it; applying the verified rewrite then inserts the pragma', async () => {
    const { document } = await openFixture('verify_main.c');
    try {
      const before = document.getText();
      const result = await runAction<VerifyLoopResult>(actionTitled(await codeActionsAt(document.uri, at(document, 8)), VERIFY));
      assert.strictEqual(result.verdict, 'verified', result.summary);
      assert.strictEqual(result.verified, true);
      assert.strictEqual(result.applied, false);
      assert.strictEqual(result.parts.length, 1);
      const evidence = result.parts[0].evidence;
      assert.strictEqual(result.parts[0].functionName, null, 'a file with main is run whole, not through a harness');
      assert.ok(evidence.tests.length > 0 && evidence.tests.every((t) => t.passed), `tests: ${JSON.stringify(evidence.tests)}`);
      assert.match(evidence.toolchain.raceChecker ?? '', /Archer|TSan|tsan/i, 'no race check ran');
      assert.deepStrictEqual(evidence.races, []);
      // Verifying edits nothing: the user has not said "Apply" yet.
      assert.strictEqual(document.getText(), before);
      assert.strictEqual(document.isDirty, false);
      // The readable report is a read-only document with the formatted evidence.
      assert.ok(result.evidenceUri);
      const report = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.evidenceUri));
      assert.match(report.getText(), /verify_main\.c: VERIFIED — /);
      assert.match(report.getText(), /threads\s+median s/);

      const applied = await vscode.commands.executeCommand<LoopEditResult>('paraforge.applyVerifiedRewrite', { uri: document.uri.toString() });
      assert.deepStrictEqual(applied, { applied: true });
      assert.match(document.lineAt(8).text, /^ {2}#pragma omp parallel for( simd)?$/);
      assert.strictEqual(document.lineAt(9).text, '  for (int i = 0; i < N; i++) {');
      // Only the chosen loop: the reduction below is untouched.
      assert.strictEqual((document.getText().match(/#pragma omp/g) ?? []).length, 1);
      // A candidate applies once.
      const again = await vscode.commands.executeCommand<LoopEditResult>('paraforge.applyVerifiedRewrite', { uri: document.uri.toString() });
      assert.strictEqual(again.applied, false);
    } finally {
      await revertAndClose(document);
    }
  });

  test('refuses to apply a verified rewrite after the document changed', async () => {
    const { document } = await openFixture('verify_main.c');
    try {
      const result = await runAction<VerifyLoopResult>(actionTitled(await codeActionsAt(document.uri, at(document, 12)), VERIFY));
      assert.strictEqual(result.verdict, 'verified', result.summary);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), '// an edit after the verification\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const applied = await vscode.commands.executeCommand<LoopEditResult>('paraforge.applyVerifiedRewrite', { uri: document.uri.toString() });
      assert.strictEqual(applied.applied, false);
      assert.match(!applied.applied ? applied.reason : '', /changed after the loop was analysed/);
      assert.ok(!document.getText().includes('#pragma omp'), 'the stale verified rewrite was applied anyway');
    } finally {
      await revertAndClose(document);
    }
  });

  test('a function whose signature cannot be driven is not-run with the harness reason, and nothing changes', async () => {
    const { document } = await openFixture('callback.c');
    const before = document.getText();
    // The analysis may decline this small loop (64 iterations: not worth threads), so the light bulb
    // need not offer it; the command is driven directly with the pragma the action would insert.
    const loop = document.offsetAt(new vscode.Position(3, 0));
    const args: VerifyLoopArgs = { uri: document.uri.toString(), version: document.version, edits: [{ startOffset: loop, endOffset: loop, newText: '  #pragma omp parallel for\n' }], functionName: 'apply', line: 4 };
    const result = await vscode.commands.executeCommand<VerifyLoopResult>('paraforge.parallelizeAndVerify', args);
    assert.strictEqual(result.verdict, 'not-run');
    assert.strictEqual(result.verified, false);
    assert.strictEqual(result.applied, false);
    assert.match(result.summary, /cannot generate a harness for apply/);
    assert.strictEqual(result.parts[0]?.functionName, 'apply');
    assert.strictEqual(document.getText(), before);
    // Nothing was kept to apply either.
    const applied = await vscode.commands.executeCommand<LoopEditResult>('paraforge.applyVerifiedRewrite', { uri: document.uri.toString() });
    assert.strictEqual(applied.applied, false);
    assert.strictEqual(document.getText(), before);
  });

  test('cancelling kills the compiler and program processes and yields a cancelled result', async function () {
    // The runner's static checks come first; on a busy machine its first process can take a while.
    this.timeout(600_000);
    const ctx = await activated();
    const { document } = await openFixture('verify_main.c');
    try {
      // A text no earlier test compiled, so the runner cannot answer from its build cache and
      // there are processes to kill.
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), `// cancel test ${Date.now()}\n`);
      assert.ok(await vscode.workspace.applyEdit(edit));
      const before = document.getText();
      const action = actionTitled(await codeActionsAt(document.uri, at(document, 9)), VERIFY);
      const args = action.command?.arguments?.[0] as VerifyLoopArgs;
      assert.strictEqual(args.version, document.version);
      assert.deepStrictEqual(runnerProcesses(), [], 'runner processes left over from an earlier test');
      const controller = new AbortController();
      const running = verifyLoop(ctx, args, { signal: controller.signal });
      const seen = await waitFor('a compiler or program process of the runner', () => (runnerProcesses().length > 0 ? runnerProcesses() : undefined), 300_000);
      controller.abort(new Error('cancelled by the test'));
      const result = await running;
      assert.strictEqual(result.verdict, 'cancelled', `${result.verdict}: ${result.summary} (processes seen: ${seen.join('; ')})`);
      assert.strictEqual(result.verified, false);
      assert.strictEqual(result.candidate, undefined);
      await waitFor('the runner\'s processes to be gone', () => (runnerProcesses().length === 0 ? true : undefined), 3000).catch(() => {
        assert.fail(`left behind: ${runnerProcesses().join('; ')}`);
      });
      assert.strictEqual(document.getText(), before);
    } finally {
      await revertAndClose(document);
    }
  });
});

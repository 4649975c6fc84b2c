/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { LoopEditResult } from '../../src/vscode/applyLoopEdit';
import type { Explanation } from '../../src/vscode/explainLoop';
import { actionTitled, activated, codeActionsAt, openFixture, revertAndClose, runAction, waitFor, waitForDiagnostics } from './helpers';

const PARALLELIZE = 'Parallelize loop with OpenMP';
const WHY = 'Why is this loop not parallel?';

/** The cursor on a line's first non-blank character, as a range. */
function at(document: vscode.TextDocument, line: number): vscode.Range {
  const character = document.lineAt(line).firstNonWhitespaceCharacterIndex;
  return new vscode.Range(line, character, line, character);
}

suite('Code actions', () => {
  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('offers the OpenMP rewrite on a parallel loop, marked unverified, and no explanation', async () => {
    const { document } = await openFixture('parallel.c');
    const actions = await codeActionsAt(document.uri, at(document, 4));
    const parallelize = actionTitled(actions, PARALLELIZE);
    // The title says which loop: with several loops in view, the light bulb's entries differ.
    assert.strictEqual(parallelize.title, `${PARALLELIZE} at line 5 in saxpy (not yet verified)`);
    assert.strictEqual(parallelize.kind?.value, vscode.CodeActionKind.RefactorRewrite.value);
    assert.ok(!actions.some((a) => a.title.startsWith(WHY)), 'a parallel loop is explained as not parallel');
  });

  test('offers only the explanation on a loop with a carried dependence', async () => {
    const { document } = await openFixture('parallel.c');
    const actions = await codeActionsAt(document.uri, at(document, 19));
    actionTitled(actions, WHY);
    assert.ok(!actions.some((a) => a.title.startsWith('Parallelize')), `offered: ${actions.map((a) => a.title)}`);
  });

  test('"Parallelize loop with OpenMP" inserts the pragma above the loop, in its indentation', async () => {
    const { document } = await openFixture('parallel.c');
    try {
      const result = await runAction<LoopEditResult>(actionTitled(await codeActionsAt(document.uri, at(document, 4)), PARALLELIZE));
      assert.deepStrictEqual(result, { applied: true });
      // `simd` is the rewriter's call for a vectorisable innermost loop.
      assert.match(document.lineAt(4).text, /^ {2}#pragma omp parallel for( simd)?$/);
      assert.strictEqual(document.lineAt(5).text, '  for (int i = 0; i < n; i++) {');
      // The reduction loop (now one line lower) gets exactly its clause.
      const dot = await runAction<LoopEditResult>(actionTitled(await codeActionsAt(document.uri, at(document, 12)), PARALLELIZE));
      assert.deepStrictEqual(dot, { applied: true });
      assert.match(document.lineAt(12).text, /^ {2}#pragma omp parallel for( simd)? reduction\(\+: ?sum\)$/);
      assert.strictEqual(document.lineAt(13).text, '  for (int i = 0; i < n; i++) {');
      // Done: the loop has its pragma, so the rewrite is not offered again.
      const again = await codeActionsAt(document.uri, at(document, 5));
      assert.ok(!again.some((a) => a.title.startsWith(PARALLELIZE)), 'offered to parallelise an already parallel loop');
    } finally {
      await revertAndClose(document);
    }
  });

  test('refuses to apply a rewrite computed for an older version of the file', async () => {
    const { document } = await openFixture('parallel.c');
    try {
      const action = actionTitled(await codeActionsAt(document.uri, at(document, 4)), PARALLELIZE);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), '// an edit after the analysis\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const result = await runAction<LoopEditResult>(action);
      assert.strictEqual(result.applied, false);
      assert.match(!result.applied ? result.reason : '', /changed after the loop was analysed/);
      assert.ok(!document.getText().includes('#pragma omp'), 'the stale edit was applied anyway');
    } finally {
      await revertAndClose(document);
    }
  });

  test('the race warning\'s quick fix adds the missing reduction clause', async () => {
    const { document } = await openFixture('race.c');
    try {
      const [warning] = await waitForDiagnostics(document.uri, 'the race warning', (d) => d.length > 0);
      const actions = await codeActionsAt(document.uri, warning.range);
      const fix = actions.find((a) => a.kind?.value === vscode.CodeActionKind.QuickFix.value);
      assert.ok(fix, `no quick fix; offered: ${actions.map((a) => a.title)}`);
      assert.match(fix.title, /reduction\(\+: ?s\)/);
      assert.match(fix.title, /not yet verified/);
      assert.ok(fix.isPreferred);
      assert.deepStrictEqual(await runAction<LoopEditResult>(fix), { applied: true });
      assert.match(document.lineAt(4).text, /^ {2}#pragma omp parallel for reduction\(\+: ?s\)$/);
      await waitForDiagnostics(document.uri, 'the warning to go', (d) => d.length === 0);
    } finally {
      await revertAndClose(document);
    }
  });

  test('the race quick fix puts the clause before a trailing comment', async () => {
    const { document } = await openFixture('race_private.c');
    try {
      const [warning] = await waitForDiagnostics(document.uri, 'the race warning', (d) => d.length > 0);
      assert.match(warning.message, /races on `t`/);
      assert.strictEqual(warning.code, 'pragma-missing-private');
      const fix = actionTitled(await codeActionsAt(document.uri, warning.range), 'Add `private(t)`');
      assert.deepStrictEqual(await runAction<LoopEditResult>(fix), { applied: true });
      assert.strictEqual(document.lineAt(4).text, '  #pragma omp parallel for private(t) // rows are independent');
      await waitForDiagnostics(document.uri, 'the warning to go', (d) => d.length === 0);
    } finally {
      await revertAndClose(document);
    }
  });

  test('"Why is this loop not parallel?" lists the reasons and jumps to the one chosen', async () => {
    const { document } = await openFixture('parallel.c');
    const why = actionTitled(await codeActionsAt(document.uri, at(document, 19)), WHY);
    const explanation = await runAction<Explanation>(why);
    assert.strictEqual(explanation.functionName, 'prefix_sum');
    assert.strictEqual(explanation.verdict, 'not-parallel');
    assert.ok(explanation.reasons.length > 0, 'no reasons');
    const first = explanation.reasons[0];
    assert.strictEqual(first.line, 20, `first reason not on the loop body: ${JSON.stringify(first)}`);
    assert.ok(first.code.length > 0);
    // Accept the first reason in the pick list: the editor selects the code it is about.
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const selection = await waitFor('the reason to be selected', () => {
      const s = vscode.window.activeTextEditor?.selection;
      return s && s.start.line === 19 && !s.isEmpty ? s : undefined;
    });
    assert.strictEqual(selection.start.character + 1, first.column);
  });

  test('the explanation names I/O as the reason a printing loop stays sequential', async () => {
    const { document } = await openFixture('parallel.c');
    const explanation = await runAction<Explanation>(actionTitled(await codeActionsAt(document.uri, at(document, 25)), WHY));
    assert.ok(explanation.reasons.some((r) => /printf/.test(r.message)), JSON.stringify(explanation.reasons));
  });

  test('the palette command explains the loop under the cursor', async () => {
    const editor = await openFixture('parallel.c');
    editor.selection = new vscode.Selection(20, 6, 20, 6);
    const explanation = await vscode.commands.executeCommand<Explanation>('paraforge.explainLoop');
    assert.strictEqual(explanation.functionName, 'prefix_sum');
    assert.strictEqual(explanation.line, 19);
    assert.strictEqual(explanation.verdict, 'not-parallel');
  });

  test('a rewrite that assumes no aliasing is a separate, labelled action', async () => {
    const { document } = await openFixture('alias.c');
    try {
      const actions = await codeActionsAt(document.uri, at(document, 3));
      assert.ok(!actions.some((a) => a.title.startsWith(PARALLELIZE)), 'parallelised without the assumption');
      const assumed = actionTitled(actions, 'Parallelize assuming');
      assert.match(assumed.title, /\ba\b.*\bb\b.*overlap.*\(not yet verified\)$/);
      actionTitled(actions, WHY);
      assert.deepStrictEqual(await runAction<LoopEditResult>(assumed), { applied: true });
      const text = document.getText();
      assert.match(text, /#pragma omp parallel for/);
      assert.match(text, /restrict/);
    } finally {
      await revertAndClose(document);
    }
  });

  test('never offers a rewrite for a loop next to a syntax error', async () => {
    const { document } = await openFixture('broken.c');
    actionTitled(await codeActionsAt(document.uri, at(document, 3)), PARALLELIZE);
    const broken = await codeActionsAt(document.uri, at(document, 9));
    assert.ok(!broken.some((a) => a.title.startsWith('Parallelize')), `offered: ${broken.map((a) => a.title)}`);
  });
});

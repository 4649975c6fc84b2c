/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { LoopNestItem } from '../../src/vscode/showLoopNests';
import { activated, loopNests, openFixture, revertAndClose, waitFor } from './helpers';

type Summary = Pick<LoopNestItem, 'functionName' | 'line' | 'endLine' | 'depth' | 'kind' | 'hasParseErrors'>;

function summary(items: readonly LoopNestItem[]): Summary[] {
  return items.map(({ functionName, line, endLine, depth, kind, hasParseErrors }) => ({ functionName, line, endLine, depth, kind, hasParseErrors }));
}

suite('Show Loop Nests', () => {
  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  test('lists the for, nested for, while and do loops of a C file', async () => {
    await openFixture('loops.c');
    assert.deepStrictEqual(summary(await loopNests()), [
      { functionName: 'scale', line: 5, endLine: 7, depth: 1, kind: 'for', hasParseErrors: false },
      { functionName: 'transpose', line: 11, endLine: 15, depth: 2, kind: 'for', hasParseErrors: false },
      { functionName: 'count_down', line: 20, endLine: 23, depth: 1, kind: 'while', hasParseErrors: false },
      { functionName: 'count_down', line: 24, endLine: 26, depth: 1, kind: 'do', hasParseErrors: false },
    ]);
  });

  test('lists a depth-3 nest and a range-for in a C++ file', async () => {
    await openFixture('matmul.cpp');
    assert.deepStrictEqual(summary(await loopNests()), [
      { functionName: 'matmul', line: 7, endLine: 15, depth: 3, kind: 'for', hasParseErrors: false },
      { functionName: 'total', line: 20, endLine: 22, depth: 1, kind: 'range-for', hasParseErrors: false },
    ]);
  });

  test('lists the kernel and host loops of a CUDA file (the launch is not a loop)', async () => {
    await openFixture('kernels.cu');
    assert.deepStrictEqual(summary(await loopNests()), [
      { functionName: 'add_kernel', line: 5, endLine: 7, depth: 1, kind: 'for', hasParseErrors: false },
      { functionName: 'add_host', line: 11, endLine: 13, depth: 1, kind: 'for', hasParseErrors: false },
    ]);
  });

  test('flags only the loop whose function has a syntax error', async () => {
    await openFixture('broken.c');
    const items = await loopNests();
    assert.deepStrictEqual(
      items.map((i) => [i.functionName, i.line, i.hasParseErrors]),
      [
        ['fine', 4, false],
        ['broken', 10, true],
      ],
    );
  });

  test('accepting a pick moves the cursor to that loop', async () => {
    const editor = await openFixture('loops.c');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const items = await loopNests({ keepOpen: true });
    assert.strictEqual(items[1].functionName, 'transpose');
    // The first item starts active; move to the second (transpose, line 11) and accept it.
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const position = await waitFor('the cursor to move to the chosen loop', () => {
      const active = vscode.window.activeTextEditor;
      if (active?.document.uri.toString() !== editor.document.uri.toString()) return undefined;
      return active.selection.active.line === 0 ? undefined : active.selection.active;
    });
    assert.deepStrictEqual([position.line, position.character], [10, 2]);
  });

  test('sees loops added and removed by edits (incremental re-parse)', async () => {
    const editor = await openFixture('edit.c');
    const document = editor.document;
    try {
      assert.deepStrictEqual((await loopNests()).map((i) => i.functionName), ['fill']);
      // Insert a two-level nest into `later`, right after its opening brace.
      const later = document.getText().indexOf('a[0] = n;');
      assert.ok(later > 0);
      const insert = new vscode.WorkspaceEdit();
      insert.insert(document.uri, document.positionAt(later), 'for (int i = 0; i < n; i++)\n    for (int j = 0; j < i; j++)\n      a[i] += j;\n  ');
      assert.ok(await vscode.workspace.applyEdit(insert));
      const afterInsert = await loopNests();
      assert.deepStrictEqual(summary(afterInsert).slice(1), [
        { functionName: 'later', line: 10, endLine: 12, depth: 2, kind: 'for', hasParseErrors: false },
      ]);
      // Delete the first loop's whole statement: the nest in `later` moves up three lines.
      const text = document.getText();
      const start = text.indexOf('  for (int i = 0; i < n; i++) {');
      const end = text.indexOf('  }\n', start) + 4;
      const remove = new vscode.WorkspaceEdit();
      remove.delete(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(end)));
      assert.ok(await vscode.workspace.applyEdit(remove));
      assert.deepStrictEqual(
        (await loopNests()).map((i) => [i.functionName, i.line, i.depth]),
        [['later', 7, 2]],
      );
      // The extension parsed the newest version, not a stale tree.
      const ctx = await activated();
      const parsed = await ctx.trees.get(document);
      assert.strictEqual(parsed?.version, document.version);
      assert.strictEqual(parsed?.text, document.getText());
    } finally {
      await revertAndClose(document);
    }
  });
});

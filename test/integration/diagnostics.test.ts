/// <reference types="mocha" />
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, openFixture, paraforgeDiagnostics, revertAndClose, waitForDiagnostics } from './helpers';

const lines = (ds: readonly vscode.Diagnostic[]) => ds.map((d) => d.range.start.line);

suite('Diagnostics', () => {
  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('hints the loops that can be parallelised, and only those', async () => {
    const editor = await openFixture('parallel.c');
    // saxpy (line 5) and dot (line 12) are parallel; prefix_sum (19) carries a dependence and print_all (25) does I/O.
    const ds = await waitForDiagnostics(editor.document.uri, 'hints on saxpy and dot', (d) => d.length >= 2);
    assert.deepStrictEqual(lines(ds), [4, 11]);
    for (const d of ds) {
      assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Hint);
      assert.strictEqual(d.code, 'parallelizable');
      assert.match(d.message, /can be parallelised/);
      assert.match(d.message, /not yet verified/);
    }
    // The hint sits on the loop header, `for (…)`.
    assert.strictEqual(editor.document.getText(ds[0].range), 'for (int i = 0; i < n; i++)');
  });

  test('warns that an OpenMP pragma races on `s`, coded by the reason', async () => {
    const editor = await openFixture('race.c');
    const [warning, ...rest] = await waitForDiagnostics(editor.document.uri, 'the race warning', (d) => d.length > 0);
    assert.strictEqual(rest.length, 0, `more than one diagnostic: ${JSON.stringify(rest.map((d) => d.message))}`);
    assert.strictEqual(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(warning.range.start.line, 4, 'the warning is not on the pragma');
    assert.match(warning.message, /races on `s`/);
    assert.ok(typeof warning.code === 'string' && warning.code.length > 0 && warning.code !== 'parallelizable', `code ${String(warning.code)}`);
    // It points at the statement that races.
    const related = warning.relatedInformation?.[0];
    assert.ok(related, 'no related information');
    assert.strictEqual(related.location.range.start.line, 6);
  });

  test('analyses the visible lines only, and the rest when scrolled to', async () => {
    const editor = await openFixture('long.c');
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, 'the hint on the top loop', (d) => lines(d).includes(3));
    // Give a full-file analysis every chance to show up before checking it did not happen.
    await new Promise((r) => setTimeout(r, 800));
    assert.deepStrictEqual(lines(paraforgeDiagnostics(uri)), [3], 'the loop 250 lines down was analysed before it was visible');
    editor.revealRange(new vscode.Range(249, 0, 249, 0), vscode.TextEditorRevealType.InCenter);
    const ds = await waitForDiagnostics(uri, 'the hint on the bottom loop', (d) => lines(d).includes(249));
    assert.deepStrictEqual(lines(ds), [3, 249]);
  });

  test('follows edits: drops the hint of a loop made sequential and moves the one below', async () => {
    const editor = await openFixture('parallel.c');
    const document = editor.document;
    try {
      await waitForDiagnostics(document.uri, 'hints on saxpy and dot', (d) => d.length >= 2);
      // A carried dependence in saxpy, one line longer: saxpy's hint goes, dot's moves to line 13.
      const at = document.getText().indexOf('y[i] = a * x[i] + y[i];') + 'y[i] = a * x[i] + y[i];'.length;
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, document.positionAt(at), '\n    y[i] += y[i - 1];');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const ds = await waitForDiagnostics(document.uri, 'only dot hinted, one line lower', (d) => lines(d).join() === '12');
      assert.strictEqual(document.getText(ds[0].range), 'for (int i = 0; i < n; i++)');
      // Undo the dependence: saxpy is hinted again.
      const undo = new vscode.WorkspaceEdit();
      const dep = document.getText().indexOf('\n    y[i] += y[i - 1];');
      undo.delete(document.uri, new vscode.Range(document.positionAt(dep), document.positionAt(dep + '\n    y[i] += y[i - 1];'.length)));
      assert.ok(await vscode.workspace.applyEdit(undo));
      await waitForDiagnostics(document.uri, 'both hints back', (d) => lines(d).join() === '4,11');
    } finally {
      await revertAndClose(document);
    }
  });

  test('an edit outside the loop that changes its verdict (dropping restrict) updates the hint', async () => {
    const editor = await openFixture('parallel.c');
    const document = editor.document;
    try {
      await waitForDiagnostics(document.uri, 'hints on saxpy and dot', (d) => lines(d).join() === '4,11');
      // A comment line between saxpy's header and its loop, so the header is not next to the nest.
      const spacer = new vscode.WorkspaceEdit();
      spacer.insert(document.uri, new vscode.Position(4, 0), '  // scale and add\n');
      assert.ok(await vscode.workspace.applyEdit(spacer));
      await waitForDiagnostics(document.uri, 'hints moved below the comment', (d) => lines(d).join() === '5,12');
      // saxpy's parameters lose `restrict` on the function's line, two lines above the loop: x and y may overlap.
      const header = document.lineAt(3).text;
      assert.match(header, /restrict/, `fixture changed: ${header}`);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, document.lineAt(3).range, header.replace(/\brestrict\s*/g, ''));
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitForDiagnostics(document.uri, 'saxpy no longer hinted', (d) => lines(d).join() === '12');
    } finally {
      await revertAndClose(document);
    }
  });

  test('shifts hints correctly after one edit with several changes', async () => {
    const editor = await openFixture('parallel.c');
    const document = editor.document;
    try {
      await waitForDiagnostics(document.uri, 'hints on saxpy and dot', (d) => lines(d).join() === '4,11');
      // Two inserts in one edit, neither inside a loop: above saxpy and between saxpy and dot.
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), '// one\n');
      edit.insert(document.uri, new vscode.Position(8, 0), '// two\n// three\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const ds = await waitForDiagnostics(document.uri, 'hints moved by 1 and 3 lines', (d) => lines(d).join() === '5,14');
      for (const d of ds) assert.strictEqual(document.getText(d.range), 'for (int i = 0; i < n; i++)');
    } finally {
      await revertAndClose(document);
    }
  });

  test('paraforge.diagnostics.parallelizableHints turns the hints off and on, keeping race warnings', async () => {
    const config = () => vscode.workspace.getConfiguration('paraforge');
    const parallel = await openFixture('parallel.c');
    await waitForDiagnostics(parallel.document.uri, 'hints', (d) => d.length === 2);
    try {
      await config().update('diagnostics.parallelizableHints', false, vscode.ConfigurationTarget.Global);
      await waitForDiagnostics(parallel.document.uri, 'no hints', (d) => d.length === 0);
      const race = await openFixture('race.c');
      await waitForDiagnostics(race.document.uri, 'the race warning still', (d) => d.length === 1 && d[0].severity === vscode.DiagnosticSeverity.Warning);
    } finally {
      await config().update('diagnostics.parallelizableHints', undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.window.showTextDocument(parallel.document);
    await waitForDiagnostics(parallel.document.uri, 'hints back', (d) => d.length === 2);
  });
});

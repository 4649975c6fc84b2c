/// <reference types="mocha" />
// Issue #10: open-to-first-hint, cold. A fresh extension host (nothing has activated ParaForge), a
// generated 300-line C file opened in an editor; the time until ParaForge's first hint is published,
// and VS Code's own time to open and show the same text as a plain-text file in the same host.
// Loaded only with PARAFORGE_BENCH=1 and selected by VSCODE_TEST_GREP="Open to first hint"
// (bench/open-to-hint.bench.ts runs one fresh host per sample and renders the JSON).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { generateCFile } from '../../bench/lib/generateC';
import { extension, fixtureUri, paraforgeDiagnostics } from './helpers';

/** One cold sample. */
export interface OpenToHintSample {
  vscode: string;
  node: string;
  lines: number;
  /** openTextDocument → the first ParaForge diagnostic on the file (seen by a diagnostics listener registered before opening). */
  openToFirstHintMs: number;
  /** The same start → ParaForge's activate() resolved (its own clock: activation start + its duration). */
  openToActiveMs: number;
  /** The same start → showTextDocument resolved for the C file. */
  openToEditorMs: number;
  /** VS Code's own baseline in the same host: opening and showing a plain-text file of the same size (no ParaForge, no C grammar). */
  baselineOpenToEditorMs: number;
  /** The hint as the user can see it: published and its editor shown (the later of the two). */
  openToVisibleHintMs: number;
  /** What ParaForge adds to the user-visible time: the visible hint minus the plain-text baseline. */
  addedOverBaselineMs: number;
  /** ParaForge's part: its activation started → the first hint published (same process clock). */
  activationToFirstHintMs: number;
  /** ParaForge's activate() alone (the tree-sitter runtime, the C grammar, the registrations), timed inside it. */
  activationMs: number;
  /** 1-minute load average of the machine when the sample was taken. */
  loadAverage: number;
}

/** Opens and shows a file; resolves with the milliseconds from the call to the editor being shown. */
async function openAndShow(uri: vscode.Uri): Promise<number> {
  const t0 = performance.now();
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  return performance.now() - t0;
}

suite('Open to first hint (cold)', () => {
  test('a 300-line C file: open → first hint', async function () {
    this.timeout(300_000);
    const ext = extension();
    assert.strictEqual(ext.isActive, false, 'not cold: ParaForge was already active');
    const text = generateCFile(300, 10);
    // The workbench is still starting when the tests begin: open (and show) a plain text file first,
    // so what is measured is opening a file, not VS Code's start-up.
    const warmUp = fixtureUri('open_to_hint_warm_up.txt');
    fs.writeFileSync(warmUp.fsPath, 'warm-up\n');
    await openAndShow(warmUp);
    // VS Code's own part: the same text as plain text (ParaForge does not activate for it).
    const plain = fixtureUri('open_to_hint_300.txt');
    fs.writeFileSync(plain.fsPath, text);
    const baseline = await openAndShow(plain);
    assert.strictEqual(ext.isActive, false, 'ParaForge activated for a plain-text file');
    const file = fixtureUri('open_to_hint_300.c');
    fs.writeFileSync(file.fsPath, text);
    // The listener is in place before the file opens, so the hint is timed when it is published,
    // not when a poll after showTextDocument gets to see it.
    let hintAt = NaN;
    const firstHint = new Promise<void>((resolve) => {
      const listener = vscode.languages.onDidChangeDiagnostics((e) => {
        if (!e.uris.some((u) => u.toString() === file.toString()) || paraforgeDiagnostics(file).length === 0) return;
        hintAt = performance.now();
        listener.dispose();
        resolve();
      });
    });
    const t0 = performance.now();
    const editorShown = openAndShow(file);
    await Promise.race([firstHint, new Promise((_, reject) => setTimeout(() => reject(new Error('no hint after 240 s')), 240_000))]);
    const shown = await editorShown;
    const ctx = ext.exports;
    const hint = hintAt - t0;
    const visible = Math.max(hint, shown);
    const sample: OpenToHintSample = {
      vscode: vscode.version,
      node: process.version,
      lines: text.split('\n').length,
      openToFirstHintMs: Math.round(hint),
      openToActiveMs: Math.round(ctx.activatedAt + ctx.activationMs - t0),
      openToEditorMs: Math.round(shown),
      baselineOpenToEditorMs: Math.round(baseline),
      openToVisibleHintMs: Math.round(visible),
      addedOverBaselineMs: Math.round(visible - baseline),
      activationToFirstHintMs: Math.round(hintAt - ctx.activatedAt),
      activationMs: Math.round(ctx.activationMs),
      loadAverage: Math.round(os.loadavg()[0] * 10) / 10,
    };
    const out = process.env.PARAFORGE_BENCH_OUT;
    if (out) fs.writeFileSync(out, JSON.stringify(sample, null, 2));
    console.log(`open-to-first-hint: ${JSON.stringify(sample)}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of [file, plain, warmUp]) fs.rmSync(path.join(f.fsPath), { force: true });
  });
});

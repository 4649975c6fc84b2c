/// <reference types="mocha" />
// Issue #10: open-to-first-hint, cold. A fresh extension host (nothing has activated ParaForge), a
// generated 300-line C file opened in an editor; the time until ParaForge's first hint is published.
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
  /** openTextDocument + showTextDocument → the first ParaForge diagnostic on the file. */
  openToFirstHintMs: number;
  /** The same start → ParaForge's activate() resolved (the extension reports active). */
  openToActiveMs: number;
  /** showTextDocument returned (VS Code's own part of opening). */
  openToEditorMs: number;
  /** ParaForge's part: its activation started → the first hint published (same process clock). */
  activationToFirstHintMs: number;
  /** ParaForge's activate() alone (the tree-sitter runtime, the C grammar, the registrations), timed inside it. */
  activationMs: number;
  /** 1-minute load average of the machine when the sample was taken. */
  loadAverage: number;
}

async function until(probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

suite('Open to first hint (cold)', () => {
  test('a 300-line C file: open → first hint', async function () {
    this.timeout(300_000);
    const ext = extension();
    assert.strictEqual(ext.isActive, false, 'not cold: ParaForge was already active');
    // The workbench is still starting when the tests begin: open (and show) a plain text file first,
    // so what is measured is ParaForge's part of opening a C file, not VS Code's start-up.
    const warmUp = fixtureUri('open_to_hint_warm_up.txt');
    fs.writeFileSync(warmUp.fsPath, 'warm-up\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(warmUp));
    const file = fixtureUri('open_to_hint_300.c');
    const text = generateCFile(300, 10);
    fs.writeFileSync(file.fsPath, text);
    const t0 = performance.now();
    let active = NaN;
    let activationEnded = NaN;
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document, { preview: false });
    const editorShown = performance.now() - t0;
    await until(() => {
      if (Number.isNaN(active) && ext.isActive) {
        activationEnded = performance.now();
        active = activationEnded - t0;
      }
      return paraforgeDiagnostics(file).length > 0;
    }, 240_000);
    const hint = performance.now() - t0;
    if (Number.isNaN(active)) {
      active = hint;
      activationEnded = t0 + hint;
    }
    const ctx = ext.exports;
    const sample: OpenToHintSample = {
      vscode: vscode.version,
      node: process.version,
      lines: text.split('\n').length,
      openToFirstHintMs: Math.round(hint),
      openToActiveMs: Math.round(active),
      openToEditorMs: Math.round(editorShown),
      activationToFirstHintMs: Math.round(hint + t0 - ctx.activatedAt),
      activationMs: Math.round(ctx.activationMs),
      loadAverage: Math.round(os.loadavg()[0] * 10) / 10,
    };
    const out = process.env.PARAFORGE_BENCH_OUT;
    if (out) fs.writeFileSync(out, JSON.stringify(sample, null, 2));
    console.log(`open-to-first-hint: ${JSON.stringify(sample)}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of [file, warmUp]) fs.rmSync(path.join(f.fsPath), { force: true });
  });
});

/// <reference types="mocha" />
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ApplyResult } from '../../src/vscode/candidatePreview';
import type { ParallelizeArgs, ParallelizeResult } from '../../src/vscode/parallelizeSelection';
import type { RenderedReport } from '../../src/vscode/reportPanel';
import { activated, loopNests, openFixture, revertAndClose, runnerProcesses, screenshot, waitFor } from './helpers';

const RULES: ParallelizeArgs = { target: 'openmp', engine: 'rules' };

function parallelize(document: vscode.TextDocument, extra: Partial<ParallelizeArgs> = {}): Thenable<ParallelizeResult> {
  return vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), ...RULES, ...extra });
}

/** The diff tab showing a candidate, if one is open. */
function candidateDiffTab(): vscode.TabInputTextDiff | undefined {
  for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
    if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'paraforge-candidate') return tab.input;
  }
  return undefined;
}

suite('Parallelize Selection', () => {
  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('rules engine, local runner: stages, a verified diff, Accept applies one edit, one undo restores the original', async function () {
    this.timeout(600_000);
    const ctx = await activated();
    const editor = await openFixture('verify_main.c');
    const { document } = editor;
    const original = document.getText();
    const stages: string[] = [];
    const listening = ctx.runs.onDidReportStage((s) => stages.push(s.message));
    try {
      const result = await parallelize(document);
      assert.strictEqual(result.status, 'preview', result.message);
      assert.ok(result.chosen, 'no candidate chosen');
      assert.ok(result.candidates.some((c) => c.verified), JSON.stringify(result.candidates));
      assert.ok(stages.some((s) => s.startsWith('proposing')), `stages: ${stages.join(' | ')}`);
      assert.ok(stages.some((s) => /^\d+ candidates?/.test(s)), `no candidate count among: ${stages.join(' | ')}`);
      assert.ok(stages.some((s) => /^verifying candidate 1\/\d/.test(s)), `stages: ${stages.join(' | ')}`);
      const diff = await waitFor('the candidate diff to open', () => candidateDiffTab());
      assert.strictEqual(diff.original.toString(), document.uri.toString());
      await screenshot('diff-preview');
      const candidate = ctx.results.get(result.chosen!)!.candidate;
      assert.strictEqual(document.getText(), original, 'the preview changed the document');

      const applied = await vscode.commands.executeCommand<ApplyResult>('paraforge.acceptCandidate', { id: result.chosen });
      assert.deepStrictEqual(applied, { applied: true, id: result.chosen });
      assert.strictEqual(document.getText(), candidate.text);
      assert.match(document.getText(), /#pragma omp parallel for[^\n]*\n\s*for \(int i = 0; i < N; i\+\+\) \{\n\s*x\[i\]/);
      assert.match(document.getText(), /reduction\(\+:\s*sum\)/);
      await waitFor('the diff to close', () => (candidateDiffTab() ? undefined : true));

      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('undo');
      assert.strictEqual(document.getText(), original, 'one undo did not restore the original');
    } finally {
      listening.dispose();
      await revertAndClose(document);
    }
  });

  test('refuses to preview when the document changed while the runner worked', async function () {
    this.timeout(600_000);
    const ctx = await activated();
    const editor = await openFixture('verify_main.c');
    const { document } = editor;
    try {
      const verifying = new Promise<void>((resolve) => {
        const sub = ctx.runs.onDidReportStage((s) => {
          if (s.message.startsWith('verifying candidate')) {
            sub.dispose();
            resolve();
          }
        });
      });
      const running = parallelize(document);
      await verifying;
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(document.lineCount, 0), '/* edited mid-run */\n')));
      const result = await running;
      assert.strictEqual(result.status, 'refused', result.message);
      assert.match(result.message, /changed while ParaForge was working/);
      assert.ok(!document.getText().includes('#pragma omp'), 'a rewrite was applied');
      assert.strictEqual(candidateDiffTab(), undefined, 'a diff opened for a stale candidate');
      const applied = await vscode.commands.executeCommand<ApplyResult>('paraforge.acceptCandidate', { id: result.candidates[0]?.id });
      assert.strictEqual(applied.applied, false);
    } finally {
      await revertAndClose(document);
    }
  });

  test('cancel stops the run and leaves no process behind', async function () {
    this.timeout(600_000);
    const editor = await openFixture('verify_main.c');
    const { document } = editor;
    try {
      // A text no earlier test compiled: the runner cannot answer from its caches, so there are processes to kill.
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), `// cancel test ${Date.now()}\n`)));
      const running = parallelize(document);
      await waitFor('the runner to start a process', () => (runnerProcesses().length > 0 ? true : undefined), 300_000);
      const { cancelled } = await vscode.commands.executeCommand<{ cancelled: number }>('paraforge.cancelRuns');
      assert.strictEqual(cancelled, 1);
      const result = await running;
      assert.strictEqual(result.status, 'cancelled', result.message);
      assert.deepStrictEqual(runnerProcesses(), [], 'processes left after cancelling');
      assert.ok(!document.getText().includes('#pragma omp'));
    } finally {
      await revertAndClose(document);
    }
  });

  test('the report opens, draws the evidence with its chart, and Apply from it rewrites the document', async function () {
    this.timeout(600_000);
    const ctx = await activated();
    const { document } = await openFixture('verify_main.c');
    try {
      const result = await parallelize(document, { preview: false });
      assert.ok(result.chosen && result.candidates.some((c) => c.verified), result.message);
      const rendered = (id: string, applicable: boolean) =>
        new Promise<RenderedReport>((resolve) => {
          const sub = ctx.reports.onDidRender((r) => {
            if (r.id === id && r.applicable === applicable) {
              sub.dispose();
              resolve(r);
            }
          });
        });
      const drawn = rendered(result.chosen!, true);
      const shown = await vscode.commands.executeCommand<{ id: string }>('paraforge.showReport', { id: result.chosen });
      assert.strictEqual(shown.id, result.chosen);
      const page = await drawn;
      assert.ok(page.chart, 'no speedup chart on the page');
      for (const section of ['candidate', 'diff-section', 'timings', 'tests', 'races', 'toolchain']) assert.ok(page.sections.includes(section), `no ${section} section: ${page.sections}`);
      await screenshot('evidence-report');

      const changed = new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidChangeTextDocument((e) => {
          if (e.document === document && e.contentChanges.length) {
            sub.dispose();
            resolve();
          }
        });
      });
      const redrawn = rendered(result.chosen!, false);
      // The page's own Apply button, pressed through its click handler.
      assert.ok(await ctx.reports.panel(result.chosen!)!.webview.postMessage({ type: 'test-click', target: 'apply' }));
      await changed;
      assert.strictEqual(document.getText(), ctx.results.get(result.chosen!)!.candidate.text);
      // Applied: the page now says it cannot apply again.
      await redrawn;

      const out = path.join(path.dirname(document.uri.fsPath), 'evidence.md');
      const exported = await vscode.commands.executeCommand<{ path: string }>('paraforge.exportEvidence', { id: result.chosen, format: 'markdown', path: out });
      const md = fs.readFileSync(exported.path, 'utf8');
      assert.match(md, /^# ParaForge evidence: verify_main\.c/);
      assert.match(md, /\*\*Verdict:\*\* VERIFIED/);
      assert.match(md, /```diff[\s\S]*\n\+\s*#pragma omp parallel for/);
      fs.rmSync(out);
    } finally {
      await revertAndClose(document);
    }
  });

  test('a verified candidate stays applicable: the light bulb says verified, the palette command applies it', async function () {
    this.timeout(600_000);
    const ctx = await activated();
    const editor = await openFixture('parallel.c');
    const { document } = editor;
    try {
      // An edit at the end makes every candidate earlier tests left for this file stale, so the
      // palette command has exactly one to apply (with several it asks which).
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(document.lineCount, 0), '/* applicable test */\n')));
      const result = await parallelize(document, { lines: { start: 4, end: 6 }, preview: false });
      assert.strictEqual(result.status, 'preview', result.message);
      const line = new vscode.Range(4, 2, 4, 2);
      const titles = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, line)).map((a) => a.title);
      assert.ok(titles.includes('Parallelize loop with OpenMP at line 5 in saxpy (verified)'), `offered: ${titles}`);
      assert.ok(!titles.some((t) => t.startsWith('Parallelize and verify loop')), `offered to verify again: ${titles}`);
      await vscode.window.showTextDocument(document);
      const applied = await vscode.commands.executeCommand<ApplyResult | { applied: boolean }>('paraforge.applyVerifiedRewrite');
      assert.strictEqual(applied.applied, true);
      assert.strictEqual(document.getText(), ctx.results.get(result.chosen!)!.candidate.text);
      assert.match(document.lineAt(4).text, /^ {2}#pragma omp parallel for/);
    } finally {
      await revertAndClose(document);
    }
  });

  test('a whole-file selection gets one combined action, not one look-alike per loop', async () => {
    const { document } = await openFixture('loops.c');
    const all = new vscode.Range(0, 0, document.lineCount, 0);
    const actions = ((await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, all)) ?? []).filter((a) => a.title);
    const ours = actions.filter((a) => /parallel/i.test(a.title));
    const titles = ours.map((a) => a.title);
    assert.strictEqual(new Set(titles).size, titles.length, `duplicate titles: ${titles}`);
    assert.ok(titles.some((t) => t.startsWith('Parallelize Selection and verify')), `offered: ${titles}`);
  });
});

suite('Loops view', () => {
  test('lists the file\'s loop nests with their verdicts', async () => {
    const ctx = await activated();
    await openFixture('loops.c');
    await vscode.commands.executeCommand('paraforge.loops.focus');
    const items = await waitFor('the Loops view to list loops', async () => {
      const got = await ctx.loopsView.getChildren();
      return got.length ? got : undefined;
    });
    const labels = items.map((i) => String(ctx.loopsView.getTreeItem(i).label));
    assert.ok(labels.some((l) => / — parallel$/.test(l)), `labels: ${labels}`);
    assert.ok(labels.some((l) => / — not parallel$/.test(l)), `labels: ${labels}`);
    const parallel = items.find((i) => i.verdict.verdict === 'parallel')!;
    assert.match(String(ctx.loopsView.getTreeItem(parallel).description), /^#pragma omp parallel for/);
    const serial = items.find((i) => i.verdict.verdict === 'not-parallel' && i.verdict.reasons.length)!;
    // Show Loop Nests carries the same verdicts.
    const nests = await loopNests();
    assert.ok(nests.some((n) => n.verdict === 'parallel' && /^#pragma omp parallel for/.test(n.why ?? '')), JSON.stringify(nests));
    assert.ok(nests.some((n) => n.verdict === 'not parallel' && n.why), JSON.stringify(nests));
    const reasons = await ctx.loopsView.getChildren(serial);
    assert.ok(reasons.length > 0 && reasons[0].kind === 'reason');
    await screenshot('loops-view');
  });
});

suite('API key', () => {
  test('Set API Key stores the key in SecretStorage and never writes it to settings or logs', async () => {
    const ctx = await activated();
    const key = `sk-paraforge-test-${Date.now()}-DO-NOT-LOG`;
    const stored = await vscode.commands.executeCommand<{ stored: boolean }>('paraforge.setApiKey', { key });
    assert.deepStrictEqual(stored, { stored: true });
    assert.strictEqual(await ctx.extension.secrets.get('paraforge.llm.apiKey'), key);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('paraforge')).includes(key), 'the key is in the settings');
    // Every log file of this extension host (ParaForge's channel included) is free of the key.
    const logs = path.resolve(ctx.extension.logUri.fsPath, '..', '..');
    const logFiles = () => {
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else files.push(p);
        }
      };
      walk(logs);
      return files;
    };
    // The channel is flushed to its file asynchronously: wait until the "stored" line is there.
    await waitFor('the log to say a key was stored', () => (logFiles().some((f) => fs.readFileSync(f, 'utf8').includes('an API key was stored')) ? true : undefined), 60_000);
    for (const f of logFiles()) assert.ok(!fs.readFileSync(f, 'utf8').includes(key), `the key is in ${f}`);
    await vscode.commands.executeCommand('paraforge.clearApiKey');
    assert.strictEqual(await ctx.extension.secrets.get('paraforge.llm.apiKey'), undefined);
  });
});

suite('Hover', () => {
  test('names the exact pragma and links ParaForge\'s own actions', async () => {
    await activated();
    const editor = await openFixture('parallel.c');
    const line = 11; // `for` of dot's reduction loop
    const position = new vscode.Position(line, editor.document.lineAt(line).firstNonWhitespaceCharacterIndex + 1);
    const hovers = await waitFor('a ParaForge hover', async () => {
      const hs = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position);
      const ours = (hs ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).filter((t) => t.includes('ParaForge'));
      return ours.length ? ours : undefined;
    }, 30_000);
    const text = hovers.join('\n');
    assert.match(text, /#pragma omp parallel for[^\n]*reduction\(\+:sum\)/);
    assert.match(text, /command:paraforge\.parallelizeSelection/);
    assert.match(text, /command:paraforge\.explainLoop/);
    editor.selection = new vscode.Selection(position, position);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('hover');
  });

  test('with paraforge.diagnostics.showInProblems the hints become Problems entries', async () => {
    const config = vscode.workspace.getConfiguration('paraforge');
    const { document } = await openFixture('parallel.c');
    try {
      await config.update('diagnostics.showInProblems', true, vscode.ConfigurationTarget.Global);
      const ds = await waitFor('information-level hints', () => {
        const got = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'ParaForge' && d.severity === vscode.DiagnosticSeverity.Information);
        return got.length ? got : undefined;
      }, 30_000);
      assert.match(ds[0].message, /#pragma omp parallel for/);
    } finally {
      await config.update('diagnostics.showInProblems', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

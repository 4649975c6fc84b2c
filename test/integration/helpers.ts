// Shared helpers for the integration tests (bundled into each test file).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ParaForgeContext } from '../../src/vscode/context';
import type { LoopNestItem } from '../../src/vscode/showLoopNests';

export const EXTENSION_ID = 'paraforge.paraforge';

/** The ParaForge extension as the host knows it. */
export function extension(): vscode.Extension<ParaForgeContext> {
  const ext = vscode.extensions.getExtension<ParaForgeContext>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in the host`);
  return ext;
}

/** URI of a file in the workspace folder the runner opens (a fresh copy of test/fixtures/workspace). */
export function fixtureUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is not open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Opens a fixture in an editor and makes it the active one. */
export async function openFixture(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fixtureUri(name));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Polls until `probe` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Activates ParaForge (if opening a C file did not already) and returns its context. */
export async function activated(): Promise<ParaForgeContext> {
  const ext = extension();
  return ext.isActive ? ext.exports : ext.activate();
}

/** Runs `ParaForge: Show Loop Nests` on the active editor and closes the pick list it opens. */
export async function loopNests(options: { keepOpen?: boolean } = {}): Promise<LoopNestItem[]> {
  const items = await vscode.commands.executeCommand<LoopNestItem[] | undefined>('paraforge.showLoopNests');
  if (!options.keepOpen) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  assert.ok(items, 'paraforge.showLoopNests returned nothing (no active C/C++/CUDA editor?)');
  return items;
}

/**
 * Throws away unsaved edits to a document and closes its editors. Reverts through the document's own
 * URI (not "the active editor", which a diff, a report or the chat can be), and checks: a document
 * left dirty would carry one test's edits into the next.
 */
export async function revertAndClose(document: vscode.TextDocument): Promise<void> {
  // Never saves: a saved edit would change the fixture for every later test.
  if (document.isDirty) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert', document.uri);
    await waitFor('the revert', () => (document.isDirty ? undefined : true), 10_000).catch(() => undefined);
  }
  if (document.isDirty) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  assert.ok(!document.isDirty, `${document.uri.fsPath} is still dirty after reverting`);
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === document.uri.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

/**
 * Makes the candidates a test made for a document stale (they apply only at the version they were
 * made for): an edit, which revertAndClose then throws away. Without it the next test that opens the
 * file would be offered the "(verified)" rewrite instead of the actions it expects.
 */
export async function staleCandidates(document: vscode.TextDocument): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, new vscode.Position(0, 0), ' ');
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit that makes the candidates stale was not applied');
}

/** ParaForge's diagnostics on a document, in line order. */
export function paraforgeDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'ParaForge')
    .sort((a, b) => a.range.start.line - b.range.start.line);
}

/** Waits until ParaForge's diagnostics on `uri` satisfy `ok`, and returns them. */
export function waitForDiagnostics(uri: vscode.Uri, what: string, ok: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 10000): Promise<vscode.Diagnostic[]> {
  return waitFor(what, () => {
    const ds = paraforgeDiagnostics(uri);
    return ok(ds) ? ds : undefined;
  }, timeoutMs);
}

/** The code actions VS Code collects for a range, exactly as the light bulb asks for them. */
export async function codeActionsAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range);
  return (actions ?? []).filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
}

/** The action with a title starting with `prefix`; fails listing what was offered. */
export function actionTitled(actions: readonly vscode.CodeAction[], prefix: string): vscode.CodeAction {
  const action = actions.find((a) => a.title.startsWith(prefix));
  assert.ok(action, `no action "${prefix}…"; offered: ${JSON.stringify(actions.map((a) => a.title))}`);
  return action;
}

/** Runs the command a code action carries (as choosing it in the light bulb does). */
export async function runAction<T>(action: vscode.CodeAction): Promise<T> {
  assert.ok(action.command, `action "${action.title}" carries no command`);
  return vscode.commands.executeCommand<T>(action.command.command, ...(action.command.arguments ?? []));
}

/**
 * Processes the runner started in this host: compilers and runs under its build cache and work dirs.
 * The extension host's TMPDIR and global storage are private to this test run, so nothing else matches. execFile (no
 * shell) so the pattern is not in a shell's own command line; pgrep never lists itself.
 */
export function runnerProcesses(): string[] {
  try {
    // Runs go under TMPDIR; builds under the session's cache in the extension's global storage.
    return execFileSync('pgrep', ['-af', `${os.tmpdir()}/paraforge-(run|build)|paraforge\\.paraforge/verify-cache`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch (e) {
    if ((e as { status?: number }).status === 1) return []; // pgrep: nothing matched
    throw e;
  }
}

/**
 * Saves the workbench as out/test-results/<name>.png when the runner takes screenshots
 * (scripts/run-integration.mjs watches the log for the marker and writes <name>.done after).
 */
export async function screenshot(name: string): Promise<void> {
  const dir = process.env.PARAFORGE_SCREENSHOTS;
  if (!dir) return;
  const done = path.join(dir, `${name}.done`);
  fs.rmSync(done, { force: true });
  // The chat side bar (VS Code's own) takes a third of the window: close it for the picture.
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar').then(undefined, () => undefined);
  console.log(`PARAFORGE_SCREENSHOT ${name}`);
  await waitFor(`screenshot ${name}`, () => (fs.existsSync(done) ? true : undefined), 60_000).catch(() => undefined);
}

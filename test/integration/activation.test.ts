/// <reference types="mocha" />
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activated, extension, loopNests, openFixture, waitFor } from './helpers';

// Runs first (files are loaded in name order): nothing has opened a C/C++/CUDA file yet.
suite('Activation', () => {
  test('is inactive until a C file opens, then activates from the bundle', async () => {
    const ext = extension();
    assert.strictEqual(ext.isActive, false, 'ParaForge activated before any C/C++/CUDA file was opened');
    const editor = await openFixture('loops.c');
    assert.strictEqual(editor.document.languageId, 'c');
    await waitFor('ParaForge to activate on a .c file', () => (ext.isActive ? true : undefined));
    // The host runs the esbuild bundle named by `main`, not the TypeScript sources.
    assert.strictEqual(ext.packageJSON.main, './dist/extension.js');
    const bundle = path.join(ext.extensionPath, 'dist', 'extension.js');
    assert.ok(Object.keys(require.cache).includes(bundle), `the host did not load ${bundle}`);
  });

  test('.cpp and .cu files open with the language ids ParaForge activates on', async () => {
    const events: string[] = extension().packageJSON.activationEvents;
    for (const [file, languageId] of [
      ['matmul.cpp', 'cpp'],
      ['kernels.cu', 'cuda-cpp'],
      ['loops.c', 'c'],
    ]) {
      const editor = await openFixture(file);
      assert.strictEqual(editor.document.languageId, languageId, `${file} opened as '${editor.document.languageId}'`);
      assert.ok(events.includes(`onLanguage:${languageId}`), `no activation event for ${languageId}`);
      // Each language is served: its grammar loads and its loops are listed.
      assert.ok((await loopNests()).length > 0, `no loops listed for ${file}`);
    }
  });

  test('loads the grammars from the bundled dist/wasm', async () => {
    const ctx = await activated();
    const wasmDir = path.join(extension().extensionPath, 'dist', 'wasm');
    assert.strictEqual(ctx.wasmDir, wasmDir);
    for (const file of ['web-tree-sitter.wasm', 'tree-sitter-c.wasm', 'tree-sitter-cpp.wasm', 'tree-sitter-cuda.wasm']) {
      assert.ok(fs.statSync(path.join(wasmDir, file)).size > 10000, `${file} missing or empty in dist/wasm`);
    }
    for (const language of ['c', 'cpp', 'cuda-cpp'] as const) {
      const parser = await ctx.parsers.parserFor(language);
      assert.ok(parser.language, `no ${language} grammar loaded`);
    }
  });

  test('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('paraforge.showLoopNests'));
  });
});

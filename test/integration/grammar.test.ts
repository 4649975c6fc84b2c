/// <reference types="mocha" />
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { extension } from './helpers';

// The TextMate engine VS Code itself tokenizes with (vscode-textmate + vscode-oniguruma from the
// running VS Code), the built-in C/C++/CUDA grammars, and ParaForge's injection as contributed.
interface Token {
  startIndex: number;
  endIndex: number;
  scopes: string[];
}
interface IGrammar {
  tokenizeLine(line: string, state: unknown): { tokens: Token[]; ruleStack: unknown };
}
interface Textmate {
  Registry: new (options: unknown) => { loadGrammar(scope: string): Promise<IGrammar | null> };
  INITIAL: unknown;
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  createOnigScanner(patterns: string[]): unknown;
  createOnigString(s: string): unknown;
}

const BUILTIN: Record<string, string> = {
  'source.c': 'c.tmLanguage.json',
  'source.cpp': 'cpp.tmLanguage.json',
  'source.cpp.embedded.macro': 'cpp.embedded.macro.tmLanguage.json',
  'source.cuda-cpp': 'cuda-cpp.tmLanguage.json',
  'source.c.platform': 'platform.tmLanguage.json',
};

let registry: InstanceType<Textmate['Registry']>;
let INITIAL: unknown;

/** The scopes of each token of `line` (tokens that are only whitespace are left out). */
async function tokens(scope: string, line: string): Promise<[string, string][]> {
  const grammar = await registry.loadGrammar(scope);
  assert.ok(grammar, `no grammar ${scope}`);
  return grammar
    .tokenizeLine(line, INITIAL)
    .tokens.map((t): [string, string] => [line.slice(t.startIndex, t.endIndex), t.scopes.join(' ')])
    .filter(([text]) => text.trim() !== '');
}

function scopeOf(toks: [string, string][], text: string): string {
  const found = toks.find(([t]) => t.trim() === text);
  assert.ok(found, `no token "${text}" in ${JSON.stringify(toks.map(([t]) => t))}`);
  return found[1];
}

suite('Injection grammar (VS Code\'s own TextMate engine)', () => {
  suiteSetup(async () => {
    const appModules = path.join(vscode.env.appRoot, 'node_modules');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tm = require(path.join(appModules, 'vscode-textmate')) as Textmate;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const onig = require(path.join(appModules, 'vscode-oniguruma')) as Oniguruma;
    const wasm = fs.readFileSync(path.join(appModules, 'vscode-oniguruma/release/onig.wasm'));
    await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const builtin = path.join(vscode.env.appRoot, 'extensions/cpp/syntaxes');
    const ext = extension();
    const injection = (ext.packageJSON.contributes.grammars as { scopeName: string; path: string; injectTo: string[] }[])[0];
    registry = new tm.Registry({
      onigLib: Promise.resolve({ createOnigScanner: onig.createOnigScanner, createOnigString: onig.createOnigString }),
      loadGrammar: async (scope: string) => {
        const file = scope === injection.scopeName ? path.join(ext.extensionPath, injection.path) : BUILTIN[scope] && path.join(builtin, BUILTIN[scope]);
        return file ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
      },
      getInjections: (scope: string) => (injection.injectTo.includes(scope) ? [injection.scopeName] : undefined),
    });
    INITIAL = tm.INITIAL;
  });

  for (const scope of ['source.c', 'source.cpp', 'source.cuda-cpp']) {
    test(`colours OpenMP directives, clauses and reduction operators in ${scope}`, async () => {
      const toks = await tokens(scope, '  #pragma omp parallel for reduction(+:sum) private(tmp) schedule(dynamic, 4)');
      assert.match(scopeOf(toks, 'omp'), /keyword\.control\.directive\.openmp\.paraforge/);
      assert.match(scopeOf(toks, 'parallel'), /keyword\.control\.directive\.openmp\.paraforge/);
      assert.match(scopeOf(toks, 'reduction'), /support\.function\.clause\.reduction\.paraforge/);
      assert.match(scopeOf(toks, '+'), /keyword\.operator\.reduction\.paraforge/);
      assert.match(scopeOf(toks, 'private'), /support\.function\.clause\.openmp\.paraforge/);
      assert.match(scopeOf(toks, 'dynamic'), /constant\.language\.clause-kind\.paraforge/);
      assert.match(scopeOf(toks, 'tmp'), /variable\.other\.paraforge/);
    });
  }

  test('colours MPI calls and constants but leaves other pragmas, comments and strings alone', async () => {
    const call = await tokens('source.c', '  MPI_Allreduce(&s, &t, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);');
    assert.match(scopeOf(call, 'MPI_Allreduce'), /support\.function\.mpi\.paraforge/);
    assert.match(scopeOf(call, 'MPI_COMM_WORLD'), /support\.constant\.mpi\.paraforge/);
    const once = await tokens('source.c', '#pragma once');
    assert.ok(!once.some(([, s]) => s.includes('paraforge')), JSON.stringify(once));
    const comment = await tokens('source.c', '// MPI_Send(x) in a comment');
    assert.ok(!comment.some(([, s]) => s.includes('paraforge')), JSON.stringify(comment));
    const str = await tokens('source.cpp', 'const char *s = "#pragma omp parallel MPI_Send(";');
    assert.ok(!str.some(([, s]) => s.includes('paraforge')), JSON.stringify(str));
  });
});

/// <reference types="mocha" />
// Parallelize Selection through the LLM engine for the targets the rules engine has no rewriter for:
// the scripted OpenAI-compatible server answers, everything after the reply is real (the reply
// checks, nvcc, mpicc and mpirun, the comparison with the original, the diff and the report).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ParallelizeResult } from '../../src/vscode/parallelizeSelection';
import { startScriptedServer, type ScriptedServer, type ScriptStep } from '../helpers/scriptedLlmServer';
import { activated, extension, openFixture, revertAndClose } from './helpers';

const config = () => vscode.workspace.getConfiguration('paraforge');

/** Points the LLM engine at a scripted server answering `steps`. */
async function scriptedProvider(steps: readonly ScriptStep[]): Promise<ScriptedServer> {
  const server = await startScriptedServer(steps);
  await config().update('llm.provider', 'openai-compatible', vscode.ConfigurationTarget.Global);
  await config().update('llm.baseUrl', server.baseURL, vscode.ConfigurationTarget.Global);
  await config().update('llm.model', 'scripted', vscode.ConfigurationTarget.Global);
  return server;
}

/** A scripted reply from test/fixtures/llm (read here: the helper's own path is not the bundle's). */
function llmFixture(name: string): string {
  return fs.readFileSync(path.join(extension().extensionPath, 'test/fixtures/llm', name), 'utf8');
}

/** A CUDA translation of kernels.cu's add_host: a grid-stride kernel and the host function, same signature. */
const CUDA_REPLY = [
  'A grid-stride kernel; add_host keeps its signature and manages the device buffers.',
  '',
  '```cuda',
  '__global__ void add_host_kernel(const float *a, const float *b, float *c, int n) {',
  '  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {',
  '    c[i] = a[i] + b[i];',
  '  }',
  '}',
  '',
  'void add_host(const float *a, const float *b, float *c, int n) {',
  '  float *da, *db, *dc;',
  '  size_t bytes = (size_t)n * sizeof(float);',
  '  if (cudaMalloc(&da, bytes) != cudaSuccess || cudaMalloc(&db, bytes) != cudaSuccess || cudaMalloc(&dc, bytes) != cudaSuccess) return;',
  '  cudaMemcpy(da, a, bytes, cudaMemcpyHostToDevice);',
  '  cudaMemcpy(db, b, bytes, cudaMemcpyHostToDevice);',
  '  add_host_kernel<<<(n + 255) / 256, 256>>>(da, db, dc, n);',
  '  cudaMemcpy(c, dc, bytes, cudaMemcpyDeviceToHost);',
  '  cudaFree(da);',
  '  cudaFree(db);',
  '  cudaFree(dc);',
  '}',
  '```',
].join('\n');

suite('LLM engine targets', () => {
  let server: ScriptedServer | undefined;

  suiteSetup(async () => {
    await activated();
  });

  teardown(async () => {
    await server?.close();
    server = undefined;
    for (const key of ['llm.provider', 'llm.baseUrl', 'llm.model']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('MPI: the whole program goes to the model; a reply whose ranks all print is caught under mpirun, the repaired one is verified at 1, 2 and 4 ranks', async function () {
    this.timeout(900_000);
    const ctx = await activated();
    server = await scriptedProvider([{ reply: llmFixture('mpi-every-rank-prints.md') }, { reply: llmFixture('mpi-fixed.md') }]);
    const { document } = await openFixture('sumsq.c');
    try {
      const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 5, end: 8 }, target: 'mpi', engine: 'llm' });
      console.log(`MPI: ${JSON.stringify(result)}`);
      assert.match(server.requests[0].body.messages[1].content, /whole file[\s\S]*int main\(void\)[\s\S]*MPI_Init/);
      assert.strictEqual(server.requests.length, 2, 'the wrong answer was not sent back for repair');
      assert.match(server.requests[1].body.messages.at(-1)!.content, /different results[\s\S]*2 ranks/);
      assert.deepStrictEqual(result.candidates.map((c) => c.verdict), ['wrong-output', 'verified']);
      assert.strictEqual(result.status, 'preview', result.message);
      const chosen = ctx.results.get(result.chosen!)!;
      assert.strictEqual(chosen.candidate.target, 'mpi');
      assert.deepStrictEqual(chosen.report.evidence?.tests.map((t) => t.ranks), [1, 2, 4]);
      assert.ok(chosen.report.evidence?.timings.length, 'no timings across rank counts');
      assert.match(chosen.candidate.text, /MPI_Reduce/);
      // The diff preview of the verified MPI rewrite is open.
      assert.ok(result.previewUri, 'no diff preview');
      assert.ok(vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === result.previewUri));
    } finally {
      await revertAndClose(document);
    }
  });

  test('CUDA: the kernel is compiled with nvcc and, with no GPU here, reported as compiled but not run: never verified', async function () {
    this.timeout(900_000);
    const ctx = await activated();
    server = await scriptedProvider([{ reply: CUDA_REPLY }]);
    const { document } = await openFixture('kernels.cu');
    try {
      const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 9, end: 13 }, target: 'cuda', engine: 'llm' });
      assert.match(server.requests[0].body.messages[1].content, /Translate `add_host` to CUDA/);
      // Compiled, not run: the machine lacks a GPU, so the model is not asked to "repair" anything.
      assert.strictEqual(server.requests.length, 1);
      assert.deepStrictEqual(result.candidates.map((c) => [c.verdict, c.verified]), [['not-run', false]]);
      assert.strictEqual(result.status, 'verified-none', result.message);
      assert.match(result.message, /none of 1 candidates was verified; showing the first \(not-run\), labelled NOT VERIFIED/);
      const chosen = ctx.results.get(result.chosen!)!;
      assert.strictEqual(chosen.report.evidence?.summary, 'compiled, not run: no GPU');
      assert.match(chosen.report.evidence?.toolchain.compiler ?? '', /Cuda compilation tools/, 'not compiled with nvcc');
      assert.match(chosen.candidate.text, /__global__ void add_host_kernel[\s\S]*void add_host\([\s\S]*add_host_kernel<<</);
      // The diff says so in its title.
      const diff = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === result.previewUri);
      assert.ok(diff, 'no diff preview');
      assert.match(diff.label, /kernels\.cu ↔ ParaForge cuda candidate \(NOT RUN, NOT VERIFIED\)/);
      assert.ok(result.previewUri, 'no diff preview');
    } finally {
      await revertAndClose(document);
    }
  });

  test('OpenMP offload: refused before any engine runs, saying what is missing; nothing is sent to the model', async () => {
    server = await scriptedProvider([{ reply: 'L1: #pragma omp target teams distribute parallel for' }]);
    const { document } = await openFixture('parallel.c');
    for (const engine of ['llm', 'evolve', 'rules']) {
      const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: document.uri.toString(), lines: { start: 4, end: 6 }, target: 'offload', engine });
      assert.strictEqual(result.status, 'unavailable', `${engine}: ${result.message}`);
      assert.match(result.message, /OpenMP offload is not available yet: no engine writes `#pragma omp target` rewrites.*Choose OpenMP \(threads\) or CUDA/);
    }
    assert.strictEqual(server.requests.length, 0);
  });
});

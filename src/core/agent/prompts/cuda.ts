import type { ChatMessage } from '../api';
import { framedSource, SYSTEM_PROMPT } from './common';

/**
 * The CUDA strategy, after QiMeng-MuPa's translator: serial C/C++ to a kernel, its launch and the
 * memory management around it. The function keeps its host signature (the harness calls it with
 * host pointers); the gate compiles with nvcc, runs on the GPU, compares, and runs compute-sanitizer.
 */

/** The CUDA translator prompt: the function, the file for context, and the contract. */
export function cudaPrompt(functionName: string, functionText: string, firstLine: number, fileText: string): ChatMessage[] {
  const user = [
    `Translate \`${functionName}\` to CUDA. The function:`,
    framedSource(functionText, { firstLine }),
    'The file it lives in, for context (types, callers):',
    framedSource(fileText, { numbered: false }),
    'Write a __global__ kernel for the parallel loop(s) with a grid-stride loop and a bounds check, and keep',
    `\`${functionName}\` as the host function with the same signature: it allocates device buffers (cudaMalloc),`,
    'copies inputs in (cudaMemcpy), launches the kernel with a block size of 256 and enough blocks, copies outputs back,',
    'frees what it allocated and checks every CUDA call. Reductions combine per-block partial results deterministically.',
    'Results must equal the serial ones (floating-point sums within a small relative tolerance).',
    `Answer with the kernel followed by \`${functionName}\` in one \`\`\`cuda code block; nothing else in the file changes.`,
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

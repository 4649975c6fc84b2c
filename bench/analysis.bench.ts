// First analysis of a 10k-line C file, and the latency of the editor's per-edit work (incremental
// re-parse + analysis of the visible window) after one-character edits, side by side with a full
// re-parse; plus memory. Prints markdown for docs/BENCHMARKS.md.
import * as path from 'node:path';
import { analyzeLoops } from '../src/core/analysis';
import { DocumentCache, findLoopNests, ParserHost } from '../src/core/parse';
import { generateCFile, rng } from './lib/generateC';
import { mib, ms, percentile, table } from './lib/stats';

const ROOT = path.resolve(__dirname, '../..');
const WASM: Record<string, string> = {
  'web-tree-sitter.wasm': 'web-tree-sitter',
  'tree-sitter-c.wasm': 'tree-sitter-c',
  'tree-sitter-cpp.wasm': 'tree-sitter-cpp',
  'tree-sitter-cuda.wasm': 'tree-sitter-cuda',
};
const EDITS = Number(process.env.PARAFORGE_BENCH_EDITS ?? 300);
const WINDOW = 60; // lines visible around the edit, as an editor shows


function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

async function main(): Promise<void> {
  const text = generateCFile(10_000);
  const lineCount = text.split('\n').length;
  global.gc?.();
  const rss0 = process.memoryUsage().rss;

  const t0 = performance.now();
  const parsers = new ParserHost((f) => path.join(ROOT, 'node_modules', WASM[f], f));
  await parsers.parserFor('c');
  const tInit = performance.now() - t0;
  const cache = new DocumentCache(parsers);
  const t1 = performance.now();
  let doc = await cache.get('bench', 'c', 1, text);
  const tFirstParse = performance.now() - t1;
  const [nests, tNests] = time(() => findLoopNests(doc.tree));
  const [verdicts, tFirstAnalysis] = time(() => analyzeLoops(doc.tree, 'c', text));
  const rssAfterFirst = process.memoryUsage().rss;

  // Full re-parse (no old tree) and full analysis, for comparison with the incremental path.
  const full: number[] = [];
  for (let k = 0; k < 10; k++) {
    const t = performance.now();
    const tree = await parsers.parse('c', text);
    analyzeLoops(tree, 'c', text);
    full.push(performance.now() - t);
    tree.delete();
  }

  // One-character edits at random lines; each space typed is deleted again, so line offsets stay valid.
  const next = rng(7);
  const lines = text.split('\n');
  const lineStart: number[] = [];
  for (let i = 0, off = 0; i < lines.length; i++) {
    lineStart.push(off);
    off += lines[i].length + 1;
  }
  let current = text;
  let version = 1;
  const perEdit: number[] = [];
  let line = 0;
  for (let k = 0; k < EDITS; k++) {
    // Even edits type a space at the start of a random line; odd edits delete that same space.
    if (k % 2 === 0) line = 3 + Math.floor(next() * (lineCount - 6));
    const offset = lineStart[line];
    const insert = k % 2 === 0;
    const change = {
      rangeOffset: offset,
      rangeLength: insert ? 0 : 1,
      text: insert ? ' ' : '',
      start: { line, column: 0 },
      end: { line, column: insert ? 0 : 1 },
    };
    current = insert ? current.slice(0, offset) + ' ' + current.slice(offset) : current.slice(0, offset) + current.slice(offset + 1);
    const t = performance.now();
    doc = await cache.update('bench', 'c', ++version, current, [change]);
    const window = { startLine: Math.max(0, line - WINDOW / 2), endLine: line + WINDOW / 2 };
    analyzeLoops(doc.tree, 'c', current, window);
    perEdit.push(performance.now() - t);
  }
  global.gc?.();
  const rssEnd = process.memoryUsage().rss;
  cache.dispose();

  const p50 = percentile(perEdit, 50);
  const p95 = percentile(perEdit, 95);
  const fullMedian = percentile(full, 50);
  console.log(`## Analysis latency (10k-line C file)

A generated file of ${lineCount} lines with ${nests.length} loop nests (${verdicts.length} verdicts, ${verdicts.filter((v) => v.verdict === "parallel").length} parallel). Per edit: incremental re-parse, then analyzeLoops on the ${WINDOW} lines an editor shows around the edit.

${table(
  ['measure', 'time (ms)'],
  [
    ['tree-sitter init + C grammar load', ms(tInit)],
    ['first parse of the file', ms(tFirstParse)],
    ['loop-nest extraction, whole file', ms(tNests)],
    ['first analysis (analyzeLoops), whole file', ms(tFirstAnalysis)],
    ['full re-parse + whole-file analysis (median of 10)', ms(fullMedian)],
    [`per one-char edit: incremental re-parse + ${WINDOW}-line window, p50 (${EDITS} edits)`, ms(p50)],
    [`per one-char edit, p95 (target ≤ 50)`, ms(p95)],
    [`per one-char edit, max`, ms(Math.max(...perEdit))],
  ],
)}

Ratio full / per-edit p50: **${(fullMedian / p50).toFixed(0)}×**. Memory (RSS): ${mib(rss0)} MiB before, ${mib(rssAfterFirst)} MiB after the first analysis, ${mib(rssEnd)} MiB after ${EDITS} edits (the tree-sitter WASM heap grows and never shrinks).`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

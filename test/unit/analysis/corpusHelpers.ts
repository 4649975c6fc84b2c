import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeLoops } from '../../../src/core/analysis';
import type { LoopVerdict } from '../../../src/core/model';
import { languageFromPath } from '../../../src/core/parse';
import { fixture, testParserHost } from '../../helpers/paths';

/** One loop's expectation in a corpus `NAME.expected.json`. */
export interface ExpectedLoop {
  line: number;
  verdict: 'parallel' | 'not-parallel' | 'not-analysable';
  assumption?: boolean;
  parallelLevel?: number;
  clauses?: { reduction: { op: string; var: string }[]; private: string[]; lastprivate: string[]; collapse: number; schedule: string | null };
}

/** The corpus directory. */
export const CORPUS = fixture('corpus');

/** Every corpus program (C and C++ files with an expected.json). */
export function corpusFiles(): string[] {
  return fs
    .readdirSync(CORPUS)
    .filter((f) => /\.(c|cpp)$/.test(f))
    .sort();
}

/** The expectations of one corpus program. */
export function expectations(file: string): ExpectedLoop[] {
  const json = path.join(CORPUS, file.replace(/\.(c|cpp)$/, '.expected.json'));
  return JSON.parse(fs.readFileSync(json, 'utf8')).loops as ExpectedLoop[];
}

const host = testParserHost();

/** Parses and analyses a source file with the real grammar. */
export async function analyseFile(file: string): Promise<{ text: string; language: NonNullable<ReturnType<typeof languageFromPath>>; verdicts: LoopVerdict[] }> {
  const full = path.isAbsolute(file) ? file : path.join(CORPUS, file);
  const text = fs.readFileSync(full, 'utf8');
  const language = languageFromPath(full);
  if (!language) throw new Error(`no language for ${full}`);
  const tree = await host.parse(language, text);
  try {
    return { text, language, verdicts: analyzeLoops(tree, language, text) };
  } finally {
    tree.delete();
  }
}

/** The 1-based line a verdict is reported at (its nest root). */
export function verdictLine(v: LoopVerdict): number {
  return v.nest.root.range.start.line + 1;
}

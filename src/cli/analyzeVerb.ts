import * as path from 'node:path';
import type { LoopNest } from '../core/model';
import { reportLoops } from '../core/analysis';
import { bundledParserHost } from './host';
import { readSourceFile } from './input';
import { EXIT, UserError } from './errors';
import { formatTable } from './table';
import type { Verb } from './verb';

/** The JSON shape of one loop nest in `paraforge analyze --json` (lines are 1-based). */
export interface LoopJson {
  function: string | null;
  line: number;
  endLine: number;
  depth: number;
  kind: string;
  hasParseErrors: boolean;
}

/** `paraforge analyze FILE [--json]`: lists the loop nests of a file. */
export const analyzeVerb: Verb = {
  name: 'analyze',
  summary: 'list the loop nests of a C/C++/CUDA file',
  usage: 'paraforge analyze FILE [--json] [--language c|cpp|cuda-cpp] [--max-size MB]',
  options: {
    json: { type: 'boolean' },
    language: { type: 'string' },
    'max-size': { type: 'string' },
  },
  async run(values, positionals, ctx) {
    if (positionals.length !== 1) throw new UserError(`usage: ${this.usage}`);
    const file = positionals[0];
    const maxSizeMb = values['max-size'] === undefined ? undefined : Number(values['max-size']);
    if (maxSizeMb !== undefined && !(maxSizeMb > 0)) throw new UserError(`--max-size wants a positive number of MB, got '${values['max-size']}'`);
    const source = readSourceFile(file, { language: values.language as string | undefined, maxSizeMb });
    const tree = await bundledParserHost().parse(source.language, source.text);
    try {
      const report = reportLoops(tree);
      const loops = report.nests.map(toJson);
      const errors = report.syntaxProblems.map((p) => ({ message: p.message, line: p.range.start.line + 1, column: p.range.start.column + 1 }));
      if (values.json) {
        ctx.stdout(JSON.stringify({ file, language: source.language, loops, errors }, null, 2) + '\n');
      } else {
        ctx.stdout(formatHuman(file, source.language, loops, errors));
      }
      return EXIT.ok;
    } finally {
      tree.delete();
    }
  },
};

function toJson(nest: LoopNest): LoopJson {
  return {
    function: nest.functionName,
    line: nest.root.range.start.line + 1,
    endLine: nest.root.range.end.line + 1,
    depth: nest.depth,
    kind: nest.root.kind,
    hasParseErrors: nest.hasParseErrors,
  };
}

function formatHuman(file: string, language: string, loops: LoopJson[], errors: { message: string; line: number; column: number }[]): string {
  const lines = [`${path.basename(file)} (${language}): ${loops.length} loop nest${loops.length === 1 ? '' : 's'}`];
  if (loops.length > 0) {
    lines.push(
      formatTable(
        ['lines', 'function', 'kind', 'depth', 'note'],
        loops.map((l) => [`${l.line}-${l.endLine}`, l.function ?? '(file scope)', l.kind, String(l.depth), l.hasParseErrors ? 'parse errors nearby: not analysable' : '']),
      ),
    );
  }
  for (const e of errors) lines.push(`  syntax: line ${e.line}:${e.column}: ${e.message}`);
  return lines.join('\n') + '\n';
}

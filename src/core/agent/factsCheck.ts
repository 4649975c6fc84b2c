import { analyzeLoops } from '../analysis';
import type { LanguageId } from '../model';
import type { ParserHost } from '../parse';

/**
 * The check every OpenMP pragma the agent writes passes before anything runs: the candidate text is
 * analysed with the pragma in place, and core analysis's existing-pragma check says which
 * dependences its clauses leave uncovered. A clause set the analysis proves racy never reaches the gate.
 */

/** Why the pragmas in `text` (within `functionName`, or anywhere) are racy, one line each; empty when the analysis finds nothing. */
export async function pragmaRaces(parser: ParserHost, language: LanguageId, text: string, functionName: string | null): Promise<string[]> {
  const tree = await parser.parse(language, text);
  try {
    const out: string[] = [];
    for (const v of analyzeLoops(tree, language, text)) {
      const name = v.nest.functionName;
      if (functionName !== null && name !== functionName && name?.split('::').pop() !== functionName) continue;
      const p = v.existingPragma;
      if (!p || p.races.length === 0) continue;
      const line = p.range.start.line + 1;
      const fix = p.missingClauses.length ? ` (would need ${p.missingClauses.map((c) => `\`${c}\``).join(', ')})` : '';
      out.push(`\`${p.text}\` at line ${line}: ${p.races.map((r) => `${r.message} (line ${r.range.start.line + 1})`).join('; ')}${fix}`);
    }
    return out;
  } finally {
    tree.delete();
  }
}

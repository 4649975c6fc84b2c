import * as path from 'node:path';
import type { LanguageId } from '../../model';
import type { ParserHost } from '../../parse';
import { mainNameNode, readCandidateFacts, type CandidateFacts } from './functionShape';
import type { Harness, HarnessReport, ResolvedSource } from './harness';
import { compareWholeRuns, wholeProgramTolerance } from './wholeProgram';

/** A side's text with its `main` renamed by position in the tree (no macro a candidate could test), and its facts. */
async function readSide(parser: ParserHost, language: LanguageId, text: string): Promise<{ text: string; facts: CandidateFacts }> {
  const tree = await parser.parse(language, text);
  try {
    const main = mainNameNode(tree.rootNode);
    const renamed = main ? `${text.slice(0, main.startIndex)}pf_side_main_${main.startIndex.toString(36)}${text.slice(main.endIndex)}` : text;
    return { text: renamed, facts: readCandidateFacts(tree.rootNode, null) };
  } finally {
    tree.delete();
  }
}

/**
 * A harness file the user wrote for a function ParaForge cannot drive itself: it is linked with
 * each side (the side's own `main`, if any, renamed in its text) and its stdout, stderr, exit
 * status and files compared; floating-point numbers within a tolerance only when the candidate's
 * parsed pragmas reassociate.
 */
export async function userHarness(harnessPath: string, harnessText: string, original: ResolvedSource, candidate: ResolvedSource, language: LanguageId, parser: ParserHost): Promise<Harness> {
  const harnessName = `paraforge_harness_${path.basename(harnessPath)}`;
  const orig = await readSide(parser, language, original.text);
  const cand = await readSide(parser, language, candidate.text);
  const tolerance = wholeProgramTolerance(cand.facts);
  const rel = tolerance?.relative ?? 0;
  const report: HarnessReport = { compared: ['stdout of the harness', 'stderr', 'exit status', 'files in the work folder'], leftOut: [], tolerance };
  const sideText = (s: ResolvedSource) => (s.text === original.text ? orig.text : s.text === candidate.text ? cand.text : s.text);
  return {
    kind: 'user',
    description: `user harness ${path.basename(harnessPath)}: its stdout, stderr, exit status and files compared ${rel ? `(floating-point numbers within relative ${rel}: ${tolerance!.reason})` : 'exactly'}`,
    units: (s: ResolvedSource) => [
      { name: harnessName, text: harnessText, compile: true },
      { name: s.fileName, text: sideText(s), compile: true },
    ],
    checkArgs: [],
    timeArgs: [],
    report,
    compare: (o, c, at) => [compareWholeRuns(`user harness @${at.ranks ?? at.threads ?? 1} ${at.ranks !== undefined ? 'ranks' : 'threads'}`, o, c, at, { tolerance: rel, stderr: true })],
    timeOf: (outcome) => outcome.seconds,
  };
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Candidate, CandidateSource } from '../model';
import type { ParserHost } from '../parse';
import type { SourceUnit } from '../runner/compile';
import { generatedHarness } from '../runner/harness/functionDriver';
import type { ResolvedSource } from '../runner/harness/harness';
import { definesMain } from '../runner/staticChecks';

/**
 * Packs a CUDA candidate for a GPU machine without node (bench/cuda-llm-device.sh): the original and
 * the candidate, each with the exact sources the gate builds (the program itself, or the function
 * plus the generated driver), the arguments it checks with, and what the candidate is. Here the
 * gate only compiles them (no GPU); there they are run, compared and sanitised.
 *
 *   DIR/<candidate id>/original/<units>   DIR/<id>/candidate/<units>
 *   DIR/<id>/units    compiled units, one per line (others are #included)
 *   DIR/<id>/args     check arguments, one per line
 *   DIR/<id>/meta.json  id, function, description, operator, prompt id, tolerance note
 */

/** Where the pack went and how many units each side has. */
export interface CudaPack {
  readonly dir: string;
  readonly units: readonly string[];
  readonly args: readonly string[];
}

function write(dir: string, units: readonly SourceUnit[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const u of units) fs.writeFileSync(path.join(dir, u.name), u.text);
}

/** Writes `candidate` and its original, packed with their harness, under `root`/<candidate id>. */
export async function packCudaCandidate(root: string, source: CandidateSource, candidate: Candidate, functionName: string, parser: ParserHost, args: readonly string[] = []): Promise<CudaPack> {
  const fileName = source.path ? path.basename(source.path).replace(/\.[^.]+$/, '.cu') : 'input.cu';
  const original: ResolvedSource = { path: null, text: source.text, fileName };
  const cand: ResolvedSource = { path: null, text: candidate.text, fileName };
  const tree = await parser.parse('cuda-cpp', source.text);
  const whole = definesMain(tree);
  tree.delete();
  let origUnits: SourceUnit[];
  let candUnits: SourceUnit[];
  let checkArgs: readonly string[];
  let tolerance: string | null = null;
  if (whole) {
    origUnits = [{ name: fileName, text: original.text, compile: true }];
    candUnits = [{ name: fileName, text: cand.text, compile: true }];
    checkArgs = args;
  } else {
    // The same driver the gate generates (same seed for both sides), so the device compares like with like.
    const h = await generatedHarness(original, cand, functionName, 'cuda-cpp', parser);
    origUnits = h.units(original);
    candUnits = h.units(cand);
    checkArgs = h.checkArgs;
    tolerance = h.report?.tolerance ? `relative ${h.report.tolerance.relative} on ${h.report.tolerance.appliesTo}` : null;
  }
  const dir = path.join(root, candidate.id);
  write(path.join(dir, 'original'), origUnits);
  write(path.join(dir, 'candidate'), candUnits);
  const units = candUnits.filter((u) => u.compile).map((u) => u.name);
  fs.writeFileSync(path.join(dir, 'units'), `${units.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'args'), checkArgs.map((a) => `${a}\n`).join(''));
  const meta = { id: candidate.id, function: functionName, description: candidate.description, operator: candidate.operator ?? null, promptId: candidate.promptId ?? null, wholeProgram: whole, tolerance };
  fs.writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return { dir, units, args: checkArgs };
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { Candidate, Evidence } from '../model';
import type { ParserHost } from '../parse';
import { candidateId, verify, type VerifySettings } from '../pipeline';
import { LlmError, type AgentContext, type AgentRequest, type ChatMessage, type LlmProvider } from './api';
import { repairMessage } from './prompts/repair';
import { testerPrompt } from './prompts/tester';
import { extractCode } from './reply';
import { findFunctions, unsafeConstructs } from './splice';

/**
 * The Tester role: when the generated harness cannot drive a signature, the model writes one. A
 * harness is accepted only if it parses and calls the function, compiles and runs the original
 * with the same output twice (1 and 2 threads: deterministic), and dies when the function's body is
 * replaced by a trap (so the function is really exercised). The accepted file is what
 * `settings.harnessFile` then points at.
 */

/** The accepted harness file, or why none was; the reasons are the ones fed back to the model. */
export interface HarnessOutcome {
  readonly harnessFile: string | null;
  readonly reasons: readonly string[];
}

/** Static checks of a harness's text: parses, defines main, calls `functionName`, nothing unsafe. */
export async function checkHarnessText(parser: ParserHost, request: AgentRequest, code: string): Promise<string | null> {
  const tree = await parser.parse(request.source.language, code);
  try {
    if (tree.rootNode.hasError) return 'the harness does not parse';
    if (findFunctions(tree, 'main').length === 0) return 'the harness has no main()';
    let calls = false;
    const visit = (n: Node) => {
      if (n.type === 'call_expression' && n.childForFieldName('function')?.text.split('::').pop() === request.functionName.split('::').pop()) calls = true;
      for (const c of n.namedChildren) if (c) visit(c);
    };
    visit(tree.rootNode);
    if (!calls) return `the harness never calls \`${request.functionName}\``;
    if (findFunctions(tree, request.functionName).length) return `the harness defines its own \`${request.functionName}\`; declare it and call the file's`;
    const unsafe = unsafeConstructs(tree.rootNode, request.source.text);
    return unsafe.length ? `the harness adds ${unsafe.join('; ')}` : null;
  } finally {
    tree.delete();
  }
}

function variant(request: AgentRequest, text: string, operator: string): Candidate {
  const { source } = request;
  return {
    id: candidateId(request.target, 'llm', source.text, text, []),
    target: request.target,
    origin: 'llm',
    parent: null,
    source,
    region: { functionName: null, range: null },
    text,
    edits: [{ startOffset: 0, endOffset: source.text.length, newText: text }],
    description: operator,
    operator,
  };
}

/** The original with `functionName`'s body replaced by a trap: a harness that exercises the function must die on it. */
async function trapped(parser: ParserHost, request: AgentRequest): Promise<string | null> {
  const tree = await parser.parse(request.source.language, request.source.text);
  try {
    const body = findFunctions(tree, request.functionName)[0]?.childForFieldName('body');
    if (!body) return null;
    const t = request.source.text;
    return `${t.slice(0, body.startIndex)}{ __builtin_trap(); }${t.slice(body.endIndex)}`;
  } finally {
    tree.delete();
  }
}

/** Judges a written harness by running the original and the trapped original through it; null when accepted. */
async function judgeHarness(parser: ParserHost, request: AgentRequest, file: string, ctx: AgentContext): Promise<string | null> {
  const settings: VerifySettings = { ...ctx.settings, harnessFile: file, raceCheck: false, threads: [1, 2], timingThreads: [1], repeats: 1 };
  const opts = { signal: ctx.signal, log: ctx.log };
  const same: Evidence = await verify(variant(request, request.source.text, 'tester-identity'), ctx.session, settings, opts);
  if (same.verdict === 'compile-error' || (same.verdict === 'not-run' && same.tests.length === 0)) return `with the original it does not build or run: ${same.summary}`;
  if (same.tests.length === 0 || same.tests.some((t) => !t.passed)) return `the original's output through it is not deterministic (differs between runs at 1 and 2 threads): ${same.summary}`;
  const trap = await trapped(parser, request);
  if (!trap) return `cannot find \`${request.functionName}\`'s body`;
  const dead = await verify(variant(request, trap, 'tester-trap'), ctx.session, settings, opts);
  if (dead.verdict !== 'runtime-error' && dead.verdict !== 'wrong-output') return `it does not exercise \`${request.functionName}\`: with its body replaced by a trap the harness still passes (${dead.verdict})`;
  return null;
}

/** Asks the model for a harness (bounded rounds) and returns the first one that passes every check. */
export async function llmHarness(request: AgentRequest, provider: LlmProvider, ctx: AgentContext & { parser: ParserHost }, options: { whyNoHarness: string; maxRounds?: number; maxTokens?: number }): Promise<HarnessOutcome> {
  const { source } = request;
  const fileName = source.path ? path.basename(source.path) : `input.${source.language === 'c' ? 'c' : 'cpp'}`;
  let messages: ChatMessage[] = testerPrompt(request.functionName, fileName, source.text, options.whyNoHarness);
  const reasons: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paraforge-harness-'));
  for (let round = 0; round <= (options.maxRounds ?? 1); round++) {
    if (ctx.signal?.aborted) break;
    let reply: string;
    try {
      reply = (await provider.complete(messages, { signal: ctx.signal, maxTokens: options.maxTokens ?? 4096 })).text;
    } catch (e) {
      if (e instanceof LlmError) {
        reasons.push(e.message);
        break;
      }
      throw e;
    }
    messages = [...messages, { role: 'assistant', content: reply }];
    const code = extractCode(reply, 'main');
    let why: string | null = code.ok ? await checkHarnessText(ctx.parser, request, code.code) : code.reason;
    let file: string | null = null;
    if (!why && code.ok) {
      file = path.join(dir, `harness${round}.${source.language === 'c' ? 'c' : 'cpp'}`);
      fs.writeFileSync(file, code.code, { mode: 0o600 });
      try {
        why = await judgeHarness(ctx.parser, request, file, ctx);
      } catch (e) {
        if (ctx.signal?.aborted) break;
        throw e;
      }
    }
    if (!why && file) return { harnessFile: file, reasons };
    reasons.push(why!);
    messages = [...messages, repairMessage(`The harness was refused: ${why}.`, 'Answer with the whole harness file in one ```c code block.')];
  }
  return { harnessFile: null, reasons };
}

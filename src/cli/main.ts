import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UserError } from './errors';
import { stderrLogger } from './host';
import { analyzeVerb } from './analyzeVerb';
import { evolveVerb } from './evolveVerb';
import { parallelizeVerb } from './parallelizeVerb';
import { verifyVerb } from './verifyVerb';
import type { CliContext, Verb } from './verb';

/** Every verb the CLI offers; a verb is listed only once it works. */
const VERBS: readonly Verb[] = [analyzeVerb, parallelizeVerb, verifyVerb, evolveVerb];

function version(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function help(): string {
  const width = Math.max(...VERBS.map((v) => v.name.length));
  return [
    'paraforge — parallelise C/C++/CUDA loops, verified by running them',
    '',
    'usage: paraforge VERB [options]',
    '',
    'verbs:',
    ...VERBS.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    '',
    'options: --help, --version; `paraforge VERB --help` shows a verb\'s options',
    '',
  ].join('\n');
}

/** Runs the CLI with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], signal: AbortSignal): Promise<number> {
  const ctx: CliContext = { log: stderrLogger(), stdout: (t) => process.stdout.write(t), signal };
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    ctx.stdout(help());
    return first === undefined ? EXIT.badInput : EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    ctx.stdout(`${version()}\n`);
    return EXIT.ok;
  }
  const verb = VERBS.find((v) => v.name === first);
  try {
    if (!verb) throw new UserError(`unknown verb '${first}'; try: ${VERBS.map((v) => v.name).join(', ')} (paraforge --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.stdout(`usage: ${verb.usage}\n`);
      return EXIT.ok;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: verb.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UserError(`${(e as Error).message}\nusage: ${verb.usage}`);
    }
    return await verb.run(parsed.values, parsed.positionals, ctx);
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`paraforge: ${e.message}\n`);
      return e.exitCode;
    }
    // One clear line (exit 3); the stack only on request.
    process.stderr.write(`paraforge: internal error: ${oneLine(e)} (PARAFORGE_DEBUG=1 shows the stack)\n`);
    if (process.env.PARAFORGE_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return EXIT.internal;
  }
}

/** An error's message on one line. */
function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' | ').trim() || 'unknown error';
}

if (require.main === module) {
  // A promise nobody awaited must not crash with a stack trace: one line, exit 3.
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`paraforge: internal error: ${oneLine(e)}\n`);
    process.exit(EXIT.internal);
  });
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  main(process.argv.slice(2), controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`paraforge: internal error: ${oneLine(e)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}

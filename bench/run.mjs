// Runs benchmarks: bundles bench/NAME.bench.ts with esbuild, runs it with node (--expose-gc), and
// writes the markdown it prints into docs/BENCHMARKS.md between <!-- bench:NAME --> markers, with the
// machine, date and command. Usage: node bench/run.mjs [NAME ...]   (no names: all benchmarks)
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const all = readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
const names = process.argv.slice(2).length ? process.argv.slice(2) : all;
const docPath = path.join(root, 'docs/BENCHMARKS.md');
const header = '# Benchmarks\n\nEach section is written by `node bench/run.mjs NAME` and says on which machine, when and how it was measured.\n';

for (const name of names) {
  if (!all.includes(name)) throw new Error(`no benchmark bench/${name}.bench.ts (have: ${all.join(', ')})`);
  const outfile = path.join(root, 'out/bench', `${name}.js`);
  await esbuild.build({
    entryPoints: [path.join(root, 'bench', `${name}.bench.ts`)], outfile, bundle: true, platform: 'node', target: 'node20',
    format: 'cjs', alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') }, logLevel: 'warning',
  });
  console.error(`running ${name} …`);
  const markdown = execFileSync(process.execPath, ['--expose-gc', outfile], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  const cpu = os.cpus();
  const machine = `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const date = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  // A bench that renders results measured on another machine says where in its own text.
  const footer = markdown.includes('<!-- measured-elsewhere -->')
    ? `*Rendered on:* ${machine}. *Date:* ${date}. *Command:* \`node bench/run.mjs ${name}\`.`
    : `*Machine:* ${machine}. *Date:* ${date}. *Command:* \`node bench/run.mjs ${name}\`.`;
  const section = [`<!-- bench:${name} -->`, markdown.replace('<!-- measured-elsewhere -->', '').trim(), '', footer, `<!-- /bench:${name} -->`].join('\n');
  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : header;
  const re = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(docPath, doc);
  console.log(section);
}

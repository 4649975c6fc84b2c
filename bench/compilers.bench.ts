// Issue #7 §4: ParaForge side by side with the compilers' own auto-parallelisers.
// `node bench/run.mjs compilers`:
//  1. builds ParaForge (node scripts/build.mjs) and rewrites every kernel of bench/lib/compilersSuite.ts
//     with `node dist/cli.js parallelize KERNEL --out X.omp.c --json`;
//  2. builds each kernel four ways: serial gcc -O2; gcc -O2 -ftree-parallelize-loops=N (N = 2 and 16);
//     clang -O3 -mllvm -polly -mllvm -polly-parallel -lgomp; the rewrite with gcc -O2 -fopenmp;
//  3. packs the binaries into .carry/compilers.tar.gz for the GPU machine's CPU (bench/compilers-device.sh);
//  4. runs them here at 2 threads in interleaved rounds (bench/compilers-run.sh), minimum per method;
//  5. renders the 2-thread results and the latest 16-thread results brought back from the GPU machine
//     (bench/results/compilers-h200-16/) into markdown and SVG charts (docs/bench/compilers-*.svg).
// Environment: COMPILERS_LOCAL=run|build|measure|reuse|pragmas (below);
// COMPILERS_ROUNDS (default 3); COMPILERS_KERNELS="a b" restricts the suite (for trying things out).
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { geomeans, markdownTable, parseRuns, summarize, svgChart, wrongList } from './lib/compilers';
import { compileCommand, SUITE } from './lib/compilersSuite';

const run = promisify(execFile);
const root = process.cwd();
const work = path.join(root, 'out/bench/compilers');
const bin = path.join(work, 'bin');
const srcDir = path.join(work, 'src');
const localDir = path.join(root, 'bench/results/compilers-local-2');
const deviceDirs = [16, 2].map((t) => ({ threads: t, dir: path.join(root, `bench/results/compilers-h200-${t}`) }));
const docsDir = path.join(root, 'docs/bench');
const rounds = Number(process.env.COMPILERS_ROUNDS ?? 3);
// COMPILERS_LOCAL: run (default: build, measure here, render) | build (build and pack only) |
// measure (measure the binaries already built) | reuse (render the saved runs only) |
// pragmas (only ParaForge's rewrites, listed in bench/results/compilers-pragmas/paraforge.md, then
// render the saved runs as reuse does: cheap, for seeing what an analysis change does per kernel).
const mode = process.env.COMPILERS_LOCAL ?? 'run';
if (!['run', 'build', 'measure', 'reuse', 'pragmas'].includes(mode)) throw new Error(`COMPILERS_LOCAL=${mode}: use run, build, measure, reuse or pragmas`);
const pragmasDir = path.join(root, 'bench/results/compilers-pragmas');
const only = (process.env.COMPILERS_KERNELS ?? '').split(/\s+/).filter(Boolean);
const suite = only.length ? SUITE.filter((k) => only.includes(k.name)) : SUITE;

interface PfLoop { line: number; function: string; clauses?: Record<string, unknown>; verdict?: string; reasons?: { message: string; line: number }[] }
interface KernelBuild {
  name: string;
  paraforge: { rewritten: PfLoop[]; skipped: PfLoop[]; error?: string };
  failures: Record<string, string>;
}

function log(s: string): void {
  console.error(s);
}

function pragmaOf(loop: PfLoop): string {
  const c = (loop.clauses ?? {}) as { reduction?: { op: string; var: string }[]; private?: string[]; lastprivate?: string[]; collapse?: number; schedule?: string | null; simd?: boolean };
  const parts = [`parallel for${c.simd ? ' simd' : ''}`];
  if (c.collapse && c.collapse > 1) parts.push(`collapse(${c.collapse})`);
  if (c.schedule) parts.push(`schedule(${c.schedule})`);
  if (c.private?.length) parts.push(`private(${c.private.join(', ')})`);
  if (c.lastprivate?.length) parts.push(`lastprivate(${c.lastprivate.join(', ')})`);
  for (const r of c.reduction ?? []) parts.push(`reduction(${r.op}:${r.var})`);
  return parts.join(' ');
}

async function limit<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** Builds ParaForge and the four binaries of every kernel (only ParaForge's rewrites with `pragmasOnly`). */
async function build(pragmasOnly = false): Promise<KernelBuild[]> {
  log('building ParaForge (node scripts/build.mjs) …');
  let distNote = 'dist/ built by this run';
  try {
    if (process.env.COMPILERS_NO_PF_BUILD !== '1') execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    else distNote = 'existing dist/ (COMPILERS_NO_PF_BUILD=1)';
  } catch {
    // The working tree is shared: another engineer's half-finished edit can break the build.
    distNote = 'scripts/build.mjs FAILED; the previous dist/ was used';
    log(distNote);
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(bin, { recursive: true });
  mkdirSync(srcDir, { recursive: true });
  const builds: KernelBuild[] = [];
  await limit([...suite], Math.max(1, Math.min(2, os.cpus().length)), async (k) => {
    const src = path.join(root, 'bench/kernels', `${k.name}.${k.lang}`);
    const omp = path.join(srcDir, `${k.name}.omp.${k.lang}`);
    const b: KernelBuild = { name: k.name, paraforge: { rewritten: [], skipped: [] }, failures: {} };
    try {
      const { stdout } = await run(process.execPath, ['dist/cli.js', 'parallelize', src, '--out', omp, '--json'], { cwd: root, maxBuffer: 16 << 20 });
      const j = JSON.parse(stdout) as { rewritten: PfLoop[]; skipped: PfLoop[] };
      b.paraforge = { rewritten: j.rewritten, skipped: j.skipped };
    } catch (e) {
      b.paraforge.error = String((e as { stderr?: string }).stderr || e).slice(0, 2000);
    }
    if (!existsSync(omp)) copyFileSync(src, omp); // nothing written: the user keeps the serial program
    const jobs: [string, string[]][] = [
      ['serial', compileCommand('serial', k.lang, src, path.join(bin, `${k.name}.serial`))],
      ['gccpar-2', compileCommand('gccpar-n', k.lang, src, path.join(bin, `${k.name}.gccpar-2`), 2)],
      ['gccpar-16', compileCommand('gccpar-n', k.lang, src, path.join(bin, `${k.name}.gccpar-16`), 16)],
      ['polly', compileCommand('polly', k.lang, src, path.join(bin, `${k.name}.polly`))],
      ['paraforge', compileCommand('paraforge', k.lang, omp, path.join(bin, `${k.name}.paraforge`))],
    ];
    for (const [what, cmd] of pragmasOnly ? [] : jobs) {
      try {
        await run(cmd[0], cmd.slice(1), { cwd: root, maxBuffer: 16 << 20 });
      } catch (e) {
        b.failures[what] = String((e as { stderr?: string }).stderr || e).slice(0, 2000);
      }
    }
    log(`  built ${k.name}: ParaForge ${b.paraforge.rewritten.length} loops rewritten, ${b.paraforge.skipped.length} refused${Object.keys(b.failures).length ? `; FAILED: ${Object.keys(b.failures).join(', ')}` : ''}`);
    builds.push(b);
  });
  builds.sort((a, b) => suite.findIndex((k) => k.name === a.name) - suite.findIndex((k) => k.name === b.name));
  writeFileSync(path.join(bin, 'suite.tsv'), ['# name\ttiny\tlocal\tlarge', ...suite.map((k) => [k.name, k.tiny, k.local, k.large].join('\t'))].join('\n') + '\n');
  const info = {
    date: new Date().toISOString(),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(),
    // Edits to tracked files under src/ change what ParaForge wrote; say so beside the commit.
    dirty: execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src'], { cwd: root, encoding: 'utf8' }).trim() !== '',
    dist: distNote,
    compilers: {
      gcc: execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0],
      clang: execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0],
    },
    kernels: builds,
  };
  writeFileSync(path.join(work, 'build.json'), JSON.stringify(info, null, 1));
  writeFileSync(path.join(work, 'paraforge.md'), paraforgeListing(builds));
  if (pragmasOnly) {
    mkdirSync(pragmasDir, { recursive: true });
    copyFileSync(path.join(work, 'paraforge.md'), path.join(pragmasDir, 'paraforge.md'));
    writeFileSync(path.join(pragmasDir, 'build.json'), JSON.stringify({ ...info, kernels: undefined }, null, 1));
    log(`ParaForge listing: ${path.join(pragmasDir, 'paraforge.md')}`);
    return builds;
  }
  // The GPU machine's bundle: every binary and the build record.
  mkdirSync(path.join(root, '.carry'), { recursive: true });
  const exclude = path.join(root, '.git/info/exclude');
  if (existsSync(path.dirname(exclude)) && !(existsSync(exclude) && readFileSync(exclude, 'utf8').split('\n').includes('/.carry/'))) {
    writeFileSync(exclude, `${existsSync(exclude) ? readFileSync(exclude, 'utf8').trimEnd() + '\n' : ''}/.carry/\n`);
  }
  execFileSync('tar', ['-czf', path.join(root, '.carry/compilers.tar.gz'), '-C', work, 'bin', 'build.json', 'paraforge.md']);
  log('packed .carry/compilers.tar.gz for bench/compilers-device.sh');
  return builds;
}

function paraforgeListing(builds: KernelBuild[]): string {
  const lines = ['# What `paraforge parallelize` did with each kernel', ''];
  for (const b of builds) {
    lines.push(`## ${b.name}`, '');
    if (b.paraforge.error) lines.push(`parallelize failed: ${b.paraforge.error}`, '');
    // The pragma as written into the rewrite (in order), else rebuilt from the JSON clauses.
    const k = suite.find((s) => s.name === b.name);
    const omp = k ? path.join(srcDir, `${b.name}.omp.${k.lang}`) : '';
    const written = omp && existsSync(omp) ? readFileSync(omp, 'utf8').split('\n').filter((l) => /^\s*#pragma omp /.test(l)).map((l) => l.trim()) : [];
    const sorted = [...b.paraforge.rewritten].sort((x, y) => x.line - y.line);
    sorted.forEach((l, i) => lines.push(`- line ${l.line} (${l.function}): \`${written.length === sorted.length ? written[i] : `#pragma omp ${pragmaOf(l)}`}\``));
    // A time loop with one thread team writes `parallel`, `for` per sweep and `single` around the swap.
    if (written.length !== sorted.length && written.length) lines.push(`- as written: ${written.map((w) => `\`${w}\``).join(', ')}`);
    for (const l of b.paraforge.skipped) lines.push(`- line ${l.line} (${l.function}): refused (${l.verdict}): ${(l.reasons ?? []).map((r) => r.message).join('; ')}`);
    for (const [what, err] of Object.entries(b.failures)) lines.push(`- build ${what} FAILED: ${err.split('\n').slice(0, 3).join(' ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

function machineLine(): string {
  const cpu = os.cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${os.type()} ${os.release()}`;
}

function section(title: string, raw: string, svgName: string, where: string): string {
  const runs = parseRuns(raw);
  const results = summarize(suite, runs);
  const nRounds = Math.max(0, ...runs.map((r) => r.round));
  const g = geomeans(results);
  const missC = results.filter((r) => !r.meetsCompilerTarget).map((r) => r.kernel.name);
  const missS = results.filter((r) => !r.meetsSerialTarget).map((r) => r.kernel.name);
  const wrong = wrongList(results);
  writeFileSync(path.join(docsDir, svgName), svgChart(results, title));
  return [
    `### ${title}`,
    '',
    `${where} Minimum of ${nRounds} round${nRounds === 1 ? '' : 's'}.`,
    '',
    `![${title}](bench/${svgName})`,
    '',
    markdownTable(results),
    '',
    `Geomean speedup over serial: gcc autopar ${g.gccpar.toFixed(2)}×, Polly ${g.polly.toFixed(2)}×, the better of the two per kernel ${g.better.toFixed(2)}×, **ParaForge ${g.paraforge.toFixed(2)}×**; ParaForge ÷ better compiler **${g.pfOverBetter.toFixed(2)}** (target ≥ 1.5).`,
    `ParaForge below 0.9× the better compiler on ${missC.length} of ${results.length} kernels${missC.length ? ` (${missC.join(', ')})` : ''}; slower than serial (< 0.95×) on ${missS.length}${missS.length ? ` (${missS.join(', ')})` : ''}.`,
    wrong.length ? `Wrong or failed runs (counted as 1×, the user keeps serial): ${wrong.join('; ')}.` : 'Every method printed the serial checksum on every kernel.',
  ].join('\n');
}

async function main(): Promise<void> {
  mkdirSync(docsDir, { recursive: true });
  let builds: KernelBuild[] | undefined;
  if (mode === 'run' || mode === 'build') builds = await build();
  if (mode === 'pragmas') await build(true);
  if (mode === 'run' || mode === 'measure') {
    log(`running ${suite.length} kernels × 4 methods × ${rounds} rounds at 2 threads …`);
    // Other work shares the 2 cores here: with spinning waits (libgomp's default) a preempted team
    // member stalls every barrier, which punished many-region rewrites by up to 100×. Passive waits
    // here; the GPU machine's run keeps libgomp's defaults.
    const env = { ...process.env, OMP_WAIT_POLICY: 'passive' };
    const out = execFileSync('bash', ['bench/compilers-run.sh', bin, '2', String(rounds), 'local'], { cwd: root, env, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    mkdirSync(localDir, { recursive: true });
    writeFileSync(path.join(localDir, 'raw.tsv'), out);
    writeFileSync(path.join(localDir, 'machine.txt'), `${machineLine()}\nload average at the end: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}\n`);
    copyFileSync(path.join(work, 'build.json'), path.join(localDir, 'build.json'));
    copyFileSync(path.join(work, 'paraforge.md'), path.join(localDir, 'paraforge.md'));
  }
  // The machine the local run was measured on (machine.txt), not the one rendering it now.
  const localMachine = existsSync(path.join(localDir, 'machine.txt')) ? readFileSync(path.join(localDir, 'machine.txt'), 'utf8').split('\n')[0] : machineLine();
  const localBuild = JSON.parse(readFileSync(path.join(localDir, 'build.json'), 'utf8')) as { date: string; commit: string; compilers: Record<string, string> };
  const parts: string[] = [
    '## ParaForge side by side with the compilers (issue #7 §4)',
    '',
    `${suite.length} serial C/C++ kernels of our own (\`bench/kernels/\`, listed in \`bench/lib/compilersSuite.ts\`), each a whole program that takes its size on the command line and prints a checksum and its own kernel time. Each is built four ways and run side by side:`,
    '',
    '| method | build |',
    '|---|---|',
    '| serial | `gcc -O2` (g++ for C++) |',
    '| gcc autopar | `gcc -O2 -ftree-parallelize-loops=N` (N fixed at build time: 2 here, 16 on the GPU machine) |',
    '| Polly | `clang -O3 -mllvm -polly -mllvm -polly-parallel -lgomp` (Debian clang 14; these flags work as given) |',
    '| ParaForge | `node dist/cli.js parallelize KERNEL --out X.omp.c`, then `gcc -O2 -fopenmp` |',
    '',
    `Every run's checksum is compared with serial's (relative tolerance 1e-6 for floating-point sums, exact for integer results): a wrong checksum is reported as **WRONG** and counts as 1× in the geomeans, never as fast. Times are each program's own kernel timer (set-up and checksum excluded), the minimum over interleaved rounds (every round runs every kernel with every method, the order rotating; the number of rounds is given per table). "Better compiler" is the faster correct one of gcc autopar and Polly. Targets (issue #7): ParaForge ≥ 0.9× the better compiler on every kernel and never slower than serial (here: < 0.95× counts as slower, timings vary by a few % run to run); geomean ≥ 1.5× the better compiler. Binaries were built on the 2-core machine (${localBuild.compilers.gcc}; ${localBuild.compilers.clang}; ParaForge at commit ${localBuild.commit}) and the same binaries ran on the GPU machine's CPU. Per-kernel analysis of where ParaForge loses: [bench/FINDINGS.md](../bench/FINDINGS.md).`,
    '',
  ];
  for (const { threads, dir } of deviceDirs) {
    if (!existsSync(path.join(dir, 'raw.tsv'))) continue;
    const machine = existsSync(path.join(dir, 'machine.txt')) ? readFileSync(path.join(dir, 'machine.txt'), 'utf8') : '';
    const model = /Model name:\s*(.*)/.exec(machine)?.[1]?.trim() ?? 'unknown CPU';
    const cores = /^(\d+)$/m.exec(machine)?.[1] ?? '16';
    const date = /^(\w{3} \w{3} +\d+ [\d:]+ (?:[AP]M )?\w+ \d{4})$/m.exec(machine)?.[1] ?? 'see machine.txt';
    const devBuild = existsSync(path.join(dir, 'build.json')) ? (JSON.parse(readFileSync(path.join(dir, 'build.json'), 'utf8')) as { commit: string; date: string; dirty?: boolean }) : null;
    const sizes = threads === 16 ? 'large sizes' : 'the local sizes (the same as the 2-core table below)';
    const pinned = new RegExp(`== ${threads} threads[^\\n]*\\n\\s*pinned: (taskset[^\\n]*)`).exec(machine)?.[1];
    if (!parts.includes('<!-- measured-elsewhere -->')) parts.unshift('<!-- measured-elsewhere -->');
    parts.push(section(`${threads} threads, GPU machine's CPU`, readFileSync(path.join(dir, 'raw.tsv'), 'utf8'), threads === 16 ? 'compilers-16.svg' : `compilers-${threads}-h200.svg`,
      `Measured on the GPU machine's CPU (${model}, ${cores} cores, nothing else running; ${date}) by \`bench/compilers-device.sh\` (\`OMP_PROC_BIND=close OMP_PLACES=cores\`${pinned ? `, every method under \`${pinned}\`` : ''}, ${sizes}) on binaries built here${devBuild ? ` (ParaForge at commit ${devBuild.commit}${devBuild.dirty === false ? ', a clean checkout' : ' plus the shared working tree\'s edits'}, built ${devBuild.date.slice(0, 16).replace('T', ' ')} UTC)` : ''}. Raw runs: \`bench/results/compilers-h200-${threads}/\`.`), '');
  }
  parts.push(section('2 threads, 2-core development machine', readFileSync(path.join(localDir, 'raw.tsv'), 'utf8'), 'compilers-2-local.svg',
    `Measured here (${localMachine}; ParaForge at commit ${localBuild.commit}, ${localBuild.date.slice(0, 16)} UTC), local sizes, no thread binding, \`OMP_WAIT_POLICY=passive\` (the cores are shared with other work: with spinning waits a preempted thread stalls every barrier), so expect noise of several % or more. Raw runs: \`bench/results/compilers-local-2/\`.`), '');
  const notes = path.join(root, 'bench/compilers-notes.md');
  if (existsSync(notes)) parts.push(readFileSync(notes, 'utf8').trim(), '');
  parts.push('Reproduce: `node bench/run.mjs compilers` (builds, packs `.carry/compilers.tar.gz`, measures at 2 threads, renders); on the GPU machine: `bash bench/compilers-device.sh` with `carry: [".carry"]`, then copy its `$OUT` (raw-16.tsv, raw-2.tsv, machine.txt, build.json, paraforge.md) into `bench/results/compilers-h200-16/` and `-2/` (raw-N.tsv as raw.tsv) and re-render with `COMPILERS_LOCAL=reuse node bench/run.mjs compilers`.');
  if (builds) log(`ParaForge listing: ${path.join(localDir, 'paraforge.md')}`);
  console.log(parts.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

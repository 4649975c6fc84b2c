// Renders the results that bench/device-run.sh brought back from the GPU machine: the 16-core
// OpenMP scaling of ParaForge's own rewrites and the CUDA evidence (compute-sanitizer on an H100).
// Reads PARAFORGE_DEVICE_RESULTS (default: the newest folder in bench/results).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Evidence } from '../src/core/model';
import { table } from './lib/stats';

const ROOT = path.resolve(__dirname, '../..');
const resultsRoot = path.join(ROOT, 'bench/results');
const dir = process.env.PARAFORGE_DEVICE_RESULTS ?? path.join(resultsRoot, fs.readdirSync(resultsRoot).sort().pop() ?? '');
const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
const evidence = (rel: string): Evidence => JSON.parse(read(rel));

const machine = read('machine.txt').trim().split('\n');
const kernels = ['jacobi2d', 'matmul', 'norms', 'triangular'];
const threads = [...new Set(kernels.flatMap((k) => evidence(`scaling/${k}.json`).timings.map((t) => t.threads ?? 1)))].sort((a, b) => a - b);

const scalingRows = kernels.map((k) => {
  const ev = evidence(`scaling/${k}.json`);
  const pragmas = read(`scaling/${k}.txt`).split('\n').filter((l) => /#pragma/.test(l) && !/main:/.test(l)).map((l) => l.replace(/^\s*line \d+: /, '').replace('#pragma omp ', ''));
  const cells = threads.map((n) => {
    const t = ev.timings.find((x) => x.threads === n);
    return t ? `${t.speedup.toFixed(2)}× (${Math.round(t.efficiency * 100)}%)` : '';
  });
  const tests = ev.tests.filter((t) => t.passed).length;
  return [`${k}`, pragmas.join('; '), Number(ev.toolchain.baselineSeconds).toFixed(2), ...cells, `${tests}/${ev.tests.length}`];
});

const gpuCases: [string, string][] = [
  ['cuda-vadd', 'vector add kernel vs serial loop'],
  ['cuda-block-sum', 'shared-memory block sum, synchronised'],
  ['cuda-shared-race', 'block sum without `__syncthreads()`'],
  ['cuda-out-of-bounds', 'off-by-one bounds check (`i <= n`)'],
  ['cuda-host-openmp', 'OpenMP rewrite of host loops in a .cu file'],
];
const gpuRows = gpuCases
  .filter(([name]) => fs.existsSync(path.join(dir, `gpu/${name}.json`)))
  .map(([name, what]) => {
    const ev = evidence(`gpu/${name}.json`);
    return [what, `**${ev.verdict}**`, ev.summary.replace(/\|/g, '\\|')];
  });

console.log(`<!-- measured-elsewhere -->
## OpenMP scaling of ParaForge's rewrites, and CUDA evidence on a GPU

Measured on the GPU machine (${machine[0]} cores; ${machine.find((l) => l.startsWith('Model name'))?.replace(/\s+/g, ' ') ?? ''}; ${machine.find((l) => l.startsWith('GPU 0'))?.replace(/ \(UUID.*\)/, '') ?? ''}; ${machine.find((l) => l.startsWith('gcc')) ?? ''}) by \`bench/device-run.sh\`, which runs the real CLI there: \`paraforge parallelize\` rewrites each kernel in \`bench/kernels/\`, and \`paraforge verify … --json --repeats 3 -- SIZE\` checks the rewrite at 1 and 2 threads and times it (median of 3 after a warm-up, \`OMP_PROC_BIND=close\`, \`OMP_PLACES=cores\`) against the unmodified original built the same way (\`gcc -O2 -fopenmp\`). That machine has no clang, so its evidence says *not-run* (no Archer race check); the same rewrites are race-checked on this machine by \`bash bench/omp-scaling.sh DIR small\` and by the test suite. Raw JSON: \`${path.relative(ROOT, dir)}\`.

Speedup over the serial original (parallel efficiency in brackets):

${table(['kernel', 'rewrite (kernel function)', 'serial s', ...threads.map((t) => `${t} thr`), 'tests'], scalingRows)}

CUDA candidates verified on the GPU with \`paraforge verify ORIGINAL CANDIDATE --target cuda\` (runs, compares outputs, compute-sanitizer memcheck and racecheck):

${table(['candidate', 'verdict', 'evidence summary'], gpuRows)}

The GPU machine has no bubblewrap: runs there were confined by rlimits only, and the evidence says so.`);

// The compiler comparison's results: raw runs from bench/compilers-run.sh, per-kernel minima over
// interleaved rounds, checksums checked against serial, speedups, geomeans, a markdown table and an
// SVG bar chart. Pure functions (no I/O) so the unit test can check them on canned runs.
import { METHODS, type Method, type SuiteKernel } from './compilersSuite';

export interface RawRun {
  round: number;
  kernel: string;
  method: Method;
  rc: number | null;
  checksum: number | null;
  time: number | null;
}

/** Parses the tab-separated lines printed by bench/compilers-run.sh (other lines are ignored). */
export function parseRuns(text: string): RawRun[] {
  const runs: RawRun[] = [];
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f.length !== 6 || !/^\d+$/.test(f[0]) || !(METHODS as readonly string[]).includes(f[2])) continue;
    const num = (s: string) => (s === '-' || s === '' || !Number.isFinite(Number(s)) ? null : Number(s));
    runs.push({ round: Number(f[0]), kernel: f[1], method: f[2] as Method, rc: f[3] === 'missing' ? null : Number(f[3]), checksum: num(f[4]), time: num(f[5]) });
  }
  return runs;
}

export type Status = 'ok' | 'wrong' | 'failed' | 'missing';

export interface MethodResult {
  status: Status;
  /** Minimum kernel time over the rounds (s); null unless ok. */
  best: number | null;
  /** Speedup over serial's minimum; null unless ok. */
  speedup: number | null;
  /** What went wrong, for wrong/failed. */
  note: string;
  rounds: number;
}

export interface KernelResult {
  kernel: SuiteKernel;
  serialChecksum: number | null;
  methods: Record<Method, MethodResult>;
  /** The better of gcc's auto-paralleliser and Polly (correct runs only), or serial if neither is. */
  betterCompiler: 'gccpar' | 'polly' | 'none';
  betterSpeedup: number;
  /** ParaForge's speedup, 1 when it is wrong or failed (a user falls back to serial). */
  pfSpeedup: number;
  /** ParaForge ÷ the better compiler. */
  pfOverBetter: number;
  meetsCompilerTarget: boolean;
  meetsSerialTarget: boolean;
}

/** A speedup below this counts as slower than serial (timings on shared machines vary by a few %). */
export const SLOWER_THAN_SERIAL = 0.95;
export const COMPILER_TARGET = 0.9;

function sameChecksum(a: number, b: number, tolerance: number): boolean {
  if (tolerance === 0) return a === b;
  return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

export function summarize(suite: readonly SuiteKernel[], runs: readonly RawRun[]): KernelResult[] {
  return suite.map((kernel) => {
    const mine = runs.filter((r) => r.kernel === kernel.name);
    const serialRuns = mine.filter((r) => r.method === 'serial' && r.rc === 0 && r.checksum !== null);
    const serialChecksum = serialRuns.length ? serialRuns[0].checksum : null;
    const methods = {} as Record<Method, MethodResult>;
    for (const method of METHODS) {
      const rs = mine.filter((r) => r.method === method);
      let status: Status = 'ok';
      let note = '';
      if (rs.length === 0 || rs.every((r) => r.rc === null)) {
        status = 'missing';
        note = 'not built';
      } else if (serialChecksum === null && method !== 'serial') {
        status = 'failed';
        note = 'no serial reference';
      } else {
        for (const r of rs) {
          if (r.rc !== 0 || r.checksum === null || r.time === null) {
            status = 'failed';
            note = r.rc === 124 ? 'timed out' : `exit ${r.rc ?? 'missing'}`;
            break;
          }
          if (!sameChecksum(r.checksum, serialChecksum as number, kernel.tolerance)) {
            status = 'wrong';
            note = `checksum ${r.checksum} vs serial ${serialChecksum} (round ${r.round})`;
            break;
          }
        }
      }
      const best = status === 'ok' ? Math.min(...rs.map((r) => r.time as number)) : null;
      methods[method] = { status, best, speedup: null, note, rounds: rs.length };
    }
    const serialBest = methods.serial.best;
    for (const method of METHODS) {
      const m = methods[method];
      if (m.best !== null && serialBest !== null) m.speedup = serialBest / Math.max(m.best, 1e-9);
    }
    const eff = (m: MethodResult) => (m.status === 'ok' && m.speedup !== null ? m.speedup : 1);
    const g = methods.gccpar.status === 'ok' ? eff(methods.gccpar) : -1;
    const p = methods.polly.status === 'ok' ? eff(methods.polly) : -1;
    const betterCompiler = g < 0 && p < 0 ? 'none' : g >= p ? 'gccpar' : 'polly';
    const betterSpeedup = betterCompiler === 'none' ? 1 : Math.max(g, p);
    const pfSpeedup = eff(methods.paraforge);
    const pfOverBetter = pfSpeedup / betterSpeedup;
    return {
      kernel, serialChecksum, methods, betterCompiler, betterSpeedup, pfSpeedup, pfOverBetter,
      meetsCompilerTarget: methods.paraforge.status === 'ok' && pfOverBetter >= COMPILER_TARGET,
      meetsSerialTarget: methods.paraforge.status === 'ok' && pfSpeedup >= SLOWER_THAN_SERIAL,
    };
  });
}

export function geomean(values: readonly number[]): number {
  if (!values.length) return NaN;
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

export interface Geomeans {
  gccpar: number;
  polly: number;
  better: number;
  paraforge: number;
  pfOverBetter: number;
}

/** Geomeans of speedups over serial; a wrong or failed method counts as 1× (the user keeps serial). */
export function geomeans(results: readonly KernelResult[]): Geomeans {
  const eff = (m: MethodResult) => (m.status === 'ok' && m.speedup !== null ? m.speedup : 1);
  return {
    gccpar: geomean(results.map((r) => eff(r.methods.gccpar))),
    polly: geomean(results.map((r) => eff(r.methods.polly))),
    better: geomean(results.map((r) => r.betterSpeedup)),
    paraforge: geomean(results.map((r) => r.pfSpeedup)),
    pfOverBetter: geomean(results.map((r) => r.pfOverBetter)),
  };
}

function cell(m: MethodResult): string {
  if (m.status === 'wrong') return '**WRONG**';
  if (m.status === 'failed') return `FAILED (${m.note})`;
  if (m.status === 'missing') return 'not built';
  return `${(m.best as number).toFixed(3)} (${(m.speedup as number).toFixed(2)}×)`;
}

/** The markdown table: per kernel times (speedup over serial), ParaForge ÷ the better compiler. */
export function markdownTable(results: readonly KernelResult[]): string {
  const lines = [
    '| kernel | kind | serial s | gcc autopar s (×) | Polly s (×) | ParaForge s (×) | ParaForge ÷ better compiler | targets |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const misses: string[] = [];
    if (!r.meetsCompilerTarget) misses.push(`< ${COMPILER_TARGET}× compiler`);
    if (!r.meetsSerialTarget) misses.push('slower than serial');
    const better = r.betterCompiler === 'none' ? 'no correct compiler run' : r.betterCompiler === 'gccpar' ? 'gcc' : 'Polly';
    lines.push(`| ${r.kernel.name} | ${r.kernel.category} | ${r.methods.serial.best === null ? cell(r.methods.serial) : (r.methods.serial.best as number).toFixed(3)} | ${cell(r.methods.gccpar)} | ${cell(r.methods.polly)} | ${cell(r.methods.paraforge)} | ${r.pfOverBetter.toFixed(2)} (vs ${better}) | ${misses.length ? `miss: ${misses.join(', ')}` : 'met'} |`);
  }
  const g = geomeans(results);
  lines.push(`| **geomean** | ${results.length} kernels | | ${g.gccpar.toFixed(2)}× | ${g.polly.toFixed(2)}× | ${g.paraforge.toFixed(2)}× | ${g.pfOverBetter.toFixed(2)} (better compiler ${g.better.toFixed(2)}×) | |`);
  return lines.join('\n');
}

export function wrongList(results: readonly KernelResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    for (const method of METHODS) {
      const m = r.methods[method];
      if (m.status === 'wrong' || m.status === 'failed') out.push(`${r.kernel.name} / ${method}: ${m.status} (${m.note})`);
    }
  }
  return out;
}

const COLORS: Record<Exclude<Method, 'serial'>, string> = { gccpar: '#8c8c8c', polly: '#4e79a7', paraforge: '#e15759' };
const LABELS: Record<Exclude<Method, 'serial'>, string> = { gccpar: 'gcc -ftree-parallelize-loops', polly: 'clang Polly', paraforge: 'ParaForge + gcc -fopenmp' };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A horizontal grouped bar chart of speedups over serial (log scale), WRONG runs marked. */
export function svgChart(results: readonly KernelResult[], title: string): string {
  const series = ['gccpar', 'polly', 'paraforge'] as const;
  const maxSpeedup = Math.max(2, ...results.flatMap((r) => series.map((s) => r.methods[s].speedup ?? 1)));
  const minSpeedup = Math.min(1, ...results.flatMap((r) => series.map((s) => r.methods[s].speedup ?? 1)));
  const lo = Math.max(1 / 64, 2 ** Math.floor(Math.log2(minSpeedup)));
  const hi = 2 ** Math.ceil(Math.log2(maxSpeedup));
  const left = 120, right = 30, top = 56, barH = 6, gap = 8, width = 860;
  const groupH = series.length * barH + gap;
  const height = top + results.length * groupH + 40;
  const plotW = width - left - right;
  const x = (v: number) => left + ((Math.log2(Math.max(v, lo)) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo))) * plotW;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`);
  series.forEach((s, i) => {
    const lx = left + i * 230;
    parts.push(`<rect x="${lx}" y="28" width="12" height="10" fill="${COLORS[s]}"/><text x="${lx + 16}" y="37">${esc(LABELS[s])}</text>`);
  });
  for (let v = lo; v <= hi; v *= 2) {
    const gx = x(v);
    parts.push(`<line x1="${gx.toFixed(1)}" y1="${top - 4}" x2="${gx.toFixed(1)}" y2="${height - 34}" stroke="${v === 1 ? '#000' : '#ddd'}" stroke-width="${v === 1 ? 1.2 : 1}"/>`);
    parts.push(`<text x="${gx.toFixed(1)}" y="${height - 20}" text-anchor="middle">${v >= 1 ? v : `1/${1 / v}`}×</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle">speedup over serial gcc -O2 (log scale; the black line is serial)</text>`);
  results.forEach((r, k) => {
    const gy = top + k * groupH;
    parts.push(`<text x="${left - 6}" y="${gy + (series.length * barH) / 2 + 4}" text-anchor="end">${esc(r.kernel.name)}</text>`);
    series.forEach((s, i) => {
      const m = r.methods[s];
      const y = gy + i * barH;
      if (m.status === 'ok' && m.speedup !== null) {
        const x0 = x(1), x1 = x(m.speedup);
        parts.push(`<rect x="${Math.min(x0, x1).toFixed(1)}" y="${y}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${barH - 1}" fill="${COLORS[s]}"><title>${esc(`${r.kernel.name} ${LABELS[s]}: ${m.speedup.toFixed(2)}×`)}</title></rect>`);
        if (s === 'paraforge') parts.push(`<text x="${(Math.max(x0, x1) + 3).toFixed(1)}" y="${y + barH}" font-size="8" fill="${COLORS[s]}">${m.speedup.toFixed(2)}×</text>`);
      } else {
        parts.push(`<text x="${x(1) + 3}" y="${y + barH}" font-size="8" fill="${COLORS[s]}" font-weight="bold">${m.status.toUpperCase()}</text>`);
      }
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

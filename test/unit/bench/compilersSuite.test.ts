// The compiler comparison's kernels stay runnable: each builds with gcc/g++ and, at its tiny size,
// prints `checksum X` and `kernel_time SECONDS` (the format bench/compilers-run.sh parses). The
// result bookkeeping (minimum over rounds, WRONG on a checksum mismatch) is checked on canned runs.
// No timings are asserted.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geomeans, parseRuns, summarize, svgChart } from '../../../bench/lib/compilers';
import { compileCommand, SUITE } from '../../../bench/lib/compilersSuite';
import { ROOT } from '../../helpers/paths';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-bench-suite-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('compiler comparison kernels', () => {
  it('has at least 24 kernels, each a file in bench/kernels with three size sets', () => {
    expect(SUITE.length).toBeGreaterThanOrEqual(24);
    expect(new Set(SUITE.map((k) => k.name)).size).toBe(SUITE.length);
    for (const k of SUITE) {
      expect(fs.existsSync(path.join(ROOT, 'bench/kernels', `${k.name}.${k.lang}`)), k.name).toBe(true);
      for (const s of [k.tiny, k.local, k.large]) expect(s.trim(), k.name).toMatch(/^\d+( \d+)*$/);
    }
  });

  it.each(SUITE.map((k) => [k.name, k] as const))('%s builds serially and prints its checksum and kernel time at the tiny size', (_name, k) => {
    const exe = path.join(tmp, k.name);
    const cmd = compileCommand('serial', k.lang, path.join(ROOT, 'bench/kernels', `${k.name}.${k.lang}`), exe);
    execFileSync(cmd[0], cmd.slice(1), { stdio: 'pipe' });
    const out = execFileSync(exe, k.tiny.split(' '), { encoding: 'utf8', timeout: 10_000 });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^checksum -?\d\.\d{12}e[+-]\d+$/);
    expect(lines[1]).toMatch(/^kernel_time \d+\.\d{6}$/);
  });
});

describe('bench/compilers-run.sh', () => {
  it('runs every method of a kernel in rounds and prints lines parseRuns reads (missing binaries reported as such)', () => {
    const k = SUITE.find((s) => s.name === 'dot') ?? SUITE[0];
    const bin = path.join(tmp, 'runner-bin');
    fs.mkdirSync(bin, { recursive: true });
    const src = path.join(ROOT, 'bench/kernels', `${k.name}.${k.lang}`);
    for (const [method, exe] of [['serial', `${k.name}.serial`], ['paraforge', `${k.name}.paraforge`]] as const) {
      const cmd = compileCommand(method, k.lang, src, path.join(bin, exe));
      execFileSync(cmd[0], cmd.slice(1), { stdio: 'pipe' });
    }
    fs.writeFileSync(path.join(bin, 'suite.tsv'), `# name\ttiny\tlocal\tlarge\n${k.name}\t${k.tiny}\t${k.local}\t${k.large}\n`);
    const out = execFileSync('bash', [path.join(ROOT, 'bench/compilers-run.sh'), bin, '2', '2', 'tiny'], { encoding: 'utf8', timeout: 30_000 });
    const runs = parseRuns(out);
    expect(runs).toHaveLength(8);
    expect(runs.filter((r) => r.method === 'gccpar' || r.method === 'polly').every((r) => r.rc === null)).toBe(true);
    const [r] = summarize([k], runs);
    expect(r.methods.serial.status).toBe('ok');
    expect(r.methods.paraforge.status).toBe('ok');
    expect(r.methods.polly.status).toBe('missing');
  });
});

describe('compiler comparison bookkeeping', () => {
  const k = SUITE[0];
  const line = (round: number, method: string, rc: string, cs: string, t: string) => [round, k.name, method, rc, cs, t].join('\t');
  const raw = [
    'noise the runner printed',
    line(1, 'serial', '0', '1.000000000000e+00', '1.0'),
    line(1, 'gccpar', '0', '1.000000000000e+00', '0.8'),
    line(1, 'polly', '0', '1.500000000000e+00', '0.1'),
    line(1, 'paraforge', '0', '1.000000000100e+00', '0.6'),
    line(2, 'serial', '0', '1.000000000000e+00', '0.9'),
    line(2, 'gccpar', '124', '-', '-'),
    line(2, 'polly', '0', '1.000000000000e+00', '0.1'),
    line(2, 'paraforge', '0', '1.000000000000e+00', '0.45'),
  ].join('\n');

  it('takes minima over rounds, calls a different checksum WRONG and a timeout FAILED, and compares with the better correct compiler', () => {
    const runs = parseRuns(raw);
    expect(runs).toHaveLength(8);
    const [r] = summarize([k], runs);
    expect(r.methods.serial.best).toBe(0.9);
    expect(r.methods.polly.status).toBe('wrong');
    expect(r.methods.gccpar.status).toBe('failed');
    expect(r.methods.gccpar.note).toBe('timed out');
    expect(r.methods.paraforge.status).toBe('ok');
    expect(r.methods.paraforge.best).toBe(0.45);
    expect(r.pfSpeedup).toBeCloseTo(2);
    expect(r.betterCompiler).toBe('none');
    expect(r.pfOverBetter).toBeCloseTo(2);
    expect(geomeans([r]).polly).toBe(1);
    expect(svgChart([r], 't')).toContain('WRONG');
  });

  it('an integer kernel must match exactly', () => {
    const exact = { ...k, tolerance: 0 };
    const [r] = summarize([exact], parseRuns(raw));
    expect(r.methods.paraforge.status).toBe('wrong');
  });
});

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { discoverToolchains, flagsFromCompileCommands } from '../../../src/core/runner/toolchains';
import { CLI, fixture } from '../../helpers/paths';

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('toolchain discovery', () => {
  it('finds gcc, clang + Archer, both MPIs and nvcc with versions', async () => {
    const tc = await discoverToolchains();
    expect(tc.gcc?.version).toMatch(/gcc .*12\./);
    expect(tc.clang?.version).toMatch(/clang version 14/);
    expect(tc.archer).toBe('/usr/lib/llvm-14/lib/libarcher.so');
    expect(tc.mpicc.openmpi?.version).toMatch(/Open MPI/);
    expect(tc.mpicc.mpich?.version).toMatch(/MPICH/);
    expect(tc.nvcc?.version).toMatch(/release \d+/);
    expect(tc.gpu).toBe(false);
  });

  it('a missing compiler gives not-run with the Debian package to install', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-nopath-'));
    tmp.push(empty);
    const ev = await verifyProgram({
      original: fixture('runner/sum_serial.c'),
      candidate: fixture('runner/sum_reduction.c'),
      language: 'c',
      target: 'openmp',
      toolchain: { searchPath: empty },
    });
    expect(ev.verdict).toBe('not-run');
    expect(ev.summary).toMatch(/gcc not found.*apt-get install gcc/);
  });

  it('takes -I/-D/-std from compile_commands.json and drops the rest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cc-'));
    tmp.push(dir);
    fs.writeFileSync(path.join(dir, 'k.c'), 'int main(void){return 0;}\n');
    fs.writeFileSync(
      path.join(dir, 'compile_commands.json'),
      JSON.stringify([{ directory: dir, file: 'k.c', command: 'cc -Iinc -DN=4 -std=c11 -O3 -Wall -c k.c -o k.o' }]),
    );
    expect(flagsFromCompileCommands(path.join(dir, 'k.c'))).toEqual([`-I${path.join(dir, 'inc')}`, '-DN=4', '-std=c11']);
  });
});

describe('paraforge verify (CLI)', () => {
  it('prints a readable summary and exits 0 for a verified candidate, 1 for a racy pragma (rejected before running)', () => {
    const ok = spawnSync(process.execPath, [CLI, 'verify', fixture('runner/sum_serial.c'), fixture('runner/sum_reduction.c'), '--threads', '1,2', '--repeats', '1'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/sum_reduction\.c: VERIFIED/);
    expect(ok.stdout).toMatch(/speedup/);
    const race = spawnSync(process.execPath, [CLI, 'verify', fixture('runner/sum_serial.c'), fixture('runner/sum_race.c'), '--json', '--repeats', '1'], { encoding: 'utf8' });
    expect(race.status).toBe(1);
    const ev = JSON.parse(race.stdout);
    expect(ev.verdict).toBe('rejected');
    expect(ev.staticFindings[0]).toMatchObject({ check: 'racy-pragma', line: 13 });
    expect(ev.staticFindings[0].message).toMatch(/`sum`/);
  });

  it('exits 2 with a message on bad input', () => {
    const r = spawnSync(process.execPath, [CLI, 'verify', fixture('runner/sum_serial.c'), fixture('runner/sum_race.c'), '--threads', 'two'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--threads wants a comma-separated list/);
    const missing = spawnSync(process.execPath, [CLI, 'verify', fixture('runner/sum_serial.c')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { scratchRoot } from '../../../src/core/runner/sandbox';
import { fixture } from '../../helpers/paths';

const asRoot = process.getuid?.() === 0;
const savedTmpdir = process.env.TMPDIR;
afterEach(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
});

describe('scratch folder for builds and runs', () => {
  it('a private TMPDIR (0700) still works: as root the runner moves to /tmp, where nobody can reach its runs', async () => {
    const privateTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-private-'));
    fs.chmodSync(privateTmp, 0o700);
    try {
      process.env.TMPDIR = privateTmp;
      // Not root: programs run as the user, who can reach their own private folder.
      expect(scratchRoot()).toBe(asRoot ? '/tmp' : privateTmp);
      const ev = await verifyProgram({
        original: fixture('runner/sum_serial.c'),
        candidate: fixture('runner/sum_reduction.c'),
        language: 'c',
        target: 'openmp',
      });
      expect(ev.verdict, ev.summary).toBe('verified');
    } finally {
      fs.rmSync(privateTmp, { recursive: true, force: true });
    }
  });

  it('keeps a TMPDIR that others can traverse', () => {
    const open = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-open-'));
    fs.chmodSync(open, 0o711);
    try {
      process.env.TMPDIR = open;
      expect(scratchRoot()).toBe(open);
    } finally {
      fs.rmSync(open, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { decodeSource } from '../../../src/core/parse';

describe('decodeSource', () => {
  it('decodes UTF-8 text', () => {
    const r = decodeSource(Buffer.from('int x; /* π */\n'));
    expect(r).toEqual({ ok: true, text: 'int x; /* π */\n' });
  });

  it('refuses binary content with the offset of the NUL byte', () => {
    const r = decodeSource(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/binary \(NUL byte at offset 4\)/);
  });

  it('refuses Latin-1 text and says where and how to convert', () => {
    const r = decodeSource(Buffer.from('int caf\xe9;', 'latin1'));
    expect(!r.ok && r.error).toMatch(/not valid UTF-8 \(first bad byte at offset 7\).*iconv/);
  });

  it('refuses files over the size limit', () => {
    const r = decodeSource(Buffer.alloc(2048, 0x20), 1024);
    expect(!r.ok && r.error).toMatch(/over the 0\.0 MB limit/);
  });
});

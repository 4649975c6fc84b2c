import { describe, expect, it } from 'vitest';
import { parseCharLiteral, parseIntegerLiteral } from '../../../src/core/analysis/literals';

describe('C literal rules', () => {
  it('reads octal, hex, binary, separators and suffixes as the compiler does', () => {
    expect(parseIntegerLiteral('0100')).toBe(64);
    expect(parseIntegerLiteral('0')).toBe(0);
    expect(parseIntegerLiteral('0x40')).toBe(64);
    expect(parseIntegerLiteral('0b1000000')).toBe(64);
    expect(parseIntegerLiteral("1'000")).toBe(1000);
    expect(parseIntegerLiteral("0'100")).toBe(64);
    expect(parseIntegerLiteral('100UL')).toBe(100);
    expect(parseIntegerLiteral('64LL')).toBe(64);
    expect(parseIntegerLiteral('7llu')).toBe(7);
    expect(parseIntegerLiteral('(-12)')).toBe(-12);
  });

  it('reads character literals, escapes included', () => {
    expect(parseIntegerLiteral("'A'")).toBe(65);
    expect(parseCharLiteral("'\\n'")).toBe(10);
    expect(parseCharLiteral("'\\x41'")).toBe(65);
    expect(parseCharLiteral("'\\101'")).toBe(65);
    expect(parseCharLiteral("'\\0'")).toBe(0);
  });

  it('an escape above 127 is not a number: plain char may be signed (\'\\377\' is -1 in gcc on x86) or not', () => {
    expect(parseCharLiteral("'\\377'")).toBeUndefined();
    expect(parseCharLiteral("'\\xff'")).toBeUndefined();
    expect(parseCharLiteral("'\\200'")).toBeUndefined();
    expect(parseCharLiteral("'\\177'")).toBe(127);
    expect(parseCharLiteral("'\\x7f'")).toBe(127);
  });

  it('refuses what is not an integer literal instead of guessing', () => {
    expect(parseIntegerLiteral('08')).toBeUndefined();
    expect(parseIntegerLiteral('1.5')).toBeUndefined();
    expect(parseIntegerLiteral('1e3')).toBeUndefined();
    expect(parseIntegerLiteral("1''0")).toBeUndefined();
    expect(parseIntegerLiteral('0x1p3')).toBeUndefined();
    expect(parseIntegerLiteral('99999999999999999999')).toBeUndefined();
    expect(parseIntegerLiteral('N')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { languageFromId, languageFromPath } from '../../../src/core/parse';

describe('grammar choice', () => {
  it.each([
    ['k.c', 'c'],
    ['k.h', 'c'],
    ['dir.v2/k.cpp', 'cpp'],
    ['K.CC', 'cpp'],
    ['k.cxx', 'cpp'],
    ['k.hpp', 'cpp'],
    ['k.cu', 'cuda-cpp'],
    ['k.cuh', 'cuda-cpp'],
  ])('%s is read as %s', (file, language) => {
    expect(languageFromPath(file)).toBe(language);
  });

  it.each(['notes.txt', 'Makefile', 'dir.c/readme', 'k.f90'])('%s is not read', (file) => {
    expect(languageFromPath(file)).toBeUndefined();
  });

  it('maps VS Code language ids, including the cuda alias', () => {
    expect(languageFromId('c')).toBe('c');
    expect(languageFromId('cpp')).toBe('cpp');
    expect(languageFromId('cuda-cpp')).toBe('cuda-cpp');
    expect(languageFromId('cuda')).toBe('cuda-cpp');
    expect(languageFromId('python')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { blobNameProblem, containerNameProblem, parseSize } from '../../shared/prep/names';
import { parseBlobList, previewExport } from '../../shared/prep/exportPreview';

describe('Azure names', () => {
  it('container names: 3-63 lowercase letters, digits and single hyphens', () => {
    for (const ok of ['abc', 'photos-2024', 'a'.repeat(63), '$root']) expect(containerNameProblem(ok)).toBeUndefined();
    expect(containerNameProblem('ab')).toMatch(/3 to 63/);
    expect(containerNameProblem('a'.repeat(64))).toMatch(/3 to 63/);
    expect(containerNameProblem('Photos')).toMatch(/lowercase/);
    expect(containerNameProblem('a--b')).toMatch(/two hyphens/);
    expect(containerNameProblem('-ab')).toMatch(/start and end/);
  });
  it('blob names: length, segments, trailing dot/slash, control characters', () => {
    expect(blobNameProblem('a/b/c.jpg')).toBeUndefined();
    expect(blobNameProblem('x'.repeat(1025))).toMatch(/1,024/);
    expect(blobNameProblem(Array(255).fill('a').join('/'))).toMatch(/254/);
    expect(blobNameProblem('a/b.')).toMatch(/dot or a slash/);
    expect(blobNameProblem('a/b/')).toMatch(/dot or a slash/);
    expect(blobNameProblem('a\u0007b')).toMatch(/control character/);
  });
  it('sizes', () => {
    expect(parseSize('4TB')).toBe(4e12);
    expect(parseSize('1 GiB')).toBe(2 ** 30);
    expect(parseSize('12')).toBe(12);
    expect(parseSize('lots')).toBeUndefined();
  });
});

describe('preview-export', () => {
  it('counts drives and places every blob, never split; too-large blobs are listed', () => {
    const blobs = parseBlobList('# comment\nc/a,2.5GB\nc/b,3GB\nc/c 1GB\nc/huge,5GB\n');
    const p = previewExport(blobs, 4e9);
    expect(p.drives.map((d) => d.blobs.map((b) => b.blobPath))).toEqual([['c/a', 'c/c'], ['c/b']]);
    expect(p.tooLarge.map((b) => b.blobPath)).toEqual(['c/huge']);
    expect(() => parseBlobList('c/a,lots\n', 'list.txt')).toThrow(/list.txt, line 1/);
  });
});

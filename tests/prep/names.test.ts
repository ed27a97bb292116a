import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blobNameProblem,
  containerNameProblem,
  decodeName,
  importBlobNameProblem,
  importContainerNameProblem,
  parseSize,
  sessionIdProblem,
  windowsNameProblem,
} from '../../shared/prep/names';
import { formatBlobList, parseBlobList, previewExport } from '../../shared/prep/exportPreview';

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
    const blobs = parseBlobList('# comment\nccc/a,2.5GB\nccc/b,3GB\nccc/c 1GB\nccc/huge,5GB\n');
    const p = previewExport(blobs, 4e9);
    expect(p.drives.map((d) => d.blobs.map((b) => b.blobPath))).toEqual([['ccc/a', 'ccc/c'], ['ccc/b']]);
    expect(p.tooLarge.map((b) => b.blobPath)).toEqual(['ccc/huge']);
    expect(() => parseBlobList('ccc/a,lots\n', 'list.txt')).toThrow(/list.txt, line 1/);
  });
});

describe('names an import drive cannot hold', () => {
  it('refuses every name the manifest, Azure or the Windows file system of the data center refuses, saying why', () => {
    const refused: [string, RegExp][] = [
      ['a\\b.txt', /backslash/],
      ['dir./file.txt', /"dir\." ends with a dot/],
      ['a:b', /holds ":"/],
      ['q?', /holds "\?"/],
      ['star*', /holds "\*"/],
      ['x<y>', /holds "<"/],
      ['pipe|d', /holds "\|"/],
      ['say"hi"', /holds """/],
      ['tab\there', /control character/],
      ['docs/CON', /reserved on Windows for the device CON/],
      ['docs/prn.txt', /device PRN/],
      ['aux.tar.gz', /device AUX/],
      ['Nul', /device NUL/],
      ['COM1.log', /device COM1/],
      ['lpt9', /device LPT9/],
      ['space /x', /ends with a space/],
      ['trailing ', /ends with a space|ends with " "/],
      [`${'é'.repeat(128)}.bin`, /260 bytes long; file systems hold at most 255/],
      ['x'.repeat(1025), /1,024/],
      [Array(255).fill('a').join('/'), /254/],
    ];
    for (const [name, why] of refused) expect(importBlobNameProblem(name), name).toMatch(why);
    for (const ok of ['a/b/c.jpg', 'CONSOLE.txt', 'com10', 'notes. v2/x', 'é'.repeat(127), 'a b/c d.txt'])
      expect(importBlobNameProblem(ok), ok).toBeUndefined();
  });

  it('accepts a name only when every rule passes (the quick path agrees with the rules one by one)', () => {
    const piece = fc.oneof(
      { arbitrary: fc.constantFrom('a', 'B', '.', ' ', '/', 'con', 'Lpt1', 'é', '😀'), weight: 12 },
      { arbitrary: fc.constantFrom('\\', ':', '\u0001', 'x'.repeat(90)), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (parts) => {
        const name = parts.join('');
        const rulesPass =
          blobNameProblem(name) === undefined &&
          !name.includes('\\') &&
          name.split('/').every((s) => windowsNameProblem(s) === undefined);
        expect(importBlobNameProblem(name) === undefined, JSON.stringify(name)).toBe(rulesPass);
      }),
      { seed: 12, numRuns: 3000 },
    );
  });

  it('refuses containers and session ids that Windows cannot hold as the folders they become', () => {
    expect(importContainerNameProblem('con')).toMatch(/names a folder on the drive, and .*device CON/);
    expect(importContainerNameProblem('photos')).toBeUndefined();
    expect(sessionIdProblem('..')).toMatch(/only dots/);
    expect(sessionIdProblem('nul')).toMatch(/device NUL/);
    expect(sessionIdProblem('s1.')).toMatch(/ends with a dot/);
    expect(sessionIdProblem('s 1')).toMatch(/may hold only letters/);
    expect(sessionIdProblem('s1')).toBeUndefined();
  });

  it('shows a name that is not UTF-8 with its bytes escaped', () => {
    const bytes = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "caf\xE9.txt" (Latin-1)
    expect(decodeName(bytes)).toEqual({ valid: false, shown: 'caf\\xE9.txt' });
    expect(decodeName(new TextEncoder().encode('café.txt'))).toEqual({ valid: true, shown: 'café.txt' });
    expect(decodeName(new Uint8Array([0xc0, 0xaf]))).toMatchObject({ valid: false }); // an overlong "/"
  });
});

describe('preview-export blob lists', () => {
  it('reads a quoted blob name with a comma and writes lists it reads back', () => {
    const blobs = parseBlobList('"photos/a,b.jpg",1024\nphotos/"quoted".txt,10\nphotos/plain.txt\t5\n', 'list.csv');
    expect(blobs).toEqual([
      { blobPath: 'photos/a,b.jpg', length: 1024 },
      { blobPath: 'photos/"quoted".txt', length: 10 },
      { blobPath: 'photos/plain.txt', length: 5 },
    ]);
    const odd = [...blobs, { blobPath: 'photos/#1, "best" ', length: 7 }];
    expect(parseBlobList(formatBlobList(odd))).toEqual(odd);
  });

  it('refuses names and prefixes Azure does not allow, naming the line', () => {
    expect(() => parseBlobList('photos/ok,1\nPhotos/a.jpg,1\n', 'list.csv')).toThrow(
      /list.csv, line 2: the container name "Photos" may hold only lowercase/,
    );
    expect(() => parseBlobList('photos/a.,1\n', 'list.csv')).toThrow(/line 1: the blob name "a\." ends with "\."/);
    expect(() => parseBlobList('photos/2024/,1GB\n', 'list.csv')).toThrow(/line 1: "photos\/2024\/" is a prefix/);
    expect(() => parseBlobList('photos/a,b.jpg,1024\n', 'list.csv')).toThrow(/line 1: .*3 values.*double quotes/);
    expect(() => previewExport([{ blobPath: 'x/a', length: 1 }], 4e9)).toThrow(/container name "x"/);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDriveRoot } from '../../main/core/prep/drive-format/driveFiles';
import type { FileRecord } from '../../main/core/prep/drive-format/fileRecord';
import {
  BLOCK_SIZE,
  HEADER_FILE,
  MANIFEST_FILE,
  parseDriveManifest,
  parseMetadataFile,
  parsePropertiesFile,
  serializeDriveManifest,
  parseDriveHeader,
  serializeDriveHeader,
  serializeDriveInfo,
  parseDriveInfo,
  isDrivePath,
  type DriveManifest,
} from '../../shared/formats/driveManifest';
import { makeDrives } from './drives.helpers';

const H = (c: string) => c.repeat(32);
const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

const sample: DriveManifest = {
  version: '2014-11-01',
  driveId: 'WD-WCC4E1234567',
  blobs: [
    {
      blobPath: 'photos/2024/a & b <1>.jpg',
      filePath: 's1/photos/2024/a & b <1>.jpg',
      length: BLOCK_SIZE + 10,
      importDisposition: 'rename',
      blobType: 'BlockBlob',
      blocks: [
        { offset: 0, length: BLOCK_SIZE, hash: H('A') },
        { offset: BLOCK_SIZE, length: 10, hash: H('B') },
      ],
    },
    {
      blobPath: 'photos/empty.txt',
      filePath: 's1/photos/empty.txt',
      length: 0,
      importDisposition: 'overwrite',
      blobType: 'BlockBlob',
      blocks: [],
    },
    {
      blobPath: 'vhds/disk.vhd',
      filePath: 's1/vhds/disk.vhd',
      length: 1024,
      importDisposition: 'no-overwrite',
      blobType: 'PageBlob',
      blocks: [{ offset: 0, length: 1024, hash: H('C') }],
    },
  ],
};

describe('a path on the drive', () => {
  it('is refused with an empty, "." or ".." part (the first and last too) or a backslash, and taken otherwise', () => {
    const refused = ['', '/', 'a/', '/a', 'a//b', '.', '..', './a', 'a/.', 'a/./b', 'a/../b', '../a', 'a/..', 'a\\b'];
    const taken = ['a', 's1/a.txt', 'a/b/c', '...', 'a/.../b', '.a/b.', 'a..b/..c', 'a /b'];
    for (const p of refused) expect(isDrivePath(p), p).toBe(false);
    for (const p of taken) expect(isDrivePath(p), p).toBe(true);
  });
});

describe('DriveManifest.xml', () => {
  it('round-trips every field, including names with XML special characters and empty blobs', () => {
    const xml = serializeDriveManifest(sample);
    expect(xml).toContain('<DriveManifest Version="2014-11-01">');
    expect(xml).toContain('<PageRange Offset="0" Length="1024"');
    expect(xml).toContain(`<Block Offset="${BLOCK_SIZE}" Length="10" Hash="${H('B')}"`);
    expect(parseDriveManifest(xml)).toEqual(sample);
  });

  it('round-trips a drive with no blobs', () => {
    const m: DriveManifest = { version: '2014-11-01', driveId: 'X1', blobs: [] };
    expect(parseDriveManifest(serializeDriveManifest(m))).toEqual(m);
  });

  it('reads a single blob with a single block (no array collapse)', () => {
    const m: DriveManifest = { version: '2014-11-01', driveId: 'X1', blobs: [sample.blobs[2]!] };
    expect(
      parseDriveManifest(serializeDriveManifest({ ...m, blobs: [{ ...sample.blobs[2]!, blobType: 'BlockBlob' }] }))
        .blobs[0]!.blocks,
    ).toHaveLength(1);
  });

  it('names the element at fault', () => {
    const xml = serializeDriveManifest(sample);
    expect(() => parseDriveManifest(xml.replace('<Length>1024</Length>', ''))).toThrow(/<Length>/);
    expect(() => parseDriveManifest(xml.replace(`Hash="${H('B')}"`, 'Hash="abc"'))).toThrow(/Hash="abc".*Block/);
    expect(() => parseDriveManifest(xml.replace('<DriveId>WD-WCC4E1234567</DriveId>', ''))).toThrow(/<DriveId>/);
    expect(() => parseDriveManifest(xml.replace('>rename<', '>replace<'))).toThrow(/<ImportDisposition>/);
    expect(() => parseDriveManifest(xml.replace('Version="2014-11-01"', 'Version="1999"'))).toThrow(/Version/);
    expect(() => parseDriveManifest(xml.replace(`Length="10"`, 'Length="11"'))).toThrow(/blocks cover/);
    expect(() => parseDriveManifest('<nope')).toThrow(/DriveManifest/);
  });
});

describe('DriveManifest.xml in the documented 2014-11-01 format', () => {
  it('writes only the documented elements: no <BlobType>, FilePath as \\folder\\file from the drive root', () => {
    const xml = serializeDriveManifest(sample);
    expect(xml).not.toContain('<BlobType>');
    expect(xml).toContain('<FilePath>\\s1\\photos\\2024\\a &amp; b &lt;1&gt;.jpg</FilePath>');
    expect(xml).not.toMatch(/<FilePath>[^<]*\//);
    // each blob's elements in the documented order
    const blob = xml.slice(xml.indexOf('<Blob>'), xml.indexOf('</Blob>'));
    const tags = [...blob.matchAll(/<(\w+)[ >/]/g)].map((m) => m[1]);
    expect(tags).toEqual([
      'Blob',
      'BlobPath',
      'FilePath',
      'Length',
      'ImportDisposition',
      'BlockList',
      'Block',
      'Block',
    ]);
  });

  it('writes one <BlobList> per copy session', () => {
    const two: DriveManifest = {
      ...sample,
      blobs: [...sample.blobs, { ...sample.blobs[1]!, blobPath: 'photos/later.txt', filePath: 's2/photos/later.txt' }],
    };
    const xml = serializeDriveManifest(two);
    expect(xml.match(/<BlobList>/g)).toHaveLength(2);
    expect(parseDriveManifest(xml)).toEqual(two);
  });

  it('writes a metadata and a properties file as MetadataPath and PropertiesPath with their MD5, after the block list', () => {
    const m: DriveManifest = {
      ...sample,
      blobs: [
        {
          ...sample.blobs[1]!,
          metadata: { path: 's1/.haul-sidecars/M.metadata.xml', hash: H('D') },
          properties: { path: 's1/.haul-sidecars/P.properties.xml', hash: H('E') },
        },
      ],
    };
    const xml = serializeDriveManifest(m);
    expect(xml).toMatch(
      /<BlockList\/>\n\s*<MetadataPath Hash="D{32}">\\s1\\.haul-sidecars\\M.metadata.xml<\/MetadataPath>\n\s*<PropertiesPath Hash="E{32}">/,
    );
    expect(parseDriveManifest(xml)).toEqual(m);
  });

  it('reads a manifest written by hand from the format description (optional elements, ids, list-wide metadata, page-range gaps)', () => {
    const m = parseDriveManifest(fixture('documented-drive/DriveManifest.xml'));
    expect(m.driveId).toBe('DOC-DRIVE-1');
    expect(m.blobs.map((b) => [b.blobPath, b.filePath, b.blobType, b.importDisposition])).toEqual([
      ['photos/a.txt', 's1/photos/a.txt', 'BlockBlob', 'rename'],
      ['photos/notes/empty.txt', 's1/photos/notes/empty.txt', 'BlockBlob', 'overwrite'],
      ['vhds/disk.vhd', 's1/vhds/disk.vhd', 'PageBlob', 'no-overwrite'],
      ['docs/c.txt', 's2/docs/c.txt', 'BlockBlob', 'rename'],
    ]);
    expect(m.blobs[0]!.clientData).toBe('the first file');
    // the list's metadata file applies to each of its blobs; a blob's own properties file to that blob
    expect(m.blobs.slice(0, 3).map((b) => b.metadata?.path)).toEqual(Array(3).fill('sidecars/photos.metadata.xml'));
    expect(m.blobs[3]!.metadata).toBeUndefined();
    expect(m.blobs[0]!.properties).toEqual({
      path: 'sidecars/a.properties.xml',
      hash: '8D55BE91E63102E4BB224E156982D9EE',
    });
    expect(m.blobs[3]!.blocks.map((k) => k.id)).toEqual(['YmxvY2stMDAwMA==', 'YmxvY2stMDAwMQ==']);
    expect(m.blobs[2]!.blocks.map((k) => k.offset)).toEqual([0, 1024]);
  });

  it.each([
    ['blob-type', /<BlobType>, which is not part of the format.*<BlockList>.*<PageRangeList>/],
    ['forward-slash', /<FilePath> "\\s1\/photos\/a.txt" in <Blob> #1 of <BlobList> #1 \(photos\/a.txt\) uses "\/"/],
    ['relative-path', /<FilePath> "s1\\photos\\a.txt" .* does not start with "\\"/],
    ['leaves-drive', /<FilePath> .*"\.\." part/],
    ['missing-hash', /attribute Hash .* is missing on <Block> #1 of <Blob> #1/],
    ['wrong-order', /<FilePath> in <Blob> #1 of <BlobList> #1 comes after <Length>; the format fixes the order/],
    ['unknown-element', /has an element <ContentMD5>, which is not part of the format/],
    ['metadata-without-hash', /attribute Hash .* is missing on <MetadataPath>/],
  ])('refuses %s, naming the element and the blob', (name, message) => {
    expect(() => parseDriveManifest(fixture(`manifest-invalid/${name}.xml`))).toThrow(message);
  });

  it('refuses page ranges that overlap and blocks that leave a gap', () => {
    const page = { ...sample.blobs[2]!, length: 2048 };
    expect(() =>
      serializeDriveManifest({
        ...sample,
        blobs: [
          {
            ...page,
            blocks: [
              { offset: 0, length: 1024, hash: H('C') },
              { offset: 512, length: 512, hash: H('C') },
            ],
          },
        ],
      }),
    ).toThrow(/page range 1 starts at 512, inside the range before it/);
    const xml = serializeDriveManifest(sample).replace(`Offset="${BLOCK_SIZE}"`, `Offset="${BLOCK_SIZE + 1}"`);
    expect(() => parseDriveManifest(xml)).toThrow(/block 1 starts at .*no gap/);
  });
});

describe('HaulDrive.json and DriveInfo', () => {
  it('round-trips the drive header and refuses a bad hash', () => {
    const h = {
      format: 'haul-drive' as const,
      driveId: 'D1',
      jobName: 'job1',
      sessionIds: ['s1'],
      createdAt: 1700000000000,
      manifestHash: H('0'),
    };
    expect(parseDriveHeader(serializeDriveHeader(h))).toEqual(h);
    expect(() => parseDriveHeader(JSON.stringify({ ...h, manifestHash: 'x' }))).toThrow(/manifestHash/);
    expect(() => parseDriveHeader('{')).toThrow(/HaulDrive.json/);
  });
  it('round-trips DriveInfo', () => {
    const d = {
      driveId: 'D1',
      bitLockerKey: '123456-654321',
      manifestFile: '\\DriveManifest.xml',
      manifestHash: H('F'),
    };
    expect(parseDriveInfo(serializeDriveInfo(d))).toEqual(d);
  });
});

describe('metadata and properties files', () => {
  it('reads the documented shapes', () => {
    expect(parseMetadataFile(fixture('documented-drive/sidecars/photos.metadata.xml'), 'm.xml')).toEqual({
      Camera: 'Fujifilm X100',
      Album: 'Summer 2024',
    });
    expect(parsePropertiesFile(fixture('documented-drive/sidecars/a.properties.xml'), 'p.xml')).toEqual({
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Language': 'en',
      'Cache-Control': 'max-age=3600',
    });
  });

  it.each([
    ['<Meta><A>1</A></Meta>', /m.xml must have one root element <Metadata>; it has <Meta>/],
    ['<Metadata><a-b>1</a-b></Metadata>', /metadata name <a-b> is not allowed/],
    ['<Metadata><Camera>1</Camera><camera>2</camera></Metadata>', /<camera> is given twice/],
    ['<Metadata><A><B>1</B></A></Metadata>', /<A> in <Metadata> must hold text/],
    ['<Metadata><A>caf\u00e9</A></Metadata>', /only printable ASCII/],
    [`<Metadata><A>${'x'.repeat(8200)}</A></Metadata>`, /add up to 8201 bytes; storage allows 8192/],
    ['<!DOCTYPE m [<!ENTITY e "x">]><Metadata><A>&e;</A></Metadata>', /<!DOCTYPE> declaration, which is not allowed/],
  ])('refuses the metadata file %#, naming the file and the element', (xml, message) => {
    expect(() => parseMetadataFile(xml, 'm.xml')).toThrow(message);
  });

  it.each([
    ['<Properties><Etag>"1"</Etag></Properties>', /<Etag> is set by storage/],
    [
      '<Properties><Content-Disposition>x</Content-Disposition></Properties>',
      /<Content-Disposition> is not a blob property/,
    ],
    ['<Properties><Content-MD5>ABC</Content-MD5></Properties>', /<Content-MD5> "ABC" is not an MD5 in Base64/],
    ['<Properties><Content-Type>a</Content-Type><Content-Type>b</Content-Type></Properties>', /given twice/],
  ])('refuses the properties file %#, naming the file and the element', (xml, message) => {
    expect(() => parsePropertiesFile(xml, 'p.xml')).toThrow(message);
  });

  it('refuses a manifest with a document type declaration', () => {
    const xml = serializeDriveManifest(sample).replace(
      '<DriveManifest',
      '<!DOCTYPE d [<!ENTITY e "x">]>\n<DriveManifest',
    );
    expect(() => parseDriveManifest(xml)).toThrow(/DriveManifest.xml has a <!DOCTYPE> declaration/);
  });
});

describe('rewriting the manifest of a drive another journal also wrote', () => {
  const work = mkdtempSync(join(tmpdir(), 'haul-manifest-'));
  const drives = makeDrives(work, 1, 16);
  const root = drives.mounts[0]!;
  afterAll(() => {
    drives.cleanup();
    rmSync(work, { recursive: true, force: true });
  });
  const record: FileRecord = {
    t: 'file',
    s: 's1',
    blob: 'photos/new.txt',
    src: '/src/new.txt',
    size: 3,
    mtime: 0,
    drive: 'D1',
    path: 's1/photos/new.txt',
    disp: 'rename',
    type: 'BlockBlob',
    md5: H('1'),
    blocks: H('1'),
  };
  const opts = {
    driveId: 'D1',
    jobName: 'job1',
    records: [record],
    knownSessions: new Set(['s1']),
    newSessions: ['s1'],
  };
  const header = (sessionIds: string[]) =>
    writeFileSync(
      join(root, HEADER_FILE),
      serializeDriveHeader({
        format: 'haul-drive',
        driveId: 'D1',
        jobName: 'job1',
        sessionIds,
        createdAt: 1,
        manifestHash: H('0'),
      }),
    );

  it("keeps the blobs of a session an earlier Haul wrote (with <BlobType> and '/' paths)", async () => {
    drives.clear();
    writeFileSync(
      join(root, MANIFEST_FILE),
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<DriveManifest Version="2014-11-01">',
        '  <Drive>',
        '    <DriveId>D1</DriveId>',
        '    <BlobList>',
        '      <Blob>',
        '        <BlobPath>photos/old.txt</BlobPath>',
        '        <FilePath>s0/photos/old.txt</FilePath>',
        '        <Length>3</Length>',
        '        <ImportDisposition>rename</ImportDisposition>',
        '        <BlobType>BlockBlob</BlobType>',
        '        <BlockList>',
        `          <Block Offset="0" Length="3" Hash="${H('2')}"/>`,
        '        </BlockList>',
        '      </Blob>',
        '    </BlobList>',
        '  </Drive>',
        '</DriveManifest>',
        '',
      ].join('\n'),
    );
    header(['s0']);
    await writeDriveRoot(root, { ...opts, generatedId: false, now: 2 });
    const xml = readFileSync(join(root, MANIFEST_FILE), 'utf8');
    expect(xml).not.toContain('<BlobType>');
    expect(parseDriveManifest(xml).blobs.map((b) => b.filePath)).toEqual(['s0/photos/old.txt', 's1/photos/new.txt']);
  });

  it('refuses to drop the blobs of another journal when the manifest is damaged, naming the sessions', async () => {
    drives.clear();
    writeFileSync(join(root, MANIFEST_FILE), '<DriveManifest Version="2014-11-01"><Drive><Drive');
    header(['s0', 's1']);
    await expect(writeDriveRoot(root, { ...opts, generatedId: false, now: 2 })).rejects.toThrow(
      /lists session s0 that this journal did not write.*Restore the manifest/,
    );
    expect(readFileSync(join(root, MANIFEST_FILE), 'utf8')).toContain('<Drive><Drive');
  });
});

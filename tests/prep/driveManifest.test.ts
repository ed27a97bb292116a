import { describe, expect, it } from 'vitest';
import {
  BLOCK_SIZE,
  parseDriveManifest,
  serializeDriveManifest,
  parseDriveHeader,
  serializeDriveHeader,
  serializeDriveInfo,
  parseDriveInfo,
  type DriveManifest,
} from '../../shared/formats/driveManifest';

const H = (c: string) => c.repeat(32);

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

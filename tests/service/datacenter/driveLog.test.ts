// The DriveLog XML format and the blob-list XML (pure; no storage needed), and sandbox BitLocker keys.
import { describe, expect, it } from 'vitest';
import { generateBitLockerKey, isBitLockerKey } from '../../../service/datacenter';
import {
  driveLogBlobName,
  errorView,
  parseBlobList,
  parseDriveLog,
  serializeBlobList,
  serializeDriveLog,
  type DriveLog,
} from '../../../shared/formats/driveLog';

const sample: DriveLog = {
  version: '2014-11-01',
  driveId: 'WD-WCC4E0123456',
  status: 'CompletedWithErrors',
  blobs: [
    {
      status: 'CompletedWithErrors',
      blobPath: 'photos/a & b <1>.jpg',
      filePath: 's1/photos/a & b <1>.jpg',
      length: 5000000,
      importDisposition: { value: 'rename', status: 'Created' },
      blobType: 'BlockBlob',
      blocks: [
        { offset: 0, length: 4194304, id: 'aWQw', hash: '00112233445566778899AABBCCDDEEFF', status: 'Uncommitted' },
        {
          offset: 4194304,
          length: 805696,
          id: 'aWQx',
          hash: 'FFEEDDCCBBAA99887766554433221100',
          status: 'Md5Mismatch',
        },
      ],
      message: 'Blob photos/a & b <1>.jpg was not imported: block 1 is corrupt.',
    },
    {
      status: 'Completed',
      blobPath: 'photos/x.jpg',
      filePath: 's1/photos/x.jpg',
      length: 3,
      importDisposition: { value: 'rename', status: 'Renamed' },
      importedAs: 'photos/x (1).jpg',
      blobType: 'BlockBlob',
      blocks: [{ offset: 0, length: 3, id: 'aWQw', hash: '00112233445566778899AABBCCDDEEFF', status: 'Completed' }],
    },
    {
      status: 'Completed',
      blobPath: 'vhd/d.vhd',
      filePath: 's1/vhd/d.vhd',
      length: 512,
      importDisposition: { value: 'overwrite', status: 'Created' },
      blobType: 'PageBlob',
      blocks: [{ offset: 0, length: 512, hash: '00112233445566778899AABBCCDDEEFF', status: 'Completed' }],
    },
  ],
};

describe('DriveLog XML', () => {
  it('G4: serializes in the documented shape and parses back to the same log (special characters escaped)', () => {
    const xml = serializeDriveLog(sample);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\s*<DriveLog Version="2014-11-01">/);
    expect(xml).toContain('<Blob Status="CompletedWithErrors">');
    expect(xml).toContain('<ImportDisposition Status="Renamed">rename</ImportDisposition>');
    expect(xml).toMatch(
      /<Block Offset="4194304" Length="805696" Id="aWQx" Hash="FFEEDDCCBBAA99887766554433221100" Status="Md5Mismatch"\/>/,
    );
    expect(xml).toContain('<PageRangeList>');
    expect(xml).toContain('a &amp; b &lt;1&gt;.jpg');
    expect(xml).toMatch(/<Status>CompletedWithErrors<\/Status>\s*<\/DriveLog>/);
    expect(parseDriveLog(xml)).toEqual(sample);
  });

  it('the error view keeps only blobs with issues and only their failed blocks', () => {
    const v = errorView(sample);
    expect(v.blobs.map((b) => b.blobPath)).toEqual(['photos/a & b <1>.jpg', 'photos/x.jpg']);
    expect(v.blobs[0]?.blocks.map((b) => b.status)).toEqual(['Md5Mismatch']);
    expect(v.blobs[1]?.blocks).toEqual([]);
  });

  it('a log with no blobs round-trips', () => {
    const log: DriveLog = {
      version: '2014-11-01',
      driveId: 'DRV-1',
      status: 'ManifestNotFound',
      blobs: [],
      message: 'No DriveManifest.xml on /mnt/d1.',
    };
    expect(parseDriveLog(serializeDriveLog(log))).toEqual(log);
  });

  it('parse errors name the element at fault', () => {
    expect(() => parseDriveLog('<DriveLog Version="2014-11-01"><Status>Completed</Status></DriveLog>')).toThrow(
      /<DriveId>/,
    );
    expect(() => parseDriveLog('<DriveLog Version="1999"><DriveId>x</DriveId></DriveLog>')).toThrow(/Version="1999"/);
    expect(() =>
      parseDriveLog(
        '<DriveLog Version="2014-11-01"><DriveId>x</DriveId><BlobList><Blob Status="Completed"><BlobPath>c/b</BlobPath><Length>ten</Length></Blob></BlobList><Status>Completed</Status></DriveLog>',
      ),
    ).toThrow(/<Length> in <Blob> #1.*"ten"/);
    expect(() => parseDriveLog('<DriveLog Version="2014-11-01"><DriveId>x</DriveId></DriveLog>')).toThrow(/<Status>/);
    expect(() => parseDriveLog('<DriveLog')).toThrow(/not well-formed/);
  });

  it('reads status codes this sandbox never writes (logs from the real service)', () => {
    const log = parseDriveLog(
      '<DriveLog Version="2014-11-01"><DriveId>x</DriveId><BlobList><Blob Status="BlobRequestForbidden"><BlobPath>c/b</BlobPath><FilePath>f</FilePath><Length>1</Length></Blob></BlobList><Status>BitLockerUnlockVolumeFailed</Status></DriveLog>',
    );
    expect(log.status).toBe('BitLockerUnlockVolumeFailed');
    expect(log.blobs[0]?.status).toBe('BlobRequestForbidden');
    // Older logs put <Blob> directly under <DriveLog>.
    const old = parseDriveLog(
      '<DriveLog Version="2014-11-01"><DriveId>y</DriveId><Blob Status="CompletedWithErrors"><BlobPath>p/k.jpg</BlobPath><FilePath>\\animals\\k.jpg</FilePath><Length>10</Length><BlockList><Block Offset="0" Length="10" Id="AAAAAA==" Hash="9C8AE14A55241F98533C4D80D85CDC68" Status="Corrupted"/></BlockList></Blob><Status>CompletedWithErrors</Status></DriveLog>',
    );
    expect(old.blobs[0]).toMatchObject({
      blobPath: 'p/k.jpg',
      blocks: [{ offset: 0, length: 10, status: 'Corrupted' }],
    });
  });

  it('names log blobs like the service: <driveId>_<yyyyMMdd-HHmmss-fff>_<kind>.xml in UTC', () => {
    expect(driveLogBlobName('9WM35C2V', Date.UTC(2013, 8, 21, 3, 43, 7, 902), 'error')).toBe(
      '9WM35C2V_20130921-034307-902_error.xml',
    );
    expect(driveLogBlobName('9WM35C2V', Date.UTC(2013, 8, 21, 3, 43, 7, 902), 'verbose')).toBe(
      '9WM35C2V_20130921-034307-902_verbose.xml',
    );
  });
});

describe('blob list XML', () => {
  it('round-trips paths and prefixes', () => {
    const xml = serializeBlobList({ blobPath: ['/c/a.txt', '/c/b & c.txt'], blobPathPrefix: ['/logs/'] });
    expect(parseBlobList(xml)).toEqual({ blobPath: ['/c/a.txt', '/c/b & c.txt'], blobPathPrefix: ['/logs/'] });
    expect(parseBlobList('<BlobList><BlobPath>/only/one</BlobPath></BlobList>')).toEqual({
      blobPath: ['/only/one'],
      blobPathPrefix: [],
    });
    expect(() => parseBlobList('<Nope/>')).toThrow(/<BlobList>/);
  });
});

describe('BitLocker recovery keys (sandbox)', () => {
  it('are 48 digits in 8 groups of 6, each divisible by 11, and differ per drive', () => {
    const keys = Array.from({ length: 50 }, generateBitLockerKey);
    for (const k of keys) {
      expect(k).toMatch(/^\d{6}(-\d{6}){7}$/);
      expect(isBitLockerKey(k)).toBe(true);
    }
    expect(new Set(keys).size).toBe(50);
    expect(isBitLockerKey('123456-123456-123456-123456-123456-123456-123456-123456')).toBe(false);
  });
});

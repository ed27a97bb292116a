// DriveLog -> rows for the log viewer: one row per blob, its status and message, the failed
// blocks, and the customer's own source file when Haul knows it.
import { describe, expect, it } from 'vitest';
import { serializeDriveLog } from '../../shared/formats/driveLog';
import { readDriveLog } from '../../shared/jobs';

const xml = serializeDriveLog({
  driveId: 'WD1',
  status: 'CompletedWithErrors',
  blobs: [
    {
      status: 'Completed',
      blobPath: 'photos/ok.jpg',
      filePath: 's1/photos/ok.jpg',
      length: 10,
      blocks: [{ offset: 0, length: 10, status: 'Completed' }],
    },
    {
      status: 'CompletedWithErrors',
      blobPath: 'photos/bad.jpg',
      filePath: 's1/photos/bad.jpg',
      length: 8_388_608,
      blocks: [
        { offset: 0, length: 4_194_304, status: 'Completed' },
        { offset: 4_194_304, length: 4_194_304, status: 'Md5Mismatch' },
      ],
      message: 'Block 2 did not match its MD5: the file changed after the drive was prepared.',
    },
    {
      status: 'Completed',
      blobPath: 'photos/again.jpg',
      filePath: 's1/photos/again.jpg',
      length: 5,
      importDisposition: { value: 'rename', status: 'Renamed' },
      importedAs: 'photos/again (1).jpg',
    },
    { status: 'FileNotFound', blobPath: 'docs/gone.pdf', filePath: 's1/docs/gone.pdf', length: 3 },
  ],
});

describe('DriveLog rows', () => {
  it('D7: lists every blob with its status code and message, flags the ones with issues, and counts failed blocks', () => {
    const log = readDriveLog(xml, { name: 'photos', driveId: 'WD1', kind: 'verbose' });
    expect(log).toMatchObject({
      name: 'photos',
      driveId: 'WD1',
      kind: 'verbose',
      status: 'CompletedWithErrors',
      issues: 3,
    });
    expect(log.rows.map((r) => [r.blobPath, r.status, r.issue])).toEqual([
      ['photos/ok.jpg', 'Completed', false],
      ['photos/bad.jpg', 'CompletedWithErrors', true],
      ['photos/again.jpg', 'Completed', true],
      ['docs/gone.pdf', 'FileNotFound', true],
    ]);
    expect(log.rows[1]).toMatchObject({ failedBlocks: 1, message: expect.stringContaining('MD5') });
    expect(log.rows[2]).toMatchObject({ disposition: 'Renamed', importedAs: 'photos/again (1).jpg' });
  });

  it("maps a blob to the customer's source file when the prep journal knows it, else leaves the drive path", () => {
    const log = readDriveLog(xml, { name: 'photos', driveId: 'WD1', kind: 'error' }, ({ blobPath }) =>
      blobPath === 'photos/bad.jpg' ? '/home/ada/Pictures/bad.jpg' : undefined,
    );
    expect(log.rows[1]?.sourcePath).toBe('/home/ada/Pictures/bad.jpg');
    expect(log.rows[3]?.sourcePath).toBeUndefined();
    expect(log.rows[3]?.filePath).toBe('s1/docs/gone.pdf');
  });

  it('says which element is wrong when the log is damaged', () => {
    expect(() =>
      readDriveLog('<DriveLog Version="2014-11-01"><Status>Completed</Status></DriveLog>', {
        name: 'p',
        driveId: 'WD1',
        kind: 'error',
      }),
    ).toThrow(/DriveId/);
  });
});

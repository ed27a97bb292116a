// The completion report's rules (pure), for the endings the end-to-end test does not play: a drive
// Haul did not prepare (only its log's files are known), a cancelled job (J14), a drive the data
// center could not read, the dispositions (renamed, skipped), the CSV a spreadsheet opens safely,
// and the re-send draft's name.
import { describe, expect, it } from 'vitest';
import type { ArmJob } from '../../shared/arm/schemas';
import { parseDriveLog, serializeDriveLog, type DriveLogInput } from '../../shared/formats/driveLog';
import { buildJobView, observe, summariseDriveLog, type JobRecord } from '../../shared/jobs';
import { buildReport, type DriveFile } from '../../shared/report/build';
import { csvCell, reportCsv, resendDatasetCsv } from '../../shared/report/csv';
import { resendJobName } from '../../shared/report/resend';
import { parseDataset } from '../../shared/formats/dataset';

const T0 = new Date('2026-12-01T10:00:00Z');
const LOG = (id: string) => `http://127.0.0.1:10000/haulsandbox/waimportexport/${id}_20261201-100000-000_error.xml`;

interface DriveIn {
  driveId: string;
  state: string;
  bytesSucceeded?: number;
  errorLogUri?: string;
}

function job(state: string, drives: DriveIn[], cancel = false): ArmJob {
  return {
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/photos',
    name: 'photos',
    type: 'Microsoft.ImportExport/jobs',
    location: 'Sandbox West',
    properties: {
      storageAccountId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/haulsandbox',
      jobType: 'Import',
      logLevel: 'Error',
      state,
      cancelRequested: cancel,
      percentComplete: 100,
      driveList: drives.map((d) => ({
        driveId: d.driveId,
        state: d.state,
        bytesSucceeded: d.bytesSucceeded ?? 0,
        percentComplete: 100,
        ...(d.errorLogUri ? { errorLogUri: d.errorLogUri } : {}),
      })),
      provisioningState: 'Succeeded',
    },
    systemData: {
      createdBy: 'x',
      createdAt: T0.toISOString(),
      lastModifiedBy: 'x',
      lastModifiedAt: T0.toISOString(),
    },
  };
}

function logOf(driveId: string, blobs: DriveLogInput['blobs'], status = 'CompletedWithErrors') {
  return parseDriveLog(serializeDriveLog({ driveId, status: status as DriveLogInput['status'], blobs }));
}

function viewOf(j: ArmJob, logs: Record<string, ReturnType<typeof logOf>> = {}) {
  let r: JobRecord = observe(undefined, j, T0);
  for (const [id, log] of Object.entries(logs))
    r = { ...r, drives: { ...r.drives, [id]: { ...r.drives[id]!, log: summariseDriveLog(log, LOG(id)) } } };
  return buildJobView(j, r, new Date(T0.getTime() + 60_000));
}

const file = (blobPath: string, length: number, src?: string): DriveFile => ({
  blobPath,
  filePath: `s1/${blobPath}`,
  length,
  blobType: 'BlockBlob',
  disposition: 'rename',
  ...(src ? { sourcePath: src } : {}),
});

const failedBlob = (blobPath: string, length: number) => ({
  status: 'CompletedWithErrors' as const,
  blobPath,
  filePath: `s1/${blobPath}`,
  length,
  importDisposition: { value: 'rename' as const, status: 'Created' as const },
  blocks: [{ offset: 0, length, hash: 'AB', status: 'Md5Mismatch' as const }],
});

describe('the report of a drive Haul did not prepare', () => {
  it('lists the files its error log names, says every other file was imported, and cannot send them again', () => {
    const log = logOf('OTHER1', [failedBlob('photos/x.jpg', 500)]);
    const v = viewOf(
      job('Closed', [{ driveId: 'OTHER1', state: 'ShippedBack', bytesSucceeded: 9500, errorLogUri: LOG('OTHER1') }]),
      {
        OTHER1: log,
      },
    );
    const { report, rows } = buildReport(v, [{ driveId: 'OTHER1', log }], T0);
    expect(rows.map((r) => [r.blobPath, r.outcome.kind, r.outcome.reason, r.sourcePath])).toEqual([
      ['photos/x.jpg', 'failed', 'Md5Mismatch', undefined],
    ]);
    expect(report.drives[0]).toMatchObject({ files: 'log', totals: { failed: { files: 1 }, resendable: 0 } });
    expect(report.drives[0]!.notes[0]).toContain('every other file of the drive was imported (9.50 kB in all)');
    expect(report.notes[0]).toContain('1 file not imported cannot be sent again from Haul');
  });
});

describe('a cancelled job (J14)', () => {
  it('reads every file of a drive that was not copied as not imported because the import was cancelled', () => {
    const v = viewOf(job('Completed', [{ driveId: 'CANC1', state: 'ShippedBack' }], true));
    const { report, rows } = buildReport(
      v,
      [
        {
          driveId: 'CANC1',
          files: { from: 'journal', list: [file('a/1.txt', 10, '/src/1.txt'), file('a/2.txt', 20, '/src/2.txt')] },
        },
      ],
      T0,
    );
    expect(report.verdict.kind).toBe('cancelled');
    expect(rows.map((r) => [r.blobPath, r.outcome.kind, r.outcome.reason])).toEqual([
      ['a/1.txt', 'failed', 'Cancelled'],
      ['a/2.txt', 'failed', 'Cancelled'],
    ]);
    expect(rows[0]!.outcome.text).toBe('Not imported: the import was cancelled.');
    expect(report.totals).toMatchObject({ imported: { files: 0 }, failed: { files: 2, bytes: 30 }, resendable: 2 });
  });
});

describe('a drive the data center could not read', () => {
  it('reads every file as not imported, with the drive-level reason', () => {
    const log = logOf('BADMAN1', [], 'ManifestCorrupted');
    const v = viewOf(job('Closed', [{ driveId: 'BADMAN1', state: 'ShippedBack', errorLogUri: LOG('BADMAN1') }]), {
      BADMAN1: log,
    });
    const { rows } = buildReport(
      v,
      [{ driveId: 'BADMAN1', files: { from: 'journal', list: [file('c/1.bin', 5, '/s/1.bin')] }, log }],
      T0,
    );
    expect(rows.map((r) => [r.outcome.kind, r.outcome.reason])).toEqual([['failed', 'ManifestCorrupted']]);
  });
});

describe('dispositions', () => {
  it('a renamed file counts as imported under its new name; a skipped one as not imported, not to send again', () => {
    const log = logOf(
      'DISP1',
      [
        {
          status: 'Completed',
          blobPath: 'p/a.jpg',
          filePath: 's1/p/a.jpg',
          length: 10,
          importDisposition: { value: 'rename', status: 'Renamed' },
          importedAs: 'p/a (1).jpg',
          blocks: [],
        },
        {
          status: 'Completed',
          blobPath: 'p/b.jpg',
          filePath: 's1/p/b.jpg',
          length: 20,
          importDisposition: { value: 'no-overwrite', status: 'Skipped' },
          blocks: [],
        },
      ],
      'CompletedWithWarnings',
    );
    const v = viewOf(
      job('Completed', [{ driveId: 'DISP1', state: 'ShippedBack', bytesSucceeded: 40, errorLogUri: LOG('DISP1') }]),
      {
        DISP1: log,
      },
    );
    const list = [file('p/a.jpg', 10, '/s/a.jpg'), file('p/b.jpg', 20, '/s/b.jpg'), file('p/c.jpg', 30, '/s/c.jpg')];
    const { report, rows } = buildReport(v, [{ driveId: 'DISP1', files: { from: 'journal', list }, log }], T0);
    expect(rows.map((r) => [r.blobPath, r.outcome.kind, r.importedAs])).toEqual([
      ['p/a.jpg', 'renamed', 'p/a (1).jpg'],
      ['p/b.jpg', 'skipped', undefined],
      ['p/c.jpg', 'imported', undefined],
    ]);
    expect(report.totals).toMatchObject({ imported: { files: 2, bytes: 40 }, skipped: { files: 1 }, resendable: 0 });
    const csv = reportCsv(rows, 'notImported').trim().split('\r\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(/^DISP1,Skipped,BlobExisted,\/s\/b\.jpg,p\/b\.jpg,/);
  });
});

describe('CSV', () => {
  it('quotes what must be quoted, and keeps a cell a spreadsheet would run as a formula as text', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell(42)).toBe('42');
  });

  it('the re-send dataset reads back as exactly the files given, each to its own blob', () => {
    const v = viewOf(job('Closed', [{ driveId: 'NR1', state: 'NeverReceived' }]));
    const { rows } = buildReport(
      v,
      [
        {
          driveId: 'NR1',
          files: {
            from: 'journal',
            list: [
              {
                ...file('vhds/disk.vhd', 1024, '/data/disk, "final".vhd'),
                blobType: 'PageBlob',
                disposition: 'overwrite',
              },
              file('photos/x.jpg', 5),
            ],
          },
        },
      ],
      T0,
    );
    const text = resendDatasetCsv(
      rows.map((row) => ({ row, propertiesFile: row.sourcePath ? '/meta/p.xml' : undefined })),
    );
    const entries = parseDataset(text);
    expect(entries).toEqual([
      {
        row: 2,
        basePath: '/data/disk, "final".vhd',
        isFolder: false,
        destination: 'vhds/disk.vhd',
        blobType: 'PageBlob',
        disposition: 'overwrite',
        propertiesFile: '/meta/p.xml',
      },
    ]);
  });
});

describe('the re-send job name', () => {
  it('adds -resend, then a number when taken, within 64 characters', () => {
    expect(resendJobName('photos', () => false)).toBe('photos-resend');
    expect(resendJobName('photos', (n) => n === 'photos-resend')).toBe('photos-resend2');
    const long = 'x'.repeat(64);
    expect(resendJobName(long, () => false)).toHaveLength(64);
    expect(resendJobName(long, () => false).endsWith('-resend')).toBe(true);
  });
});

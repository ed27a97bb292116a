// One verdict per job and per drive, from the facts: the endings a customer must be able to trust.
// Each ending is built from a Get Job answer as the service gives it, the record of what Haul saw,
// and the drive's error log as the data center writes it, then read the way every screen and
// notice reads it (buildJobView → verdict, nextStep, alerts; the tracker's diff → notices).
import { describe, expect, it } from 'vitest';
import type { ArmJob } from '../../shared/arm/schemas';
import { parseDriveLog, serializeDriveLog, type DriveLogInput } from '../../shared/formats/driveLog';
import {
  buildJobView,
  fileOutcome,
  JobView,
  observe,
  percentOf,
  readDriveLog,
  summariseDriveLog,
  type DriveLogSummary,
  type JobRecord,
} from '../../shared/jobs';
import { diffJob, observe as observeForNotices, type JobSnapshot } from '../../shared/notifications';

const T0 = new Date('2026-12-01T10:00:00Z');
const LOG = (id: string) => `https://127.0.0.1:10000/haulsandbox/waimportexport/${id}_20261201-100000-000_error.xml`;

interface DriveIn {
  driveId: string;
  state: string;
  bytesSucceeded?: number;
  percentComplete?: number;
  copyStatus?: string;
  errorLogUri?: string;
}

function job(state: string, drives: DriveIn[], o: { cancel?: boolean; percent?: number } = {}): ArmJob {
  return {
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/photos',
    name: 'photos',
    type: 'Microsoft.ImportExport/jobs',
    location: 'Sandbox West',
    properties: {
      storageAccountId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/haulsandbox',
      jobType: 'Import',
      returnAddress: {
        recipientName: 'Ada Example',
        streetAddress1: '1 Test Street',
        city: 'Sampleton',
        postalCode: '12345',
        countryOrRegion: 'Sandboxia',
        phone: '+00 555 0100',
        email: 'ada@example.com',
      },
      ...(state === 'Completed' || state === 'Closed'
        ? {
            returnPackage: {
              carrierName: 'FedEx',
              trackingNumber: 'RET-1',
              driveCount: drives.length,
              shipDate: '2026-12-20',
            },
          }
        : {}),
      logLevel: 'Error',
      state,
      cancelRequested: o.cancel ?? false,
      percentComplete: o.percent ?? (['Packaging', 'Completed', 'Closed'].includes(state) ? 100 : 0),
      driveList: drives.map((d) => ({
        driveId: d.driveId,
        state: d.state,
        bytesSucceeded: d.bytesSucceeded ?? 0,
        percentComplete:
          d.percentComplete ?? (['Completed', 'CompletedMoreInfo', 'ShippedBack'].includes(d.state) ? 100 : 0),
        ...(d.copyStatus ? { copyStatus: d.copyStatus } : {}),
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

/** Haul saw the job through `path` (each answer a step later), the last being `final`; logs counted as given. */
function record(steps: ArmJob[], logs: Record<string, DriveLogSummary> = {}): JobRecord {
  let r: JobRecord | undefined;
  steps.forEach((j, i) => (r = observe(r, j, new Date(T0.getTime() + i * 60_000))));
  for (const [id, log] of Object.entries(logs)) r!.drives[id] = { ...r!.drives[id]!, log };
  return r!;
}

function view(final: ArmJob, before: ArmJob[] = [], logs: Record<string, DriveLogSummary> = {}): JobView {
  const v = buildJobView(final, record([...before, final], logs), new Date(T0.getTime() + 3_600_000));
  expect(JobView.safeParse(v).success).toBe(true);
  return v;
}

/** A drive's error log as the data center writes it: `failed` blobs with a block that failed its MD5. */
function errorLog(driveId: string, failed: { blobPath: string; length: number }[], status = 'CompletedWithErrors') {
  const doc: DriveLogInput = {
    driveId,
    status: status as DriveLogInput['status'],
    blobs: failed.map((f) => ({
      status: 'CompletedWithErrors',
      blobPath: f.blobPath,
      filePath: `s1/${f.blobPath}`,
      length: f.length,
      importDisposition: { value: 'rename', status: 'Created' },
      blocks: [{ offset: 0, length: Math.min(f.length, 4194304), hash: 'AB', status: 'Md5Mismatch' }],
      message: `Blob ${f.blobPath} was not imported: block 0 has MD5 CD but the manifest says AB: the data on the drive is corrupt. No part of it was committed.`,
    })),
  };
  return summariseDriveLog(parseDriveLog(serializeDriveLog(doc)), LOG(driveId));
}

const shipping = (drives: DriveIn[]) =>
  job(
    'Shipping',
    drives.map((d) => ({ driveId: d.driveId, state: 'Specified' })),
  );

describe('the failed-MD5 ending (D7, J11)', () => {
  // The drive the customer saw: 188,499,751 of its manifest's 219,957,031 bytes imported, one
  // 31,457,280-byte file (30 MiB) failed its MD5 and was not imported.
  const FAILED = 219_957_031 - 188_499_751;
  const drive = {
    driveId: 'WDPHOTO1',
    state: 'ShippedBack',
    bytesSucceeded: 188_499_751,
    copyStatus: 'CompletedWithErrors: 324 of 325 blobs imported (188499751 bytes), 1 failed; see the error log',
    errorLogUri: LOG('WDPHOTO1'),
  };
  const log = errorLog('WDPHOTO1', [{ blobPath: 'photos/2019/raw/IMG_0412.CR2', length: FAILED }]);
  const closed = view(
    job('Closed', [drive]),
    [shipping([drive]), job('Packaging', [{ ...drive, state: 'CompletedMoreInfo' }])],
    { WDPHOTO1: log },
  );

  it('D7: the drive is not "Copied 100 %": 188,499,751 of 219,957,031 bytes is 85 %, imported with errors', () => {
    const d = closed.drives[0]!;
    expect(d.verdict).toMatchObject({
      kind: 'importedWithErrors',
      final: true,
      tone: 'danger',
      label: 'Imported with errors',
      bytes: { succeeded: 188_499_751, total: 219_957_031 },
      progress: { percent: 85, text: '85 % copied' },
      rule: 'D7',
    });
    expect(d.verdict.headline).toBe('1 file (31.5 MB) of drive WDPHOTO1 was not imported; 188 MB of 220 MB imported.');
    expect(d.verdict.why).toMatch(/^1 file not imported because its data on the drive does not match the MD5/);
    expect(d.percentComplete).toBe(100); // the service's own figure, which the screens no longer show as "copied"
  });

  it('J11: the job says what was not imported and what to do, never "Nothing left to do"; the D7 banner stays after the drive is shipped back', () => {
    expect(closed.verdict).toMatchObject({ kind: 'importedWithErrors', tone: 'danger', progress: { percent: 85 } });
    expect(closed.verdict.headline).toContain('1 file (31.5 MB) of drive WDPHOTO1 was not imported');
    expect(closed.verdict.why).toContain('rule J11');
    expect(closed.nextStep).toMatchObject({ actor: 'customer', action: 'logs', rule: 'D7' });
    expect(closed.nextStep.text).toBe('Send the 1 file not imported again: the error log of drive WDPHOTO1 names them');
    expect(closed.alerts.find((a) => a.id === 'D7:WDPHOTO1')).toMatchObject({
      severity: 'error',
      title: 'Drive WDPHOTO1: imported with errors',
    });
  });

  it('D7: until its error log is read, a shipped-back drive with issues is "checking", never "imported"', () => {
    const v = view(job('Closed', [drive]), [shipping([drive])]);
    expect(v.drives[0]!.verdict).toMatchObject({ kind: 'checking', final: false });
    expect(v.drives[0]!.verdict.progress.percent).toBeUndefined();
    expect(v.verdict.kind).toBe('checking');
    expect(v.nextStep.actor).not.toBe('nobody');
  });

  it('D7: a log that could not be read is said, and the verdict still waits for it', () => {
    const j = job('Closed', [drive]);
    const v = buildJobView(j, record([j]), T0, {
      logErrors: { WDPHOTO1: 'its error log could not be read (timeout).' },
    });
    expect(v.drives[0]!.verdict.headline).toContain('could not read the error log of drive WDPHOTO1');
    expect(v.verdict.kind).toBe('checking');
  });

  it('D7: a drive whose every file failed is not imported at all', () => {
    const all = errorLog('WDBAD', [
      { blobPath: 'a/1.bin', length: 10 },
      { blobPath: 'a/2.bin', length: 20 },
    ]);
    const d = { driveId: 'WDBAD', state: 'ShippedBack', bytesSucceeded: 0, errorLogUri: LOG('WDBAD') };
    const v = view(job('Closed', [d]), [shipping([d])], { WDBAD: all });
    expect(v.drives[0]!.verdict).toMatchObject({
      kind: 'notImported',
      label: 'Not imported',
      progress: { percent: 0 },
    });
    expect(v.verdict).toMatchObject({ kind: 'notImported', label: 'Not imported' });
  });
});

describe('the NeverReceived ending (D4, J11)', () => {
  const good = { driveId: 'WDGOOD1', state: 'ShippedBack', bytesSucceeded: 5_000_000, copyStatus: 'Completed' };
  const lost = { driveId: 'WDLOST1', state: 'NeverReceived' };
  const closed = view(job('Closed', [good, lost]), [shipping([good, lost])]);

  it('D4: the missing drive is "Never arrived", none of its files imported; the job is partly imported, not 100 %', () => {
    expect(closed.drives.find((d) => d.driveId === 'WDLOST1')!.verdict).toMatchObject({
      kind: 'notImported',
      label: 'Never arrived',
      rule: 'D4',
      tone: 'danger',
    });
    expect(closed.verdict).toMatchObject({
      kind: 'partlyImported',
      label: 'Partly imported',
      tone: 'danger',
      progress: { text: '1 of 2 drives imported' },
    });
    expect(closed.verdict.progress.percent).toBeUndefined();
    expect(closed.verdict.headline).toBe(
      '1 drive of 2 was not imported (WDLOST1: never arrived); every file of drive WDGOOD1 was imported.',
    );
    expect(closed.verdict.why).toContain('rule J11');
  });

  it('D4: what to do next is to send its files again (the job is over), not "Nothing left to do"', () => {
    expect(closed.nextStep).toMatchObject({ actor: 'customer', rule: 'D4' });
    expect(closed.nextStep.text).toBe('Send the files of drive WDLOST1 again, in a new job');
    expect(closed.alerts.find((a) => a.id === 'D4:WDLOST1')).toBeDefined();
  });

  it('DE1: while the job still runs, the next step is to find the drive and ship it', () => {
    const v = view(job('Transferring', [{ ...good, state: 'Transferring' }, lost], { percent: 40 }), [
      shipping([good, lost]),
    ]);
    expect(v.nextStep).toMatchObject({ actor: 'customer', rule: 'DE1' });
    expect(v.nextStep.text).toBe('Drive WDLOST1 did not arrive: find it and ship it');
    expect(v.verdict).toMatchObject({ kind: 'copying', final: false });
  });

  it('D4: every drive missing is "Not imported"', () => {
    const v = view(job('Closed', [lost]), [shipping([lost])]);
    expect(v.verdict).toMatchObject({ kind: 'notImported', label: 'Not imported' });
    expect(v.verdict.headline).toBe(
      'Nothing was imported: Drive WDLOST1 never reached the data center: none of its files were imported.',
    );
  });
});

describe('the cancelled ending (J14)', () => {
  const d = { driveId: 'WDCANCEL1', state: 'ShippedBack' };
  const cancelled = view(job('Completed', [d], { cancel: true }), [
    shipping([d]),
    job('Received', [{ driveId: 'WDCANCEL1', state: 'Received' }], { cancel: true }),
  ]);

  it('J14: cancelled while Shipping, copy skipped: "Cancelled", grey, no percent — never a green "Completed 100 %"', () => {
    expect(cancelled.percentComplete).toBe(100); // what the service says (G2)
    expect(cancelled.verdict).toMatchObject({
      kind: 'cancelled',
      final: true,
      tone: 'subtle',
      label: 'Cancelled',
      progress: { text: 'Not copied' },
      rule: 'J14',
    });
    expect(cancelled.verdict.progress.percent).toBeUndefined();
    expect(cancelled.verdict.headline).toBe(
      'Cancelled: nothing was imported. Drives that reached the data center were shipped back uncopied.',
    );
    expect(cancelled.drives[0]!.verdict).toMatchObject({ kind: 'cancelled', label: 'Not copied' });
    expect(cancelled.nextStep.text).toBe('Cancelled; drives shipped back: FedEx RET-1');
  });

  it('J14: a job cancelled while it is still on its way says nothing will be imported', () => {
    const v = view(job('Shipping', [{ driveId: 'WDC2', state: 'Specified' }], { cancel: true }));
    expect(v.verdict).toMatchObject({ kind: 'cancelled', label: 'Cancelled', progress: { text: 'Not copied' } });
    expect(v.verdict.headline).toMatch(/^Cancelled: the drives are not copied/);
  });
});

describe('the clean ending (D6, J10)', () => {
  it('J10: every drive copied without errors: "Imported", 100 %, and only then nothing left to do', () => {
    const a = { driveId: 'WDA', state: 'ShippedBack', bytesSucceeded: 1000, copyStatus: 'Completed' };
    const v = view(job('Completed', [a]), [shipping([a]), job('Packaging', [{ ...a, state: 'Completed' }])]);
    expect(v.verdict).toMatchObject({
      kind: 'imported',
      tone: 'success',
      label: 'Imported',
      progress: { percent: 100 },
    });
    expect(v.nextStep).toMatchObject({ actor: 'nobody', text: 'Drives shipped back: FedEx RET-1', rule: 'J10' });
  });

  it('D7: skipped and renamed files are warnings, not "Imported": what was kept or renamed is said', () => {
    const uri = LOG('WDW');
    const doc: DriveLogInput = {
      driveId: 'WDW',
      status: 'CompletedWithWarnings',
      blobs: [
        {
          status: 'Completed',
          blobPath: 'a/kept.bin',
          filePath: 's1/a/kept.bin',
          length: 50,
          importDisposition: { value: 'no-overwrite', status: 'Skipped' },
        },
        {
          status: 'Completed',
          blobPath: 'a/twice.bin',
          filePath: 's1/a/twice.bin',
          length: 70,
          importDisposition: { value: 'rename', status: 'Renamed' },
          importedAs: 'a/twice (1).bin',
        },
      ],
    };
    const log = summariseDriveLog(parseDriveLog(serializeDriveLog(doc)), uri);
    const d = { driveId: 'WDW', state: 'ShippedBack', bytesSucceeded: 950, errorLogUri: uri };
    const v = view(job('Completed', [d]), [shipping([d])], { WDW: log });
    expect(v.drives[0]!.verdict).toMatchObject({
      kind: 'importedWithWarnings',
      tone: 'warning',
      bytes: { total: 1000 },
    });
    expect(v.drives[0]!.verdict.headline).toContain('1 file skipped because a blob of that name already existed');
    expect(v.verdict.kind).toBe('importedWithWarnings');
    expect(v.nextStep.actor).toBe('customer');
  });
});

describe('one file (the log viewer, and a report per file later)', () => {
  it('D7: a row with an issue never reads "Completed": renamed, skipped, replaced or not imported, with why', () => {
    expect(fileOutcome({ status: 'Completed' })).toMatchObject({
      kind: 'imported',
      label: 'Imported',
      tone: 'success',
    });
    expect(fileOutcome({ status: 'Completed', disposition: 'Renamed' })).toMatchObject({ label: 'Imported, renamed' });
    expect(fileOutcome({ status: 'Completed', disposition: 'Skipped' })).toMatchObject({
      label: 'Skipped',
      tone: 'warning',
    });
    expect(fileOutcome({ status: 'Completed', disposition: 'Overwritten' })).toMatchObject({
      label: 'Imported, replaced',
    });
    expect(fileOutcome({ status: 'CompletedWithErrors', reason: 'Md5Mismatch' })).toMatchObject({
      kind: 'failed',
      label: 'Not imported',
      reason: 'Md5Mismatch',
    });
    expect(fileOutcome({ status: 'FileNotFound' }).text).toBe('Not imported: it is not on the drive.');
  });

  it('D7: the log viewer rows carry the outcome, the reason from the failed block', () => {
    const xml = serializeDriveLog({
      driveId: 'WD1',
      status: 'CompletedWithErrors',
      blobs: [
        {
          status: 'CompletedWithErrors',
          blobPath: 'c/bad.bin',
          filePath: 's1/c/bad.bin',
          length: 9000,
          blocks: [{ offset: 0, length: 9000, hash: 'AB', status: 'Md5Mismatch' }],
        },
      ],
    });
    const rows = readDriveLog(xml, { name: 'photos', driveId: 'WD1', kind: 'error' }).rows;
    expect(rows[0]!.outcome).toMatchObject({ kind: 'failed', label: 'Not imported', reason: 'Md5Mismatch' });
  });

  it('G2: a percent is 100 only when no byte is missing', () => {
    expect(percentOf(188_499_751, 219_957_031)).toBe(85);
    expect(percentOf(999_999, 1_000_000)).toBe(99);
    expect(percentOf(5, 5)).toBe(100);
  });
});

describe('the notices say the same (shared/notifications)', () => {
  const good = { driveId: 'WDGOOD1', state: 'ShippedBack', bytesSucceeded: 5_000_000, copyStatus: 'Completed' };
  const lost = { driveId: 'WDLOST1', state: 'NeverReceived' };

  it('D4/J11: Packaging with a drive never received is "copy finished, partly imported", and no "all data copied (100%)"', () => {
    const first = diffJob(
      undefined,
      { found: true, job: observeForNotices(view(shipping([good, lost])))! },
      T0.getTime(),
    )!;
    const pkg = job('Packaging', [{ ...good, state: 'Completed' }, lost]);
    const r = diffJob(
      first.next,
      { found: true, job: observeForNotices(view(pkg, [shipping([good, lost])]))! },
      T0.getTime(),
    )!;
    const titles = r.notices.map((n) => n.title);
    expect(titles).toContain('Job photos: copy finished, partly imported');
    expect(titles).toContain('Drive WDLOST1 of job photos never arrived');
    expect(titles.some((t) => /all data copied/.test(t))).toBe(false);
    const packed = r.notices.find((n) => n.title === 'Job photos: copy finished, partly imported')!;
    expect(packed.body).toContain('WDLOST1: never arrived');
    expect(packed.body).not.toMatch(/Nothing to do/);
  });

  it('J14: the cancelled job ends "Completed (cancelled)" saying nothing was imported', () => {
    const d = { driveId: 'WDC', state: 'Received' };
    const before = view(job('Received', [d], { cancel: true }));
    const after = view(job('Completed', [{ driveId: 'WDC', state: 'ShippedBack' }], { cancel: true }), [
      job('Received', [d], { cancel: true }),
    ]);
    const first = diffJob(undefined, { found: true, job: observeForNotices(before)! }, T0.getTime())!;
    const r = diffJob(first.next, { found: true, job: observeForNotices(after)! }, T0.getTime())!;
    const done = r.notices.find((n) => n.title === 'Job photos is Completed (cancelled)')!;
    expect(done.body).toMatch(/^Nothing was imported/);
  });

  it('D4 D7 F1: a first sighting tells the alerts the job is in, once; a later look, or the same look after a restart, tells nothing again', () => {
    const bad = {
      driveId: 'WDBAD2',
      state: 'ShippedBack',
      bytesSucceeded: 10,
      errorLogUri: LOG('WDBAD2'),
    };
    const log = errorLog('WDBAD2', [{ blobPath: 'x/y.bin', length: 5 }]);
    const v = view(job('Closed', [good, lost, bad]), [shipping([good, lost, bad])], { WDBAD2: log });
    const first = diffJob(undefined, { found: true, job: observeForNotices(v)! }, T0.getTime())!;
    expect(first.notices.map((n) => [n.kind, n.rule, n.driveId])).toEqual([
      ['neverReceived', 'D4', 'WDLOST1'],
      ['completedMoreInfo', 'D7', 'WDBAD2'],
    ]);
    expect(first.notices[0]!.body).toMatch(/none of its files were imported/);
    expect(first.notices[1]!.title).toBe('Drive WDBAD2 of job photos finished with 1 error');
    // The snapshot is what the tracker persists: diffing against it (a later poll, or after a restart) says nothing.
    const again = diffJob(
      JSON.parse(JSON.stringify(first.next)) as JobSnapshot,
      {
        found: true,
        job: observeForNotices(v)!,
      },
      T0.getTime() + 60_000,
    )!;
    expect(again.notices).toEqual([]);
  });

  it("D4 D7 J11: a job first seen already Closed, once it is news (after the connection's first list), tells its alerts and then how it ended, in life-cycle order, once", () => {
    const bad = { driveId: 'WDBAD2', state: 'ShippedBack', bytesSucceeded: 10, errorLogUri: LOG('WDBAD2') };
    const log = errorLog('WDBAD2', [{ blobPath: 'x/y.bin', length: 5 }]);
    const v = view(job('Closed', [good, lost, bad]), [shipping([good, lost, bad])], { WDBAD2: log });
    const news = { firstSightingIsNews: true };
    const first = diffJob(undefined, { found: true, job: observeForNotices(v)! }, T0.getTime(), T0.getTime(), news)!;
    expect(first.notices.map((n) => [n.kind, n.rule, n.driveId, n.title])).toEqual([
      ['neverReceived', 'D4', 'WDLOST1', 'Drive WDLOST1 of job photos never arrived'],
      ['completedMoreInfo', 'D7', 'WDBAD2', 'Drive WDBAD2 of job photos finished with 1 error'],
      ['jobState', 'J11', undefined, 'Job photos is Closed: partly imported'],
    ]);
    expect(first.notices[2]!.body).toMatch(/WDLOST1: never arrived/);
    const again = diffJob(
      JSON.parse(JSON.stringify(first.next)) as JobSnapshot,
      { found: true, job: observeForNotices(v)! },
      T0.getTime() + 60_000,
      T0.getTime() + 60_000,
      news,
    )!;
    expect(again.notices).toEqual([]);
  });

  it('J10 J14: a job first seen already Completed, once it is news, says so (cancelled: nothing imported); one first seen still active says nothing, as before', () => {
    const news = { firstSightingIsNews: true };
    const first = (v: JobView) =>
      diffJob(undefined, { found: true, job: observeForNotices(v)! }, T0.getTime(), T0.getTime(), news)!.notices;
    expect(first(view(job('Completed', [good]), [shipping([good])])).map((n) => [n.rule, n.title])).toEqual([
      ['J10', 'Job photos is Completed'],
    ]);
    const cancelled = first(
      view(job('Completed', [{ driveId: 'WDC', state: 'ShippedBack' }], { cancel: true }), [
        job('Received', [{ driveId: 'WDC', state: 'Received' }], { cancel: true }),
      ]),
    );
    expect(cancelled.map((n) => [n.rule, n.title])).toEqual([['J14', 'Job photos is Completed (cancelled)']]);
    expect(cancelled[0]!.body).toMatch(/^Nothing was imported/);
    expect(first(view(job('Transferring', [{ ...good, state: 'Transferring' }]), [shipping([good])]))).toEqual([]);
    expect(first(view(job('Packaging', [{ ...good, state: 'Completed' }]), [shipping([good])]))).toEqual([]);
  });

  it('F1: a job first seen Faulted tells it once', () => {
    const v = view(job('Faulted', [{ driveId: 'WDF', state: 'Received' }]));
    const first = diffJob(undefined, { found: true, job: observeForNotices(v)! }, T0.getTime())!;
    expect(first.notices.map((n) => [n.kind, n.rule, n.title])).toEqual([['faulted', 'F1', 'Job photos is Faulted']]);
    expect(diffJob(first.next, { found: true, job: observeForNotices(v)! }, T0.getTime())!.notices).toEqual([]);
  });

  it('D4: a snapshot of an older version (no list of alerts told) does not tell a known missing drive again', () => {
    const v = view(job('Closed', [good, lost]), [shipping([good, lost])]);
    const first = diffJob(undefined, { found: true, job: observeForNotices(v)! }, T0.getTime())!;
    const legacy = { ...first.next };
    delete legacy.notified;
    expect(diffJob(legacy, { found: true, job: observeForNotices(v)! }, T0.getTime())!.notices).toEqual([]);
  });
});

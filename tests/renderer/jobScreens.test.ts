// The pure parts of the job screens: which jobs the list shows and in what order, which log rows
// the viewer shows, the job's path for its diagram, and where a bridge error's target points.
import { describe, expect, it } from 'vitest';
import type { JobView } from '../../shared/jobs/schemas';
import type { LogRow } from '../../shared/ipc/channels/jobs';
import { driveVerdict, fileOutcome } from '../../shared/jobs/verdict';
import { countByState, visibleJobs, type JobFilters } from '../../renderer/src/store/jobIndex';
import { logSummary, statusCounts, visibleRows } from '../../renderer/src/store/logIndex';
import { jobPath } from '../../renderer/src/screens/JobDetail/path';
import { fieldOfTarget } from '../../renderer/src/screens/JobDetail/forms';
import { withoutRules } from '../../renderer/src/format';
import { jobView } from './jobView';

/** The verdict a drive in this state has (the screens never make one up). */
const dv = (driveId: string, state: JobView['drives'][number]['state'], cancelRequested = false) =>
  driveVerdict(
    { driveId, state, bytesSucceeded: 1, percentComplete: 40, extra: false, passed: [] },
    { name: 'x', type: 'Import', state: 'Transferring', cancelRequested },
  );

const view = jobView;
const at = (iso: string) => [
  { at: iso, subject: 'job' as const, state: 'Creating', from: null, via: 'polled' as const },
];
const jobs = [
  view('beta', 'Shipping', {
    timeline: at('2026-12-01T12:00:00Z'),
    deliveryPackage: { carrierName: 'DHL', trackingNumber: 'TRK-77' },
  }),
  view('alpha', 'Creating', {
    timeline: at('2026-12-01T09:00:00Z'),
    nextStep: { actor: 'customer', text: 'Enter the tracking number' },
    percentComplete: 0,
  }),
  view('gamma', 'Transferring', {
    timeline: at('2026-12-01T11:00:00Z'),
    percentComplete: 40,
    drives: [
      {
        driveId: 'WD-SERIAL-9',
        state: 'Transferring',
        serviceState: 'Transferring',
        percentComplete: 40,
        bytesSucceeded: 1,
        hasBitLockerKey: true,
        extra: false,
        verdict: dv('WD-SERIAL-9', 'Transferring'),
      },
    ],
  }),
];
const f = (x: Partial<JobFilters>): JobFilters => ({
  state: 'all',
  query: '',
  sort: 'updated',
  descending: true,
  ...x,
});

describe('the jobs list', () => {
  it('sorts by last update, newest first, by default; by name or progress on request', () => {
    expect(visibleJobs(jobs, f({})).map((j) => j.name)).toEqual(['beta', 'gamma', 'alpha']);
    expect(visibleJobs(jobs, f({ sort: 'name', descending: false })).map((j) => j.name)).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    expect(visibleJobs(jobs, f({ sort: 'progress' })).map((j) => j.name)[0]).toBe('gamma');
    expect(visibleJobs(jobs, f({ sort: 'state', descending: false })).map((j) => j.state)).toEqual([
      'Creating',
      'Shipping',
      'Transferring',
    ]);
  });

  it('finds a job by a drive id or tracking number a person remembers, ignoring case', () => {
    expect(visibleJobs(jobs, f({ query: 'wd-serial' })).map((j) => j.name)).toEqual(['gamma']);
    expect(visibleJobs(jobs, f({ query: 'trk-77' })).map((j) => j.name)).toEqual(['beta']);
    expect(visibleJobs(jobs, f({ query: 'nothing' }))).toEqual([]);
  });

  it('filters by state, or to the jobs that wait for the customer', () => {
    expect(visibleJobs(jobs, f({ state: 'Shipping' })).map((j) => j.name)).toEqual(['beta']);
    expect(visibleJobs(jobs, f({ state: 'attention' })).map((j) => j.name)).toEqual(['alpha']);
    expect(countByState(jobs)).toMatchObject({ all: 3, attention: 1, Creating: 1, Shipping: 1, Transferring: 1 });
  });
});

describe('the log viewer', () => {
  const row = (blobPath: string, status: string, issue: boolean, extra: Partial<LogRow> = {}): LogRow => ({
    blobPath,
    filePath: `s1/${blobPath}`,
    status,
    length: 1,
    failedBlocks: 0,
    issue,
    outcome: fileOutcome({ status }),
    ...extra,
  });
  const rows = [
    row('a/ok.bin', 'Completed', false),
    row('a/bad.bin', 'Md5Mismatch', true, { sourcePath: '/home/ada/bad.bin', message: 'block 0 corrupt' }),
    row('b/gone.bin', 'FileNotFound', true),
  ];

  it('D7: shows only the rows with issues when asked, by status, or by a search in blob, file, source or message', () => {
    expect(visibleRows(rows, { onlyIssues: true, status: 'all', query: '' }).map((r) => r.blobPath)).toEqual([
      'a/bad.bin',
      'b/gone.bin',
    ]);
    expect(visibleRows(rows, { onlyIssues: false, status: 'FileNotFound', query: '' }).map((r) => r.blobPath)).toEqual([
      'b/gone.bin',
    ]);
    expect(visibleRows(rows, { onlyIssues: false, status: 'all', query: '/HOME/ada' }).map((r) => r.blobPath)).toEqual([
      'a/bad.bin',
    ]);
    expect(visibleRows(rows, { onlyIssues: false, status: 'all', query: 'corrupt' }).map((r) => r.blobPath)).toEqual([
      'a/bad.bin',
    ]);
  });

  it('D7: the summary badge says how many files were not imported, never the bare "CompletedWithErrors"', () => {
    const failed = row('a/bad.bin', 'CompletedWithErrors', true, {
      outcome: fileOutcome({ status: 'CompletedWithErrors', reason: 'Md5Mismatch' }),
    });
    expect(logSummary('CompletedWithErrors', [rows[0]!, failed])).toEqual({
      label: '1 file not imported',
      tone: 'danger',
    });
    const kept = row('a/kept.bin', 'Completed', true, {
      outcome: fileOutcome({ status: 'Completed', disposition: 'Skipped' }),
    });
    expect(logSummary('CompletedWithWarnings', [kept])).toMatchObject({ tone: 'warning' });
    expect(logSummary('Completed', [rows[0]!])).toMatchObject({ tone: 'success' });
    expect(logSummary('ManifestNotFound', [])).toEqual({ label: 'The drive could not be read', tone: 'danger' });
  });

  it('lists the statuses present, the ones with issues first', () => {
    expect(statusCounts(rows).map((s) => s.status)).toEqual(['FileNotFound', 'Md5Mismatch', 'Completed']);
  });
});

describe("the job diagram's path", () => {
  const tl = (...states: string[]) =>
    states.map((state, i) => ({
      at: `2026-12-01T1${i}:00:00Z`,
      subject: 'job' as const,
      state,
      from: null,
      via: 'polled' as const,
    }));
  it('J8: a copied drive means the job was Transferring, even when Haul saw it go from Received straight to Packaging', () => {
    const drives = [
      {
        driveId: 'D1',
        state: 'CompletedMoreInfo' as const,
        serviceState: 'CompletedMoreInfo',
        percentComplete: 100,
        bytesSucceeded: 1,
        hasBitLockerKey: false,
        extra: false,
        verdict: dv('D1', 'CompletedMoreInfo'),
      },
    ];
    expect(
      jobPath({ timeline: tl('Creating', 'Shipping', 'Received', 'Packaging'), drives, cancelRequested: false }),
    ).toEqual(['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging']);
  });
  it('J8: a drive shipped back after its copy (bytes copied, a copy status) means the job was Transferring, though Haul never saw the drive copying', () => {
    const drive = {
      driveId: 'D1',
      state: 'ShippedBack' as const,
      serviceState: 'ShippedBack',
      percentComplete: 100,
      bytesSucceeded: 4096,
      copyStatus: 'Completed: 2 blobs imported (4096 bytes)',
      hasBitLockerKey: false,
      extra: false,
      verdict: dv('D1', 'ShippedBack'),
    };
    const timeline = tl('Creating', 'Shipping', 'Received', 'Completed');
    expect(jobPath({ timeline, drives: [drive], cancelRequested: false })).toEqual([
      'Creating',
      'Shipping',
      'Received',
      'Transferring',
      'Completed',
    ]);
    // A drive shipped back without a copy (nothing copied, no copy status, no log) adds nothing.
    const uncopied = { ...drive, percentComplete: 0, bytesSucceeded: 0, copyStatus: undefined };
    expect(jobPath({ timeline, drives: [uncopied], cancelRequested: false })).toEqual([
      'Creating',
      'Shipping',
      'Received',
      'Completed',
    ]);
  });
  it('J14: a cancelled job skips the copy, so nothing is added', () => {
    const drives = [
      {
        driveId: 'D1',
        state: 'Received' as const,
        serviceState: 'Received',
        percentComplete: 0,
        bytesSucceeded: 0,
        hasBitLockerKey: false,
        extra: false,
        verdict: dv('D1', 'Received', true),
      },
    ];
    expect(
      jobPath({ timeline: tl('Creating', 'Shipping', 'Received', 'Packaging'), drives, cancelRequested: true }),
    ).toEqual(['Creating', 'Shipping', 'Received', 'Packaging']);
  });
});

describe('a refusal points at the field it is about', () => {
  it("by the bridge error's target, exact or by its last part", () => {
    const fields = ['carrierName', 'trackingNumber', 'returnAddress.postalCode', 'returnAddress.email'];
    expect(fieldOfTarget({ code: 'bad-request', message: 'x', target: 'trackingNumber' }, fields)).toBe(
      'trackingNumber',
    );
    expect(
      fieldOfTarget(
        { code: 'InvalidInput', message: 'x', target: 'properties.deliveryPackage.trackingNumber' },
        fields,
      ),
    ).toBe('trackingNumber');
    expect(
      fieldOfTarget({ code: 'InvalidInput', message: 'x', target: 'properties.returnAddress.postalCode' }, fields),
    ).toBe('returnAddress.postalCode');
    expect(fieldOfTarget({ code: 'failed', message: 'x' }, fields)).toBeUndefined();
  });
});

describe('a sentence loses its rule ids to the "Why?" detail', () => {
  it("D7: the banner of a drive with a failed file (the verdict's why) reads cleanly, the rule kept apart", () => {
    const v = driveVerdict(
      {
        driveId: 'ENDMD5A1',
        state: 'CompletedMoreInfo',
        bytesSucceeded: 6000,
        percentComplete: 100,
        extra: false,
        errorLogUri: 'https://x/log.xml',
        log: {
          uri: 'https://x/log.xml',
          status: 'CompletedWithErrors',
          failed: { files: 1, bytes: 9000 },
          skipped: { files: 0, bytes: 0 },
          renamed: 0,
          overwritten: 0,
          reasons: { Md5Mismatch: 1 },
        },
        passed: [],
      },
      { name: 'x', type: 'Import', state: 'Transferring', cancelRequested: false },
    );
    expect(v.why).toContain('rule D7');
    const { text, rules } = withoutRules(v.why);
    expect(rules).toEqual(['D7']);
    expect(text).toContain("(from the drive's error log).");
    expect(text).not.toMatch(/rule|;\)/);
  });
});

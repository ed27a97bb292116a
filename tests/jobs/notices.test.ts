// The pure diff: what notices two looks at a job make, and in which order; the settings that decide
// whether a notice pops up.
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  diffJob,
  disposition,
  DEFAULT_SETTINGS,
  errorCount,
  inQuietHours,
  jobSteps,
  type JobSnapshot,
  type ObservedJob,
} from '../../shared/notifications';

const T0 = Date.UTC(2026, 11, 1, 12);

function job(over: Partial<ObservedJob> = {}): ObservedJob {
  return {
    name: 'j1',
    type: 'Import',
    state: 'Shipping',
    cancelRequested: false,
    percent: 0,
    drives: [{ driveId: 'D1', state: 'Specified', bytesSucceeded: 0 }],
    deadlines: {},
    ...over,
  };
}

function seen(prev: JobSnapshot | undefined, j: ObservedJob, now = T0) {
  const r = diffJob(prev, { found: true, job: j }, now);
  if (!r) throw new Error('no diff');
  return r;
}

describe('diff to notices', () => {
  it('a job seen for the first time is remembered without a notice', () => {
    const r = seen(undefined, job({ state: 'Transferring', percent: 60 }));
    expect(r.notices).toEqual([]);
    expect(r.next).toMatchObject({ state: 'Transferring', milestone: 50, seq: 0 });
  });

  it('J7 J8 J9 D3 D5 D6: Shipping then Packaging between two polls gives every step, drives before the job, in table order', () => {
    const first = seen(undefined, job()).next;
    const r = seen(
      first,
      job({
        state: 'Packaging',
        percent: 100,
        drives: [
          {
            driveId: 'D1',
            state: 'Completed',
            bytesSucceeded: 10,
            copyStatus: 'Completed: 2 of 2 blobs imported (10 bytes)',
          },
        ],
      }),
    );
    expect(r.notices.map((n) => n.title)).toEqual([
      'Drive D1 of job j1 was received',
      'Job j1: the data center received your drives',
      'Drive D1 of job j1: copy started',
      'Job j1: copying data',
      'Drive D1 of job j1 copied without errors',
      'Job j1: drives processed, being packed',
      'Job j1: all data copied (100%)',
    ]);
    expect(r.notices.map((n) => n.id)).toEqual(['j1#1', 'j1#2', 'j1#3', 'j1#4', 'j1#5', 'j1#6', 'j1#7']);
  });

  it('J14: a cancelled job goes Shipping to Completed without Transferring and without milestones', () => {
    const first = seen(undefined, job({ cancelRequested: true })).next;
    const r = seen(
      first,
      job({
        state: 'Completed',
        cancelRequested: true,
        percent: 100,
        drives: [{ driveId: 'D1', state: 'ShippedBack', bytesSucceeded: 0 }],
      }),
    );
    expect(r.notices.map((n) => n.rule)).toEqual(['D3', 'J7', 'J9', 'D8', 'J14']);
  });

  it('uses the life-cycle tables: a step the table lacks is never invented', () => {
    const steps = jobSteps('Shipping', 'Closed', [{ driveId: 'D1', state: 'NeverReceived', bytesSucceeded: 0 }], false);
    expect(steps).toEqual([{ from: 'Shipping', to: 'Closed', rules: ['JE2'] }]);
  });

  it('G2: milestones are said once each, only the highest passed since the last poll', () => {
    let s = seen(undefined, job({ state: 'Transferring', percent: 10 })).next;
    const a = seen(s, job({ state: 'Transferring', percent: 30 }));
    s = a.next;
    const b = seen(s, job({ state: 'Transferring', percent: 80 }));
    s = b.next;
    const c = seen(s, job({ state: 'Transferring', percent: 80 }));
    expect([a, b, c].map((r) => r.notices.map((n) => n.title))).toEqual([
      ['Job j1 is 25% copied'],
      ['Job j1 is 75% copied'],
      [],
    ]);
  });

  it('G2: "all data copied" waits for the verdict: a poll at 100 % while it is still being made does not use it up', () => {
    const checking = { kind: 'checking' as const, label: 'Checking', headline: 'Checking the copy' };
    const imported = { kind: 'imported' as const, label: 'Imported', headline: 'Imported' };
    let s = seen(undefined, job({ state: 'Transferring', percent: 60 })).next;
    const a = seen(s, job({ state: 'Transferring', percent: 100, verdict: checking }));
    s = a.next;
    const b = seen(s, job({ state: 'Transferring', percent: 100, verdict: imported }));
    s = b.next;
    const c = seen(s, job({ state: 'Transferring', percent: 100, verdict: imported }));
    expect([a, b, c].map((r) => r.notices.map((n) => n.title).filter((t) => /copied/.test(t)))).toEqual([
      [],
      ['Job j1: all data copied (100%)'],
      [],
    ]);
  });

  it('D7: the error count comes from the drive copy status', () => {
    expect(errorCount('CompletedWithErrors: 1 of 3 blobs imported (5 bytes), 2 failed; see the error log')).toBe(2);
    expect(errorCount('CompletedWithWarnings: 3 of 3 blobs imported (5 bytes), 1 renamed; see the error log')).toBe(0);
    expect(errorCount(undefined)).toBeUndefined();
    const s = seen(
      undefined,
      job({ state: 'Transferring', drives: [{ driveId: 'D1', state: 'Transferring', bytesSucceeded: 1 }] }),
    ).next;
    const r = seen(
      s,
      job({
        state: 'Transferring',
        drives: [
          {
            driveId: 'D1',
            state: 'CompletedMoreInfo',
            bytesSucceeded: 1,
            copyStatus: 'CompletedWithErrors: 1 of 3 blobs imported (5 bytes), 2 failed; see the error log',
          },
        ],
      }),
    );
    expect(r.notices.map((n) => [n.kind, n.title])).toEqual([
      ['completedMoreInfo', 'Drive D1 of job j1 finished with 2 errors'],
    ]);
  });

  it("J6: a Shipping job past the view's J6 estimate gives the operators-alerted notice once", () => {
    const d = { J6: T0 + 14 * DAY_MS };
    const s = seen(undefined, job({ deadlines: d })).next;
    const a = seen(s, job({ deadlines: d }), T0 + 14.1 * DAY_MS);
    const b = seen(a.next, job({ deadlines: d }), T0 + 14.2 * DAY_MS);
    expect([a, b].map((r) => r.notices.map((n) => n.kind))).toEqual([['operatorsAlerted'], []]);
  });

  it('J2 J12: the job gone is explained from the last state seen and the time', () => {
    const creating = seen(undefined, job({ state: 'Creating', deadlines: { J2: T0 + 14 * DAY_MS } })).next;
    expect(diffJob(creating, { found: false, name: 'j1' }, T0 + 14 * DAY_MS)!.notices[0]).toMatchObject({
      kind: 'jobGone',
      rule: 'J2',
    });
    expect(diffJob(creating, { found: false, name: 'j1' }, T0 + 3 * DAY_MS)!.notices[0]).toMatchObject({
      kind: 'jobGone',
      rule: 'A1',
    });
    const closed = seen(undefined, job({ state: 'Closed', deadlines: { J12: T0 + 90 * DAY_MS } })).next;
    expect(diffJob(closed, { found: false, name: 'j1' }, T0 + 90 * DAY_MS)!.notices[0]).toMatchObject({ rule: 'J12' });
    const gone = diffJob(closed, { found: false, name: 'j1' }, T0 + 90 * DAY_MS)!.next;
    expect(diffJob(gone, { found: false, name: 'j1' }, T0 + 91 * DAY_MS)).toBeUndefined();
  });

  it('J3: updating a Creating job moves its deadline, so it is reminded again', () => {
    const first = { J2: T0 + 14 * DAY_MS };
    let s = seen(undefined, job({ state: 'Creating', deadlines: first })).next;
    const a = seen(s, job({ state: 'Creating', deadlines: first }), T0 + 12.5 * DAY_MS);
    s = a.next;
    // The estimate moves a little between looks: still the same deadline.
    const b = seen(s, job({ state: 'Creating', deadlines: { J2: first.J2 + 60_000 } }), T0 + 13 * DAY_MS);
    s = b.next;
    const c = seen(s, job({ state: 'Creating', deadlines: { J2: T0 + 27 * DAY_MS } }), T0 + 25.5 * DAY_MS);
    expect([a, b, c].map((r) => r.notices.map((n) => n.rule))).toEqual([['J2'], [], ['J2']]);
  });

  it('a name used again after its job was deleted starts fresh, with ids counting on', () => {
    const s = seen(undefined, job({ state: 'Creating' })).next;
    const gone = diffJob(s, { found: false, name: 'j1' }, T0 + 3 * DAY_MS)!.next;
    const again = seen(gone, job({ state: 'Shipping' }), T0 + 4 * DAY_MS);
    expect(again.notices).toEqual([]);
    expect(again.next.seq).toBe(1);
    expect(again.next.gone).toBeUndefined();
  });
});

describe('settings', () => {
  const n = { id: 'j1#1', kind: 'jobState' as const, jobName: 'j1', title: 't', body: 'b', at: T0 };
  it('a kind switched off or a muted job is kept as read, without popup; quiet hours keep it unread without popup', () => {
    expect(disposition(DEFAULT_SETTINGS, n, T0)).toEqual({ popup: true, read: false });
    expect(disposition({ ...DEFAULT_SETTINGS, kinds: { jobState: false } }, n, T0)).toEqual({
      popup: false,
      read: true,
    });
    expect(disposition({ ...DEFAULT_SETTINGS, mutedJobs: ['j1'] }, n, T0)).toEqual({ popup: false, read: true });
    const at = new Date(2026, 11, 1, 23, 30).getTime();
    const quiet = { ...DEFAULT_SETTINGS, quietHours: { enabled: true, start: '22:00', end: '07:00' } };
    expect(disposition(quiet, n, at)).toEqual({ popup: false, read: false });
    expect(inQuietHours(quiet.quietHours, new Date(2026, 11, 1, 6, 59).getTime())).toBe(true);
    expect(inQuietHours(quiet.quietHours, new Date(2026, 11, 1, 7, 0).getTime())).toBe(false);
    expect(inQuietHours({ enabled: true, start: '09:00', end: '17:00' }, new Date(2026, 11, 1, 12, 0).getTime())).toBe(
      true,
    );
  });
});

// A job the tracker sees for the first time, against the local service: on the first list of a
// connection (Haul just connected to an account with history) the jobs are a baseline, and only
// the alerts they are in are told; after it, a job made elsewhere that ran its whole course while
// Haul was closed is news, and the customer is told how it ended — once, across polls and restarts.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELIVERY, RETURN_ADDRESS, startTestService, type TestService } from '../service/helpers';
import type { JobSource } from '../../main/core/jobs/trackerSource';
import { ManualClock, ops, preparedDrive, rig, serviceSource, type Rig } from './trackerHelpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A local service of its own (no job yet), a folder for its drives, and Haul's tracker on it;
 * `wrap` stands between the tracker and main's jobs service.
 */
async function setup(wrap = (s: JobSource) => s): Promise<{ t: TestService; work: string; r: Rig }> {
  const work = await mkdtemp(join(tmpdir(), 'haul-tracker-first-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));
  const t = await startTestService({ storage: true, progressIntervalMs: 0 });
  cleanups.push(() => t.cleanup());
  const { source } = serviceSource(t, join(work, 'records'));
  const wrapped = wrap(source);
  const r = await rig(() => wrapped, new ManualClock(() => t.svc.jobs.now()));
  cleanups.push(() => r.cleanup());
  return { t, work, r };
}

/**
 * A job made with the official SDK (as in the portal or a script) that runs its whole course:
 * shipped, received, copied and shipped back; it ends Closed with errors. `bad` fails its MD5 on
 * the copy (D7); `lost` is in the job but not in the package (D4).
 */
async function endedElsewhere(t: TestService, work: string, name: string, o: { bad?: string; lost?: string }) {
  const good = `${name.replace(/-/g, '').toUpperCase().slice(0, 8)}G1`;
  const drives = [{ id: good, ...(await preparedDrive(work, good)) }];
  if (o.bad) drives.push({ id: o.bad, ...(await preparedDrive(work, o.bad, true)) });
  const c = t.client();
  const rg = t.svc.connection.resourceGroup;
  const key = '000000-111111-222222-333333-444444-555555-666666-777777';
  await c.jobs.create(name, rg, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: t.storageAccountId(),
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '1' },
      diagnosticsPath: 'waimportexport',
      logLevel: 'Error',
      driveList: [
        ...drives.map((d) => ({ driveId: d.id, manifestHash: d.hash, bitLockerKey: key, manifestFile: '\\x.xml' })),
        ...(o.lost ? [{ driveId: o.lost, manifestHash: '00', bitLockerKey: key, manifestFile: '\\x.xml' }] : []),
      ],
    },
  });
  await c.jobs.update(name, rg, { state: 'Shipping', deliveryPackage: DELIVERY });
  await ops(t, 'package-arrived', '--job', name, ...drives.flatMap((d) => ['--drive', `${d.id}=${d.path}`]));
  for (const d of drives) await ops(t, 'start-drive', '--job', name, '--drive-id', d.id);
  await ops(t, 'ship-back', '--job', name, '--carrier', 'FedEx', '--tracking', `RET-${name}`);
}

const told = (r: Rig, job: string) =>
  r.events.filter((e) => e.jobName === job).map((e) => [e.kind, e.rule, e.driveId, e.title]);

describe('a job seen for the first time', () => {
  it('D7, no J11: the first list of a connection is a baseline — a job already Closed with errors tells its drive alert, not its ending (no flood of old news)', async () => {
    const { t, work, r } = await setup();
    await endedElsewhere(t, work, 'old-errors', { bad: 'OLDBAD1' });

    await r.start(); // Haul connects for the first time: the job is already over
    expect(told(r, 'old-errors')).toEqual([
      ['completedMoreInfo', 'D7', 'OLDBAD1', 'Drive OLDBAD1 of job old-errors finished with 1 error'],
    ]);
    // More polls and a restart leave it at that.
    await r.tracker.refresh();
    await r.tracker.stop();
    await r.start();
    await r.tracker.refresh();
    expect(r.events).toHaveLength(1);
  });

  it('D7 J11: after the baseline, a job made elsewhere that ended while Haul was closed tells its drive alert, then "Closed: imported with errors", once across polls and restarts', async () => {
    const { t, work, r } = await setup();
    await endedElsewhere(t, work, 'old-done', { bad: 'OLDDONE1' });
    await r.start(); // the baseline: the job already over says only its drive alert
    expect(told(r, 'old-done').map(([, rule]) => rule)).toEqual(['D7']);
    await r.tracker.stop(); // Haul is closed

    // Meanwhile, elsewhere: a job made, shipped, copied with a file failing its MD5, and closed.
    await endedElsewhere(t, work, 'new-errors', { bad: 'NEWBAD1' });
    await r.start();
    expect(told(r, 'new-errors')).toEqual([
      ['completedMoreInfo', 'D7', 'NEWBAD1', 'Drive NEWBAD1 of job new-errors finished with 1 error'],
      ['jobState', 'J11', undefined, 'Job new-errors is Closed: imported with errors'],
    ]);
    // The same words a job followed all along gets at that step: what was not imported, and what to do.
    const closed = r.events.find((e) => e.rule === 'J11')!;
    expect(closed.body).toMatch(/1 file \(.*\) of drive NEWBAD1 was not imported/);
    expect(closed.body).toMatch(/Next: Send the 1 file not imported again/);

    // Once: the next polls, and a restart on the same data folder, say nothing more of either job.
    await r.tracker.refresh();
    await r.tracker.refresh();
    await r.tracker.stop();
    await r.start();
    await r.tracker.refresh();
    expect(told(r, 'new-errors')).toHaveLength(2);
    expect(told(r, 'old-done')).toHaveLength(1);
    expect(new Set(r.events.map((e) => e.id)).size).toBe(r.events.length);
  });

  it('D7, no J11: a first poll cut off while it read the error logs of the jobs already over is retried as the baseline still — they do not come back as news', async () => {
    let cut = true;
    const gets: string[] = [];
    const { t, work, r } = await setup((s) => ({
      ...s,
      async get(name) {
        gets.push(name);
        if (cut) {
          cut = false;
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }
        return s.get(name);
      },
    }));
    await endedElsewhere(t, work, 'old-cut', { bad: 'OLDCUT1' });

    await r.start(); // the list answers; Get Job (which reads the error log) does not
    expect(gets).toEqual(['old-cut']);
    expect(r.tracker.getStatus()).toMatchObject({ state: 'offline' });
    await r.tracker.refresh(); // back: the first list again, and the job's error log read
    expect(r.tracker.getStatus()).toMatchObject({ state: 'online', jobs: 1 });
    expect(told(r, 'old-cut')).toEqual([
      ['completedMoreInfo', 'D7', 'OLDCUT1', 'Drive OLDCUT1 of job old-cut finished with 1 error'],
    ]);
  });

  it('D4 J11: a connection whose first list held no job has its baseline all the same — a job then first seen already Closed, a drive never received, is told how it ended', async () => {
    const { t, work, r } = await setup();
    await r.start(); // the first list: nothing in the resource group yet
    expect(r.tracker.getStatus()).toMatchObject({ state: 'online', jobs: 0 });
    await r.tracker.stop();

    await endedElsewhere(t, work, 'new-lost', { lost: 'NEWLOST1' });
    await r.start();
    expect(told(r, 'new-lost')).toEqual([
      ['neverReceived', 'D4', 'NEWLOST1', 'Drive NEWLOST1 of job new-lost never arrived'],
      ['jobState', 'J11', undefined, 'Job new-lost is Closed: partly imported'],
    ]);
    await r.tracker.refresh();
    expect(r.events).toHaveLength(2);
  });
});

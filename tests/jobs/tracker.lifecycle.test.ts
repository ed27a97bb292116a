// The tracker against the local service, whole life cycles played by the operators (`haul ops`)
// and the service clock (`ops advance --days`): the exact notices, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELIVERY, RETURN_ADDRESS, startTestService, type TestService } from '../service/helpers';
import { ManualClock, ops, preparedDrive, rig, serviceSource, type Rig } from './trackerHelpers';

let t: TestService;
let work: string;
const rigs: Rig[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'haul-tracker-drives-'));
  t = await startTestService({ storage: true, progressIntervalMs: 0 });
});
afterAll(async () => {
  for (const r of rigs) await r.cleanup();
  await t?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

async function newRig(): Promise<Rig & { clock: ManualClock }> {
  // The tracker reads the service's own clock, so `ops advance` moves the deadlines it estimates.
  const clock = new ManualClock(() => t.svc.jobs.now());
  const { source } = serviceSource(t, work);
  const r = await rig(() => source, clock);
  rigs.push(r);
  return Object.assign(r, { clock });
}

async function createImport(name: string, drives: { driveId: string; manifestHash: string }[], ship = true) {
  const c = t.client();
  const rg = t.svc.connection.resourceGroup;
  await c.jobs.create(name, rg, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: t.storageAccountId(),
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '1' },
      diagnosticsPath: 'waimportexport',
      logLevel: 'Error',
      driveList: drives.map((d) => ({
        ...d,
        bitLockerKey: '000000-111111-222222-333333-444444-555555-666666-777777',
        manifestFile: '\\DriveManifest.xml',
      })),
    },
  });
  if (ship) await c.jobs.update(name, rg, { state: 'Shipping', deliveryPackage: DELIVERY });
}

const days = (n: number) => ops(t, 'advance', '--days', String(n));

describe('tracker through whole life cycles of the local service', () => {
  it('J2 reminder, J7 J8 D5 D6 D7 G2 J9 D8 J11, J12 reminder and J12 deletion: one notice per step, in life-cycle order', async () => {
    const r = await newRig();
    const good = await preparedDrive(work, 'TRKGOOD1');
    const bad = await preparedDrive(work, 'TRKBAD1', true);
    await createImport(
      'trk-photos',
      [
        { driveId: 'TRKGOOD1', manifestHash: good.hash },
        { driveId: 'TRKBAD1', manifestHash: bad.hash },
      ],
      false,
    );
    await r.start();
    expect(r.titles()).toEqual([]); // first sight: remembered, nothing to say

    await days(12.5);
    await r.tracker.refresh();
    expect(r.titles()).toEqual(['Job trk-photos expires in 2 days']);
    expect(r.events[0]!.body).toMatch(/enter the carrier and tracking number/);
    await r.tracker.refresh(); // a second poll says nothing new
    expect(r.events).toHaveLength(1);

    await t
      .client()
      .jobs.update('trk-photos', t.svc.connection.resourceGroup, { state: 'Shipping', deliveryPackage: DELIVERY });
    await r.tracker.refresh();
    await ops(
      t,
      'package-arrived',
      '--job',
      'trk-photos',
      '--drive',
      `TRKGOOD1=${good.path}`,
      '--drive',
      `TRKBAD1=${bad.path}`,
    );
    await r.tracker.refresh();
    await ops(t, 'start-drive', '--job', 'trk-photos', '--drive-id', 'TRKGOOD1');
    await r.tracker.refresh();
    await ops(t, 'start-drive', '--job', 'trk-photos', '--drive-id', 'TRKBAD1');
    await r.tracker.refresh();
    await ops(t, 'ship-back', '--job', 'trk-photos', '--carrier', 'FedEx', '--tracking', 'RET-7');
    await r.tracker.refresh();
    expect(r.titles().slice(1)).toEqual([
      'Job trk-photos is Shipping',
      'Drive TRKGOOD1 of job trk-photos was received',
      'Drive TRKBAD1 of job trk-photos was received',
      'Job trk-photos: the data center received your drives',
      'Drive TRKGOOD1 of job trk-photos: copy started',
      'Job trk-photos: copying data',
      'Job trk-photos is 50% copied',
      'Drive TRKGOOD1 of job trk-photos copied without errors',
      'Drive TRKBAD1 of job trk-photos: copy started',
      'Drive TRKBAD1 of job trk-photos finished with 1 error',
      // Not "all data copied (100%)": one file failed its MD5 check (the verdict, from the error log).
      'Job trk-photos: copy finished, imported with errors',
      'Drive TRKGOOD1 of job trk-photos shipped back',
      'Drive TRKBAD1 of job trk-photos shipped back',
      'Job trk-photos is Closed: imported with errors',
    ]);
    const closed = r.events.at(-1)!;
    expect(closed.body).toMatch(/1 file \(.*\) of drive TRKBAD1 was not imported/);
    expect(closed.body).toMatch(/Next: Send the 1 file not imported again/);
    expect(r.events.find((e) => e.kind === 'completedMoreInfo')).toMatchObject({
      rule: 'D7',
      driveId: 'TRKBAD1',
      jobName: 'trk-photos',
    });

    const before = r.events.length;
    await days(83.5);
    await r.tracker.refresh();
    await days(7);
    await r.tracker.refresh();
    expect(r.titles().slice(before)).toEqual([
      'Job trk-photos is deleted in 7 days',
      'Job trk-photos was deleted, 90 days after it finished',
    ]);
    expect(r.events.at(-1)).toMatchObject({ kind: 'jobGone', rule: 'J12' });
    expect(r.events.at(-2)!.body).toMatch(/Download the drive logs now/);
    await r.tracker.refresh();
    expect(r.titles().slice(before)).toHaveLength(2); // gone is said once
    expect(new Set(r.events.map((e) => e.id)).size).toBe(r.events.length);
  });

  it('J6 D4 DE1 F1 F2: the package is overdue, drives NeverReceived, one arrives after all, the job and a drive fault and are resolved', async () => {
    const r = await newRig();
    const x = await preparedDrive(work, 'TRKLATE1');
    await createImport('trk-overdue', [
      { driveId: 'TRKLATE1', manifestHash: x.hash },
      { driveId: 'TRKLOST1', manifestHash: '00' },
    ]);
    await r.start();
    const base = r.events.length;
    await days(14.1);
    await r.tracker.refresh();
    await ops(t, 'package-arrived', '--job', 'trk-overdue', '--drive', `TRKLATE1=${x.path}`);
    await r.tracker.refresh();
    await ops(t, 'fault', '--job', 'trk-overdue', '--reason', 'The package was opened by customs');
    await r.tracker.refresh();
    await ops(t, 'resolve', '--job', 'trk-overdue');
    await r.tracker.refresh();
    await ops(t, 'fault', '--job', 'trk-overdue', '--drive-id', 'TRKLATE1', '--reason', 'The drive does not spin up');
    await r.tracker.refresh();
    await ops(t, 'resolve', '--job', 'trk-overdue', '--drive-id', 'TRKLATE1');
    await r.tracker.refresh();
    expect(r.events.slice(base).map((e) => [e.kind, e.rule, e.title])).toEqual([
      ['operatorsAlerted', 'J6', 'Job trk-overdue: package not received after 14 days'],
      ['neverReceived', 'D4', 'Drive TRKLATE1 of job trk-overdue never arrived'],
      ['neverReceived', 'D4', 'Drive TRKLOST1 of job trk-overdue never arrived'],
      ['receivedAgain', 'DE1', 'Drive TRKLATE1 of job trk-overdue arrived after all'],
      ['jobState', 'J7', 'Job trk-overdue: the data center received your drives'],
      ['faulted', 'F1', 'Job trk-overdue is Faulted'],
      ['resolved', 'F2', 'Job trk-overdue: the fault is resolved'],
      ['faulted', 'F1', 'Drive TRKLATE1 of job trk-overdue is Faulted'],
      ['resolved', 'F2', 'Drive TRKLATE1 of job trk-overdue: the fault is resolved'],
    ]);
    expect(r.events.find((e) => e.rule === 'D4')!.body).toMatch(/Ask your carrier/);
    expect(r.events.find((e) => e.title.endsWith('TRKLATE1 of job trk-overdue is Faulted'))!.body).toMatch(
      /operators will contact you/,
    );
  });

  it('J2: a job left in Creating is reminded 2 days before, then its deletion is said with the rule', async () => {
    const r = await newRig();
    await createImport('trk-forgotten', [{ driveId: 'TRKFORGOT', manifestHash: '00' }], false);
    await r.start();
    await days(12.2);
    await r.tracker.refresh();
    await days(2);
    await r.tracker.refresh();
    const mine = r.events.filter((e) => e.jobName === 'trk-forgotten');
    expect(mine.map((e) => [e.kind, e.rule, e.title])).toEqual([
      ['deadline', 'J2', 'Job trk-forgotten expires in 2 days'],
      ['jobGone', 'J2', 'Job trk-forgotten was deleted: 14 days in Creating'],
    ]);
  });
});

// The tracker follows every job the app knows, at once: a job made with the official SDK (as a
// portal user or a script would) and received with a drive missing is told (D4) on the tracker's
// first look, within one poll interval; a job any screen has looked at is followed from that look,
// and what the screen saw is told then, not at the tracker's next poll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INTERVALS } from '../../main/core/jobs/trackerSchedule';
import { DELIVERY, RETURN_ADDRESS, bytes, prepareDrive, startTestService, type TestService } from '../service/helpers';
import { ManualClock, ops, rig, serviceSource, type Rig } from './trackerHelpers';

let t: TestService;
let work: string;
const rigs: Rig[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'haul-tracker-follow-'));
  t = await startTestService({ storage: true, progressIntervalMs: 0 });
});
afterAll(async () => {
  for (const r of rigs) await r.cleanup();
  await t?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A job made with the official SDK (`@azure/arm-storageimportexport`), shipped; two drives. */
async function sdkJob(name: string, present: string, missing: string): Promise<string> {
  const path = join(work, present);
  const manifestHash = await prepareDrive(path, present, [{ blobPath: `${name}/a.bin`, data: bytes(3000, 5) }]);
  const c = t.client();
  const rg = t.svc.connection.resourceGroup;
  const key = '000000-111111-222222-333333-444444-555555-666666-777777';
  await c.jobs.create(name, rg, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: t.storageAccountId(),
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      diagnosticsPath: 'waimportexport',
      driveList: [
        { driveId: present, manifestHash, bitLockerKey: key, manifestFile: '\\DriveManifest.xml' },
        { driveId: missing, manifestHash: '00', bitLockerKey: key, manifestFile: '\\DriveManifest.xml' },
      ],
    },
  });
  await c.jobs.update(name, rg, { state: 'Shipping', deliveryPackage: DELIVERY });
  return path;
}

async function newRig() {
  // The service's clock, plus the time the test lets pass for the tracker (`pass(ms)`).
  let passed = 0;
  const manual = new ManualClock(() => t.svc.jobs.now() + passed);
  const clock = Object.assign(manual, {
    pass(ms: number) {
      passed += ms;
      manual.fire();
    },
  });
  const src = serviceSource(t, work);
  const r = await rig(() => src.source, clock);
  rigs.push(r);
  return { r, clock, jobs: src.jobs };
}

describe('the tracker follows every job the app knows', () => {
  it('D4: a job made with the SDK and received with a drive missing within 60 s of the start is told on the first poll, within one poll interval', async () => {
    const { r, clock } = await newRig();
    const started = t.svc.jobs.now();
    await r.start();
    expect(r.tracker.getStatus()).toMatchObject({ state: 'online', jobs: 0 });

    // Within the tracker's first minute, elsewhere: the job is made, shipped and its package
    // arrives without drive FOLLOWLOST1 (rule D4).
    const path = await sdkJob('follow-sdk', 'FOLLOWHERE1', 'FOLLOWLOST1');
    await ops(t, 'package-arrived', '--job', 'follow-sdk', '--drive', `FOLLOWHERE1=${path}`);
    expect(t.svc.jobs.now() - started).toBeLessThan(60_000);
    expect(r.events).toEqual([]); // nobody has looked yet

    // The tracker's next look is at most one poll interval (the list's) away, and it tells D4 then.
    const [wait] = clock.pending();
    expect(wait).toBeLessThanOrEqual(DEFAULT_INTERVALS.listMs);
    clock.pass(wait!);
    await r.tracker.idle();
    const d4 = r.events.filter((e) => e.rule === 'D4');
    expect(d4.map((e) => [e.kind, e.jobName, e.driveId, e.title])).toEqual([
      ['neverReceived', 'follow-sdk', 'FOLLOWLOST1', 'Drive FOLLOWLOST1 of job follow-sdk never arrived'],
    ]);
    expect(d4[0]!.body).toMatch(/The package arrived without it \(rule D4\)/);
    expect(r.tracker.getStatus()).toMatchObject({ jobs: 1 });
    // The job is at the data center: it is asked about every 15 s from now on (moving).
    const [next] = clock.pending();
    expect(next).toBeLessThanOrEqual(DEFAULT_INTERVALS.movingMs);
    expect(next).toBeGreaterThan(DEFAULT_INTERVALS.movingMs - 5_000);

    // Told once: more polls, and a restart on the same data folder, say nothing more about it.
    clock.pass(DEFAULT_INTERVALS.movingMs);
    await r.tracker.idle();
    await r.tracker.stop();
    await r.start();
    clock.pass(DEFAULT_INTERVALS.listMs);
    await r.tracker.idle();
    expect(r.events.filter((e) => e.rule === 'D4')).toHaveLength(1);
  });

  it('D4: a job made with the SDK after the tracker started, that no screen opens, is told within a minute of its drive being found missing', async () => {
    const { r, clock } = await newRig();
    await r.start();
    // The tracker has looked once (its poll at start) and waits.
    clock.pass(20_000);
    await r.tracker.idle();

    // Elsewhere, 20 s in: made with the official SDK, shipped, and received without drive LATELOST1.
    const path = await sdkJob('follow-late', 'LATEHERE1', 'LATELOST1');
    await ops(t, 'package-arrived', '--job', 'follow-late', '--drive', `LATEHERE1=${path}`);
    const d4 = () => r.events.filter((e) => e.rule === 'D4' && e.jobName === 'follow-late');
    expect(d4()).toEqual([]);

    // Time passes a second at a time, nobody opens a screen: the notice comes within a minute.
    let waited = 0;
    while (d4().length === 0 && waited < 10 * 60_000) {
      clock.pass(1000);
      waited += 1000;
      await r.tracker.idle();
    }
    expect(d4().map((e) => [e.driveId, e.title])).toEqual([
      ['LATELOST1', 'Drive LATELOST1 of job follow-late never arrived'],
    ]);
    expect(waited).toBeLessThanOrEqual(60_000);
  });

  it('D4 D5: a job a screen looked at is followed from that look, and what the screen saw is told then, with no poll of the tracker', async () => {
    const { r, clock, jobs } = await newRig();
    await r.start();
    const before = r.tracker.getStatus().jobs;
    const path = await sdkJob('follow-screen', 'SCREENHERE1', 'SCREENLOST1');
    await ops(t, 'package-arrived', '--job', 'follow-screen', '--drive', `SCREENHERE1=${path}`);

    // A screen opens the job (Get Job through main's jobs service): no timer of the tracker fires.
    const timers = clock.pending().length;
    await jobs.get('follow-screen');
    await r.tracker.idle();
    expect(r.tracker.getStatus().jobs).toBe(before + 1);
    expect(r.events.filter((e) => e.jobName === 'follow-screen').map((e) => e.title)).toEqual([
      'Drive SCREENLOST1 of job follow-screen never arrived',
    ]);

    // The copy starts; the job page's next look sees it, and the bell has it at the same moment.
    await ops(t, 'start-drive', '--job', 'follow-screen', '--drive-id', 'SCREENHERE1');
    await jobs.get('follow-screen');
    await r.tracker.idle();
    expect(clock.pending()).toHaveLength(timers); // still no poll of the tracker's own
    const titles = r.events.filter((e) => e.jobName === 'follow-screen').map((e) => e.title);
    expect(titles).toContain('Drive SCREENHERE1 of job follow-screen: copy started');
    expect(titles).toContain('Drive SCREENHERE1 of job follow-screen copied without errors');
    // A list call (the Jobs screen) follows the jobs it shows just the same.
    await jobs.list();
    await r.tracker.idle();
    expect(r.tracker.getStatus().jobs).toBeGreaterThanOrEqual(before + 1);
    expect(new Set(r.events.map((e) => e.id)).size).toBe(r.events.length);
  });
});

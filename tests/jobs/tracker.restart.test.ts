// Exactly once, against the local service: a restart of the tracker in the middle of a life
// cycle, a poll in flight while it stops, two quick polls, a crash between remembering a state and
// delivering its notices, and a service that cannot be reached for a while.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOCK_SIZE } from '../../shared/formats/driveManifest';
import { DELIVERY, RETURN_ADDRESS, bytes, prepareDrive, startTestService, type TestService } from '../service/helpers';
import { ManualClock, ops, rig, serviceSource, type Rig } from './trackerHelpers';

let t: TestService;
let work: string;
const rigs: Rig[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'haul-tracker-restart-'));
  t = await startTestService({ storage: true, progressIntervalMs: 0 });
});
afterAll(async () => {
  for (const r of rigs) await r.cleanup();
  await t?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

async function importJob(name: string, driveId: string): Promise<string> {
  const path = join(work, driveId);
  const manifestHash = await prepareDrive(path, driveId, [
    { blobPath: `${name}/a.bin`, data: bytes(BLOCK_SIZE + 10, 5) },
  ]);
  await t.client().jobs.create(name, t.svc.connection.resourceGroup, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: t.storageAccountId(),
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      diagnosticsPath: 'waimportexport',
      driveList: [
        {
          driveId,
          manifestHash,
          bitLockerKey: '000000-111111-222222-333333-444444-555555-666666-777777',
          manifestFile: '\\DriveManifest.xml',
        },
      ],
    },
  });
  return path;
}

const FULL_LIFE = (job: string, drive: string) => [
  `Job ${job} is Shipping`,
  `Drive ${drive} of job ${job} was received`,
  `Job ${job}: the data center received your drives`,
  `Drive ${drive} of job ${job}: copy started`,
  `Job ${job}: copying data`,
  `Drive ${drive} of job ${job} copied without errors`,
  `Job ${job}: drives processed, being packed`,
  `Job ${job}: all data copied (100%)`,
  `Drive ${drive} of job ${job} shipped back`,
  `Job ${job} is Completed`,
];

/** A refused port: listen, note the port, close. */
async function deadEndpoint(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return `https://127.0.0.1:${port}`;
}

describe('exactly once', () => {
  it('restart in the middle, a poll in flight during the restart, two quick polls, a crash before delivery: no duplicate, no gap', async () => {
    const clock = new ManualClock(() => t.svc.jobs.now());
    const { source } = serviceSource(t, work);
    const r = await rig(() => source, clock);
    rigs.push(r);
    const drivePath = await importJob('trk-restart', 'TRKRST1');
    await r.start();
    await t
      .client()
      .jobs.update('trk-restart', t.svc.connection.resourceGroup, { state: 'Shipping', deliveryPackage: DELIVERY });
    await ops(t, 'package-arrived', '--job', 'trk-restart', '--drive', `TRKRST1=${drivePath}`);

    // Restart: the first tracker stops without having polled; the second polls at start.
    await r.tracker.stop();
    await r.start();
    expect(r.titles()).toEqual(FULL_LIFE('trk-restart', 'TRKRST1').slice(0, 3));

    // A poll in flight while the tracker stops, and the next one starts at once.
    await ops(t, 'start-drive', '--job', 'trk-restart', '--drive-id', 'TRKRST1');
    const old = r.tracker;
    const inflight = old.refresh();
    const stopping = old.stop();
    await r.start();
    await Promise.all([inflight, stopping, r.tracker.refresh()]);
    // Two quick polls.
    await Promise.all([r.tracker.refresh(), r.tracker.refresh()]);
    expect(r.titles()).toEqual(FULL_LIFE('trk-restart', 'TRKRST1').slice(0, 8));

    // A crash after the state was remembered but before the centre got the notices …
    await ops(t, 'ship-back', '--job', 'trk-restart', '--carrier', 'FedEx', '--tracking', 'RET-9');
    await r.tracker.stop();
    await r.start({
      deliver: async () => {
        throw new Error('the process died here');
      },
    });
    expect(r.titles()).toHaveLength(8);
    await r.tracker.stop();
    // … and one after the centre stored them but before the outbox was emptied.
    await r.start({
      deliver: async (n) => {
        await r.centre.deliver(n);
        throw new Error('the process died here');
      },
    });
    await r.tracker.stop();
    await r.start();
    expect(r.titles()).toEqual(FULL_LIFE('trk-restart', 'TRKRST1'));
    const stored = await r.centre.list();
    expect(stored.notices.map((n) => n.title).reverse()).toEqual(FULL_LIFE('trk-restart', 'TRKRST1'));
    expect(new Set(stored.notices.map((n) => n.id)).size).toBe(10);
  });

  it('service unreachable for a while: no crash, offline shown, back by itself, then the missed transitions in order', async () => {
    const clock = new ManualClock(() => t.svc.jobs.now());
    let endpoint = t.svc.connection.endpoint;
    const { source } = serviceSource(t, work, () => endpoint);
    const r = await rig(() => source, clock);
    rigs.push(r);
    const drivePath = await importJob('trk-offline', 'TRKOFF1');
    await t
      .client()
      .jobs.update('trk-offline', t.svc.connection.resourceGroup, { state: 'Shipping', deliveryPackage: DELIVERY });
    await r.start();
    expect(r.tracker.getStatus().state).toBe('online');
    const lastGood = r.tracker.getStatus().lastSuccessAt;

    endpoint = await deadEndpoint();
    await r.tracker.refresh();
    expect(r.tracker.getStatus()).toMatchObject({ state: 'offline', lastSuccessAt: lastGood });
    expect(r.tracker.getStatus().message).toMatch(
      /cannot reach the local Import\/Export sandbox \(connection refused\).*tries again by itself/,
    );
    // While it is away the job moves on.
    await ops(t, 'package-arrived', '--job', 'trk-offline', '--drive', `TRKOFF1=${drivePath}`);
    await ops(t, 'start-drive', '--job', 'trk-offline', '--drive-id', 'TRKOFF1');
    clock.fire(); // the first retry: still away
    await r.tracker.idle();
    expect(r.tracker.getStatus().state).toBe('offline');
    const before = r.events.filter((e) => e.jobName === 'trk-offline');
    expect(before).toEqual([]);

    endpoint = t.svc.connection.endpoint;
    clock.fire(); // the next retry reaches it
    await r.tracker.idle();
    expect(r.tracker.getStatus().state).toBe('online');
    expect(r.events.filter((e) => e.jobName === 'trk-offline').map((e) => e.title)).toEqual(
      FULL_LIFE('trk-offline', 'TRKOFF1').slice(1, 8),
    );
  });
});

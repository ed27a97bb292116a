// The jobs namespace end to end against a real local service (in-process, with its Azurite): the
// official client underneath, the bridge's dispatch gate on top, as the renderer calls it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { localConnection } from '../../main/core/service/local';
import type { Connection, ConnectionSource } from '../../main/core/service/connection';
import type { EventPayload } from '../../shared/ipc/contract';
import type { JobView } from '../../shared/jobs';
import {
  DELIVERY,
  RETURN_ADDRESS,
  bytes,
  ops,
  prepareDrive,
  startTestService,
  type TestService,
} from '../service/helpers';

const fixed = (c: Connection | undefined): ConnectionSource => ({ current: () => c, onChange: () => () => undefined });

let t: TestService;
let work: string;
let core: Core;
const events: EventPayload<'job.updated'>[] = [];
const rg = () => t.svc.connection.resourceGroup;

async function call<T = unknown>(
  channel: string,
  payload: unknown = {},
): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string; target?: string } }> {
  return (await dispatch(core.handlers, channel, payload)) as never;
}
async function ok<T>(channel: string, payload: unknown = {}): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

const newJob = (
  name: string,
  drives = [
    {
      driveId: `${name.toUpperCase().replace(/-/g, '')}D1`,
      bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
      manifestFile: '\\DriveManifest.xml',
      manifestHash: '109B21108597EF36D5785F08303F3638',
    },
  ],
) => ({
  name,
  type: 'Import',
  storageAccountId: t.storageAccountId(),
  location: 'Sandbox West',
  drives,
  returnAddress: RETURN_ADDRESS,
  returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
  notificationEmails: ['ops@example.com'],
  logLevel: 'Verbose',
});

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'haul-jobs-svc-'));
  // pageSize 2: lists come in pages, so jobs.list must follow nextLink.
  t = await startTestService({ storage: true, progressIntervalMs: 0, pageSize: 2 });
  core = await createCore({
    dataDir: join(work, 'app'),
    listDrives: async () => [],
    connections: fixed(localConnection(t.svc.connection, t.dataDir)),
  });
  core.events.on((event, payload) => {
    if (event === 'job.updated') events.push(payload as EventPayload<'job.updated'>);
  });
}, 120_000);
afterAll(async () => {
  await core?.dispose();
  await t?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('jobs through the bridge, against the local service', () => {
  it("J1: jobs.create makes the job with the wizard's values; the view is Creating with its drive Specified (D1)", async () => {
    const v = await ok<JobView>('jobs.create', newJob('create-one'));
    expect(v).toMatchObject({ name: 'create-one', state: 'Creating', type: 'Import', storageAccount: 'haulsandbox' });
    expect(v.drives).toMatchObject([{ driveId: 'CREATEONED1', state: 'Specified', hasBitLockerKey: true }]);
    expect(v.contact.emails).toEqual(['ada@example.com', 'ops@example.com']);
    expect(v.location.supportedCarriers).toEqual(['FedEx', 'UPS', 'DHL']);
    expect(v.location.address?.city).toBe('Westfold');
    expect(v.timeline[0]).toMatchObject({ subject: 'job', state: 'Creating', via: 'haul' });
    expect(JSON.stringify(v)).not.toContain('111111-222222');
    expect(events.at(-1)).toMatchObject({ kind: 'updated', name: 'create-one' });
  });

  it('refuses to create a job whose name is taken, instead of changing that job', async () => {
    const r = await call('jobs.create', newJob('create-one'));
    expect(r).toMatchObject({ ok: false, error: { code: 'JobExists', target: 'name' } });
    if (!r.ok) expect(r.error.message).toContain('Choose another name');
  });

  it('D1: an import job without drives is refused at the gate, naming the field', async () => {
    const r = await call('jobs.create', { ...newJob('nodrives'), drives: [] });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-request', target: 'drives' } });
    if (!r.ok) expect(r.error.message).toContain('rule D1');
  });

  it('jobs.list returns every job of the resource group, following nextLink over pages', async () => {
    const c = t.client();
    for (const n of ['page-a', 'page-b', 'page-c', 'page-d']) {
      await c.jobs.create(n, rg(), {
        location: 'Sandbox East',
        properties: {
          storageAccountId: t.storageAccountId(),
          jobType: 'Import',
          driveList: [
            {
              driveId: `${n.replace('-', '').toUpperCase()}X`,
              bitLockerKey: 'k',
              manifestFile: '\\DriveManifest.xml',
              manifestHash: 'AB',
            },
          ],
        },
      });
    }
    const list = await ok<{ jobs: JobView[] }>('jobs.list');
    expect(list.jobs.map((j) => j.name).sort()).toEqual(
      expect.arrayContaining(['create-one', 'page-a', 'page-b', 'page-c', 'page-d']),
    );
    expect(list.jobs.length).toBeGreaterThan(2);
  });

  it("J5: a job made elsewhere without a return address cannot be shipped; the service's refusal reaches the person", async () => {
    const v = (await ok<{ jobs: JobView[] }>('jobs.list')).jobs.find((j) => j.name === 'page-a');
    expect(v?.actions.ship).toMatchObject({ allowed: false, rule: 'J5' });
    const r = await call('jobs.ship', {
      name: 'page-a',
      carrierName: 'DHL',
      trackingNumber: '1Z',
      shipDate: '2026-12-01',
      driveCount: 1,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'ShippingInfoMissing' } });
    if (!r.ok) {
      expect(r.error.message).toContain('return address');
      expect(r.error.message).toContain('rule J5');
      expect(r.error.message).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });

  it('J5: Ship with an empty tracking number is refused before it reaches the service', async () => {
    const r = await call('jobs.ship', {
      name: 'create-one',
      carrierName: 'FedEx',
      trackingNumber: '  ',
      shipDate: '2026-12-01',
      driveCount: 1,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-request', target: 'trackingNumber' } });
  });

  it("J4: jobs.ship sets the delivery package and Shipping in one action; the time is Haul's own", async () => {
    const before = Date.now();
    const v = await ok<JobView>('jobs.ship', {
      name: 'create-one',
      carrierName: 'FedEx',
      trackingNumber: 'TRK-42',
      shipDate: '2026-12-01',
      driveCount: 1,
    });
    expect(v.state).toBe('Shipping');
    expect(v.deliveryPackage).toMatchObject({ carrierName: 'FedEx', trackingNumber: 'TRK-42', driveCount: 1 });
    const shipping = v.timeline.find((e) => e.subject === 'job' && e.state === 'Shipping');
    expect(shipping?.via).toBe('haul');
    expect(Date.parse(shipping!.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(v.deadlines[0]).toMatchObject({ rule: 'J6', estimate: true });
    expect(v.actions.cancel).toEqual({ allowed: true });
  });

  it('J3/JE2: jobs.update changes the return address and notification emails, keeping the other tags', async () => {
    await t.client().jobs.update('create-one', rg(), { tags: { team: 'data', haulNotify: 'ops@example.com' } });
    const v = await ok<JobView>('jobs.update', {
      name: 'create-one',
      returnAddress: { ...RETURN_ADDRESS, city: 'Newtown' },
      notificationEmails: ['boss@example.com'],
    });
    expect(v.returnAddress?.city).toBe('Newtown');
    expect(v.contact.emails).toEqual(['ada@example.com', 'boss@example.com']);
    expect(v.tags.team).toBe('data');
    expect(v.deadlines[0]?.basis).toContain('Haul updated the job');
  });

  it("J13: from Received on, Cancel is disabled in the view and refused by the service with the rule's sentence", async () => {
    await ops(t, 'create-one', 'package-arrived', { drives: [{ driveId: 'CREATEONED1' }] });
    const v = await ok<JobView>('jobs.get', { name: 'create-one' });
    expect(v.state).toBe('Received');
    expect(v.actions.cancel).toMatchObject({ allowed: false, rule: 'J13' });
    const r = await call('jobs.cancel', { name: 'create-one' });
    expect(r).toMatchObject({ ok: false, error: { code: 'CancelNotAllowed' } });
    if (!r.ok) expect(r.error.message).toContain('rule J13');
    expect(v.timeline.map((e) => `${e.subject}:${e.state}`)).toEqual(
      expect.arrayContaining(['job:Creating', 'job:Shipping', 'job:Received', 'drive:Received']),
    );
  });

  it('J13/J14: a Creating job is cancelled at once and ends Completed', async () => {
    await ok('jobs.create', newJob('cancel-me'));
    const v = await ok<JobView>('jobs.cancel', { name: 'cancel-me' });
    expect(v).toMatchObject({ state: 'Completed', cancelRequested: true });
    expect(v.actions.delete).toEqual({ allowed: true });
  });

  it('A1: jobs.delete removes a Completed job; job.updated says it is gone; Get then says so plainly', async () => {
    expect(await ok('jobs.delete', { name: 'cancel-me' })).toEqual({ name: 'cancel-me', deleted: true });
    expect(events.at(-1)).toMatchObject({ kind: 'removed', name: 'cancel-me' });
    const r = await call('jobs.get', { name: 'cancel-me' });
    expect(r).toMatchObject({ ok: false, error: { code: 'ResourceNotFound' } });
    if (!r.ok) expect(r.error.message).toContain('cancel-me');
  });

  it("A1: deleting a Received job is refused with the rule's sentence", async () => {
    const r = await call('jobs.delete', { name: 'create-one' });
    expect(r).toMatchObject({ ok: false, error: { code: 'DeleteNotAllowed' } });
    if (!r.ok) expect(r.error.message).toContain('rule A1');
  });

  it('jobs.bitLockerKeys reveals the keys only when asked', async () => {
    const k = await ok<{ keys: { driveId: string; bitLockerKey: string }[] }>('jobs.bitLockerKeys', {
      name: 'create-one',
    });
    expect(k.keys).toEqual([
      { driveId: 'CREATEONED1', bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888' },
    ]);
  });

  it('locations.list names each data center with its address and carriers', async () => {
    const locs =
      await ok<{ name: string; supportedCarriers: string[]; address?: { city?: string } }[]>('locations.list');
    expect(locs.map((l) => l.name)).toEqual(expect.arrayContaining(['Sandbox West', 'Sandbox East', 'Sandbox North']));
    expect(locs.find((l) => l.name === 'Sandbox East')).toMatchObject({
      supportedCarriers: ['FedEx', 'DHL', 'TNT'],
      address: { city: 'Eastmarch' },
    });
  });

  it('job.updated is sent when a view changes, not when nothing did', async () => {
    await ok('jobs.get', { name: 'create-one' });
    const n = events.length;
    await ok('jobs.get', { name: 'create-one' });
    expect(events.length).toBe(n);
  });
});

describe('logs: a corrupted drive ends CompletedMoreInfo and its error log lists the failed blob', () => {
  it("D7 G4: jobs.log reads the DriveLog from the sandbox storage and maps each blob back to the customer's file", async () => {
    const drive = join(work, 'drive-bad');
    const good = bytes(5000, 3);
    const hash = await prepareDrive(drive, 'BADDRIVE1', [
      { blobPath: 'photos/good.bin', data: good },
      { blobPath: 'photos/bad.bin', data: bytes(7000, 5) },
    ]);
    // Damage one file after the manifest was written: its MD5 no longer matches.
    const badFile = join(drive, 's1/photos/bad.bin');
    const damaged = Buffer.from(await readFile(badFile));
    damaged[10] = (damaged[10] ?? 0) ^ 0xff;
    await writeFile(badFile, damaged);

    const lookups: string[] = [];
    core.context.sourceFiles = async (q) => {
      lookups.push(`${q.driveId}:${q.filePath}`);
      return q.blobPath === 'photos/bad.bin' ? '/home/ada/Pictures/bad.bin' : undefined;
    };
    await ok('jobs.create', {
      ...newJob('logjob', [
        { driveId: 'BADDRIVE1', bitLockerKey: 'k-1', manifestFile: '\\DriveManifest.xml', manifestHash: hash },
      ]),
      logLevel: 'Error',
    });
    await ok('jobs.ship', { name: 'logjob', ...DELIVERY, shipDate: '2026-12-01' });
    await ops(t, 'logjob', 'package-arrived', { drives: [{ driveId: 'BADDRIVE1', path: drive }] });
    await ops(t, 'logjob', 'start-drive', { driveId: 'BADDRIVE1', wait: true });

    const v = await ok<JobView>('jobs.get', { name: 'logjob' });
    expect(v.drives[0]).toMatchObject({ driveId: 'BADDRIVE1', state: 'CompletedMoreInfo' });
    expect(v.alerts.map((a) => a.id)).toContain('D7:BADDRIVE1');

    const log = await ok<{
      status: string;
      rows: { blobPath: string; status: string; issue: boolean; sourcePath?: string; failedBlocks: number }[];
      issues: number;
    }>('jobs.log', { name: 'logjob', driveId: 'BADDRIVE1', kind: 'error' });
    expect(log.status).toBe('CompletedWithErrors');
    const bad = log.rows.find((r) => r.blobPath === 'photos/bad.bin');
    expect(bad).toMatchObject({ issue: true, sourcePath: '/home/ada/Pictures/bad.bin' });
    expect(bad?.failedBlocks).toBeGreaterThan(0);
    expect(log.rows.some((r) => r.blobPath === 'photos/good.bin')).toBe(false);
    expect(lookups).toContain('BADDRIVE1:s1/photos/bad.bin');

    const verbose = await call('jobs.log', { name: 'logjob', driveId: 'BADDRIVE1', kind: 'verbose' });
    expect(verbose).toMatchObject({ ok: false, error: { code: 'no-log' } });
    if (!verbose.ok) expect(verbose.error.message).toContain('log level is Error');
  }, 60_000);

  it("refuses to send the sandbox's keys to a log address outside its storage", async () => {
    const conn = localConnection(t.svc.connection, t.dataDir);
    await expect(conn.blobCredential('https://evil.example/haulsandbox/x.xml')).rejects.toThrow(
      /not the sandbox's own storage/,
    );
  });
});

describe('an unreachable service', () => {
  it('is reported offline with the time of its last good answer, and service.status says so', async () => {
    const t2 = await startTestService();
    const dir = await mkdtemp(join(tmpdir(), 'haul-jobs-off-'));
    const c2 = await createCore({
      dataDir: dir,
      listDrives: async () => [],
      connections: fixed(localConnection(t2.svc.connection, t2.dataDir)),
      serviceTimeoutMs: 5000,
    });
    const changes: unknown[] = [];
    c2.events.on((e, p) => {
      if (e === 'service.changed') changes.push(p);
    });
    try {
      expect((await dispatch(c2.handlers, 'jobs.list', {})).ok).toBe(true);
      const up = (await dispatch(c2.handlers, 'service.status', {})) as {
        ok: true;
        value: { online?: boolean; lastOkAt?: string };
      };
      expect(up.value.online).toBe(true);
      await t2.stop();
      const r = await dispatch(c2.handlers, 'jobs.list', {});
      expect(r).toMatchObject({ ok: false, error: { code: 'offline' } });
      if (!r.ok) {
        expect(r.error.message).toMatch(/cannot reach the local Import\/Export sandbox \(connection refused\)/);
        expect(r.error.message).toMatch(/last answer was at \d+ \w{3} \d{4} \d\d:\d\d UTC/);
        expect(r.error.message).not.toMatch(/\.ts:\d+|node:internal/);
      }
      const down = (await dispatch(c2.handlers, 'service.status', {})) as {
        ok: true;
        value: { online?: boolean; lastOkAt?: string };
      };
      expect(down.value).toMatchObject({ online: false, lastOkAt: up.value.lastOkAt });
      expect(changes.at(-1)).toMatchObject({ online: false });
    } finally {
      await c2.dispose();
      await t2.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('without a connection yet, jobs answer not-ready', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-jobs-none-'));
    const c3 = await createCore({ dataDir: dir, listDrives: async () => [], connections: fixed(undefined) });
    try {
      expect(await dispatch(c3.handlers, 'jobs.list', {})).toMatchObject({ ok: false, error: { code: 'not-ready' } });
    } finally {
      await c3.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the local sandbox as a connection source', () => {
  it('has no connection while the sandbox starts, then one (announced once) when it is ready', async () => {
    const { localConnectionSource } = await import('../../main/core/service/local');
    let ready = false;
    const source = localConnectionSource({ connection: () => (ready ? t.svc.connection : undefined) }, t.dataDir);
    const seenChanges: (Connection | undefined)[] = [];
    source.onChange((c) => seenChanges.push(c));
    expect(source.current()).toBeUndefined();
    ready = true;
    source.changed();
    source.changed();
    expect(seenChanges).toHaveLength(1);
    expect(seenChanges[0]).toMatchObject({
      kind: 'local',
      label: 'Local sandbox',
      endpoint: t.svc.connection.endpoint,
      resourceGroup: rg(),
    });
    expect(source.current()?.ca).toContain('BEGIN CERTIFICATE');
  });
});

// The life-cycle timers on the service clock (moved with the operators' advance), persisted with
// each job: they fire once, survive a restart, and never fire twice.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API, DELIVERY, advance, importJobBody, jobPath, ops, startTestService, type TestService } from './helpers';

const started: TestService[] = [];
const dirs: string[] = [];
afterEach(async () => {
  // cleanup: stops, and removes the data folder the helper made (a folder given by the test is in dirs).
  for (const t of started.splice(0)) await t.cleanup();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function service(dataDir?: string): Promise<TestService> {
  const t = await startTestService({}, dataDir);
  started.push(t);
  return t;
}

async function create(t: TestService, name: string, drives = [`${name.toUpperCase()}D1`]) {
  const r = await t.raw(
    'PUT',
    `${jobPath(t, name)}${API}`,
    importJobBody(
      t.storageAccountId(),
      drives.map((driveId) => ({
        driveId,
        bitLockerKey: 'k',
        manifestFile: '\\DriveManifest.xml',
        manifestHash: 'AA',
      })),
    ),
  );
  expect(r.status).toBe(201);
}
async function ship(t: TestService, name: string) {
  const r = await t.raw('PATCH', `${jobPath(t, name)}${API}`, {
    properties: { state: 'Shipping', deliveryPackage: DELIVERY },
  });
  expect(r.status).toBe(200);
}
async function get(t: TestService, name: string) {
  return t.raw('GET', `${jobPath(t, name)}${API}`);
}
interface OpsView {
  lifecycle: { state: string; alerts: { code: string; rule: string }[]; drives: { driveId: string; state: string }[] };
}
async function view(t: TestService, name: string): Promise<OpsView> {
  const r = await t.raw('GET', `/haul/ops/jobs/${t.svc.connection.resourceGroup}/${name}`);
  expect(r.status).toBe(200);
  return r.json as OpsView;
}

describe('timers', () => {
  it('J2: a job left in Creating for 14 days is deleted, not a moment before', async () => {
    const t = await service();
    await create(t, 'j2job');
    await advance(t, 13.9);
    expect((await get(t, 'j2job')).status).toBe(200);
    await advance(t, 0.2);
    expect((await get(t, 'j2job')).status).toBe(404);
    expect(t.logs.join('\n')).toMatch(/J2/);
  });

  it('J3: updating a Creating job resets its 14-day timeout', async () => {
    const t = await service();
    await create(t, 'j3job');
    await advance(t, 10);
    const u = await t.raw('PATCH', `${jobPath(t, 'j3job')}${API}`, {
      properties: { returnShipping: { carrierName: 'UPS', carrierAccountNumber: '77' } },
    });
    expect(u.status).toBe(200);
    expect((u.json as { properties: { state: string } }).properties.state).toBe('Creating');
    await advance(t, 10); // 20 days after creation, 10 after the update
    expect((await get(t, 'j3job')).status).toBe(200);
    await advance(t, 4.1);
    expect((await get(t, 'j3job')).status).toBe(404);
  });

  it('J6 D4 JE2 J12: 14 days in Shipping alert the operators and mark drives NeverReceived; 30 more close the job; 90 after that delete it', async () => {
    const t = await service();
    await create(t, 'overdue', ['OV1', 'OV2']);
    await ship(t, 'overdue');
    await advance(t, 13.9);
    expect((await view(t, 'overdue')).lifecycle.alerts).toEqual([]);
    await advance(t, 0.2);
    const v = await view(t, 'overdue');
    expect(v.lifecycle.state).toBe('Shipping');
    expect(v.lifecycle.alerts.map((a) => [a.code, a.rule])).toEqual([['PackageOverdue', 'J6']]);
    expect(v.lifecycle.drives.map((d) => d.state)).toEqual(['NeverReceived', 'NeverReceived']);
    const arm = (await get(t, 'overdue')).json as { properties: { driveList: { state: string }[] } };
    expect(arm.properties.driveList.map((d) => d.state)).toEqual(['NeverReceived', 'NeverReceived']);

    await advance(t, 29.8); // the 30 days run from the notice (day 14), so day 43.9 now
    expect((await view(t, 'overdue')).lifecycle.state).toBe('Shipping');
    await advance(t, 0.2);
    const closed = await view(t, 'overdue');
    expect(closed.lifecycle.state).toBe('Closed');
    expect(closed.lifecycle.alerts.map((a) => a.code)).toContain('ClosedWithoutAnswer');

    await advance(t, 89.8); // closed at day 44.0; now day 133.9
    expect((await get(t, 'overdue')).status).toBe(200);
    await advance(t, 0.2);
    expect((await get(t, 'overdue')).status).toBe(404);
  });

  it('J12: a job cancelled in Creating is Completed at once and deleted 90 days later', async () => {
    const t = await service();
    await create(t, 'cancelled');
    const c = await t.raw('PATCH', `${jobPath(t, 'cancelled')}${API}`, { properties: { cancelRequested: true } });
    expect((c.json as { properties: { state: string } }).properties.state).toBe('Completed');
    await advance(t, 89.9);
    expect((await get(t, 'cancelled')).status).toBe(200);
    await advance(t, 0.2);
    expect((await get(t, 'cancelled')).status).toBe(404);
  });

  it('JE1: drives that arrive before the job is Shipping are held, then returned after 14 days without an answer', async () => {
    const t = await service();
    await create(t, 'early', ['E1']);
    await advance(t, 1);
    const arrived = await ops(t, 'early', 'package-arrived', { drives: [{ driveId: 'E1' }] });
    expect(arrived.status).toBe(200);
    const held = await view(t, 'early');
    expect(held.lifecycle.state).toBe('Creating');
    expect(held.lifecycle.alerts.map((a) => a.rule)).toContain('JE1');
    await advance(t, 14.1);
    expect((await get(t, 'early')).status).toBe(404);
    expect(t.logs.join('\n')).toMatch(/drive E1 returned.*JE1|JE1.*returned/);
  });

  it('restart keeps jobs, the moved clock and pending deadlines; a deadline fires once across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-service-restart-'));
    dirs.push(dir);
    let t = await service(dir);
    await create(t, 'survivor', ['S1']);
    await ship(t, 'survivor');
    await advance(t, 10);
    const clockBefore = (await t.raw('GET', '/haul/ops/clock')).json as { now: number };
    const armBefore = (await get(t, 'survivor')).json;
    await t.stop();

    const caBefore = t.ca;
    t = await service(dir);
    expect(t.ca).toBe(caBefore); // the certificate is created once per data folder: clients stay pinned to it
    const clockAfter = (await t.raw('GET', '/haul/ops/clock')).json as { now: number };
    expect(clockAfter.now).toBeGreaterThanOrEqual(clockBefore.now);
    expect(clockAfter.now - clockBefore.now).toBeLessThan(60_000);
    expect((await get(t, 'survivor')).json).toEqual(armBefore);
    await advance(t, 4.1); // 14.1 days in Shipping: J6 fires
    expect((await view(t, 'survivor')).lifecycle.alerts.filter((a) => a.code === 'PackageOverdue')).toHaveLength(1);
    await t.stop();

    t = await service(dir);
    await advance(t, 0.01);
    await advance(t, 0.01);
    const v = await view(t, 'survivor');
    expect(v.lifecycle.alerts.filter((a) => a.code === 'PackageOverdue')).toHaveLength(1);
    expect(v.lifecycle.state).toBe('Shipping');
  });

  it('J2: a deadline that fell due while the service was stopped fires at start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-service-restart-'));
    dirs.push(dir);
    let t = await service(dir);
    await create(t, 'lapsed');
    await advance(t, 13.99999);
    await t.stop();
    await new Promise((r) => setTimeout(r, 1200)); // 0.00001 day = 864 ms of real time pass while stopped
    t = await service(dir);
    expect((await get(t, 'lapsed')).status).toBe(404);
  });
});

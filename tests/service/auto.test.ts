// Auto mode: the service plays the operators, one simulated day at a time, so a shipped job
// reaches its end without anyone typing commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bytes, createAndShipImport, prepareDrive, startTestService, type TestService } from './helpers';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ storage: true, auto: { dayMs: 150 }, progressIntervalMs: 0 });
});
afterAll(async () => {
  await t?.cleanup();
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// UPS: auto mode ships the drives back with the job's return carrier, which the first test checks.
const createAndShip = (name: string, driveId: string, manifestHash: string) =>
  createAndShipImport(
    t,
    name,
    { driveId, manifestHash },
    { returnShipping: { carrierName: 'UPS', carrierAccountNumber: '3' } },
  );

describe('auto mode', () => {
  it('J10 D8: a shipped job whose drive sits in the drive bay is received, copied and shipped back to Completed on its own', async () => {
    const data = bytes(300_000, 3);
    const hash = await prepareDrive(join(t.dataDir, 'drive-bay', 'AUTODRIVE1'), 'AUTODRIVE1', [
      { blobPath: 'auto/data.bin', data },
    ]);
    await createAndShip('autojob', 'AUTODRIVE1', hash);
    const c = t.client();
    const seen = new Set<string>();
    const done = await waitFor('autojob Completed', async () => {
      const j = await c.jobs.get('autojob', t.svc.connection.resourceGroup);
      seen.add(j.properties?.state ?? '');
      return j.properties?.state === 'Completed' ? j : undefined;
    });
    expect(done.properties?.driveList?.[0]).toMatchObject({ state: 'ShippedBack', bytesSucceeded: data.length });
    expect(done.properties?.returnPackage?.carrierName).toBe('UPS');
    const blob = await t.svc
      .azurite!.client('haulsandbox')
      .getContainerClient('auto')
      .getBlobClient('data.bin')
      .downloadToBuffer();
    expect(blob.equals(data)).toBe(true);
    expect(seen.has('Shipping') || seen.has('Received') || seen.has('Packaging')).toBe(true);
  });

  it('D7 J11: a drive with no readable path ends CompletedMoreInfo with an error log saying so, and the job Closed', async () => {
    await createAndShip('autonodrive', 'NOWHERE1', 'AA');
    const c = t.client();
    const done = await waitFor('autonodrive Closed', async () => {
      const j = await c.jobs.get('autonodrive', t.svc.connection.resourceGroup);
      return j.properties?.state === 'Closed' ? j : undefined;
    });
    const d = done.properties?.driveList?.[0];
    expect(d?.state).toBe('ShippedBack');
    expect(d?.copyStatus).toMatch(/No drive is readable at .*drive-bay.*NOWHERE1/);
    const u = new URL(d!.errorLogUri!);
    const [, , container, ...rest] = u.pathname.split('/');
    const log = (
      await t.svc
        .azurite!.client('haulsandbox')
        .getContainerClient(container ?? '')
        .getBlobClient(rest.join('/'))
        .downloadToBuffer()
    ).toString();
    expect(log).toMatch(/DiskNotFound/);
    expect(log).toMatch(/NOWHERE1/);
    const view = await t.raw('GET', `/haul/ops/jobs/${t.svc.connection.resourceGroup}/autonodrive`);
    const history = (view.json as { lifecycle: { history: { to: string }[] } }).lifecycle.history.map((h) => h.to);
    expect(history).toEqual(expect.arrayContaining(['CompletedMoreInfo', 'Closed']));
  });
});

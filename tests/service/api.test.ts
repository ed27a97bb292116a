// The acceptance test of the API: the official @azure/arm-storageimportexport client, pointed at
// the local service and trusting exactly its certificate, creates, reads, updates, lists and
// deletes jobs, lists locations, operations and BitLocker keys, and sees the swagger's fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { JobResponse } from '@azure/arm-storageimportexport';
import {
  API,
  DELIVERY,
  RETURN_ADDRESS,
  armClient,
  importJobBody,
  jobPath,
  rawCall,
  startTestService,
  type TestService,
} from './helpers';

let t: TestService;

beforeAll(async () => {
  t = await startTestService({ pageSize: 3 });
});
afterAll(async () => {
  await t?.cleanup();
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('official client against the local service', () => {
  it('trusts exactly the service certificate: a client without it is refused by TLS', async () => {
    const plain = armClient(t.svc.connection, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    await expect(collect(plain.operations.list())).rejects.toThrow();
    const ok = await collect(t.client().operations.list());
    expect(ok.map((o) => o.name)).toContain('Microsoft.ImportExport/jobs/write');
  });

  it('J1 G1 G3: creates an import job; every swagger field it sent comes back, shippingInformation comes from the location', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    const body = importJobBody(t.storageAccountId());
    const created = await c.jobs.create('roundtrip1', rg, body as Parameters<typeof c.jobs.create>[2]);
    expect(created.name).toBe('roundtrip1');
    expect(created.id).toBe(
      `/subscriptions/${t.svc.connection.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ImportExport/jobs/roundtrip1`,
    );
    expect(created.type).toBe('Microsoft.ImportExport/jobs');
    expect(created.location).toBe('Sandbox West');
    expect(created.tags).toEqual({ team: 'data' });
    const p = created.properties!;
    expect(p.state).toBe('Creating');
    expect(p.jobType).toBe('Import');
    expect(p.storageAccountId).toBe(t.storageAccountId());
    expect(p.returnAddress).toEqual(RETURN_ADDRESS);
    expect(p.returnShipping).toEqual({ carrierName: 'FedEx', carrierAccountNumber: '989ffff' });
    expect(p.shippingInformation?.recipientName).toBe('Haul Sandbox Import/Export Service');
    expect(p.shippingInformation?.city).toBe('Westfold');
    expect(p.diagnosticsPath).toBe('waimportexport');
    expect(p.logLevel).toBe('Verbose');
    expect(p.backupDriveManifest).toBe(true);
    expect(p.cancelRequested).toBe(false);
    expect(p.percentComplete).toBe(0);
    expect(p.provisioningState).toBe('Succeeded');
    expect(p.encryptionKey?.kekType).toBe('MicrosoftManaged');
    expect(p.driveList).toHaveLength(1);
    const d = p.driveList![0]!;
    expect(d).toMatchObject({
      driveId: 'WD1234ABCD',
      manifestFile: '\\DriveManifest.xml',
      manifestHash: '109B21108597EF36D5785F08303F3638',
      state: 'Specified',
      bytesSucceeded: 0,
      percentComplete: 0,
    });
    expect(created.systemData?.createdAt).toBeInstanceOf(Date);

    const got = await c.jobs.get('roundtrip1', rg);
    expect(got).toEqual(created);
  });

  it('J4: update to Shipping with the delivery package; the package round-trips', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    const updated = await c.jobs.update('roundtrip1', rg, {
      deliveryPackage: DELIVERY,
      state: 'Shipping',
      logLevel: 'Error',
      backupDriveManifest: false,
      tags: { team: 'ops' },
    });
    expect(updated.properties?.state).toBe('Shipping');
    expect(updated.properties?.deliveryPackage).toEqual(DELIVERY);
    expect(updated.properties?.logLevel).toBe('Error');
    // false is the swagger's default, which generated clients send on every update: not set, no change.
    expect(updated.properties?.backupDriveManifest).toBe(true);
    expect(updated.tags).toEqual({ team: 'ops' });
    const again = await c.jobs.get('roundtrip1', rg);
    expect(again.properties?.state).toBe('Shipping');
  });

  it('driveList updates (bitLockerKey, manifestHash, driveHeaderHash) round-trip; BitLocker keys are listed', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    await c.jobs.create(
      'keys1',
      rg,
      importJobBody(t.storageAccountId(), [
        { driveId: 'DRIVEA', bitLockerKey: 'AAAA-1111', manifestFile: '\\DriveManifest.xml', manifestHash: 'ABCDEF' },
        { driveId: 'DRIVEB', bitLockerKey: 'BBBB-2222', manifestFile: '\\DriveManifest.xml', manifestHash: '012345' },
      ]) as Parameters<typeof c.jobs.create>[2],
    );
    const u = await c.jobs.update('keys1', rg, {
      driveList: [{ driveId: 'DRIVEB', bitLockerKey: 'BBBB-3333', driveHeaderHash: 'HDR' }],
    });
    const b = u.properties?.driveList?.find((x) => x.driveId === 'DRIVEB');
    expect(b).toMatchObject({ driveHeaderHash: 'HDR', manifestHash: '012345' });
    // The keys are returned by listBitLockerKeys only (below), never with the job.
    expect(b).not.toHaveProperty('bitLockerKey');
    const keys = await collect(c.bitLockerKeys.list('keys1', rg));
    expect(keys).toEqual([
      { driveId: 'DRIVEA', bitLockerKey: 'AAAA-1111' },
      { driveId: 'DRIVEB', bitLockerKey: 'BBBB-3333' },
    ]);
  });

  it('D2: an export job is created with its blob list and no drives; export and drive list round-trip', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    const created = await c.jobs.create('export1', rg, {
      location: 'sandboxeast',
      properties: {
        storageAccountId: t.storageAccountId(),
        jobType: 'Export',
        returnAddress: RETURN_ADDRESS,
        returnShipping: { carrierName: 'DHL', carrierAccountNumber: '42' },
        diagnosticsPath: 'exportlogs',
        export: { blobPath: ['/photos/a.jpg'], blobPathPrefix: ['/docs/'] },
      },
    });
    expect(created.properties?.jobType).toBe('Export');
    expect(created.properties?.export).toEqual({ blobPath: ['/photos/a.jpg'], blobPathPrefix: ['/docs/'] });
    expect(created.properties?.driveList).toEqual([]);
    expect(created.properties?.shippingInformation?.city).toBe('Eastmarch');
    expect(created.properties?.logLevel).toBe('Error');
    expect(created.properties?.incompleteBlobListUri).toBeUndefined();
  });

  it('a location closed for maintenance sends customers to its alternate (shippingInformation)', async () => {
    const c = t.client();
    const created = await c.jobs.create('north1', t.svc.connection.resourceGroup, {
      ...importJobBody(t.storageAccountId(), [
        { driveId: 'N1', bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: 'AA' },
      ]),
      location: 'Sandbox North',
    } as Parameters<typeof c.jobs.create>[2]);
    expect(created.location).toBe('Sandbox North');
    expect(created.properties?.shippingInformation?.city).toBe('Westfold');
  });

  it('lists by subscription and resource group across nextLink pages, with $top and $filter on state', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    for (let i = 0; i < 5; i++) {
      await c.jobs.create(
        `list${i}`,
        rg,
        importJobBody(t.storageAccountId(), [
          { driveId: `L${i}`, bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: 'AA' },
        ]) as Parameters<typeof c.jobs.create>[2],
      );
    }
    await c.jobs.create(
      'otherrg1',
      'other-group',
      importJobBody(t.storageAccountId(), [
        { driveId: 'O1', bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: 'AA' },
      ]) as Parameters<typeof c.jobs.create>[2],
    );
    const all = await collect(c.jobs.listBySubscription());
    const names = all.map((j) => j.name);
    expect(new Set(names).size).toBe(names.length); // no duplicates across pages (page size 3)
    expect(names).toEqual(expect.arrayContaining(['list0', 'list4', 'otherrg1', 'roundtrip1', 'export1']));
    const inRg = await collect(c.jobs.listByResourceGroup(rg));
    expect(inRg.map((j) => j.name)).not.toContain('otherrg1');
    expect(inRg.length).toBe(all.length - 1);

    const shipping = await collect(c.jobs.listBySubscription({ filter: "state eq 'Shipping'" }));
    expect(shipping.map((j) => j.name)).toEqual(['roundtrip1']);

    // $top caps the total, even across pages of 3
    const top4 = await collect(c.jobs.listBySubscription({ top: 4 }));
    expect(top4).toHaveLength(4);
    // raw: the first page carries nextLink
    const page = await t.raw(
      'GET',
      `/subscriptions/${t.svc.connection.subscriptionId}/providers/Microsoft.ImportExport/jobs${API}`,
    );
    const body = page.json as { value: JobResponse[]; nextLink?: string };
    expect(body.value).toHaveLength(3);
    expect(body.nextLink).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*(\$|%24)skiptoken=/);
  });

  it('lists and gets locations with addresses, carriers and alternate locations; lists operations', async () => {
    const c = t.client();
    const locs = await collect(c.locations.list());
    expect(locs.map((l) => l.name)).toEqual(['Sandbox West', 'Sandbox East', 'Sandbox North']);
    for (const l of locs) {
      expect(l.type).toBe('Microsoft.ImportExport/locations');
      expect(l.streetAddress1).toBeTruthy();
      expect(l.supportedCarriers?.length).toBeGreaterThan(0);
      expect(l.alternateLocations?.length).toBeGreaterThan(0);
    }
    const east = await c.locations.get('sandboxeast');
    expect(east).toMatchObject({ name: 'Sandbox East', city: 'Eastmarch', supportedCarriers: ['FedEx', 'DHL', 'TNT'] });
    const byName = await c.locations.get('Sandbox East');
    expect(byName.id).toBe(east.id);
    const ops = await collect(c.operations.list());
    expect(ops).toHaveLength(6);
    expect(ops[0]).toMatchObject({
      name: 'Microsoft.ImportExport/locations/read',
      provider: 'Microsoft Import/Export',
    });
  });

  it('A1: deletes a job in Creating; Get then answers not found', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    await c.jobs.delete('keys1', rg);
    await expect(c.jobs.get('keys1', rg)).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('accepts api-version 2020-08-01 as well (the stable swagger version)', async () => {
    const c = t.client('2020-08-01');
    const j = await c.jobs.get('roundtrip1', t.svc.connection.resourceGroup);
    expect(j.properties?.state).toBe('Shipping');
  });

  it('PUT on an existing job in Creating updates it (200) and keeps its identity', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    const body = importJobBody(t.storageAccountId(), [
      { driveId: 'L0', bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: 'AA' },
    ]);
    const again = await t.raw('PUT', `${jobPath(t, 'list0')}${API}`, {
      ...body,
      properties: { ...body.properties, logLevel: 'Error' },
    });
    expect(again.status).toBe(200);
    expect((await c.jobs.get('list0', rg)).properties?.logLevel).toBe('Error');
  });

  it('writes a connection file that matches the ready line and holds the CA path', async () => {
    const conn = JSON.parse(await readFile(`${t.dataDir}/connection.json`, 'utf8')) as Record<string, string>;
    expect(conn).toEqual(t.svc.connection);
    const r = await rawCall(conn.endpoint!, t.ca, conn.token, 'GET', '/haul/ping');
    expect(r.status).toBe(200);
  });
});

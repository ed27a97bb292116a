// The storage accounts of the sandbox through the official @azure/arm-storage client (the one the
// app's storage-account picker uses against Azure), over the service's TLS and bearer token: list
// by subscription, list by resource group, get, and the ids it returns accepted by Put Job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageManagementClient, type StorageAccount } from '@azure/arm-storage';
import { RestError } from '@azure/core-rest-pipeline';
import { API, RETURN_ADDRESS, startTestService, tokenCredential, type TestService } from './helpers';

let t: TestService;

beforeAll(async () => {
  // With the sandbox storage (Azurite), so the accounts have a real blob endpoint.
  t = await startTestService({ storage: true, storageAccounts: ['photosarchive'] });
}, 60_000);
afterAll(async () => {
  await t?.cleanup();
});

function storageClient(subscriptionId = t.svc.connection.subscriptionId): StorageManagementClient {
  const c = t.svc.connection;
  return new StorageManagementClient(tokenCredential(c.token), subscriptionId, {
    endpoint: c.endpoint,
    tlsOptions: { ca: t.ca },
    retryOptions: { maxRetries: 0 },
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function restError(p: Promise<unknown>): Promise<RestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RestError) return e;
    throw e;
  }
  throw new Error('expected the request to be refused');
}

function expectSandboxAccount(a: StorageAccount | undefined, name: string): void {
  const c = t.svc.connection;
  expect(a).toBeDefined();
  expect(a).toMatchObject({
    id: `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${name}`,
    name,
    type: 'Microsoft.Storage/storageAccounts',
    location: 'sandboxwest',
    kind: 'StorageV2',
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    provisioningState: 'Succeeded',
    primaryLocation: 'sandboxwest',
    statusOfPrimary: 'available',
    accessTier: 'Hot',
  });
  expect(a?.creationTime).toBeInstanceOf(Date);
  expect(Math.abs(Date.now() - (a?.creationTime?.getTime() ?? 0))).toBeLessThan(10 * 60_000);
  // The blob endpoint is the sandbox storage's own (Azurite, path style), as the storage SDKs take it.
  expect(a?.primaryEndpoints?.blob).toBe(`${t.svc.azurite?.account(name).blobEndpoint}/`);
}

describe('Microsoft.Storage storage accounts with the official @azure/arm-storage client', () => {
  it('lists the sandbox accounts of the subscription', async () => {
    const all = await collect(storageClient().storageAccounts.list());
    expect(all.map((a) => a.name)).toEqual(['haulsandbox', 'photosarchive']);
    expectSandboxAccount(all[0], 'haulsandbox');
    expectSandboxAccount(all[1], 'photosarchive');
  });

  it('lists the accounts of the sandbox resource group (its name matched without regard to case)', async () => {
    const rg = t.svc.connection.resourceGroup;
    const inGroup = await collect(storageClient().storageAccounts.listByResourceGroup(rg));
    expect(inGroup.map((a) => a.name)).toEqual(['haulsandbox', 'photosarchive']);
    const upper = await collect(storageClient().storageAccounts.listByResourceGroup(rg.toUpperCase()));
    expect(upper.map((a) => a.name)).toEqual(['haulsandbox', 'photosarchive']);
  });

  it('a resource group the sandbox does not have: 404 ResourceGroupNotFound naming the one it has', async () => {
    const e = await restError(collect(storageClient().storageAccounts.listByResourceGroup('other-group')));
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe('ResourceGroupNotFound');
    // The paging helper replaces the message with its own; the service's, read directly:
    const c = t.svc.connection;
    const r = await t.raw(
      'GET',
      `/subscriptions/${c.subscriptionId}/resourceGroups/other-group/providers/Microsoft.Storage/storageAccounts?api-version=2025-08-01`,
    );
    const said = (r.json as { error: { message: string } }).error.message;
    expect(said).toContain("'other-group'");
    expect(said).toContain(c.resourceGroup);
  });

  it('gets one account; an unknown one is 404 ResourceNotFound listing the accounts that exist', async () => {
    const c = storageClient();
    const rg = t.svc.connection.resourceGroup;
    expectSandboxAccount(await c.storageAccounts.getProperties(rg, 'photosarchive'), 'photosarchive');
    const e = await restError(c.storageAccounts.getProperties(rg, 'nosuchaccount'));
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe('ResourceNotFound');
    expect(e.message).toContain('nosuchaccount');
    expect(e.message).toContain('haulsandbox, photosarchive');
  });

  it('another subscription is refused as Azure refuses it (403 AuthorizationFailed)', async () => {
    const e = await restError(collect(storageClient('00000000-0000-0000-0000-000000000000').storageAccounts.list()));
    expect(e.statusCode).toBe(403);
    expect(e.code).toBe('AuthorizationFailed');
  });

  it('an account added to the sandbox storage is listed at once', async () => {
    const r = await t.raw('POST', '/haul/ops/storage-accounts', { name: 'lateaccount' });
    expect(r.status).toBe(200);
    const all = await collect(storageClient().storageAccounts.list());
    expect(all.map((a) => a.name)).toEqual(['haulsandbox', 'lateaccount', 'photosarchive']);
    expectSandboxAccount(all[1], 'lateaccount');
  }, 60_000);

  it('the id the picker gets is what Put Job takes: an import job is created on each listed account', async () => {
    const accounts = await collect(storageClient().storageAccounts.list());
    const jobs = t.client();
    for (const [i, a] of accounts.entries()) {
      const job = await jobs.jobs.create(`picked-${i}`, t.svc.connection.resourceGroup, {
        location: 'Sandbox West',
        properties: {
          storageAccountId: a.id!,
          jobType: 'Import',
          returnAddress: RETURN_ADDRESS,
          driveList: [{ driveId: `DRIVE${i}`, bitLockerKey: 'k', manifestFile: '\\m.xml', manifestHash: 'AB' }],
        },
      });
      expect(job.properties?.storageAccountId).toBe(a.id);
    }
  });

  it('on the wire: properties nested as Azure sends them, no account key anywhere', async () => {
    const c = t.svc.connection;
    const r = await t.raw(
      'GET',
      `/subscriptions/${c.subscriptionId}/providers/Microsoft.Storage/storageAccounts?api-version=2025-08-01`,
    );
    expect(r.status).toBe(200);
    const body = r.json as { value: { name: string; properties: Record<string, unknown> }[]; nextLink?: string };
    expect(body.value[0]?.properties).toMatchObject({ provisioningState: 'Succeeded', statusOfPrimary: 'available' });
    expect(body.value[0]).not.toHaveProperty('provisioningState');
    for (const name of ['haulsandbox', 'photosarchive']) {
      const key = t.svc.azurite?.account(name).key ?? '';
      expect(key.length).toBeGreaterThan(20);
      expect(r.text).not.toContain(key);
    }
  });

  it('api-version: required, and one of Microsoft.Storage (not of Microsoft.ImportExport)', async () => {
    const c = t.svc.connection;
    const path = `/subscriptions/${c.subscriptionId}/providers/Microsoft.Storage/storageAccounts`;
    const missing = await t.raw('GET', path);
    expect(missing.status).toBe(400);
    expect((missing.json as { error: { code: string } }).error.code).toBe('MissingApiVersionParameter');
    const wrong = await t.raw('GET', `${path}${API}`);
    expect(wrong.status).toBe(400);
    expect((wrong.json as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'InvalidApiVersionParameter',
    });
    expect((wrong.json as { error: { message: string } }).error.message).toContain('2025-08-01');
    for (const v of ['2023-01-01', '2025-08-01']) {
      expect((await t.raw('GET', `${path}?api-version=${v}`)).status).toBe(200);
    }
  });
});

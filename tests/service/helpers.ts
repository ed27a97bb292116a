// Shared test helpers for the local service: start it in-process on a temp data folder, build the
// official ARM client pointed at it (trusting exactly its certificate), raw HTTPS calls.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageImportExport, type JobDetails } from '@azure/arm-storageimportexport';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { startService, type RunningService, type ServiceOptions } from '../../service/server';
import { httpsJson } from '../../service/httpsJson';
import {
  BLOCK_SIZE,
  HEADER_FILE,
  MANIFEST_FILE,
  serializeDriveHeader,
  serializeDriveManifest,
  type ManifestBlob,
} from '../../shared/formats/driveManifest';

export interface TestService {
  svc: RunningService;
  dataDir: string;
  ca: string;
  logs: string[];
  client(apiVersion?: string): StorageImportExport;
  raw(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: unknown; text: string }>;
  storageAccountId(name?: string): string;
  stop(): Promise<void>;
  /** Stops and removes the data folder. */
  cleanup(): Promise<void>;
}

export function tokenCredential(token: string): TokenCredential {
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

export function armClient(
  conn: { endpoint: string; token: string; subscriptionId: string },
  ca: string,
  apiVersion?: string,
): StorageImportExport {
  return new StorageImportExport(tokenCredential(conn.token), conn.subscriptionId, {
    endpoint: conn.endpoint,
    tlsOptions: { ca },
    retryOptions: { maxRetries: 0 },
    ...(apiVersion ? { apiVersion } : {}),
  });
}

export function rawCall(
  endpoint: string,
  ca: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; text: string }> {
  return httpsJson({ endpoint, ca, token }, method, path, body, headers);
}

export async function startTestService(opts: Partial<ServiceOptions> = {}, dataDir?: string): Promise<TestService> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'haul-service-test-')));
  const logs: string[] = [];
  const svc = await startService({ dataDir: dir, storage: false, log: (l) => logs.push(l), ...opts });
  const ca = await readFile(svc.connection.ca, 'utf8');
  const c = svc.connection;
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      await svc.close();
    }
  };
  return {
    svc,
    dataDir: dir,
    ca,
    logs,
    client: (apiVersion) => armClient(c, ca, apiVersion),
    raw: (method, path, body, headers) => rawCall(c.endpoint, ca, c.token, method, path, body, headers),
    storageAccountId: (name = 'haulsandbox') =>
      `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${name}`,
    stop,
    cleanup: async () => {
      await stop();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export const RETURN_ADDRESS = {
  recipientName: 'Ada Example',
  streetAddress1: '1 Test Street',
  streetAddress2: 'Floor 2',
  city: 'Sampleton',
  stateOrProvince: 'SP',
  postalCode: '12345',
  countryOrRegion: 'Sandboxia',
  phone: '+00 555 0100',
  email: 'ada@example.com',
};

export function importJobBody(
  storageAccountId: string,
  drives = [
    {
      driveId: 'WD1234ABCD',
      bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
      manifestFile: '\\DriveManifest.xml',
      manifestHash: '109B21108597EF36D5785F08303F3638',
    },
  ],
) {
  return {
    location: 'Sandbox West',
    tags: { team: 'data' },
    properties: {
      storageAccountId,
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
      diagnosticsPath: 'waimportexport',
      logLevel: 'Verbose',
      backupDriveManifest: true,
      driveList: drives,
    },
  };
}

export const DELIVERY = { carrierName: 'FedEx', trackingNumber: 'TRK-0001', driveCount: 1, shipDate: '2026-01-05' };

/**
 * A customer's import of one drive, with the official client: Put Job (J1), then Update Job to
 * Shipping with the delivery package (J4, J5). `properties` adds to or replaces the defaults.
 */
export async function createAndShipImport(
  t: TestService,
  name: string,
  drive: { driveId: string; manifestHash: string },
  properties: Partial<JobDetails> = {},
): Promise<void> {
  const c = t.client();
  const rg = t.svc.connection.resourceGroup;
  await c.jobs.create(name, rg, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: t.storageAccountId(),
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '1' },
      driveList: [
        {
          driveId: drive.driveId,
          bitLockerKey: '000000-111111-222222-333333-444444-555555-666666-777777',
          manifestFile: '\\DriveManifest.xml',
          manifestHash: drive.manifestHash,
        },
      ],
      ...properties,
    },
  });
  await c.jobs.update(name, rg, { state: 'Shipping', deliveryPackage: DELIVERY });
}

export function jobPath(
  t: TestService,
  name: string,
  rg = t.svc.connection.resourceGroup,
  sub = t.svc.connection.subscriptionId,
): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ImportExport/jobs/${name}`;
}
export const API = '?api-version=2021-01-01';

export async function ops(
  t: TestService,
  job: string,
  action: string,
  body: unknown = {},
): Promise<{ status: number; json: unknown; text: string }> {
  return t.raw('POST', `/haul/ops/jobs/${t.svc.connection.resourceGroup}/${job}/${action}`, body);
}
export async function advance(t: TestService, days: number): Promise<void> {
  const r = await t.raw('POST', '/haul/ops/clock/advance', { days });
  if (r.status !== 200) throw new Error(`advance failed: ${r.status} ${r.text}`);
}

export const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex').toUpperCase();
export function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** A prepared drive in the layout of docs/formats.md, written with the contract's own serializers. */
export async function prepareDrive(
  root: string,
  driveId: string,
  files: { blobPath: string; data: Buffer }[],
): Promise<string> {
  const blobs: ManifestBlob[] = [];
  for (const f of files) {
    const filePath = `s1/${f.blobPath}`;
    await mkdir(join(root, filePath, '..'), { recursive: true });
    await writeFile(join(root, filePath), f.data);
    const blocks = [];
    for (let o = 0; o < f.data.length; o += BLOCK_SIZE) {
      const chunk = f.data.subarray(o, Math.min(o + BLOCK_SIZE, f.data.length));
      blocks.push({ offset: o, length: chunk.length, hash: md5(chunk) });
    }
    blobs.push({
      blobPath: f.blobPath,
      filePath,
      length: f.data.length,
      importDisposition: 'overwrite',
      blobType: 'BlockBlob',
      blocks,
    });
  }
  const xml = serializeDriveManifest({ version: '2014-11-01', driveId, blobs });
  await writeFile(join(root, MANIFEST_FILE), xml);
  await writeFile(
    join(root, HEADER_FILE),
    serializeDriveHeader({
      format: 'haul-drive',
      driveId,
      jobName: 'e2e',
      sessionIds: ['s1'],
      createdAt: Date.now(),
      manifestHash: md5(xml),
    }),
  );
  return md5(xml);
}

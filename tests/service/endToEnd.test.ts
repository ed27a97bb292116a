// End to end, as a customer and an operator would do it: the official client creates and ships
// jobs, the operators' CLI (`haul ops`) receives and copies the drives with the real data-center
// library into Azurite, and the results are checked byte for byte.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOCK_SIZE, MANIFEST_FILE, parseDriveManifest } from '../../shared/formats/driveManifest';
import { run as opsCli } from '../../service/opsCli';
import {
  DELIVERY,
  RETURN_ADDRESS,
  bytes,
  createAndShipImport,
  md5,
  prepareDrive,
  startTestService,
  type TestService,
} from './helpers';

let t: TestService;
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'haul-service-e2e-'));
  t = await startTestService({ storage: true, progressIntervalMs: 0 });
});
afterAll(async () => {
  await t?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs `haul ops ...` in-process against the service's data folder; returns its output. */
async function ops(...args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out.push(a.join(' '));
  });
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    out.push(a.join(' '));
  });
  try {
    const code = await opsCli([args[0] ?? '', '--data-dir', t.dataDir, ...args.slice(1)]);
    if (code !== 0) throw new Error(`haul ops ${args.join(' ')} failed (${code}): ${out.join('\n')}`);
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  return out.join('\n');
}

const createImport = (name: string, driveId: string, manifestHash: string) =>
  createAndShipImport(
    t,
    name,
    { driveId, manifestHash },
    { diagnosticsPath: 'waimportexport', logLevel: 'Verbose', backupDriveManifest: true },
  );

async function blobText(uri: string): Promise<string> {
  const u = new URL(uri);
  const [, , container, ...rest] = u.pathname.split('/');
  const blob = t.svc
    .azurite!.client('haulsandbox')
    .getContainerClient(container ?? '')
    .getBlobClient(decodeURIComponent(rest.join('/')));
  return (await blob.downloadToBuffer()).toString('utf8');
}

describe('end to end through the official client, the operators CLI and Azurite', () => {
  const big = bytes(BLOCK_SIZE + 123_457, 7);
  const small = bytes(1000, 9);

  it('J7 J8 J9 J10 D3 D5 D6 D8 G2 G4: an import job goes from Creating to Completed with its blobs byte-equal in Azurite', async () => {
    const drive = join(work, 'drive1');
    const hash = await prepareDrive(drive, 'E2EDRIVE1', [
      { blobPath: 'photos/2024/big.bin', data: big },
      { blobPath: 'photos/small.txt', data: small },
    ]);
    await createImport('e2eimport', 'E2EDRIVE1', hash);
    const rg = t.svc.connection.resourceGroup;
    const c = t.client();

    expect(await ops('package-arrived', '--job', 'e2eimport', '--drive', `E2EDRIVE1=${drive}`)).toMatch(/Received/);
    const received = await c.jobs.get('e2eimport', rg);
    expect(received.properties?.state).toBe('Received');
    expect(received.properties?.driveList?.[0]?.state).toBe('Received');

    await ops('start-drive', '--job', 'e2eimport', '--drive-id', 'E2EDRIVE1');
    const copied = await c.jobs.get('e2eimport', rg);
    expect(copied.properties?.state).toBe('Packaging');
    const d = copied.properties?.driveList?.[0];
    expect(d?.state).toBe('Completed');
    expect(d?.bytesSucceeded).toBe(big.length + small.length);
    expect(d?.percentComplete).toBe(100);
    expect(copied.properties?.percentComplete).toBe(100);
    expect(d?.errorLogUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/haulsandbox\/waimportexport\//);
    expect(d?.verboseLogUri).toMatch(/verbose/);
    expect(d?.copyStatus).toBeTruthy();
    expect(d?.manifestUri).toMatch(/manifest/); // backupDriveManifest: the manifest was copied to a blob
    expect(await blobText(d!.manifestUri!)).toBe(await readFile(join(drive, MANIFEST_FILE), 'utf8'));

    const container = t.svc.azurite!.client('haulsandbox').getContainerClient('photos');
    expect((await container.getBlobClient('2024/big.bin').downloadToBuffer()).equals(big)).toBe(true);
    expect((await container.getBlobClient('small.txt').downloadToBuffer()).equals(small)).toBe(true);
    expect(await blobText(d!.verboseLogUri!)).toContain('photos/2024/big.bin');

    await ops('ship-back', '--job', 'e2eimport', '--carrier', 'FedEx', '--tracking', 'RET-1');
    const done = await c.jobs.get('e2eimport', rg);
    expect(done.properties?.state).toBe('Completed');
    expect(done.properties?.driveList?.[0]?.state).toBe('ShippedBack');
    expect(done.properties?.returnPackage).toMatchObject({
      carrierName: 'FedEx',
      trackingNumber: 'RET-1',
      driveCount: 1,
    });
  });

  it('D7 J11 G4: a corrupted block makes the drive CompletedMoreInfo, the job ends Closed, and the error log names the blob', async () => {
    const drive = join(work, 'drive2');
    const hash = await prepareDrive(drive, 'E2EDRIVE2', [
      { blobPath: 'damaged/file.bin', data: big },
      { blobPath: 'damaged/fine.txt', data: small },
    ]);
    const f = join(drive, 's1', 'damaged', 'file.bin');
    const buf = await readFile(f);
    buf[BLOCK_SIZE + 10] = (buf[BLOCK_SIZE + 10] ?? 0) ^ 0xff; // second block corrupted after preparation
    await writeFile(f, buf);
    await createImport('e2ecorrupt', 'E2EDRIVE2', hash);
    const rg = t.svc.connection.resourceGroup;
    await ops('package-arrived', '--job', 'e2ecorrupt', '--drive', `E2EDRIVE2=${drive}`);
    await ops('start-drive', '--job', 'e2ecorrupt', '--drive-id', 'E2EDRIVE2');
    const c = t.client();
    const after = await c.jobs.get('e2ecorrupt', rg);
    const d = after.properties?.driveList?.[0];
    expect(d?.state).toBe('CompletedMoreInfo');
    expect(d?.bytesSucceeded).toBe(small.length);
    const log = await blobText(d!.errorLogUri!);
    expect(log).toContain('damaged/file.bin');
    expect(log).not.toContain('damaged/fine.txt');
    await ops('ship-back', '--job', 'e2ecorrupt', '--carrier', 'DHL', '--tracking', 'RET-2');
    expect((await c.jobs.get('e2ecorrupt', rg)).properties?.state).toBe('Closed');
  });

  it('D2 J9: an export job writes the requested blobs onto a folder with a drive manifest', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    await c.jobs.create('e2eexport', rg, {
      location: 'Sandbox West',
      properties: {
        storageAccountId: t.storageAccountId(),
        jobType: 'Export',
        returnAddress: RETURN_ADDRESS,
        returnShipping: { carrierName: 'UPS', carrierAccountNumber: '2' },
        export: { blobPathPrefix: ['/photos/'] },
      },
    });
    await c.jobs.update('e2eexport', rg, { state: 'Shipping', deliveryPackage: { ...DELIVERY, carrierName: 'UPS' } });
    await ops('package-arrived', '--job', 'e2eexport', '--drive', 'BLANK1');
    const target = join(work, 'export1');
    await ops('export', '--job', 'e2eexport', '--target', `BLANK1=${target}`);
    const job = await c.jobs.get('e2eexport', rg);
    expect(job.properties?.state).toBe('Packaging');
    const d = job.properties?.driveList?.find((x) => x.driveId === 'BLANK1');
    expect(d?.state).toBe('Completed');
    expect(d?.bytesSucceeded).toBe(big.length + small.length);
    expect(d?.manifestHash).toMatch(/^[0-9A-F]{32}$/);
    const xml = await readFile(join(target, MANIFEST_FILE), 'utf8');
    expect(md5(xml)).toBe(d?.manifestHash);
    const manifest = parseDriveManifest(xml);
    expect(manifest.blobs.map((b) => b.blobPath).sort()).toEqual(['photos/2024/big.bin', 'photos/small.txt']);
    for (const b of manifest.blobs) {
      const data = await readFile(join(target, ...b.filePath.split('/')));
      expect(data.equals(b.blobPath.endsWith('big.bin') ? big : small), b.blobPath).toBe(true);
    }
    const keys = [];
    for await (const k of c.bitLockerKeys.list('e2eexport', rg)) keys.push(k);
    expect(keys.map((k) => k.driveId)).toEqual(['BLANK1']);
    // The key of the drive the data center wrote: only through listBitLockerKeys, never with the
    // job, and not on the drive itself.
    expect(keys[0]?.bitLockerKey).toMatch(/^\d{6}(-\d{6}){7}$/);
    expect(d).not.toHaveProperty('bitLockerKey');
    for (const f of await readdir(target, { recursive: true, withFileTypes: true })) {
      if (f.isFile())
        expect((await readFile(join(f.parentPath, f.name))).toString('latin1')).not.toContain(keys[0]?.bitLockerKey);
    }
    expect(job.properties?.incompleteBlobListUri).toBeUndefined();
  });

  it('an export that does not fit records the blobs left out in incompleteBlobListUri', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    await c.jobs.create('e2esmall', rg, {
      location: 'Sandbox West',
      properties: {
        storageAccountId: t.storageAccountId(),
        jobType: 'Export',
        returnAddress: RETURN_ADDRESS,
        export: { blobPath: ['/photos/small.txt', '/photos/2024/big.bin'] },
      },
    });
    await c.jobs.update('e2esmall', rg, { state: 'Shipping', deliveryPackage: DELIVERY });
    await ops('package-arrived', '--job', 'e2esmall', '--drive', 'TINY1');
    await ops(
      'export',
      '--job',
      'e2esmall',
      '--target',
      `TINY1=${join(work, 'export2')}`,
      '--capacity',
      String(2 * 1024 * 1024),
    ); // 1 MiB is kept free for the manifest: room for the small blob only
    const job = await c.jobs.get('e2esmall', rg);
    expect(job.properties?.incompleteBlobListUri).toBeTruthy();
    const list = await blobText(job.properties!.incompleteBlobListUri!);
    expect(list).toContain('photos/2024/big.bin');
    expect(list).not.toContain('small.txt');
    expect(job.properties?.driveList?.[0]?.bytesSucceeded).toBe(small.length);
  });
});

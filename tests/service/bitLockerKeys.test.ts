// BitLocker keys only through listBitLockerKeys, as Azure: Put Job, Get Job, the lists, Update Job
// and the operators' views never return them, and nothing the service writes outside its data
// folder (only the user's, 0700) holds them — not its log, not another file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { API, DELIVERY, RETURN_ADDRESS, jobPath, ops, startTestService, type TestService } from './helpers';

const KEY1 = '123456-234567-345678-456789-567890-678901-789012-890123';
const KEY2 = '654321-765432-876543-987654-098765-109876-210987-321098';
const NEW_KEY = '111222-333444-555666-777888-999000-111222-333444-555666';
const KEYS = [KEY1, KEY2, NEW_KEY];

let root: string;
let dataDir: string;
let t: TestService;
/** Every response body the customer's and the operators' requests got, as text. */
const seen: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'haul-keys-'));
  dataDir = join(root, 'service');
  // A data folder someone made readable by others before the service first started.
  await mkdir(dataDir, { mode: 0o755 });
  t = await startTestService({ logRequests: true }, dataDir);
});
afterAll(async () => {
  await t?.stop();
  await rm(root, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const text = (v: unknown) => JSON.stringify(v);

/** Every file under a folder, with its bytes. */
async function filesUnder(dir: string): Promise<{ path: string; data: string }[]> {
  const out: { path: string; data: string }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push({ path: p, data: (await readFile(p)).toString('latin1') });
  }
  return out;
}

describe('BitLocker keys only through listBitLockerKeys', () => {
  it('Put, Get, both lists, Update and PUT again answer without the keys; listBitLockerKeys has them', async () => {
    const c = t.client();
    const rg = t.svc.connection.resourceGroup;
    const drive = (driveId: string, bitLockerKey: string) => ({
      driveId,
      bitLockerKey,
      manifestFile: '\\DriveManifest.xml',
      manifestHash: '109B21108597EF36D5785F08303F3638',
    });
    const body = {
      location: 'Sandbox West',
      properties: {
        storageAccountId: t.storageAccountId(),
        jobType: 'Import',
        returnAddress: RETURN_ADDRESS,
        driveList: [drive('KEYDRIVE1', KEY1), drive('KEYDRIVE2', KEY2)],
      },
    };
    const created = await c.jobs.create('keysjob', rg, body);
    seen.push(text(created));
    expect(created.properties?.driveList?.map((d) => d.driveId)).toEqual(['KEYDRIVE1', 'KEYDRIVE2']);
    seen.push(text(await c.jobs.get('keysjob', rg)));
    seen.push(text(await collect(c.jobs.listByResourceGroup(rg))));
    seen.push(text(await collect(c.jobs.listBySubscription())));
    seen.push(
      text(await c.jobs.update('keysjob', rg, { driveList: [{ driveId: 'KEYDRIVE2', bitLockerKey: NEW_KEY }] })),
    );
    expect((await collect(c.bitLockerKeys.list('keysjob', rg)))[1]).toEqual({
      driveId: 'KEYDRIVE2',
      bitLockerKey: NEW_KEY,
    });
    seen.push(text(await c.jobs.update('keysjob', rg, { state: 'Shipping', deliveryPackage: DELIVERY })));
    // A PUT on the existing job, and the raw answers as they are on the wire.
    seen.push((await t.raw('PUT', `${jobPath(t, 'keysjob')}${API}`, body)).text);
    seen.push((await t.raw('GET', `${jobPath(t, 'keysjob')}${API}`)).text);
    // The operators' views of the job.
    seen.push((await ops(t, 'keysjob', 'package-arrived', { drives: [{ driveId: 'KEYDRIVE1' }] })).text);
    seen.push((await t.raw('GET', `/haul/ops/jobs/${rg}/keysjob`)).text);
    seen.push((await t.raw('GET', '/haul/ops/jobs')).text);

    for (const s of seen) {
      expect(s).not.toContain('bitLockerKey');
      for (const k of KEYS) expect(s).not.toContain(k);
    }
    const keys = await collect(c.bitLockerKeys.list('keysjob', rg));
    // The PUT sent the first keys again, after the update had changed the second.
    expect(keys).toEqual([
      { driveId: 'KEYDRIVE1', bitLockerKey: KEY1 },
      { driveId: 'KEYDRIVE2', bitLockerKey: KEY2 },
    ]);
  });

  it('a refused request does not echo the key it carried', async () => {
    const r = await t.raw('PUT', `${jobPath(t, 'badkeys')}${API}`, {
      location: 'Nowhere',
      properties: {
        storageAccountId: t.storageAccountId(),
        jobType: 'Import',
        driveList: [{ driveId: 'BAD1', bitLockerKey: KEY1 }],
      },
    });
    expect(r.status).toBe(400);
    expect(r.text).not.toContain(KEY1);
  });

  it("the service's log holds no key", () => {
    expect(t.logs.length).toBeGreaterThan(5);
    for (const k of KEYS) expect(t.logs.join('\n')).not.toContain(k);
  });

  it('the keys are only in the job files, inside a data folder only the user may enter', async () => {
    // (A change is answered only once its file is durable: every write is on disk by now.)
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'jobs'))).mode & 0o777).toBe(0o700);
    // Nothing beside the data folder.
    expect(await readdir(root)).toEqual(['service']);
    const holding = (await filesUnder(root)).filter((f) => KEYS.some((k) => f.data.includes(k)));
    expect(holding.length).toBeGreaterThan(0);
    for (const f of holding) expect(relative(dataDir, f.path)).toMatch(/^jobs\/[^/]+\.json$/);
    for (const f of holding) expect((await stat(f.path)).mode & 0o777).toBe(0o600);
  });
});

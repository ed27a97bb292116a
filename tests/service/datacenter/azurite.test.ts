// The sandbox storage: Azurite as a child process on loopback, custom accounts, clean stop.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startAzurite, storageAccountName, type AzuriteHandle } from '../../../service/datacenter';
import { alive, tempDir } from './helpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function started(accounts: string[], dataDir?: string): Promise<{ az: AzuriteHandle; dataDir: string }> {
  let dir = dataDir;
  if (!dir) {
    const t = await tempDir('azurite');
    cleanups.push(t.cleanup);
    dir = t.dir;
  }
  const az = await startAzurite({ dataDir: dir, accounts });
  cleanups.push(() => az.stop());
  return { az, dataDir: dir };
}

describe('startAzurite', () => {
  it('serves the job storage accounts on 127.0.0.1 with keys kept in the data folder, and stops leaving no process', async () => {
    const { az, dataDir } = await started(['alpha']);
    expect(az.account('alpha').blobEndpoint).toBe(`http://127.0.0.1:${az.port}/alpha`);
    expect(az.account('alpha').connectionString).toContain('AccountName=alpha;');
    await az.client('alpha').getContainerClient('cont1').create();
    await az.client('alpha').getContainerClient('cont1').getBlockBlobClient('hello.txt').upload('hi', 2);

    // A wrong key is refused: the account really is protected by its key.
    const { BlobServiceClient, StorageSharedKeyCredential } = await import('@azure/storage-blob');
    const bad = new BlobServiceClient(
      az.account('alpha').blobEndpoint,
      new StorageSharedKeyCredential('alpha', Buffer.alloc(64, 1).toString('base64')),
      { retryOptions: { maxTries: 1 } },
    );
    await expect(bad.getContainerClient('cont1').exists()).rejects.toMatchObject({ statusCode: 403 });

    const stateFile = await readFile(path.join(dataDir, 'azurite', 'accounts.json'), 'utf8');
    const key = az.account('alpha').key;
    expect(JSON.parse(stateFile)).toMatchObject({ port: az.port, accounts: { alpha: key } });

    const pid = az.pid;
    expect(alive(pid)).toBe(true);
    await az.stop();
    expect(alive(pid)).toBe(false);
    await az.stop(); // idempotent

    // Restart on the same data folder: same key, same port (it is free again), data kept.
    const again = await startAzurite({ dataDir, accounts: ['alpha'] });
    cleanups.push(() => again.stop());
    expect(again.account('alpha').key).toBe(key);
    expect(again.port).toBe(az.port);
    expect(
      (
        await again.client('alpha').getContainerClient('cont1').getBlobClient('hello.txt').downloadToBuffer()
      ).toString(),
    ).toBe('hi');
  });

  it('adds an account on demand without losing data or changing the endpoint', async () => {
    const { az } = await started(['first']);
    await az.client('first').getContainerClient('keep').create();
    const port = az.port;
    const oldPid = az.pid;
    expect(() => az.account('second')).toThrow(/"second" is not served.*first/);
    await az.ensureAccounts(['second']);
    expect(alive(oldPid)).toBe(false);
    expect(az.port).toBe(port);
    expect(await az.client('first').getContainerClient('keep').exists()).toBe(true);
    await az.client('second').getContainerClient('new').create();
    expect(Object.keys(az.accounts()).sort()).toEqual(['first', 'second']);
  });

  it('a stop right after a write keeps the write', async () => {
    const { az, dataDir } = await started(['quick']);
    await az.client('quick').getContainerClient('instant').create();
    await az.stop();
    const again = await startAzurite({ dataDir, accounts: ['quick'] });
    cleanups.push(() => again.stop());
    expect(await again.client('quick').getContainerClient('instant').exists()).toBe(true);
  });

  it('Azurite goes away, with its data saved, when the service is killed with SIGKILL', async () => {
    const t = await tempDir('azurite-orphan');
    cleanups.push(t.cleanup);
    const fixture = fileURLToPath(new URL('./orphan-fixture.ts', import.meta.url));
    const svc = spawn(process.execPath, ['--import', 'tsx', fixture, t.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(async () => {
      if (svc.exitCode === null && svc.signalCode === null) svc.kill('SIGKILL');
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: svc.stdout! }).once('line', resolve);
      svc.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
    });
    const { pid } = JSON.parse(line) as { pid: number };
    expect(alive(pid)).toBe(true);
    svc.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
    const again = await startAzurite({ dataDir: t.dir, accounts: ['orphan'] });
    cleanups.push(() => again.stop());
    expect(await again.client('orphan').getContainerClient('written-before-crash').exists()).toBe(true);
  });

  it('comes back on the same port when Azurite itself dies', async () => {
    const { az: az2 } = await started(['phoenix']);
    const port = az2.port;
    const first = az2.pid;
    process.kill(first, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    while ((az2.pid === first || !alive(az2.pid)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(az2.pid).not.toBe(first);
    expect(az2.port).toBe(port);
    for (;;) {
      try {
        await az2.client('phoenix').getContainerClient('after').create();
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(await az2.client('phoenix').getContainerClient('after').exists()).toBe(true);
  });

  it('refuses account names Azure would refuse, naming the rule', async () => {
    const t = await tempDir('azurite-bad');
    cleanups.push(t.cleanup);
    await expect(startAzurite({ dataDir: t.dir, accounts: ['Bad_Name'] })).rejects.toThrow(
      /"Bad_Name".*3 to 24 lower-case letters and digits/,
    );
  });

  it('maps an ARM storageAccountId to its account name', () => {
    expect(
      storageAccountName('/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/mystore'),
    ).toBe('mystore');
    expect(
      storageAccountName('/subscriptions/x/resourceGroups/rg/providers/Microsoft.ClassicStorage/storageAccounts/test'),
    ).toBe('test');
    expect(() => storageAccountName('/subscriptions/x/resourceGroups/rg')).toThrow(/not a storage account resource id/);
  });
});

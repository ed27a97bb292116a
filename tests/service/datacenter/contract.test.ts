// The prepared-drive format (docs/formats.md) from both sides: a drive prepared by `haul prep` imports byte-exact, and a drive the
// data center writes for an export passes `haul verify`. Uses the real CLI, as a customer would.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToDrives, importDrive, startAzurite, type AzuriteHandle } from '../../../service/datacenter';
import { bytes, tempDir } from './helpers';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const haul = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli/haul.ts'), ...args], {
    cwd: root,
    timeout: 120_000,
  });

const ACCOUNT = 'contractacct';
let azurite: AzuriteHandle;
let data: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  data = await tempDir('contract');
  azurite = await startAzurite({ dataDir: path.join(data.dir, 'service'), accounts: [ACCOUNT] });
});

afterAll(async () => {
  await azurite?.stop();
  await data?.cleanup();
});

describe('the prepared-drive format with the drive-preparation tools', () => {
  it('D6: a drive prepared by "haul prep" imports byte-exact', async () => {
    const src = path.join(data.dir, 'src');
    await mkdir(path.join(src, 'sub'), { recursive: true });
    const files = { 'big.bin': bytes(9_000_000, 71), 'sub/a.txt': Buffer.from('hello from prep\n') };
    for (const [f, b] of Object.entries(files)) await writeFile(path.join(src, f), b);
    const drive = path.join(data.dir, 'prepared');
    await mkdir(drive);
    await haul(
      'prep',
      '--journal',
      path.join(data.dir, 'job.jrn'),
      '--session',
      's1',
      '--source',
      src,
      '--dest',
      'fromprep/2024/',
      '--target',
      drive,
      '--allow-folder', // a temp folder stands in for the drive
    );

    const r = await importDrive({ azurite, drivePath: drive, storageAccount: ACCOUNT });
    expect(r.outcome).toBe('Completed');
    for (const [f, b] of Object.entries(files)) {
      const got = await azurite
        .client(ACCOUNT)
        .getContainerClient('fromprep')
        .getBlobClient(`2024/${f}`)
        .downloadToBuffer();
      expect(got.equals(b), f).toBe(true);
    }
  });

  it('an export drive passes "haul verify"', async () => {
    const c = azurite.client(ACCOUNT).getContainerClient('toverify');
    await c.createIfNotExists();
    const big = bytes(5_000_000, 72);
    await c.getBlockBlobClient('big.bin').upload(big, big.length);
    await c.getBlockBlobClient('dir/small.txt').upload('small', 5);
    const target = path.join(data.dir, 'exported');
    const r = await exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'verifyme',
      blobList: { blobPathPrefix: ['/toverify/'] },
      targets: [{ path: target, driveId: 'VERIFY-1', capacityBytes: 64 * 1024 * 1024 }],
    });
    expect(r.drives[0]?.blobCount).toBe(2);
    const out = await haul('verify', target);
    expect(out.stdout).toMatch(/VERIFY-1 OK/);

    // And a damaged export drive does not pass.
    const file = path.join(target, 'export-verifyme/toverify/big.bin');
    const buf = await readFile(file);
    buf[10] = buf[10]! ^ 0xff;
    await writeFile(file, buf);
    await expect(haul('verify', target)).rejects.toMatchObject({ code: expect.any(Number) });
  });
});

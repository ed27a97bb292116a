// Real drives: an ext4 file system on a loop device stands for the disk that arrives at the data
// center (mounted read-only for import) or that is filled for an export (capacity = its free space).
// Runs only as root with losetup/mkfs.ext4 available; skipped elsewhere.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToDrives, importDrive, startAzurite, type AzuriteHandle } from '../../../service/datacenter';
import { parseBlobList } from '../../../shared/formats/driveLog';
import { parseDriveManifest } from '../../../shared/formats/driveManifest';
import { BlobClient } from '@azure/storage-blob';
import { bytes, tempDir, writeDrive } from './helpers';

function canLoop(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('losetup', ['-f'], { stdio: 'ignore' });
    execFileSync('mkfs.ext4', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const MiB = 1024 * 1024;
const ACCOUNT = 'loopacct';
let azurite: AzuriteHandle;
let data: { dir: string; cleanup: () => Promise<void> };
const undo: (() => void)[] = [];

/** Makes an ext4 image of `size` bytes, attaches and mounts it; returns the mount point. */
async function makeDisk(name: string, size: number): Promise<{ mnt: string; dev: string }> {
  const img = path.join(data.dir, `${name}.img`);
  const mnt = path.join(data.dir, name);
  await mkdir(mnt, { recursive: true });
  execFileSync('truncate', ['-s', String(size), img]);
  execFileSync('mkfs.ext4', ['-q', '-F', img]);
  const dev = execFileSync('losetup', ['-f', '--show', img], { encoding: 'utf8' }).trim();
  undo.push(() => execFileSync('losetup', ['-d', dev]));
  execFileSync('mount', [dev, mnt]);
  undo.push(() => execFileSync('umount', [mnt]));
  return { mnt, dev };
}

describe.skipIf(!canLoop())('drives on loop devices', () => {
  beforeAll(async () => {
    data = await tempDir('loop');
    azurite = await startAzurite({ dataDir: path.join(data.dir, 'service'), accounts: [ACCOUNT] });
  });

  afterAll(async () => {
    await azurite?.stop();
    for (const u of undo.splice(0).reverse()) {
      try {
        u();
      } catch (e) {
        console.error(`cleanup: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    await data?.cleanup();
  });

  it('D6: imports a prepared drive mounted read-only, byte-exact', async () => {
    const { mnt, dev } = await makeDisk('import', 32 * MiB);
    const payload = bytes(5 * MiB + 3, 31);
    await writeDrive(mnt, 'LOOP-IMPORT', [{ blobPath: 'loop/payload.bin', data: payload }]);
    execFileSync('mount', ['-o', 'remount,ro', dev, mnt]);
    const r = await importDrive({ azurite, drivePath: mnt, storageAccount: ACCOUNT, expectedDriveId: 'LOOP-IMPORT' });
    expect(r.outcome).toBe('Completed');
    const got = await azurite
      .client(ACCOUNT)
      .getContainerClient('loop')
      .getBlobClient('payload.bin')
      .downloadToBuffer();
    expect(got.equals(payload)).toBe(true);
  });

  it('export fills a real disk up to its free space and lists the blobs that did not fit', async () => {
    const container = azurite.client(ACCOUNT).getContainerClient('fill');
    await container.createIfNotExists();
    for (let i = 1; i <= 4; i++) {
      const b = bytes(5 * MiB, 40 + i);
      await container.getBlockBlobClient(`part${i}.bin`).upload(b, b.length);
    }
    const { mnt } = await makeDisk('export', 24 * MiB); // about 20 MB free after formatting
    const r = await exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'fillit',
      blobList: { blobPathPrefix: ['/fill/'] },
      targets: [{ path: mnt, driveId: 'LOOP-EXPORT' }],
    });
    const m = parseDriveManifest(await readFile(path.join(mnt, 'DriveManifest.xml'), 'utf8'));
    expect(m.blobs.map((b) => b.blobPath)).toEqual(['fill/part1.bin', 'fill/part2.bin', 'fill/part3.bin']);
    expect(r.incompleteBlobs.map((b) => b.blobPath)).toEqual(['/fill/part4.bin']);
    const list = await new BlobClient(r.incompleteBlobListUri!, azurite.credential(ACCOUNT)).downloadToBuffer();
    expect(parseBlobList(list.toString('utf8')).blobPath).toEqual(['/fill/part4.bin']);
    expect((await readFile(path.join(mnt, 'export-fillit/fill/part2.bin'))).equals(bytes(5 * MiB, 42))).toBe(true);
  });

  it('two target folders on one disk share its free space instead of both counting all of it', async () => {
    const container = azurite.client(ACCOUNT).getContainerClient('halves');
    await container.createIfNotExists();
    for (let i = 1; i <= 3; i++) {
      const b = bytes(5 * MiB, 60 + i);
      await container.getBlockBlobClient(`h${i}.bin`).upload(b, b.length);
    }
    const { mnt } = await makeDisk('shared', 24 * MiB);
    const a = path.join(mnt, 'a');
    const b = path.join(mnt, 'b');
    const r = await exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'halves',
      blobList: { blobPathPrefix: ['/halves/'] },
      targets: [
        { path: a, driveId: 'HALF-A' },
        { path: b, driveId: 'HALF-B' },
      ],
    });
    expect(r.drives.map((d) => [d.driveId, d.blobCount])).toEqual([
      ['HALF-A', 1],
      ['HALF-B', 1],
    ]);
    expect(r.incompleteBlobs.map((x) => [x.blobPath, x.reason.includes('does not fit')])).toEqual([
      ['/halves/h3.bin', true],
    ]);
  });
});

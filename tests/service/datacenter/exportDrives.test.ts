// Export of blobs from a real Azurite onto drive folders (the prepared-drive layout of docs/formats.md), split by capacity.
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportToDrives,
  importDrive,
  isBitLockerKey,
  startAzurite,
  type AzuriteHandle,
} from '../../../service/datacenter';
import { parseBlobList, parseDriveLog } from '../../../shared/formats/driveLog';
import { BLOCK_SIZE, parseDriveHeader, parseDriveManifest } from '../../../shared/formats/driveManifest';
import { bytes, md5, tempDir } from './helpers';

const ACCOUNT = 'exportacct';
const MiB = 1024 * 1024;
let azurite: AzuriteHandle;
let data: { dir: string; cleanup: () => Promise<void> };
const content: Record<string, Buffer> = {
  '/media/a.bin': bytes(3 * MiB, 21),
  '/media/b.bin': bytes(2 * MiB, 22),
  '/media/big.bin': bytes(9 * MiB, 23),
  '/media/sub/c.txt': Buffer.from('small c'),
  '/other/x.txt': Buffer.from('x marks the spot'),
  '/skipped/y.txt': Buffer.from('not asked for'),
};

beforeAll(async () => {
  data = await tempDir('export');
  azurite = await startAzurite({ dataDir: path.join(data.dir, 'service'), accounts: [ACCOUNT] });
  const svc = azurite.client(ACCOUNT);
  for (const [p, buf] of Object.entries(content)) {
    const [, container, ...rest] = p.split('/');
    const c = svc.getContainerClient(container!);
    await c.createIfNotExists();
    await c.getBlockBlobClient(rest.join('/')).upload(buf, buf.length);
  }
});

afterAll(async () => {
  await azurite?.stop();
  await data?.cleanup();
});

describe('exportToDrives', () => {
  it('writes the requested blobs with a manifest per drive, splits by capacity and lists what did not fit', async () => {
    const t1 = path.join(data.dir, 'drive1');
    const t2 = path.join(data.dir, 'drive2');
    const r = await exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'myexport',
      blobList: { blobPathPrefix: ['/media/'], blobPath: ['/other/x.txt', '/other/nope.txt'] },
      targets: [
        { path: t1, driveId: 'EXP1', capacityBytes: 5 * MiB },
        { path: t2, driveId: 'EXP2', capacityBytes: 5 * MiB },
      ],
      logLevel: 'Verbose',
    });

    // a (3 MiB) fills drive 1, b (2 MiB) does not fit next to it and goes to drive 2, big (9 MiB) fits nowhere.
    const placed = Object.fromEntries(
      await Promise.all(
        [t1, t2].map(async (t) => {
          const xml = await readFile(path.join(t, 'DriveManifest.xml'), 'utf8');
          const m = parseDriveManifest(xml);
          const header = parseDriveHeader(await readFile(path.join(t, 'HaulDrive.json'), 'utf8'));
          expect(header.manifestHash).toBe(md5(xml));
          expect(header).toMatchObject({ driveId: m.driveId, jobName: 'myexport', sessionIds: ['export-myexport'] });
          for (const b of m.blobs) {
            const file = await readFile(path.join(t, ...b.filePath.split('/')));
            expect(file.equals(content[`/${b.blobPath}`]!)).toBe(true);
            expect(b.filePath).toBe(`export-myexport/${b.blobPath}`);
            for (const k of b.blocks) {
              expect(k.length).toBeLessThanOrEqual(BLOCK_SIZE);
              expect(md5(file.subarray(k.offset, k.offset + k.length))).toBe(k.hash);
            }
          }
          return [m.driveId, m.blobs.map((b) => b.blobPath).sort()];
        }),
      ),
    );
    expect(placed).toEqual({ EXP1: ['media/a.bin', 'media/sub/c.txt', 'other/x.txt'], EXP2: ['media/b.bin'] });

    expect(r.incompleteBlobs.map((b) => b.blobPath).sort()).toEqual(['/media/big.bin', '/other/nope.txt']);
    expect(r.incompleteBlobs.find((b) => b.blobPath === '/media/big.bin')?.reason).toMatch(/does not fit/);
    expect(r.incompleteBlobs.find((b) => b.blobPath === '/other/nope.txt')?.reason).toMatch(/does not exist/);
    const listXml = await new BlobClient(r.incompleteBlobListUri!, azurite.credential(ACCOUNT)).downloadToBuffer();
    expect(parseBlobList(listXml.toString('utf8')).blobPath.sort()).toEqual(['/media/big.bin', '/other/nope.txt']);

    const d1 = r.drives.find((d) => d.driveId === 'EXP1')!;
    expect(d1.bytes).toBe(3 * MiB + content['/media/sub/c.txt']!.length + content['/other/x.txt']!.length);
    expect(d1.manifestHash).toBe(md5(await readFile(path.join(t1, 'DriveManifest.xml'))));
    expect(isBitLockerKey(d1.bitLockerKey)).toBe(true);
    expect(r.bytesSucceeded).toBe(r.bytesTotal);
    const verbose = parseDriveLog(
      (await new BlobClient(d1.verboseLogUri!, azurite.credential(ACCOUNT)).downloadToBuffer()).toString('utf8'),
    );
    expect(verbose.blobs.map((b) => b.blobPath).sort()).toEqual(['media/a.bin', 'media/sub/c.txt', 'other/x.txt']);

    // An export drive is a prepared drive: importing it elsewhere gives the same bytes (D6).
    await azurite.ensureAccounts(['roundtrip']);
    const back = await importDrive({ azurite, drivePath: t1, storageAccount: 'roundtrip', expectedDriveId: 'EXP1' });
    expect(back.outcome).toBe('Completed');
    const got = await azurite.client('roundtrip').getContainerClient('media').getBlobClient('a.bin').downloadToBuffer();
    expect(got.equals(content['/media/a.bin']!)).toBe(true);
  });

  it('"/" exports every container; no incomplete list when everything fits', async () => {
    const t = path.join(data.dir, 'all');
    const r = await exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'everything',
      blobList: { blobPathPrefix: ['/'] },
      targets: [{ path: t, capacityBytes: 64 * MiB }],
    });
    const m = parseDriveManifest(await readFile(path.join(t, 'DriveManifest.xml'), 'utf8'));
    const paths = m.blobs.map((b) => `/${b.blobPath}`);
    for (const p of Object.keys(content)) expect(paths).toContain(p);
    expect(r.incompleteBlobs).toEqual([]);
    expect(r.incompleteBlobListUri).toBeUndefined();
  });

  it('a container-name prefix selects containers; a blob prefix selects blobs within one container', async () => {
    const t = path.join(data.dir, 'prefix');
    await exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'prefixes',
      blobList: { blobPathPrefix: ['/oth', '/media/sub/'] },
      targets: [{ path: t, capacityBytes: 64 * MiB }],
    });
    const m = parseDriveManifest(await readFile(path.join(t, 'DriveManifest.xml'), 'utf8'));
    expect(m.blobs.map((b) => b.blobPath).sort()).toEqual(['media/sub/c.txt', 'other/x.txt']);
  });

  it('refuses a target that already holds other data, and leaves it untouched', async () => {
    const t = path.join(data.dir, 'busy');
    await mkdir(t, { recursive: true });
    await writeFile(path.join(t, 'family-photos.zip'), 'precious');
    await expect(
      exportToDrives({
        azurite,
        storageAccount: ACCOUNT,
        jobName: 'busyjob',
        blobList: { blobPath: ['/other/x.txt'] },
        targets: [{ path: t }],
      }),
    ).rejects.toThrow(/not empty.*family-photos\.zip/);
    expect(await readdir(t)).toEqual(['family-photos.zip']);
    expect(await readFile(path.join(t, 'family-photos.zip'), 'utf8')).toBe('precious');
  });

  it('a blob whose data does not match its Content-MD5 is not exported as if it were good', async () => {
    const c = azurite.client(ACCOUNT).getContainerClient('damaged');
    await c.createIfNotExists();
    await c.getBlockBlobClient('good.txt').upload('good', 4);
    await c.getBlockBlobClient('bad.txt').upload('bad!', 4);
    await c.getBlockBlobClient('bad.txt').setHTTPHeaders({ blobContentMD5: Buffer.alloc(16, 7) });
    const t = path.join(data.dir, 'damaged');
    const r = await exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'damagedjob',
      blobList: { blobPathPrefix: ['/damaged/'] },
      targets: [{ path: t, capacityBytes: 64 * MiB }],
    });
    expect(r.incompleteBlobs).toEqual([
      expect.objectContaining({ blobPath: '/damaged/bad.txt', reason: expect.stringMatching(/Content-MD5/) }),
    ]);
    const m = parseDriveManifest(await readFile(path.join(t, 'DriveManifest.xml'), 'utf8'));
    expect(m.blobs.map((b) => b.blobPath)).toEqual(['damaged/good.txt']);
    expect(await readdir(path.join(t, 'export-damagedjob/damaged'))).toEqual(['good.txt']);
    expect(r.drives[0]?.outcome).toBe('CompletedMoreInfo');
  });

  it('G2: reports byte progress up to the total, and stops on abort without writing a manifest', async () => {
    const seen: number[] = [];
    const t = path.join(data.dir, 'progress');
    const r = await exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'progress',
      blobList: { blobPath: ['/media/a.bin', '/media/b.bin'] },
      targets: [{ path: t, capacityBytes: 64 * MiB }],
      onProgress: (p) => seen.push(p.bytesProcessed),
    });
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(seen.at(-1)).toBe(5 * MiB);
    expect(r.bytesTotal).toBe(5 * MiB);

    const ac = new AbortController();
    const t2 = path.join(data.dir, 'aborted');
    const p = exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'aborted',
      blobList: { blobPath: ['/media/a.bin', '/media/b.bin'] },
      targets: [{ path: t2, capacityBytes: 64 * MiB }],
      signal: ac.signal,
      onProgress: (pr) => {
        if (pr.bytesProcessed > 0) ac.abort(new Error('operator stopped the export'));
      },
    });
    await expect(p).rejects.toThrow('operator stopped the export');
    expect(await readdir(t2)).not.toContain('DriveManifest.xml');
  });

  it('refuses a prefix that cannot name a container, saying which one', async () => {
    await expect(
      exportToDrives({
        azurite,
        storageAccount: ACCOUNT,
        jobName: 'badprefix',
        blobList: { blobPathPrefix: ['/Media_Files/x'] },
        targets: [{ path: path.join(data.dir, 'badprefix'), capacityBytes: MiB * 8 }],
      }),
    ).rejects.toThrow(/"\/Media_Files\/x" is not valid: container name "Media_Files"/);
  });

  it('refuses overlapping target folders before writing anything', async () => {
    const t = path.join(data.dir, 'overlap');
    await expect(
      exportToDrives({
        azurite,
        storageAccount: ACCOUNT,
        jobName: 'overlap',
        blobList: { blobPath: ['/other/x.txt'] },
        targets: [{ path: t }, { path: path.join(t, 'inner') }],
      }),
    ).rejects.toThrow(/overlap; each drive needs its own folder/);
    await expect(readdir(t)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads the blob list from export.blobListBlobPath', async () => {
    const list =
      '<?xml version="1.0" encoding="utf-8"?><BlobList><BlobPath>/other/x.txt</BlobPath><BlobPathPrefix>/media/sub/</BlobPathPrefix></BlobList>';
    await azurite.client(ACCOUNT).getContainerClient('lists').createIfNotExists();
    await azurite
      .client(ACCOUNT)
      .getContainerClient('lists')
      .getBlockBlobClient('export.xml')
      .upload(list, list.length);
    const t = path.join(data.dir, 'fromlist');
    const r = await exportToDrives({
      azurite,
      storageAccount: ACCOUNT,
      jobName: 'fromlist',
      blobListBlobPath: 'lists/export.xml',
      targets: [{ path: t, capacityBytes: 64 * MiB }],
    });
    expect(r.drives[0]?.blobCount).toBe(2);
  });
});

// Import of prepared drives into a real Azurite on loopback (D6, D7, G2, G4, F1).
import { readFile, writeFile, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { BlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDrive, startAzurite, type AzuriteHandle, type TransferProgress } from '../../../service/datacenter';
import { parseDriveLog } from '../../../shared/formats/driveLog';
import { BLOCK_SIZE } from '../../../shared/formats/driveManifest';
import { bytes, tempDir, writeDrive } from './helpers';

const ACCOUNT = 'importacct';
let azurite: AzuriteHandle;
let data: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  data = await tempDir('import');
  azurite = await startAzurite({ dataDir: path.join(data.dir, 'service'), accounts: [ACCOUNT] });
});

afterAll(async () => {
  await azurite?.stop();
  await data?.cleanup();
});

const download = (container: string, blob: string) =>
  azurite.client(ACCOUNT).getContainerClient(container).getBlobClient(blob).downloadToBuffer();
const exists = (container: string, blob: string) =>
  azurite.client(ACCOUNT).getContainerClient(container).getBlobClient(blob).exists();
const fetchLog = async (uri: string | undefined) => {
  expect(uri, 'log URI').toBeTruthy();
  const buf = await new BlobClient(uri as string, azurite.credential(ACCOUNT)).downloadToBuffer();
  return parseDriveLog(buf.toString('utf8'));
};
let n = 0;
const driveDir = () => path.join(data.dir, `drive${++n}`);

describe('importDrive', () => {
  it('D6, G2, G4: imports every blob byte-exact, reports progress to 100 % and writes error and verbose logs', async () => {
    const big = bytes(2 * BLOCK_SIZE + 12345, 7); // three blocks, the last one shorter
    const small = Buffer.from('hello, data center\n');
    const dir = driveDir();
    await writeDrive(dir, 'DRIVE-D6', [
      { blobPath: 'photos/2024/big.bin', data: big },
      { blobPath: 'photos/notes.txt', data: small },
      { blobPath: 'docs/empty.txt', data: Buffer.alloc(0) },
    ]);
    const seen: TransferProgress[] = [];
    const r = await importDrive({
      azurite,
      drivePath: dir,
      storageAccount: ACCOUNT,
      expectedDriveId: 'DRIVE-D6',
      logLevel: 'Verbose',
      onProgress: (p) => seen.push(p),
    });

    expect(r.outcome).toBe('Completed');
    expect(r.logStatus).toBe('Completed');
    expect(r.bytesSucceeded).toBe(big.length + small.length);
    expect(r.copyStatus).toMatch(/^Completed: 3 of 3 blobs imported/);
    expect(r.issues).toEqual({ errors: 0, warnings: 0, overwrites: 0 });
    expect((await download('photos', '2024/big.bin')).equals(big)).toBe(true);
    expect((await download('photos', 'notes.txt')).equals(small)).toBe(true);
    expect((await download('docs', 'empty.txt')).length).toBe(0);
    const props = await azurite
      .client(ACCOUNT)
      .getContainerClient('photos')
      .getBlobClient('2024/big.bin')
      .getProperties();
    expect(Buffer.from(props.contentMD5 ?? new Uint8Array()).toString('hex')).toBe(
      (await import('node:crypto')).createHash('md5').update(big).digest('hex'),
    );

    // G2: progress only grows and ends at the drive's total.
    const processed = seen.map((p) => p.bytesProcessed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({
      bytesProcessed: big.length + small.length,
      bytesTotal: big.length + small.length,
      blobsDone: 3,
    });
    expect(seen.length).toBeGreaterThan(4);

    // G4: error log (empty of issues) and verbose log (every blob and block) in waimportexport.
    expect(r.errorLogUri).toMatch(new RegExp(`/${ACCOUNT}/waimportexport/DRIVE-D6_\\d{8}-\\d{6}-\\d{3}_error\\.xml$`));
    const errLog = await fetchLog(r.errorLogUri);
    expect(errLog).toMatchObject({ driveId: 'DRIVE-D6', status: 'Completed', blobs: [] });
    const verbose = await fetchLog(r.verboseLogUri);
    expect(verbose.blobs.map((b) => [b.blobPath, b.status])).toEqual([
      ['photos/2024/big.bin', 'Completed'],
      ['photos/notes.txt', 'Completed'],
      ['docs/empty.txt', 'Completed'],
    ]);
    expect(verbose.blobs[0]?.blocks.map((b) => [b.offset, b.length, b.status])).toEqual([
      [0, BLOCK_SIZE, 'Completed'],
      [BLOCK_SIZE, BLOCK_SIZE, 'Completed'],
      [2 * BLOCK_SIZE, 12345, 'Completed'],
    ]);
  });

  it('D7: a corrupt block leaves no blob, names blob and block in the error log, and the other blobs still import', async () => {
    const big = bytes(2 * BLOCK_SIZE + 100, 11);
    const ok = Buffer.from('fine');
    const dir = driveDir();
    await writeDrive(dir, 'DRIVE-CORRUPT', [
      { blobPath: 'corrupt/video.bin', data: big },
      { blobPath: 'corrupt/ok.txt', data: ok },
    ]);
    // Damage one byte of the second block on the drive, after preparation.
    const fh = await open(path.join(dir, 's1/corrupt/video.bin'), 'r+');
    await fh.write(Buffer.from([big[BLOCK_SIZE + 5]! ^ 0xff]), 0, 1, BLOCK_SIZE + 5);
    await fh.close();

    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT, logLevel: 'Verbose' });
    expect(r.outcome).toBe('CompletedMoreInfo');
    expect(r.logStatus).toBe('CompletedWithErrors');
    expect(await exists('corrupt', 'video.bin')).toBe(false);
    const verbose = await fetchLog(r.verboseLogUri);
    expect(verbose.blobs[0]?.blocks.map((b) => b.status)).toEqual(['Uncommitted', 'Md5Mismatch', 'Uncommitted']);
    expect((await download('corrupt', 'ok.txt')).equals(ok)).toBe(true);
    expect(r.bytesSucceeded).toBe(ok.length);
    expect(r.issues).toEqual({ errors: 1, warnings: 0, overwrites: 0 });
    expect(r.blobs.find((b) => b.blobPath === 'corrupt/video.bin')).toMatchObject({
      status: 'CompletedWithErrors',
      message: expect.stringContaining(`block 1 (offset ${BLOCK_SIZE}`),
    });

    const log = await fetchLog(r.errorLogUri);
    expect(log.status).toBe('CompletedWithErrors');
    expect(log.blobs).toHaveLength(1);
    const blob = log.blobs[0]!;
    expect(blob).toMatchObject({
      blobPath: 'corrupt/video.bin',
      filePath: 's1/corrupt/video.bin',
      status: 'CompletedWithErrors',
    });
    expect(blob.blocks).toEqual([
      expect.objectContaining({ offset: BLOCK_SIZE, length: BLOCK_SIZE, status: 'Md5Mismatch' }),
    ]);
    expect(blob.message).toMatch(/MD5/);
  });

  it('D7: a file missing from the drive is reported as FileNotFound', async () => {
    const dir = driveDir();
    await writeDrive(dir, 'DRIVE-MISSING', [
      { blobPath: 'missing/here.txt', data: Buffer.from('here') },
      { blobPath: 'missing/gone.txt', data: Buffer.from('gone'), omitFile: true },
    ]);
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect(r.outcome).toBe('CompletedMoreInfo');
    expect(await exists('missing', 'gone.txt')).toBe(false);
    expect(await exists('missing', 'here.txt')).toBe(true);
    const log = await fetchLog(r.errorLogUri);
    expect(log.blobs).toEqual([
      expect.objectContaining({
        blobPath: 'missing/gone.txt',
        status: 'FileNotFound',
        message: expect.stringContaining('s1/missing/gone.txt'),
      }),
    ]);
  });

  it('D7: dispositions with a pre-existing blob: rename keeps both, no-overwrite skips, overwrite replaces', async () => {
    const container = azurite.client(ACCOUNT).getContainerClient('dispo');
    await container.createIfNotExists();
    const old = Buffer.from('the original');
    for (const name of ['r.txt', 'r (1).txt', 'keep.txt', 'over.txt'])
      await container.getBlockBlobClient(name).upload(old, old.length);
    const dir = driveDir();
    await writeDrive(dir, 'DRIVE-DISPO', [
      { blobPath: 'dispo/r.txt', data: Buffer.from('renamed copy'), disposition: 'rename' },
      { blobPath: 'dispo/keep.txt', data: Buffer.from('should not land'), disposition: 'no-overwrite' },
      { blobPath: 'dispo/over.txt', data: Buffer.from('the replacement'), disposition: 'overwrite' },
      { blobPath: 'dispo/fresh.txt', data: Buffer.from('new'), disposition: 'no-overwrite' },
    ]);
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });

    expect(r.outcome).toBe('CompletedMoreInfo');
    expect(r.logStatus).toBe('CompletedWithWarnings');
    expect((await download('dispo', 'r.txt')).equals(old)).toBe(true);
    expect((await download('dispo', 'r (2).txt')).toString()).toBe('renamed copy');
    expect((await download('dispo', 'keep.txt')).equals(old)).toBe(true);
    expect((await download('dispo', 'over.txt')).toString()).toBe('the replacement');
    expect((await download('dispo', 'fresh.txt')).toString()).toBe('new');

    const log = await fetchLog(r.errorLogUri);
    const byPath = Object.fromEntries(log.blobs.map((b) => [b.blobPath, b]));
    expect(Object.keys(byPath).sort()).toEqual(['dispo/keep.txt', 'dispo/over.txt', 'dispo/r.txt']);
    expect(byPath['dispo/r.txt']).toMatchObject({
      status: 'Completed',
      importDisposition: { value: 'rename', status: 'Renamed' },
      importedAs: 'dispo/r (2).txt',
    });
    expect(byPath['dispo/keep.txt']).toMatchObject({
      status: 'Completed',
      importDisposition: { value: 'no-overwrite', status: 'Skipped' },
    });
    expect(byPath['dispo/over.txt']).toMatchObject({
      status: 'Completed',
      importDisposition: { value: 'overwrite', status: 'Overwritten' },
    });
    expect(r.bytesSucceeded).toBe('renamed copy'.length + 'the replacement'.length + 'new'.length);
    expect(r.issues).toEqual({ errors: 0, warnings: 2, overwrites: 1 });
  });

  it('two drives importing the same blob at once never mix their blocks', async () => {
    const a = bytes(3 * BLOCK_SIZE, 51);
    const b = bytes(3 * BLOCK_SIZE, 52);
    const dirA = driveDir();
    const dirB = driveDir();
    await writeDrive(dirA, 'DRIVE-SAME-A', [{ blobPath: 'same/blob.bin', data: a, disposition: 'overwrite' }]);
    await writeDrive(dirB, 'DRIVE-SAME-B', [{ blobPath: 'same/blob.bin', data: b, disposition: 'overwrite' }]);
    const [ra, rb] = await Promise.all([
      importDrive({ azurite, drivePath: dirA, storageAccount: ACCOUNT, concurrency: 1 }),
      importDrive({ azurite, drivePath: dirB, storageAccount: ACCOUNT, concurrency: 1 }),
    ]);
    expect(ra.blobs[0]?.status).toBe('Completed');
    expect(rb.blobs[0]?.status).toBe('Completed');
    const got = await download('same', 'blob.bin');
    expect(got.equals(a) || got.equals(b)).toBe(true);

    // With rename, both land: one under the name, the other under the first free "(n)" name.
    const dirC = driveDir();
    const dirD = driveDir();
    await writeDrive(dirC, 'DRIVE-SAME-C', [{ blobPath: 'same2/r.bin', data: a }]);
    await writeDrive(dirD, 'DRIVE-SAME-D', [{ blobPath: 'same2/r.bin', data: b }]);
    const [rc, rd] = await Promise.all([
      importDrive({ azurite, drivePath: dirC, storageAccount: ACCOUNT }),
      importDrive({ azurite, drivePath: dirD, storageAccount: ACCOUNT }),
    ]);
    expect([rc.outcome, rd.outcome].sort()).toEqual(['Completed', 'CompletedMoreInfo']);
    const both = [await download('same2', 'r.bin'), await download('same2', 'r (1).bin')];
    expect(both.some((x) => x.equals(a)) && both.some((x) => x.equals(b))).toBe(true);
  });

  it('D7: a corrupt file with disposition overwrite leaves the existing blob as it was', async () => {
    const container = azurite.client(ACCOUNT).getContainerClient('keepsafe');
    await container.createIfNotExists();
    const original = bytes(BLOCK_SIZE + 10, 3);
    await container.getBlockBlobClient('precious.bin').upload(original, original.length);
    const dir = driveDir();
    const replacement = bytes(2 * BLOCK_SIZE, 4);
    await writeDrive(dir, 'DRIVE-OVERCORRUPT', [
      { blobPath: 'keepsafe/precious.bin', data: replacement, disposition: 'overwrite' },
    ]);
    const fh = await open(path.join(dir, 's1/keepsafe/precious.bin'), 'r+');
    await fh.write(Buffer.from([replacement[2 * BLOCK_SIZE - 1]! ^ 1]), 0, 1, 2 * BLOCK_SIZE - 1);
    await fh.close();
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect(r.outcome).toBe('CompletedMoreInfo');
    expect(r.blobs[0]).toMatchObject({ status: 'CompletedWithErrors' });
    expect((await download('keepsafe', 'precious.bin')).equals(original)).toBe(true);
  });

  it('starting the same drive again (after a crash) does not import its blobs twice', async () => {
    const container = azurite.client(ACCOUNT).getContainerClient('rerun');
    await container.createIfNotExists();
    await container.getBlockBlobClient('taken.txt').upload('someone else', 12);
    const dir = driveDir();
    const pageData = bytes(1024, 8);
    await writeDrive(dir, 'DRIVE-RERUN', [
      { blobPath: 'rerun/fresh.txt', data: Buffer.from('fresh') },
      { blobPath: 'rerun/taken.txt', data: Buffer.from('mine'), disposition: 'rename' },
      { blobPath: 'rerun/disk.vhd', data: pageData, blobType: 'PageBlob' },
    ]);
    const first = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    const second = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    expect(names.sort()).toEqual(['disk.vhd', 'fresh.txt', 'taken (1).txt', 'taken.txt']);
    expect(second.outcome).toBe(first.outcome);
    expect(second.bytesSucceeded).toBe(first.bytesSucceeded);
    expect(second.issues).toEqual(first.issues);
    expect(second.blobs.find((b) => b.blobPath === 'rerun/taken.txt')).toMatchObject({
      importedAs: 'rerun/taken (1).txt',
      disposition: { status: 'Renamed' },
    });

    // A different drive with the same blob paths is not mistaken for the earlier run.
    const other = driveDir();
    await writeDrive(other, 'DRIVE-OTHER', [{ blobPath: 'rerun/fresh.txt', data: Buffer.from('fresh') }]);
    const r = await importDrive({ azurite, drivePath: other, storageAccount: ACCOUNT });
    expect(r.blobs[0]).toMatchObject({ importedAs: 'rerun/fresh (1).txt', disposition: { status: 'Renamed' } });
  });

  it('D7: a second job importing a drive another job imported reads it again, and catches a block corrupted since', async () => {
    const data = bytes(BLOCK_SIZE + 4096, 9);
    const dir = driveDir();
    await writeDrive(dir, 'DRIVE-TWICE', [{ blobPath: 'twice/data.bin', data, disposition: 'rename' }]);
    const first = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT, job: 'rg/first' });
    expect(first.outcome).toBe('Completed');
    // The same job again (a re-run after a crash) recognises its own work and reads nothing twice.
    const rerun = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT, job: 'rg/first' });
    expect(rerun.blobs[0]).toMatchObject({ status: 'Completed', disposition: { status: 'Created' } });
    expect(await exists('twice', 'data (1).bin')).toBe(false);

    // The drive is damaged on its way back and sent in with another job.
    const fh = await open(path.join(dir, 's1/twice/data.bin'), 'r+');
    await fh.write(Buffer.from('XX'), 0, 2, BLOCK_SIZE + 10);
    await fh.close();
    const second = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT, job: 'rg/second' });
    expect(second.outcome).toBe('CompletedMoreInfo');
    expect(second.blobs[0]).toMatchObject({ status: 'CompletedWithErrors' });
    expect(second.blobs[0]?.message).toMatch(/block 1 .* MD5 .* corrupt/);
    expect(await exists('twice', 'data (1).bin')).toBe(false);
    expect((await download('twice', 'data.bin')).equals(data)).toBe(true);
  });

  it('D7: an overwrite alone is an informational issue (CompletedWithInfo)', async () => {
    const container = azurite.client(ACCOUNT).getContainerClient('info');
    await container.createIfNotExists();
    await container.getBlockBlobClient('x.txt').upload('old', 3);
    const dir = driveDir();
    await writeDrive(dir, 'DRIVE-INFO', [
      { blobPath: 'info/x.txt', data: Buffer.from('new!'), disposition: 'overwrite' },
    ]);
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect(r).toMatchObject({ outcome: 'CompletedMoreInfo', logStatus: 'CompletedWithInfo' });
    expect((await download('info', 'x.txt')).toString()).toBe('new!');
  });

  it('imports a page blob byte-exact, and a corrupt page range leaves no page blob', async () => {
    const disk = bytes(BLOCK_SIZE + 512 * 3, 5);
    const bad = bytes(512 * 8, 6);
    const dir = driveDir();
    await writeDrive(dir, 'DRIVE-PAGE', [
      { blobPath: 'vhds/disk.vhd', data: disk, blobType: 'PageBlob' },
      { blobPath: 'vhds/bad.vhd', data: bad, blobType: 'PageBlob' },
    ]);
    const fh = await open(path.join(dir, 's1/vhds/bad.vhd'), 'r+');
    await fh.write(Buffer.from('XX'), 0, 2, 100);
    await fh.close();
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect(r.outcome).toBe('CompletedMoreInfo');
    const props = await azurite.client(ACCOUNT).getContainerClient('vhds').getBlobClient('disk.vhd').getProperties();
    expect(props.blobType).toBe('PageBlob');
    expect((await download('vhds', 'disk.vhd')).equals(disk)).toBe(true);
    expect(await exists('vhds', 'bad.vhd')).toBe(false);
    const names: string[] = [];
    for await (const b of azurite.client(ACCOUNT).getContainerClient('vhds').listBlobsFlat()) names.push(b.name);
    expect(names).toEqual(['disk.vhd']); // no staging blob left behind
    const log = await fetchLog(r.errorLogUri);
    expect(log.blobs[0]).toMatchObject({
      blobPath: 'vhds/bad.vhd',
      blobType: 'PageBlob',
      blocks: [expect.objectContaining({ offset: 0, status: 'Md5Mismatch' })],
    });
  });

  it('D7: a file that is a link pointing outside the drive is not read', async () => {
    const dir = driveDir();
    const secret = path.join(data.dir, 'outside-secret.txt');
    await writeFile(secret, 'service secrets');
    await writeDrive(dir, 'DRIVE-LINK', [
      { blobPath: 'links/s.txt', data: Buffer.from('service secrets'), omitFile: true },
    ]);
    await (await import('node:fs/promises')).mkdir(path.join(dir, 's1/links'), { recursive: true });
    await (await import('node:fs/promises')).symlink(secret, path.join(dir, 's1/links/s.txt'));
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect(r.outcome).toBe('CompletedMoreInfo');
    expect(r.blobs[0]).toMatchObject({
      status: 'FileNameInvalid',
      message: expect.stringContaining('outside the drive'),
    });
    expect(await exists('links', 's.txt')).toBe(false);
  });

  it('F1: a folder without a manifest faults the drive, with the reason in an error log', async () => {
    const dir = driveDir();
    await (await import('node:fs/promises')).mkdir(dir, { recursive: true });
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT, expectedDriveId: 'DRIVE-NONE' });
    expect(r).toMatchObject({
      outcome: 'Faulted',
      logStatus: 'ManifestNotFound',
      driveId: 'DRIVE-NONE',
      bytesSucceeded: 0,
    });
    expect(r.reason).toContain(dir);
    const log = await fetchLog(r.errorLogUri);
    expect(log).toMatchObject({ driveId: 'DRIVE-NONE', status: 'ManifestNotFound' });

    const nowhere = await importDrive({
      azurite,
      drivePath: path.join(data.dir, 'no-such-drive'),
      storageAccount: ACCOUNT,
    });
    expect(nowhere).toMatchObject({ outcome: 'Faulted', logStatus: 'DiskNotFound' });
  });

  it('F1: a manifest changed after preparation, or the wrong drive, faults without importing anything', async () => {
    const dir = driveDir();
    const xml = await writeDrive(dir, 'DRIVE-TAMPER', [{ blobPath: 'tamper/a.txt', data: Buffer.from('a') }]);
    const wrong = await importDrive({
      azurite,
      drivePath: dir,
      storageAccount: ACCOUNT,
      expectedDriveId: 'SOMETHING-ELSE',
    });
    expect(wrong).toMatchObject({ outcome: 'Faulted', logStatus: 'ManifestDriveIdMismatch' });
    expect(wrong.reason).toContain('SOMETHING-ELSE');

    await writeFile(path.join(dir, 'DriveManifest.xml'), xml.replace('tamper/a.txt', 'tamper/b.txt'));
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect(r).toMatchObject({ outcome: 'Faulted', logStatus: 'ManifestCorrupted' });
    expect(await exists('tamper', 'a.txt')).toBe(false);
    expect(await exists('tamper', 'b.txt')).toBe(false);
  });

  it('honours diagnosticsPath with a virtual directory and backs up the manifest', async () => {
    const dir = driveDir();
    const xml = await writeDrive(dir, 'DRIVE-DIAG', [{ blobPath: 'diag/a.txt', data: Buffer.from('a') }]);
    const r = await importDrive({
      azurite,
      drivePath: dir,
      storageAccount: ACCOUNT,
      diagnosticsPath: 'mylogs/job7',
      backupDriveManifest: true,
      now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    });
    expect(r.errorLogUri).toMatch(/\/mylogs\/job7\/DRIVE-DIAG_20260102-030405-006_error\.xml$/);
    const backup = await new BlobClient(r.manifestUri as string, azurite.credential(ACCOUNT)).downloadToBuffer();
    expect(backup.toString('utf8')).toBe(xml);
  });

  it('cancels on abort without committing the blob in progress', async () => {
    const big = bytes(3 * BLOCK_SIZE, 9);
    const dir = driveDir();
    await writeDrive(dir, 'DRIVE-ABORT', [{ blobPath: 'abort/big.bin', data: big }]);
    const ac = new AbortController();
    const p = importDrive({
      azurite,
      drivePath: dir,
      storageAccount: ACCOUNT,
      signal: ac.signal,
      onProgress: (pr) => {
        if (pr.bytesProcessed >= BLOCK_SIZE) ac.abort(new Error('operator cancelled'));
      },
    });
    await expect(p).rejects.toThrow('operator cancelled');
    expect(await exists('abort', 'big.bin')).toBe(false);
  });

  it('keeps the drive readable-only: the files on the drive are unchanged after import', async () => {
    const dir = driveDir();
    const content = Buffer.from('unchanged');
    await writeDrive(dir, 'DRIVE-RO', [{ blobPath: 'ro/a.txt', data: content }]);
    await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect((await readFile(path.join(dir, 's1/ro/a.txt'))).equals(content)).toBe(true);
    await rm(dir, { recursive: true });
  });
});

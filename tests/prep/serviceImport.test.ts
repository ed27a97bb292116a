// Done-when: a drive prepared by `haul prep` is imported byte-exact by the local service's data
// center (service/datacenter importDrive into Azurite) — the two sides of contract 2 together.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importDrive, startAzurite, type AzuriteHandle } from '../../service/datacenter';
import { parseDriveHeader, parseDriveManifest } from '../../shared/formats/driveManifest';
import { makeDrives } from './drives.helpers';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'haul-prep-import-'));
const drives = makeDrives(work, 1, 32);
let azurite: AzuriteHandle | undefined;
afterAll(async () => {
  await azurite?.stop();
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** `haul prep` of dataset.csv (with `rows` under its header) onto the test drive. */
function prep(rows: string[], journal: string) {
  writeFileSync(
    join(work, 'dataset.csv'),
    ['BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile', ...rows].join('\n'),
  );
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'main/cli/haul.ts',
      'prep',
      '--journal',
      join(work, journal),
      '--session',
      's1',
      '--dataset',
      join(work, 'dataset.csv'),
      '--target',
      drives.mounts[0]!,
    ],
    { cwd: repo, encoding: 'utf8' },
  );
}

describe('a drive prepared by haul prep', () => {
  it('D6: imports into the local service byte-exact, block and page blobs alike', async () => {
    const src = join(work, 'src');
    const files: Record<string, Buffer> = {
      'photos/2024/big.bin': randomBytes(2 * 4 * 1024 * 1024 + 999), // three blocks, the last shorter
      'photos/2024/small.txt': Buffer.from('hello from the customer\n'),
      'photos/empty.txt': Buffer.alloc(0),
      'vhds/disk.vhd': randomBytes(512 * 40),
    };
    for (const [rel, data] of Object.entries(files)) {
      mkdirSync(join(src, rel, '..'), { recursive: true });
      writeFileSync(join(src, rel), data);
    }
    writeFileSync(
      join(work, 'dataset.csv'),
      [
        'BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile',
        `"${src}/photos/",photos/,BlockBlob,rename,None,None`,
        `"${src}/vhds/disk.vhd",vhds/disk.vhd,PageBlob,overwrite,None,None`,
      ].join('\n'),
    );
    const target = join(work, 'drive');
    mkdirSync(target);
    const prep = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'main/cli/haul.ts',
        'prep',
        '--journal',
        join(work, 'job.jrn'),
        '--session',
        's1',
        '--dataset',
        join(work, 'dataset.csv'),
        '--target',
        target,
        '--allow-folder', // a temp folder stands in for the drive
        '--verify',
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(prep.status, prep.stdout + prep.stderr).toBe(0);
    const driveId = parseDriveHeader(readFileSync(join(target, 'HaulDrive.json'), 'utf8')).driveId;

    azurite = await startAzurite({ dataDir: join(work, 'service'), accounts: ['prepacct'] });
    const r = await importDrive({
      azurite,
      drivePath: target,
      storageAccount: 'prepacct',
      expectedDriveId: driveId,
      logLevel: 'Verbose',
    });
    expect(r.outcome, r.copyStatus).toBe('Completed');
    const client = azurite.client('prepacct');
    for (const [rel, data] of Object.entries(files)) {
      const container = rel.startsWith('vhds/') ? 'vhds' : 'photos';
      const blob = rel.slice(container.length + 1);
      const got = await client.getContainerClient(container).getBlobClient(blob).downloadToBuffer();
      expect(createHash('md5').update(got).digest('hex'), rel).toBe(createHash('md5').update(data).digest('hex'));
    }
    const props = await client.getContainerClient('vhds').getBlobClient('disk.vhd').getProperties();
    expect(props.blobType).toBe('PageBlob');
  }, 180_000);
});

describe('a file larger than the format lets a blob be', () => {
  it('stops pre-flight, naming the file, before anything is read or written', () => {
    drives.clear();
    const dir = join(work, 'huge-src');
    mkdirSync(dir, { recursive: true });
    const huge = join(dir, 'huge.bin');
    // sparse: 1 byte over 50,000 blocks of 4 MiB, with no data on disk
    writeFileSync(huge, '');
    truncateSync(huge, 50_000 * 4 * 1024 * 1024 + 1);
    const r = prep([`"${huge}",big/huge.bin,BlockBlob,rename,None,None`], 'huge.jrn');
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain(huge);
    expect(r.stdout).toMatch(/cannot be imported as a BlockBlob: a block blob is at most 50000 blocks of 4 MiB/);
    expect(existsSync(join(drives.mounts[0]!, 'DriveManifest.xml'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

describe("a dataset row's MetadataFile and PropertiesFile", () => {
  const src = join(work, 'side-src');
  mkdirSync(join(src, 'pics'), { recursive: true });
  writeFileSync(join(src, 'pics/a.jpg'), randomBytes(5000));
  writeFileSync(join(src, 'pics/b.jpg'), randomBytes(70));
  const meta = join(work, 'pics.metadata.xml');
  const props = join(work, 'pics.properties.xml');
  writeFileSync(
    meta,
    '<?xml version="1.0" encoding="UTF-8"?>\n<Metadata><Camera>X100</Camera><Trip>Lisbon</Trip></Metadata>\n',
  );
  writeFileSync(
    props,
    '<?xml version="1.0" encoding="UTF-8"?>\n<Properties><Content-Type>image/jpeg</Content-Type><Cache-Control>no-cache</Cache-Control></Properties>\n',
  );

  it('stop pre-flight when the file is missing or not in the documented shape, naming the row, the column and the file', () => {
    drives.clear();
    const missing = join(work, 'nowhere.xml');
    const r = prep([`"${src}/pics/",pics/,BlockBlob,rename,"${missing}",None`], 'missing.jrn');
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain(`dataset.csv, row 2, column MetadataFile: ${missing} does not exist.`);
    expect(existsSync(join(drives.mounts[0]!, 'DriveManifest.xml'))).toBe(false);

    const etag = join(work, 'etag.properties.xml');
    writeFileSync(etag, '<Properties><Etag>"0x1"</Etag></Properties>');
    const r2 = prep([`"${src}/pics/",pics/,BlockBlob,rename,None,"${etag}"`], 'etag.jrn');
    expect(r2.status, r2.stdout + r2.stderr).toBe(2);
    expect(r2.stdout).toMatch(/row 2, column PropertiesFile: .*etag.properties.xml: <Etag> is set by storage/);
  }, 120_000);

  it('are copied onto the drive, named in the manifest with their MD5, and applied to the blobs by the data center', async () => {
    drives.clear();
    const r = prep([`"${src}/pics/",pics/,BlockBlob,rename,"${meta}","${props}"`], 'side.jrn');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const root = drives.mounts[0]!;
    const manifest = parseDriveManifest(readFileSync(join(root, 'DriveManifest.xml'), 'utf8'));
    const md5 = (f: string) => createHash('md5').update(readFileSync(f)).digest('hex').toUpperCase();
    for (const b of manifest.blobs) {
      expect(b.metadata?.hash).toBe(md5(meta));
      expect(b.properties?.hash).toBe(md5(props));
      expect(readFileSync(join(root, b.metadata!.path)).equals(readFileSync(meta))).toBe(true);
    }
    const driveId = parseDriveHeader(readFileSync(join(root, 'HaulDrive.json'), 'utf8')).driveId;
    azurite ??= await startAzurite({ dataDir: join(work, 'service'), accounts: ['prepacct'] });
    const imp = await importDrive({ azurite, drivePath: root, storageAccount: 'prepacct', expectedDriveId: driveId });
    expect(imp.outcome, imp.copyStatus).toBe('Completed');
    const p = await azurite.client('prepacct').getContainerClient('pics').getBlobClient('a.jpg').getProperties();
    expect(p.contentType).toBe('image/jpeg');
    expect(p.cacheControl).toBe('no-cache');
    const m = Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    expect(m).toMatchObject({ camera: 'X100', trip: 'Lisbon' });
  }, 180_000);
});

// Done-when: a drive prepared by `haul prep` is imported byte-exact by the local service's data
// center (service/datacenter importDrive into Azurite) — the two sides of contract 2 together.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importDrive, startAzurite, type AzuriteHandle } from '../../service/datacenter';
import { parseDriveHeader } from '../../shared/formats/driveManifest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'haul-prep-import-'));
let azurite: AzuriteHandle | undefined;
afterAll(async () => {
  await azurite?.stop();
  rmSync(work, { recursive: true, force: true });
});

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

// The data center reads exactly the documented drive manifest format (docs/formats.md): a drive whose
// manifest was written by hand from the format's description imports, with its metadata and
// properties files applied; a manifest the format does not allow faults the drive, and the drive's
// error log says why, as the real service's would.
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDrive, startAzurite, type AzuriteHandle } from '../../../service/datacenter';
import { parseDriveLog } from '../../../shared/formats/driveLog';
import {
  BLOCK_SIZE,
  HEADER_FILE,
  MANIFEST_FILE,
  serializeDriveHeader,
  serializeDriveManifest,
} from '../../../shared/formats/driveManifest';
import { md5, tempDir } from './helpers';

const FIXTURES = fileURLToPath(new URL('../../prep/fixtures/', import.meta.url));
const ACCOUNT = 'formatacct';
let azurite: AzuriteHandle;
let data: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  data = await tempDir('format');
  azurite = await startAzurite({ dataDir: path.join(data.dir, 'service'), accounts: [ACCOUNT] });
});

afterAll(async () => {
  await azurite?.stop();
  await data?.cleanup();
});

let n = 0;
/** The hand-written drive, copied; `manifest` replaces its DriveManifest.xml. HaulDrive.json is Haul's own and is added here. */
async function documentedDrive(manifest?: string): Promise<string> {
  const dir = path.join(data.dir, `drive${++n}`);
  await cp(path.join(FIXTURES, 'documented-drive'), dir, { recursive: true });
  if (manifest !== undefined) await writeFile(path.join(dir, MANIFEST_FILE), manifest);
  const xml = await readFile(path.join(dir, MANIFEST_FILE));
  await writeFile(
    path.join(dir, HEADER_FILE),
    serializeDriveHeader({
      format: 'haul-drive',
      driveId: 'DOC-DRIVE-1',
      jobName: 'doc',
      sessionIds: ['s1', 's2'],
      createdAt: 1,
      manifestHash: md5(xml),
    }),
  );
  return dir;
}

const blob = (container: string, name: string) =>
  azurite.client(ACCOUNT).getContainerClient(container).getBlobClient(name);
const fetchLog = async (uri: string | undefined) => {
  expect(uri, 'log URI').toBeTruthy();
  const buf = await new BlobClient(uri as string, azurite.credential(ACCOUNT)).downloadToBuffer();
  return parseDriveLog(buf.toString('utf8'));
};

describe('the documented drive manifest format at the data center', () => {
  it('imports a drive whose manifest was written by hand from the format description, with its metadata and properties', async () => {
    const dir = await documentedDrive();
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT, expectedDriveId: 'DOC-DRIVE-1' });
    expect(r.outcome, r.copyStatus).toBe('Completed');

    const a = await readFile(path.join(dir, 's1/photos/a.txt'));
    expect((await blob('photos', 'a.txt').downloadToBuffer()).equals(a)).toBe(true);
    expect((await blob('photos', 'notes/empty.txt').downloadToBuffer()).length).toBe(0);
    expect((await blob('docs', 'c.txt').downloadToBuffer()).toString()).toBe('0123456789'.repeat(3));
    // the page ranges leave 512 bytes out: storage holds zeros there, not the file's bytes
    const vhd = await blob('vhds', 'disk.vhd').downloadToBuffer();
    expect(vhd.equals(Buffer.concat([Buffer.alloc(512, 'A'), Buffer.alloc(512), Buffer.alloc(512, 'C')]))).toBe(true);

    // the list's metadata file on each blob of the list, the blob's own properties file on that blob
    const props = await blob('photos', 'a.txt').getProperties();
    expect(props).toMatchObject({
      contentType: 'text/plain; charset=utf-8',
      contentLanguage: 'en',
      cacheControl: 'max-age=3600',
    });
    const lower = (m: Record<string, string> | undefined) =>
      Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    expect(lower(props.metadata)).toMatchObject({ camera: 'Fujifilm X100', album: 'Summer 2024' });
    expect(lower((await blob('vhds', 'disk.vhd').getProperties()).metadata)).toMatchObject({ camera: 'Fujifilm X100' });
    expect(lower((await blob('docs', 'c.txt').getProperties()).metadata)).not.toHaveProperty('camera');
  });

  it('does not import a blob whose metadata file changed after preparation, and says so in the error log', async () => {
    const dir = await documentedDrive();
    await writeFile(
      path.join(dir, 'sidecars/photos.metadata.xml'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<Metadata><Camera>changed</Camera></Metadata>\n',
    );
    await blob('photos', 'a.txt').deleteIfExists();
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect(r.outcome).toBe('CompletedMoreInfo');
    expect(await blob('photos', 'a.txt').exists()).toBe(false);
    const log = await fetchLog(r.errorLogUri);
    const entry = log.blobs.find((b) => b.blobPath === 'photos/a.txt');
    expect(entry?.message).toMatch(
      /^Blob photos\/a.txt was not imported: the metadata file sidecars\/photos.metadata.xml has MD5 [0-9A-F]{32} but the manifest says 55FE26675C62EE118AFCD3371C332E93/,
    );
    // the blob list's other list and its blob are not held back
    expect(log.blobs.find((b) => b.blobPath === 'docs/c.txt')).toBeUndefined();
  });

  it("does not import a blob whose properties file gives a Content-MD5 other than its data's", async () => {
    const props = '<Properties><Content-MD5>AAAAAAAAAAAAAAAAAAAAAA==</Content-MD5></Properties>';
    const xml = (await readFile(path.join(FIXTURES, 'documented-drive', MANIFEST_FILE), 'utf8')).replace(
      '<PropertiesPath Hash="8D55BE91E63102E4BB224E156982D9EE">\\sidecars\\a.properties.xml</PropertiesPath>',
      `<PropertiesPath Hash="${md5(props)}">\\sidecars\\md5.properties.xml</PropertiesPath>`,
    );
    const dir = await documentedDrive(xml);
    await writeFile(path.join(dir, 'sidecars/md5.properties.xml'), props);
    await blob('photos', 'a.txt').deleteIfExists();
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect(r.outcome).toBe('CompletedMoreInfo');
    expect(await blob('photos', 'a.txt').exists()).toBe(false);
    expect(r.blobs.find((b) => b.blobPath === 'photos/a.txt')?.message).toMatch(
      /its properties file gives Content-MD5 AAAAAAAAAAAAAAAAAAAAAA== but file s1\/photos\/a.txt has MD5 \S+==/,
    );
  });

  it('fails only the blob that is larger than the format allows, and imports the others', async () => {
    const dir = path.join(data.dir, `drive${++n}`);
    await cp(path.join(FIXTURES, 'documented-drive'), dir, { recursive: true });
    const xml = serializeDriveManifest({
      version: '2014-11-01',
      driveId: 'DOC-DRIVE-1',
      blobs: [
        {
          blobPath: 'docs/c.txt',
          filePath: 's2/docs/c.txt',
          length: 30,
          importDisposition: 'overwrite',
          blobType: 'BlockBlob',
          blocks: [{ offset: 0, length: 30, hash: md5('0123456789'.repeat(3)) }],
        },
        {
          blobPath: 'big/huge.bin',
          filePath: 's2/big/huge.bin',
          length: 50_001 * BLOCK_SIZE,
          importDisposition: 'rename',
          blobType: 'BlockBlob',
          blocks: Array.from({ length: 50_001 }, (_, i) => ({
            offset: i * BLOCK_SIZE,
            length: BLOCK_SIZE,
            hash: 'A'.repeat(32),
          })),
        },
      ],
    });
    await writeFile(path.join(dir, MANIFEST_FILE), xml);
    await writeFile(
      path.join(dir, HEADER_FILE),
      serializeDriveHeader({
        format: 'haul-drive',
        driveId: 'DOC-DRIVE-1',
        jobName: 'doc',
        sessionIds: ['s2'],
        createdAt: 1,
        manifestHash: md5(xml),
      }),
    );
    const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
    expect(r.outcome).toBe('CompletedMoreInfo');
    expect(r.blobs.find((b) => b.blobPath === 'big/huge.bin')).toMatchObject({
      status: 'BlobRequestFailed',
      message: expect.stringMatching(
        /^Blob big\/huge.bin was not imported: .* a block blob is at most 50000 blocks of 4 MiB/,
      ),
    });
    expect((await blob('docs', 'c.txt').downloadToBuffer()).toString()).toBe('0123456789'.repeat(3));
  });

  const refusals: Record<string, RegExp> = {
    'blob-type': /<BlobType>, which is not part of the format: a blob is a block blob when it has a <BlockList>/,
    'forward-slash': /<FilePath> "\\s1\/photos\/a.txt" .* uses "\/"/,
    'relative-path': /<FilePath> "s1\\photos\\a.txt" .* does not start with "\\"/,
    'leaves-drive': /<FilePath> .* has an empty, "\." or "\.\." part/,
    'missing-hash': /attribute Hash \(the MD5 of the data, Base16\) is missing on <Block> #1 of <Blob> #1/,
    'wrong-order': /<FilePath> in <Blob> #1 of <BlobList> #1 comes after <Length>; the format fixes the order/,
    'unknown-element': /has an element <ContentMD5>, which is not part of the format/,
    'metadata-without-hash': /attribute Hash .* is missing on <MetadataPath>/,
  };

  it('faults a drive whose manifest the format does not allow, naming the fault in the error log', async () => {
    const names = (await readdir(path.join(FIXTURES, 'manifest-invalid'))).map((f) => f.replace(/\.xml$/, ''));
    expect(names.sort()).toEqual(Object.keys(refusals).sort());
    for (const name of names) {
      const xml = await readFile(path.join(FIXTURES, 'manifest-invalid', `${name}.xml`), 'utf8');
      const dir = await documentedDrive(xml);
      const r = await importDrive({ azurite, drivePath: dir, storageAccount: ACCOUNT });
      expect(r, name).toMatchObject({ outcome: 'Faulted', logStatus: 'ManifestFormatInvalid' });
      expect(r.reason, name).toMatch(refusals[name]!);
      const log = await fetchLog(r.errorLogUri);
      expect(log.status, name).toBe('ManifestFormatInvalid');
      expect(log.message, name).toBe(r.reason);
    }
    expect(await blob('photos', 'a.txt').exists()).toBe(false); // deleted above: nothing of a faulted drive is imported
  });

  it('faults an import drive whose manifest names a snapshot (written only on export drives)', async () => {
    const xml = (await readFile(path.join(FIXTURES, 'documented-drive', MANIFEST_FILE), 'utf8')).replace(
      '<Length>29</Length>',
      '<Snapshot>2024-01-01T00:00:00.0000000Z</Snapshot>\n        <Length>29</Length>',
    );
    const r = await importDrive({ azurite, drivePath: await documentedDrive(xml), storageAccount: ACCOUNT });
    expect(r).toMatchObject({ outcome: 'Faulted', logStatus: 'ManifestFormatInvalid' });
    expect(r.reason).toMatch(/blob photos\/a.txt has a <Snapshot>, which the format writes only on export drives/);
  });
});

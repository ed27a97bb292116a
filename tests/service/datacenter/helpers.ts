// Test helpers: build prepared drives (docs/formats.md) in temp folders, with the contract's own serializers.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BLOCK_SIZE,
  HEADER_FILE,
  MANIFEST_FILE,
  serializeDriveHeader,
  serializeDriveManifest,
  type ImportDisposition,
  type ManifestBlob,
} from '../../../shared/formats/driveManifest';

export const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex').toUpperCase();

export interface TestFile {
  blobPath: string;
  data: Buffer;
  disposition?: ImportDisposition;
  blobType?: 'BlockBlob' | 'PageBlob';
  /** Written to the manifest but not to the drive. */
  omitFile?: boolean;
}

export function blocksOf(data: Buffer, size = BLOCK_SIZE): ManifestBlob['blocks'] {
  const out: ManifestBlob['blocks'] = [];
  for (let o = 0; o < data.length; o += size) {
    const chunk = data.subarray(o, Math.min(o + size, data.length));
    out.push({ offset: o, length: chunk.length, hash: md5(chunk) });
  }
  return out;
}

/** Deterministic pseudo-random bytes (so a failure can be reproduced). */
export function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** Writes a prepared drive into `root` and returns the manifest XML written. */
export async function writeDrive(root: string, driveId: string, files: TestFile[], session = 's1'): Promise<string> {
  await mkdir(root, { recursive: true });
  const blobs: ManifestBlob[] = [];
  for (const f of files) {
    const filePath = `${session}/${f.blobPath}`;
    if (!f.omitFile) {
      const abs = path.join(root, ...filePath.split('/'));
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, f.data);
    }
    blobs.push({
      blobPath: f.blobPath,
      filePath,
      length: f.data.length,
      importDisposition: f.disposition ?? 'rename',
      blobType: f.blobType ?? 'BlockBlob',
      blocks: blocksOf(f.data),
    });
  }
  const xml = serializeDriveManifest({ version: '2014-11-01', driveId, blobs });
  await writeFile(path.join(root, MANIFEST_FILE), xml);
  await writeFile(
    path.join(root, HEADER_FILE),
    serializeDriveHeader({
      format: 'haul-drive',
      driveId,
      jobName: 'job1',
      sessionIds: [session],
      createdAt: Date.now(),
      manifestHash: md5(xml),
    }),
  );
  return xml;
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `haul-dc-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

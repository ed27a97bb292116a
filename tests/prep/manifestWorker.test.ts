// A drive given many files (more than a few hundred) gets its DriveManifest.xml from the manifest
// worker, started while the copy runs and handed the journal's records at the end: every file is
// listed with its block MD5, and the drive header carries the MD5 of the manifest as written.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_FILE, MANIFEST_FILE, parseDriveHeader, parseDriveManifest } from '../../shared/formats/driveManifest';
import { pickedEntries } from '../../main/core/prep/inputs';
import { IN_THREAD_RECORDS } from '../../main/core/prep/manifests';
import { PrepSession } from '../../main/core/prep/session';
import { makeDrives, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-prep-manifest-'));
let drives: TestDrives;
const MD5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex').toUpperCase();

beforeAll(() => {
  drives = makeDrives(work, 1, 64);
});
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('the manifest of a drive with many files', () => {
  it('lists every file with its block MD5, and the header holds the manifest hash', async () => {
    const src = join(work, 'many');
    mkdirSync(src);
    const count = IN_THREAD_RECORDS + 150;
    const contents = new Map<string, string>();
    for (let i = 0; i < count; i++) {
      const text = `file ${i}\n`;
      writeFileSync(join(src, `f${i}.txt`), text);
      contents.set(`f${i}.txt`, text);
    }
    const s = new PrepSession({
      journal: join(work, 'many.jrn'),
      session: 'm1',
      keepAwake: false,
      entries: pickedEntries([src], 'media/', 'BlockBlob', 'rename'),
      targets: [{ path: drives.mounts[0]! }],
    });
    const res = await s.start();
    expect(res.outcome, res.message).toBe('done');
    const xml = readFileSync(join(drives.mounts[0]!, MANIFEST_FILE), 'utf8');
    const manifest = parseDriveManifest(xml);
    expect(manifest.blobs).toHaveLength(count);
    for (const b of manifest.blobs) {
      const text = contents.get(b.blobPath.split('/').pop()!)!;
      expect(b.length, b.blobPath).toBe(text.length);
      expect(b.blocks.map((k) => k.hash)).toEqual([MD5(text)]);
    }
    const header = parseDriveHeader(readFileSync(join(drives.mounts[0]!, HEADER_FILE), 'utf8'));
    expect(header.manifestHash).toBe(MD5(xml));
    expect(res.drives[0]!.manifestHash).toBe(MD5(xml));
  }, 120_000);
});

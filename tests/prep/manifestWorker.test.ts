// The DriveManifest.xml of a drive given many files: built on the engine's thread in turns (up to
// IN_THREAD_RECORDS blobs) or by the manifest worker (more), the same bytes either way: every file
// is listed with its block MD5, and the drive header carries the MD5 of the manifest as written.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_FILE, MANIFEST_FILE, parseDriveHeader, parseDriveManifest } from '../../shared/formats/driveManifest';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { Journal } from '../../main/core/prep/journal/journal';
import { ManifestWorkers } from '../../main/core/prep/engine/manifests';
import { sortInTurns } from '../../main/core/prep/drive-format/driveFiles';
import { readStamp } from '../../shared/node/atomicWrite';
import { PrepSession } from '../../main/core/prep/engine/session';
import { workerFile } from '../../main/core/prep/threads/workerBoot';
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
    const count = 3000;
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
    // in path order (sorted in turns on the engine's thread), as the format's readers expect a listing
    const paths = manifest.blobs.map((b) => b.filePath);
    expect(paths).toEqual([...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const b of manifest.blobs) {
      const text = contents.get(b.blobPath.split('/').pop()!)!;
      expect(b.length, b.blobPath).toBe(text.length);
      expect(b.blocks.map((k) => k.hash)).toEqual([MD5(text)]);
    }
    const header = parseDriveHeader(readFileSync(join(drives.mounts[0]!, HEADER_FILE), 'utf8'));
    expect(header.manifestHash).toBe(MD5(xml));
    expect(res.drives[0]!.manifestHash).toBe(MD5(xml));

    // the manifest worker (a drive given more than IN_THREAD_RECORDS files) writes the same bytes
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    const journal = Journal.read(join(work, 'many.jrn'));
    const workers = new ManifestWorkers(workerFile('manifestWorker'));
    try {
      const reply = await workers.write({
        root: elsewhere,
        journal: journal.path,
        driveId: res.drives[0]!.driveId,
        jobName: 'many',
        newSessions: ['m1'],
        generatedId: true,
        now: Date.now(),
        records: journal.filesOnDrive(res.drives[0]!.driveId),
        knownSessions: [...journal.sessions.keys()],
      });
      // with the stamp of the manifest as the worker wrote it (what the run compares at its end)
      expect(reply).toEqual({
        t: 'manifest-done',
        manifestHash: MD5(xml),
        blobs: count,
        manifestStamp: await readStamp(join(elsewhere, MANIFEST_FILE)),
      });
    } finally {
      workers.terminate();
    }
    expect(readFileSync(join(elsewhere, MANIFEST_FILE), 'utf8')).toBe(xml);
  }, 120_000);

  it('sorts in turns as one sort would, equal keys kept in their order, giving the thread its turns', async () => {
    for (const n of [0, 1, 511, 512, 513, 5000]) {
      const items = Array.from({ length: n }, (_, i) => ({ key: `k${(i * 7919) % 701}`, i }));
      const expected = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      let turns = 0;
      const sorted = await sortInTurns(
        items,
        (x) => x.key,
        () => {
          turns++;
          return turns % 3 === 0 ? Promise.resolve() : undefined;
        },
      );
      expect(sorted.map((x) => x.i)).toEqual(expected.map((x) => x.i));
      if (n >= 5000) expect(turns).toBeGreaterThan(n / 512);
    }
  });
});

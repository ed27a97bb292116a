// Releasing a prepared drive: a drive really prepared by a session (loop-mounted ext4, temp folders
// where loop devices are missing) loses Haul's header, manifest and session folder, and keeps the
// customer's own files; a wrong job name removes nothing; a drive Haul never prepared is refused.
// After release the same drive can be prepared for another job.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_FILE, MANIFEST_FILE } from '../../shared/formats/driveManifest';
import { preparedDrive, releaseDrive, ReleaseRefused } from '../../main/core/drives/release';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { PrepSession } from '../../main/core/prep/engine/session';
import { makeDrives, makeSource, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-release-'));
let drives: TestDrives;

beforeAll(() => {
  drives = makeDrives(work, 1, 32);
});
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

async function prepare(jobName: string, session: string) {
  const src = mkdtempSync(join(work, 'src-'));
  makeSource(src, 2, 5 * 1024 * 1024, 10);
  const s = new PrepSession({
    journal: join(work, `${session}.jrn`),
    session,
    jobName,
    keepAwake: false,
    verify: false,
    entries: pickedEntries([src], 'media/', 'BlockBlob', 'rename'),
    targets: [{ path: drives.mounts[0]! }],
    allowFolders: drives.allowFolders,
  });
  const r = await s.start();
  expect(r.ok, r.message).toBe(true);
}

describe('release a prepared drive', () => {
  it("removes Haul's files only, after the job name is typed, and the drive takes another job", async () => {
    const root = drives.mounts[0]!;
    // The customer's own files on the drive, at its root and in a folder of their own.
    writeFileSync(join(root, 'readme-mine.txt'), 'mine');
    mkdirSync(join(root, 'my-photos'));
    writeFileSync(join(root, 'my-photos', 'a.jpg'), 'jpeg');
    await prepare('job-to-release', 's-rel-1');
    const info = preparedDrive(root);
    expect(info).toMatchObject({ jobName: 'job-to-release', sessionIds: ['s-rel-1'] });
    expect(info!.bytes).toBeGreaterThan(10 * 1024 * 1024);

    // A wrong name removes nothing.
    expect(() => releaseDrive(root, 'another-job')).toThrow(ReleaseRefused);
    expect(existsSync(join(root, HEADER_FILE))).toBe(true);
    expect(existsSync(join(root, 's-rel-1'))).toBe(true);

    const r = releaseDrive(root, 'job-to-release');
    expect(r.removedFiles).toBeGreaterThanOrEqual(14); // 12 data files, the manifest, the header
    expect(r.removedBytes).toBeGreaterThan(10 * 1024 * 1024);
    const left = readdirSync(root)
      .filter((n) => n !== 'lost+found')
      .sort();
    expect(left).toEqual(['my-photos', 'readme-mine.txt']);
    expect(readFileSync(join(root, 'my-photos', 'a.jpg'), 'utf8')).toBe('jpeg');
    expect(existsSync(join(root, MANIFEST_FILE))).toBe(false);
    expect(preparedDrive(root)).toBeUndefined();

    // Bound to nothing now, the drive is prepared for another job without a refusal.
    await prepare('the-next-job', 's-rel-2');
    expect(preparedDrive(root)?.jobName).toBe('the-next-job');
  }, 120_000);

  it('refuses a drive Haul never prepared', () => {
    const plain = mkdtempSync(join(work, 'plain-'));
    writeFileSync(join(plain, 'x.txt'), 'x');
    expect(() => releaseDrive(plain, 'any')).toThrow(/did not prepare it/);
    expect(readdirSync(plain)).toEqual(['x.txt']);
  });
});

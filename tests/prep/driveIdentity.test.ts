// A drive's identity: a drive without a header (no HaulDrive.json, no serial) mounted where another
// was, under the same journal, is a new drive with an id of its own — two physical drives never
// carry one id. The journal's id for that path is kept only for the drive that holds its files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { PrepSession } from '../../main/core/prep/engine/session';

const work = mkdtempSync(join(tmpdir(), 'haul-drive-identity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const session = (name: string, src: string, target: string) =>
  new PrepSession({
    journal: join(work, 'job.jrn'),
    session: name,
    jobName: 'job1',
    keepAwake: false,
    entries: pickedEntries([src], 'media/', 'BlockBlob', 'rename'),
    targets: [{ path: target }],
    allowFolders: true,
    listDrives: async () => [],
  });

describe('a drive without a header', () => {
  it('mounted where another drive was, under the same journal, gets an id of its own', async () => {
    const src = join(work, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'a');
    const target = join(work, 'drive');
    mkdirSync(target);
    const first = await session('s1', src, target).start();
    expect(first.outcome).toBe('done');
    const oldId = first.drives[0]!.driveId;
    expect(oldId).toMatch(/^HAUL-/);

    // The drive holds the journal's files but lost its header: still the same drive.
    rmSync(join(target, 'HaulDrive.json'));
    expect((await session('s2', src, target).plan()).targets[0]!.driveId).toBe(oldId);

    // Another drive, empty and header-less, at the same place: a new drive.
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target);
    const swapped = await session('s3', src, target).plan();
    expect(swapped.targets[0]!.driveId).toMatch(/^HAUL-/);
    expect(swapped.targets[0]!.driveId).not.toBe(oldId);
  });
});

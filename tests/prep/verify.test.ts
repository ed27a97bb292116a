// Verify tells the customer what to do and means it: a file that fails verification is copied
// again by the next run of the same command, and a drive whose manifest is older than its data
// (a preparation killed before it finished) is reported as unfinished, never as OK.
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PrepEvent } from '../../shared/prep/types';
import { run as haulVerify } from '../../main/cli/verify';
import { readManifest } from '../../main/core/prep/drive-format/driveFiles';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { PrepSession } from '../../main/core/prep/engine/session';
import { makeDrives, makeSource, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-prep-verify-'));
let drives: TestDrives;
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

beforeAll(() => {
  drives = makeDrives(work, 1, 32);
});
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function session(name: string, src: string, verify: boolean) {
  const s = new PrepSession({
    journal: join(work, `${name}.jrn`),
    session: name,
    jobName: 'job-verify-test',
    keepAwake: false,
    verify,
    entries: pickedEntries([src], 'media/', 'BlockBlob', 'rename'),
    targets: [{ path: drives.mounts[0]! }],
  });
  const events: PrepEvent[] = [];
  s.onEvent((e) => events.push(e));
  return { s, events };
}

/** `haul verify ARGS` in-process: its exit status and what it printed. */
async function verifyCli(args: string[]): Promise<{ status: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    const status = await haulVerify(args);
    return { status, out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

function flipByte(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, at);
  b[0] = b[0]! ^ 0xff;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
}

describe('a file that fails verification', () => {
  it('is named in the message, and the next run of the same command copies it again until the drive verifies', async () => {
    drives.clear();
    const src = join(work, 'src-bad');
    makeSource(src, 1, 5 * 1024 * 1024 + 11, 4);
    const first = session('bad1', src, true);
    let victim = '';
    // the drive goes bad between the copy and the verification
    first.s.onEvent((e) => {
      if (e.type !== 'drive-done' || victim) return;
      victim = readManifest(e.target)!.blobs.find((b) => b.length > 4 * 1024 * 1024)!.filePath;
      flipByte(join(e.target, victim), 4 * 1024 * 1024 + 5);
    });
    const bad = await first.s.start();
    expect(bad.outcome).toBe('incomplete');
    expect(bad.message).toMatch(/^1 file failed verification; resuming copies it again\.$/);

    const again = session('bad1', src, true);
    const fixed = await again.s.start();
    expect(fixed.outcome, fixed.message).toBe('done');
    expect(fixed.filesCopied).toBe(1);
    expect(again.events.some((e) => e.type === 'verify-result' && e.ok)).toBe(true);
    expect(md5(readFileSync(join(drives.mounts[0]!, victim)))).toBe(
      md5(readFileSync(join(src, 'videos', 'clip-0.bin'))),
    );
  }, 120_000);
});

describe('haul verify --journal on a drive that went bad after the copy', () => {
  it('journals the failed file, says the next haul prep run copies it again, and that run does', async () => {
    drives.clear();
    const root = drives.mounts[0]!;
    const src = join(work, 'src-later');
    makeSource(src, 1, 5 * 1024 * 1024 + 17, 3);
    expect((await session('later1', src, false).s.start()).outcome).toBe('done');
    const victim = readManifest(root)!.blobs.find((b) => b.length > 4 * 1024 * 1024)!.filePath;
    flipByte(join(root, victim), 4 * 1024 * 1024 + 9);

    const alone = await verifyCli([root]);
    expect(alone.status).toBe(1);
    expect(alone.out).toMatch(
      /FAILED — 1 problem:.*\n.*block 1 .*\n  To have the next haul prep run copy the 1 failed file again, run haul verify again with --journal FILE/,
    );
    const journal = join(work, 'later1.jrn');
    const bad = await verifyCli([root, '--journal', journal]);
    expect(bad.status).toBe(1);
    expect(bad.out).toContain(
      `1 file of ${journal} failed verification; the next run of the same haul prep command copies it again.`,
    );

    const again = await session('later1', src, false).s.start();
    expect(again.outcome, again.message).toBe('done');
    expect(again.filesCopied).toBe(1);
    const good = await verifyCli([root, '--journal', journal]);
    expect(good.status, good.out).toBe(0);
    expect(good.out).toMatch(/ OK — 4 files/);
  }, 120_000);
});

describe('haul verify on a drive whose manifest is older than its data', () => {
  it('says the drive is unfinished, which session and how many files the manifest lacks, what to do, and exits non-zero', async () => {
    drives.clear();
    const root = drives.mounts[0]!;
    const src = join(work, 'src-old');
    makeSource(src, 0, 0, 3);
    expect((await session('vt2', src, false).s.start()).outcome).toBe('done');
    const oldManifest = readFileSync(join(root, 'DriveManifest.xml'));
    const oldHeader = readFileSync(join(root, 'HaulDrive.json'));
    expect((await verifyCli([root])).status).toBe(0);

    // more files, copied by a run that was killed before it rewrote the manifest: its data is on
    // the drive, the manifest and header are the ones from before, the room for the manifest is kept
    mkdirSync(join(src, 'more'));
    for (let i = 0; i < 4; i++) writeFileSync(join(src, 'more', `m${i}.txt`), `more ${i}`);
    expect((await session('vt2', src, false).s.start()).outcome).toBe('done');
    writeFileSync(join(root, 'DriveManifest.xml'), oldManifest);
    writeFileSync(join(root, 'HaulDrive.json'), oldHeader);
    mkdirSync(join(root, '.haul-tmp'));
    writeFileSync(join(root, '.haul-tmp', 'manifest-room'), Buffer.alloc(1024));

    const plain = await verifyCli([root]);
    expect(plain.status).toBe(1);
    expect(plain.out).not.toMatch(/ OK /);
    expect(plain.out).toMatch(/UNFINISHED/);
    expect(plain.out).toMatch(/session vt2 has 4 files on the drive that DriveManifest\.xml does not list/);
    expect(plain.out).toMatch(/Run the same haul prep command again with the same journal to finish it/);

    const withJournal = await verifyCli([root, '--journal', join(work, 'vt2.jrn')]);
    expect(withJournal.status).toBe(1);
    expect(withJournal.out).toMatch(/session vt2 has 4 files on the drive and 4 files in the journal that/);
  }, 120_000);
});

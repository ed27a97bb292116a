// A drive that runs out of inodes mid-copy (room for bytes, none for more files): the end says one
// count of the files not copied, each cause with its own count — here, that they need another
// drive and why the drive took no more — and no earlier message gives a different count.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrepEvent } from '../../shared/prep/types';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { PrepSession } from '../../main/core/prep/engine/session';

const canMount = process.platform === 'linux' && process.getuid?.() === 0;
if (!canMount) console.log('fullDriveCounts.test.ts: skipped, mounting a small tmpfs needs root on Linux');
const work = mkdtempSync(join(tmpdir(), 'haul-full-counts-'));
const drive = join(work, 'drive');

beforeAll(() => {
  if (!canMount) return;
  mkdirSync(drive);
  // plenty of bytes, room for few files
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,nr_inodes=40', 'tmpfs', drive]);
});
afterAll(() => {
  if (canMount) execFileSync('umount', [drive]);
  rmSync(work, { recursive: true, force: true });
});

describe.runIf(canMount)('a drive out of inodes', () => {
  it('ends with one count of the files not copied and its cause, the same in every message', async () => {
    const src = join(work, 'src');
    mkdirSync(src);
    for (let i = 0; i < 120; i++) writeFileSync(join(src, `f${String(i).padStart(3, '0')}.txt`), `file ${i}`);
    const events: PrepEvent[] = [];
    const s = new PrepSession({
      journal: join(work, 'job.jrn'),
      session: 's1',
      jobName: 'job1',
      keepAwake: false,
      verify: false,
      entries: pickedEntries([src], 'docs/', 'BlockBlob', 'rename'),
      targets: [{ path: drive }],
      listDrives: async () => [],
    });
    s.onEvent((e) => events.push(e));
    const r = await s.start();
    expect(r.outcome).toBe('incomplete');
    expect(r.notPlaced).toBeGreaterThan(0);
    expect(r.filesCopied + r.notPlaced + r.failed.length).toBe(120);
    const notCopied = r.notPlaced + r.failed.length;
    expect(r.message).toMatch(
      new RegExp(
        `^${notCopied} files were not copied: ${r.notPlaced} need another drive \\(HAUL-\\w+ can hold no more files: its file system has no free inodes left`,
      ),
    );
    // No message gives another count of the files that need another drive.
    for (const e of events)
      if ('message' in e && e.type !== 'done') expect(e.message).not.toMatch(/\d+ files? need another drive/);
  }, 120_000);
});

// Files are written behind (big ones too, once every block is written and the file is renamed
// into place): journaled once copied and hashed, flushed to the drive by a syncfs from the first
// 4 MiB on (one at a time), and confirmed by a `synced` record then. A resume takes an
// unconfirmed file for done only after re-reading its copy and matching every block MD5 the
// journal holds (main/core/prep/README.md, "Threads"): after a kill -9 the copy is in the page
// cache and passes; after a power cut it may not, and it is copied again. On a loop-mounted ext4
// drive (a temp folder where loop devices are missing).
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import type { FileRecord } from '../../main/core/prep/drive-format/fileRecord';
import { Journal } from '../../main/core/prep/journal/journal';
import { PrepSession } from '../../main/core/prep/engine/session';
import { makeDrives, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-prep-behind-'));
let drives: TestDrives;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

beforeAll(() => {
  drives = makeDrives(work, 1, 64);
});
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const session = (journal: string, src: string, maxRate?: number) =>
  new PrepSession({
    journal,
    session: 'w1',
    jobName: 'behind',
    keepAwake: false,
    allowFolders: drives.allowFolders,
    entries: pickedEntries([src], 'media/', 'BlockBlob', 'rename'),
    targets: [{ path: drives.mounts[0]! }],
    ...(maxRate ? { maxRate } : {}),
  });

function makeSmallFiles(dir: string, count: number): Map<string, Buffer> {
  mkdirSync(dir, { recursive: true });
  const data = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const b = randomBytes(1000 + i * 37);
    writeFileSync(join(dir, `f${i}.bin`), b);
    data.set(`f${i}.bin`, b);
  }
  return data;
}

/** Big files (several blocks, the last one short) next to the small ones. */
function makeBigFiles(dir: string, sizes: number[]): Map<string, Buffer> {
  mkdirSync(dir, { recursive: true });
  const data = new Map<string, Buffer>();
  for (const [i, size] of sizes.entries()) {
    const b = randomBytes(size);
    writeFileSync(join(dir, `big${i}.bin`), b);
    data.set(`big${i}.bin`, b);
  }
  return data;
}
const MiB = 1024 * 1024;

/** The journal `done` as a power cut before any syncfs leaves it: its records' write-behind places, no `synced`. */
function unconfirmedCopy(done: Journal, path: string): string {
  const j = Journal.open(path);
  j.append([...done.sessions].map(([s, job]) => ({ t: 'session', s, job, at: 1 })));
  j.append([...done.drives].map(([drive, d]) => ({ t: 'drive', drive, target: d.target, at: 1 })));
  j.append([...done.files.values()].map((r, q): FileRecord => ({ ...r, q })));
  j.close();
  return path;
}

describe('files written behind', () => {
  it('a big file is written behind too: after a power cut that lost one of its blocks, the resume finds it by its block MD5s and copies it again', async () => {
    drives.clear();
    const src = join(work, 'src-c');
    const data = new Map([...makeSmallFiles(src, 10), ...makeBigFiles(src, [9 * MiB + 5, 6 * MiB])]);
    const journal = join(work, 'c.jrn');
    expect((await session(journal, src).start()).outcome).toBe('done');
    const done = Journal.read(journal);
    const records = [...done.files.values()];
    expect(records).toHaveLength(12);
    expect(records.every((r) => r.q !== undefined)).toBe(true);
    expect(records.filter((r) => done.unconfirmed(r))).toEqual([]);

    // the journal as a power cut before any syncfs leaves it, and the big file's second block lost
    const cut = unconfirmedCopy(done, join(work, 'c-cut.jrn'));
    const lost = records.find((r) => r.blob.endsWith('big0.bin'))!;
    expect(lost.blocks.length).toBe(3 * 32); // three block MD5s
    const onDrive = join(drives.mounts[0]!, lost.path);
    const fd = openSync(onDrive, 'r+');
    writeSync(fd, Buffer.alloc(MiB), 0, MiB, 5 * MiB);
    closeSync(fd);

    const res = await session(cut, src).start();
    expect(res.outcome, res.message).toBe('done');
    expect(res.filesCopied).toBe(1);
    expect(res.filesSkipped).toBe(11);
    expect(md5(readFileSync(onDrive))).toBe(md5(data.get('big0.bin')!));
    const after = Journal.read(cut);
    expect([...after.files.values()].filter((r) => after.unconfirmed(r))).toEqual([]);
  }, 120_000);

  it('a finished run leaves every small file confirmed as flushed in the journal', async () => {
    drives.clear();
    const src = join(work, 'src-a');
    makeSmallFiles(src, 40);
    const journal = join(work, 'a.jrn');
    const res = await session(journal, src).start();
    expect(res.outcome, res.message).toBe('done');
    const j = Journal.read(journal);
    const records = [...j.files.values()];
    expect(records).toHaveLength(40);
    // journaled before their flush (a write-behind place each), all confirmed by the end
    expect(records.every((r) => r.q !== undefined)).toBe(true);
    expect(records.filter((r) => j.unconfirmed(r))).toEqual([]);
  }, 120_000);

  it('a copy of small files starts flushing with its first 4 MiB, not at its end: a syncfs covers the first files only', async () => {
    drives.clear();
    const src = join(work, 'src-d');
    mkdirSync(src, { recursive: true });
    // 14 MiB copied at 16 MiB/s: under the 64 MiB (and the second) that once started the first syncfs
    for (let i = 0; i < 224; i++) writeFileSync(join(src, `f${i}.bin`), randomBytes(64 * 1024));
    const journal = join(work, 'd.jrn');
    const res = await session(journal, src, 16 * MiB).start();
    expect(res.outcome, res.message).toBe('done');
    // each `synced` record names the last place its syncfs covers: one started before the last file
    // was reported covers less than all of them (when it ended does not matter)
    const records = readFileSync(journal, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line.slice(0, line.lastIndexOf('\t'))) as { t: string; q?: number });
    const lastPlace = Math.max(...records.filter((r) => r.t === 'file').map((r) => r.q!));
    const synced = records.filter((r) => r.t === 'synced').map((r) => r.q!);
    expect(Math.max(...synced)).toBe(lastPlace);
    expect(Math.min(...synced)).toBeLessThan(lastPlace);
  }, 120_000);

  it('a resume re-reads unconfirmed copies: one lost to a power cut is copied again, the others are kept', async () => {
    drives.clear();
    const src = join(work, 'src-b');
    const data = makeSmallFiles(src, 30);
    const journal = join(work, 'b.jrn');
    expect((await session(journal, src).start()).outcome).toBe('done');

    // The journal as a power cut right after these files were journaled would leave it: their
    // records hold write-behind places that no `synced` record confirms ...
    const done = Journal.read(journal);
    const records = [...done.files.values()];
    const cut = unconfirmedCopy(done, join(work, 'b-cut.jrn'));
    // ... and one copy that never reached the disk: the right size, the wrong bytes
    const lost = records[7]!;
    const onDrive = join(drives.mounts[0]!, lost.path);
    const fd = openSync(onDrive, 'r+');
    writeSync(fd, Buffer.alloc(lost.size));
    closeSync(fd);

    const res = await session(cut, src).start();
    expect(res.outcome, res.message).toBe('done');
    expect(res.filesCopied).toBe(1);
    expect(res.filesSkipped).toBe(29);
    const name = lost.blob.split('/').pop()!;
    expect(md5(readFileSync(onDrive))).toBe(md5(data.get(name)!));
    const after = Journal.read(cut);
    expect([...after.files.values()].filter((r) => after.unconfirmed(r))).toEqual([]);
  }, 120_000);
});

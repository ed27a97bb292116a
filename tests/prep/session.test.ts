// The prep session object in-process (not through the CLI): plan writes nothing and names every
// problem with its file and what to do; start copies onto loop-mounted ext4 drives (temp folders
// where loop devices are missing) and hands back what the job needs per drive; cancel stops
// cleanly and resume finishes; verify catches a flipped byte. Also the journal, the lock and the
// verify worker on their own.
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  closeSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDriveInfo, parseDriveManifest } from '../../shared/formats/driveManifest';
import type { PrepEvent } from '../../shared/prep/types';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { Journal } from '../../main/core/prep/journal/journal';
import { JournalBusy } from '../../main/core/prep/journal/lock';
import { readManifest } from '../../main/core/prep/drive-format/driveFiles';
import { PrepSession, type SessionConfig } from '../../main/core/prep/engine/session';
import { checkBlocks, verifyItems } from '../../main/core/prep/verify/verify';
import { makeDrives, makeSource, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-prep-session-'));
let drives: TestDrives;
const KEY = '111111-222222-333333-444444-555555-666666-777777-888888';
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const MD5 = (b: Buffer) => md5(b).toUpperCase();

beforeAll(() => {
  drives = makeDrives(work, 2, 48);
});
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function session(
  name: string,
  src: string,
  extra: Partial<SessionConfig> = {},
): { s: PrepSession; events: PrepEvent[] } {
  const s = new PrepSession({
    journal: join(work, `${name}.jrn`),
    session: name,
    jobName: 'job-session-test',
    keepAwake: false,
    entries: pickedEntries([src], 'media/', 'BlockBlob', 'rename'),
    targets: [{ path: drives.mounts[0]!, bitLockerKey: KEY }, { path: drives.mounts[1]! }],
    allowFolders: drives.allowFolders,
    ...extra,
  });
  const events: PrepEvent[] = [];
  s.onEvent((e) => events.push(e));
  return { s, events };
}

const listing = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

/** Every source file is on one drive, byte for byte. */
function expectAllCopied(sessionId: string, hashes: Map<string, string>): void {
  const found = new Map<string, string>();
  for (const m of drives.mounts) {
    const manifest = readManifest(m);
    for (const b of manifest?.blobs ?? []) {
      if (!b.filePath.startsWith(`${sessionId}/`)) continue;
      found.set(b.blobPath.slice('media/'.length), md5(readFileSync(join(m, b.filePath))));
    }
  }
  expect(Object.fromEntries(found)).toEqual(Object.fromEntries(hashes));
}

describe('PrepSession', () => {
  it('plans without writing anything: capacity per drive, problems with their file and what to do', async () => {
    drives.clear();
    const src = join(work, 'src-plan');
    makeSource(src, 1, 5 * 1024 * 1024 + 3, 10);
    writeFileSync(join(src, 'bad name.'), 'x'); // a blob name may not end with a dot
    const before = drives.mounts.map(listing);
    const { s, events } = session('plan1', src);
    const res = await s.plan();
    expect(drives.mounts.map(listing)).toEqual(before);
    expect(existsSync(join(work, 'plan1.jrn'))).toBe(false);
    expect(res.ready).toBe(false);
    const bad = res.problems.find((p) => p.source === join(src, 'bad name.'));
    expect(bad?.code).toBe('blob-name');
    expect(bad?.fix).toMatch(/Rename/);
    expect(events.some((e) => e.type === 'preflight')).toBe(true);
    expect(res.targets.map((t) => t.path)).toEqual(drives.mounts);
    expect(res.targets.every((t) => t.capacity > 0 && t.driveId.length > 0)).toBe(true);

    // excluded, the same data is ready and planned onto the drives
    const again = session('plan1', src, { exclude: [join(src, 'bad name.')] });
    const ok = await again.s.plan();
    expect(ok.problems).toEqual([]);
    expect(ok.ready).toBe(true);
    expect(ok.plan?.totalFiles).toBe(11);
    expect(ok.plan?.drives.reduce((n, d) => n + d.plannedFiles, 0)).toBe(11);
    expect(drives.mounts.map(listing)).toEqual(before);
  });

  it('plans with no drive yet: how many drives of the chosen size the data needs', async () => {
    const src = join(work, 'src-nodrive');
    makeSource(src, 3, 5 * 1024 * 1024, 0);
    const { s } = session('plan2', src, { targets: [], driveSize: 20 * 1024 * 1024 });
    const res = await s.plan();
    expect(res.ready).toBe(false);
    expect(res.plan?.fits).toBe(false);
    // a 20 MiB drive less its 8 MiB reserve takes two of the 5 MiB files, never split
    expect(res.plan?.moreDrivesNeeded).toEqual({ count: 2, size: 20 * 1024 * 1024 });
    expect(res.message).toMatch(/: 2 drives of \d/);
  });

  it('refuses targets it must not write, naming the drive and what to do, before anything is written', async () => {
    const src = join(work, 'src-plan');
    const { s } = session('plan3', src, {
      targets: [{ path: drives.mounts[0]! }, { path: drives.mounts[0]! }, { path: join(work, 'nowhere') }],
    });
    const res = await s.plan();
    expect(res.ready).toBe(false);
    expect(res.targetProblems.map((p) => p.code).sort()).toEqual(['duplicate', 'not-found']);
    for (const p of res.targetProblems) {
      expect(p.message).not.toMatch(/--/); // speaks to the person in any UI, no command-line flags
      expect(p.fix.length).toBeGreaterThan(5);
    }
    const started = await s.start();
    expect(started.outcome).toBe('refused');
    expect(existsSync(join(drives.mounts[0]!, 'HaulDrive.json'))).toBe(false);
  });

  it('copies onto two drives and hands back driveId, manifest file and hash, drive header hash and DriveInfo per drive', async () => {
    drives.clear();
    const src = join(work, 'src-copy');
    const hashes = makeSource(src, 3, 5 * 1024 * 1024 + 777, 30);
    const { s, events } = session('copy1', src, { verify: true });
    const res = await s.start();
    expect(res.outcome, res.message).toBe('done');
    expect(res.ok).toBe(true);
    expect(res.filesCopied).toBe(hashes.size);
    expectAllCopied('copy1', hashes);
    expect(res.drives.length).toBeGreaterThan(0);
    for (const d of res.drives) {
      const root = drives.mounts.find((m) => m === d.target)!;
      expect(d.manifestFile).toBe('\\DriveManifest.xml');
      expect(d.manifestHash).toBe(MD5(readFileSync(join(root, 'DriveManifest.xml'))));
      expect(d.driveHeaderHash).toBe(MD5(readFileSync(join(root, 'HaulDrive.json'))));
      expect(parseDriveManifest(readFileSync(join(root, 'DriveManifest.xml'), 'utf8')).driveId).toBe(d.driveId);
      expect(d.verified).toBe(true);
      const info = parseDriveInfo(readFileSync(d.driveInfoFile, 'utf8'));
      expect(info.manifestHash).toBe(d.manifestHash);
      expect(info.bitLockerKey).toBe(root === drives.mounts[0] ? KEY : '');
    }
    // progress names the file being copied; the key is in no event
    expect(events.some((e) => e.type === 'progress' && e.phase === 'copy')).toBe(true);
    expect(events.some((e) => e.type === 'verify-result' && e.ok)).toBe(true);
    expect(JSON.stringify(events)).not.toContain(KEY);
  }, 120_000);

  it('cancel stops cleanly with valid manifests; resume finishes, skipping what was done', async () => {
    drives.clear();
    const src = join(work, 'src-cancel');
    const hashes = makeSource(src, 4, 5 * 1024 * 1024, 20);
    const { s } = session('cancel1', src, { maxRate: 4 * 1024 * 1024 });
    let cancelled = false;
    s.onEvent((e) => {
      if (!cancelled && e.type === 'progress' && e.filesDone > 0) {
        cancelled = true;
        s.cancel();
      }
    });
    const stopped = await s.start();
    expect(cancelled).toBe(true);
    expect(stopped.outcome).toBe('stopped');
    expect(stopped.message).toMatch(/Resume to continue/);
    // what is on the drives is listed in a valid manifest
    for (const d of stopped.drives) expect(d.manifestHash).toBe(MD5(readFileSync(join(d.target, 'DriveManifest.xml'))));
    expect(existsSync(join(work, 'cancel1.jrn.lock'))).toBe(false);

    const { s: again } = session('cancel1', src, { verify: true });
    const done = await again.resume();
    expect(done.outcome, done.message).toBe('done');
    expect(done.filesSkipped).toBeGreaterThan(0);
    expect(done.filesSkipped + done.filesCopied).toBe(hashes.size);
    expectAllCopied('cancel1', hashes);
  }, 180_000);

  it('verify re-reads the drives and names the file and block of a flipped byte', async () => {
    const { s } = session('cancel1', join(work, 'src-cancel'));
    const good = await s.verify();
    expect(good.filter((r) => r.blobs > 0).every((r) => r.ok)).toBe(true);
    const root = good.find((r) => r.blobs > 0)!.target;
    const victim = readManifest(root)!.blobs.find((b) => b.length > 4 * 1024 * 1024)!;
    const fd = openSync(join(root, victim.filePath), 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 4 * 1024 * 1024 + 10);
    byte[0] = byte[0]! ^ 0xff;
    writeSync(fd, byte, 0, 1, 4 * 1024 * 1024 + 10);
    closeSync(fd);
    const bad = (await s.verify()).find((r) => r.target === root)!;
    expect(bad.ok).toBe(false);
    expect(bad.problems.join('\n')).toContain(`${victim.filePath}: block 1`);
  }, 120_000);

  it('lets one run use a journal at a time', async () => {
    const src = join(work, 'src-lock');
    makeSource(src, 4, 5 * 1024 * 1024, 0);
    // Slow enough that the first run is still copying when the second is refused.
    const a = session('lock1', src, { maxRate: 1024 * 1024 });
    const b = session('lock1', src);
    const first = a.s.start();
    await new Promise<void>((resolve) =>
      a.s.onEvent((e) => {
        if (e.type === 'progress') resolve();
      }),
    );
    const refusedAfter = Date.now();
    await expect(b.s.start()).rejects.toBeInstanceOf(JournalBusy);
    // A live run's lock is refused at once, not after waiting for it to go stale.
    expect(Date.now() - refusedAfter).toBeLessThan(5000);
    a.s.cancel();
    expect((await first).outcome).toBe('stopped');
  }, 120_000);
});

describe('journal and verify worker, in-process', () => {
  it('drops a torn last line after a crash and keeps every complete record', () => {
    const path = join(work, 'torn.jrn');
    const j = Journal.open(path);
    j.append([
      { t: 'session', s: 's1', job: 'j', at: 1 },
      { t: 'drive', drive: 'D1', target: '/x', at: 1 },
    ]);
    j.append([
      {
        t: 'file',
        s: 's1',
        blob: 'ccc/a',
        src: '/a',
        size: 1,
        mtime: 1,
        drive: 'D1',
        path: 's1/ccc/a',
        disp: 'rename',
        type: 'BlockBlob',
        md5: 'A'.repeat(32),
        blocks: 'A'.repeat(32),
      },
    ]);
    j.close();
    appendFileSync(path, '{"t":"file","s":"s1","blob":"ccc/b"'); // a kill in the middle of a write
    const again = Journal.open(path);
    expect([...again.files.keys()].length).toBe(1);
    expect(again.sessions.get('s1')).toBe('j');
    expect(again.damaged).toEqual([]);
    again.close();
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('the verify worker re-reads blocks and reports what differs', async () => {
    const root = join(work, 'vw');
    mkdirSync(join(root, 's'), { recursive: true });
    const data = Buffer.alloc(4 * 1024 * 1024 + 100, 7);
    writeFileSync(join(root, 's', 'f.bin'), data);
    const blocks = MD5(data.subarray(0, 4 * 1024 * 1024)) + MD5(data.subarray(4 * 1024 * 1024));
    let read = 0;
    const ok = await checkBlocks(root, [{ rel: 's/f.bin', length: data.length, blocks }], (n) => {
      read += n;
    });
    expect(ok).toEqual({ t: 'verify-done', blobs: 1, blocks: 2, bytes: data.length, mismatches: [], failed: [] });
    expect(read).toBe(data.length);
    const wrong = await checkBlocks(root, [
      { rel: 's/f.bin', length: data.length, blocks: blocks.slice(0, 32) + '0'.repeat(32) },
      { rel: 's/gone.bin', length: 1, blocks: '' },
    ]);
    expect(wrong.mismatches).toEqual([
      expect.stringMatching(/^s\/f\.bin: block 1 /),
      expect.stringMatching(/^s\/gone\.bin: the file is missing/),
    ]);
    expect(verifyItems(undefined)).toEqual([]);
  });
});

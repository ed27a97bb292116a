// Every file Haul keeps — the app's documents (job records, secrets, drafts, notifications), a
// drive's manifest and header, the service's jobs and the sandbox's storage keys — is written one
// way: a temporary, fsync, rename, then an fsync of the folder, without which a power cut can lose
// the rename and bring the file back old or missing. The folder's fsync cannot be seen in the files
// afterwards, so these tests watch the calls.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';

const calls: string[] = [];
let failWrites = false;
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const open: typeof fs.open = async (file, flags, mode) => {
    const fh = await fs.open(file, flags, mode);
    const name = path.basename(String(file));
    const isDir = (await fh.stat()).isDirectory();
    const sync = fh.sync.bind(fh);
    const writeFile = fh.writeFile.bind(fh);
    fh.sync = async () => {
      calls.push(`${isDir ? 'fsync folder' : 'fsync'} ${name}`);
      return sync();
    };
    fh.writeFile = (async (...args: Parameters<typeof writeFile>) => {
      if (failWrites) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return writeFile(...args);
    }) as typeof writeFile;
    return fh;
  };
  const rename: typeof fs.rename = async (from, to) => {
    calls.push(
      `rename ${path.basename(String(from)).replace(/\.[0-9a-f]{12}$/, '.*')} -> ${path.basename(String(to))}`,
    );
    return fs.rename(from, to);
  };
  return { ...fs, default: { ...fs, open, rename }, open, rename };
});

const { writeFileAtomic, writeFileAtomicStamped, readStamp, sameStamp, removeStaleTemps } =
  await import('../../shared/node/atomicWrite');
const { jsonFileStore } = await import('../../main/core/store/jsonFile');
const { writeAtomicAsync } = await import('../../main/core/prep/drive-format/write');

const root = mkdtempSync(path.join(tmpdir(), 'haul-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  calls.length = 0;
  failWrites = false;
});

describe('one atomic, durable write', () => {
  it('writes text, bytes or pieces in order, then syncs the file, renames it into place and syncs the folder', async () => {
    const dir = path.join(root, 'a');
    await writeFileAtomic(path.join(dir, 'doc.json'), '{"v":1}\n', { mkdirs: true, mode: 0o600 });
    expect(readFileSync(path.join(dir, 'doc.json'), 'utf8')).toBe('{"v":1}\n');
    expect(statSync(path.join(dir, 'doc.json')).mode & 0o777).toBe(0o600);
    await writeFileAtomic(path.join(dir, 'doc.json'), [Buffer.from('ab'), Buffer.from(''), Buffer.from('cd')]);
    expect(readFileSync(path.join(dir, 'doc.json'), 'utf8')).toBe('abcd');
    expect(calls.slice(-3)).toEqual([
      expect.stringMatching(/^fsync \.haul-tmp-doc\.json\.[0-9a-f]{12}$/),
      'rename .haul-tmp-doc.json.* -> doc.json',
      'fsync folder a',
    ]);
    expect(readdirSync(dir)).toEqual(['doc.json']);
  });

  it('a write that fails leaves the old file as it was and no temporary behind', async () => {
    const dir = path.join(root, 'b');
    await writeFileAtomic(path.join(dir, 'keys.json'), 'old', { mkdirs: true });
    failWrites = true;
    await expect(writeFileAtomic(path.join(dir, 'keys.json'), 'new')).rejects.toThrow(/no space left/);
    expect(readFileSync(path.join(dir, 'keys.json'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['keys.json']);
  });

  it("the stamp a write returns is the file's in its place until it is written again, even in place with its times set back", async () => {
    const dir = path.join(root, 'stamp');
    const file = path.join(dir, 'DriveManifest.xml');
    const stamp = await writeFileAtomicStamped(file, '<a/>', { mkdirs: true });
    expect(sameStamp(await readStamp(file), stamp)).toBe(true);
    // another program writes the same bytes in place and sets its modified time back: the change time tells
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const before = (await readStamp(file))!;
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(file, '<a/>');
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const after = (await readStamp(file))!;
    expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
    expect(sameStamp(after, before)).toBe(false);
    // written again the same way: another stamp; gone: none
    const again = await writeFileAtomicStamped(file, '<a/>');
    expect(sameStamp(again, stamp)).toBe(false);
    rmSync(file);
    expect(await readStamp(file)).toBeUndefined();
    expect(sameStamp(await readStamp(file), again)).toBe(false);
  });

  it('temporaries a crash left are found and removed', async () => {
    const dir = path.join(root, 'c');
    await writeFileAtomic(path.join(dir, 'job.json'), '{}', { mkdirs: true });
    writeFileSync(path.join(dir, '.haul-tmp-job.json.0123456789ab'), '{"half');
    expect(await removeStaleTemps(dir)).toBe(1);
    expect(readdirSync(dir)).toEqual(['job.json']);
  });

  it("a document's temporaries that a killed write left are removed when the app opens it; one being written now is not", async () => {
    const dir = path.join(root, 'left');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'drafts.json');
    writeFileSync(file, '{"v":1}\n');
    const old = path.join(dir, '.haul-tmp-drafts.json.0123456789ab');
    const fresh = path.join(dir, '.haul-tmp-drafts.json.ba9876543210');
    const other = path.join(dir, '.haul-tmp-tracker.json.0123456789ab');
    for (const f of [old, fresh, other]) writeFileSync(f, '{"v":');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(old, hourAgo, hourAgo);
    utimesSync(other, hourAgo, hourAgo);
    const store = jsonFileStore(file, { schema: z.object({ v: z.number() }), initial: () => ({ v: 0 }) });
    expect(await store.read()).toEqual({ v: 1 });
    // the old one of this document goes; a write in flight (fresh) and another document's are left
    expect(readdirSync(dir).sort()).toEqual([
      '.haul-tmp-drafts.json.ba9876543210',
      '.haul-tmp-tracker.json.0123456789ab',
      'drafts.json',
    ]);
  });

  it("the app's documents (job records, secrets, drafts …) sync their folder after the rename", async () => {
    const file = path.join(root, 'app', 'records.json');
    const store = jsonFileStore(file, { schema: z.object({ n: z.number() }), initial: () => ({ n: 0 }) });
    await store.write({ n: 1 });
    await store.update((d) => ({ n: d.n + 1 }));
    expect(await store.read()).toEqual({ n: 2 });
    expect(calls.filter((c) => !c.startsWith('fsync .haul-tmp'))).toEqual([
      'rename .haul-tmp-records.json.* -> records.json',
      'fsync folder app',
      'rename .haul-tmp-records.json.* -> records.json',
      'fsync folder app',
    ]);
  });

  it("a drive's manifest and header sync the drive's folder after the rename", async () => {
    const drive = path.join(root, 'drive');
    await writeAtomicAsync(path.join(drive, 'DriveManifest.xml'), [Buffer.from('<DriveManifest/>')], true);
    expect(readFileSync(path.join(drive, 'DriveManifest.xml'), 'utf8')).toBe('<DriveManifest/>');
    expect(calls.slice(-2)).toEqual([
      'rename .haul-tmp-DriveManifest.xml.* -> DriveManifest.xml',
      'fsync folder drive',
    ]);
  });
});

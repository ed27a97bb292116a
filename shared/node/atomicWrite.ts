// Durable, atomic file writes for everything Haul keeps on disk, in main/core and in the service:
// write a temporary file in the same folder, fsync it, rename it over the target, fsync the folder.
// A reader (or a restart after kill -9 or a power cut) sees the old bytes or the new bytes, never a
// mixture, and once the promise resolves the change survives a crash: without the folder's fsync
// the rename itself may be lost, and the file come back old or missing.
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The start of every temporary's name: `.haul-tmp-<file name>.<random>`, next to the file. */
export const TMP_MARK = '.haul-tmp-';

export interface AtomicWriteOptions {
  /** The new file's mode (0o600 for anything private); default 0o644. */
  mode?: number;
  /** Make the file's folder (and its parents) first. */
  mkdirs?: boolean;
}

/** Makes a rename or unlink in `dir` durable. Where a folder cannot be opened or synced (Windows, some file systems), there is nothing more to do. */
export async function fsyncFolder(dir: string): Promise<void> {
  let fd;
  try {
    fd = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await fd.sync();
  } catch {
    /* some file systems refuse fsync on folders */
  } finally {
    await fd.close();
  }
}

/** On Windows a rename over a file another program has open (an indexer, a virus scanner) fails for a moment. */
async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await rename(from, to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 10 || !['EPERM', 'EACCES', 'EBUSY'].includes(code ?? '')) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}

/**
 * Which version of a file is on disk: its inode, size, modified and changed times. A file written
 * again, in place or replaced, has another stamp; its change time cannot be set back, so the same
 * stamp means nothing wrote it since (on the file systems Haul writes to). A different one means
 * it may have changed, not that it did.
 */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

const stampOfStats = (st: Stats): FileStamp => ({
  ino: st.ino,
  size: st.size,
  mtimeMs: st.mtimeMs,
  ctimeMs: st.ctimeMs,
});

/** The stamp of the file at `path` now; undefined when there is none (or it cannot be looked at). */
export async function readStamp(path: string): Promise<FileStamp | undefined> {
  try {
    return stampOfStats(await stat(path));
  } catch {
    return undefined;
  }
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return !!a && !!b && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/**
 * Writes `data` (text, bytes, or pieces written one after another) to `path` atomically and
 * durably; off the event loop. A failed write leaves the old file as it was and no temporary.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
  options: AtomicWriteOptions = {},
): Promise<void> {
  await writeFileAtomicStamped(path, data, options);
}

/**
 * writeFileAtomic, resolving with the stamp of the file written, in its place (a reader can tell
 * later whether it is still that one): taken through the written file's own handle after the
 * rename (which sets its change time), so another write right after it cannot be taken for it.
 */
export async function writeFileAtomicStamped(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
  options: AtomicWriteOptions = {},
): Promise<FileStamp> {
  try {
    return await writeDurably(path, data, options);
  } catch (e) {
    // A write through a file handle fails without a path (ENOSPC): say which file it was.
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err === 'object' && err.path === undefined) err.path = path;
    throw e;
  }
}

async function writeDurably(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
  options: AtomicWriteOptions,
): Promise<FileStamp> {
  const dir = dirname(path);
  if (options.mkdirs) await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${TMP_MARK}${basename(path)}.${randomBytes(6).toString('hex')}`);
  const fd = await open(tmp, 'w', options.mode ?? 0o644);
  let stamp: FileStamp;
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await fd.writeFile(data);
    else for (const piece of data) for (let at = 0; at < piece.length; ) at += (await fd.write(piece, at)).bytesWritten;
    await fd.sync();
    await renameOver(tmp, path);
  } catch (e) {
    await fd.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  try {
    stamp = stampOfStats(await fd.stat());
  } finally {
    await fd.close();
  }
  await fsyncFolder(dir);
  return stamp;
}

/** Removes `path` (already gone is fine) and makes the removal durable. */
export async function unlinkDurable(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fsyncFolder(dirname(path));
}

/**
 * Removes the temporaries a crash left in `dir` (they never replaced a real file); returns how many.
 * Only where nothing else writes into `dir` at the same time: a write in flight has a temporary too.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  let n = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith(TMP_MARK)) {
      await rm(join(dir, name), { force: true });
      n++;
    }
  }
  return n;
}

/**
 * Removes the temporaries of `path` that a killed write left beside it (`.haul-tmp-<name>.<random>`)
 * once they are older than `olderThanMs`: a write in flight, this process's or another's, lasts
 * milliseconds and is left alone. Returns how many went.
 */
export async function removeLeftTempsOf(path: string, olderThanMs = 60_000): Promise<number> {
  const dir = dirname(path);
  const prefix = `${TMP_MARK}${basename(path)}.`;
  const before = Date.now() - olderThanMs;
  let n = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const tmp = join(dir, name);
    try {
      if ((await stat(tmp)).mtimeMs > before) continue;
      await rm(tmp, { force: true });
      n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

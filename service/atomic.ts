// Durable writes: write a temporary file in the same folder, fsync it, rename it over the target,
// fsync the folder. A reader (or a restart after kill -9) sees the old bytes or the new bytes,
// never a mixture; once the promise resolves the change survives a crash.
import { open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export const TMP_MARK = '.haul-tmp-';

async function fsyncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } catch {
    /* some file systems refuse fsync on folders */
  } finally {
    await fd.close();
  }
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  try {
    await writeDurably(path, data, mode);
  } catch (e) {
    // A write through a file handle fails without a path (ENOSPC): say which file it was.
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err === 'object' && err.path === undefined) err.path = path;
    throw e;
  }
}

async function writeDurably(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `${TMP_MARK}${basename(path)}.${randomBytes(6).toString('hex')}`);
  const fd = await open(tmp, 'w', mode);
  try {
    await fd.writeFile(data);
    await fd.sync();
  } catch (e) {
    await fd.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await fd.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

export async function unlinkDurable(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fsyncDir(dirname(path));
}

/** Removes temporary files a crash left behind (they never replaced a real file). */
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

// Writing a drive's files: atomically (a temporary next to the file, fsync, rename), and the MD5
// as the drive's files carry it (Base16, upper case).
import { createHash } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The MD5 of `data` as the drive's files carry it (Base16, upper case). */
export const md5Upper = (data: string | Buffer): string => createHash('md5').update(data).digest('hex').toUpperCase();

/**
 * Writes `path` atomically: a temporary next to it, fsync, rename. Off the event loop (the engine's
 * main thread must not stall on a drive's fsync); `mkdirs` makes its folder.
 */
export async function writeAtomicAsync(
  path: string,
  data: string | Buffer | Buffer[],
  mkdirs = false,
  mode = 0o644,
): Promise<void> {
  if (mkdirs) await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.haul-tmp`);
  const fh = await open(tmp, 'w', mode);
  try {
    if (Array.isArray(data))
      for (const chunk of data)
        for (let off = 0; off < chunk.length; ) off += (await fh.write(chunk, off)).bytesWritten;
    else await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

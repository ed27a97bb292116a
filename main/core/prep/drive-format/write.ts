// Writing a drive's files: atomically (shared/node/atomicWrite.ts: a temporary next to the file, fsync,
// rename, fsync of the folder), and the MD5 as the drive's files carry it (Base16, upper case).
import { createHash } from 'node:crypto';
import { writeFileAtomicStamped, type FileStamp } from '../../../../shared/node/atomicWrite';

/** The MD5 of `data` as the drive's files carry it (Base16, upper case). */
export const md5Upper = (data: string | Buffer): string => createHash('md5').update(data).digest('hex').toUpperCase();

/**
 * Writes `path` atomically and durably, and resolves with the stamp of the file written. Off the
 * event loop (the engine's main thread must not stall on a drive's fsync); `mkdirs` makes its folder.
 */
export function writeAtomicAsync(
  path: string,
  data: string | Buffer | Buffer[],
  mkdirs = false,
  mode = 0o644,
): Promise<FileStamp> {
  return writeFileAtomicStamped(path, data, { mkdirs, mode });
}

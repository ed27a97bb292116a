// MD5 as the Import/Export formats use it (Base16 upper case), computed without holding up the
// service's event loop.
import { createHash, type Hash } from 'node:crypto';

export const md5Hex = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex').toUpperCase();

const HASH_SLICE = 256 * 1024;

/**
 * Feeds a buffer to the hashes in 256 KiB slices, yielding to the event loop in between, so that
 * hashing 4 MiB blocks never holds the service's API up for more than a slice (about a millisecond).
 */
export async function hashInSlices(buf: Uint8Array, hashes: Hash[]): Promise<void> {
  for (let o = 0; o < buf.length; o += HASH_SLICE) {
    const part = buf.subarray(o, Math.min(o + HASH_SLICE, buf.length));
    for (const h of hashes) h.update(part);
    if (o + HASH_SLICE < buf.length) await new Promise<void>((r) => setImmediate(r));
  }
}

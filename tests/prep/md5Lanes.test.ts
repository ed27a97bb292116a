// The SIMD MD5 lanes give exactly OpenSSL's MD5 for every piece: every padding edge (55, 56, 63,
// 64 bytes…), empty pieces, whole blocks, and pieces of unequal length added while others run, so
// lanes finish at different times and take the next piece.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../shared/prep/constants';
import { LANES_SCRATCH, Md5Batch, md5Kernel, Md5Lanes, sharedMemory } from '../../main/core/prep/hash/md5Lanes';

const SIZE = 3 * BLOCK_SIZE;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

function setup() {
  const memory = sharedMemory(SIZE + LANES_SCRATCH);
  const data = new Uint8Array(memory.buffer, 0, SIZE);
  data.set(randomBytes(SIZE));
  const kernel = md5Kernel();
  if (!kernel) throw new Error('this runtime has no WebAssembly SIMD');
  return { data, lanes: new Md5Lanes(kernel, memory, SIZE) };
}

describe('MD5 lanes', () => {
  it('hash every length around the padding edges like OpenSSL', () => {
    const { data, lanes } = setup();
    const got = new Map<number, string>();
    const lengths = [0, 1, 2, 54, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129, 1000, 4096, 65536];
    for (const [i, length] of lengths.entries()) {
      const offset = 1 + i * 7919; // unaligned, overlapping pieces
      lanes.add({ offset, length, done: (d) => got.set(i, Buffer.from(d).toString('hex')) });
    }
    lanes.step(true);
    expect(lanes.busy()).toBe(false);
    for (const [i, length] of lengths.entries()) {
      const offset = 1 + i * 7919;
      expect(got.get(i), `${length} bytes`).toBe(md5(data.subarray(offset, offset + length)));
    }
  });

  it('keep pieces of unequal length apart when lanes finish at different times', () => {
    const { data, lanes } = setup();
    const want: string[] = [];
    const got: string[] = [];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 500; i++) {
      // mostly small files, now and then a whole block or a big piece
      const length = i % 97 === 0 ? BLOCK_SIZE : i % 13 === 0 ? rand(1 << 20) : rand(40_000);
      const offset = rand(SIZE - length);
      want.push(md5(data.subarray(offset, offset + length)));
      lanes.add({ offset, length, done: (d) => (got[i] = Buffer.from(d).toString('hex')) });
      if (i % 3 === 0) lanes.step(); // one kernel call now and then, as the hasher does between slots
    }
    lanes.step(true);
    expect(got).toEqual(want);
  });

  it.each(['simd', 'openssl'])(
    'hash what a batch reads, block after block, however the pieces fill it, in a batch of any size (%s)',
    (kind) => {
      if (kind === 'openssl') process.env.HAUL_MD5 = 'openssl';
      try {
        // an odd size too: the lanes' state after the buffer must still be aligned (it hashed zeros once)
        for (const size of [2 * BLOCK_SIZE, 2 * BLOCK_SIZE + 1]) {
          const batch = new Md5Batch(size);
          const pieces = [BLOCK_SIZE, 1, BLOCK_SIZE, 100_000, 0, BLOCK_SIZE - 1, 64, 4096];
          const want: string[] = [];
          const got: string[] = [];
          for (const [i, len] of pieces.entries()) {
            const bytes = randomBytes(len);
            want.push(md5(bytes).toUpperCase());
            const at = batch.room(len);
            bytes.copy(batch.buf, at);
            batch.add(len, (h) => (got[i] = h));
          }
          batch.flush();
          expect(got, `a batch of ${size} bytes`).toEqual(want);
        }
      } finally {
        delete process.env.HAUL_MD5;
      }
    },
  );
});

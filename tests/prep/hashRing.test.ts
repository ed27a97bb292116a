// What the copy journals for each file, whatever its size: the MD5 of every 4 MiB block (small
// files hashed in batches by the copy threads, big ones a block per ring slot by the hashers; in
// the SIMD lanes, or with OpenSSL's MD5 where a runtime has no WebAssembly SIMD), and the
// whole-file MD5 only for a file of at most one block (main/core/prep/README.md, "The whole-file
// MD5"). Copied onto a loop-mounted ext4 drive (a temp folder where loop devices are missing).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../shared/prep/constants';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { hasherKind } from '../../main/core/prep/hash/hashRing';
import { Journal } from '../../main/core/prep/journal/journal';
import { PrepSession } from '../../main/core/prep/engine/session';
import { makeDrives, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-prep-hashring-'));
let drives: TestDrives;
const MD5 = (b: Buffer) => createHash('md5').update(b).digest('hex').toUpperCase();

beforeAll(() => {
  drives = makeDrives(work, 2, 96);
});
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('the copy hashes', () => {
  it('runs the SIMD lanes on this machine (an x86-64 or arm64 Node has WebAssembly SIMD)', () => {
    expect(hasherKind()).toBe('simd');
  });

  it.each(['simd', 'openssl'] as const)(
    'journals every block MD5, and the file MD5 for files of at most one block, for every size (%s)',
    async (kind) => {
      // the copy worker's hashers read HAUL_MD5 from the environment they inherit
      if (kind === 'openssl') process.env.HAUL_MD5 = 'openssl';
      else delete process.env.HAUL_MD5;
      const src = join(work, `src-${kind}`);
      mkdirSync(src);
      // empty, a few bytes, many small files packed into slots, block edges, several blocks
      const sizes = [0, 1, 777, ...Array.from({ length: 300 }, (_, i) => 4096 + i * 97), BLOCK_SIZE - 1, BLOCK_SIZE];
      sizes.push(BLOCK_SIZE + 1, 2 * BLOCK_SIZE, 3 * BLOCK_SIZE + 12345);
      const data = new Map<string, Buffer>();
      for (const [i, size] of sizes.entries()) {
        const b = randomBytes(size);
        writeFileSync(join(src, `f${i}.bin`), b);
        data.set(`f${i}.bin`, b);
      }
      const journal = join(work, `h-${kind}.jrn`);
      const s = new PrepSession({
        journal,
        session: kind === 'simd' ? 'h1' : 'h2',
        keepAwake: false,
        entries: pickedEntries([src], 'media/', 'BlockBlob', 'rename'),
        targets: [{ path: drives.mounts[kind === 'simd' ? 0 : 1]! }],
      });
      const res = await s.start();
      expect(res.outcome, res.message).toBe('done');
      const j = Journal.read(journal);
      const records = [...j.files.values()];
      expect(records.length).toBe(sizes.length);
      for (const r of records) {
        const b = data.get(r.blob.split('/').pop()!)!;
        let blocks = '';
        for (let at = 0; at < b.length; at += BLOCK_SIZE) blocks += MD5(b.subarray(at, at + BLOCK_SIZE));
        expect(r.blocks, r.blob).toBe(blocks);
        expect(r.md5, r.blob).toBe(b.length <= BLOCK_SIZE ? MD5(b) : '');
      }
      delete process.env.HAUL_MD5;
    },
    120_000,
  );
});

describe('syncfs without a fork per flush', () => {
  it('one shell answers each syncfs of the drive with its exit status, and a drive that is gone fails', async () => {
    const { SyncfsServer } = await import('../../main/core/prep/flush/flusher');
    const here = SyncfsServer.start(tmpdir());
    expect(here, 'mkfifo and sh are on every Linux this runs on').toBeDefined();
    expect([here!.syncfs(), here!.syncfs()]).toEqual([0, 0]);
    const gone = SyncfsServer.start(join(tmpdir(), 'no-such-drive-here'));
    expect(gone!.syncfs()).not.toBe(0);
  });
});

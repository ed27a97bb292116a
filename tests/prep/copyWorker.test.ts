// A drive's copy worker with its second copier of small files (smallCopyWorker.ts), driven as the
// engine drives it: every file is reported once, with the MD5 of its bytes, whichever copier took
// it; a file one copier cannot read is named; a drive that fills or goes away stops both, and what
// they had not reported goes back with its copy removed, so nothing is counted twice or lost.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { CopyResult, CopyTask, FromWorker, WorkerInit } from '../../main/core/prep/threads/protocol';
import { startWorker, workerFile } from '../../main/core/prep/threads/workerBoot';

const work = mkdtempSync(join(tmpdir(), 'haul-copy-worker-'));
const MD5 = (b: Buffer) => createHash('md5').update(b).digest('hex').toUpperCase();
afterAll(() => {
  for (const d of mounted) spawnSync('umount', ['-l', d]);
  rmSync(work, { recursive: true, force: true });
});

/** `count` small files of 1-20 KiB under a new source folder; their contents by task id. */
function source(name: string, count: number): { tasks: CopyTask[]; data: Map<number, Buffer> } {
  const dir = join(work, name);
  mkdirSync(dir);
  const tasks: CopyTask[] = [];
  const data = new Map<number, Buffer>();
  for (let id = 0; id < count; id++) {
    const bytes = randomBytes(1024 + ((id * 7919) % (19 * 1024)));
    const src = join(dir, `f${id}.bin`);
    writeFileSync(src, bytes);
    tasks.push({ id, src, rel: `s1/c/d${id % 3}/f${id}.bin`, size: bytes.length, mtime: statSync(src).mtimeMs });
    data.set(id, bytes);
  }
  return { tasks, data };
}

const MiB = 1024 * 1024;
const BLOCK = 4 * MiB;
/** The block MD5s of a file's bytes, as the manifest lists them. */
const blockMd5s = (b: Buffer) => {
  let out = '';
  for (let at = 0; at < b.length; at += BLOCK) out += MD5(b.subarray(at, at + BLOCK));
  return out;
};

/** Big files of the given sizes (one block and more), then `small` small ones, under a new source folder. */
function bigSource(name: string, sizes: number[], small = 0): { tasks: CopyTask[]; data: Map<number, Buffer> } {
  const { tasks, data } = source(name, small);
  const dir = join(work, name);
  for (const [i, size] of sizes.entries()) {
    const id = small + i;
    const bytes = randomBytes(size);
    const src = join(dir, `big${id}.bin`);
    writeFileSync(src, bytes);
    tasks.push({ id, src, rel: `s1/c/big/b${id}.bin`, size, mtime: statSync(src).mtimeMs });
    data.set(id, bytes);
  }
  return { tasks, data };
}

function target(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
}

/** Sends the tasks and collects what the worker says until it is idle or the drive stopped it. */
async function copy(root: string, tasks: CopyTask[], rootDev = statSync(root).dev, hashers = 1) {
  const w = startWorker(workerFile('copyWorker'), {
    root,
    rootDev,
    maxRate: 0,
    hashers,
    reading: new SharedArrayBuffer(8),
  } satisfies WorkerInit);
  const done = new Map<number, CopyResult>();
  const twice: number[] = [];
  const sourceErrors = new Map<number, string>();
  /** files reported while their copy was not yet whole at its place */
  const early: number[] = [];
  let end: FromWorker | undefined;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  try {
    await new Promise<void>((resolve, reject) => {
      w.on('error', reject);
      w.on('message', (m: FromWorker) => {
        if (m.t === 'done')
          for (const r of m.results) {
            if (done.has(r.id)) twice.push(r.id);
            done.set(r.id, r);
            const at = join(root, byId.get(r.id)!.rel);
            if (!existsSync(at) || statSync(at).size !== r.size) early.push(r.id);
          }
        else if (m.t === 'source-error') sourceErrors.set(m.id, m.message);
        else if (m.t === 'idle' || m.t === 'full' || m.t === 'removed' || m.t === 'target-error') {
          end = m;
          resolve();
        }
      });
      w.postMessage({ t: 'tasks', tasks });
    });
  } finally {
    await w.terminate();
  }
  return { done, twice, early, sourceErrors, end: end! };
}

const mounted: string[] = [];

describe('the copy worker and its second copier', () => {
  it('reports every small file once with the MD5 of its bytes, written where it belongs', async () => {
    const { tasks, data } = source('src-all', 600);
    const root = target('all');
    const r = await copy(root, tasks);
    expect(r.end.t).toBe('idle');
    expect(r.twice).toEqual([]);
    expect(r.sourceErrors.size).toBe(0);
    expect([...r.done.keys()].sort((a, b) => a - b)).toEqual(tasks.map((t) => t.id));
    for (const t of tasks) {
      const bytes = data.get(t.id)!;
      const res = r.done.get(t.id)!;
      expect(res.size, t.rel).toBe(bytes.length);
      expect(res.md5, t.rel).toBe(MD5(bytes));
      expect(res.blocks, t.rel).toBe(MD5(bytes));
      expect(readFileSync(join(root, t.rel)).equals(bytes), t.rel).toBe(true);
    }
  });

  it('names each file it cannot read and copies the rest; a file grown past a block is copied whole', async () => {
    const { tasks, data } = source('src-some', 300);
    // the first slices go to the second copier: a missing file there and in the copy worker's share
    const missing = [3, 40, 250, 299];
    for (const id of missing) rmSync(tasks[id]!.src);
    const grown = randomBytes(5 * 1024 * 1024);
    writeFileSync(tasks[1]!.src, grown); // planned small, now two blocks
    data.set(1, grown);
    const root = target('some');
    const r = await copy(root, tasks);
    expect(r.end.t).toBe('idle');
    expect([...r.sourceErrors.keys()].sort((a, b) => a - b)).toEqual(missing);
    for (const id of missing) expect(r.sourceErrors.get(id)).toMatch(/no longer exists/);
    expect(r.done.size).toBe(tasks.length - missing.length);
    expect(r.twice).toEqual([]);
    const big = r.done.get(1)!;
    expect(big.size).toBe(grown.length);
    expect(big.blocks).toBe(MD5(grown.subarray(0, 4 * 1024 * 1024)) + MD5(grown.subarray(4 * 1024 * 1024)));
    for (const id of r.done.keys()) expect(readFileSync(join(root, tasks[id]!.rel)).equals(data.get(id)!)).toBe(true);
    for (const id of missing) expect(existsSync(join(root, tasks[id]!.rel))).toBe(false);
  });

  it('a drive that runs out of room stops both: each file is reported or handed back, never both, and a handed-back one is not left on the drive', async () => {
    if (process.getuid?.() !== 0) {
      console.log('NOTE: the full-drive test mounts a tmpfs with few inodes and needs root; skipped');
      return;
    }
    const { tasks, data } = source('src-full', 800);
    const root = target('full');
    // room for the bytes, not for the files: creating the 300th or so fails with ENOSPC
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,nr_inodes=300', 'tmpfs', root]).status).toBe(0);
    mounted.push(root);
    const r = await copy(root, tasks);
    expect(r.end.t).toBe('full');
    const returned = r.end.t === 'full' ? r.end.returned : [];
    expect(r.twice).toEqual([]);
    expect(returned.filter((id) => r.done.has(id))).toEqual([]);
    expect(new Set(returned).size).toBe(returned.length);
    expect(r.done.size + returned.length).toBe(tasks.length);
    expect(r.done.size).toBeGreaterThan(100);
    for (const [id, res] of r.done) {
      expect(res.md5).toBe(MD5(data.get(id)!));
      expect(readFileSync(join(root, tasks[id]!.rel)).equals(data.get(id)!)).toBe(true);
    }
    for (const id of returned) expect(existsSync(join(root, tasks[id]!.rel)), tasks[id]!.rel).toBe(false);
  });

  it('a drive that is gone stops both before anything is written: every file goes back', async () => {
    const { tasks } = source('src-gone', 400);
    const root = target('gone');
    const r = await copy(root, tasks, statSync(root).dev + 1); // another device at the mount point
    expect(r.end.t).toBe('removed');
    const returned = r.end.t === 'removed' ? r.end.returned : [];
    expect(r.done.size).toBe(0);
    expect([...returned].sort((a, b) => a - b)).toEqual(tasks.map((t) => t.id));
    expect(spawnSync('find', [root, '-type', 'f']).stdout.toString()).toBe('');
  });

  // sizes at the block's edges: a whole block, a byte past it, an unaligned tail, several blocks
  const SIZES = [BLOCK, BLOCK + 1, 2 * BLOCK + 4095, 3 * BLOCK + 4096 + 7, 9 * MiB + 123, 5 * BLOCK];

  for (const [how, direct, hashers] of [
    ['direct I/O, two hashers', '1', 2],
    ['direct I/O, one hasher', '1', 1],
    ['through the page cache', '0', 1],
  ] as const)
    it(`writes big files whole before it reports them, each block's MD5 right (${how})`, async () => {
      const { tasks, data } = bigSource(`src-big-${hashers}-${direct}`, SIZES, 40);
      // the big files among the small ones, as a plan mixes them
      const mixed = [...tasks.slice(40, 43), ...tasks.slice(0, 20), ...tasks.slice(43), ...tasks.slice(20, 40)];
      const root = target(`big-${hashers}-${direct}`);
      const before = process.env.HAUL_DIRECT;
      process.env.HAUL_DIRECT = direct; // a worker takes the environment as it is when it starts
      let r: Awaited<ReturnType<typeof copy>>;
      try {
        r = await copy(root, mixed, statSync(root).dev, hashers);
      } finally {
        if (before === undefined) delete process.env.HAUL_DIRECT;
        else process.env.HAUL_DIRECT = before;
      }
      expect(r.end.t).toBe('idle');
      expect(r.twice).toEqual([]);
      expect(r.early).toEqual([]);
      expect(r.done.size).toBe(tasks.length);
      for (const t of tasks) {
        const bytes = data.get(t.id)!;
        const res = r.done.get(t.id)!;
        expect(res.size, t.rel).toBe(bytes.length);
        expect(res.blocks, t.rel).toBe(blockMd5s(bytes));
        // a one-block file's MD5 is its block's; a longer one's is not computed
        expect(res.md5, t.rel).toBe(bytes.length <= BLOCK ? MD5(bytes) : '');
        expect(readFileSync(join(root, t.rel)).equals(bytes), t.rel).toBe(true);
      }
    });

  it('a drive that fills during a big file: the big files before it are reported whole, it and the rest go back, none left on the drive', async () => {
    if (process.getuid?.() !== 0) {
      console.log('NOTE: the full-drive test mounts a small tmpfs and needs root; skipped');
      return;
    }
    const { tasks, data } = bigSource('src-big-full', [5 * MiB, 6 * MiB, 5 * MiB, 7 * MiB, 6 * MiB, 5 * MiB]);
    const root = target('big-full');
    // room for about three of them
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=18m', 'tmpfs', root]).status).toBe(0);
    mounted.push(root);
    const r = await copy(root, tasks, statSync(root).dev, 2);
    expect(r.end.t).toBe('full');
    const returned = r.end.t === 'full' ? r.end.returned : [];
    expect(r.end.t === 'full' && r.end.message).toMatch(/the drive is full/);
    expect(r.twice).toEqual([]);
    expect(r.early).toEqual([]);
    expect(returned.filter((id) => r.done.has(id))).toEqual([]);
    expect(r.done.size + returned.length).toBe(tasks.length);
    expect(r.done.size).toBeGreaterThanOrEqual(1);
    expect(returned.length).toBeGreaterThanOrEqual(1);
    for (const [id, res] of r.done) {
      expect(res.blocks).toBe(blockMd5s(data.get(id)!));
      expect(readFileSync(join(root, tasks[id]!.rel)).equals(data.get(id)!)).toBe(true);
    }
    for (const id of returned) expect(existsSync(join(root, tasks[id]!.rel)), tasks[id]!.rel).toBe(false);
    // no partial copy left: the drive holds exactly what was reported
    const files = spawnSync('find', [root, '-type', 'f']).stdout.toString().trim().split('\n').filter(Boolean);
    expect(files.sort()).toEqual([...r.done.keys()].map((id) => join(root, tasks[id]!.rel)).sort());
  });
});

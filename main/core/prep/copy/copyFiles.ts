// What both copiers of a drive share (copyWorker.ts, and its second copier of small files,
// smallCopyWorker.ts): opening a source and a copy on the drive, reading with retries, writing in
// cp's pieces, and naming what went wrong in words. The errors say whose fault it is: the source
// (this file is skipped) or the drive (full, removed, failing: the drive stops).
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { BLOCK_SIZE } from '../../../../shared/prep/constants';
import type { CopyResult, CopyTask } from '../threads/protocol';
import { messageOf } from '../../../../shared/messageOf';

/** files of this size and more are flushed one by one (fsync); smaller ones written behind (syncfs) */
export const SMALL_FILE = BLOCK_SIZE;
/** MD5 of no bytes: an empty file's (it has no blocks) */
const EMPTY_MD5 = 'D41D8CD98F00B204E9800998ECF8427E';
/**
 * Blocks are written to the drive in 128 KiB pieces (as cp does), not in one 4 MiB write. Measured
 * on ext4 (Linux 6.18): 2 GiB cost the copy thread 6-8 s of CPU in 4 MiB writes and 2.7 s in
 * 128 KiB writes, most of it in the kernel's copy into the page cache (big writes get large folios,
 * high-order allocations from cold memory; small writes reuse hot pages).
 */
export const WRITE_CHUNK = 128 * 1024;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
export const sleep = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

// The four below stay in the copy thread: caught there and posted as messages, never shown as they are.
export class TargetGone extends Error {}
export class TargetFull extends Error {}
export class TargetFailed extends Error {
  constructor(
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}
export class SourceFailed extends Error {
  constructor(
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}

export function changed(task: CopyTask): SourceFailed {
  return new SourceFailed(
    'ECHANGED',
    `${task.src} changed while it was being copied; it will be copied again on the next run`,
  );
}

export function openSource(task: CopyTask): number {
  try {
    return openSync(task.src, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    throw new SourceFailed(
      code,
      code === 'EACCES' || code === 'EPERM'
        ? `permission denied reading ${task.src}`
        : code === 'ENOENT'
          ? `${task.src} no longer exists`
          : `cannot open ${task.src} (${code})`,
    );
  }
}

export function readWithRetry(fd: number, into: Buffer, at: number, pos: number, len: number, src: string): number {
  for (let attempt = 0; ; attempt++) {
    try {
      return readSync(fd, into, at, len, pos);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      if (code === 'EIO' && attempt < 3) {
        sleep(200 * (attempt + 1));
        continue;
      }
      throw new SourceFailed(
        code,
        code === 'EIO'
          ? `reading ${src} failed with an input/output error (tried ${attempt + 1} times); the source disk may be failing`
          : `reading ${src} failed (${code})`,
      );
    }
  }
}

/** Group and other bits every folder from the root down to `dir` lets through (their x bits), with the owner's. */
const reach = new Map<string, number>();
function reachOf(dir: string): number {
  const known = reach.get(dir);
  if (known !== undefined) return known;
  let mode = 0o777;
  try {
    mode = statSync(dir).mode;
  } catch {
    /* unreadable: the file's own bits decide */
  }
  const here = 0o700 | (mode & 0o010 ? 0o070 : 0) | (mode & 0o001 ? 0o007 : 0);
  const parent = dirname(dir);
  const r = parent === dir ? here : here & reachOf(parent);
  if (reach.size > 10_000) reach.clear();
  reach.set(dir, r);
  return r;
}

/**
 * The permission bits of a copy of `src` (its fstat mode `mode`): never readable by more users
 * than the source is — the source's own bits, without the group and other bits a folder above it
 * withholds (a file in a folder only its owner may enter is copied readable by its owner only).
 * The umask applies on top, as for any file created (`cp` keeps the source's bits the same way).
 */
export function copyMode(src: string, mode: number): number {
  return mode & 0o777 & reachOf(dirname(src));
}

/** The drive being copied onto: its root, whether it is still the same drive, the folders made on it. */
export class Target {
  private readonly made = new Set<string>();
  private rootChecked = 0;

  constructor(
    readonly root: string,
    /** st_dev of the root when the copy started: a different device means the drive was removed */
    readonly rootDev: number,
  ) {}

  /** `check` at most every 50 ms on the hot path (a stat per small file adds up) */
  checkSoon(): void {
    const now = Date.now();
    if (now - this.rootChecked < 50) return;
    this.check();
    this.rootChecked = now;
  }

  check(): void {
    let dev: number;
    try {
      dev = statSync(this.root).dev;
    } catch {
      throw new TargetGone('the drive was removed');
    }
    if (dev !== this.rootDev) throw new TargetGone('the drive was removed (its mount point no longer holds it)');
  }

  /** A failed operation on the drive as what it means: full, removed, or failing with its code. */
  error(e: unknown, what: string): never {
    const code = (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new TargetFull(`the drive is full (${what})`);
    this.check();
    if (code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO') throw new TargetGone('the drive was removed');
    throw new TargetFailed(code, `${what} failed on the drive: ${messageOf(e)}`);
  }

  ensureDir(dir: string): void {
    if (this.made.has(dir)) return;
    this.check(); // never create folders on the bare mount point of a pulled drive
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      this.error(e, `creating folder ${dir}`);
    }
    this.made.add(dir);
  }

  /**
   * Opens `path` for writing, new, with permission bits `mode` (the umask applies), making its folder
   * when it is missing. A file already there (a partial copy of a killed run) is replaced, so the
   * copy never keeps wider permissions than `mode`.
   */
  create(path: string, mode = 0o666): number {
    const open = () => {
      try {
        return openSync(path, 'wx', mode);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        unlinkSync(path);
        return openSync(path, 'wx', mode);
      }
    };
    try {
      return open();
    } catch (e) {
      this.check();
      this.ensureDir(dirname(path));
      try {
        return open();
      } catch (e2) {
        this.error(e2 ?? e, 'creating a file');
      }
    }
  }

  writeAll(dst: number, buf: Buffer, at: number, len: number, pos: number, rel: string): void {
    let w = 0;
    while (w < len) {
      try {
        w += writeSync(dst, buf, at + w, Math.min(WRITE_CHUNK, len - w), pos + w);
      } catch (e) {
        this.error(e, `writing ${rel}`);
      }
    }
  }

  fsync(fd: number, rel: string): void {
    try {
      fsyncSync(fd);
    } catch (e) {
      this.error(e, `flushing ${rel}`);
    }
  }
}

/**
 * The bytes of a small file (`size` by its fstat before) into `buf` at `at` and onto the drive: one
 * read of size + 1 bytes usually gets the whole file and shows its end (a short read at its size
 * needs no second read to see 0); the fstat after catches a file that changed meanwhile. Returns
 * the bytes copied (`size`).
 */
function copySmallBytes(
  target: Target,
  task: CopyTask,
  src: number,
  dst: number,
  before: { size: number; mtimeMs: number },
  buf: Buffer,
  at: number,
): number {
  const { size } = before;
  let got = 0;
  while (got <= size) {
    const want = size + 1 - got;
    const n = readWithRetry(src, buf, at + got, got, want, task.src);
    got += n;
    // A short read that reached the size is the file's end. One before it is not: the next read
    // says which — more bytes, the end (the file shrank), or the error that stopped the first
    // (a bad sector after 64 KiB reads short first, then fails: an input/output error, not a change).
    if (n === 0 || (n < want && got >= size)) break;
  }
  const after = fstatSync(src);
  if (got !== size || after.size !== size || after.mtimeMs !== before.mtimeMs) throw changed(task);
  target.writeAll(dst, buf, at, got, 0, task.rel);
  return got;
}

/** Where a small file's bytes go to be hashed: each copier's own batch (md5Lanes.ts's Md5Batch). */
export interface SmallFileHasher {
  /** room for `len` bytes: the buffer and where in it */
  room(len: number): { buf: Buffer; at: number };
  /** the `len` bytes just put there; `done` gets their MD5 (Base16, upper case) */
  add(len: number, done: (md5: string) => void): void;
}

/**
 * A small file (`before`: its fstat) copied from `src` to `dst` (copySmallBytes) and handed to
 * `hasher`: its result, whose MD5 (its block's, for `md5` and `blocks` alike) is set once hashed;
 * an empty file's at once. Flushed here (fsync) when `fsync`: where no syncfs flushes a batch.
 */
export function copySmallFile(
  target: Target,
  task: CopyTask,
  src: number,
  dst: number,
  before: { size: number; mtimeMs: number },
  hasher: SmallFileHasher,
  fsync: boolean,
): CopyResult {
  const result: CopyResult = { id: task.id, size: 0, mtime: before.mtimeMs, md5: '', blocks: '' };
  const { buf, at } = hasher.room(before.size + 1);
  result.size = copySmallBytes(target, task, src, dst, before, buf, at);
  if (result.size)
    hasher.add(result.size, (md5) => {
      result.md5 = md5;
      result.blocks = md5;
    });
  else result.md5 = EMPTY_MD5;
  if (fsync) target.fsync(dst, task.rel);
  return result;
}

/** Closes a file, whatever state it is in (the error that brought us here is the one to report). */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already failing */
  }
}

/** A copy that failed part way: closed (when `dst` is open) and removed, so nothing half written stays. */
export function dropCopy(dst: number, path: string): void {
  if (dst >= 0) closeQuietly(dst);
  try {
    unlinkSync(path);
  } catch {
    /* never created, or the drive is gone */
  }
}

// Worker entry: a copy worker, one per target drive, off the main event loop. Each file is read
// once into a ring of shared slots (hashRing.ts) and written from there to a temporary file under
// <root>/.haul-tmp, while two helper threads compute the MD5 of every 4 MiB block (and of every
// small file, packed many to a slot); a third helper writes to the disk as the copy goes on. A big
// file is flushed (fsync) at its end; small files are flushed in batches, one syncfs each, while
// the next batch is copied. Only flushed files are renamed into place and reported; only then does
// the engine journal them.
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { BLOCK_SIZE } from '../../../shared/prep/constants';
import { canSyncfs, Flusher, HashRing } from './hashRing';
import { runNicer } from './workerBoot';
import { TMP_DIR, type CopyResult, type CopyTask, type FromWorker, type ToWorker, type WorkerInit } from './protocol';

runNicer();

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const tmpDir = join(init.root, TMP_DIR);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);
const ring = new HashRing();
const flusher = new Flusher();
// the helpers boot while the first tasks arrive
ring.start(import.meta.url);
flusher.start(import.meta.url, init.root);

/** files of this size and more are flushed one by one (fsync); smaller ones in batches (syncfs) */
const SMALL_FILE = BLOCK_SIZE;
/**
 * Small files copied and not yet reported: at most 4 MiB (what a kill -9 can make the next run
 * copy again, besides the file in hand), 1,024 files, 1 s. Two batches share that: one is being
 * flushed (syncfs, in the flusher) while the next is copied; a batch goes to the flusher once it
 * holds half, or as soon as the flusher is free.
 */
const UNREPORTED_BYTES = 4 * 1024 * 1024;
const UNREPORTED_FILES = 1024;
const BATCH_MS = 1000;
/** MD5 of no bytes: an empty file's (it has no blocks) */
const EMPTY_MD5 = 'D41D8CD98F00B204E9800998ECF8427E';
/**
 * Blocks are written to the drive in 128 KiB pieces (as cp does), not in one 4 MiB write. Measured
 * on ext4 (Linux 6.18): 2 GiB cost the copy thread 6-8 s of CPU in 4 MiB writes and 2.7 s in
 * 128 KiB writes, most of it in the kernel's copy into the page cache (big writes get large folios,
 * high-order allocations from cold memory; small writes reuse hot pages).
 */
const WRITE_CHUNK = 128 * 1024;
const FLUSH_EVERY = Number(process.env.HAUL_FLUSH_MIB ?? '64') * 1024 * 1024;
/** syncfs is Linux's (and needs coreutils' sync); elsewhere each small file is flushed on its own (fsync) */
const batchFlush = canSyncfs();

interface Copied {
  task: CopyTask;
  tmp: string;
  result: CopyResult;
}

const queue: CopyTask[] = [];
const made = new Set<string>();
/** small files being copied into the next batch, and the batch the flusher is flushing */
let filling: Copied[] = [];
let fillingBytes = 0;
let fillingSince = 0;
let flushing: Copied[] = [];
let flushingBytes = 0;
/** how long the copy of the filling batch took (waits left out), and the last flush */
let fillingMs = 0;
let flushStarted = 0;
let lastFlushMs = 0;
/** the ring's mark after the flushing batch's last file: its MD5s are in once collected up to it */
let flushingMark = 0;
let unreported = 0;
let lastReport = Date.now();
let rateStart = Date.now();
let rateBytes = 0;
/** set once the drive is full, removed or failing: later tasks go straight back */
let stopped = false;

class TargetGone extends Error {}
class TargetFull extends Error {}
class TargetFailed extends Error {
  constructor(
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}
class SourceFailed extends Error {
  constructor(
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}

let rootChecked = 0;
/** checkRoot at most every 50 ms on the hot path (a stat per small file adds up) */
function checkRootSoon(): void {
  const now = Date.now();
  if (now - rootChecked < 50) return;
  checkRoot();
  rootChecked = now;
}

function checkRoot(): void {
  let dev: number;
  try {
    dev = statSync(init.root).dev;
  } catch {
    throw new TargetGone('the drive was removed');
  }
  if (dev !== init.rootDev) throw new TargetGone('the drive was removed (its mount point no longer holds it)');
}

function progress(n: number): void {
  unreported += n;
  const now = Date.now();
  if (now - lastReport >= 100) {
    post({ t: 'bytes', n: unreported });
    unreported = 0;
    lastReport = now;
  }
  if (init.maxRate > 0) {
    rateBytes += n;
    const ahead = (rateBytes / init.maxRate) * 1000 - (now - rateStart);
    if (ahead > 5) sleep(ahead);
    if (now - rateStart > 2000) {
      rateStart = now;
      rateBytes = 0;
    }
  }
}

function flushProgress(): void {
  if (unreported) post({ t: 'bytes', n: unreported });
  unreported = 0;
  lastReport = Date.now();
}

function targetError(e: unknown, what: string): never {
  const code = (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
  if (code === 'ENOSPC' || code === 'EDQUOT') throw new TargetFull(`the drive is full (${what})`);
  try {
    checkRoot();
  } catch (g) {
    throw g;
  }
  if (code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO') throw new TargetGone('the drive was removed');
  throw new TargetFailed(code, `${what} failed on the drive: ${(e as Error).message}`);
}

function readWithRetry(fd: number, into: Buffer, at: number, pos: number, len: number, src: string): number {
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

function ensureDir(dir: string): void {
  if (made.has(dir)) return;
  checkRoot(); // never create folders on the bare mount point of a pulled drive
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    targetError(e, `creating folder ${dir}`);
  }
  made.add(dir);
}

/** Copies one file to its temporary; a big file is flushed too, a small one waits for its batch. */
function copyOne(task: CopyTask): Copied {
  checkRootSoon();
  let src: number;
  try {
    src = openSync(task.src, 'r');
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
  const tmp = join(tmpDir, `${task.id}.tmp`);
  let dst = -1;
  try {
    const before = fstatSync(src);
    try {
      dst = openSync(tmp, 'w');
    } catch (e) {
      checkRoot();
      ensureDir(tmpDir);
      try {
        dst = openSync(tmp, 'w');
      } catch (e2) {
        targetError(e2 ?? e, 'creating a file');
      }
    }
    const result: CopyResult = { id: task.id, size: 0, mtime: before.mtimeMs, md5: '', blocks: '' };
    if (before.size < SMALL_FILE) copySmall(task, src, dst, before.mtimeMs, before.size, result);
    else copyBig(task, src, dst, before.mtimeMs, result);
    return { task, tmp, result };
  } catch (e) {
    if (dst >= 0) {
      try {
        closeSync(dst);
      } catch {
        /* already failing */
      }
      dst = -1;
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never created, or the drive is gone */
    }
    throw e;
  } finally {
    if (dst >= 0) closeSync(dst);
    closeSync(src);
  }
}

function changed(task: CopyTask): SourceFailed {
  return new SourceFailed(
    'ECHANGED',
    `${task.src} changed while it was being copied; it will be copied again on the next run`,
  );
}

function writeAll(dst: number, buf: Buffer, at: number, len: number, pos: number, rel: string): void {
  let w = 0;
  while (w < len) {
    try {
      w += writeSync(dst, buf, at + w, Math.min(WRITE_CHUNK, len - w), pos + w);
    } catch (e) {
      targetError(e, `writing ${rel}`);
    }
  }
}

/**
 * A file of one block or more, block by block through the ring. Its journaled `md5` is its block's
 * MD5 when it has one block, else empty: the whole-file MD5 would cost a second pass over every
 * byte, and nothing needs it (the data center computes the blob's Content-MD5 from the blocks it
 * checks against the manifest).
 */
function copyBig(task: CopyTask, src: number, dst: number, mtime: number, result: CopyResult): void {
  const blocks: string[] = [];
  let pos = 0;
  try {
    for (;;) {
      // fill a whole block (or up to EOF) in the next ring slot
      const slot = ring.block();
      let got = 0;
      while (got < BLOCK_SIZE) {
        const n = readWithRetry(src, slot, got, pos + got, BLOCK_SIZE - got, task.src);
        if (n === 0) break;
        got += n;
      }
      if (got) {
        const b = blocks.length;
        blocks.push('');
        ring.add(got, (md5) => (blocks[b] = md5));
        ring.seal();
      }
      writeAll(dst, slot, 0, got, pos, task.rel);
      pos += got;
      if (got) progress(got);
      // Flush as we go: the disk writes while we read and hash, and the final fsync (and the
      // memory the kernel holds dirty) stays small.
      if (FLUSH_EVERY && pos % FLUSH_EVERY === 0) flusher.flushSoon(dst);
      if (got < BLOCK_SIZE) break;
    }
  } finally {
    // every block's MD5 is in before the slots are reused, whatever happened
    ring.drain();
    flusher.idle();
  }
  const after = fstatSync(src);
  if (after.size !== pos || after.mtimeMs !== mtime) throw changed(task);
  try {
    fsyncSync(dst);
  } catch (e) {
    targetError(e, `flushing ${task.rel}`);
  }
  result.size = pos;
  result.blocks = blocks.join('');
  result.md5 = blocks.length === 1 ? blocks[0]! : '';
}

/** A file of less than a block, packed into the ring's slot with others: its MD5 is its block's. */
function copySmall(task: CopyTask, src: number, dst: number, mtime: number, size: number, result: CopyResult): void {
  // one read of size + 1 bytes usually gets the whole file and shows the end; the fstat below
  // catches a file that changed meanwhile
  const { buf, at } = ring.room(size + 1);
  let got = 0;
  while (got <= size) {
    const n = readWithRetry(src, buf, at + got, got, size + 1 - got, task.src);
    if (n === 0) break;
    got += n;
  }
  const after = fstatSync(src);
  if (got !== size || after.size !== size || after.mtimeMs !== mtime) throw changed(task);
  result.size = got;
  if (got) {
    ring.add(got, (md5) => {
      result.md5 = md5;
      result.blocks = md5;
    });
  } else result.md5 = EMPTY_MD5;
  writeAll(dst, buf, at, got, 0, task.rel);
  if (got) progress(got);
  if (!batchFlush) {
    try {
      fsyncSync(dst);
    } catch (e) {
      targetError(e, `flushing ${task.rel}`);
    }
  }
}

/** Renames flushed files into place and reports them (the engine journals them then). */
function renameAndReport(files: Copied[]): void {
  if (!files.length) return;
  const done: CopyResult[] = [];
  for (const f of files) {
    const final = join(init.root, f.task.rel);
    ensureDir(dirname(final));
    try {
      renameSync(f.tmp, final);
    } catch (e) {
      targetError(e, `renaming into ${f.task.rel}`);
    }
    done.push(f.result);
  }
  flushProgress();
  // slices keep each message cheap for the engine's main thread
  for (let i = 0; i < done.length; i += 256) post({ t: 'done', results: done.slice(i, i + 256) });
}

/** The batch the flusher was flushing: once flushed (waiting for it when `wait`), renamed and reported. */
function finishFlushing(wait: boolean): void {
  if (!flushing.length) return;
  if (flusher.busy()) {
    if (!wait) return;
    flusher.idle();
  }
  if (batchFlush && flusher.syncfsStatus() !== 0) {
    // the syncfs failed with the drive still there: flush each file on its own, or fail here
    checkRoot();
    for (const f of flushing) {
      try {
        const fd = openSync(f.tmp, 'r+');
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        targetError(e, `flushing ${f.task.rel}`);
      }
    }
  }
  lastFlushMs = performance.now() - flushStarted;
  ring.collect(flushingMark);
  const files = flushing;
  flushing = [];
  flushingBytes = 0;
  renameAndReport(files);
}

/** Hands the batch being filled to the flusher (the hashers go on with it meanwhile); the previous batch must be done. */
function startFlushing(): void {
  if (!filling.length) return;
  flushingMark = ring.mark();
  checkRoot();
  flushing = filling;
  flushingBytes = fillingBytes;
  filling = [];
  fillingBytes = 0;
  fillingMs = 0;
  flushStarted = performance.now();
  if (batchFlush) flusher.syncfsSoon();
}

/**
 * After each small file: one batch is flushed while the next fills, together within the limits.
 * A batch goes to the flusher at half the limit while a flush takes less time than copying half a
 * batch; else (each syncfs has a fixed price: on a loop device it flushes the image file too) at
 * the whole limit, so there are half as many flushes.
 */
function pipeBatches(): void {
  finishFlushing(false);
  if (
    fillingBytes + flushingBytes >= UNREPORTED_BYTES ||
    filling.length + flushing.length >= UNREPORTED_FILES ||
    Date.now() - fillingSince > BATCH_MS
  )
    finishFlushing(true);
  if (flushing.length) return;
  const copyHalfMs = (fillingMs / Math.max(1, fillingBytes)) * (UNREPORTED_BYTES / 2);
  const share = lastFlushMs > copyHalfMs ? 1 : 0.5;
  if (
    fillingBytes >= UNREPORTED_BYTES * share ||
    filling.length >= UNREPORTED_FILES * share ||
    Date.now() - fillingSince > BATCH_MS
  )
    startFlushing();
}

/** Everything copied so far flushed, renamed and reported. */
function commitAll(): void {
  finishFlushing(true);
  startFlushing();
  finishFlushing(true);
}

function returnAll(current?: CopyTask): number[] {
  const held = [...flushing, ...filling];
  const ids = [...(current ? [current.id] : []), ...held.map((p) => p.task.id), ...queue.map((t) => t.id)];
  if (held.length) {
    try {
      ring.drain();
      flusher.idle();
    } catch {
      /* a helper is gone: the temporaries go anyway */
    }
  }
  for (const p of held) {
    try {
      unlinkSync(p.tmp);
    } catch {
      /* gone */
    }
  }
  flushing = [];
  flushingBytes = 0;
  filling = [];
  fillingBytes = 0;
  fillingMs = 0;
  queue.length = 0;
  return ids;
}

/** Messages taken from the port while draining that are not tasks: handled once the drain ends. */
const deferred: ToWorker[] = [];

/** Takes the next chunk of tasks already waiting on the port, so a batch need not end with a chunk. */
function takeWaitingTasks(): boolean {
  for (;;) {
    const got = receiveMessageOnPort(port);
    if (!got) return false;
    const m = got.message as ToWorker;
    if (m.t !== 'tasks') {
      deferred.push(m);
      continue;
    }
    queue.push(...m.tasks);
    post({ t: 'more' });
    return true;
  }
}

function drain(): void {
  while (queue.length || takeWaitingTasks()) {
    const task = queue.shift()!;
    try {
      const t = performance.now();
      const copied = copyOne(task);
      if (copied.result.size >= SMALL_FILE) renameAndReport([copied]);
      else {
        if (!filling.length) fillingSince = Date.now();
        filling.push(copied);
        fillingBytes += copied.result.size;
        fillingMs += performance.now() - t;
        pipeBatches();
      }
    } catch (e) {
      if (e instanceof SourceFailed) {
        post({ t: 'source-error', id: task.id, code: e.code, message: e.message });
        continue;
      }
      // Finish what is complete before reporting the drive's state, so nothing is copied twice.
      stopped = true;
      let returned: number[];
      if (e instanceof TargetFull) {
        try {
          commitAll();
        } catch {
          /* it will be returned below */
        }
        returned = returnAll(task);
        post({ t: 'full', id: task.id, returned, message: e.message });
      } else if (e instanceof TargetGone) {
        returned = returnAll(task);
        post({ t: 'removed', returned, message: e.message });
      } else {
        returned = returnAll(task);
        const code = e instanceof TargetFailed ? e.code : 'EUNKNOWN';
        post({ t: 'target-error', returned, code, message: e instanceof Error ? e.message : String(e) });
      }
      return;
    }
  }
  try {
    commitAll();
  } catch (e) {
    stopped = true;
    const returned = returnAll();
    if (e instanceof TargetGone) post({ t: 'removed', returned, message: e.message });
    else if (e instanceof TargetFull) post({ t: 'full', id: returned[0] ?? -1, returned, message: e.message });
    else
      post({
        t: 'target-error',
        returned,
        code: (e as TargetFailed).code ?? 'EUNKNOWN',
        message: (e as Error).message,
      });
    return;
  }
  post({ t: 'idle' });
}

function handle(m: ToWorker): void {
  if (m.t === 'tasks') {
    if (stopped) post({ t: 'returned', returned: m.tasks.map((t) => t.id) });
    else {
      queue.push(...m.tasks);
      post({ t: 'more' });
      drain();
    }
  } else if (m.t === 'finish') {
    try {
      rmSync(tmpDir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
    ring.stop();
    flusher.stop();
    port.close();
  }
  while (deferred.length) handle(deferred.shift()!);
}

port.on('message', (m: ToWorker) => handle(m));

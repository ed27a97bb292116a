// Worker entry: a copy worker, one per target drive, off the main event loop. Each file is read
// once into a ring of shared slots (hashRing.ts) while two helper threads compute the MD5 of every
// 4 MiB block (and of every small file, packed many to a slot); a third helper writes to the disk
// as the copy goes on. A big file goes to a temporary under <root>/.haul-tmp, is flushed (fsync)
// at its end, renamed into place and reported. A small file is written in its place and reported
// once its MD5 is in, before its data is flushed ("written behind"): the engine journals it with a
// write-behind place, and a syncfs every 64 MiB or second confirms the places it covers (`synced`).
// A resume re-reads an unconfirmed copy and checks its block MD5s before it counts it as done.
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

/** files of this size and more are flushed one by one (fsync); smaller ones written behind (syncfs) */
const SMALL_FILE = BLOCK_SIZE;
/**
 * Small files copied and not yet reported: at most 4 MiB (what a kill -9 can make the next run copy
 * again, besides the file in hand), in two batches of 2 MiB (or 512 files, or 250 ms): one being
 * filled while the helpers hash the other, which is reported once the next is full.
 */
const REPORT_BYTES = 2 * 1024 * 1024;
const REPORT_FILES = 512;
const REPORT_MS = 250;
/**
 * Reported small files not yet flushed: a syncfs starts after 64 MiB or a second of them, in the
 * flusher while the copy goes on; with 256 MiB unflushed the copy waits for the running one. A
 * power cut can lose those (the resume finds them by their block MD5s and copies them again).
 */
const BEHIND_BYTES = 64 * 1024 * 1024;
const BEHIND_MS = 1000;
const BEHIND_LIMIT = 256 * 1024 * 1024;
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
  /** where it was written: a temporary (a big file) or its place on the drive (a small one) */
  tmp: string;
  result: CopyResult;
}

interface Batch {
  files: Copied[];
  bytes: number;
}
const emptyBatch = (): Batch => ({ files: [], bytes: 0 });

const queue: CopyTask[] = [];
const made = new Set<string>();
/** small files: being copied, being hashed (`hashedMark` collects them), reported not flushed, flushing */
let filling = emptyBatch();
let fillingSince = 0;
let hashing = emptyBatch();
let hashedMark = 0;
let behind = emptyBatch();
let behindSince = 0;
let syncing = emptyBatch();
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
  let tmp = join(tmpDir, `${task.id}.tmp`);
  let dst = -1;
  try {
    const before = fstatSync(src);
    // a small file goes straight to its place: it counts only once journaled, and a partial one
    // left by a kill is overwritten by the next run
    if (before.size < SMALL_FILE) tmp = join(init.root, task.rel);
    try {
      dst = openSync(tmp, 'w');
    } catch (e) {
      checkRoot();
      ensureDir(dirname(tmp));
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
  // one read of size + 1 bytes usually gets the whole file and shows its end (a regular file reads
  // short only at its end, so no second read to see 0); the fstat below catches a file that
  // changed meanwhile
  const { buf, at } = ring.room(size + 1);
  let got = 0;
  while (got <= size) {
    const want = size + 1 - got;
    const n = readWithRetry(src, buf, at + got, got, want, task.src);
    got += n;
    if (n < want) break;
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

/** Renames a flushed big file into place and reports it (the engine journals it then). */
function renameAndReport(f: Copied): void {
  const final = join(init.root, f.task.rel);
  ensureDir(dirname(final));
  try {
    renameSync(f.tmp, final);
  } catch (e) {
    targetError(e, `renaming into ${f.task.rel}`);
  }
  flushProgress();
  post({ t: 'done', results: [f.result] });
}

/** Reports the batch being hashed once its MD5s are in: written behind when syncfs will flush it. */
function reportHashed(): void {
  if (!hashing.files.length) return;
  ring.collect(hashedMark);
  const done = hashing;
  hashing = emptyBatch();
  flushProgress();
  const results = done.files.map((f) => f.result);
  // slices keep each message cheap for the engine's main thread
  for (let i = 0; i < results.length; i += 256)
    post({ t: 'done', results: results.slice(i, i + 256), ...(batchFlush ? { behind: true } : {}) });
  if (!batchFlush) return;
  if (!behind.files.length) behindSince = Date.now();
  behind.files.push(...done.files);
  behind.bytes += done.bytes;
}

/** The batch being filled goes to the hashers' side; the one before is reported first. */
function handOver(): void {
  reportHashed();
  if (!filling.files.length) return;
  hashedMark = ring.mark();
  hashing = filling;
  filling = emptyBatch();
}

/** The running syncfs, once done (waiting for it when `wait`): the files it covers are confirmed. */
function finishSync(wait: boolean): void {
  if (!syncing.files.length) return;
  if (flusher.busy()) {
    if (!wait) return;
    flusher.idle();
  }
  if (flusher.syncfsStatus() !== 0) {
    // the syncfs failed with the drive still there: flush each file on its own, or fail here
    checkRoot();
    for (const f of syncing.files) {
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
  const n = syncing.files.length;
  syncing = emptyBatch();
  post({ t: 'synced', n });
}

/** Starts a syncfs of what was reported unflushed (in the flusher, while the copy goes on). */
function startSync(): void {
  if (syncing.files.length || !behind.files.length) return;
  checkRoot();
  syncing = behind;
  behind = emptyBatch();
  flusher.syncfsSoon();
}

/** After each small file: report, and flush behind, within the limits above. */
function pipeSmall(): void {
  if (filling.bytes >= REPORT_BYTES || filling.files.length >= REPORT_FILES || Date.now() - fillingSince > REPORT_MS)
    handOver();
  if (!batchFlush) return;
  finishSync(false);
  if (behind.bytes >= BEHIND_BYTES || (behind.files.length && Date.now() - behindSince > BEHIND_MS)) {
    if (behind.bytes + syncing.bytes >= BEHIND_LIMIT) finishSync(true);
    startSync();
  }
}

/** Everything copied so far reported and flushed. */
function commitAll(): void {
  handOver();
  reportHashed();
  if (!batchFlush) return;
  finishSync(true);
  startSync();
  finishSync(true);
}

/** What this worker had and did not report goes back (its partial copies removed); reported files stay. */
function returnAll(current?: CopyTask): number[] {
  const held = [...hashing.files, ...filling.files];
  const ids = [...(current ? [current.id] : []), ...held.map((p) => p.task.id), ...queue.map((t) => t.id)];
  try {
    ring.drain();
    flusher.idle();
  } catch {
    /* a helper is gone: the copies go anyway */
  }
  for (const p of held) {
    try {
      unlinkSync(p.tmp);
    } catch {
      /* gone */
    }
  }
  hashing = emptyBatch();
  filling = emptyBatch();
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
      const copied = copyOne(task);
      if (copied.result.size >= SMALL_FILE) renameAndReport(copied);
      else {
        if (!filling.files.length) fillingSince = Date.now();
        filling.files.push(copied);
        filling.bytes += copied.result.size;
        pipeSmall();
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

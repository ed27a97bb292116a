// Worker entry: a copy worker, one per target drive, off the main event loop. Each file is read
// once; every 4 MiB block is written to a temporary file under <root>/.haul-tmp and hashed (block
// MD5 and file MD5) on the way, by two helper threads over a ring of shared slots (hashRing.ts);
// a third helper flushes big files while they are written. Completed files are flushed to the
// disk (fsync, or one syncfs for a batch of small files), then renamed into place and reported;
// only then does the engine journal them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
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
import { Flusher, HashRing } from './hashRing';
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
flusher.start(import.meta.url);

/** files of this size and more are flushed one by one (fsync); smaller ones in batches (syncfs) */
const SMALL_FILE = BLOCK_SIZE;
/** a batch of small files is flushed and reported at 32 MiB, 2,048 files or 1 s, whichever comes first */
const BATCH_BYTES = 32 * 1024 * 1024;
const BATCH_FILES = 2048;
const BATCH_MS = 1000;
let batchStarted = 0;
/**
 * Blocks are written to the drive in 128 KiB pieces (as cp does), not in one 4 MiB write. Measured
 * on ext4 (Linux 6.18): 2 GiB cost the copy thread 6-8 s of CPU in 4 MiB writes and 2.7 s in
 * 128 KiB writes, most of it in the kernel's copy into the page cache (big writes get large folios,
 * high-order allocations from cold memory; small writes reuse hot pages).
 */
const WRITE_CHUNK = 128 * 1024;
const FLUSH_EVERY = Number(process.env.HAUL_FLUSH_MIB ?? '64') * 1024 * 1024;
let syncfsKnown: boolean | undefined;
const canSyncfs = (): boolean =>
  (syncfsKnown ??= process.platform === 'linux' && spawnSync('sync', ['--help'], { stdio: 'ignore' }).status === 0);

const queue: CopyTask[] = [];
const made = new Set<string>();
let pending: { task: CopyTask; tmp: string; result: CopyResult }[] = [];
let pendingBytes = 0;
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

function copyOne(task: CopyTask): { tmp: string; result: CopyResult; size: number } {
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
    if (before.size < BLOCK_SIZE) return copySmall(task, src, dst, tmp, before.mtimeMs, before.size);
    const blocks: string[] = [];
    const file = { md5: '' };
    let pos = 0;
    let ended = false;
    try {
      for (;;) {
        // fill a whole block (or up to EOF) in the next ring slot
        const slot = ring.nextSlot();
        let got = 0;
        while (got < BLOCK_SIZE) {
          const n = readWithRetry(src, slot, got, pos + got, BLOCK_SIZE - got, task.src);
          if (n === 0) break;
          got += n;
        }
        const last = got < BLOCK_SIZE;
        ring.handOver(got, last, blocks, file);
        if (last) ended = true;
        let w = 0;
        while (w < got) {
          try {
            w += writeSync(dst, slot, w, Math.min(WRITE_CHUNK, got - w), pos + w);
          } catch (e) {
            targetError(e, `writing ${task.rel}`);
          }
        }
        pos += got;
        if (got) progress(got);
        // Flush as we go on big files: the disk writes while we read and hash, and the final
        // fsync (and the memory the kernel holds dirty) stays small.
        if (FLUSH_EVERY && pos % FLUSH_EVERY === 0) flusher.flushSoon(dst);
        if (last) break;
      }
    } finally {
      // the hashers' file state must end with this file, whatever happened
      if (!ended) {
        ring.nextSlot();
        ring.handOver(0, true, [], { md5: '' });
      }
      ring.drain();
      flusher.idle();
    }
    const after = fstatSync(src);
    if (after.size !== pos || after.mtimeMs !== before.mtimeMs) {
      throw new SourceFailed(
        'ECHANGED',
        `${task.src} changed while it was being copied; it will be copied again on the next run`,
      );
    }
    if (pos >= SMALL_FILE || !canSyncfs()) {
      try {
        fsyncSync(dst);
      } catch (e) {
        targetError(e, `flushing ${task.rel}`);
      }
    }
    return {
      tmp,
      size: pos,
      result: { id: task.id, size: pos, mtime: before.mtimeMs, md5: file.md5, blocks: blocks.join('') },
    };
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

const smallBuf = Buffer.allocUnsafe(BLOCK_SIZE);

/** A file of one block: its MD5 is its block's MD5, so it is hashed here without the hasher. */
function copySmall(
  task: CopyTask,
  src: number,
  dst: number,
  tmp: string,
  mtime: number,
  size: number,
): { tmp: string; result: CopyResult; size: number } {
  // one read of size + 1 bytes usually gets the whole file and shows the end; the fstat below
  // catches a file that changed meanwhile
  let got = 0;
  while (got < BLOCK_SIZE) {
    const n = readWithRetry(src, smallBuf, got, got, Math.min(BLOCK_SIZE, size + 1) - got, task.src);
    if (n === 0) break;
    got += n;
    if (got > size) break;
  }
  const after = fstatSync(src);
  if (got !== size || after.size !== size || after.mtimeMs !== mtime) {
    throw new SourceFailed(
      'ECHANGED',
      `${task.src} changed while it was being copied; it will be copied again on the next run`,
    );
  }
  const md5 = got
    ? createHash('md5').update(smallBuf.subarray(0, got)).digest('hex').toUpperCase()
    : 'D41D8CD98F00B204E9800998ECF8427E';
  let w = 0;
  while (w < got) {
    try {
      w += writeSync(dst, smallBuf, w, got - w, w);
    } catch (e) {
      targetError(e, `writing ${task.rel}`);
    }
  }
  if (got) progress(got);
  if (!canSyncfs()) {
    try {
      fsyncSync(dst);
    } catch (e) {
      targetError(e, `flushing ${task.rel}`);
    }
  }
  return { tmp, size: got, result: { id: task.id, size: got, mtime, md5, blocks: got ? md5 : '' } };
}

function commitPending(): void {
  if (!pending.length) return;
  checkRoot();
  const needsSync = pending.some((p) => p.result.size < SMALL_FILE) && canSyncfs();
  if (needsSync) {
    const r = spawnSync('sync', ['-f', tmpDir], { stdio: 'ignore' });
    if (r.status !== 0) checkRoot();
  }
  const done: CopyResult[] = [];
  for (const p of pending) {
    const final = join(init.root, p.task.rel);
    ensureDir(dirname(final));
    try {
      renameSync(p.tmp, final);
    } catch (e) {
      targetError(e, `renaming into ${p.task.rel}`);
    }
    done.push(p.result);
  }
  pending = [];
  pendingBytes = 0;
  flushProgress();
  // slices keep each message cheap for the engine's main thread
  for (let i = 0; i < done.length; i += 256) post({ t: 'done', results: done.slice(i, i + 256) });
}

function returnAll(current?: CopyTask): number[] {
  const ids = [...(current ? [current.id] : []), ...pending.map((p) => p.task.id), ...queue.map((t) => t.id)];
  for (const p of pending) {
    try {
      unlinkSync(p.tmp);
    } catch {
      /* gone */
    }
  }
  pending = [];
  pendingBytes = 0;
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
      const { tmp, result, size } = copyOne(task);
      if (!pending.length) batchStarted = Date.now();
      pending.push({ task, tmp, result });
      pendingBytes += size;
      if (
        size >= SMALL_FILE ||
        pendingBytes >= BATCH_BYTES ||
        pending.length >= BATCH_FILES ||
        (queue.length === 0 && !takeWaitingTasks()) ||
        Date.now() - batchStarted > BATCH_MS
      )
        commitPending();
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
          commitPending();
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
    commitPending();
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

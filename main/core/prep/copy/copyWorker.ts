// Worker entry: a copy worker, one per target drive, off the main event loop. Each file is read
// once into a ring of shared slots (hash/hashRing.ts) while hasher threads compute the MD5 of every
// 4 MiB block (and of every small file, packed many to a slot); a writer thread writes big files'
// blocks from the ring (blockWriter.ts: direct I/O where the drive's file system takes it); a
// flusher thread writes to the disk as the copy goes on; a second copier (smallCopyWorker.ts)
// takes slices of the small files. A big file goes to a temporary under <root>/.haul-tmp and is
// renamed into place once every block is written and hashed; a small file is written in its place.
// Both are reported before their data is flushed ("written behind", where syncfs is to be had):
// the engine journals each with a write-behind place, and a syncfs every 64 MiB or second confirms
// the places it covers (`synced`); the last ones are flushed and confirmed while the engine builds
// the manifest. A resume re-reads an unconfirmed copy and checks its block MD5s before it counts it
// as done. Without syncfs, each file is flushed (fsync) before it is reported.
import { closeSync, fstatSync, fsyncSync, openSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  MessageChannel,
  parentPort,
  receiveMessageOnPort,
  workerData,
  type MessagePort,
  type Worker,
} from 'node:worker_threads';
import { BLOCK_SIZE } from '../../../../shared/prep/constants';
import {
  SMALL_FILE,
  SourceFailed,
  Target,
  TargetFailed,
  TargetFull,
  TargetGone,
  changed,
  closeQuietly,
  dropCopy,
  copySmallFile,
  copyMode,
  openSource,
  readWithRetry,
  sleep,
} from './copyFiles';
import { BlockWriter, WriteFailed } from './blockWriter';
import { canSyncfs, Flusher } from '../flush/flusher';
import { HashRing } from '../hash/hashRing';
import { siblingWorker, runNicer, startWorker } from '../threads/workerBoot';
import {
  TMP_DIR,
  type CopyResult,
  type CopyTask,
  type FromSmallCopier,
  type FromWorker,
  type SmallCopyInit,
  type ToSmallCopier,
  type ToWorker,
  type WorkerInit,
} from '../threads/protocol';

runNicer();

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const tmpDir = join(init.root, TMP_DIR);
const target = new Target(init.root, init.rootDev);
const ring = new HashRing(init.hashers);
const flusher = new Flusher();
/** writes big files' blocks from the ring in its own thread (started once big files are among the tasks) */
const writer = new BlockWriter(ring.memory, ring.slotCount, import.meta.url);
ring.beforeReuse = (slot) => writer.free(slot);
// the helpers boot while the first tasks arrive
ring.start(import.meta.url);
flusher.start(import.meta.url, init.root);

/**
 * Small files copied and not yet reported: at most 4 MiB (what a kill -9 can make the next run copy
 * again, besides the files in hand): here two batches of 1.5 MiB (or 384 files, or 250 ms), one
 * being filled while the hasher hashes the other, which is reported once the next is full; and the
 * second copier's batch of 1 MiB (smallCopyWorker.ts).
 */
const REPORT_BYTES = 1.5 * 1024 * 1024;
const REPORT_FILES = 384;
const REPORT_MS = 250;
/**
 * Reported files not yet flushed: a syncfs starts after 64 MiB or a second of them, in the flusher
 * while the copy goes on; with 256 MiB unflushed the copy waits for the running one. A power cut
 * can lose those (the resume finds them by their block MD5s and copies them again).
 */
const BEHIND_BYTES = 64 * 1024 * 1024;
const BEHIND_MS = 1000;
const BEHIND_LIMIT = 256 * 1024 * 1024;
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

/** Which file this worker reads now (the engine watches for a read that stopped answering). */
const reading = new Int32Array(init.reading);

/** Copies one file to its temporary (a big one, flushed where there is no syncfs) or its place (a small one). */
function copyOne(task: CopyTask): Copied {
  target.checkSoon();
  Atomics.store(reading, 0, task.id + 1);
  const src = openSource(task);
  let tmp = join(tmpDir, `${task.id}.tmp`);
  let dst = -1;
  try {
    const before = fstatSync(src);
    // a small file goes straight to its place: it counts only once journaled, and a partial one
    // left by a kill is overwritten by the next run
    if (before.size < SMALL_FILE) tmp = join(init.root, task.rel);
    dst = target.create(tmp, copyMode(task.src, before.mode));
    if (before.size < SMALL_FILE) {
      // packed into the ring's slot with others
      const result = copySmallFile(target, task, src, dst, before, ring, !batchFlush);
      if (result.size) progress(result.size);
      return { task, tmp, result };
    }
    const result: CopyResult = { id: task.id, size: 0, mtime: before.mtimeMs, md5: '', blocks: '' };
    copyBig(task, src, dst, tmp, before.mtimeMs, result);
    return { task, tmp, result };
  } catch (e) {
    dropCopy(dst, tmp);
    dst = -1;
    throw e;
  } finally {
    Atomics.store(reading, 0, 0);
    if (dst >= 0) closeSync(dst);
    closeSync(src);
  }
}

/**
 * A file of one block or more, block by block through the ring: each block is read into a slot,
 * hashed there and written from there by the writer thread (directly to the device where the file
 * system allows), while the next is read. It is complete once every block is written and hashed;
 * where syncfs flushes behind (Linux), it is then reported written behind like a small file,
 * else flushed here (fsync). Its journaled `md5` is its block's MD5 when it has one block, else
 * empty: the whole-file MD5 would cost a second pass over every byte, and nothing needs it (the
 * data center computes the blob's Content-MD5 from the blocks it checks against the manifest).
 */
function copyBig(task: CopyTask, src: number, dst: number, tmp: string, mtime: number, result: CopyResult): void {
  const blocks: string[] = [];
  const first = writer.count();
  const what = `writing ${task.rel}`;
  let pos = 0;
  const direct = writer.openDirect(tmp);
  ring.useAllHashers(import.meta.url);
  try {
    for (;;) {
      // fill a whole block (or up to EOF) in the next ring slot
      const buf = ring.block();
      const { slot, offset } = ring.slot();
      let got = 0;
      while (got < BLOCK_SIZE) {
        const n = readWithRetry(src, buf, got, pos + got, BLOCK_SIZE - got, task.src);
        if (n === 0) break;
        got += n;
      }
      if (!got) break;
      const b = blocks.length;
      blocks.push('');
      ring.add(got, (md5) => (blocks[b] = md5));
      ring.seal();
      writer.write(slot, offset, got, dst, direct, pos, what);
      pos += got;
      progress(got);
      // Flushed as we go (fdatasync in the flusher every 64 MiB): through the page cache, the disk
      // writes while we read and hash; with direct I/O, the drive's own cache (and a loop device's
      // backing file) is emptied as we go too. Either way the last flush stays small.
      if (FLUSH_EVERY && pos % FLUSH_EVERY === 0) flusher.flushSoon(dst);
      if (got < BLOCK_SIZE) break;
    }
    writer.check(first, writer.count());
  } catch (e) {
    if (e instanceof WriteFailed) target.error(e, e.what);
    throw e;
  } finally {
    // nothing in flight on the file's descriptors once they close, and every block's MD5 is in
    // before the slots are reused, whatever happened
    writer.settle();
    if (direct >= 0) closeQuietly(direct);
    ring.drain();
    flusher.idle();
  }
  const after = fstatSync(src);
  if (after.size !== pos || after.mtimeMs !== mtime) throw changed(task);
  if (!batchFlush) target.fsync(dst, task.rel);
  result.size = pos;
  result.blocks = blocks.join('');
  result.md5 = blocks.length === 1 ? blocks[0]! : '';
}

/**
 * Renames a big file into place and reports it (the engine journals it then): written behind where
 * syncfs flushes (the next syncfs confirms it, and a resume reads it back before it counts it
 * until then), else already flushed.
 */
function renameAndReport(f: Copied): void {
  const final = join(init.root, f.task.rel);
  target.ensureDir(dirname(final));
  try {
    renameSync(f.tmp, final);
  } catch (e) {
    target.error(e, `renaming into ${f.task.rel}`);
  }
  report([{ ...f, tmp: final }], f.result.size);
  flushBehind();
}

/**
 * Reports files copied (the engine journals them): written behind where syncfs flushes them later
 * (they join `behind`, which the next syncfs confirms), else flushed already.
 */
function report(files: Copied[], bytes: number): void {
  flushProgress();
  const results = files.map((f) => f.result);
  // slices keep each message cheap for the engine's main thread
  for (let i = 0; i < results.length; i += 256)
    post({ t: 'done', results: results.slice(i, i + 256), ...(batchFlush ? { behind: true } : {}) });
  if (!batchFlush) return;
  if (!behind.files.length) behindSince = Date.now();
  behind.files.push(...files);
  behind.bytes += bytes;
}

/** Reports the batch being hashed once its MD5s are in: written behind when syncfs will flush it. */
function reportHashed(): void {
  if (!hashing.files.length) return;
  ring.collect(hashedMark);
  const done = hashing;
  hashing = emptyBatch();
  report(done.files, done.bytes);
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
    target.check();
    for (const f of syncing.files) {
      try {
        const fd = openSync(f.tmp, 'r+');
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        target.error(e, `flushing ${f.task.rel}`);
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
  target.check();
  syncing = behind;
  behind = emptyBatch();
  flusher.syncfsSoon();
}

/** After each small file: report, and flush behind, within the limits above. */
function pipeSmall(): void {
  if (filling.bytes >= REPORT_BYTES || filling.files.length >= REPORT_FILES || Date.now() - fillingSince > REPORT_MS)
    handOver();
  flushBehind();
}

/** Starts a syncfs once enough is written behind (waiting for the one before past the limit). */
function flushBehind(): void {
  if (!batchFlush) return;
  finishSync(false);
  if (behind.bytes >= BEHIND_BYTES || (behind.files.length && Date.now() - behindSince > BEHIND_MS)) {
    if (behind.bytes + syncing.bytes >= BEHIND_LIMIT) finishSync(true);
    startSync();
  }
}

/** Everything copied so far reported, when there is nothing left to copy; what is written behind starts to flush. */
function reportAll(): void {
  handOver();
  reportHashed();
  if (!batchFlush) return;
  finishSync(false);
  startSync();
}

/** Every file reported behind flushed and confirmed: the running syncfs, then one for the rest. */
function flushAll(): void {
  if (!batchFlush) return;
  finishSync(true);
  startSync();
  finishSync(true);
}

/** Everything copied so far reported and flushed (the drive stops: full). */
function commitAll(): void {
  handOver();
  reportHashed();
  flushAll();
}

/** What this worker had and did not report goes back (its partial copies removed); reported files stay. */
function returnAll(current: CopyTask | undefined, second: number[]): number[] {
  const held = [...hashing.files, ...filling.files];
  const ids = [...(current ? [current.id] : []), ...held.map((p) => p.task.id), ...second, ...queue.map((t) => t.id)];
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

/** tasks handed to the second copier at a time; it is given more while it holds fewer than two slices */
const SLICE = 64;
/** nor while it holds this many bytes: at the end, neither copier waits long for the other */
const HELD_BYTES = 8 * 1024 * 1024;

/**
 * The copy worker's side of its second copier of small files (smallCopyWorker.ts): it starts once
 * a few slices of small files wait, takes slices from the front of the queue, and its answers are
 * read between two files here (synchronously, like the tasks), reported like this worker's own
 * small files and flushed behind with them. A throttled copy (maxRate) has none.
 */
class SecondCopier {
  private worker?: Worker;
  private port?: MessagePort;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(8));
  private seen = 0;
  /** tasks it holds, by id (answered ones leave) */
  private readonly tasks = new Map<number, CopyTask>();
  private heldBytes = 0;
  /** files it gave back as grown past a block: copied here */
  private readonly grown = new Set<number>();
  /** it stopped (asked to, or the drive stopped it) */
  private ended = false;

  holds(): boolean {
    return this.tasks.size > 0;
  }

  /** Hands over a slice of small files when it has room for one. */
  feed(): void {
    if (this.ended || init.maxRate > 0 || this.tasks.size >= 2 * SLICE || this.heldBytes >= HELD_BYTES) return;
    if (!this.worker && queue.length < 2 * SLICE) return;
    const slice: CopyTask[] = [];
    for (let i = 0; i < queue.length && slice.length < SLICE; ) {
      if (queue[i]!.size < SMALL_FILE && !this.grown.has(queue[i]!.id)) slice.push(queue.splice(i, 1)[0]!);
      else i++;
    }
    if (!slice.length) return;
    if (!this.worker) this.start();
    for (const t of slice) {
      this.tasks.set(t.id, t);
      this.heldBytes += t.size;
    }
    this.port!.postMessage({ t: 'tasks', tasks: slice } satisfies ToSmallCopier);
  }

  /** Reads every answer waiting; throws as the drive's state when it stopped for the drive. */
  collect(): void {
    if (!this.port) return;
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (!got) return;
      this.seen++;
      this.answer(got.message as FromSmallCopier);
    }
  }

  /** Waits a little for its next answer (this worker has nothing else to copy). */
  wait(): void {
    Atomics.wait(this.ctrl, 1, this.seen, 5);
  }

  /** Stops it: the ids of the tasks it held and did not answer (their copies removed). */
  stop(): number[] {
    if (this.port && !this.ended) {
      Atomics.store(this.ctrl, 0, 1);
      this.port.postMessage({ t: 'stop' } satisfies ToSmallCopier);
      const until = Date.now() + 60_000;
      while (!this.ended && Date.now() < until) {
        try {
          this.collect();
        } catch {
          /* it stopped for the drive after all: ended */
        }
        if (!this.ended) Atomics.wait(this.ctrl, 1, this.seen, 100);
      }
      if (!this.ended) this.terminate(); // it stopped answering: what it held goes back anyway
    }
    this.ended = true;
    const ids = [...this.tasks.keys()];
    this.tasks.clear();
    this.heldBytes = 0;
    return ids;
  }

  terminate(): void {
    if (this.worker) void this.worker.terminate();
    this.ended = true;
  }

  private start(): void {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: SmallCopyInit = {
      root: init.root,
      rootDev: init.rootDev,
      port: port2,
      ctrl: this.ctrl.buffer as SharedArrayBuffer,
      fsyncEach: !batchFlush,
      reading: init.reading,
    };
    this.worker = startWorker(siblingWorker('smallCopyWorker', import.meta.url), data, [port2]);
    this.worker.unref();
  }

  private forget(task: CopyTask): void {
    this.tasks.delete(task.id);
    this.heldBytes -= task.size;
  }

  private answer(m: FromSmallCopier): void {
    switch (m.t) {
      case 'copied': {
        const files: Copied[] = [];
        let bytes = 0;
        for (const result of m.results) {
          const task = this.tasks.get(result.id);
          if (!task) continue;
          this.forget(task);
          files.push({ task, tmp: join(init.root, task.rel), result });
          bytes += result.size;
        }
        if (bytes) progress(bytes);
        report(files, bytes);
        flushBehind();
        return;
      }
      case 'source-error': {
        const task = this.tasks.get(m.id);
        if (task) this.forget(task);
        post(m);
        return;
      }
      case 'big': {
        // grown since the plan: copied here, as a big file
        const task = this.tasks.get(m.id);
        if (task) {
          this.forget(task);
          this.grown.add(task.id);
          queue.unshift(task);
        }
        return;
      }
      case 'stopped':
        // what it returned stays in `tasks` until `stop` hands it back
        this.ended = true;
        if (m.why === 'full') throw new TargetFull(m.message);
        if (m.why === 'removed') throw new TargetGone(m.message);
        if (m.why === 'failed') throw new TargetFailed(m.code, m.message);
        return;
    }
  }
}
const copier = new SecondCopier();

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
  let task: CopyTask | undefined;
  try {
    for (;;) {
      copier.collect();
      copier.feed();
      task = queue.shift() ?? (takeWaitingTasks() ? queue.shift() : undefined);
      if (!task) {
        // what the second copier holds is answered before this worker says it is idle
        if (!copier.holds()) break;
        copier.wait();
        continue;
      }
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
        if (!(e instanceof SourceFailed)) throw e;
        post({ t: 'source-error', id: task.id, code: e.code, message: e.message });
      }
      task = undefined;
    }
    reportAll();
  } catch (e) {
    stopOn(e, task);
    return;
  }
  post({ t: 'idle' });
  // the last flush at once, in this thread: the engine builds the manifests meanwhile (tasks it
  // may still send wait for it)
  try {
    flushAll();
  } catch {
    /* the drive is failing: the engine flushes what is left unconfirmed itself, or says so */
  }
}

/** The drive is full, removed or failing: what is complete is reported, the rest goes back. */
function stopOn(e: unknown, current?: CopyTask): void {
  stopped = true;
  // the second copier first: what it finished is reported with this worker's own
  const second = copier.stop();
  if (e instanceof TargetFull) {
    // finish what is complete before reporting the drive's state, so nothing is copied twice
    try {
      commitAll();
    } catch {
      /* it is returned below */
    }
    const returned = returnAll(current, second);
    post({ t: 'full', id: returned[0] ?? -1, returned, message: e.message });
  } else if (e instanceof TargetGone) post({ t: 'removed', returned: returnAll(current, second), message: e.message });
  else
    post({
      t: 'target-error',
      returned: returnAll(current, second),
      code: e instanceof TargetFailed ? e.code : 'EUNKNOWN',
      message: e instanceof Error ? e.message : String(e),
    });
}

function handle(m: ToWorker): void {
  if (m.t === 'tasks') {
    if (stopped) post({ t: 'returned', returned: m.tasks.map((t) => t.id) });
    else {
      if (m.tasks.some((t) => t.size >= SMALL_FILE)) {
        // they boot while the first blocks are read
        writer.start();
        ring.start(import.meta.url, true);
      }
      queue.push(...m.tasks);
      post({ t: 'more' });
      drain();
    }
  } else if (m.t === 'finish') {
    // nothing is left to flush here: every drain ends with flushAll, or with the drive stopped
    try {
      rmSync(tmpDir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
    ring.stop();
    writer.stop();
    flusher.stop();
    copier.terminate();
    port.close();
  }
  while (deferred.length) handle(deferred.shift()!);
}

port.on('message', (m: ToWorker) => handle(m));

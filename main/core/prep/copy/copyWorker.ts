// Worker entry: a copy worker, one per target drive, off the main event loop. A big file is read
// once into a ring of shared slots (hash/hashRing.ts) while hasher threads compute the MD5 of every
// 4 MiB block; a small file's bytes are hashed here, many at once in the SIMD lanes, as the second
// copier does its own; a writer thread writes big files'
// blocks from the ring (blockWriter.ts: direct I/O where the drive's file system takes it); a
// flusher thread writes to the disk as the copy goes on; a second copier (smallCopyWorker.ts)
// takes slices of the small files. A big file goes to a temporary under <root>/.haul-tmp and is
// renamed into place once every block is written and hashed; a small file is written in its place.
// Both are reported before their data is flushed ("written behind", where syncfs is to be had):
// the engine journals each with a write-behind place, and a syncfs (from the first 4 MiB on, one at
// a time: flusher.ts, syncfsDue) confirms the places it covers (`synced`); the last ones are
// flushed and confirmed while the engine builds the manifest. A resume re-reads an unconfirmed
// copy and checks its block MD5s before it counts it as done. Without syncfs, each file is flushed
// (fsync) before it is reported.
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
  type SmallFileHasher,
} from './copyFiles';
import { BlockWriter, WriteFailed } from './blockWriter';
import { canSyncfs, Flusher, syncfsDue } from '../flush/flusher';
import { HashRing } from '../hash/hashRing';
import { Md5Batch } from '../hash/md5Lanes';
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
import { messageOf } from '../../../../shared/messageOf';

/**
 * Small files copied and not yet reported: at most 4 MiB (what a kill -9 can make the next run copy
 * again, besides the files in hand): here a batch of 1.5 MiB (or 384 files, or 250 ms), hashed and
 * reported once full; and the second copier's batch of 1 MiB (smallCopyWorker.ts).
 */
const REPORT_BYTES = 1.5 * 1024 * 1024;
const REPORT_FILES = 384;
const REPORT_MS = 250;
/** small files' bytes waiting to be hashed here: the lanes take them a MiB at a time */
const HASH_BYTES = 1024 * 1024;
/**
 * Reported files not yet flushed: a syncfs starts when `syncfsDue` says (flush/flusher.ts), in the
 * flusher while the copy goes on; with 256 MiB unflushed the copy waits for the running one. A
 * power cut can lose those (the resume finds them by their block MD5s and copies them again).
 */
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
  constructor(private readonly w: CopyWorker) {}

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
    if (this.ended || this.w.init.maxRate > 0 || this.tasks.size >= 2 * SLICE || this.heldBytes >= HELD_BYTES) return;
    if (!this.worker && this.w.queue.length < 2 * SLICE) return;
    const slice: CopyTask[] = [];
    for (let i = 0; i < this.w.queue.length && slice.length < SLICE; ) {
      if (this.w.queue[i]!.size < SMALL_FILE && !this.grown.has(this.w.queue[i]!.id))
        slice.push(this.w.queue.splice(i, 1)[0]!);
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
      root: this.w.init.root,
      rootDev: this.w.init.rootDev,
      port: port2,
      ctrl: this.ctrl.buffer as SharedArrayBuffer,
      fsyncEach: !batchFlush,
      reading: this.w.init.reading,
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
          files.push({ task, tmp: join(this.w.init.root, task.rel), result });
          bytes += result.size;
        }
        if (bytes) this.w.progress(bytes);
        this.w.report(files, bytes);
        this.w.flushBehind();
        return;
      }
      case 'source-error': {
        const task = this.tasks.get(m.id);
        if (task) this.forget(task);
        this.w.post(m);
        return;
      }
      case 'big': {
        // grown since the plan: copied here, as a big file
        const task = this.tasks.get(m.id);
        if (task) {
          this.forget(task);
          this.grown.add(task.id);
          this.w.queue.unshift(task);
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

/** One copy worker: its helper threads, its queue of tasks and its batches of small files. */
class CopyWorker {
  readonly post: (m: FromWorker) => void;
  private readonly tmpDir: string;
  private readonly target: Target;
  private readonly ring: HashRing;
  private readonly flusher = new Flusher();
  /** writes big files' blocks from the ring in its own thread (started once big files are among the tasks) */
  private readonly writer: BlockWriter;
  /** Which file this worker reads now (the engine watches for a read that stopped answering). */
  private readonly reading: Int32Array;
  readonly queue: CopyTask[] = [];
  /** small files: copied and not reported (their MD5s as `smallHash` gives them), reported not flushed, flushing */
  private filling = emptyBatch();
  private fillingSince = 0;
  // room for a batch just under HASH_BYTES and one more file of less than a block (read with one byte more)
  private readonly smallHash = new Md5Batch(HASH_BYTES + SMALL_FILE);
  private readonly smallHasher: SmallFileHasher = {
    room: (len) => ({ buf: this.smallHash.buf, at: this.smallHash.room(len) }),
    add: (len, done) => this.smallHash.add(len, done),
  };
  private behind = emptyBatch();
  private behindSince = 0;
  /** when the last syncfs started */
  private syncStarted = 0;
  private syncing = emptyBatch();
  private unreported = 0;
  private lastReport = Date.now();
  private rateStart = Date.now();
  private rateBytes = 0;
  /** set once the drive is full, removed or failing: later tasks go straight back */
  private stopped = false;
  private readonly copier = new SecondCopier(this);
  /** Messages taken from the port while draining that are not tasks: handled once the drain ends. */
  private readonly deferred: ToWorker[] = [];

  constructor(
    readonly init: WorkerInit,
    private readonly port: MessagePort,
  ) {
    this.post = (m: FromWorker) => port.postMessage(m);
    this.tmpDir = join(init.root, TMP_DIR);
    this.target = new Target(init.root, init.rootDev);
    this.ring = new HashRing(init.hashers);
    this.writer = new BlockWriter(this.ring.memory, this.ring.slotCount, import.meta.url);
    this.ring.beforeReuse = (slot) => this.writer.free(slot);
    // the flusher boots while the first tasks arrive; the hashers once a big file is among them
    this.flusher.start(import.meta.url, init.root);
    this.reading = new Int32Array(init.reading);
  }

  progress(n: number): void {
    this.unreported += n;
    const now = Date.now();
    if (now - this.lastReport >= 100) {
      this.post({ t: 'bytes', n: this.unreported });
      this.unreported = 0;
      this.lastReport = now;
    }
    if (this.init.maxRate > 0) {
      this.rateBytes += n;
      const ahead = (this.rateBytes / this.init.maxRate) * 1000 - (now - this.rateStart);
      if (ahead > 5) sleep(ahead);
      if (now - this.rateStart > 2000) {
        this.rateStart = now;
        this.rateBytes = 0;
      }
    }
  }

  private flushProgress(): void {
    if (this.unreported) this.post({ t: 'bytes', n: this.unreported });
    this.unreported = 0;
    this.lastReport = Date.now();
  }

  /** Copies one file to its temporary (a big one, flushed where there is no syncfs) or its place (a small one). */
  private copyOne(task: CopyTask): Copied {
    this.target.checkSoon();
    Atomics.store(this.reading, 0, task.id + 1);
    const src = openSource(task);
    let tmp = join(this.tmpDir, `${task.id}.tmp`);
    let dst = -1;
    try {
      const before = fstatSync(src);
      // a small file goes straight to its place: it counts only once journaled, and a partial one
      // left by a kill is overwritten by the next run
      if (before.size < SMALL_FILE) tmp = join(this.init.root, task.rel);
      dst = this.target.create(tmp, copyMode(task.src, before.mode));
      if (before.size < SMALL_FILE) {
        // hashed here with the others of its batch
        const result = copySmallFile(this.target, task, src, dst, before, this.smallHasher, !batchFlush);
        if (result.size) this.progress(result.size);
        return { task, tmp, result };
      }
      const result: CopyResult = { id: task.id, size: 0, mtime: before.mtimeMs, md5: '', blocks: '' };
      this.copyBig(task, src, dst, tmp, before.mtimeMs, result);
      return { task, tmp, result };
    } catch (e) {
      dropCopy(dst, tmp);
      dst = -1;
      throw e;
    } finally {
      Atomics.store(this.reading, 0, 0);
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
  private copyBig(task: CopyTask, src: number, dst: number, tmp: string, mtime: number, result: CopyResult): void {
    const blocks: string[] = [];
    const first = this.writer.count();
    const what = `writing ${task.rel}`;
    let pos = 0;
    const direct = this.writer.openDirect(tmp);
    // every hasher (started already when the tasks held a big file; not for a small one that grew)
    this.ring.start(import.meta.url, true);
    this.ring.useAllHashers(import.meta.url);
    try {
      for (;;) {
        // fill a whole block (or up to EOF) in the next ring slot
        const buf = this.ring.block();
        const { slot, offset } = this.ring.slot();
        let got = 0;
        while (got < BLOCK_SIZE) {
          const n = readWithRetry(src, buf, got, pos + got, BLOCK_SIZE - got, task.src);
          if (n === 0) break;
          got += n;
        }
        if (!got) break;
        const b = blocks.length;
        blocks.push('');
        this.ring.add(got, (md5) => (blocks[b] = md5));
        this.ring.seal();
        this.writer.write(slot, offset, got, dst, direct, pos, what);
        pos += got;
        this.progress(got);
        // Flushed as we go (fdatasync in the flusher every 64 MiB): through the page cache, the disk
        // writes while we read and hash; with direct I/O, the drive's own cache (and a loop device's
        // backing file) is emptied as we go too. Either way the last flush stays small.
        if (FLUSH_EVERY && pos % FLUSH_EVERY === 0) this.flusher.flushSoon(dst);
        if (got < BLOCK_SIZE) break;
      }
      this.writer.check(first, this.writer.count());
    } catch (e) {
      if (e instanceof WriteFailed) this.target.error(e, e.what);
      throw e;
    } finally {
      // nothing in flight on the file's descriptors once they close, and every block's MD5 is in
      // before the slots are reused, whatever happened
      this.writer.settle();
      if (direct >= 0) closeQuietly(direct);
      this.ring.drain();
      this.flusher.idle();
    }
    const after = fstatSync(src);
    if (after.size !== pos || after.mtimeMs !== mtime) throw changed(task);
    if (!batchFlush) this.target.fsync(dst, task.rel);
    result.size = pos;
    result.blocks = blocks.join('');
    result.md5 = blocks.length === 1 ? blocks[0]! : '';
  }

  /**
   * Renames a big file into place and reports it (the engine journals it then): written behind where
   * syncfs flushes (the next syncfs confirms it, and a resume reads it back before it counts it
   * until then), else already flushed.
   */
  private renameAndReport(f: Copied): void {
    const final = join(this.init.root, f.task.rel);
    this.target.ensureDir(dirname(final));
    try {
      renameSync(f.tmp, final);
    } catch (e) {
      this.target.error(e, `renaming into ${f.task.rel}`);
    }
    this.report([{ ...f, tmp: final }], f.result.size);
    this.flushBehind();
  }

  /**
   * Reports files copied (the engine journals them): written behind where syncfs flushes them later
   * (they join `behind`, which the next syncfs confirms), else flushed already.
   */
  report(files: Copied[], bytes: number): void {
    this.flushProgress();
    const results = files.map((f) => f.result);
    // slices keep each message cheap for the engine's main thread
    for (let i = 0; i < results.length; i += 256)
      this.post({ t: 'done', results: results.slice(i, i + 256), ...(batchFlush ? { behind: true } : {}) });
    if (!batchFlush) return;
    if (!this.behind.files.length) this.behindSince = Date.now();
    this.behind.files.push(...files);
    this.behind.bytes += bytes;
  }

  /** The small files copied so far, hashed (what is left of their bytes) and reported: written behind when syncfs will flush them. */
  private handOver(): void {
    if (!this.filling.files.length) return;
    this.smallHash.flush();
    const done = this.filling;
    this.filling = emptyBatch();
    this.report(done.files, done.bytes);
  }

  /** The running syncfs, once done (waiting for it when `wait`): the files it covers are confirmed. */
  private finishSync(wait: boolean): void {
    if (!this.syncing.files.length) return;
    if (this.flusher.busy()) {
      if (!wait) return;
      this.flusher.idle();
    }
    if (this.flusher.syncfsStatus() !== 0) {
      // the syncfs failed with the drive still there: flush each file on its own, or fail here
      this.target.check();
      for (const f of this.syncing.files) {
        try {
          const fd = openSync(f.tmp, 'r+');
          try {
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
        } catch (e) {
          this.target.error(e, `flushing ${f.task.rel}`);
        }
      }
    }
    const n = this.syncing.files.length;
    this.syncing = emptyBatch();
    this.post({ t: 'synced', n });
  }

  /** Starts a syncfs of what was reported unflushed (in the flusher, while the copy goes on). */
  private startSync(): void {
    if (this.syncing.files.length || !this.behind.files.length) return;
    this.target.check();
    this.syncing = this.behind;
    this.behind = emptyBatch();
    this.syncStarted = Date.now();
    this.flusher.syncfsSoon();
  }

  /** After each small file: report, and flush behind, within the limits above. */
  private pipeSmall(): void {
    if (
      this.filling.bytes >= REPORT_BYTES ||
      this.filling.files.length >= REPORT_FILES ||
      Date.now() - this.fillingSince > REPORT_MS
    )
      this.handOver();
    this.flushBehind();
  }

  /** Starts a syncfs once enough is written behind (waiting for the one before past the limit). */
  flushBehind(): void {
    if (!batchFlush) return;
    this.finishSync(false);
    const { behind, syncing } = this;
    const state = {
      bytes: behind.bytes,
      files: behind.files.length,
      since: this.behindSince,
      syncing: syncing.files.length > 0,
      lastStart: this.syncStarted,
    };
    if (syncfsDue(state, Date.now())) {
      if (behind.bytes + syncing.bytes >= BEHIND_LIMIT) this.finishSync(true);
      this.startSync();
    }
  }

  /** Everything copied so far reported, when there is nothing left to copy; what is written behind starts to flush. */
  private reportAll(): void {
    this.handOver();
    if (!batchFlush) return;
    this.finishSync(false);
    this.startSync();
  }

  /** Every file reported behind flushed and confirmed: the running syncfs, then one for the rest. */
  private flushAll(): void {
    if (!batchFlush) return;
    this.finishSync(true);
    this.startSync();
    this.finishSync(true);
  }

  /** Everything copied so far reported and flushed (the drive stops: full). */
  private commitAll(): void {
    this.handOver();
    this.flushAll();
  }

  /** What this worker had and did not report goes back (its partial copies removed); reported files stay. */
  private returnAll(current: CopyTask | undefined, second: number[]): number[] {
    const held = this.filling.files;
    const ids = [
      ...(current ? [current.id] : []),
      ...held.map((p) => p.task.id),
      ...second,
      ...this.queue.map((t) => t.id),
    ];
    try {
      this.ring.drain();
      this.flusher.idle();
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
    this.filling = emptyBatch();
    this.queue.length = 0;
    return ids;
  }

  /** Takes the next chunk of tasks already waiting on the port, so a batch need not end with a chunk. */
  private takeWaitingTasks(): boolean {
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (!got) return false;
      const m = got.message as ToWorker;
      if (m.t !== 'tasks') {
        this.deferred.push(m);
        continue;
      }
      this.queue.push(...m.tasks);
      this.post({ t: 'more' });
      return true;
    }
  }

  private drain(): void {
    let task: CopyTask | undefined;
    try {
      for (;;) {
        this.copier.collect();
        this.copier.feed();
        task = this.queue.shift() ?? (this.takeWaitingTasks() ? this.queue.shift() : undefined);
        if (!task) {
          // what the second copier holds is answered before this worker says it is idle
          if (!this.copier.holds()) break;
          this.copier.wait();
          continue;
        }
        try {
          const copied = this.copyOne(task);
          if (copied.result.size >= SMALL_FILE) this.renameAndReport(copied);
          else {
            if (!this.filling.files.length) this.fillingSince = Date.now();
            this.filling.files.push(copied);
            this.filling.bytes += copied.result.size;
            this.pipeSmall();
          }
        } catch (e) {
          if (!(e instanceof SourceFailed)) throw e;
          this.post({ t: 'source-error', id: task.id, code: e.code, message: e.message });
        }
        task = undefined;
      }
      this.reportAll();
    } catch (e) {
      this.stopOn(e, task);
      return;
    }
    this.post({ t: 'idle' });
    // the last flush at once, in this thread: the engine builds the manifests meanwhile (tasks it
    // may still send wait for it)
    try {
      this.flushAll();
    } catch {
      /* the drive is failing: the engine flushes what is left unconfirmed itself, or says so */
    }
  }

  /** The drive is full, removed or failing: what is complete is reported, the rest goes back. */
  private stopOn(e: unknown, current?: CopyTask): void {
    this.stopped = true;
    // the second copier first: what it finished is reported with this worker's own
    const second = this.copier.stop();
    if (e instanceof TargetFull) {
      // finish what is complete before reporting the drive's state, so nothing is copied twice
      try {
        this.commitAll();
      } catch {
        /* it is returned below */
      }
      const returned = this.returnAll(current, second);
      this.post({ t: 'full', id: returned[0] ?? -1, returned, message: e.message });
    } else if (e instanceof TargetGone)
      this.post({ t: 'removed', returned: this.returnAll(current, second), message: e.message });
    else
      this.post({
        t: 'target-error',
        returned: this.returnAll(current, second),
        code: e instanceof TargetFailed ? e.code : 'EUNKNOWN',
        message: messageOf(e),
      });
  }

  handle(m: ToWorker): void {
    if (m.t === 'tasks') {
      if (this.stopped) this.post({ t: 'returned', returned: m.tasks.map((t) => t.id) });
      else {
        if (m.tasks.some((t) => t.size >= SMALL_FILE)) {
          // they boot while the first blocks are read
          this.writer.start();
          this.ring.start(import.meta.url, true);
        }
        this.queue.push(...m.tasks);
        this.post({ t: 'more' });
        this.drain();
      }
    } else if (m.t === 'finish') {
      // nothing is left to flush here: every drain ends with flushAll, or with the drive stopped
      try {
        rmSync(this.tmpDir, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
      this.ring.stop();
      this.writer.stop();
      this.flusher.stop();
      this.copier.terminate();
      this.port.close();
    }
    while (this.deferred.length) this.handle(this.deferred.shift()!);
  }
}

runNicer();
const port = parentPort!;
const worker = new CopyWorker(workerData as WorkerInit, port);
port.on('message', (m: ToWorker) => worker.handle(m));

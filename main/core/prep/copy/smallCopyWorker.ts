// Worker entry: a copy worker's second copier of small files. Creating a file on the drive is
// mostly the kernel's work (ext4: an inode, a directory entry, the journal), and one thread does it
// no faster than cp; two threads copy a set of small files in about 0.6 of the time on 2 cores. So
// the copy worker hands this one slices of its small files and copies the others itself. Each file
// goes straight to its place (as the copy worker's own small files do), its bytes into a batch that
// is hashed in the SIMD lanes once 1 MiB (or 128 files) is in; then the batch is answered. Copies
// it has not answered are removed when it stops, so nothing it leaves counts as done.
import { closeSync, fstatSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  SMALL_FILE,
  SourceFailed,
  Target,
  TargetFailed,
  TargetFull,
  TargetGone,
  copySmallFile,
  copyMode,
  dropCopy,
  openSource,
  type SmallFileHasher,
} from './copyFiles';
import { Md5Batch } from '../hash/md5Lanes';
import type { CopyResult, CopyTask, FromSmallCopier, SmallCopyInit, ToSmallCopier } from '../threads/protocol';
import { runNicer } from '../threads/workerBoot';
import { messageOf } from '../../../../shared/messageOf';

/** a batch is answered at this many bytes or files (what a kill -9 can make the next run copy again, on top of the copy worker's own) */
export const ANSWER_BYTES = 1024 * 1024;
const ANSWER_FILES = 128;

/** One second copier: its batch being hashed, the tasks it was given and the copies it has not answered. */
class SmallCopier {
  private readonly ctrl: Int32Array;
  private readonly target: Target;
  // room for a batch just under ANSWER_BYTES and one more file of less than a block (read with one byte more)
  private readonly batch = new Md5Batch(ANSWER_BYTES + SMALL_FILE);
  private readonly hasher: SmallFileHasher = {
    room: (len) => ({ buf: this.batch.buf, at: this.batch.room(len) }),
    add: (len, done) => this.batch.add(len, done),
  };
  private readonly queue: CopyTask[] = [];
  /** copied, in the batch, not answered yet */
  private held: { task: CopyTask; result: CopyResult }[] = [];
  private heldBytes = 0;
  private stopped = false;
  /** Which file this copier reads now ([1]: the engine watches for a read that stopped answering). */
  private readonly reading: Int32Array;

  constructor(private readonly init: SmallCopyInit) {
    this.ctrl = new Int32Array(init.ctrl);
    this.target = new Target(init.root, init.rootDev);
    this.reading = new Int32Array(init.reading);
  }

  /** A message of the copy worker: tasks (copied at once) or stop. */
  onMessage(m: ToSmallCopier): void {
    this.take(m);
    if (!this.stopped) this.drain();
  }

  private answer(m: FromSmallCopier): void {
    this.init.port.postMessage(m);
    Atomics.add(this.ctrl, 1, 1);
    Atomics.notify(this.ctrl, 1);
  }

  /** Hashes the batch and answers it. */
  private answerBatch(): void {
    if (!this.held.length) return;
    this.batch.flush();
    this.answer({ t: 'copied', results: this.held.map((h) => h.result) });
    this.held = [];
    this.heldBytes = 0;
  }

  private copyOne(task: CopyTask): void {
    this.target.checkSoon();
    Atomics.store(this.reading, 1, task.id + 1);
    const src = openSource(task);
    let dst = -1;
    const at = join(this.init.root, task.rel);
    try {
      const before = fstatSync(src);
      if (before.size >= SMALL_FILE) {
        this.answer({ t: 'big', id: task.id });
        return;
      }
      dst = this.target.create(at, copyMode(task.src, before.mode));
      const result = copySmallFile(this.target, task, src, dst, before, this.hasher, this.init.fsyncEach);
      this.held.push({ task, result });
      this.heldBytes += result.size;
    } catch (e) {
      dropCopy(dst, at);
      dst = -1;
      throw e;
    } finally {
      Atomics.store(this.reading, 1, 0);
      if (dst >= 0) closeSync(dst);
      closeSync(src);
    }
  }

  /** Stops: what it holds is removed from the drive and handed back with the rest of its tasks. */
  private stop(why: 'asked' | 'full' | 'removed' | 'failed', code: string, message: string, current?: CopyTask): void {
    this.stopped = true;
    const returned = [
      ...(current ? [current.id] : []),
      ...this.held.map((h) => h.task.id),
      ...this.queue.map((t) => t.id),
    ];
    for (const h of this.held) {
      try {
        unlinkSync(join(this.init.root, h.task.rel));
      } catch {
        /* gone */
      }
    }
    this.held = [];
    this.queue.length = 0;
    this.answer({ t: 'stopped', why, code, message, returned });
  }

  private take(m: ToSmallCopier): void {
    if (m.t === 'stop') {
      if (!this.stopped) this.stop('asked', 'ESTOPPED', 'asked to stop');
    } else if (this.stopped)
      this.answer({
        t: 'stopped',
        why: 'asked',
        code: 'ESTOPPED',
        message: 'stopped',
        returned: m.tasks.map((t) => t.id),
      });
    else this.queue.push(...m.tasks);
  }

  private drain(): void {
    for (;;) {
      if (Atomics.load(this.ctrl, 0)) {
        this.stop('asked', 'ESTOPPED', 'asked to stop');
        return;
      }
      const task = this.queue.shift();
      if (!task) {
        const more = receiveMessageOnPort(this.init.port);
        if (more) {
          this.take(more.message as ToSmallCopier);
          if (this.stopped) return;
          continue;
        }
        this.answerBatch();
        return;
      }
      try {
        this.copyOne(task);
      } catch (e) {
        if (e instanceof SourceFailed) {
          this.answer({ t: 'source-error', id: task.id, code: e.code, message: e.message });
          continue;
        }
        if (e instanceof TargetFull) {
          // what is complete is answered; the file that did not fit goes back first
          this.answerBatch();
          this.stop('full', 'ENOSPC', e.message, task);
        } else if (e instanceof TargetGone) this.stop('removed', 'EREMOVED', e.message, task);
        else this.stop('failed', e instanceof TargetFailed ? e.code : 'EUNKNOWN', messageOf(e), task);
        return;
      }
      if (this.heldBytes >= ANSWER_BYTES || this.held.length >= ANSWER_FILES) this.answerBatch();
    }
  }
}

runNicer();
const init = workerData as SmallCopyInit;
const copier = new SmallCopier(init);
init.port.on('message', (m: ToSmallCopier) => copier.onMessage(m));

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

runNicer();

/** a batch is answered at this many bytes or files (what a kill -9 can make the next run copy again, on top of the copy worker's own) */
export const ANSWER_BYTES = 1024 * 1024;
const ANSWER_FILES = 128;

const init = workerData as SmallCopyInit;
const ctrl = new Int32Array(init.ctrl);
const target = new Target(init.root, init.rootDev);
// room for a batch just under ANSWER_BYTES and one more file of less than a block (read with one byte more)
const batch = new Md5Batch(ANSWER_BYTES + SMALL_FILE);
const hasher: SmallFileHasher = {
  room: (len) => ({ buf: batch.buf, at: batch.room(len) }),
  add: (len, done) => batch.add(len, done),
};
const queue: CopyTask[] = [];
/** copied, in the batch, not answered yet */
let held: { task: CopyTask; result: CopyResult }[] = [];
let heldBytes = 0;
let stopped = false;

function answer(m: FromSmallCopier): void {
  init.port.postMessage(m);
  Atomics.add(ctrl, 1, 1);
  Atomics.notify(ctrl, 1);
}

/** Hashes the batch and answers it. */
function answerBatch(): void {
  if (!held.length) return;
  batch.flush();
  answer({ t: 'copied', results: held.map((h) => h.result) });
  held = [];
  heldBytes = 0;
}

/** Which file this copier reads now ([1]: the engine watches for a read that stopped answering). */
const reading = new Int32Array(init.reading);

function copyOne(task: CopyTask): void {
  target.checkSoon();
  Atomics.store(reading, 1, task.id + 1);
  const src = openSource(task);
  let dst = -1;
  const at = join(init.root, task.rel);
  try {
    const before = fstatSync(src);
    if (before.size >= SMALL_FILE) {
      answer({ t: 'big', id: task.id });
      return;
    }
    dst = target.create(at, copyMode(task.src, before.mode));
    const result = copySmallFile(target, task, src, dst, before, hasher, init.fsyncEach);
    held.push({ task, result });
    heldBytes += result.size;
  } catch (e) {
    dropCopy(dst, at);
    dst = -1;
    throw e;
  } finally {
    Atomics.store(reading, 1, 0);
    if (dst >= 0) closeSync(dst);
    closeSync(src);
  }
}

/** Stops: what it holds is removed from the drive and handed back with the rest of its tasks. */
function stop(why: 'asked' | 'full' | 'removed' | 'failed', code: string, message: string, current?: CopyTask): void {
  stopped = true;
  const returned = [...(current ? [current.id] : []), ...held.map((h) => h.task.id), ...queue.map((t) => t.id)];
  for (const h of held) {
    try {
      unlinkSync(join(init.root, h.task.rel));
    } catch {
      /* gone */
    }
  }
  held = [];
  queue.length = 0;
  answer({ t: 'stopped', why, code, message, returned });
}

function take(m: ToSmallCopier): void {
  if (m.t === 'stop') {
    if (!stopped) stop('asked', 'ESTOPPED', 'asked to stop');
  } else if (stopped)
    answer({ t: 'stopped', why: 'asked', code: 'ESTOPPED', message: 'stopped', returned: m.tasks.map((t) => t.id) });
  else queue.push(...m.tasks);
}

function drain(): void {
  for (;;) {
    if (Atomics.load(ctrl, 0)) {
      stop('asked', 'ESTOPPED', 'asked to stop');
      return;
    }
    const task = queue.shift();
    if (!task) {
      const more = receiveMessageOnPort(init.port);
      if (more) {
        take(more.message as ToSmallCopier);
        if (stopped) return;
        continue;
      }
      answerBatch();
      return;
    }
    try {
      copyOne(task);
    } catch (e) {
      if (e instanceof SourceFailed) {
        answer({ t: 'source-error', id: task.id, code: e.code, message: e.message });
        continue;
      }
      if (e instanceof TargetFull) {
        // what is complete is answered; the file that did not fit goes back first
        answerBatch();
        stop('full', 'ENOSPC', e.message, task);
      } else if (e instanceof TargetGone) stop('removed', 'EREMOVED', e.message, task);
      else
        stop(
          'failed',
          e instanceof TargetFailed ? e.code : 'EUNKNOWN',
          e instanceof Error ? e.message : String(e),
          task,
        );
      return;
    }
    if (heldBytes >= ANSWER_BYTES || held.length >= ANSWER_FILES) answerBatch();
  }
}

init.port.on('message', (m: ToSmallCopier) => {
  take(m);
  if (!stopped) drain();
});

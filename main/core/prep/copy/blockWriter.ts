// The writer of a copy worker's big files: the blocks of a big file go from the ring's slots
// (hash/hashRing.ts) to the drive in their own thread, so the copy thread reads the next block while one
// is written, as cp's page cache lets it, and the disk and the source work at the same time. A
// block is written with direct I/O (O_DIRECT) where the drive's file system takes it: straight from
// the slot to the device, with no copy into the page cache and no writeback behind it. The copy
// thread's side is `BlockWriter`; the writer thread's is `runWriter` (writeWorker.ts).
import { constants, openSync, writeSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { WRITE_CHUNK } from './copyFiles';
import type { WasmMemory } from '../hash/md5Lanes';
import { siblingWorker, startWorker } from '../threads/workerBoot';

/** requests in flight at most: one per ring slot (a slot is not filled again before its block is written) */
const QUEUE = 16;
/** ctrl: [0] requests posted, [1] requests done, [2] 1 once a direct write was refused; then QUEUE entries of ENTRY words */
const POSTED = 0;
const DONE = 1;
const REFUSED = 2;
const HEAD = 4;
/** an entry: fd, direct fd (-1: none), offset in the memory, length, position (high, low 32 bits), failed */
const ENTRY = 8;
/** an error's code, ASCII, per entry */
const CODE_BYTES = 16;
/**
 * Direct I/O wants the memory, the position and the length aligned to the device's logical block
 * (512 bytes, or 4 KiB on newer drives): a block's last bytes below 4 KiB go through the page cache.
 */
const ALIGN = 4096;

export interface WriterInit {
  memory: WasmMemory;
  ctrl: SharedArrayBuffer;
  codes: SharedArrayBuffer;
}

/** Whether this platform has direct I/O at all (Linux; not macOS or Windows). HAUL_DIRECT=0: never. */
export function directIo(): boolean {
  return typeof constants.O_DIRECT === 'number' && process.env.HAUL_DIRECT !== '0';
}

/** The writer thread's loop: each request in turn, the direct part then the rest, its error kept. */
export function runWriter(w: WriterInit): void {
  const ctrl = new Int32Array(w.ctrl);
  const codes = new Uint8Array(w.codes);
  const mem = Buffer.from(w.memory.buffer);
  for (let seq = 0; ; seq++) {
    while (Atomics.load(ctrl, POSTED) === seq) Atomics.wait(ctrl, POSTED, seq);
    const e = HEAD + (seq % QUEUE) * ENTRY;
    const fd = ctrl[e]!;
    const direct = ctrl[e + 1]!;
    const off = ctrl[e + 2]!;
    const len = ctrl[e + 3]!;
    const pos = ctrl[e + 4]! * 2 ** 32 + (ctrl[e + 5]! >>> 0);
    let w = 0;
    try {
      if (direct >= 0 && len >= ALIGN) {
        try {
          const aligned = len - (len % ALIGN);
          while (w < aligned) w += writeSync(direct, mem, off + w, aligned - w, pos + w);
        } catch (err) {
          // this file system (or this memory) does not take direct I/O after all: the page cache then
          if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
          Atomics.store(ctrl, REFUSED, 1);
        }
      }
      // through the page cache in cp's pieces (copyFiles.ts says why)
      while (w < len) w += writeSync(fd, mem, off + w, Math.min(WRITE_CHUNK, len - w), pos + w);
      ctrl[e + 6] = 0;
    } catch (err) {
      const code = Buffer.from(((err as NodeJS.ErrnoException).code ?? 'EIO').slice(0, CODE_BYTES), 'latin1');
      const at = (seq % QUEUE) * CODE_BYTES;
      codes.fill(0, at, at + CODE_BYTES);
      codes.set(code, at);
      ctrl[e + 6] = 1;
    }
    Atomics.store(ctrl, DONE, seq + 1);
    Atomics.notify(ctrl, DONE);
  }
}

/** A failed write, as the writer thread met it (a code such as ENOSPC or EIO), and what it was writing. Stays in the copy thread. */
export class WriteFailed extends Error {
  constructor(
    readonly code: string,
    /** what was being written: "writing <file>" */
    readonly what: string,
  ) {
    super(code); // Target.error says what failed: "<what> failed on the drive: <code>"
  }
}

/** The copy thread's side: blocks handed to the writer thread, and waiting for them. */
export class BlockWriter {
  private readonly ctrlBuf = new SharedArrayBuffer((HEAD + QUEUE * ENTRY) * 4);
  private readonly codesBuf = new SharedArrayBuffer(QUEUE * CODE_BYTES);
  private readonly ctrl = new Int32Array(this.ctrlBuf);
  private readonly labels = Array<string>(QUEUE).fill('');
  private posted = 0;
  /** requests whose outcome was looked at */
  private seen = 0;
  /** the requests that failed, by number: kept, so a file is never taken for written after one of its blocks failed */
  private readonly failures = new Map<number, WriteFailed>();
  /** per ring slot, the request that writes it (-1: none) */
  private readonly slotSeq: number[];
  private worker?: Worker;

  constructor(
    private readonly memory: WasmMemory,
    slots: number,
    private readonly self: string,
  ) {
    if (slots > QUEUE) throw new Error(`BlockWriter: ${slots} slots, ${QUEUE} requests at most`);
    this.slotSeq = Array<number>(slots).fill(-1);
  }

  /** Opens `path` (just created) for direct writes: its fd, or -1 where direct I/O is not to be had. */
  openDirect(path: string): number {
    if (!this.direct()) return -1;
    try {
      return openSync(path, constants.O_WRONLY | constants.O_DIRECT);
    } catch {
      return -1; // this file system has no direct I/O (tmpfs before Linux 6.6, some FUSE ones)
    }
  }

  /** Whether direct writes are to be had (none was refused so far). */
  private direct(): boolean {
    return directIo() && !Atomics.load(this.ctrl, REFUSED);
  }

  /** How many requests were handed over: `check(first, count())` waits for those of one file. */
  count(): number {
    return this.posted;
  }

  /**
   * Writes `len` bytes of ring slot `slot` (at `offset` in the ring's memory) at `pos` of the file:
   * through `direct` (when not -1) as far as aligned, the rest through `fd`; `what` names it in an
   * error. Returns at once; the slot must not be filled again before `free(slot)`.
   */
  write(slot: number, offset: number, len: number, fd: number, direct: number, pos: number, what: string): void {
    this.start();
    this.free(slot);
    if (this.posted - this.seen >= QUEUE) this.waitFor(this.posted - QUEUE + 1);
    const seq = this.posted;
    const e = HEAD + (seq % QUEUE) * ENTRY;
    const c = this.ctrl;
    c[e] = fd;
    c[e + 1] = offset % ALIGN === 0 && pos % ALIGN === 0 ? direct : -1;
    c[e + 2] = offset;
    c[e + 3] = len;
    c[e + 4] = Math.floor(pos / 2 ** 32);
    c[e + 5] = (pos % 2 ** 32) | 0;
    c[e + 6] = 0;
    this.labels[seq % QUEUE] = what;
    this.slotSeq[slot] = seq;
    this.posted = seq + 1;
    Atomics.store(c, POSTED, this.posted);
    Atomics.notify(c, POSTED);
  }

  /** Waits until ring slot `slot` is written (throws WriteFailed for a write found failed meanwhile). */
  free(slot: number): void {
    const seq = this.slotSeq[slot]!;
    if (seq < 0) return;
    this.waitFor(seq + 1);
    this.slotSeq[slot] = -1;
  }

  /** Waits until requests `first` to `end` (exclusive) are done; throws the WriteFailed of any that failed. */
  check(first: number, end: number): void {
    this.waitFor(end, false);
    for (let seq = first; seq < end; seq++) {
      const f = this.failures.get(seq);
      if (f) throw f;
    }
  }

  /** Waits until every block handed over is written, whatever the outcome (before any file's descriptors close). */
  settle(): void {
    this.waitFor(this.posted, false);
  }

  stop(): void {
    if (this.worker) void this.worker.terminate();
  }

  /** Waits until `n` requests are done; looks at their outcomes, throwing the first failure found (when `raise`). */
  private waitFor(n: number, raise = true): void {
    for (let waited = 0; ; waited++) {
      const done = Atomics.load(this.ctrl, DONE);
      if (done >= n) break;
      if (waited > 600 && raise) throw new WriteFailed('ETIMEDOUT', 'writing to the drive (no answer in 10 minutes)');
      Atomics.wait(this.ctrl, DONE, done, 1000);
    }
    let first: WriteFailed | undefined;
    for (; this.seen < n; this.seen++) {
      const e = HEAD + (this.seen % QUEUE) * ENTRY;
      if (!this.ctrl[e + 6]) continue;
      const at = (this.seen % QUEUE) * CODE_BYTES;
      const raw = Buffer.from(this.codesBuf, at, CODE_BYTES);
      const end = raw.indexOf(0);
      const f = new WriteFailed(
        raw.toString('latin1', 0, end < 0 ? CODE_BYTES : end) || 'EIO',
        this.labels[this.seen % QUEUE]!,
      );
      this.failures.set(this.seen, f);
      first ??= f;
    }
    if (first && raise) throw first;
  }

  /** Starts the writer thread (once; the first write does when nobody did before). */
  start(): void {
    if (this.worker) return;
    const init: WriterInit = { memory: this.memory, ctrl: this.ctrlBuf, codes: this.codesBuf };
    this.worker = startWorker(siblingWorker('writeWorker', this.self), init);
    this.worker.unref();
  }
}

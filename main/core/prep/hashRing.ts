// The ring of shared 4 MiB slots between a copy thread and its two hashing threads: the copy
// thread reads a block into a slot, hands it over and writes it to the drive while one hasher
// computes the block MD5 and the other the file MD5 — two MD5 passes on two cores, overlapping
// the reads and writes. A slot is free again once both have hashed it. The hashers' side is
// `runHasher` (hashBlocksWorker.ts, hashFileWorker.ts); the copy thread's side is `HashRing`.
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { BLOCK_SIZE } from '../../../shared/prep/constants';
import { siblingWorker, startWorker } from './workerBoot';

const SLOTS = 8;
const FREE = 0;
const FILLED = 1;
const HASHED = 2;
const LAST = 1;

/** per slot in each hasher's control array: state, length, flags */
export interface HasherInit {
  data: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
  digests: SharedArrayBuffer;
}

/** A hashing thread's loop: `blocks` hashes each slot alone, otherwise the slots of a file together. */
export function runHasher(h: HasherInit, what: 'blocks' | 'file'): void {
  const ctrl = new Int32Array(h.ctrl);
  const dig = new Uint8Array(h.digests);
  let file = createHash('md5');
  for (let pos = 0; ; pos++) {
    const k = pos % SLOTS;
    for (;;) {
      const st = Atomics.load(ctrl, k * 3);
      if (st === FILLED) break;
      Atomics.wait(ctrl, k * 3, st);
    }
    const len = ctrl[k * 3 + 1]!;
    const flags = ctrl[k * 3 + 2]!;
    const block = Buffer.from(h.data, k * BLOCK_SIZE, len);
    if (what === 'blocks') {
      if (len > 0) dig.set(createHash('md5').update(block).digest(), k * 16);
    } else {
      if (len > 0) file.update(block);
      if (flags & LAST) {
        dig.set(file.digest(), k * 16);
        file = createHash('md5');
      }
    }
    Atomics.store(ctrl, k * 3, HASHED);
    Atomics.notify(ctrl, k * 3);
  }
}

/** The copy thread's side of the ring. */
export class HashRing {
  private readonly ringData = new SharedArrayBuffer(SLOTS * BLOCK_SIZE);
  private readonly ctrlBlocks = new SharedArrayBuffer(SLOTS * 3 * 4);
  private readonly ctrlFile = new SharedArrayBuffer(SLOTS * 3 * 4);
  private readonly digBlocks = new SharedArrayBuffer(SLOTS * 16);
  private readonly digFile = new SharedArrayBuffer(SLOTS * 16);
  private readonly ctrls = [new Int32Array(this.ctrlBlocks), new Int32Array(this.ctrlFile)] as const;
  private readonly digB = new Uint8Array(this.digBlocks);
  private readonly digF = new Uint8Array(this.digFile);
  private readonly slots = Array.from({ length: SLOTS }, (_, k) =>
    Buffer.from(this.ringData, k * BLOCK_SIZE, BLOCK_SIZE),
  );
  private ringPos = 0;
  /** positions handed to the hashers and not yet collected, with where their results go */
  private readonly inFlight: { pos: number; len: number; last: boolean; blocks: string[]; file: { md5: string } }[] =
    [];
  private readonly helpers: Worker[] = [];

  /** Starts the two hashers (once), from the folder of `self` (the copy worker's own URL). */
  start(self: string): Worker[] {
    if (this.helpers.length) return this.helpers;
    this.helpers.push(
      startWorker(siblingWorker('hashBlocksWorker', self), {
        data: this.ringData,
        ctrl: this.ctrlBlocks,
        digests: this.digBlocks,
      } satisfies HasherInit),
    );
    this.helpers.push(
      startWorker(siblingWorker('hashFileWorker', self), {
        data: this.ringData,
        ctrl: this.ctrlFile,
        digests: this.digFile,
      } satisfies HasherInit),
    );
    for (const h of this.helpers) h.unref();
    return this.helpers;
  }

  stop(): void {
    for (const h of this.helpers) void h.terminate();
  }

  /** The next free slot (collecting an old result if the ring is full). */
  nextSlot(): Buffer {
    if (this.inFlight.length >= SLOTS) this.collectOldest();
    return this.slots[this.ringPos % SLOTS]!;
  }

  /** Hands the current slot (`len` bytes) to both hashers; results land in `blocks` and `file.md5`. */
  handOver(len: number, last: boolean, blocks: string[], file: { md5: string }): void {
    const k = this.ringPos % SLOTS;
    this.inFlight.push({ pos: this.ringPos, len, last, blocks, file });
    this.ringPos++;
    for (const c of this.ctrls) {
      c[k * 3 + 1] = len;
      c[k * 3 + 2] = last ? LAST : 0;
      Atomics.store(c, k * 3, FILLED);
      Atomics.notify(c, k * 3);
    }
  }

  /** Waits for every slot in flight. */
  drain(): void {
    while (this.inFlight.length) this.collectOldest();
  }

  private waitHashed(c: Int32Array, k: number): void {
    for (let waited = 0; ; waited++) {
      const st = Atomics.load(c, k * 3);
      if (st === HASHED) return;
      if (waited > 120) throw new Error('a hashing thread stopped answering (2 minutes)');
      Atomics.wait(c, k * 3, st, 1000);
    }
  }

  /** Waits for the oldest slot in flight to be hashed by both hashers and takes its results. */
  private collectOldest(): void {
    const f = this.inFlight.shift()!;
    const k = f.pos % SLOTS;
    this.waitHashed(this.ctrls[0], k);
    this.waitHashed(this.ctrls[1], k);
    if (f.len > 0)
      f.blocks.push(
        Buffer.from(this.digB.subarray(k * 16, k * 16 + 16))
          .toString('hex')
          .toUpperCase(),
      );
    if (f.last)
      f.file.md5 = Buffer.from(this.digF.subarray(k * 16, k * 16 + 16))
        .toString('hex')
        .toUpperCase();
    Atomics.store(this.ctrls[0], k * 3, FREE);
    Atomics.store(this.ctrls[1], k * 3, FREE);
  }
}

/** flusher control: [0] requests, [1] fd, [2] done */
export interface FlusherInit {
  ctrl: SharedArrayBuffer;
}

/** The copy thread's side of the flusher (flushWorker.ts), which fdatasyncs big files while they are written. */
export class Flusher {
  private readonly sab = new SharedArrayBuffer(3 * 4);
  private readonly ctrl = new Int32Array(this.sab);
  private worker?: Worker;

  start(self: string): Worker {
    this.worker ??= startWorker(siblingWorker('flushWorker', self), { ctrl: this.sab } satisfies FlusherInit);
    this.worker.unref();
    return this.worker;
  }

  stop(): void {
    if (this.worker) void this.worker.terminate();
  }

  /** Asks the flusher to start writing this file to the disk; never waits (skipped while it is busy). */
  flushSoon(fd: number): void {
    if (Atomics.load(this.ctrl, 0) !== Atomics.load(this.ctrl, 2)) return;
    Atomics.store(this.ctrl, 1, fd);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
  }

  /** Waits until the flusher is done with whatever it was flushing (before a file is closed). */
  idle(): void {
    for (;;) {
      const done = Atomics.load(this.ctrl, 2);
      if (Atomics.load(this.ctrl, 0) === done) return;
      Atomics.wait(this.ctrl, 2, done, 1000);
    }
  }
}

// The ring of shared 4 MiB slots between a copy thread and its hashing thread: the copy thread
// reads data into a slot, hands it over and writes it to the drive while the hasher computes the
// MD5 of each piece of it: a slot holds one block of a big file (small files are hashed by the
// copy threads themselves, in batches: md5Lanes.ts's Md5Batch). The ring lives in a shared WebAssembly memory, so one hasher runs
// four MD5s at once in SIMD lanes (md5Lanes.ts) over pieces of up to four slots; where WebAssembly
// SIMD is missing, two hashers take the slots in turn (even and odd) with OpenSSL's MD5. A slot is
// free again once it is hashed. The hashers' side is `runHasher` (hashBlocksWorker.ts); the copy
// thread's side is `HashRing`.
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { BLOCK_SIZE } from '../../../../shared/prep/constants';
import { LANES_SCRATCH, md5Kernel, Md5Lanes, sharedMemory, simdMd5, upperHex, type WasmMemory } from './md5Lanes';
import { siblingWorker, startWorker } from '../threads/workerBoot';

/**
 * Slots per SIMD hasher: four lanes want four blocks in hand, and the copy thread reads ahead while
 * a block is written. With two hashers the ring has twice as many (16 × 4 MiB).
 */
const SLOTS_PER_HASHER = 8;
/** OpenSSL hashing threads where there is no SIMD kernel (over 8 slots) */
const OPENSSL_HASHERS = 2;
/** pieces per slot at most (4 KiB files fill a slot with 1,024) */
const PIECES = 1024;
const FREE = 0;
const FILLED = 1;
const HASHED = 2;

/** ctrl: per slot [state, pieces]; pieces: per slot and piece [offset, length]; digests: 16 bytes per piece */
export interface HasherInit {
  /** the slots, then the SIMD lanes' scratch */
  memory: WasmMemory;
  ctrl: SharedArrayBuffer;
  pieces: SharedArrayBuffer;
  digests: SharedArrayBuffer;
  /** 'simd': four MD5s at once in SIMD lanes; else OpenSSL's MD5 one piece at a time */
  kind: 'simd' | 'openssl';
  /** the slots in the ring; each hasher takes the slots k with k % hashers === lane */
  slots: number;
  hashers: number;
  lane: number;
}

/** Which MD5 the ring's hashers run: SIMD lanes where this runtime has them (HAUL_MD5=openssl: never). */
export function hasherKind(): HasherInit['kind'] {
  return simdMd5() ? 'simd' : 'openssl';
}

/** A hashing thread's loop. */
export function runHasher(h: HasherInit): void {
  if (h.kind === 'simd') runLanes(h);
  else runOpenssl(h);
}

/**
 * The SIMD hasher: its slots, in ring order, their pieces fed to four MD5 lanes as soon as each is
 * filled; a slot is hashed once its last piece is. It never waits for a slot while a lane has work,
 * so a lone block is hashed at once (one lane) and a stream of them runs four at a time. How many
 * SIMD hashers share the ring is the ring's MODE word: one over 8 slots, until the copy thread asks
 * for two over 16 (with the ring empty; positions start again), each taking every other slot.
 */
function runLanes(h: HasherInit): void {
  const ctrl = new Int32Array(h.ctrl);
  const pieces = new Int32Array(h.pieces);
  const dig = new Uint8Array(h.digests);
  const MODE = h.slots * 2;
  // each hasher has its own lanes' scratch after the slots
  const lanes = new Md5Lanes(md5Kernel()!, h.memory, h.slots * BLOCK_SIZE + h.lane * LANES_SCRATCH);
  /** pieces of a slot not yet hashed: above 0 while the slot is taken (a sealed slot holds one piece at least) */
  const left = new Int32Array(h.slots);
  const finish = (k: number) => {
    Atomics.store(ctrl, k * 2, HASHED);
    Atomics.notify(ctrl, k * 2);
  };
  let active = 0;
  let SLOTS = 0;
  for (let pos = 0; ; ) {
    const mode = Atomics.load(ctrl, MODE);
    if (mode !== active) {
      active = mode;
      SLOTS = SLOTS_PER_HASHER * active;
      pos = h.lane;
    }
    if (h.lane >= active) {
      Atomics.wait(ctrl, MODE, mode, 1000); // started ahead: until the copy thread asks for it
      continue;
    }
    // take every slot filled so far (one still being hashed is last round's, still FILLED)
    for (let k = pos % SLOTS; !left[k] && Atomics.load(ctrl, k * 2) === FILLED; k = pos % SLOTS) {
      const n = ctrl[k * 2 + 1]!;
      left[k] = n;
      for (let p = 0; p < n; p++) {
        const at = (k * PIECES + p) * 2;
        lanes.add({
          offset: k * BLOCK_SIZE + pieces[at]!,
          length: pieces[at + 1]!,
          done: (d) => {
            dig.set(d, (k * PIECES + p) * 16);
            if (--left[k]! === 0) finish(k);
          },
        });
      }
      pos += active;
    }
    if (lanes.busy()) {
      lanes.step();
      continue;
    }
    const k = pos % SLOTS;
    const st = Atomics.load(ctrl, k * 2);
    if (left[k] || st !== FILLED) Atomics.wait(ctrl, k * 2, st, 50);
  }
}

/** An OpenSSL hasher: the MD5 of every piece of its slots, in ring order. */
function runOpenssl(h: HasherInit): void {
  const SLOTS = h.slots;
  const data = h.memory.buffer;
  const ctrl = new Int32Array(h.ctrl);
  const pieces = new Int32Array(h.pieces);
  const dig = new Uint8Array(h.digests);
  for (let pos = h.lane; ; pos += h.hashers) {
    const k = pos % SLOTS;
    for (;;) {
      const st = Atomics.load(ctrl, k * 2);
      if (st === FILLED) break;
      Atomics.wait(ctrl, k * 2, st);
    }
    const n = ctrl[k * 2 + 1]!;
    for (let p = 0; p < n; p++) {
      const at = (k * PIECES + p) * 2;
      const piece = Buffer.from(data, k * BLOCK_SIZE + pieces[at]!, pieces[at + 1]!);
      dig.set(createHash('md5').update(piece).digest(), (k * PIECES + p) * 16);
    }
    Atomics.store(ctrl, k * 2, HASHED);
    Atomics.notify(ctrl, k * 2);
  }
}

/** Gets a piece's MD5 (Base16, upper case) once it is hashed. */
export type DigestSink = (md5: string) => void;

/** The copy thread's side of the ring. */
export class HashRing {
  private readonly kind = hasherKind();
  /** SIMD hashers: 1, or 2 where cores are to spare (`hashers`); OpenSSL ones: always 2 */
  private readonly hashers: number;
  /** the slots there are (a writer's requests are per slot) */
  readonly slotCount: number;
  /** the slots in use: 8 while one SIMD hasher works, all once `useAllHashers` */
  private activeSlots: number;
  /** the slots (slot k at k * BLOCK_SIZE), then each SIMD hasher's lanes' scratch */
  readonly memory: WasmMemory;
  /** called before a slot is filled again (a writer still writing it waits there) */
  beforeReuse?: (slot: number) => void;
  private readonly ctrlBuf: SharedArrayBuffer;
  private readonly piecesBuf: SharedArrayBuffer;
  private readonly digBuf: SharedArrayBuffer;
  private readonly ctrl: Int32Array;
  private readonly pieces: Int32Array;
  private readonly dig: Uint8Array;
  private readonly slots: Buffer[];
  private readonly sinks: DigestSink[][];
  /** the slot being filled: its position in the ring, bytes used, pieces */
  private pos = 0;
  private used = 0;
  private count = 0;
  /** positions handed to the hashers and not yet collected, oldest first */
  private readonly inFlight: number[] = [];
  private readonly helpers: Worker[] = [];

  constructor(simdHashers = 1) {
    this.hashers = this.kind === 'simd' ? Math.max(1, Math.min(2, simdHashers)) : OPENSSL_HASHERS;
    this.slotCount = this.kind === 'simd' ? SLOTS_PER_HASHER * this.hashers : SLOTS_PER_HASHER;
    const SLOTS = this.slotCount;
    this.memory = sharedMemory(SLOTS * BLOCK_SIZE + this.hashers * LANES_SCRATCH);
    // per slot [state, pieces], then MODE: the SIMD hashers at work (one until `useAllHashers`)
    this.ctrlBuf = new SharedArrayBuffer((SLOTS * 2 + 1) * 4);
    this.piecesBuf = new SharedArrayBuffer(SLOTS * PIECES * 2 * 4);
    this.digBuf = new SharedArrayBuffer(SLOTS * PIECES * 16);
    this.ctrl = new Int32Array(this.ctrlBuf);
    this.pieces = new Int32Array(this.piecesBuf);
    this.dig = new Uint8Array(this.digBuf);
    this.slots = Array.from({ length: SLOTS }, (_, k) => Buffer.from(this.memory.buffer, k * BLOCK_SIZE, BLOCK_SIZE));
    this.sinks = Array.from({ length: SLOTS }, () => []);
    this.activeSlots = this.kind === 'simd' ? SLOTS_PER_HASHER : SLOTS;
    Atomics.store(this.ctrl, SLOTS * 2, 1);
  }

  /**
   * Starts the hashers, from the folder of `self` (the copy worker's own URL): the first SIMD
   * hasher (or both OpenSSL ones) now, a second SIMD one with `more` (it waits until
   * `useAllHashers`).
   */
  start(self: string, more = false): void {
    const want = this.kind === 'simd' && !more ? 1 : this.hashers;
    for (let lane = this.helpers.length; lane < want; lane++) {
      const init: HasherInit = {
        memory: this.memory,
        ctrl: this.ctrlBuf,
        pieces: this.piecesBuf,
        digests: this.digBuf,
        kind: this.kind,
        slots: this.slotCount,
        hashers: this.hashers,
        lane,
      };
      const w = startWorker(siblingWorker('hashBlocksWorker', self), init);
      w.unref();
      this.helpers.push(w);
    }
  }

  /**
   * Every SIMD hasher at work (big files' blocks: one hasher's MD5 is the limit of their copy): the
   * ring is drained first, then its positions start again over all the slots.
   */
  useAllHashers(self: string): void {
    if (this.kind !== 'simd' || this.activeSlots === this.slotCount) return;
    this.start(self, true);
    this.drain();
    this.pos = 0;
    this.activeSlots = this.slotCount;
    const mode = this.slotCount * 2;
    Atomics.store(this.ctrl, mode, this.hashers);
    Atomics.notify(this.ctrl, mode);
    for (let k = 0; k < this.slotCount; k++) Atomics.notify(this.ctrl, k * 2);
  }

  stop(): void {
    for (const h of this.helpers) void h.terminate();
  }

  /** A whole free slot for one block of a big file (the slot being filled goes to its hasher first). */
  block(): Buffer {
    this.seal();
    return this.current();
  }

  /** The slot that `block` gave last: its number, and where it is in `memory`. */
  slot(): { slot: number; offset: number } {
    const slot = this.pos % this.activeSlots;
    return { slot, offset: slot * BLOCK_SIZE };
  }

  /** Adds the `len` bytes just put in the slot that `block` gave; `sink` gets their MD5. */
  add(len: number, sink: DigestSink): void {
    const k = this.pos % this.activeSlots;
    const at = (k * PIECES + this.count) * 2;
    this.pieces[at] = this.used;
    this.pieces[at + 1] = len;
    this.sinks[k]!.push(sink);
    this.count++;
    this.used += len;
  }

  /** Hands the slot being filled to its hasher (nothing when it is empty). */
  seal(): void {
    const k = this.pos % this.activeSlots;
    if (!this.count) return;
    this.ctrl[k * 2 + 1] = this.count;
    Atomics.store(this.ctrl, k * 2, FILLED);
    Atomics.notify(this.ctrl, k * 2);
    this.inFlight.push(this.pos);
    this.pos++;
    this.used = 0;
    this.count = 0;
  }

  /** Hands over what is filled and waits until every piece is hashed and its sink called. */
  drain(): void {
    this.seal();
    while (this.inFlight.length) this.collectOldest();
  }

  /** The slot being filled, once its hasher is done with what it held last time round. */
  private current(): Buffer {
    if (this.inFlight.length >= this.activeSlots) this.collectOldest();
    this.beforeReuse?.(this.pos % this.activeSlots);
    return this.slots[this.pos % this.activeSlots]!;
  }

  private collectOldest(): void {
    const k = this.inFlight.shift()! % this.activeSlots;
    for (let waited = 0; ; waited++) {
      const st = Atomics.load(this.ctrl, k * 2);
      if (st === HASHED) break;
      if (waited > 120) throw new Error('a hashing thread stopped answering (2 minutes)');
      Atomics.wait(this.ctrl, k * 2, st, 1000);
    }
    const sinks = this.sinks[k]!;
    for (const [p, sink] of sinks.entries()) {
      const at = (k * PIECES + p) * 16;
      sink(upperHex(this.dig.subarray(at, at + 16)));
    }
    sinks.length = 0;
    Atomics.store(this.ctrl, k * 2, FREE);
  }
}

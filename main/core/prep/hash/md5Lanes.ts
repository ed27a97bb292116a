// MD5 of many independent pieces at once: a WebAssembly SIMD kernel that runs four MD5s side by
// side, one in each 32-bit lane of a 128-bit vector. A single MD5 is a chain of dependent steps
// (OpenSSL's assembly, through Node's createHash, runs it at about 0.75 GB/s a core here; these
// lanes at 1.75); the block MD5s of a drive manifest are independent, so four of them can share
// every instruction. The kernel is emitted here as WebAssembly bytes (no toolchain, no native
// addon); `Md5Lanes` feeds it pieces of a shared memory (the copy worker's ring), pads each
// piece's end and hands back its digest. `Md5Batch` is the same for one thread that reads pieces
// and hashes them (the verify pass).
import { createHash } from 'node:crypto';

/** The part of WebAssembly used here (Node has it; its types come with the DOM library, not Node's). */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
type WasmModule = object;
interface Wasm {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (limits: { initial: number; maximum: number; shared: true }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly?: Wasm }).WebAssembly;

const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
const SHIFTS = [
  [7, 12, 17, 22],
  [5, 9, 14, 20],
  [4, 11, 16, 23],
  [6, 10, 15, 21],
];
/** MD5's 64 constants: floor(|sin(i + 1)| * 2^32) */
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
/** which message word step i reads */
const word = (i: number): number => (i < 16 ? i : i < 32 ? (5 * i + 1) % 16 : i < 48 ? (3 * i + 5) % 16 : (7 * i) % 16);

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// the opcodes the kernel uses
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_EQZ = 0x45;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const V_LOAD = 0x00;
const V_STORE = 0x0b;
const V_CONST = 0x0c;
const V_SHUFFLE = 0x0d;
const V_NOT = 0x4d;
const V_OR = 0x50;
const V_XOR = 0x51;
const V_BITSELECT = 0x52;
const I32X4_SHL = 0xab;
const I32X4_SHR_U = 0xad;
const I32X4_ADD = 0xae;

/**
 * The kernel: `md5x4(state, p0, p1, p2, p3, n)` runs n 64-byte chunks of four messages (lane l's
 * next chunk at p_l, each pointer advancing 64 bytes a chunk) through the four MD5 states held at
 * `state` as four vectors A, B, C, D (lane l of each is message l's word).
 */
function kernel(): Uint8Array {
  // locals: 0 state, 1-4 p0-p3, 5 n (params); 6-9 a b c d, 10-13 saved, 14-29 message words, 30-37 transposing, 38 x
  const [pState, pN] = [0, 5];
  const [A, B, C, D] = [6, 7, 8, 9];
  const SAVED = 10;
  const M = 14;
  const T = 30;
  const X = 38;
  const code: number[] = [];
  const get = (l: number) => code.push(LOCAL_GET, ...uleb(l));
  const set = (l: number) => code.push(LOCAL_SET, ...uleb(l));
  const op = (o: number) => code.push(...simd(o));
  const mem = (o: number, offset: number) => code.push(...simd(o), 0, ...uleb(offset));
  const shuffle = (lanes: number[]) =>
    code.push(...simd(V_SHUFFLE), ...lanes.flatMap((w) => [w * 4, w * 4 + 1, w * 4 + 2, w * 4 + 3]));
  const splat = (k: number) => {
    const b = Buffer.alloc(16);
    for (let i = 0; i < 4; i++) b.writeUInt32LE(k, i * 4);
    code.push(...simd(V_CONST), ...b);
  };

  for (let r = 0; r < 4; r++) {
    get(pState);
    mem(V_LOAD, r * 16);
    set(A + r);
  }
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  get(pN);
  code.push(I32_EQZ, 0x0d, 1); // br_if to the block's end
  // the 16 message words of the four lanes, transposed 4 x 4 at a time
  for (let g = 0; g < 4; g++) {
    for (let l = 0; l < 4; l++) {
      get(1 + l);
      mem(V_LOAD, g * 16);
      set(T + l);
    }
    const pairs: [number, number, number[], number][] = [
      [T, T + 1, [0, 4, 1, 5], T + 4],
      [T, T + 1, [2, 6, 3, 7], T + 5],
      [T + 2, T + 3, [0, 4, 1, 5], T + 6],
      [T + 2, T + 3, [2, 6, 3, 7], T + 7],
      [T + 4, T + 6, [0, 1, 4, 5], M + g * 4],
      [T + 4, T + 6, [2, 3, 6, 7], M + g * 4 + 1],
      [T + 5, T + 7, [0, 1, 4, 5], M + g * 4 + 2],
      [T + 5, T + 7, [2, 3, 6, 7], M + g * 4 + 3],
    ];
    for (const [x, y, lanes, to] of pairs) {
      get(x);
      get(y);
      shuffle(lanes);
      set(to);
    }
  }
  for (let r = 0; r < 4; r++) {
    get(A + r);
    set(SAVED + r);
  }
  // 64 steps: a = b + rotl(a + f(b, c, d) + K[i] + M[word(i)], s), then (a, b, c, d) = (d, a, b, c)
  let [a, b, c, d] = [A, B, C, D];
  for (let i = 0; i < 64; i++) {
    const round = i >> 4;
    get(a);
    if (round === 0) {
      get(c); // F = (b & c) | (~b & d)
      get(d);
      get(b);
      op(V_BITSELECT);
    } else if (round === 1) {
      get(b); // G = (b & d) | (c & ~d)
      get(c);
      get(d);
      op(V_BITSELECT);
    } else if (round === 2) {
      get(b); // H = b ^ c ^ d
      get(c);
      op(V_XOR);
      get(d);
      op(V_XOR);
    } else {
      get(c); // I = c ^ (b | ~d)
      get(b);
      get(d);
      op(V_NOT);
      op(V_OR);
      op(V_XOR);
    }
    op(I32X4_ADD);
    splat(K[i]!);
    op(I32X4_ADD);
    get(M + word(i));
    op(I32X4_ADD);
    const s = SHIFTS[round]![i & 3]!;
    code.push(LOCAL_TEE, ...uleb(X), I32_CONST, ...sleb(s));
    op(I32X4_SHL);
    get(X);
    code.push(I32_CONST, ...sleb(32 - s));
    op(I32X4_SHR_U);
    op(V_OR);
    get(b);
    op(I32X4_ADD);
    set(a);
    [a, b, c, d] = [d, a, b, c];
  }
  for (let r = 0; r < 4; r++) {
    get(A + r);
    get(SAVED + r);
    op(I32X4_ADD);
    set(A + r);
  }
  for (let l = 1; l <= 4; l++) {
    get(l);
    code.push(I32_CONST, ...sleb(64), I32_ADD);
    set(l);
  }
  get(pN);
  code.push(I32_CONST, 1, I32_SUB);
  set(pN);
  code.push(0x0c, 0, 0x0b, 0x0b); // br to the loop, end loop, end block
  for (let r = 0; r < 4; r++) {
    get(pState);
    get(A + r);
    mem(V_STORE, r * 16);
  }
  code.push(0x0b);

  const locals = [1, ...uleb(33), 0x7b]; // 33 v128 locals
  const body = [...locals, ...code];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, ...str('m'), ...str('mem'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('md5x4'), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ];
  return new Uint8Array(bytes);
}

let compiled: WasmModule | null | undefined;

/** The kernel, compiled once per thread; null where WebAssembly SIMD is missing (an old CPU or runtime). */
export function md5Kernel(): WasmModule | null {
  if (compiled === undefined) {
    try {
      const bytes = kernel();
      compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** The kernel unless HAUL_MD5=openssl asks for OpenSSL's MD5 (to compare, or to test that path). */
export function simdMd5(): WasmModule | null {
  return process.env.HAUL_MD5 === 'openssl' ? null : md5Kernel();
}

/** A shared memory for the ring and the kernels' scratch: `bytes` rounded up to 64 KiB pages. */
export function sharedMemory(bytes: number): WasmMemory {
  const pages = Math.ceil(bytes / 65536);
  if (!wasm) return { buffer: new SharedArrayBuffer(pages * 65536) };
  return new wasm.Memory({ initial: pages, maximum: pages, shared: true });
}

const WIDTH = 4;
/** bytes of scratch one `Md5Lanes` needs in the memory: the four states, then each lane's padded tail */
export const LANES_SCRATCH = 64 + WIDTH * 128;
/**
 * Chunks a lane runs in one kernel call at most (256 KiB): a piece that arrives meanwhile waits no
 * longer than that for a free lane.
 */
const CALL_CHUNKS = 4096;

/** A piece of the memory to hash; `done` gets its digest. */
export interface Piece {
  offset: number;
  length: number;
  done: (digest: Uint8Array) => void;
}

interface Lane {
  piece: Piece;
  /** where the lane's next chunk starts, and the chunks left before its tail (or of its tail) */
  at: number;
  left: number;
  /** set once the lane is on its padded tail */
  tail: boolean;
}

/**
 * Four MD5 lanes over pieces of `memory` (at `scratch`, LANES_SCRATCH bytes of its own): `add`
 * pieces of any length, `step` runs the kernel and calls each piece's `done` with its digest as
 * soon as it is known. A lane that finishes takes the next piece, so pieces of unequal length still
 * keep the lanes busy.
 */
export class Md5Lanes {
  private readonly run: (state: number, p0: number, p1: number, p2: number, p3: number, n: number) => void;
  private readonly words: Uint32Array;
  private readonly bytes: Uint8Array;
  private readonly lanes: (Lane | null)[] = Array<Lane | null>(WIDTH).fill(null);
  private readonly queue: Piece[] = [];
  private head = 0;

  constructor(
    module: WasmModule,
    memory: WasmMemory,
    private readonly scratch: number,
  ) {
    // the lanes' state is read as 32-bit words and 128-bit vectors
    if (scratch % 16) throw new Error(`Md5Lanes: the scratch offset ${scratch} is not a multiple of 16`);
    const inst = new wasm!.Instance(module, { m: { mem: memory } });
    this.run = inst.exports.md5x4 as Md5Lanes['run'];
    this.words = new Uint32Array(memory.buffer);
    this.bytes = new Uint8Array(memory.buffer);
  }

  add(piece: Piece): void {
    this.queue.push(piece);
  }

  /** Whether a piece is queued or in a lane. */
  busy(): boolean {
    return this.head < this.queue.length || this.lanes.some(Boolean);
  }

  /**
   * One kernel call (lanes without a piece run idle), or, with `all`, calls until every piece is
   * done. Pieces are taken in the order they were added.
   */
  step(all = false): void {
    do {
      let active = 0;
      for (let l = 0; l < WIDTH; l++) {
        if (!this.lanes[l] && this.head < this.queue.length) this.start(l, this.queue[this.head++]!);
        if (this.lanes[l]) active++;
      }
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      }
      if (!active) return;
      this.call();
    } while (all);
  }

  private stateWord(l: number, w: number): number {
    return this.scratch / 4 + w * 4 + l;
  }

  private start(l: number, piece: Piece): void {
    for (let w = 0; w < 4; w++) this.words[this.stateWord(l, w)] = IV[w]!;
    const lane: Lane = { piece, at: piece.offset, left: Math.floor(piece.length / 64), tail: false };
    this.lanes[l] = lane;
    if (!lane.left) this.toTail(l, lane);
  }

  /** The lane's last bytes, MD5's 0x80, zeros and the length in bits, in the lane's scratch (1 or 2 chunks). */
  private toTail(l: number, lane: Lane): void {
    const { offset, length } = lane.piece;
    const rest = length % 64;
    const at = this.scratch + 64 + l * 128;
    const chunks = rest < 56 ? 1 : 2;
    this.bytes.copyWithin(at, offset + length - rest, offset + length);
    this.bytes.fill(0, at + rest, at + chunks * 64);
    this.bytes[at + rest] = 0x80;
    const bits = length * 8;
    const end = (at + chunks * 64 - 8) / 4;
    this.words[end] = bits >>> 0;
    this.words[end + 1] = Math.floor(bits / 2 ** 32);
    lane.at = at;
    lane.left = chunks;
    lane.tail = true;
  }

  /** As many chunks as the shortest active lane has before its tail or its end (CALL_CHUNKS at most). */
  private call(): void {
    let n = CALL_CHUNKS;
    let any = 0;
    for (const lane of this.lanes) {
      if (!lane) continue;
      n = Math.min(n, lane.left);
      any = lane.at;
    }
    // an idle lane reads an active lane's chunks (its result is never read)
    const p = this.lanes.map((lane) => (lane ? lane.at : any));
    this.run(this.scratch, p[0]!, p[1]!, p[2]!, p[3]!, n);
    for (let l = 0; l < WIDTH; l++) {
      const lane = this.lanes[l];
      if (!lane) continue;
      lane.at += n * 64;
      lane.left -= n;
      if (lane.left) continue;
      if (!lane.tail) {
        this.toTail(l, lane);
        continue;
      }
      const digest = new Uint8Array(16);
      const view = new DataView(digest.buffer);
      for (let w = 0; w < 4; w++) view.setUint32(w * 4, this.words[this.stateWord(l, w)]!, true);
      this.lanes[l] = null;
      lane.piece.done(digest);
    }
  }
}

/** A digest in Base16, upper case (as the manifest and the journal write it). */
export const upperHex = (d: Uint8Array): string =>
  Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex').toUpperCase();

/**
 * Pieces read one after another into a buffer of `size` bytes and hashed four at a time once it
 * is full (or on `flush`); with no SIMD kernel, each piece is hashed by OpenSSL as it is added.
 */
export class Md5Batch {
  readonly buf: Buffer;
  private readonly lanes: Md5Lanes | undefined;
  private used = 0;

  constructor(private readonly size: number) {
    const scratch = Math.ceil(size / 16) * 16;
    const memory = sharedMemory(scratch + LANES_SCRATCH);
    this.buf = Buffer.from(memory.buffer, 0, size);
    const kernel = simdMd5();
    this.lanes = kernel ? new Md5Lanes(kernel, memory, scratch) : undefined;
  }

  /** Where in `buf` the next piece of `len` bytes (at most `size`) goes; the pieces before are hashed first when it would not fit. */
  room(len: number): number {
    if (this.used + len > this.size) this.flush();
    return this.used;
  }

  /** The `len` bytes just put where `room` said; `done` gets their MD5 (Base16, upper case). */
  add(len: number, done: (md5: string) => void): void {
    const at = this.used;
    if (!this.lanes) {
      done(
        upperHex(
          createHash('md5')
            .update(this.buf.subarray(at, at + len))
            .digest(),
        ),
      );
      return;
    }
    this.used += len;
    this.lanes.add({ offset: at, length: len, done: (d) => done(upperHex(d)) });
  }

  /** Hashes every piece added (each `done` is called) and starts the buffer afresh. */
  flush(): void {
    this.lanes?.step(true);
    this.used = 0;
  }
}

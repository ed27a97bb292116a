// Worker entry: re-reads every block of a prepared drive's files and compares each block's MD5
// with the manifest's (verify.ts sends the list; no source data is needed). Blocks are read into a
// 16 MiB batch and hashed four at a time in SIMD lanes (hash/md5Lanes.ts).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { BLOCK_SIZE } from '../../../../shared/prep/constants';
import { Md5Batch } from '../hash/md5Lanes';
import type { FromWorker, ToWorker, VerifyInit, VerifyItem } from '../threads/protocol';
import { runNicer } from '../threads/workerBoot';
import { messageOf } from '../../../../shared/messageOf';

/** Bytes read, told to the engine about ten times a second. */
class BytesRead {
  private unreported = 0;
  private lastReport = Date.now();

  constructor(private readonly post: (m: FromWorker) => void) {}

  add(n: number): void {
    this.unreported += n;
    const now = Date.now();
    if (now - this.lastReport >= 100) {
      this.post({ t: 'verify-bytes', n: this.unreported });
      this.unreported = 0;
      this.lastReport = now;
    }
  }

  /** What is left untold, told now. */
  flush(): void {
    if (this.unreported) this.post({ t: 'verify-bytes', n: this.unreported });
    this.unreported = 0;
  }
}

/** Re-reads the files' blocks into one batch and compares each MD5 with the manifest's. */
function verify(
  items: VerifyItem[],
  init: VerifyInit,
  batch: Md5Batch,
  progress: BytesRead,
  post: (m: FromWorker) => void,
): void {
  let blobs = 0;
  let blocks = 0;
  let bytes = 0;
  /** what differs, in the list's order (item, then block: a block's MD5 is known only once its batch is hashed) */
  const found: { i: number; b: number; text: string }[] = [];
  /** the files (their `rel`) with at least one mismatch */
  const failed = new Set<string>();
  let i = -1;
  const mismatch = (b: number, rel: string, message: string, at = i) => {
    found.push({ i: at, b, text: `${rel}: ${message}` });
    failed.add(rel);
  };
  for (const it of items) {
    i++;
    blobs++;
    const path = join(init.root, it.rel);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      mismatch(-1, it.rel, `the file is missing on the drive (${(e as NodeJS.ErrnoException).code})`);
      continue;
    }
    try {
      const size = fstatSync(fd).size;
      if (size !== it.length) mismatch(-1, it.rel, `the file has ${size} bytes, the manifest says ${it.length}`);
      const n = Math.ceil(it.length / BLOCK_SIZE);
      for (let b = 0; b < n; b++) {
        const len = Math.min(BLOCK_SIZE, it.length - b * BLOCK_SIZE);
        const at = batch.room(len);
        let got = 0;
        while (got < len) {
          const r = readSync(fd, batch.buf, at + got, len - got, b * BLOCK_SIZE + got);
          if (r === 0) break;
          got += r;
        }
        blocks++;
        bytes += got;
        const want = it.blocks.slice(b * 32, b * 32 + 32);
        const item = i;
        const wrong = () =>
          mismatch(
            b,
            it.rel,
            `block ${b} (bytes ${b * BLOCK_SIZE}–${b * BLOCK_SIZE + len - 1}) does not match the manifest`,
            item,
          );
        if (got !== len) wrong();
        else batch.add(got, (md5) => md5 !== want && wrong());
        progress.add(got);
      }
    } catch (e) {
      mismatch(Infinity, it.rel, `reading failed (${(e as NodeJS.ErrnoException).code ?? messageOf(e)})`);
    } finally {
      closeSync(fd);
    }
  }
  batch.flush();
  progress.flush();
  post({
    t: 'verify-done',
    blobs,
    blocks,
    bytes,
    mismatches: found.sort((x, y) => x.i - y.i || x.b - y.b).map((f) => f.text),
    failed: items.map((it) => it.rel).filter((rel) => failed.has(rel)),
  });
}

runNicer();
const init = workerData as VerifyInit;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const batch = new Md5Batch(4 * BLOCK_SIZE);
const progress = new BytesRead(post);
port.on('message', (m: ToWorker) => {
  if (m.t === 'verify') verify(m.items, init, batch, progress, post);
});

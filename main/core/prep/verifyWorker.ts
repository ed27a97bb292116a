// Worker entry: re-reads every block of a prepared drive's files and compares each block's MD5
// with the manifest's (verify.ts sends the list; no source data is needed).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { BLOCK_SIZE } from '../../../shared/prep/constants';
import type { FromWorker, ToWorker, VerifyInit, VerifyItem } from './protocol';
import { runNicer } from './workerBoot';

runNicer();
const init = workerData as VerifyInit;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const buf = Buffer.allocUnsafe(BLOCK_SIZE);

let unreported = 0;
let lastReport = Date.now();
function progress(n: number): void {
  unreported += n;
  const now = Date.now();
  if (now - lastReport >= 100) {
    post({ t: 'verify-bytes', n: unreported });
    unreported = 0;
    lastReport = now;
  }
}

function verify(items: VerifyItem[]): void {
  let blobs = 0;
  let blocks = 0;
  let bytes = 0;
  const mismatches: string[] = [];
  /** the files (their `rel`) with at least one mismatch */
  const failed: string[] = [];
  for (const it of items) {
    blobs++;
    const before = mismatches.length;
    const path = join(init.root, it.rel);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      mismatches.push(`${it.rel}: the file is missing on the drive (${(e as NodeJS.ErrnoException).code})`);
      failed.push(it.rel);
      continue;
    }
    try {
      const size = fstatSync(fd).size;
      if (size !== it.length) mismatches.push(`${it.rel}: the file has ${size} bytes, the manifest says ${it.length}`);
      const n = Math.ceil(it.length / BLOCK_SIZE);
      for (let b = 0; b < n; b++) {
        const len = Math.min(BLOCK_SIZE, it.length - b * BLOCK_SIZE);
        let got = 0;
        while (got < len) {
          const r = readSync(fd, buf, got, len - got, b * BLOCK_SIZE + got);
          if (r === 0) break;
          got += r;
        }
        blocks++;
        bytes += got;
        const h = createHash('md5').update(buf.subarray(0, got)).digest('hex').toUpperCase();
        if (got !== len || h !== it.blocks.slice(b * 32, b * 32 + 32))
          mismatches.push(
            `${it.rel}: block ${b} (bytes ${b * BLOCK_SIZE}–${b * BLOCK_SIZE + len - 1}) does not match the manifest`,
          );
        progress(got);
      }
    } catch (e) {
      mismatches.push(`${it.rel}: reading failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    } finally {
      closeSync(fd);
    }
    if (mismatches.length > before) failed.push(it.rel);
  }
  if (unreported) post({ t: 'verify-bytes', n: unreported });
  unreported = 0;
  post({ t: 'verify-done', blobs, blocks, bytes, mismatches, failed });
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'verify') verify(m.items);
});

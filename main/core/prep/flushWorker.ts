// Worker entry: flushes big files to the disk while a copy worker writes them (fdatasync every
// 64 MiB), so the copy never waits for the disk except at a file's end (hashRing.ts, Flusher).
import { fdatasyncSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import type { FlusherInit } from './hashRing';
import { runNicer } from './workerBoot';

runNicer();
const c = new Int32Array((workerData as FlusherInit).ctrl);
for (;;) {
  const done = Atomics.load(c, 2);
  if (Atomics.load(c, 0) === done) {
    Atomics.wait(c, 0, done);
    continue;
  }
  try {
    fdatasyncSync(Atomics.load(c, 1));
  } catch {
    /* the copy thread's own fsync at the file's end reports errors */
  }
  Atomics.store(c, 2, done + 1);
  Atomics.notify(c, 2);
}

// Worker entry: writes a copy worker's data to the disk while the copy goes on (flusher.ts,
// Flusher): a big file every 64 MiB (fdatasync), so the copy never waits for the disk except at a
// file's end, and each batch of small files with one syncfs while the next batch is copied.
import { fdatasyncSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { FDATASYNC, syncfs, SyncfsServer, type FlusherInit } from './flusher';
import { runNicer } from '../threads/workerBoot';

runNicer();
const init = workerData as FlusherInit;
const c = new Int32Array(init.ctrl);
// started now, while the process is small and the copy has not begun (it forks once)
const server = SyncfsServer.start(init.root);
for (;;) {
  const done = Atomics.load(c, 2);
  if (Atomics.load(c, 0) === done) {
    Atomics.wait(c, 0, done);
    continue;
  }
  if (Atomics.load(c, 3) === FDATASYNC) {
    try {
      fdatasyncSync(Atomics.load(c, 1));
    } catch {
      /* the copy thread's own fsync at the file's end reports errors */
    }
  } else {
    Atomics.store(c, 4, server ? server.syncfs() : syncfs(init.root));
  }
  Atomics.store(c, 2, done + 1);
  Atomics.notify(c, 2);
}

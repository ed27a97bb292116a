// The flusher: a copy worker's data written to the disk while the copy goes on, so the copy never
// waits for the disk except at a file's end. The copy thread's side is `Flusher`; the flusher
// thread's is flushWorker.ts, which runs each request: a big file's fdatasync every 64 MiB, or one
// syncfs of the drive per batch of small files (through `SyncfsServer`, one small shell started once).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { siblingWorker, startWorker } from '../threads/workerBoot';

/** flusher control: [0] requests, [1] fd, [2] done, [3] what (FDATASYNC, SYNCFS), [4] the last syncfs's exit status */
export interface FlusherInit {
  ctrl: SharedArrayBuffer;
  /** the drive's root: what a syncfs flushes */
  root: string;
}
export const FDATASYNC = 1;
export const SYNCFS = 2;

/** Whether `syncfs` works here (Linux with coreutils' sync). */
export function canSyncfs(): boolean {
  return process.platform === 'linux' && spawnSync('sync', ['--help'], { stdio: 'ignore' }).status === 0;
}

/** syncfs(2) of the file system under `path` (`sync -f`, coreutils); its exit status. */
export function syncfs(path: string): number {
  return spawnSync('sync', ['-f', path], { stdio: 'ignore' }).status ?? 1;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

const FOLDER_PREFIX = 'haul-syncfs-';

/** FIFO folders of processes that are gone (killed between making the folder and removing it). */
function removeLeftFolders(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^haul-syncfs-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * syncfs(2) of one drive, many times, without forking this process each time: starting `sync`
 * forks the whole process (about 20 ms for one of 300 MB, its page tables copied while every
 * thread's page faults wait, its pages copied on write after), and the copy runs one every 64 MiB
 * of small files. One small shell, started once, runs `sync -f` for each request it reads from a
 * FIFO and answers the exit status on another. `start` gives undefined where that cannot be set
 * up (no mkfifo, no sh): the caller starts `sync` itself then.
 *
 * Nothing outlives this process, even killed with -9: every end of both FIFOs is opened here,
 * before the shell exists (a read-write open of each FIFO first lets the others return at once), and
 * the shell is given its two ends as its standard input and output; so no open ever waits on a
 * process that may already be gone. This process holds the only write end of the requests: when
 * it ends, however, the shell reads the end of its requests and exits (or dies of SIGPIPE
 * answering). The FIFOs' folder (named with this pid) goes as soon as they are open, and a folder
 * a killed process left is removed by the next start.
 */
export class SyncfsServer {
  private constructor(
    private readonly req: number,
    private readonly resp: number,
  ) {}

  static start(root: string): SyncfsServer | undefined {
    removeLeftFolders();
    const dir = mkdtempSync(join(tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
    const opened: number[] = [];
    const open = (path: string, flags: number) => {
      const fd = openSync(path, flags);
      opened.push(fd);
      return fd;
    };
    const close = (fd: number) => {
      opened.splice(opened.indexOf(fd), 1);
      closeSync(fd);
    };
    try {
      const reqPath = join(dir, 'req');
      const respPath = join(dir, 'resp');
      if (spawnSync('mkfifo', [reqPath, respPath], { stdio: 'ignore' }).status !== 0) return undefined;
      const reqHold = open(reqPath, constants.O_RDWR);
      const req = open(reqPath, constants.O_WRONLY);
      const shellIn = open(reqPath, constants.O_RDONLY);
      const respHold = open(respPath, constants.O_RDWR);
      const resp = open(respPath, constants.O_RDONLY | constants.O_NONBLOCK);
      const shellOut = open(respPath, constants.O_WRONLY);
      close(reqHold);
      close(respHold);
      rmSync(dir, { recursive: true, force: true });
      const script = 'echo ready; while read -r _; do sync -f "$1"; echo $?; done';
      const child = spawn('sh', ['-c', script, 'sh', root], { stdio: [shellIn, shellOut, 'ignore'] });
      child.on('error', () => undefined);
      child.unref();
      close(shellIn);
      close(shellOut);
      const server = new SyncfsServer(req, resp);
      if (server.answer(Date.now() + 3000) !== 'ready') throw new Error('no answer');
      return server;
    } catch {
      for (const fd of [...opened]) close(fd);
      return undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The exit status of one `sync -f` of the drive (1 when the shell is gone). */
  syncfs(): number {
    try {
      writeSync(this.req, 'x\n');
      const a = this.answer();
      return a === '0' ? 0 : 1;
    } catch {
      return 1;
    }
  }

  /** The next line the shell writes; undefined once it is gone (or, with `until`, not there by then). */
  private answer(until = Infinity): string | undefined {
    const buf = Buffer.alloc(64);
    let line = '';
    for (;;) {
      let n = -1; // -1: nothing yet (EAGAIN); 0: no writer (the shell is gone, or not there yet)
      try {
        n = readSync(this.resp, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return undefined;
      }
      if (n > 0) {
        line += buf.toString('latin1', 0, n);
        const nl = line.indexOf('\n');
        if (nl >= 0) return line.slice(0, nl);
        continue;
      }
      if (n === 0 && until === Infinity) return undefined;
      if (Date.now() > until) return undefined;
      Atomics.wait(sleeper, 0, 0, 2);
    }
  }
}

/** The same off the event loop. */
export function syncfsAsync(path: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('sync', ['-f', path], { stdio: 'ignore' });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/**
 * When the small files reported but not yet on the disk ("behind") get their syncfs. The kernel
 * writes a copy's pages back only when told (or past gigabytes of them, or after 30 s), so a
 * drive sits idle until the first syncfs: on a drive at a hard drive's speed, every second it
 * waits at the start is a second added at the end. So the first syncfs starts at 4 MiB, and the
 * drive is kept writing: the next starts as soon as the one before ended and 4 MiB wait, at most
 * one every 100 ms (each is a `sync` started and a journal commit on a fast drive). Past 64 MiB
 * or a second waiting, one is due whatever runs (the copy then waits for the running one only
 * past its limit of unflushed data).
 */
export const BEHIND_SOON_BYTES = 4 * 1024 * 1024;
export const BEHIND_SOON_MS = 100;
export const BEHIND_BYTES = 64 * 1024 * 1024;
export const BEHIND_MS = 1000;

export interface BehindState {
  /** bytes and files reported, not flushed, not in the running syncfs */
  bytes: number;
  files: number;
  /** when the first of them was reported */
  since: number;
  /** whether a syncfs runs */
  syncing: boolean;
  /** when the last syncfs started (0: none yet) */
  lastStart: number;
}

/** Whether a syncfs of what waits is due now (BEHIND_SOON_BYTES above). */
export function syncfsDue(b: BehindState, now: number): boolean {
  if (!b.files) return false;
  if (b.bytes >= BEHIND_BYTES || now - b.since > BEHIND_MS) return true;
  return !b.syncing && b.bytes >= BEHIND_SOON_BYTES && now - b.lastStart >= BEHIND_SOON_MS;
}

/**
 * The copy thread's side of the flusher (flushWorker.ts), which writes data to the disk while the
 * copy goes on: big files every 64 MiB (fdatasync) and batches of small files (one syncfs).
 */
export class Flusher {
  private readonly sab = new SharedArrayBuffer(5 * 4);
  private readonly ctrl = new Int32Array(this.sab);
  private worker?: Worker;

  start(self: string, root: string): Worker {
    this.worker ??= startWorker(siblingWorker('flushWorker', self), { ctrl: this.sab, root } satisfies FlusherInit);
    this.worker.unref();
    return this.worker;
  }

  stop(): void {
    if (this.worker) void this.worker.terminate();
  }

  busy(): boolean {
    return Atomics.load(this.ctrl, 0) !== Atomics.load(this.ctrl, 2);
  }

  /** Asks the flusher to start writing this file to the disk; never waits (skipped while it is busy). */
  flushSoon(fd: number): void {
    if (this.busy()) return;
    this.request(FDATASYNC, fd);
  }

  /** Starts a syncfs of the drive (after whatever the flusher is doing); `syncfsStatus` tells how it ended. */
  syncfsSoon(): void {
    this.idle();
    this.request(SYNCFS, -1);
  }

  /** The exit status of the last syncfs (0: flushed); call after `idle`. */
  syncfsStatus(): number {
    return Atomics.load(this.ctrl, 4);
  }

  /** Waits until the flusher is done with whatever it was flushing (before a file is closed). */
  idle(): void {
    for (;;) {
      const done = Atomics.load(this.ctrl, 2);
      if (Atomics.load(this.ctrl, 0) === done) return;
      Atomics.wait(this.ctrl, 2, done, 1000);
    }
  }

  private request(what: number, fd: number): void {
    Atomics.store(this.ctrl, 1, fd);
    Atomics.store(this.ctrl, 3, what);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
  }
}

// Drive scheduling: one copy worker per drive, fed chunks of the plan so one always waits; a full
// drive hands what it could not take to drives with room; a pulled drive or a failing one stops
// alone; Cancel stops them all cleanly. Finished files are journaled a slice per event-loop turn,
// so the main thread (and the app's UI) keeps running.
import { rmSync, statSync, statfsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { DatasetEntry } from '../../../../shared/formats/dataset';
import { BLOCK_SIZE } from '../../../../shared/prep/constants';
import type { DriveProgress, PrepEvent } from '../../../../shared/prep/types';
import { formatBytes } from '../../../../shared/prep/names';
import type { TargetInfo } from '../../drives/target';
import type { FileTable } from '../plan/fileTable';
import type { Journal, JournalRecord } from '../journal/journal';
import { syncfsAsync } from '../flush/flusher';
import { fileCost } from '../plan/plan';
import { sidecarFields } from '../drive-format/sidecars';
import type { CopyResult, CopyTask, FromWorker, WorkerInit } from '../threads/protocol';
import { startWorker } from '../threads/workerBoot';

const CHUNK_FILES = 512;
/** journaling on the engine's thread, per turn of its event loop */
const JOURNAL_MS = 3;
const CHUNK_BYTES = 256 * 1024 * 1024;

/**
 * The files waiting for one drive's worker, first in, first out. (`Array.prototype.shift` moves
 * the whole array once it is too long to trim in place: a million files took 53 s of the engine's
 * thread, 20,000 took 30 ms.)
 */
export class FileQueue {
  private ids: number[] = [];
  private head = 0;

  get length(): number {
    return this.ids.length - this.head;
  }

  push(id: number): void {
    this.ids.push(id);
  }

  shift(): number | undefined {
    if (this.head >= this.ids.length) return undefined;
    const id = this.ids[this.head++];
    // what was taken goes once it is half the array: each file is moved at most once more
    if (this.head >= 4096 && this.head * 2 >= this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.head = 0;
    }
    return id;
  }

  /** Takes every file still waiting, in order. */
  takeAll(): number[] {
    const rest = this.ids.slice(this.head);
    this.ids = [];
    this.head = 0;
    return rest;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let k = this.head; k < this.ids.length; k++) yield this.ids[k]!;
  }
}

export interface DriveRun {
  index: number;
  info: TargetInfo;
  bitLockerKey: string;
  rootDev: number;
  worker?: Worker;
  state: DriveProgress['state'];
  queue: FileQueue;
  outstanding: Set<number>;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  /** bytes of this session already on the drive before this run */
  doneBefore: number;
  /** write-behind places of the files the worker reported unflushed, oldest first, until `synced` */
  behindQ: number[];
  /** the copy worker has ended */
  ended?: Promise<void>;
  /** why the drive took no more, as it was when it filled ("is full", "can hold no more files: …") */
  fullWhy?: string;
  /** the worker's `reading` (WorkerInit): which file each of its copiers reads now */
  reading?: Int32Array;
  /** when the worker last said it copied bytes or files */
  heardAt?: number;
  /** per copier: the file it was seen reading, and since when */
  seen?: ({ id: number; since: number } | undefined)[];
}

export interface FailedFile {
  source: string;
  code: string;
  message: string;
}

/** A drive's copy worker started ahead of the scheduler (while the scan runs), and what went wrong meanwhile. */
export interface StartedWorker {
  worker: Worker;
  rootDev: number;
  errors: Error[];
  reading: Int32Array;
}

/** A read that gives no byte for this long is reported by the file's name, and its drive goes on without it. */
export const STUCK_READ_MS = Number(process.env.HAUL_STUCK_READ_MS) || 60_000;

/** Copy workers left behind, each stuck in a read of its source that never came back. */
let hung = 0;
/**
 * How many copy workers are stuck in a source read. Node waits for every thread before a process
 * exits, and a thread stuck in a read never ends: while this is not 0 the process must end itself
 * by a signal (the CLI does), or it never exits.
 */
export function hungReads(): number {
  return hung;
}

/**
 * Starts a drive's copy worker (with its hashers and flusher): it boots while the engine scans and
 * plans. `drives`: how many are copied at once; each drive's blocks get two hashers where the
 * machine has two cores or more per drive (one hasher's MD5 is the limit of a big file's copy).
 */
export function startCopyWorker(url: URL, info: TargetInfo, maxRate: number, drives: number): StartedWorker {
  const rootDev = statSync(info.path).dev;
  const hashers = availableParallelism() >= 2 * drives ? 2 : 1;
  const reading = new SharedArrayBuffer(2 * 4);
  const worker = startWorker(url, { root: info.path, rootDev, maxRate, hashers, reading } satisfies WorkerInit);
  const started: StartedWorker = { worker, rootDev, errors: [], reading: new Int32Array(reading) };
  worker.on('error', (e) => started.errors.push(e)); // until the scheduler listens
  return started;
}

export interface ScheduleInput {
  table: FileTable;
  entries: DatasetEntry[];
  session: string;
  journal: Journal;
  infos: TargetInfo[];
  bitLockerKeys: string[];
  copyWorker: URL;
  maxRate: number;
  /** copy workers started ahead, by target (the others are started here) */
  started?: (StartedWorker | undefined)[];
  signal?: AbortSignal;
  emit: (e: PrepEvent) => void;
}

export class DriveScheduler {
  readonly runs: DriveRun[];
  readonly failed: FailedFile[] = [];
  readonly notPlaced: number[] = [];
  filesCopied = 0;
  bytesCopied = 0;
  /** bytes of the files still to copy (a file that cannot be read is taken out) */
  totalBytes: number;
  readonly totalFiles: number;
  stopped = false;
  private readonly workers: Worker[] = [];
  /**
   * Records to journal, in order: finished files (`q`: the file's write-behind place when it was
   * reported before its data was flushed) and the `synced` confirmations that follow them.
   */
  private readonly toJournal: ({ r: DriveRun; res: CopyResult; q?: number } | { synced: JournalRecord })[] = [];
  private journalScheduled = false;
  private lastSync = Date.now();

  constructor(private readonly input: ScheduleInput) {
    const { table, infos } = input;
    this.runs = infos.map((info, index) => ({
      index,
      info,
      bitLockerKey: input.bitLockerKeys[index] ?? '',
      rootDev: statSync(info.path).dev,
      state: 'waiting',
      queue: new FileQueue(),
      outstanding: new Set(),
      bytesDone: 0,
      bytesTotal: 0,
      filesDone: 0,
      filesTotal: 0,
      doneBefore: 0,
      behindQ: [],
    }));
    for (let i = 0; i < table.count; i++) {
      if (table.flags[i] || table.drive[i] === 255) continue;
      const r = this.runs[table.drive[i]!]!;
      r.queue.push(i);
      r.bytesTotal += table.size(i);
      r.filesTotal++;
    }
    this.totalBytes = this.runs.reduce((s, r) => s + r.bytesTotal, 0);
    this.totalFiles = this.runs.reduce((s, r) => s + r.filesTotal, 0);
    // The copy workers (each with its hashers and flusher) boot ahead (see `startCopyWorker`), or
    // now, while the engine writes the drive headers: a worker takes tens of milliseconds to start.
    for (const r of this.runs) {
      let s = input.started?.[r.index];
      if (s && s.rootDev !== r.rootDev) {
        void s.worker.terminate(); // another drive is mounted there now: its worker would stop at once
        s = undefined;
      }
      s ??= startCopyWorker(input.copyWorker, r.info, input.maxRate, input.infos.length);
      const early: FromWorker[] = [];
      this.handlers.set(r, (m) => early.push(m));
      this.attach(r, s);
      this.early.set(r, early);
    }
  }

  /** Makes `s` the drive's worker: its messages go to the drive's handler, a crash stops the drive. */
  private attach(r: DriveRun, s: StartedWorker): void {
    const w = s.worker;
    this.workers.push(w);
    r.worker = w;
    r.reading = s.reading;
    r.seen = [];
    r.heardAt = Date.now();
    r.ended = new Promise((resolveEnded) => w.once('exit', () => resolveEnded()));
    const failed = (e: Error) => {
      if (r.worker !== w) return;
      this.handlers.get(r)!({
        t: 'target-error',
        returned: [...r.outstanding],
        code: 'EWORKER',
        message: `the copy stopped: ${e.message}`,
      });
    };
    w.on('message', (m: FromWorker) => {
      if (r.worker === w) this.handlers.get(r)!(m);
    });
    w.on('error', failed);
    for (const e of s.errors) failed(e);
  }

  /** Where each worker's messages go: kept for `run` until it starts. */
  private readonly handlers = new Map<DriveRun, (m: FromWorker) => void>();
  private readonly early = new Map<DriveRun, FromWorker[]>();

  /** Per drive, for the progress event; the current file is the oldest one a worker holds. */
  driveProgress(): DriveProgress[] {
    const { table } = this.input;
    return this.runs.map((r) => {
      const p: DriveProgress = {
        driveId: r.info.driveId,
        target: r.info.path,
        bytesDone: r.bytesDone,
        bytesTotal: r.bytesTotal,
        filesDone: r.filesDone,
        filesTotal: r.filesTotal,
        state: r.state,
      };
      if (r.state === 'copying') {
        let first = -1;
        for (const i of r.outstanding) {
          if (first < 0 || i < first) first = i;
        }
        if (first >= 0) p.currentFile = table.source(first);
      }
      return p;
    });
  }

  bytesDone(): number {
    return this.runs.reduce((s, r) => s + r.bytesDone, 0);
  }

  /** Ends every worker (on any way out). */
  terminate(): void {
    for (const w of this.workers) void w.terminate();
  }

  /** Copies until every drive is done, full, removed or failed, or the signal stops it. */
  run(): Promise<void> {
    const { table, journal, signal, emit } = this.input;
    const runs = this.runs;
    return new Promise<void>((resolveAll) => {
      let settled = false;
      const active = (r: DriveRun) =>
        r.state === 'copying' || r.state === 'waiting' || (r.state === 'full' && r.outstanding.size > 0);
      /** Ends the copy once no drive has work left; idle workers stay until then to take moved files. */
      const checkAll = () => {
        if (settled || runs.some(active)) return;
        settled = true;
        clearInterval(watch);
        signal?.removeEventListener('abort', onAbort);
        for (const r of runs) {
          if (r.worker) {
            r.worker.postMessage({ t: 'finish' });
            r.worker = undefined;
          }
        }
        resolveAll();
      };
      const stopDrive = (r: DriveRun) => {
        if (r.worker) {
          void r.worker.terminate();
          r.worker = undefined;
        }
      };
      // bytes of the files this drive has finished (what survives when the rest is taken back)
      const bytesOnDrive = (r: DriveRun) =>
        journal
          .filesOnDrive(r.info.driveId)
          .filter((f) => f.s === this.input.session)
          .reduce((s, f) => s + f.size, 0) - r.doneBefore;

      const onAbort = () => {
        this.stopped = true;
        this.journalSome(Infinity);
        // small files are written in place: those a stopped worker had not reported go, once it has ended
        const ending: Promise<number>[] = [];
        const unreported: string[] = [];
        for (const r of runs) {
          if (!active(r) && !r.worker) continue;
          for (const i of r.outstanding)
            if (table.size(i) < BLOCK_SIZE) unreported.push(join(r.info.path, this.taskOf(i).rel));
          const ids = new Set([...r.outstanding, ...r.queue.takeAll()]);
          r.outstanding.clear();
          if (r.worker) ending.push(r.worker.terminate());
          stopDrive(r);
          if (active(r)) r.state = 'stopped';
          r.bytesDone = bytesOnDrive(r);
          for (const i of ids)
            this.failed.push({
              source: table.source(i),
              code: 'ESTOPPED',
              message: 'not copied yet: the copy was stopped',
            });
        }
        // a worker stuck in a source read never ends: what it had is removed after a few seconds all the same
        void Promise.race([Promise.allSettled(ending), new Promise((res) => setTimeout(res, 5000))]).then(() => {
          for (const f of unreported) rmSync(f, { force: true });
          checkAll();
        });
      };
      if (signal?.aborted) queueMicrotask(onAbort);
      else signal?.addEventListener('abort', onAbort, { once: true });

      const journalSlice = () => {
        this.journalScheduled = false;
        this.journalTurn();
        if (this.toJournal.length) {
          this.journalScheduled = true;
          setImmediate(journalSlice);
        }
      };
      const onMessage = (r: DriveRun, m: FromWorker) => {
        if (m.t === 'bytes' || m.t === 'done') r.heardAt = Date.now();
        switch (m.t) {
          case 'bytes':
            r.bytesDone += m.n;
            break;
          case 'done': {
            // Counted now; journaled a slice per event-loop turn, so timers and the UI keep running.
            for (const res of m.results) {
              const counted = r.outstanding.delete(res.id);
              // in the worker's order, so its `synced` count maps onto places (-1: not journaled)
              const q = m.behind && counted ? this.input.journal.nextQ(r.info.driveId) : -1;
              if (m.behind) r.behindQ.push(q);
              if (!counted) continue;
              r.filesDone++;
              this.filesCopied++;
              this.bytesCopied += res.size;
              this.toJournal.push({ r, res, ...(q >= 0 ? { q } : {}) });
            }
            if (!this.journalScheduled && this.toJournal.length) {
              this.journalScheduled = true;
              setImmediate(journalSlice);
            }
            break;
          }
          case 'synced': {
            // journaled after every record the worker reported before it, in their turn
            const covered = r.behindQ.splice(0, m.n).filter((q) => q >= 0);
            if (covered.length) {
              this.toJournal.push({ synced: { t: 'synced', drive: r.info.driveId, q: Math.max(...covered) } });
              if (!this.journalScheduled) {
                this.journalScheduled = true;
                setImmediate(journalSlice);
              }
            }
            break;
          }
          case 'source-error': {
            r.outstanding.delete(m.id);
            r.bytesTotal -= table.size(m.id);
            r.filesTotal--;
            this.totalBytes -= table.size(m.id);
            this.failed.push({ source: table.source(m.id), code: m.code, message: m.message });
            emit({
              type: 'file-error',
              source: table.source(m.id),
              driveId: r.info.driveId,
              code: m.code,
              message: m.message,
            });
            break;
          }
          case 'full': {
            this.journalSome(Infinity);
            // the worker returns what it had; anything still queued here was never sent
            const ids = [...new Set([...m.returned.filter((i) => r.outstanding.has(i)), ...r.queue.takeAll()])];
            for (const i of m.returned) r.outstanding.delete(i);
            r.state = 'full';
            r.fullWhy = fullWhy(r.info.path);
            // bytes of returned files that were partly counted are not copied: take them back
            r.bytesDone = Math.min(r.bytesDone, bytesOnDrive(r));
            const moved = this.reassign(r, ids);
            const left = ids.length - moved;
            const s = (n: number) => (n === 1 ? '' : 's');
            // Files the worker still had come back after this: how many need another drive is
            // counted once, at the end, not here.
            emit({
              type: 'drive-full',
              driveId: r.info.driveId,
              target: r.info.path,
              movedFiles: moved,
              message: `Drive ${r.info.driveId} (${r.info.path}) ${r.fullWhy}; ${moved} file${s(moved)} moved to the other drives${left ? '; the files that fit on no drive need another one (counted when the copy ends): add one and resume to copy them' : ''}.`,
            });
            if (r.outstanding.size === 0) stopDrive(r);
            checkAll();
            break;
          }
          case 'returned': {
            const ids = m.returned.filter((i) => r.outstanding.delete(i));
            if (r.state === 'full') this.reassign(r, ids);
            if (r.outstanding.size === 0 && !active(r)) stopDrive(r);
            checkAll();
            break;
          }
          case 'removed':
          case 'target-error': {
            this.journalSome(Infinity);
            if (r.state === 'removed' || r.state === 'failed') break;
            const ids = new Set([...m.returned, ...r.outstanding, ...r.queue.takeAll()]);
            r.outstanding.clear();
            r.bytesDone = bytesOnDrive(r);
            stopDrive(r);
            const s = ids.size === 1 ? '' : 's';
            if (m.t === 'removed') {
              r.state = 'removed';
              for (const i of ids)
                this.failed.push({
                  source: table.source(i),
                  code: 'EREMOVED',
                  message: `not copied: the drive ${r.info.driveId} was removed`,
                });
              emit({
                type: 'drive-removed',
                driveId: r.info.driveId,
                target: r.info.path,
                message: `The drive was removed (${r.info.driveId} at ${r.info.path}); ${ids.size} file${s} not copied. Plug it back in and resume to continue.`,
              });
            } else {
              r.state = 'failed';
              for (const i of ids)
                this.failed.push({ source: table.source(i), code: m.code, message: `not copied: ${m.message}` });
              emit({
                type: 'file-error',
                source: r.info.path,
                driveId: r.info.driveId,
                code: m.code,
                message: `Writing to drive ${r.info.driveId} failed: ${m.message}. The drive may be failing; check it, then resume.`,
              });
            }
            checkAll();
            break;
          }
          case 'more': {
            if (r.state === 'copying') this.sendChunk(r);
            break;
          }
          case 'idle': {
            if (r.state !== 'copying') break;
            if (!this.sendChunk(r) && r.outstanding.size === 0) {
              r.state = 'done';
              checkAll();
            }
            break;
          }
          default:
            break;
        }
      };

      /**
       * A read of a source that gives no byte for STUCK_READ_MS (a network or FUSE source that
       * stopped answering): the file is named and left out, and the drive goes on with a new worker.
       * The old one stays stuck in its read; it is let go (it holds nothing the copy needs: what it
       * reported is journaled, what it wrote behind is flushed here).
       */
      const stuckReads = (r: DriveRun, now: number) => {
        if (!r.reading || !r.worker || r.state !== 'copying') return;
        const seen = (r.seen ??= []);
        const stuck: number[] = [];
        for (let slot = 0; slot < 2; slot++) {
          const id = Atomics.load(r.reading, slot) - 1;
          if (id < 0) {
            seen[slot] = undefined;
            continue;
          }
          const was = seen[slot];
          if (was?.id !== id) {
            seen[slot] = { id, since: now };
            continue;
          }
          // the copy worker's big files say how their bytes go; the second copier's small files take a moment each
          const quiet = slot === 1 || now - (r.heardAt ?? 0) > STUCK_READ_MS;
          if (now - was.since > STUCK_READ_MS && quiet && r.outstanding.has(id)) stuck.push(id);
        }
        if (!stuck.length) return;
        this.journalSome(Infinity);
        const old = r.worker;
        old.removeAllListeners('message');
        old.unref();
        hung++;
        old.once('exit', () => hung--);
        void old.terminate();
        for (const id of stuck) {
          r.outstanding.delete(id);
          r.bytesTotal -= table.size(id);
          r.filesTotal--;
          this.totalBytes -= table.size(id);
          const message = `reading ${table.source(id)} has not answered for over ${Math.round(STUCK_READ_MS / 1000)} s (a network or FUSE source that stopped answering?); it is left out and the drive's other files go on. Check the source, then resume to copy it.`;
          this.failed.push({ source: table.source(id), code: 'ESTUCK', message });
          emit({ type: 'file-error', source: table.source(id), driveId: r.info.driveId, code: 'ESTUCK', message });
        }
        // What the old worker reported written behind and had not confirmed yet: flushed and confirmed here.
        const places = r.behindQ.filter((q) => q >= 0);
        r.behindQ = [];
        if (places.length)
          void syncfsAsync(r.info.path).then((status) => {
            const q = Math.max(...places);
            if (status === 0 && q > (journal.syncedQ(r.info.driveId) ?? -1))
              journal.append([{ t: 'synced', drive: r.info.driveId, q }]);
          });
        // Everything else it held goes to a new worker (what it copied and did not report is copied again).
        const ids = [...r.outstanding, ...r.queue.takeAll()];
        r.outstanding.clear();
        for (const i of ids) r.queue.push(i);
        r.bytesDone = bytesOnDrive(r);
        this.attach(r, startCopyWorker(this.input.copyWorker, r.info, this.input.maxRate, runs.length));
        this.sendChunk(r);
        this.sendChunk(r);
      };

      // Hot-plug: a target whose device changes or disappears stops cleanly ("the drive was removed").
      const watch = setInterval(() => {
        const now = Date.now();
        for (const r of runs) stuckReads(r, now);
        for (const r of runs) {
          if (!r.worker || !active(r)) continue;
          let dev = -1;
          try {
            dev = statSync(r.info.path).dev;
          } catch {
            /* gone */
          }
          if (dev !== r.rootDev) onMessage(r, { t: 'removed', returned: [], message: 'the drive was removed' });
        }
      }, 1000);
      for (const r of runs) {
        r.doneBefore = journal
          .filesOnDrive(r.info.driveId)
          .filter((f) => f.s === this.input.session)
          .reduce((s, f) => s + f.size, 0);
        r.state = r.queue.length ? 'copying' : 'done';
        this.handlers.set(r, (m) => onMessage(r, m));
        for (const m of this.early.get(r)!.splice(0)) onMessage(r, m);
        this.sendChunk(r);
        this.sendChunk(r);
      }
      checkAll();
    }).then(async () => {
      // what is left goes in turns too (the copy can finish files faster than this thread journals them)
      for (this.journalTurn(); this.toJournal.length; this.journalTurn()) await new Promise((r) => setImmediate(r));
      journal.syncSoon();
    });
  }

  /**
   * The last flush of each drive that holds files written behind and not confirmed yet. A copy
   * worker with nothing left to copy says so and then flushes its last files, while the engine
   * builds the manifests; its `synced` confirms them, and this waits for it. What a worker that
   * was stopped (or whose flush failed) left unconfirmed is flushed here: one syncfs a drive, else
   * each file on its own; one that cannot be stays unconfirmed (a resume reads it back before it
   * counts) and is named. (Not on the engine's thread each time: starting `sync` forks the whole
   * process, about 20 ms of a 300 MB one.)
   */
  async flushBehind(): Promise<void> {
    const { journal, emit } = this.input;
    await Promise.all(
      this.runs.map(async (r) => {
        // the worker's last `synced` (it flushes right after its last files), or its end
        let ended = !r.ended;
        void r.ended?.then(() => (ended = true));
        while (!ended && r.behindQ.some((q) => q >= 0)) await new Promise((res) => setTimeout(res, 2));
        // journaled in turn
        while (this.toJournal.length) await new Promise((res) => setImmediate(res));
        const places = r.behindQ.filter((q) => q >= 0);
        r.behindQ = [];
        if (!places.length || r.state === 'removed' || r.state === 'failed') return;
        const q = Math.max(...places);
        let ok = (await syncfsAsync(r.info.path)) === 0;
        if (!ok) {
          ok = true;
          for (const f of journal.filesOnDrive(r.info.driveId)) {
            if (!journal.unconfirmed(f) || f.q! > q) continue;
            try {
              const fh = await open(join(r.info.path, f.path), 'r+');
              try {
                await fh.sync();
              } finally {
                await fh.close();
              }
            } catch (e) {
              ok = false;
              const message = `flushing ${f.path} on drive ${r.info.driveId} failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); a resume reads it back and copies it again if it is not whole`;
              this.failed.push({ source: f.src, code: 'EFLUSH', message });
              emit({ type: 'file-error', source: f.src, driveId: r.info.driveId, code: 'EFLUSH', message });
            }
          }
        }
        if (ok && q > (journal.syncedQ(r.info.driveId) ?? -1))
          journal.append([{ t: 'synced', drive: r.info.driveId, q }]);
      }),
    );
  }

  private taskOf(i: number): CopyTask {
    const { table, session } = this.input;
    return {
      id: i,
      src: table.source(i),
      rel: `${session}/${table.blobPath(i)}`,
      size: table.size(i),
      mtime: table.mtime(i),
    };
  }

  private sendChunk(r: DriveRun): boolean {
    if (!r.worker || !r.queue.length) return false;
    const tasks: CopyTask[] = [];
    let bytes = 0;
    while (r.queue.length && tasks.length < CHUNK_FILES && bytes < CHUNK_BYTES) {
      const i = r.queue.shift()!;
      tasks.push(this.taskOf(i));
      r.outstanding.add(i);
      bytes += this.input.table.size(i);
    }
    r.worker.postMessage({ t: 'tasks', tasks });
    return true;
  }

  /** Moves files a full drive could not take onto drives that still have room. */
  private reassign(from: DriveRun, ids: number[]): number {
    const { table } = this.input;
    let moved = 0;
    const room = this.runs.map((r) => {
      if (r === from || !r.worker || (r.state !== 'copying' && r.state !== 'done')) return -1;
      const fs = statfsSync(r.info.path);
      const queued = [...r.queue, ...r.outstanding].reduce(
        (s, i) => s + fileCost(table.size(i), table.blobPath(i).length),
        0,
      );
      return fs.bavail * fs.bsize - queued - 8 * 1024 * 1024;
    });
    for (const i of ids) {
      const cost = fileCost(table.size(i), table.blobPath(i).length);
      const k = room.findIndex((x) => x >= cost);
      from.bytesTotal -= table.size(i);
      from.filesTotal--;
      if (k < 0) {
        this.notPlaced.push(i);
        continue;
      }
      room[k]! -= cost;
      const to = this.runs[k]!;
      to.queue.push(i);
      to.bytesTotal += table.size(i);
      to.filesTotal++;
      moved++;
      if (to.state === 'done') {
        to.state = 'copying';
        this.sendChunk(to);
      }
    }
    return moved;
  }

  /** Journals what waits for a few milliseconds, however busy the machine: the app's UI runs on this thread. */
  private journalTurn(): void {
    const until = performance.now() + JOURNAL_MS;
    do this.journalSome(32);
    while (this.toJournal.length && performance.now() < until);
  }

  /** Journals finished files (at most `max` now). */
  private journalSome(max: number): void {
    const { table, entries, session, journal } = this.input;
    const take = this.toJournal.splice(0, Math.min(max, this.toJournal.length));
    if (!take.length) return;
    journal.append(
      take.map((t): JournalRecord => {
        if ('synced' in t) return t.synced;
        const { r, res, q } = t;
        const i = res.id;
        const entry = entries[table.entry(i)]!;
        const blob = table.blobPath(i);
        return {
          t: 'file',
          s: session,
          blob,
          src: table.source(i),
          size: res.size,
          mtime: res.mtime,
          drive: r.info.driveId,
          path: `${session}/${blob}`,
          disp: entry.disposition,
          type: entry.blobType,
          md5: res.md5,
          blocks: res.blocks,
          ...sidecarFields(entry),
          ...(q !== undefined ? { q } : {}),
        };
      }),
    );
    if (Date.now() - this.lastSync > 1000) {
      journal.syncSoon();
      this.lastSync = Date.now();
    }
  }
}

/** Why a drive took no more: out of space, or (with space left) out of room for files (inodes). */
function fullWhy(root: string): string {
  try {
    const fs = statfsSync(root);
    if (fs.files > 0 && fs.ffree === 0)
      return `can hold no more files: its file system has no free inodes left, though ${formatBytes(fs.bavail * fs.bsize)} are free`;
  } catch {
    /* the drive is gone: "full" is what it said last */
  }
  return 'is full';
}

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
import { messageOf } from '../../../../shared/errors';

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

/** What a drive's run asks of the scheduler that holds every drive. */
interface RunHost {
  readonly input: ScheduleInput;
  readonly runs: readonly DriveRun[];
  readonly failed: FailedFile[];
  filesCopied: number;
  bytesCopied: number;
  totalBytes: number;
  /** a file the plan gave a drive, as its worker takes it */
  taskOf(i: number): CopyTask;
  /** queues a record to be journaled in turn */
  journalLater(item: ToJournal): void;
  journalSome(max: number): void;
  reassign(from: DriveRun, ids: number[]): number;
  /** ends the copy once no drive has work left */
  checkAll(): void;
  /** a worker to end on any way out */
  adopt(w: Worker): void;
}

/**
 * A record to journal, in order: a finished file (`q`: the file's write-behind place when it was
 * reported before its data was flushed), or a `synced` confirmation that follows them.
 */
type ToJournal = { r: DriveRun; res: CopyResult; q?: number } | { synced: JournalRecord };

/** Each message of a copy worker and the drive's method that handles it. */
type Handlers = { [T in FromWorker['t']]?: (r: DriveRun, m: Extract<FromWorker, { t: T }>) => void };

/** One drive of a run: its queue, its counts and its copy worker, and what it does with each message the worker sends. */
export class DriveRun {
  worker?: Worker;
  state: DriveProgress['state'] = 'waiting';
  readonly queue = new FileQueue();
  readonly outstanding = new Set<number>();
  bytesDone = 0;
  bytesTotal = 0;
  filesDone = 0;
  filesTotal = 0;
  /** bytes of this session already on the drive before this run */
  doneBefore = 0;
  /** write-behind places of the files the worker reported unflushed, oldest first, until `synced` */
  behindQ: number[] = [];
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
  /** the worker's messages that came before the scheduler ran, handled once it does (then undefined) */
  private early: FromWorker[] | undefined = [];

  private static readonly handlers: Handlers = {
    bytes: (r, m) => r.onBytes(m),
    done: (r, m) => r.onDone(m),
    synced: (r, m) => r.onSynced(m),
    'source-error': (r, m) => r.onSourceError(m),
    full: (r, m) => r.onFull(m),
    returned: (r, m) => r.onReturned(m),
    removed: (r, m) => r.onRemoved(m),
    'target-error': (r, m) => r.onTargetError(m),
    more: (r) => r.onMore(),
    idle: (r) => r.onIdle(),
  };

  constructor(
    private readonly host: RunHost,
    readonly index: number,
    readonly info: TargetInfo,
    readonly bitLockerKey: string,
    readonly rootDev: number,
  ) {}

  /** Makes `s` the drive's worker: its messages come here, a crash stops the drive. */
  attach(s: StartedWorker): void {
    const w = s.worker;
    this.host.adopt(w);
    this.worker = w;
    this.reading = s.reading;
    this.seen = [];
    this.heardAt = Date.now();
    this.ended = new Promise((resolveEnded) => w.once('exit', () => resolveEnded()));
    const failed = (e: Error) => {
      if (this.worker !== w) return;
      this.receive({
        t: 'target-error',
        returned: [...this.outstanding],
        code: 'EWORKER',
        message: `the copy stopped: ${e.message}`,
      });
    };
    w.on('message', (m: FromWorker) => {
      if (this.worker === w) this.receive(m);
    });
    w.on('error', failed);
    for (const e of s.errors) failed(e);
  }

  /** The scheduler runs: what came early is handled, and the worker gets its first two chunks. */
  start(): void {
    this.doneBefore = this.host.input.journal
      .filesOnDrive(this.info.driveId)
      .filter((f) => f.s === this.host.input.session)
      .reduce((s, f) => s + f.size, 0);
    this.state = this.queue.length ? 'copying' : 'done';
    const early = this.early ?? [];
    this.early = undefined;
    for (const m of early) this.handle(m);
    this.sendChunk();
    this.sendChunk();
  }

  /** The drive still has work: its own, or files its worker may hand back. */
  active(): boolean {
    return this.state === 'copying' || this.state === 'waiting' || (this.state === 'full' && this.outstanding.size > 0);
  }

  /** Ends the drive's worker. */
  stop(): void {
    if (this.worker) {
      void this.worker.terminate();
      this.worker = undefined;
    }
  }

  /** The copy is over: an idle worker flushes its last files and ends. */
  finish(): void {
    if (this.worker) {
      this.worker.postMessage({ t: 'finish' });
      this.worker = undefined;
    }
  }

  /** Bytes of the files this drive has finished (what survives when the rest is taken back). */
  private bytesOnDrive(): number {
    const { journal, session } = this.host.input;
    return (
      journal
        .filesOnDrive(this.info.driveId)
        .filter((f) => f.s === session)
        .reduce((s, f) => s + f.size, 0) - this.doneBefore
    );
  }

  /** Sends the worker the next chunk of the queue; false when there is none (or no worker). */
  sendChunk(): boolean {
    if (!this.worker || !this.queue.length) return false;
    const { table } = this.host.input;
    const tasks: CopyTask[] = [];
    let bytes = 0;
    while (this.queue.length && tasks.length < CHUNK_FILES && bytes < CHUNK_BYTES) {
      const i = this.queue.shift()!;
      tasks.push(this.host.taskOf(i));
      this.outstanding.add(i);
      bytes += table.size(i);
    }
    this.worker.postMessage({ t: 'tasks', tasks });
    return true;
  }

  /** A message of the drive's worker: held until the scheduler runs. */
  private receive(m: FromWorker): void {
    if (this.early) this.early.push(m);
    else this.handle(m);
  }

  private handle(m: FromWorker): void {
    if (m.t === 'bytes' || m.t === 'done') this.heardAt = Date.now();
    const handler = DriveRun.handlers[m.t] as ((r: DriveRun, m: FromWorker) => void) | undefined;
    handler?.(this, m);
  }

  private onBytes(m: { n: number }): void {
    this.bytesDone += m.n;
  }

  /** Files copied: counted now, journaled a slice per event-loop turn, so timers and the UI keep running. */
  private onDone(m: Extract<FromWorker, { t: 'done' }>): void {
    const { host } = this;
    for (const res of m.results) {
      const counted = this.outstanding.delete(res.id);
      // in the worker's order, so its `synced` count maps onto places (-1: not journaled)
      const q = m.behind && counted ? host.input.journal.nextQ(this.info.driveId) : -1;
      if (m.behind) this.behindQ.push(q);
      if (!counted) continue;
      this.filesDone++;
      host.filesCopied++;
      host.bytesCopied += res.size;
      host.journalLater({ r: this, res, ...(q >= 0 ? { q } : {}) });
    }
  }

  /** The worker's first `n` files written behind are on the disk: journaled after every record reported before it, in their turn. */
  private onSynced(m: { n: number }): void {
    const covered = this.behindQ.splice(0, m.n).filter((q) => q >= 0);
    if (covered.length)
      this.host.journalLater({ synced: { t: 'synced', drive: this.info.driveId, q: Math.max(...covered) } });
  }

  /** A source file could not be read: named and left out. */
  private onSourceError(m: Extract<FromWorker, { t: 'source-error' }>): void {
    const { host } = this;
    const { table, emit } = host.input;
    this.outstanding.delete(m.id);
    this.bytesTotal -= table.size(m.id);
    this.filesTotal--;
    host.totalBytes -= table.size(m.id);
    host.failed.push({ source: table.source(m.id), code: m.code, message: m.message });
    emit({
      type: 'file-error',
      source: table.source(m.id),
      driveId: this.info.driveId,
      code: m.code,
      message: m.message,
    });
  }

  /** The drive is full: what it could not take goes to drives with room. */
  private onFull(m: Extract<FromWorker, { t: 'full' }>): void {
    const { host } = this;
    host.journalSome(Infinity);
    // the worker returns what it had; anything still queued here was never sent
    const ids = [...new Set([...m.returned.filter((i) => this.outstanding.has(i)), ...this.queue.takeAll()])];
    for (const i of m.returned) this.outstanding.delete(i);
    this.state = 'full';
    this.fullWhy = fullWhy(this.info.path);
    // bytes of returned files that were partly counted are not copied: take them back
    this.bytesDone = Math.min(this.bytesDone, this.bytesOnDrive());
    const moved = host.reassign(this, ids);
    const left = ids.length - moved;
    const s = (n: number) => (n === 1 ? '' : 's');
    // Files the worker still had come back after this: how many need another drive is
    // counted once, at the end, not here.
    host.input.emit({
      type: 'drive-full',
      driveId: this.info.driveId,
      target: this.info.path,
      movedFiles: moved,
      message: `Drive ${this.info.driveId} (${this.info.path}) ${this.fullWhy}; ${moved} file${s(moved)} moved to the other drives${left ? '; the files that fit on no drive need another one (counted when the copy ends): add one and resume to copy them' : ''}.`,
    });
    if (this.outstanding.size === 0) this.stop();
    host.checkAll();
  }

  /** Tasks that reached the worker after it stopped. */
  private onReturned(m: { returned: number[] }): void {
    const ids = m.returned.filter((i) => this.outstanding.delete(i));
    if (this.state === 'full') this.host.reassign(this, ids);
    if (this.outstanding.size === 0 && !this.active()) this.stop();
    this.host.checkAll();
  }

  /** The drive went away: its files wait for it to be plugged back in. */
  private onRemoved(m: { returned: number[] }): void {
    const ids = this.takeBack(m.returned);
    if (!ids) return;
    const { table, emit } = this.host.input;
    this.state = 'removed';
    for (const i of ids)
      this.host.failed.push({
        source: table.source(i),
        code: 'EREMOVED',
        message: `not copied: the drive ${this.info.driveId} was removed`,
      });
    const s = ids.size === 1 ? '' : 's';
    emit({
      type: 'drive-removed',
      driveId: this.info.driveId,
      target: this.info.path,
      message: `The drive was removed (${this.info.driveId} at ${this.info.path}); ${ids.size} file${s} not copied. Plug it back in and resume to continue.`,
    });
    this.host.checkAll();
  }

  /** Writing to the drive failed (or its worker crashed): the drive stops alone. */
  private onTargetError(m: { returned: number[]; code: string; message: string }): void {
    const ids = this.takeBack(m.returned);
    if (!ids) return;
    const { table, emit } = this.host.input;
    this.state = 'failed';
    for (const i of ids)
      this.host.failed.push({ source: table.source(i), code: m.code, message: `not copied: ${m.message}` });
    emit({
      type: 'file-error',
      source: this.info.path,
      driveId: this.info.driveId,
      code: m.code,
      message: `Writing to drive ${this.info.driveId} failed: ${m.message}. The drive may be failing; check it, then resume.`,
    });
    this.host.checkAll();
  }

  /**
   * A drive that stops (removed, failed): journals what was reported, ends its worker and takes back
   * every file it had not finished; undefined when it had stopped already.
   */
  private takeBack(returned: number[]): Set<number> | undefined {
    this.host.journalSome(Infinity);
    if (this.state === 'removed' || this.state === 'failed') return undefined;
    const ids = new Set([...returned, ...this.outstanding, ...this.queue.takeAll()]);
    this.outstanding.clear();
    this.bytesDone = this.bytesOnDrive();
    this.stop();
    return ids;
  }

  /** The worker took a chunk: the next one goes, so one always waits. */
  private onMore(): void {
    if (this.state === 'copying') this.sendChunk();
  }

  /** The worker has nothing left: the next chunk, or the drive is done. */
  private onIdle(): void {
    if (this.state !== 'copying') return;
    if (!this.sendChunk() && this.outstanding.size === 0) {
      this.state = 'done';
      this.host.checkAll();
    }
  }

  /** Hot-plug: a target whose device changes or disappears stops cleanly ("the drive was removed"). */
  checkDevice(): void {
    if (!this.worker || !this.active()) return;
    let dev = -1;
    try {
      dev = statSync(this.info.path).dev;
    } catch {
      /* gone */
    }
    if (dev !== this.rootDev) this.onRemoved({ returned: [] });
  }

  /** Cancel: the worker ends and every file not finished is named; small files it had not reported go in `unreported`. */
  abort(ending: Promise<number>[], unreported: string[]): void {
    if (!this.active() && !this.worker) return;
    const { host } = this;
    const { table } = host.input;
    for (const i of this.outstanding)
      if (table.size(i) < BLOCK_SIZE) unreported.push(join(this.info.path, host.taskOf(i).rel));
    const ids = new Set([...this.outstanding, ...this.queue.takeAll()]);
    this.outstanding.clear();
    if (this.worker) ending.push(this.worker.terminate());
    this.stop();
    if (this.active()) this.state = 'stopped';
    this.bytesDone = this.bytesOnDrive();
    for (const i of ids)
      host.failed.push({
        source: table.source(i),
        code: 'ESTOPPED',
        message: 'not copied yet: the copy was stopped',
      });
  }

  /**
   * A read of a source that gives no byte for STUCK_READ_MS (a network or FUSE source that
   * stopped answering): the file is named and left out, and the drive goes on with a new worker.
   * The old one stays stuck in its read; it is let go (it holds nothing the copy needs: what it
   * reported is journaled, what it wrote behind is flushed here).
   */
  checkStuckReads(now: number): void {
    if (!this.reading || !this.worker || this.state !== 'copying') return;
    const stuck = this.stuckFiles(this.reading, now);
    if (!stuck.length) return;
    const { host } = this;
    const { table, emit } = host.input;
    host.journalSome(Infinity);
    const old = this.worker;
    old.removeAllListeners('message');
    old.unref();
    hung++;
    old.once('exit', () => hung--);
    void old.terminate();
    for (const id of stuck) {
      this.outstanding.delete(id);
      this.bytesTotal -= table.size(id);
      this.filesTotal--;
      host.totalBytes -= table.size(id);
      const message = `reading ${table.source(id)} has not answered for over ${Math.round(STUCK_READ_MS / 1000)} s (a network or FUSE source that stopped answering?); it is left out and the drive's other files go on. Check the source, then resume to copy it.`;
      host.failed.push({ source: table.source(id), code: 'ESTUCK', message });
      emit({ type: 'file-error', source: table.source(id), driveId: this.info.driveId, code: 'ESTUCK', message });
    }
    this.confirmBehind();
    // Everything else it held goes to a new worker (what it copied and did not report is copied again).
    const ids = [...this.outstanding, ...this.queue.takeAll()];
    this.outstanding.clear();
    for (const i of ids) this.queue.push(i);
    this.bytesDone = this.bytesOnDrive();
    this.attach(startCopyWorker(host.input.copyWorker, this.info, host.input.maxRate, host.runs.length));
    this.sendChunk();
    this.sendChunk();
  }

  /** The files the worker's copiers have been reading for longer than STUCK_READ_MS. */
  private stuckFiles(reading: Int32Array, now: number): number[] {
    const seen = (this.seen ??= []);
    const stuck: number[] = [];
    for (let slot = 0; slot < 2; slot++) {
      const id = Atomics.load(reading, slot) - 1;
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
      const quiet = slot === 1 || now - (this.heardAt ?? 0) > STUCK_READ_MS;
      if (now - was.since > STUCK_READ_MS && quiet && this.outstanding.has(id)) stuck.push(id);
    }
    return stuck;
  }

  /** What a let-go worker reported written behind and had not confirmed yet: flushed and confirmed here. */
  private confirmBehind(): void {
    const { journal } = this.host.input;
    const places = this.behindQ.filter((q) => q >= 0);
    this.behindQ = [];
    if (places.length)
      void syncfsAsync(this.info.path).then((status) => {
        const q = Math.max(...places);
        if (status === 0 && q > (journal.syncedQ(this.info.driveId) ?? -1))
          journal.append([{ t: 'synced', drive: this.info.driveId, q }]);
      });
  }
}

export class DriveScheduler implements RunHost {
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
  /** Records to journal, in order (see ToJournal). */
  private readonly toJournal: ToJournal[] = [];
  private journalScheduled = false;
  private lastSync = Date.now();
  /** the copy has ended (every drive done, full, removed, failed or stopped) */
  private settled = false;
  /** ends `run`'s promise */
  private resolveRun?: () => void;
  /** each second: stuck reads and drives that went away */
  private watch?: ReturnType<typeof setInterval>;
  private readonly onAbort = (): void => this.abort();
  private readonly journalSlice = (): void => {
    this.journalScheduled = false;
    this.journalTurn();
    if (this.toJournal.length) {
      this.journalScheduled = true;
      setImmediate(this.journalSlice);
    }
  };

  constructor(readonly input: ScheduleInput) {
    const { table, infos } = input;
    this.runs = infos.map(
      (info, index) => new DriveRun(this, index, info, input.bitLockerKeys[index] ?? '', statSync(info.path).dev),
    );
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
      r.attach(s ?? startCopyWorker(input.copyWorker, r.info, input.maxRate, input.infos.length));
    }
  }

  adopt(w: Worker): void {
    this.workers.push(w);
  }

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
    return new Promise<void>((resolveAll) => this.begin(resolveAll)).then(async () => {
      // what is left goes in turns too (the copy can finish files faster than this thread journals them)
      for (this.journalTurn(); this.toJournal.length; this.journalTurn()) await new Promise((r) => setImmediate(r));
      this.input.journal.syncSoon();
    });
  }

  private begin(resolveAll: () => void): void {
    const { signal } = this.input;
    this.resolveRun = resolveAll;
    if (signal?.aborted) queueMicrotask(this.onAbort);
    else signal?.addEventListener('abort', this.onAbort, { once: true });
    this.watch = setInterval(() => {
      const now = Date.now();
      for (const r of this.runs) r.checkStuckReads(now);
      for (const r of this.runs) r.checkDevice();
    }, 1000);
    for (const r of this.runs) r.start();
    this.checkAll();
  }

  /** Ends the copy once no drive has work left; idle workers stay until then to take moved files. */
  checkAll(): void {
    if (this.settled || this.runs.some((r) => r.active())) return;
    this.settled = true;
    clearInterval(this.watch);
    this.input.signal?.removeEventListener('abort', this.onAbort);
    for (const r of this.runs) r.finish();
    this.resolveRun?.();
  }

  /** Cancel: every drive stops; small files written in place and not reported go, once their workers have ended. */
  private abort(): void {
    this.stopped = true;
    this.journalSome(Infinity);
    const ending: Promise<number>[] = [];
    const unreported: string[] = [];
    for (const r of this.runs) r.abort(ending, unreported);
    // a worker stuck in a source read never ends: what it had is removed after a few seconds all the same
    void Promise.race([Promise.allSettled(ending), new Promise((res) => setTimeout(res, 5000))]).then(() => {
      for (const f of unreported) rmSync(f, { force: true });
      this.checkAll();
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
              const message = `flushing ${f.path} on drive ${r.info.driveId} failed (${(e as NodeJS.ErrnoException).code ?? messageOf(e)}); a resume reads it back and copies it again if it is not whole`;
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

  taskOf(i: number): CopyTask {
    const { table, session } = this.input;
    return {
      id: i,
      src: table.source(i),
      rel: `${session}/${table.blobPath(i)}`,
      size: table.size(i),
      mtime: table.mtime(i),
    };
  }

  /** Moves files a full drive could not take onto drives that still have room. */
  reassign(from: DriveRun, ids: number[]): number {
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
        to.sendChunk();
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

  journalLater(item: ToJournal): void {
    this.toJournal.push(item);
    if (!this.journalScheduled) {
      this.journalScheduled = true;
      setImmediate(this.journalSlice);
    }
  }

  /** Journals finished files (at most `max` now). */
  journalSome(max: number): void {
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

// The drive-preparation engine: dataset -> pre-flight -> plan -> copy (one worker per drive) ->
// manifests -> optional verify. Used by `haul prep` and, later, by the app over the bridge; it
// reports through typed PrepEvents (shared/prep/types.ts) and never prints.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, statfsSync, writeSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { DatasetEntry } from '../../../shared/formats/dataset';
import { formatBytes } from '../../../shared/prep/names';
import type { DriveProgress, PlanSummary, PrepEvent } from '../../../shared/prep/types';
import { resolveTarget, type TargetInfo } from '../drives/target';
import { readManifest, writeDriveInfo } from './driveFiles';
import { fileKey, Journal, type FileRecord, type JournalRecord } from './journal';
import { keepAwake } from './keepAwake';
import { MAX_DRIVES, fileCost, makePlan } from './plan';
import { SpeedWindow } from './progress';
import { TMP_DIR, type CopyResult, type CopyTask, type FromWorker, type ManifestInit, type ManifestReply, type VerifyItem } from './protocol';
import { scanDataset } from './scan';
import { copyWorkerUrl, startWorker } from './workerBoot';

export { copyWorkerUrl, startWorker };

export interface PrepTarget { path: string; bitLockerKey?: string }

export interface PrepOptions {
  journal: string;
  session: string;
  /** the import job's name, written in each drive header; default: the journal's file name */
  job?: string;
  entries: DatasetEntry[];
  targets: PrepTarget[];
  verify?: boolean;
  /** bytes per second per drive, 0 = unlimited */
  maxRate?: number;
  /** leave out files with pre-flight problems instead of refusing to start */
  skipProblems?: boolean;
  /** stop after the plan */
  planOnly?: boolean;
  keepAwake?: boolean;
  onEvent: (e: PrepEvent) => void;
  /** the copy worker's file, when the default lookup does not fit (e.g. a different bundle) */
  workerUrl?: URL;
  /** stops the copy cleanly: finished files stay journaled, manifests are written, the same call continues later */
  signal?: AbortSignal;
}

export interface PrepResult {
  /** 0 every file copied (and verified), 1 some files not copied / verify failed, 2 refused before copying, 3 does not fit */
  exitCode: number;
  plan?: PlanSummary;
}

export class PrepError extends Error {}

const CHUNK_FILES = 512;
const CHUNK_BYTES = 256 * 1024 * 1024;

/** A killed process nobody has reaped yet still answers kill(pid, 0): it holds no lock. */
function isZombie(pid: number): boolean {
  try { return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

/** One process per journal: a lock file next to it, taken over when its process is gone. */
function lockJournal(journal: string): () => void {
  const lock = `${journal}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch {
      let pid = 0;
      try { pid = Number(readFileSync(lock, 'utf8')); } catch { /* vanished */ }
      let alive = false;
      if (pid > 0 && pid !== process.pid) { try { process.kill(pid, 0); alive = !isZombie(pid); } catch { alive = false; } }
      if (alive) throw new PrepError(`Another "haul prep" (process ${pid}) is using the journal ${journal}; wait for it to finish or stop it first.`);
      rmSync(lock, { force: true });
    }
  }
  throw new PrepError(`Could not lock the journal ${journal} (${lock}); remove that file if no other haul prep is running.`);
}

interface DriveRun {
  index: number;
  info: TargetInfo;
  bitLockerKey: string;
  rootDev: number;
  worker?: Worker;
  state: DriveProgress['state'];
  queue: number[];
  outstanding: Set<number>;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  idle: boolean;
  /** bytes of this session already on the drive before this run */
  doneBefore: number;
}

export async function runPrep(opts: PrepOptions): Promise<PrepResult> {
  const emit = opts.onEvent;
  const journalPath = resolve(opts.journal);
  const jobName = opts.job ?? (journalPath.split(sep).pop() ?? 'job').replace(/\.[^.]*$/, '');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(opts.session)) throw new PrepError(`The session id "${opts.session}" may hold only letters, digits, ".", "_" and "-" (at most 64); it names a folder on each drive.`);
  if (opts.targets.length === 0) throw new PrepError('No target drive was given; add --target MOUNTPATH (or a driveset.csv).');
  if (opts.targets.length > MAX_DRIVES) throw new PrepError(`${opts.targets.length} drives were given; a job takes at most ${MAX_DRIVES}. Split the data into more jobs.`);

  mkdirSync(resolve(journalPath, '..'), { recursive: true });
  const unlock = lockJournal(journalPath);
  const journal = Journal.open(journalPath);
  let awake: { release(): void } | undefined;
  const workers: Worker[] = [];
  try {
    // ---- targets
    const infos: TargetInfo[] = [];
    for (const t of opts.targets) infos.push(await resolveTarget(t.path));
    for (const [k, a] of infos.entries()) {
      for (const b of infos.slice(k + 1)) {
        if (a.path === b.path) throw new PrepError(`The target ${a.path} is given twice; list each drive once.`);
        if (a.driveId === b.driveId) throw new PrepError(`The targets ${a.path} and ${b.path} are the same drive (${a.driveId}); list each drive once.`);
        if (a.device && a.device === b.device && a.mountPoint === a.path && b.mountPoint === b.path) throw new PrepError(`The targets ${a.path} and ${b.path} are on the same drive (${a.device}); give each drive once.`);
      }
      for (const e of opts.entries) {
        const src = resolve(e.basePath);
        if (a.path === src || a.path.startsWith(src + sep)) throw new PrepError(`The target ${a.path} is inside the source ${e.basePath}; the copy would copy itself. Pick a target outside the data.`);
        if (src.startsWith(a.path + sep)) throw new PrepError(`The source ${e.basePath} is on the target drive ${a.path}; copy onto a different drive.`);
      }
      if (journalPath.startsWith(a.path + sep)) throw new PrepError(`The journal ${journalPath} is on the target drive ${a.path}; keep it on this machine (it is how a crashed or interrupted copy resumes), e.g. in your home folder.`);
      if (a.existingJob !== undefined && a.existingJob !== jobName) {
        throw new PrepError(`The drive at ${a.path} (${a.driveId}) was prepared for job "${a.existingJob}", not "${jobName}"; use another drive, or give --job ${a.existingJob}.`);
      }
    }

    // ---- scan and pre-flight
    const scan = await scanDataset(opts.entries, { sessionId: opts.session, targets: infos });
    if (scan.problemCount) {
      emit({ type: 'preflight', problems: scan.problems });
      if (!opts.skipProblems) return { exitCode: 2 };
    }
    const table = scan.table;

    // ---- what is done already (resume)
    const driveIndex = new Map(infos.map((t, k) => [t.driveId, k]));
    const preferred = new Map<number, number>();
    let doneFiles = 0;
    let doneBytes = 0;
    const staleRecords: FileRecord[] = [];
    for (let i = 0; i < table.count; i++) {
      if (table.flags[i]) continue;
      const rec = journal.files.get(fileKey(opts.session, table.blobPath(i)));
      if (!rec) continue;
      const k = driveIndex.get(rec.drive);
      const unchanged = rec.size === table.size(i) && rec.mtime === table.mtime(i) && rec.src === table.source(i);
      if (unchanged) {
        if (k === undefined) { table.flags[i] = 2; doneFiles++; doneBytes += rec.size; continue; } // on a drive not attached now
        try {
          if (statSync(join(infos[k]!.path, rec.path)).size === rec.size) { table.flags[i] = 2; doneFiles++; doneBytes += rec.size; continue; }
        } catch { /* missing on the drive: copy again */ }
      } else {
        staleRecords.push(rec);
      }
      if (k !== undefined) preferred.set(i, k);
    }
    // A changed source replaces its old copy: remove the old one so its space is free again.
    for (const rec of staleRecords) {
      const k = driveIndex.get(rec.drive);
      if (k !== undefined) rmSync(join(infos[k]!.path, rec.path), { force: true });
    }

    // ---- plan (free space now: partial temporaries of an interrupted run do not count)
    for (const t of infos) {
      rmSync(join(t.path, TMP_DIR), { recursive: true, force: true });
      const fs = statfsSync(t.path);
      t.free = fs.bavail * fs.bsize;
    }
    const plan = makePlan({
      table,
      drives: infos.map((t) => ({ driveId: t.driveId, target: t.path, capacity: t.capacity, free: t.free })),
      preferred,
      alreadyDoneFiles: doneFiles,
      alreadyDoneBytes: doneBytes,
    });
    emit({ type: 'plan', plan });
    if (!plan.fits) return { exitCode: 3, plan };
    if (opts.planOnly) return { exitCode: 0, plan };

    if (staleRecords.length) journal.append(staleRecords.map((r): JournalRecord => ({ t: 'removed', s: r.s, blob: r.blob, drive: r.drive })));
    if (!journal.sessions.has(opts.session)) journal.append([{ t: 'session', s: opts.session, job: jobName, at: Date.now() }]);
    if (opts.keepAwake !== false) {
      const ka = await keepAwake(`Haul is copying data onto drives for job ${jobName}`);
      awake = ka;
      emit({ type: 'keep-awake', active: ka.active, message: ka.message });
    }

    // ---- copy
    const url = opts.workerUrl ?? copyWorkerUrl();
    const runs: DriveRun[] = infos.map((info, index) => ({
      index, info, bitLockerKey: opts.targets[index]!.bitLockerKey ?? '', rootDev: statSync(info.path).dev,
      state: 'waiting', queue: [], outstanding: new Set(), bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0, idle: false, doneBefore: 0,
    }));
    for (let i = 0; i < table.count; i++) {
      if (table.flags[i] || table.drive[i] === 255) continue;
      const r = runs[table.drive[i]!]!;
      r.queue.push(i);
      r.bytesTotal += table.size(i);
      r.filesTotal++;
    }
    const failed: { source: string; code: string; message: string }[] = [];
    let stopped = false;
    const notPlaced: number[] = [];
    let filesCopied = 0;
    let bytesCopied = 0;
    let totalBytes = runs.reduce((s, r) => s + r.bytesTotal, 0);
    const totalFiles = runs.reduce((s, r) => s + r.filesTotal, 0);
    const speed = new SpeedWindow();
    let phase: 'copy' | 'verify' = 'copy';
    let verifyDone = 0;
    let verifyTotal = 0;
    let lastSync = Date.now();

    const progressEvent = (): PrepEvent => {
      const done = phase === 'copy' ? runs.reduce((s, r) => s + r.bytesDone, 0) : verifyDone;
      const total = phase === 'copy' ? totalBytes : verifyTotal;
      speed.add(Date.now(), done);
      const e: PrepEvent = {
        type: 'progress', phase, bytesDone: done, bytesTotal: total, filesDone: filesCopied, filesTotal: totalFiles, speed: Math.round(speed.speed()),
        drives: runs.map((r) => ({ driveId: r.info.driveId, target: r.info.path, bytesDone: r.bytesDone, bytesTotal: r.bytesTotal, filesDone: r.filesDone, filesTotal: r.filesTotal, state: r.state })),
      };
      const eta = speed.eta(total - done);
      if (eta !== undefined) e.etaSeconds = Math.round(eta);
      return e;
    };
    const ticker = setInterval(() => emit(progressEvent()), 200);

    const taskOf = (i: number): CopyTask => ({ id: i, src: table.source(i), rel: `${opts.session}/${table.blobPath(i)}`, size: table.size(i), mtime: table.mtime(i) });
    const sendChunk = (r: DriveRun): boolean => {
      if (!r.worker || !r.queue.length) return false;
      const tasks: CopyTask[] = [];
      let bytes = 0;
      while (r.queue.length && tasks.length < CHUNK_FILES && bytes < CHUNK_BYTES) {
        const i = r.queue.shift()!;
        tasks.push(taskOf(i));
        r.outstanding.add(i);
        bytes += table.size(i);
      }
      r.worker.postMessage({ t: 'tasks', tasks });
      return true;
    };

    /** Moves files a full drive could not take onto drives that still have room. */
    const reassign = (from: DriveRun, ids: number[]): number => {
      let moved = 0;
      const room = runs.map((r) => {
        if (r === from || !r.worker || (r.state !== 'copying' && r.state !== 'done')) return -1;
        const fs = statfsSync(r.info.path);
        const queued = [...r.queue, ...r.outstanding].reduce((s, i) => s + fileCost(table.size(i), table.blobPath(i).length), 0);
        return fs.bavail * fs.bsize - queued - 8 * 1024 * 1024;
      });
      for (const i of ids) {
        const cost = fileCost(table.size(i), table.blobPath(i).length);
        const k = room.findIndex((x) => x >= cost);
        from.bytesTotal -= table.size(i);
        from.filesTotal--;
        if (k < 0) { notPlaced.push(i); continue; }
        room[k]! -= cost;
        const to = runs[k]!;
        to.queue.push(i);
        to.bytesTotal += table.size(i);
        to.filesTotal++;
        moved++;
        if (to.state === 'done') { to.state = 'copying'; to.idle = false; sendChunk(to); }
      }
      return moved;
    };

    // finished files waiting to be journaled (see 'done' below)
    const toJournal: { r: DriveRun; res: CopyResult }[] = [];
    let journalScheduled = false;
    const journalSome = (max: number) => {
      const take = toJournal.splice(0, Math.min(max, toJournal.length));
      if (!take.length) return;
      journal.append(take.map(({ r, res }): JournalRecord => {
        const i = res.id;
        const entry = opts.entries[table.entry(i)]!;
        const blob = table.blobPath(i);
        return { t: 'file', s: opts.session, blob, src: table.source(i), size: res.size, mtime: res.mtime, drive: r.info.driveId, path: `${opts.session}/${blob}`, disp: entry.disposition, type: entry.blobType, md5: res.md5, blocks: res.blocks };
      }));
      if (Date.now() - lastSync > 1000) { journal.syncSoon(); lastSync = Date.now(); }
    };

    // The header (with the drive id) goes on first — on every target, since a full drive may hand
    // files to one that had none planned — so an interrupted drive keeps its id on resume.
    for (const r of runs) {
      const w = await writeManifestOffThread(url, { role: 'manifest', root: r.info.path, journal: journalPath, driveId: r.info.driveId, jobName, newSessions: [opts.session], generatedId: r.info.idSource === 'generated' || journal.drives.get(r.info.driveId)?.generated === true, now: Date.now() });
      if (w.t === 'manifest-error') throw new PrepError(`Could not write the drive header on ${r.info.path}: ${w.message}. Check that the drive is writable and has room.`);
      if (journal.drives.get(r.info.driveId)?.target !== r.info.path) {
        journal.append([{ t: 'drive', drive: r.info.driveId, target: r.info.path, at: Date.now(), generated: r.info.idSource === 'generated' }]);
      }
    }

    await new Promise<void>((resolveAll) => {
      let settled = false;
      const active = (r: DriveRun) => r.state === 'copying' || r.state === 'waiting' || (r.state === 'full' && r.outstanding.size > 0);
      /** Ends the copy once no drive has work left; idle workers stay until then to take moved files. */
      const checkAll = () => {
        if (settled || runs.some(active)) return;
        settled = true;
        clearInterval(watch);
        for (const r of runs) { if (r.worker) { r.worker.postMessage({ t: 'finish' }); r.worker = undefined; } }
        resolveAll();
      };
      const stopDrive = (r: DriveRun) => {
        if (r.worker) { void r.worker.terminate(); r.worker = undefined; }
      };

      const onAbort = () => {
        stopped = true;
        journalSome(Infinity);
        for (const r of runs) {
          if (!active(r) && !r.worker) continue;
          const ids = new Set([...r.outstanding, ...r.queue.splice(0)]);
          r.outstanding.clear();
          stopDrive(r);
          if (active(r)) r.state = 'stopped';
          r.bytesDone = bytesOnDrive(r);
          for (const i of ids) failed.push({ source: table.source(i), code: 'ESTOPPED', message: 'not copied yet: the copy was stopped' });
        }
        checkAll();
      };
      if (opts.signal?.aborted) queueMicrotask(onAbort);
      else opts.signal?.addEventListener('abort', onAbort, { once: true });

      const journalSlice = () => {
        journalScheduled = false;
        journalSome(128);
        if (toJournal.length) { journalScheduled = true; setImmediate(journalSlice); }
      };
      const onMessage = (r: DriveRun, m: FromWorker) => {
        switch (m.t) {
          case 'bytes': r.bytesDone += m.n; break;
          case 'done': {
            // Counted now; journaled a slice per event-loop turn, so timers and the UI keep running.
            for (const res of m.results) {
              if (!r.outstanding.delete(res.id)) continue;
              r.filesDone++;
              filesCopied++;
              bytesCopied += res.size;
              toJournal.push({ r, res });
            }
            if (!journalScheduled && toJournal.length) { journalScheduled = true; setImmediate(journalSlice); }
            break;
          }
          case 'source-error': {
            r.outstanding.delete(m.id);
            r.bytesTotal -= table.size(m.id);
            r.filesTotal--;
            totalBytes -= table.size(m.id);
            failed.push({ source: table.source(m.id), code: m.code, message: m.message });
            emit({ type: 'file-error', source: table.source(m.id), driveId: r.info.driveId, code: m.code, message: m.message });
            break;
          }
          case 'full': {
            journalSome(Infinity);
            // the worker returns what it had; anything still queued here was never sent
            const ids = [...new Set([...m.returned.filter((i) => r.outstanding.has(i)), ...r.queue.splice(0)])];
            for (const i of m.returned) r.outstanding.delete(i);
            r.state = 'full';
            // bytes of returned files that were partly counted are not copied: take them back
            r.bytesDone = Math.min(r.bytesDone, bytesOnDrive(r));
            const moved = reassign(r, ids);
            const left = ids.length - moved;
            emit({ type: 'drive-full', driveId: r.info.driveId, target: r.info.path, movedFiles: moved, message: `Drive ${r.info.driveId} (${r.info.path}) is full; ${moved} file${moved === 1 ? '' : 's'} moved to the other drives${left ? `; ${left} file${left === 1 ? '' : 's'} need another drive: add one with --target and run the same command again` : ''}.` });
            if (r.outstanding.size === 0) stopDrive(r);
            checkAll();
            break;
          }
          case 'returned': {
            const ids = m.returned.filter((i) => r.outstanding.delete(i));
            if (r.state === 'full') reassign(r, ids);
            if (r.outstanding.size === 0 && !active(r)) stopDrive(r);
            checkAll();
            break;
          }
          case 'removed':
          case 'target-error': {
            journalSome(Infinity);
            if (r.state === 'removed' || r.state === 'failed') break;
            const ids = new Set([...m.returned, ...r.outstanding, ...r.queue.splice(0)]);
            r.outstanding.clear();
            r.bytesDone = bytesOnDrive(r);
            stopDrive(r);
            if (m.t === 'removed') {
              r.state = 'removed';
              for (const i of ids) failed.push({ source: table.source(i), code: 'EREMOVED', message: `not copied: the drive ${r.info.driveId} was removed` });
              emit({ type: 'drive-removed', driveId: r.info.driveId, target: r.info.path, message: `The drive was removed (${r.info.driveId} at ${r.info.path}); ${ids.size} file${ids.size === 1 ? '' : 's'} not copied. Reconnect it and run the same command again to continue.` });
            } else {
              r.state = 'failed';
              for (const i of ids) failed.push({ source: table.source(i), code: m.code, message: `not copied: ${m.message}` });
              emit({ type: 'file-error', source: r.info.path, driveId: r.info.driveId, code: m.code, message: `Writing to drive ${r.info.driveId} failed: ${m.message}. The drive may be failing; check it and run again.` });
            }
            checkAll();
            break;
          }
          case 'more': {
            if (r.state === 'copying') sendChunk(r);
            break;
          }
          case 'idle': {
            if (r.state !== 'copying') break;
            if (!sendChunk(r) && r.outstanding.size === 0) { r.state = 'done'; r.idle = true; checkAll(); }
            break;
          }
          default: break;
        }
      };
      // bytes of the files this drive has finished (what survives when the rest is taken back)
      const bytesOnDrive = (r: DriveRun) => journal.filesOnDrive(r.info.driveId).filter((f) => f.s === opts.session).reduce((s, f) => s + f.size, 0) - r.doneBefore;

      // Hot-plug: a target whose device changes or disappears stops cleanly ("the drive was removed").
      const watch = setInterval(() => {
        for (const r of runs) {
          if (!r.worker || !active(r)) continue;
          let dev = -1;
          try { dev = statSync(r.info.path).dev; } catch { /* gone */ }
          if (dev !== r.rootDev) onMessage(r, { t: 'removed', returned: [], message: 'the drive was removed' });
        }
      }, 1000);
      for (const r of runs) {
        r.doneBefore = journal.filesOnDrive(r.info.driveId).filter((f) => f.s === opts.session).reduce((s, f) => s + f.size, 0);
        if (!r.queue.length) { r.state = 'done'; r.idle = true; }
        const w = startWorker(url, { root: r.info.path, rootDev: r.rootDev, maxRate: opts.maxRate ?? 0 });
        workers.push(w);
        r.worker = w;
        if (r.queue.length) r.state = 'copying';
        w.on('message', (m: FromWorker) => onMessage(r, m));
        w.on('error', (e) => onMessage(r, { t: 'target-error', returned: [...r.outstanding], code: 'EWORKER', message: `the copy stopped: ${e.message}` }));
        sendChunk(r);
        sendChunk(r);
      }
      checkAll();

    });
    clearInterval(ticker);
    journalSome(Infinity);
    journal.syncSoon();
    // Partial temporaries of files handed to another drive (or of a stopped worker) go now.
    for (const r of runs) if (r.state !== 'removed') { try { cleanTemporaries(r.info.path); } catch { /* the drive is failing: reported already */ } }

    // ---- manifests, headers, DriveInfo
    for (const r of runs) {
      if (r.state === 'removed' || r.filesTotal === 0 && r.filesDone === 0 && journal.filesOnDrive(r.info.driveId).length === 0) continue;
      try {
        const w = await writeManifestOffThread(url, { role: 'manifest', root: r.info.path, journal: journalPath, driveId: r.info.driveId, jobName, newSessions: [opts.session], generatedId: journal.drives.get(r.info.driveId)?.generated === true, now: Date.now() });
        if (w.t === 'manifest-error') throw Object.assign(new Error(w.message), { code: w.code });
        const { manifestHash } = w;
        writeDriveInfo(journalPath, r.info.driveId, manifestHash, r.bitLockerKey);
        emit({ type: 'drive-done', driveId: r.info.driveId, target: r.info.path, files: r.filesDone, bytes: r.bytesDone, manifestHash });
      } catch (e) {
        failed.push({ source: r.info.path, code: (e as NodeJS.ErrnoException).code ?? 'EMANIFEST', message: `writing the manifest on ${r.info.path} failed: ${(e as Error).message}` });
      }
    }

    // ---- verify
    let verifyOk = true;
    if (opts.verify && !stopped) {
      phase = 'verify';
      const vt = setInterval(() => emit(progressEvent()), 200);
      const targets = runs.filter((r) => r.state !== 'removed' && existsSync(join(r.info.path, 'DriveManifest.xml')));
      const items = targets.map((r) => {
        const m = readManifest(r.info.path);
        return (m?.blobs ?? []).map((b): VerifyItem => ({ rel: b.filePath, length: b.length, blocks: b.blocks.map((k) => k.hash).join('') }));
      });
      verifyTotal = items.flat().reduce((s, it) => s + it.length, 0);
      speed.add(Date.now(), 0);
      try {
      await Promise.all(targets.map((r, k) => verifyDrive(url, r, items[k]!, (n) => { verifyDone += n; }).then((res) => {
        const ok = res.mismatches.length === 0;
        if (!ok) verifyOk = false;
        journal.append([{ t: 'verified', drive: r.info.driveId, at: Date.now(), ok }]);
        emit({ type: 'verify-result', driveId: r.info.driveId, target: r.info.path, ok, blobs: res.blobs, blocks: res.blocks, bytes: res.bytes, mismatches: res.mismatches.slice(0, 100) });
      }, (e: Error) => {
        verifyOk = false;
        emit({ type: 'verify-result', driveId: r.info.driveId, target: r.info.path, ok: false, blobs: 0, blocks: 0, bytes: 0, mismatches: [`verification could not run: ${e.message}`] });
      })));
      } finally {
        clearInterval(vt);
      }
    }
    emit(progressEvent());

    const notCopied = failed.length + notPlaced.length;
    const ok = notCopied === 0 && verifyOk && !stopped;
    emit({
      type: 'done', ok, filesCopied, bytesCopied, filesSkipped: doneFiles,
      failed: failed.filter((f) => f.code !== 'ESTOPPED').slice(0, 1000), notPlaced: notPlaced.length,
      ...(stopped ? { stopped: true } : {}),
      message: stopped
        ? `Stopped: ${filesCopied} files copied now (${formatBytes(bytesCopied)}), ${failed.filter((f) => f.code === 'ESTOPPED').length} not yet. Run the same command again to continue where it stopped.`
        : ok
        ? `Every file is on the drives: ${filesCopied} copied now (${formatBytes(bytesCopied)}), ${doneFiles} already done${opts.verify ? ', all blocks verified' : ''}.`
        : `${notCopied} file${notCopied === 1 ? ' was' : 's were'} not copied${!verifyOk ? ' and verification found mismatches' : ''}; fix the causes listed and run the same command again to finish (files already done are skipped).`,
    });
    return { exitCode: ok ? 0 : 1, plan };
  } finally {
    for (const w of workers) void w.terminate();
    awake?.release();
    journal.close();
    unlock();
  }
}

/** Builds and writes a drive's manifest and header in a worker (tens of thousands of blobs take a while). */
function writeManifestOffThread(url: URL, init: ManifestInit): Promise<ManifestReply> {
  return new Promise((resolveM) => {
    const w = startWorker(url, init);
    w.once('message', (m: ManifestReply) => { void w.terminate(); resolveM(m); });
    w.once('error', (e) => resolveM({ t: 'manifest-error', code: 'EWORKER', message: e.message }));
  });
}

function verifyDrive(url: URL, r: DriveRun, items: VerifyItem[], onBytes: (n: number) => void): Promise<{ blobs: number; blocks: number; bytes: number; mismatches: string[] }> {
  return new Promise((resolveV, reject) => {
    const w = startWorker(url, { root: r.info.path, rootDev: statSync(r.info.path).dev, maxRate: 0, noHelpers: true });
    w.on('message', (m: FromWorker) => {
      if (m.t === 'verify-bytes') onBytes(m.n);
      if (m.t === 'verify-done') { void w.terminate(); resolveV(m); }
    });
    w.on('error', reject);
    w.postMessage({ t: 'verify', items });
  });
}

/** Removes partial temporaries an interrupted copy left on a drive. */
export function cleanTemporaries(root: string): void {
  rmSync(join(root, TMP_DIR), { recursive: true, force: true });
}


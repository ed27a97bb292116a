// Manifests: each drive's header goes on before the copy (so an interrupted drive keeps its id),
// and after the copy its DriveManifest.xml and header are rebuilt from the journal in a worker
// (tens of thousands of blobs take a while), then the DriveInfo file is written next to the
// journal. What the job needs per drive comes back as a PreparedDrive. What a manifest writer does
// with its message (`writeDriveFilesFor`) is here too: the worker and the engine's own thread (a
// drive of fewer blobs) write a drive's files the same way.
import { readFileSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { HEADER_FILE, MANIFEST_FILE } from '../../../../shared/formats/driveManifest';
import type { PreparedDrive } from '../../../../shared/prep/session';
import { writeDriveInfo, writeDriveRoot } from '../drive-format/driveFiles';
import type { FileRecord } from '../drive-format/fileRecord';
import { md5Upper } from '../drive-format/write';
import type { Journal } from '../journal/journal';
import { TMP_DIR, type ManifestInit, type ManifestReply, type ToManifestWorker } from '../threads/protocol';
import type { DriveRun, FailedFile } from './schedule';
import { startWorker } from '../threads/workerBoot';
import { HaulError, messageOf } from '../../../../shared/errors';
import type { FileStamp } from '../../../../shared/node/atomicWrite';

export class ManifestError extends HaulError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'ManifestError';
  }
}

/**
 * Up to this many blobs a drive's manifest is built on the engine's thread, in turns of a few
 * milliseconds, not in a worker: 20,000 blobs cost the engine's (warm) thread about 0.1 s and a
 * fresh worker 0.4-0.5 s of CPU (its start, its own compiling, its heap), on 2 cores the copy's
 * time. Above it the sort alone (one call, about 60 ms for 100,000) would hold the app's thread.
 */
export const IN_THREAD_RECORDS = 100_000;
/** records in one message to a manifest worker (about 4 ms of the engine's thread) */
const RECORDS_A_MESSAGE = 2000;

/**
 * The manifest workers of a run. A worker waits for its drive's ManifestInit, so one can be
 * started ahead (`prestart`, while the copy runs): its start (a 950 KB bundle of zod and the XML
 * builder) is then off the path between the copy's end and the manifest on the drive.
 */
export class ManifestWorkers {
  private ready: Worker | undefined;
  private readonly all = new Set<Worker>();

  constructor(readonly url: URL) {}

  /** Starts one worker now, unless one stands ready. */
  prestart(): void {
    this.ready ??= this.start();
  }

  /**
   * Builds and writes a drive's manifest and header in the ready worker (or a new one). The records
   * go over in slices, a turn of the event loop apart: copying 20,000 of them into the worker's
   * message at once held the engine's thread for 40 ms.
   */
  async write(init: ManifestInit): Promise<ManifestReply> {
    const w = this.ready ?? this.start();
    this.ready = undefined;
    const reply = new Promise<ManifestReply>((resolveM) => {
      const end = (m: ManifestReply) => {
        this.all.delete(w);
        void w.terminate();
        resolveM(m);
      };
      w.once('message', end);
      w.once('error', (e) => end({ t: 'manifest-error', code: 'EWORKER', message: e.message }));
    });
    const { records, ...rest } = init;
    for (let i = 0; records && i < records.length; i += RECORDS_A_MESSAGE) {
      w.postMessage({ t: 'records', records: records.slice(i, i + RECORDS_A_MESSAGE) } satisfies ToManifestWorker);
      await new Promise((r) => setImmediate(r));
    }
    w.postMessage({ t: 'write', init: rest, ...(records ? { withRecords: true } : {}) } satisfies ToManifestWorker);
    return reply;
  }

  /** Stops every worker still running (the run's end, however it ends). */
  terminate(): void {
    for (const w of this.all) void w.terminate();
    this.all.clear();
    this.ready = undefined;
  }

  private start(): Worker {
    const w = startWorker(this.url, undefined);
    this.all.add(w);
    return w;
  }
}

/**
 * What a manifest writer answers for `init` (the worker's message, on whichever thread it runs):
 * the drive's manifest and header from the records, or the error in words.
 */
export async function writeDriveFilesFor(
  init: ManifestInit,
  records: FileRecord[],
  knownSessions: Iterable<string>,
  breathe?: () => Promise<void>,
  beforeWrite?: Promise<void>,
): Promise<ManifestReply> {
  try {
    const r = await writeDriveRoot(init.root, {
      driveId: init.driveId,
      jobName: init.jobName,
      records,
      knownSessions: new Set(knownSessions),
      newSessions: init.newSessions,
      generatedId: init.generatedId,
      now: init.now,
      ...(breathe ? { breathe } : {}),
      ...(beforeWrite ? { beforeWrite } : {}),
    });
    return { t: 'manifest-done', manifestHash: r.manifestHash, blobs: r.blobs, manifestStamp: r.manifestStamp };
  } catch (e) {
    return manifestErrorReply(e);
  }
}

/** A manifest writer's failure as its reply: the error's code and words. */
export function manifestErrorReply(e: unknown): ManifestReply {
  return { t: 'manifest-error', code: (e as NodeJS.ErrnoException).code ?? 'EMANIFEST', message: messageOf(e) };
}

/**
 * Writes a drive's manifest and header from the journal as the engine holds it: on this thread
 * for a few blobs (a new drive's header), else in a worker.
 */
async function writeDriveFiles(
  workers: ManifestWorkers,
  r: DriveRun,
  journal: Journal,
  job: { jobName: string; session: string; generatedId: boolean },
  /** the drive's data is on the disk: the manifest is written after it (built before, on this thread) */
  flushed?: Promise<void>,
): Promise<ManifestReply> {
  const init: ManifestInit = {
    root: r.info.path,
    journal: journal.path,
    driveId: r.info.driveId,
    jobName: job.jobName,
    newSessions: [job.session],
    generatedId: job.generatedId,
    now: Date.now(),
  };
  const records = journal.filesOnDrive(init.driveId);
  const knownSessions = [...journal.sessions.keys()];
  if (records.length > IN_THREAD_RECORDS) {
    await flushed;
    return workers.write({ ...init, records, knownSessions });
  }
  return writeDriveFilesFor(init, records, knownSessions, () => new Promise((r) => setImmediate(r)), flushed);
}

/** Room kept on each drive for its manifest: another program filling the drive mid-copy cannot take it. */
const MANIFEST_ROOM = 1024 * 1024;

/**
 * Takes the room (a file under .haul-tmp, removed with the temporaries just before the manifests
 * are written), off the event loop: its flush on a busy drive held the engine's thread 10-50 ms.
 */
async function keepManifestRoom(root: string): Promise<void> {
  try {
    await mkdir(join(root, TMP_DIR), { recursive: true });
    const fh = await open(join(root, TMP_DIR, 'manifest-room'), 'w');
    try {
      await fh.write(Buffer.alloc(MANIFEST_ROOM), 0, MANIFEST_ROOM, 0);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // a drive this full fails the copy anyway, with the reason in words
  }
}

/**
 * The header on every target first — a full drive may hand files to one that had none planned —
 * and the drive in the journal. Throws ManifestError when a drive cannot take it.
 */
export async function writeHeaders(
  workers: ManifestWorkers,
  runs: DriveRun[],
  journal: Journal,
  jobName: string,
  session: string,
): Promise<void> {
  for (const r of runs) {
    const generated = r.info.idSource === 'generated' || journal.drives.get(r.info.driveId)?.generated === true;
    const w = await writeDriveFiles(workers, r, journal, { jobName, session, generatedId: generated });
    if (w.t === 'manifest-error')
      throw new ManifestError(
        w.code,
        `Could not write the drive header on ${r.info.path}: ${w.message}. Check that the drive is writable and has room.`,
      );
    await keepManifestRoom(r.info.path);
    if (journal.drives.get(r.info.driveId)?.target !== r.info.path) {
      journal.append([
        {
          t: 'drive',
          drive: r.info.driveId,
          target: r.info.path,
          at: Date.now(),
          generated: r.info.idSource === 'generated',
        },
      ]);
    }
  }
}

/**
 * The manifest, header and DriveInfo of every drive that holds files of this journal; with each
 * drive, the stamp of the manifest as it was written (a FileStamp), to tell later whether it is still
 * the one this run wrote.
 */
export async function writeManifests(
  workers: ManifestWorkers,
  runs: DriveRun[],
  journal: Journal,
  jobName: string,
  session: string,
  failed: FailedFile[],
  /** the last flush of the drives' data (DriveScheduler.flushBehind), awaited before a manifest is written */
  flushed?: Promise<void>,
): Promise<{ drives: PreparedDrive[]; stamps: Map<string, FileStamp> }> {
  const drives: PreparedDrive[] = [];
  const stamps = new Map<string, FileStamp>();
  const todo = runs.filter(
    (r) =>
      r.state !== 'removed' && (r.filesTotal > 0 || r.filesDone > 0 || journal.filesOnDrive(r.info.driveId).length > 0),
  );
  // which drives' manifests go to a worker: the next one's starts while the one before is written
  const big = todo.map((r) => journal.filesOnDrive(r.info.driveId).length > IN_THREAD_RECORDS);
  for (const [i, r] of todo.entries()) {
    if (big.slice(i + 1).some(Boolean)) workers.prestart();
    try {
      const w = await writeDriveFiles(
        workers,
        r,
        journal,
        { jobName, session, generatedId: journal.drives.get(r.info.driveId)?.generated === true },
        flushed,
      );
      if (w.t === 'manifest-error') throw new ManifestError(w.code, w.message);
      const driveInfoFile = await writeDriveInfo(journal.path, r.info.driveId, w.manifestHash, r.bitLockerKey);
      const onDrive = journal.filesOnDrive(r.info.driveId);
      stamps.set(r.info.path, w.manifestStamp);
      drives.push({
        driveId: r.info.driveId,
        target: r.info.path,
        manifestFile: `\\${MANIFEST_FILE}`,
        manifestHash: w.manifestHash,
        driveHeaderHash: md5Upper(readFileSync(join(r.info.path, HEADER_FILE))),
        driveInfoFile,
        files: onDrive.length,
        bytes: onDrive.reduce((s, f) => s + f.size, 0),
      });
    } catch (e) {
      failed.push({
        source: r.info.path,
        code: (e as NodeJS.ErrnoException).code ?? 'EMANIFEST',
        message: `writing the manifest on ${r.info.path} failed: ${messageOf(e)}`,
      });
    }
  }
  return { drives, stamps };
}

// An export job's drive, back with the customer: checked against the MD5s the data center wrote
// into its manifest as it read each blob (what `haul verify` does, as a screen), then its files
// copied off to a folder with the same check — each 4 MiB block read once, its MD5 compared with
// the manifest's before it is written, a file put in place (renamed from a partial) only when
// every block matched. Progress and cancel like prep; one run per job at a time.
import { throttledProgress } from '../progress';
import { messageOf } from '../../../shared/errors';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, open, readFile, realpath, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import {
  HEADER_FILE,
  MANIFEST_FILE,
  parseDriveHeader,
  parseDriveManifest,
  type DriveManifest,
  type ManifestBlob,
} from '../../../shared/formats/driveManifest';
import { HandlerError } from '../../../shared/ipc/contract';
import type { JobView } from '../../../shared/jobs/schemas';
import { BLOCK_SIZE } from '../../../shared/prep/constants';
import { formatBytes } from '../../../shared/prep/names';
import type { ReceivedProblem, ReceivedStatus } from '../../../shared/report/schemas';
import type { CoreEvents } from '../events';
import { workerFile } from '../prep/threads/workerBoot';
import { verifyTarget } from '../prep/verify/verify';

/** Problems kept in the status (the count goes on). */
const MAX_PROBLEMS = 1000;
const PARTIAL = '.haul-partial';

export interface ReceivedRunsOptions {
  job: (name: string) => Promise<JobView>;
  events: CoreEvents;
  progressIntervalMs?: number;
  now?: () => Date;
  /** Where the verify worker is when not next to the bundle (CoreOptions.prepWorkerDir). */
  workerDir?: URL;
}

export interface ReceivedRuns {
  check(name: string, drivePath: string): Promise<ReceivedStatus>;
  copy(name: string, drivePath: string, destination: string): Promise<ReceivedStatus>;
  cancel(name: string): ReceivedStatus;
  status(name: string): ReceivedStatus | undefined;
  whenEnded(name: string): Promise<void>;
  dispose(): Promise<void>;
}

const inside = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

function abortError(): Error {
  return new DOMException('The copy was cancelled.', 'AbortError');
}

/** The drive's manifest, checked against its header and against the job. */
async function readDrive(
  root: string,
  job: JobView,
): Promise<{ manifest: DriveManifest; problems: ReceivedProblem[] }> {
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new HandlerError(
      'bad-drive',
      `${root} is not a folder: give the mount path of the returned drive.`,
      'drivePath',
    );
  const manifestPath = path.join(root, MANIFEST_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(manifestPath);
  } catch {
    throw new HandlerError(
      'bad-drive',
      `${root} holds no ${MANIFEST_FILE}: it is not a drive the data center wrote for an export job (or not its root folder).`,
      'drivePath',
    );
  }
  let manifest: DriveManifest;
  try {
    manifest = parseDriveManifest(bytes.toString('utf8'));
  } catch (err) {
    throw new HandlerError(
      'bad-drive',
      `The drive's ${MANIFEST_FILE} is damaged (${messageOf(err)}), so its files cannot be checked.`,
      'drivePath',
    );
  }
  const problems: ReceivedProblem[] = [];
  try {
    const h = parseDriveHeader(await readFile(path.join(root, HEADER_FILE), 'utf8'));
    const actual = createHash('md5').update(bytes).digest('hex').toUpperCase();
    if (h.manifestHash !== actual)
      problems.push({
        text: `The drive's ${MANIFEST_FILE} (MD5 ${actual}) is not the one ${HEADER_FILE} names (${h.manifestHash}): it was changed after the data center wrote it.`,
      });
    if (h.jobName && h.jobName !== job.name)
      throw new HandlerError(
        'wrong-job',
        `This drive was written for job ${h.jobName}, not ${job.name}. Open job ${h.jobName} to check it.`,
        'drivePath',
      );
  } catch (err) {
    if (err instanceof HandlerError) throw err;
    problems.push({
      text: `The drive's ${HEADER_FILE} is missing or damaged: ${messageOf(err)}`,
    });
  }
  if (job.drives.length && !job.drives.some((d) => d.driveId.toLowerCase() === manifest.driveId.toLowerCase()))
    throw new HandlerError(
      'wrong-drive',
      `Drive ${manifest.driveId} is not one of job ${job.name}'s drives (${job.drives.map((d) => d.driveId).join(', ')}).`,
      'drivePath',
    );
  return { manifest, problems };
}

/** Reads `length` bytes at `offset` into `buf` (a short read past the end returns fewer). */
async function readFully(fh: FileHandle, buf: Buffer, length: number, offset: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** Each block of `blob` in the file at `src` against the manifest; with `out`, written there too. */
async function copyBlob(
  src: string,
  out: FileHandle | undefined,
  blob: ManifestBlob,
  buf: Buffer,
  signal: AbortSignal,
  onBytes: (n: number) => void,
): Promise<string | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(src, 'r');
  } catch (err) {
    return `it cannot be opened on the drive (${(err as NodeJS.ErrnoException).code ?? messageOf(err)})`;
  }
  try {
    const size = (await fh.stat()).size;
    if (size !== blob.length)
      return `it is ${size.toLocaleString('en-US')} bytes on the drive; the manifest says ${blob.length.toLocaleString('en-US')}`;
    for (const [i, b] of blob.blocks.entries()) {
      if (signal.aborted) throw abortError();
      const got = await readFully(fh, buf, b.length, b.offset);
      onBytes(got);
      if (got !== b.length) return `block ${i + 1} could not be read whole from the drive`;
      const md5 = createHash('md5').update(buf.subarray(0, got)).digest('hex').toUpperCase();
      if (md5 !== b.hash.toUpperCase())
        return `block ${i + 1} (bytes ${b.offset.toLocaleString('en-US')}–${(b.offset + b.length - 1).toLocaleString('en-US')}) does not match the manifest (MD5 ${md5}, expected ${b.hash.toUpperCase()})`;
      if (out) await out.write(buf, 0, got, b.offset);
    }
    if (out) {
      await out.truncate(blob.length);
      await out.sync();
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

/** Folders a failed file's copy made, removed again while empty (from `dir` up to `top`, the first one made). */
async function removeEmpty(dir: string, top: string | undefined): Promise<void> {
  if (!top) return;
  for (let d = dir; inside(top, d); d = path.dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return; // not empty (or gone): what is above stays too
    }
    if (d === top) return;
  }
}

/** Every job's last run and the runs under way, and how their status is told. */
interface RunBook {
  last: Map<string, ReceivedStatus>;
  live: Map<string, { abort?: AbortController; ended: Promise<void> }>;
  emit: (s: ReceivedStatus) => void;
  now: () => Date;
  /** At most one progress event per this many milliseconds. */
  interval: number;
}

/** One run: its status, told as it changes (no more often than the interval), its problems, its work. */
interface Run {
  status: ReceivedStatus;
  changed: () => void;
  problem: (p: ReceivedProblem) => void;
  run: (work: (abort: AbortController) => Promise<void>, abort?: AbortController) => void;
}

/** A new run of job `name` (refused while one runs), with its status as the one the screens see. */
function beginRun(
  runs: RunBook,
  name: string,
  kind: ReceivedStatus['kind'],
  drivePath: string,
  destination?: string,
): Run {
  const { last, live, emit, now, interval } = runs;
  if (live.has(name))
    throw new HandlerError(
      'busy',
      `A ${last.get(name)?.kind === 'copy' ? 'copy' : 'check'} of job ${name}'s drive is running; wait for it to end, or cancel it.`,
    );
  const status: ReceivedStatus = {
    runId: `${kind}-${randomBytes(4).toString('hex')}`,
    name,
    kind,
    drivePath,
    ...(destination ? { destination } : {}),
    state: 'running',
    startedAt: now().toISOString(),
    total: { files: 0, bytes: 0 },
    done: { files: 0, bytes: 0 },
    good: 0,
    problems: [],
    problemCount: 0,
  };
  last.set(name, status);
  const { changed, stop } = throttledProgress(status, interval, emit);
  const problem = (p: ReceivedProblem) => {
    status.problemCount += 1;
    if (status.problems.length < MAX_PROBLEMS) status.problems.push(p);
  };
  const run = (work: (abort: AbortController) => Promise<void>, abort?: AbortController) => {
    const ended = work(abort ?? new AbortController())
      .then(
        () => {
          status.state = 'done';
        },
        (err: unknown) => {
          if (abort?.signal.aborted) status.state = 'cancelled';
          else {
            status.state = 'failed';
            status.message = messageOf(err).slice(0, 400);
          }
        },
      )
      .finally(() => {
        stop();
        status.endedAt = now().toISOString();
        live.delete(name);
        emit(status);
      });
    live.set(name, { ...(abort ? { abort } : {}), ended });
    emit(status);
  };
  return { status, changed, problem, run };
}

/** The folder to copy into, which must be given as a full path. */
function destinationPath(destination: string): string {
  if (!path.isAbsolute(destination))
    throw new HandlerError(
      'bad-folder',
      `Give the folder to copy into as a full path (${destination} is not).`,
      'destination',
    );
  return path.resolve(destination);
}

/** Makes the folder to copy into where missing, and refuses one that overlaps the drive. */
async function makeDestination(root: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new HandlerError(
      'bad-folder',
      `Haul cannot make the folder ${dest} (${err.code ?? err.message}).`,
      'destination',
    );
  });
  const realRoot = await realpath(root);
  const realDest = await realpath(dest);
  if (inside(realRoot, realDest) || inside(realDest, realRoot))
    throw new HandlerError(
      'bad-folder',
      `Copy into a folder outside the drive (${dest} and the drive ${root} overlap).`,
      'destination',
    );
}

/**
 * One file of the drive copied off: checked block by block and put in place from a partial only
 * when whole; a file already there checked, never overwritten; each outcome counted in `r`.
 */
async function copyFileOff(
  r: Run,
  blob: ManifestBlob,
  root: string,
  dest: string,
  buf: Buffer,
  signal: AbortSignal,
): Promise<void> {
  const src = path.join(root, ...blob.filePath.split('/'));
  const out = path.join(dest, ...blob.blobPath.split('/'));
  const where = { filePath: blob.filePath, blobPath: blob.blobPath };
  const fileDone = () => {
    r.status.done.files += 1;
    r.changed();
  };
  if (!inside(root, src) || !inside(dest, out)) {
    r.problem({ ...where, text: `${blob.blobPath}: its name leaves the folder; it was not copied.` });
    r.status.done.bytes += blob.length;
    fileDone();
    return;
  }
  const already = await stat(out).catch(() => undefined);
  if (already) {
    // Copied by an earlier run (or another file of that name): checked, never overwritten.
    const why = await copyBlob(out, undefined, blob, buf, signal, (n) => (r.status.done.bytes += n));
    if (why)
      r.problem({
        ...where,
        text: `${out} is already in the folder and is not this blob's data (${why.replace(/on the drive/g, 'there')}); it was left as it is.`,
      });
    else r.status.good += 1;
    fileDone();
    return;
  }
  const made = await mkdir(path.dirname(out), { recursive: true });
  const partial = `${out}${PARTIAL}`;
  const fh = await open(partial, 'w', 0o644);
  let why: string | undefined;
  try {
    why = await copyBlob(src, fh, blob, buf, signal, (n) => {
      r.status.done.bytes += n;
      r.changed();
    });
  } catch (err) {
    await fh.close();
    await rm(partial, { force: true });
    throw err;
  }
  await fh.close();
  if (why) {
    await rm(partial, { force: true });
    await removeEmpty(path.dirname(out), made);
    r.problem({ ...where, text: `${blob.blobPath} (${blob.filePath} on the drive) was not copied: ${why}.` });
  } else {
    await rename(partial, out);
    r.status.good += 1;
  }
  fileDone();
}

/** A copy of a run's status, safe to hand out while the run goes on changing it. */
function snapshot(s: ReceivedStatus): ReceivedStatus {
  return {
    ...s,
    total: { ...s.total },
    done: { ...s.done },
    problems: [...s.problems],
  };
}

/** The job, refused unless it is an export job (only their drives come back with data to copy off). */
async function exportJob(o: ReceivedRunsOptions, name: string): Promise<JobView> {
  const job = await o.job(name);
  if (job.type !== 'Export')
    throw new HandlerError(
      'not-export',
      `Job ${name} is an import job: its drives are not returned with data to copy off. Its completion report says what was imported.`,
    );
  return job;
}

/** Reads the returned drive once through against its manifest's MD5s; each problem named by its file. */
async function checkDrive(r: Run, root: string, manifest: DriveManifest, workerDir: URL | undefined): Promise<void> {
  const report = await verifyTarget(
    root,
    (done) => {
      r.status.done.bytes = done;
      r.changed();
    },
    workerFile('verifyWorker', workerDir),
  );
  r.status.done = { files: report.blobs, bytes: report.bytes };
  const bad = new Set<string>();
  for (const text of report.problems) {
    const file = manifest.blobs.find((b) => text.includes(b.filePath));
    if (file) bad.add(file.filePath);
    r.problem({ ...(file ? { filePath: file.filePath, blobPath: file.blobPath } : {}), text });
  }
  r.status.good = report.blobs - bad.size;
}

export function createReceivedRuns(o: ReceivedRunsOptions): ReceivedRuns {
  const now = o.now ?? (() => new Date());
  const interval = o.progressIntervalMs ?? 250;
  const last = new Map<string, ReceivedStatus>();
  const live = new Map<string, { abort?: AbortController; ended: Promise<void> }>();

  const emit = (s: ReceivedStatus) => o.events.emit('received.progress', snapshot(s));
  const runs: RunBook = { last, live, emit, now, interval };
  const begin = (name: string, kind: ReceivedStatus['kind'], drivePath: string, destination?: string) =>
    beginRun(runs, name, kind, drivePath, destination);

  return {
    async check(name, drivePath) {
      const job = await exportJob(o, name);
      const root = path.resolve(drivePath);
      // Which job and drive it is; the manifest and header themselves are verifyTarget's to judge.
      const { manifest } = await readDrive(root, job);
      const r = begin(name, 'check', root);
      r.status.driveId = manifest.driveId;
      r.status.total = { files: manifest.blobs.length, bytes: manifest.blobs.reduce((s, b) => s + b.length, 0) };
      r.run(() => checkDrive(r, root, manifest, o.workerDir));
      return snapshot(r.status);
    },

    async copy(name, drivePath, destination) {
      const job = await exportJob(o, name);
      const root = path.resolve(drivePath);
      const dest = destinationPath(destination);
      const { manifest, problems } = await readDrive(root, job);
      await makeDestination(root, dest);
      const abort = new AbortController();
      const r = begin(name, 'copy', root, dest);
      r.status.driveId = manifest.driveId;
      r.status.total = { files: manifest.blobs.length, bytes: manifest.blobs.reduce((s, b) => s + b.length, 0) };
      for (const p of problems) r.problem(p);
      r.run(async () => {
        const buf = Buffer.allocUnsafe(BLOCK_SIZE); // a manifest's block is at most this long
        for (const blob of manifest.blobs) {
          if (abort.signal.aborted) throw abortError();
          await copyFileOff(r, blob, root, dest, buf, abort.signal);
        }
      }, abort);
      return snapshot(r.status);
    },

    cancel(name) {
      const s = last.get(name);
      if (!s)
        throw new HandlerError('not-found', `Nothing of job ${name}'s drives has been checked since Haul started.`);
      const run = live.get(name);
      if (run && !run.abort)
        throw new HandlerError(
          'cannot-cancel',
          `The check of drive ${s.driveId ?? s.drivePath} reads the drive once through (${formatBytes(s.total.bytes)}); it cannot be stopped half-way. Wait for it to end.`,
        );
      run?.abort?.abort();
      return snapshot(s);
    },
    status(name) {
      const s = last.get(name);
      return s ? snapshot(s) : undefined;
    },
    whenEnded(name) {
      return live.get(name)?.ended ?? Promise.resolve();
    },
    async dispose() {
      for (const r of live.values()) r.abort?.abort();
      await Promise.all([...live.values()].map((r) => r.ended));
    },
  };
}

// Export: copies the blobs an export job names from Azurite onto folders (one per drive) in the
// prepared-drive layout (docs/formats.md, session id `export-<jobName>`), so `haul verify` can check them.
// Blobs are placed whole on the first drive with room left (never split); the ones that fit nowhere
// are listed in a <BlobList> blob for the job's incompleteBlobListUri.
import { messageOf } from '../../shared/errors';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { BlobServiceClient } from '@azure/storage-blob';
import {
  BLOCK_SIZE,
  HEADER_FILE,
  MANIFEST_FILE,
  parseDriveHeader,
  serializeDriveHeader,
  serializeDriveManifest,
  type BlobType,
  type ManifestBlob,
} from '../../shared/formats/driveManifest';
import {
  DEFAULT_DIAGNOSTICS_PATH,
  driveLogBlobName,
  errorView,
  logTimestamp,
  parseBlobList,
  serializeBlobList,
  serializeDriveLog,
  type DriveLogBlob,
} from '../../shared/formats/driveLog';
import { writeFileAtomic } from '../../shared/node/atomicWrite';
import { withAzurite } from './azurite';
import { hashInSlices, md5Hex } from './hashing';
import { generateBitLockerKey } from './bitlocker';
import { blobNameProblem, containerNameProblem, splitBlobPath, splitDiagnosticsPath } from './names';
import type { ExportedDrive, ExportResult, ExportToDrivesOptions, TransferProgress } from './types';
import { clause } from '../../shared/text';

/** Room kept free on each drive for DriveManifest.xml, HaulDrive.json and file-system overhead. */
const DRIVE_RESERVE = 1024 * 1024;

interface Candidate {
  container: string;
  name: string;
  length: number;
  blobType: BlobType;
  etag: string;
  /** The blob's Content-MD5, when storage has one: the written file is checked against it. */
  contentMD5?: string;
}

const b64ToHex = (v: Uint8Array | undefined) =>
  v && v.length === 16 ? Buffer.from(v).toString('hex').toUpperCase() : undefined;

const fullPath = (c: { container: string; name: string }) => `/${c.container}/${c.name}`;

/** Bytes a blob takes on a drive: data rounded up to 4 KiB plus its share of the manifest. */
function footprint(length: number): number {
  return Math.ceil(length / 4096) * 4096 + 512 + 128 * Math.ceil(length / BLOCK_SIZE);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The export was cancelled.', 'AbortError');
}

function errText(e: unknown): string {
  return messageOf(e).split('\n')[0] ?? messageOf(e);
}

async function resolveBlobList(
  service: BlobServiceClient,
  opts: ExportToDrivesOptions,
): Promise<{ paths: string[]; prefixes: string[] }> {
  const paths = [...(opts.blobList?.blobPath ?? [])];
  const prefixes = [...(opts.blobList?.blobPathPrefix ?? [])];
  if (opts.blobListBlobPath) {
    const split = splitBlobPath(opts.blobListBlobPath);
    if ('problem' in split)
      throw new Error(`export.blobListBlobPath "${opts.blobListBlobPath}" is not valid: the ${split.problem}.`);
    let xml: string;
    try {
      xml = (await service.getContainerClient(split.container).getBlobClient(split.blob).downloadToBuffer()).toString(
        'utf8',
      );
    } catch (e) {
      throw new Error(
        `The blob list ${opts.blobListBlobPath} named by export.blobListBlobPath cannot be read (${errText(e)}); upload it to the storage account first.`,
      );
    }
    const list = parseBlobList(xml);
    paths.push(...list.blobPath);
    prefixes.push(...list.blobPathPrefix);
  }
  if (!paths.length && !prefixes.length)
    throw new Error(
      'The export job names no blobs: give export.blobList (blobPath or blobPathPrefix) or export.blobListBlobPath.',
    );
  return { paths, prefixes };
}

async function listCandidates(
  service: BlobServiceClient,
  paths: string[],
  prefixes: string[],
  missing: ExportResult['incompleteBlobs'],
): Promise<Candidate[]> {
  const found = new Map<string, Candidate>();
  const add = (c: Candidate) => {
    if (!found.has(fullPath(c))) found.set(fullPath(c), c);
  };
  const kind = (t: string | undefined): Candidate['blobType'] => (t === 'PageBlob' ? 'PageBlob' : 'BlockBlob');
  for (const p of paths) {
    const split = splitBlobPath(p);
    if ('problem' in split) {
      missing.push({ blobPath: p, length: 0, reason: `the ${split.problem}` });
      continue;
    }
    try {
      const props = await service.getContainerClient(split.container).getBlobClient(split.blob).getProperties();
      const contentMD5 = b64ToHex(props.contentMD5);
      add({
        container: split.container,
        name: split.blob,
        length: props.contentLength ?? 0,
        blobType: kind(props.blobType),
        etag: props.etag ?? '',
        ...(contentMD5 ? { contentMD5 } : {}),
      });
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      missing.push({
        blobPath: p.startsWith('/') ? p : `/${p}`,
        length: 0,
        reason:
          status === 404 ? 'the blob does not exist in the storage account' : `the blob cannot be read (${errText(e)})`,
      });
    }
  }
  for (const raw of prefixes) {
    const pre = raw.startsWith('/') ? raw.slice(1) : raw;
    const slash = pre.indexOf('/');
    // "/" = every container; "/book" = containers whose name starts with "book"; "/music/" = container music;
    // "/music/love" = blobs of container music whose name starts with "love".
    const containerPart = slash < 0 ? pre : pre.slice(0, slash);
    const blobPrefix = slash < 0 ? undefined : pre.slice(slash + 1);
    const containers: string[] = [];
    const problem =
      blobPrefix !== undefined
        ? containerNameProblem(containerPart)
        : /^[a-z0-9-]*$/.test(containerPart) || containerPart === '$root'
          ? undefined
          : `"${containerPart}" cannot begin a container name (lower-case letters, digits and hyphens only)`;
    if (problem)
      throw new Error(`Export blob path prefix "${raw}" is not valid: ${problem}. Correct the job's export blob list.`);
    if (blobPrefix === undefined) {
      for await (const c of service.listContainers({ prefix: containerPart || undefined })) containers.push(c.name);
    } else {
      containers.push(containerPart);
    }
    for (const cName of containers) {
      const container = service.getContainerClient(cName);
      try {
        for await (const b of container.listBlobsFlat({ prefix: blobPrefix || undefined })) {
          if (b.name.startsWith('.haul-staging/')) continue;
          const contentMD5 = b64ToHex(b.properties.contentMD5);
          add({
            container: cName,
            name: b.name,
            length: b.properties.contentLength ?? 0,
            blobType: kind(b.properties.blobType),
            etag: b.properties.etag,
            ...(contentMD5 ? { contentMD5 } : {}),
          });
        }
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      }
    }
  }
  return [...found.values()];
}

/** Refuses a target that holds anything but a previous run of this same export (no data is ever overwritten). */
async function checkTarget(dir: string, jobName: string, session: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = (await readdir(dir)).filter((e) => e !== 'lost+found');
  const ours = new Set([session, MANIFEST_FILE, HEADER_FILE]);
  const foreign = entries.filter((e) => !ours.has(e));
  if (foreign.length) {
    throw new Error(
      `Export target ${dir} is not empty (it holds ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); an export writes only onto empty drives so that no data is lost. Empty it or choose another folder.`,
    );
  }
  if (entries.includes(HEADER_FILE)) {
    let job = '';
    try {
      job = parseDriveHeader(await readFile(path.join(dir, HEADER_FILE), 'utf8')).jobName;
    } catch {
      job = '';
    }
    if (job !== jobName)
      throw new Error(
        `Export target ${dir} already holds a prepared drive${job ? ` of job ${job}` : ''}; use an empty drive for export job ${jobName}.`,
      );
  }
  // A previous run of this export: start it over.
  await rm(path.join(dir, session), { recursive: true, force: true });
}

async function uploadText(
  service: BlobServiceClient,
  diag: { container: string; prefix: string },
  name: string,
  body: string,
): Promise<string> {
  const container = service.getContainerClient(diag.container);
  await container.createIfNotExists();
  const blob = container.getBlockBlobClient(`${diag.prefix}${name}`);
  const data = Buffer.from(body, 'utf8');
  await blob.upload(data, data.length, { blobHTTPHeaders: { blobContentType: 'application/xml; charset=utf-8' } });
  return blob.url;
}

/** Downloads one blob into `file`, block by block; returns the manifest blocks. Throws on any failure. */
async function writeBlob(
  service: BlobServiceClient,
  c: Candidate,
  file: string,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void,
) {
  await mkdir(path.dirname(file), { recursive: true });
  const blob = service.getContainerClient(c.container).getBlobClient(c.name);
  const fh = await open(file, 'wx');
  const blocks: ManifestBlob['blocks'] = [];
  const whole = createHash('md5');
  try {
    for (let offset = 0; offset < c.length; offset += BLOCK_SIZE) {
      throwIfAborted(signal);
      const length = Math.min(BLOCK_SIZE, c.length - offset);
      const buf = Buffer.alloc(length);
      // The etag condition makes a blob that changes during the export fail instead of mixing versions.
      await blob.downloadToBuffer(buf, offset, length, {
        conditions: c.etag ? { ifMatch: c.etag } : {},
        abortSignal: signal,
      });
      await fh.write(buf, 0, length, offset);
      const blockHash = createHash('md5');
      await hashInSlices(buf, [blockHash, whole]);
      blocks.push({ offset, length, hash: blockHash.digest('hex').toUpperCase() });
      onBytes(length);
    }
    const got = whole.digest('hex').toUpperCase();
    if (c.contentMD5 && got !== c.contentMD5) {
      throw new Error(
        `the data read has MD5 ${got} but the blob's Content-MD5 is ${c.contentMD5}; the blob is damaged in storage`,
      );
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return blocks;
}

/** A target folder, one drive: where it is, the room left on it and the blobs placed on it. */
interface Target {
  index: number;
  dir: string;
  driveId: string;
  device: number | undefined;
  free: number;
  blobs: Candidate[];
}

/** What the steps of one export share once the blobs are placed. */
interface ExportRun {
  opts: ExportToDrivesOptions;
  service: BlobServiceClient;
  session: string;
  diag: { container: string; prefix: string };
  now: () => number;
  progress: TransferProgress;
  report: () => void;
  incomplete: ExportResult['incompleteBlobs'];
}

/**
 * Exports the job's blobs onto the target folders (see ExportToDrivesOptions). Rejects, before
 * writing anything, when the blob list cannot be read or a target is not empty; rejects with the
 * signal's reason when aborted. Blobs that do not fit, or fail, are returned in incompleteBlobs.
 */
export async function exportToDrives(opts: ExportToDrivesOptions): Promise<ExportResult> {
  const now = opts.now ?? Date.now;
  const diag = splitDiagnosticsPath(opts.diagnosticsPath || DEFAULT_DIAGNOSTICS_PATH);
  if (!opts.targets.length) throw new Error('Export needs at least one target folder (one per drive).');
  if (!/^[A-Za-z0-9_-]{2,64}$/.test(opts.jobName))
    throw new Error(
      `Job name "${opts.jobName}" is not valid for an export session folder (2-64 letters, digits, "-" or "_").`,
    );
  const session = `export-${opts.jobName}`;
  return withAzurite(opts.azurite, [opts.storageAccount], async () => {
    const service = opts.azurite.client(opts.storageAccount);
    const incomplete: ExportResult['incompleteBlobs'] = [];
    const { paths, prefixes } = await resolveBlobList(service, opts);
    const candidates = await listCandidates(service, paths, prefixes, incomplete);
    const targets = await openTargets(opts, session);
    placeBlobs(candidates, targets, incomplete);

    const bytesTotal = targets.reduce((s, t) => s + t.blobs.reduce((a, b) => a + b.length, 0), 0);
    const progress: TransferProgress = {
      bytesProcessed: 0,
      bytesTotal,
      bytesSucceeded: 0,
      blobsDone: 0,
      blobsTotal: targets.reduce((s, t) => s + t.blobs.length, 0),
    };
    const report = () => opts.onProgress?.({ ...progress });
    report();

    const run: ExportRun = { opts, service, session, diag, now, progress, report, incomplete };
    const drives: ExportedDrive[] = [];
    for (const t of targets) drives.push(await exportDrive(run, t));

    let incompleteBlobListUri: string | undefined;
    if (incomplete.length) {
      incompleteBlobListUri = await uploadText(
        service,
        diag,
        `${opts.jobName}_${logTimestamp(now())}_IncompleteBlobList.xml`,
        serializeBlobList({ blobPath: incomplete.map((b) => b.blobPath) }),
      );
    }
    return {
      drives,
      incompleteBlobs: incomplete,
      ...(incompleteBlobListUri ? { incompleteBlobListUri } : {}),
      bytesTotal,
      bytesSucceeded: progress.bytesSucceeded,
    };
  });
}

/**
 * The target folders, checked (no two overlap, capacities are numbers, each is empty or holds this
 * export, no two drive ids alike), with the room each has for blobs.
 */
async function openTargets(opts: ExportToDrivesOptions, session: string): Promise<Target[]> {
  const dirs = opts.targets.map((t) => path.resolve(t.path));
  for (const [i, a] of dirs.entries()) {
    for (const b of dirs.slice(i + 1)) {
      if (a === b || b.startsWith(a + path.sep) || a.startsWith(b + path.sep))
        throw new Error(`Export targets ${a} and ${b} overlap; each drive needs its own folder.`);
    }
  }
  for (const t of opts.targets) {
    if (t.capacityBytes !== undefined && (!Number.isFinite(t.capacityBytes) || t.capacityBytes < 0))
      throw new Error(`Capacity of export target ${t.path} must be a number of bytes (got ${t.capacityBytes}).`);
  }
  const targets: Target[] = await Promise.all(
    opts.targets.map(async (t, i) => {
      const dir = dirs[i] as string;
      await checkTarget(dir, opts.jobName, session);
      const driveId = t.driveId ?? `HAULEXP${randomBytes(5).toString('hex').toUpperCase()}`;
      const fs = t.capacityBytes === undefined ? await statfs(dir) : undefined;
      const device = t.capacityBytes === undefined ? (await stat(dir)).dev : undefined;
      const capacity = t.capacityBytes ?? (fs ? fs.bavail * fs.bsize : 0);
      return { index: i, dir, driveId, device, free: capacity - DRIVE_RESERVE, blobs: [] };
    }),
  );
  // Folders on one file system (a sandbox without real drives) share its free space.
  const byDevice = new Map<number, Target[]>();
  for (const t of targets) if (t.device !== undefined) byDevice.set(t.device, [...(byDevice.get(t.device) ?? []), t]);
  for (const group of byDevice.values()) {
    if (group.length > 1)
      for (const t of group) t.free = Math.floor((t.free + DRIVE_RESERVE) / group.length) - DRIVE_RESERVE;
  }
  const ids = new Set(targets.map((t) => t.driveId));
  if (ids.size !== targets.length)
    throw new Error('Two export targets have the same drive id; give each drive its own id.');
  return targets;
}

/** First fit, in listing order; a blob is never split across drives. What cannot be placed goes to `incomplete`. */
function placeBlobs(candidates: Candidate[], targets: Target[], incomplete: ExportResult['incompleteBlobs']): void {
  for (const c of candidates) {
    const problem = containerNameProblem(c.container) ?? blobNameProblem(c.name);
    if (problem) {
      incomplete.push({
        blobPath: fullPath(c),
        length: c.length,
        reason: `the ${problem}, so it cannot be written as a file`,
      });
      continue;
    }
    const need = footprint(c.length);
    const t = targets.find((x) => x.free >= need);
    if (!t) {
      incomplete.push({
        blobPath: fullPath(c),
        length: c.length,
        reason: `it does not fit on any of the ${targets.length} drive(s) (${c.length} bytes)`,
      });
      continue;
    }
    t.free -= need;
    t.blobs.push(c);
  }
}

/** Writes one drive: its blobs, then its manifest and header, then its error log (and verbose log). */
async function exportDrive(run: ExportRun, t: Target): Promise<ExportedDrive> {
  const { opts, service, session, diag, now } = run;
  const manifestBlobs: ManifestBlob[] = [];
  const logBlobs: DriveLogBlob[] = [];
  let bytes = 0;
  for (const c of t.blobs) {
    throwIfAborted(opts.signal);
    const written = await exportBlob(run, t, c);
    if (written.manifest) {
      manifestBlobs.push(written.manifest);
      bytes += c.length;
    }
    logBlobs.push(written.log);
    run.progress.blobsDone++;
    run.report();
  }
  const manifestXml = serializeDriveManifest({ version: '2014-11-01', driveId: t.driveId, blobs: manifestBlobs });
  const manifestHash = md5Hex(manifestXml);
  await writeFileAtomic(path.join(t.dir, MANIFEST_FILE), manifestXml);
  const headerJson = serializeDriveHeader({
    format: 'haul-drive',
    driveId: t.driveId,
    jobName: opts.jobName,
    sessionIds: [session],
    createdAt: now(),
    manifestHash,
  });
  await writeFileAtomic(path.join(t.dir, HEADER_FILE), headerJson);

  const status = logBlobs.some((b) => b.status !== 'Completed') ? 'CompletedWithErrors' : 'Completed';
  const full = { driveId: t.driveId, blobs: logBlobs, status } as const;
  const at = now();
  const errorLogUri = await uploadText(
    service,
    diag,
    driveLogBlobName(t.driveId, at, 'error'),
    serializeDriveLog(errorView(full)),
  );
  const verboseLogUri =
    opts.logLevel === 'Verbose'
      ? await uploadText(service, diag, driveLogBlobName(t.driveId, at, 'verbose'), serializeDriveLog(full))
      : undefined;
  const failed = logBlobs.length - manifestBlobs.length;
  return {
    driveId: t.driveId,
    path: t.dir,
    bytes,
    blobCount: manifestBlobs.length,
    manifestHash,
    manifestFile: MANIFEST_FILE,
    driveHeaderHash: md5Hex(headerJson),
    bitLockerKey: generateBitLockerKey(),
    errorLogUri,
    ...(verboseLogUri ? { verboseLogUri } : {}),
    outcome: failed ? 'CompletedMoreInfo' : 'Completed',
    copyStatus: `${status}: ${manifestBlobs.length} blob${manifestBlobs.length === 1 ? '' : 's'} exported (${bytes} bytes)${failed ? `, ${failed} failed; see the error log` : ''}`,
  };
}

/**
 * Writes one blob onto the drive: its manifest entry and its log line, or, when it fails, only a
 * log line saying why (and the blob in the incomplete list). Rethrows the signal's reason when aborted.
 */
async function exportBlob(
  run: ExportRun,
  t: Target,
  c: Candidate,
): Promise<{ manifest?: ManifestBlob; log: DriveLogBlob }> {
  const { opts, progress } = run;
  const filePath = [run.session, c.container, ...c.name.split('/')].join('/');
  const file = path.join(t.dir, ...filePath.split('/'));
  progress.currentBlob = fullPath(c);
  let done = 0;
  try {
    const blocks = await writeBlob(run.service, c, file, opts.signal, (n) => {
      done += n;
      progress.bytesProcessed += n;
      run.report();
    });
    progress.bytesSucceeded += c.length;
    return {
      manifest: {
        blobPath: `${c.container}/${c.name}`,
        filePath,
        length: c.length,
        importDisposition: 'overwrite',
        blobType: c.blobType,
        blocks,
      },
      log: {
        status: 'Completed',
        blobPath: `${c.container}/${c.name}`,
        filePath,
        length: c.length,
        blobType: c.blobType,
        blocks: blocks.map((b) => ({ ...b, status: 'Completed' as const })),
      },
    };
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    progress.bytesProcessed += c.length - done;
    await rm(file, { force: true }).catch(() => undefined);
    const changed = (e as { statusCode?: number }).statusCode === 412;
    const damaged = e instanceof Error && e.message.includes('damaged in storage');
    const reason = changed
      ? 'the blob changed while it was being exported'
      : damaged
        ? errText(e)
        : `writing it to ${file} failed (${errText(e)})`;
    run.incomplete.push({ blobPath: fullPath(c), length: c.length, reason });
    return {
      log: {
        status: changed ? 'BlobRequestFailed' : 'FileAccessDenied',
        blobPath: `${c.container}/${c.name}`,
        filePath,
        length: c.length,
        blobType: c.blobType,
        blocks: [],
        message: `Blob /${c.container}/${c.name} was not exported: ${clause(reason)}. It is listed in the incomplete blob list.`,
      },
    };
  }
}

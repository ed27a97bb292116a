// Import of one prepared drive (docs/formats.md: DriveManifest.xml + HaulDrive.json + data files) into
// the job's storage account in Azurite.
//
// Each file is read once, block by block; every block's MD5 is checked against the manifest before
// it is sent. Block blobs are staged block by block and committed only when every block matched (a
// corrupt file leaves no committed blob, only uncommitted blocks that storage discards). Page blobs
// are written to a hidden staging blob and copied into place only when every range matched.
import { messageOf } from '../../shared/errors';
import { createHash, randomBytes, randomUUID, type Hash } from 'node:crypto';
import { open, readFile, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Mutex, Semaphore } from 'async-mutex';
import {
  BlobSASPermissions,
  type BlobHTTPHeaders,
  type BlobServiceClient,
  type BlockBlobClient,
  type ContainerClient,
  type PageBlobClient,
  RestError,
} from '@azure/storage-blob';
import {
  BLOCK_SIZE,
  HEADER_FILE,
  MANIFEST_FILE,
  MAX_BLOCKS,
  SIDECAR_MAX_BYTES,
  blobSizeProblem,
  parseDriveHeader,
  parseDriveManifest,
  parseMetadataFile,
  parsePropertiesFile,
  type DriveHeader,
  type DriveManifest,
  type ManifestBlob,
  type ManifestSidecar,
} from '../../shared/formats/driveManifest';
import {
  DEFAULT_DIAGNOSTICS_PATH,
  blobHasIssue,
  driveLogBlobName,
  errorView,
  serializeDriveLog,
  type DriveLogBlob,
  type DriveLogInput,
  type DriveLogBlock,
  type DriveLogStatus,
} from '../../shared/formats/driveLog';
import { withAzurite } from './azurite';
import { hashInSlices, md5Hex } from './hashing';
import { renamedBlobName, splitBlobPath, splitDiagnosticsPath } from './names';
import type { BlobImportStatus, ImportDriveOptions, ImportDriveResult, TransferProgress } from './types';
import { clause } from '../../shared/text';

/**
 * Fixed-length block ids (storage requires all ids of a blob to have the same length), unique per
 * upload: two drives writing the same blob name at once must never commit each other's blocks.
 */
export function blockId(upload: string, index: number): string {
  return Buffer.from(`${upload}-${String(index).padStart(8, '0')}`).toString('base64');
}

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function errText(e: unknown): string {
  if (e instanceof RestError)
    return `storage answered ${e.statusCode ?? '?'} ${e.code ?? ''}: ${e.message.split('\n')[0]}`.trim();
  return messageOf(e);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The import was cancelled.', 'AbortError');
}

/** Internal: caught in this file and written into the drive's log as its status and message. */
class Fault extends Error {
  constructor(
    readonly status: DriveLogStatus,
    message: string,
  ) {
    super(message);
  }
}

interface DriveRead {
  manifest: DriveManifest;
  manifestBytes: Buffer;
  manifestHash: string;
  header: DriveHeader;
  headerHash: string;
}

async function readDrive(drivePath: string, opts: ImportDriveOptions): Promise<DriveRead> {
  try {
    const s = await stat(drivePath);
    if (!s.isDirectory())
      throw new Fault(
        'DiskNotFound',
        `The drive path ${drivePath} is not a folder or mount point; give the folder where the arrived drive is mounted.`,
      );
  } catch (e) {
    if (e instanceof Fault) throw e;
    const code = errCode(e);
    if (code === 'EACCES' || code === 'EPERM')
      throw new Fault(
        'DiskAccessDenied',
        `The drive at ${drivePath} cannot be read (permission denied); mount it readable for the service.`,
      );
    throw new Fault(
      'DiskNotFound',
      `No drive is readable at ${drivePath} (${code ?? errText(e)}); check that the drive is mounted there.`,
    );
  }
  const manifestPath = path.join(drivePath, MANIFEST_FILE);
  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(manifestPath);
  } catch (e) {
    const code = errCode(e);
    if (code === 'EACCES' || code === 'EPERM')
      throw new Fault('ManifestAccessDenied', `${manifestPath} cannot be read (permission denied).`);
    throw new Fault(
      'ManifestNotFound',
      `The drive at ${drivePath} has no ${MANIFEST_FILE}; it was not prepared with "haul prep" (or the wrong drive was mounted).`,
    );
  }
  let manifest: DriveManifest;
  try {
    manifest = parseDriveManifest(manifestBytes.toString('utf8'));
  } catch (e) {
    throw new Fault('ManifestFormatInvalid', `${manifestPath} cannot be used: ${errText(e)}`);
  }
  const snap = manifest.blobs.find((b) => b.snapshot !== undefined);
  if (snap)
    throw new Fault(
      'ManifestFormatInvalid',
      `${manifestPath} cannot be used: blob ${snap.blobPath} has a <Snapshot>, which the format writes only on export drives; an import drive's manifest names no snapshot. Remove it and prepare the drive again.`,
    );
  const manifestHash = md5Hex(manifestBytes);
  const headerPath = path.join(drivePath, HEADER_FILE);
  let headerBytes: Buffer;
  try {
    headerBytes = await readFile(headerPath);
  } catch {
    throw new Fault(
      'DriveHeaderNotFound',
      `The drive at ${drivePath} has no ${HEADER_FILE} (the drive header); prepare the drive again with "haul prep".`,
    );
  }
  let header: DriveHeader;
  try {
    header = parseDriveHeader(headerBytes.toString('utf8'));
  } catch (e) {
    throw new Fault('DriveHeaderInvalid', `${headerPath}: ${errText(e)}`);
  }
  if (header.manifestHash !== manifestHash) {
    throw new Fault(
      'ManifestCorrupted',
      `${manifestPath} has MD5 ${manifestHash} but the drive header records ${header.manifestHash}: the manifest was changed or damaged after preparation. Run "haul verify" on the drive and prepare it again.`,
    );
  }
  if (opts.expectedManifestHash && opts.expectedManifestHash.toUpperCase() !== manifestHash) {
    throw new Fault(
      'ManifestCorrupted',
      `${manifestPath} has MD5 ${manifestHash} but the job's drive list registers ${opts.expectedManifestHash.toUpperCase()} for this drive: the drive is not the one the job describes, or its manifest changed. Update the job's drive list or send the right drive.`,
    );
  }
  if (header.driveId !== manifest.driveId) {
    throw new Fault(
      'ManifestDriveIdMismatch',
      `The drive header says drive ${header.driveId} but ${MANIFEST_FILE} says ${manifest.driveId}; the drive was not prepared consistently.`,
    );
  }
  if (opts.expectedDriveId !== undefined && opts.expectedDriveId !== manifest.driveId) {
    throw new Fault(
      'ManifestDriveIdMismatch',
      `The drive at ${drivePath} is drive ${manifest.driveId}, but the job expects drive ${opts.expectedDriveId} here.`,
    );
  }
  return { manifest, manifestBytes, manifestHash, header, headerHash: md5Hex(headerBytes) };
}

interface Ctx {
  opts: ImportDriveOptions;
  service: BlobServiceClient;
  progress: TransferProgress;
  report: () => void;
  containers: Map<string, ContainerClient>;
  /** Job, drive id and manifest hash, recorded on each imported blob so a re-run recognises its own work. */
  job: string;
  driveId: string;
  manifestHash: string;
  /** metadata and properties files read so far, by kind, path and hash (a list's file serves many blobs) */
  sidecars: Map<string, Promise<Sidecar>>;
}

/** What a blob's metadata and properties files ask for, or why they cannot be used. */
type Sidecar =
  | { ok: true; metadata: Record<string, string>; headers: BlobHTTPHeaders; contentMD5?: string }
  | { ok: false; status: DriveLogBlob['status']; message: string };

/** Reads one metadata or properties file from the drive and checks its MD5 against the manifest. */
async function readSidecar(drivePath: string, kind: 'metadata' | 'properties', s: ManifestSidecar): Promise<Sidecar> {
  const what = `the ${kind} file ${s.path}`;
  const opened = await openOnDrive(drivePath, s.path, what);
  if (!('fh' in opened)) return { ok: false, status: opened.status, message: opened.message };
  let bytes: Buffer;
  try {
    const size = (await opened.fh.stat()).size;
    if (size > SIDECAR_MAX_BYTES)
      return {
        ok: false,
        status: 'CompletedWithErrors',
        message: `${what} is ${size} bytes; a ${kind} file may be at most ${SIDECAR_MAX_BYTES}.`,
      };
    bytes = await opened.fh.readFile();
  } finally {
    await opened.fh.close().catch(() => undefined);
  }
  const got = md5Hex(bytes);
  if (got !== s.hash)
    return {
      ok: false,
      status: 'CompletedWithErrors',
      message: `${what} has MD5 ${got} but the manifest says ${s.hash}: the file changed or is damaged after preparation.`,
    };
  try {
    if (kind === 'metadata')
      return { ok: true, metadata: parseMetadataFile(bytes.toString('utf8'), s.path), headers: {} };
    const p = parsePropertiesFile(bytes.toString('utf8'), s.path);
    const headers: BlobHTTPHeaders = {};
    if (p['Content-Type'] !== undefined) headers.blobContentType = p['Content-Type'];
    if (p['Content-Encoding'] !== undefined) headers.blobContentEncoding = p['Content-Encoding'];
    if (p['Content-Language'] !== undefined) headers.blobContentLanguage = p['Content-Language'];
    if (p['Cache-Control'] !== undefined) headers.blobCacheControl = p['Cache-Control'];
    return {
      ok: true,
      metadata: {},
      headers,
      ...(p['Content-MD5'] !== undefined ? { contentMD5: p['Content-MD5'] } : {}),
    };
  } catch (e) {
    return { ok: false, status: 'CompletedWithErrors', message: errText(e) };
  }
}

/** The blob's metadata and properties files together; the first problem wins. */
async function sidecarsOf(ctx: Ctx, drivePath: string, mb: ManifestBlob): Promise<Sidecar> {
  const out: Sidecar = { ok: true, metadata: {}, headers: {} };
  for (const kind of ['metadata', 'properties'] as const) {
    const s = mb[kind];
    if (!s) continue;
    const key = `${kind}\u0000${s.path}\u0000${s.hash}`;
    let p = ctx.sidecars.get(key);
    if (!p) ctx.sidecars.set(key, (p = readSidecar(drivePath, kind, s)));
    const r = await p;
    if (!r.ok) return { ...r, message: `Blob ${mb.blobPath} was not imported: ${r.message}` };
    Object.assign(out.metadata, r.metadata);
    Object.assign(out.headers, r.headers);
    if (r.contentMD5 !== undefined) out.contentMD5 = r.contentMD5;
  }
  return out;
}

/**
 * Metadata that marks a blob as imported from this file of this drive by this job (keys are lower
 * case, values ASCII). Another job importing the same drive does not match, so it reads the drive.
 */
function importMarker(ctx: Ctx, mb: ManifestBlob): Record<string, string> {
  return {
    haulimportjob: encodeURIComponent(ctx.job),
    haulimportdrive: encodeURIComponent(ctx.driveId),
    haulimportfile: encodeURIComponent(mb.filePath),
    haulimportmanifest: ctx.manifestHash,
  };
}

/** Whether the blob is this very file, imported by an earlier run of this job's drive (e.g. before a crash). */
async function importedBefore(ctx: Ctx, container: ContainerClient, name: string, mb: ManifestBlob): Promise<boolean> {
  const props = await container.getBlobClient(name).getProperties();
  const want = importMarker(ctx, mb);
  return props.contentLength === mb.length && Object.entries(want).every(([k, v]) => props.metadata?.[k] === v);
}

async function containerFor(ctx: Ctx, name: string): Promise<ContainerClient> {
  let c = ctx.containers.get(name);
  if (!c) {
    c = ctx.service.getContainerClient(name);
    await c.createIfNotExists();
    ctx.containers.set(name, c);
  }
  return c;
}

const isConflict = (e: unknown) => e instanceof RestError && (e.statusCode === 409 || e.statusCode === 412);

/**
 * One import at a time per target blob (in this process). Storage discards a blob's uncommitted
 * blocks when any block list is committed to it, and two renames would pick the same free name, so
 * drives that write the same blob at once take turns.
 */
const blobLocks = new Map<string, Mutex>();
async function withBlobLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  let lock = blobLocks.get(key);
  if (!lock) blobLocks.set(key, (lock = new Mutex()));
  try {
    return await lock.runExclusive(fn);
  } finally {
    if (!lock.isLocked() && blobLocks.get(key) === lock) blobLocks.delete(key);
  }
}

type Disposition = NonNullable<DriveLogBlob['importDisposition']>;

/** One manifest blob being imported: its log entry in the making, and the bytes counted so far. */
class BlobImport {
  readonly base: Pick<DriveLogBlob, 'blobPath' | 'filePath' | 'length' | 'blobType'>;
  /** Block ids are unique per upload (see blockId). */
  readonly upload = randomBytes(6).toString('hex');
  private accounted = 0;

  constructor(
    readonly ctx: Ctx,
    readonly mb: ManifestBlob,
  ) {
    this.base = { blobPath: mb.blobPath, filePath: mb.filePath, length: mb.length, blobType: mb.blobType };
  }

  blocks(status: DriveLogBlock['status']): DriveLogBlock[] {
    const { mb } = this;
    return mb.blocks.map((b, i) => ({
      offset: b.offset,
      length: b.length,
      ...(mb.blobType === 'BlockBlob' ? { id: blockId(this.upload, i) } : {}),
      hash: b.hash,
      status,
    }));
  }

  /** Counts a block as processed (for progress). */
  processed(bytes: number): void {
    this.ctx.progress.bytesProcessed += bytes;
    this.accounted += bytes;
  }

  /** The blob's entry in the drive log; the rest of its bytes count as processed. */
  done(entry: Omit<DriveLogBlob, keyof BlobImport['base']>): DriveLogBlob {
    this.ctx.progress.bytesProcessed += this.mb.length - this.accounted;
    this.accounted = this.mb.length;
    return { ...this.base, ...entry };
  }

  fail(status: DriveLogBlob['status'], message: string, blocks: DriveLogBlock[] = []): DriveLogBlob {
    return this.done({ status, blocks, message });
  }

  skipped(message: string): DriveLogBlob {
    return this.done({
      status: 'Completed',
      importDisposition: { value: this.mb.importDisposition, status: 'Skipped' },
      blocks: [],
      message,
    });
  }
}

/** Imports one manifest blob; never throws except on abort. */
async function importBlob(ctx: Ctx, drivePath: string, mb: ManifestBlob): Promise<DriveLogBlob> {
  const b = new BlobImport(ctx, mb);
  const split = splitBlobPath(mb.blobPath);
  if ('problem' in split)
    return b.fail(
      'BlobNameInvalid',
      `Blob ${mb.blobPath} was not imported: the ${split.problem}. Rename it in the drive manifest and prepare the drive again.`,
    );
  const pageProblem = pageBlobProblem(mb);
  if (pageProblem) return b.fail('BlobRequestFailed', pageProblem);
  const side = await sidecarsOf(ctx, drivePath, mb);
  if (!side.ok) return b.fail(side.status, side.message);
  const opened = await openOnDrive(drivePath, mb.filePath, `File ${mb.filePath} for blob ${mb.blobPath}`);
  if (!('fh' in opened)) return b.fail(opened.status, opened.message);
  const { fh } = opened;
  try {
    const size = (await fh.stat()).size;
    if (size !== mb.length) {
      return b.fail(
        'FileLengthMismatch',
        `File ${mb.filePath} is ${size} bytes on the drive but the manifest says ${mb.length}; the file changed after preparation, so blob ${mb.blobPath} was not imported.`,
        b.blocks('Uncommitted'),
      );
    }
    let container: ContainerClient;
    let choice: Target | DriveLogBlob;
    try {
      container = await containerFor(ctx, split.container);
      choice = await chooseTarget(b, container, split);
    } catch (e) {
      return b.fail(
        'BlobRequestFailed',
        `Blob ${mb.blobPath} was not imported: ${clause(errText(e))}.`,
        b.blocks('Uncommitted'),
      );
    }
    if (!('target' in choice)) return choice;
    return await writeBlob(b, fh, container, split.container, choice, side);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Page blobs need 512-byte alignment and ranges of at most 4 MiB; no blob may be larger than its type allows. */
function pageBlobProblem(mb: ManifestBlob): string | undefined {
  const tooLarge =
    blobSizeProblem(mb.blobType, mb.length) ??
    (mb.blocks.length > MAX_BLOCKS ? `a block list names at most ${MAX_BLOCKS} blocks` : undefined);
  if (tooLarge)
    return `Blob ${mb.blobPath} was not imported: it is ${mb.length} bytes in ${mb.blocks.length} blocks, and ${tooLarge}.`;
  if (mb.blobType !== 'PageBlob') return undefined;
  if (mb.length % 512 !== 0)
    return `Page blob ${mb.blobPath} was not imported: its length ${mb.length} is not a multiple of 512 bytes, which page blobs require. Import it as a block blob.`;
  const bad = mb.blocks.find((x) => x.offset % 512 !== 0 || x.length % 512 !== 0 || x.length > BLOCK_SIZE);
  if (bad)
    return `Page blob ${mb.blobPath} was not imported: the page range at offset ${bad.offset} (length ${bad.length}) is not aligned to 512 bytes or is longer than 4 MiB.`;
  return undefined;
}

/**
 * Opens a file the manifest names (`what` says which, for the messages), which must be on the drive:
 * no path or link that leads out of it.
 */
async function openOnDrive(
  drivePath: string,
  rel: string,
  what: string,
): Promise<{ fh: FileHandle } | { status: DriveLogBlob['status']; message: string }> {
  const filePath = path.resolve(drivePath, ...rel.split('/'));
  const root = path.resolve(drivePath);
  if (!filePath.startsWith(root + path.sep))
    return { status: 'FileNameInvalid', message: `${what}: the path leaves the drive; it was not imported.` };
  try {
    // A link on the drive must not make the service read outside the drive (its own keys, say).
    const real = await realpath(filePath);
    const realRoot = await realpath(root);
    if (!real.startsWith(realRoot + path.sep))
      return {
        status: 'FileNameInvalid',
        message: `${what} is a link that points outside the drive; it was not imported. Copy the file itself onto the drive.`,
      };
    return { fh: await open(real, 'r') };
  } catch (e) {
    const code = errCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return {
        status: 'FileNotFound',
        message: `${what} is missing on the drive; the blob was not imported. Copy the file again in a new drive preparation session.`,
      };
    if (code === 'EACCES' || code === 'EPERM')
      return {
        status: 'FileAccessDenied',
        message: `${what} cannot be read (permission denied); the blob was not imported.`,
      };
    return {
      status: 'FileAccessDenied',
      message: `${what} cannot be opened (${errText(e)}); the blob was not imported.`,
    };
  }
}

interface Target {
  target: string;
  disposition: Disposition;
}

/**
 * The import disposition, decided before any data is sent: the blob's own name, a renamed one, or
 * nothing to do (kept by no-overwrite, or already imported by an earlier run of this job).
 */
async function chooseTarget(
  b: BlobImport,
  container: ContainerClient,
  split: { container: string; blob: string },
): Promise<Target | DriveLogBlob> {
  const { ctx, mb } = b;
  const again = (name: string, status: 'Created' | 'Renamed'): DriveLogBlob => {
    ctx.progress.bytesSucceeded += mb.length;
    return b.done({
      status: 'Completed',
      importDisposition: { value: mb.importDisposition, status },
      ...(status === 'Renamed' ? { importedAs: `${split.container}/${name}` } : {}),
      blocks: b.blocks('Completed'),
      message: `Blob ${split.container}/${name} already holds file ${mb.filePath} from an earlier run of this drive; it was not imported twice.`,
    });
  };
  const exists = await container.getBlobClient(split.blob).exists();
  if (!exists) return { target: split.blob, disposition: { value: mb.importDisposition, status: 'Created' } };
  if (await importedBefore(ctx, container, split.blob, mb)) return again(split.blob, 'Created');
  if (mb.importDisposition === 'no-overwrite') {
    return b.skipped(
      `Blob ${mb.blobPath} already exists and its disposition is no-overwrite, so the existing blob was kept and file ${mb.filePath} was not imported.`,
    );
  }
  if (mb.importDisposition === 'overwrite')
    return { target: split.blob, disposition: { value: mb.importDisposition, status: 'Overwritten' } };
  for (let n = 1; ; n++) {
    const candidate = renamedBlobName(split.blob, n);
    if (!(await container.getBlobClient(candidate).exists()))
      return { target: candidate, disposition: { value: mb.importDisposition, status: 'Renamed' } };
    if (await importedBefore(ctx, container, candidate, mb)) return again(candidate, 'Renamed');
  }
}

interface Sent {
  blocks: DriveLogBlock[];
  status: DriveLogBlob['status'];
  problem?: string;
}

/**
 * Reads the file once, block by block, checks each block's MD5 against the manifest and sends the
 * good ones (staged block-blob blocks, or pages of a hidden staging page blob). `whole` hashes the
 * whole file on the way.
 */
async function sendBlocks(
  b: BlobImport,
  fh: FileHandle,
  send: (i: number, buf: Buffer, digest: Buffer) => Promise<void>,
  whole: Hash,
): Promise<Sent> {
  const { ctx, mb } = b;
  const { signal } = ctx.opts;
  const sent: Sent = { blocks: b.blocks('Uncommitted'), status: 'Completed' };
  const problem = (status: DriveLogBlob['status'], text: string) => {
    sent.problem ??= text;
    sent.status = status;
  };
  // At most `concurrency` blocks in flight: acquiring a slot before reading the next block also
  // bounds the memory held (p-limit would queue every block read ahead).
  const slots = new Semaphore(Math.max(1, ctx.opts.concurrency ?? 4));
  const inflight: Promise<void>[] = [];
  for (const [i, mblk] of mb.blocks.entries()) {
    throwIfAborted(signal);
    const entry = sent.blocks[i] as DriveLogBlock;
    const buf = Buffer.allocUnsafe(mblk.length);
    let read = 0;
    try {
      while (read < mblk.length) {
        const r = await fh.read(buf, read, mblk.length - read, mblk.offset + read);
        if (r.bytesRead === 0) break;
        read += r.bytesRead;
      }
    } catch (e) {
      entry.status = 'DataReadFailed';
      problem('CompletedWithErrors', `reading ${mb.filePath} at offset ${mblk.offset} failed (${errText(e)})`);
    }
    if (entry.status !== 'DataReadFailed' && read < mblk.length) {
      entry.status = 'DataReadFailed';
      problem(
        'CompletedWithErrors',
        `${mb.filePath} ended at ${mblk.offset + read} bytes, before the end of block ${i} (offset ${mblk.offset}, length ${mblk.length})`,
      );
    } else if (entry.status !== 'DataReadFailed') {
      const blockHash = createHash('md5');
      await hashInSlices(buf, [blockHash, whole]);
      const digest = blockHash.digest();
      const got = digest.toString('hex').toUpperCase();
      if (got !== mblk.hash) {
        entry.status = 'Md5Mismatch';
        problem(
          'CompletedWithErrors',
          `block ${i} (offset ${mblk.offset}, length ${mblk.length}) of ${mb.filePath} has MD5 ${got} but the manifest says ${mblk.hash}: the data on the drive is corrupt`,
        );
      } else if (sent.status === 'Completed') {
        const [, release] = await slots.acquire();
        // Staged, not yet committed: the entry stays Uncommitted until the commit succeeds.
        inflight.push(
          send(i, buf, digest)
            .then(
              () => undefined,
              (e: unknown) => {
                if (!signal?.aborted)
                  problem(
                    'BlobRequestFailed',
                    `sending block ${i} (offset ${mblk.offset}) to storage failed (${errText(e)})`,
                  );
              },
            )
            .finally(release),
        );
      }
    }
    b.processed(mblk.length);
    ctx.progress.currentBlob = mb.blobPath;
    ctx.report();
  }
  await Promise.all(inflight);
  throwIfAborted(signal);
  return sent;
}

/** Where a blob's data lands before it is committed: the block blob's staged blocks, or a hidden staging page blob. */
interface Landing {
  container: ContainerClient;
  target: string;
  blockBlob: BlockBlobClient;
  staging: PageBlobClient | undefined;
}

/** Sends the blocks, then commits the blob under its target name only when every block matched. */
async function writeBlob(
  b: BlobImport,
  fh: FileHandle,
  container: ContainerClient,
  containerName: string,
  { target, disposition }: Target,
  side: Extract<Sidecar, { ok: true }>,
): Promise<DriveLogBlob> {
  const { mb } = b;
  const importedAs = `${containerName}/${target}`;
  const whole = createHash('md5');
  const to: Landing = {
    container,
    target,
    blockBlob: container.getBlockBlobClient(target),
    staging: mb.blobType === 'PageBlob' ? container.getPageBlobClient(`.haul-staging/${randomUUID()}`) : undefined,
  };
  const { staging } = to;
  let stagingCreated = false;
  let sent: Sent;
  try {
    if (staging) {
      await staging.create(mb.length);
      stagingCreated = true;
    }
    // The checked MD5 travels with the data, so storage also refuses bytes damaged on the way.
    sent = await sendBlocks(b, fh, (i, buf, digest) => sendBlock(b, to, i, buf, digest), whole);
    if (sent.status === 'Completed') {
      const ended = await commitBlob(b, sent, to, side, whole.digest(), disposition, importedAs);
      if (ended) return ended;
    }
  } finally {
    if (staging && stagingCreated) await staging.deleteIfExists().catch(() => undefined);
  }
  return writtenBlob(b, sent, disposition, importedAs);
}

/** Sends one checked block: staged on the block blob, or written as pages of the staging blob. */
function sendBlock(b: BlobImport, to: Landing, i: number, buf: Buffer, digest: Buffer): Promise<void> {
  const { signal } = b.ctx.opts;
  const mblk = b.mb.blocks[i] as ManifestBlob['blocks'][number];
  return to.staging
    ? to.staging
        .uploadPages(buf, mblk.offset, mblk.length, { abortSignal: signal, transactionalContentMD5: digest })
        .then(() => undefined)
    : to.blockBlob
        .stageBlock(blockId(b.upload, i), buf, mblk.length, {
          abortSignal: signal,
          transactionalContentMD5: digest,
        })
        .then(() => undefined);
}

/**
 * Commits a blob whose every block matched, with the headers and metadata its properties and
 * metadata files ask for. Returns the blob's log entry when it ends here (its Content-MD5 disagrees,
 * or a blob appeared meanwhile and the disposition keeps it); otherwise `sent` says how the commit went.
 */
async function commitBlob(
  b: BlobImport,
  sent: Sent,
  to: Landing,
  side: Extract<Sidecar, { ok: true }>,
  digest: Buffer,
  disposition: Disposition,
  importedAs: string,
): Promise<DriveLogBlob | undefined> {
  const { ctx, mb } = b;
  const { signal } = ctx.opts;
  // Existence was checked before the data went out: unless the disposition allows overwriting,
  // refuse to replace a blob that appeared in the meantime.
  const conditions = mb.importDisposition === 'overwrite' ? {} : { ifNoneMatch: '*' };
  // The file's MD5 is the blob's only when its blocks cover it whole (page ranges may leave gaps).
  const covers = mb.blocks.every((k, i) => k.offset === (i ? mb.blocks[i - 1]!.offset + mb.blocks[i - 1]!.length : 0));
  const whole64 = digest.toString('base64');
  const contentMD5 =
    side.contentMD5 !== undefined ? Buffer.from(side.contentMD5, 'base64') : covers ? digest : undefined;
  if (side.contentMD5 !== undefined && covers && side.contentMD5 !== whole64) {
    return b.done({
      status: 'CompletedWithErrors',
      importDisposition: disposition,
      blocks: sent.blocks,
      message: `Blob ${mb.blobPath} was not imported: its properties file gives Content-MD5 ${side.contentMD5} but file ${mb.filePath} has MD5 ${whole64}. Correct the properties file, or leave Content-MD5 out. No part of it was committed.`,
    });
  }
  const headers: BlobHTTPHeaders = { ...side.headers, ...(contentMD5 ? { blobContentMD5: contentMD5 } : {}) };
  const metadata = { ...side.metadata, ...importMarker(ctx, mb) };
  try {
    await commitData(b, to, { conditions, headers, metadata });
    for (const x of sent.blocks) x.status = 'Completed';
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (isConflict(e) && mb.importDisposition === 'no-overwrite') {
      return b.skipped(
        `Blob ${mb.blobPath} was created by someone else during the import and its disposition is no-overwrite, so that blob was kept and file ${mb.filePath} was not imported.`,
      );
    }
    sent.status = isConflict(e) ? 'BlobAlreadyExists' : 'BlobRequestFailed';
    sent.problem =
      sent.status === 'BlobAlreadyExists'
        ? `blob ${importedAs} was created by someone else during the import`
        : `committing the blob failed (${errText(e)})`;
  }
  return undefined;
}

/** Puts the sent data under the target name: the staged block list, or a copy of the staging page blob. */
async function commitData(
  b: BlobImport,
  to: Landing,
  {
    conditions,
    headers,
    metadata,
  }: { conditions: { ifNoneMatch?: string }; headers: BlobHTTPHeaders; metadata: Record<string, string> },
): Promise<void> {
  if (to.staging) {
    const sas = await to.staging.generateSasUrl({
      permissions: BlobSASPermissions.parse('r'),
      expiresOn: new Date(Date.now() + 3600_000),
    });
    const poller = await to.container.getPageBlobClient(to.target).beginCopyFromURL(sas, { conditions, metadata });
    await poller.pollUntilDone();
    await to.container.getPageBlobClient(to.target).setHTTPHeaders(headers);
  } else {
    await to.blockBlob.commitBlockList(
      b.mb.blocks.map((_, i) => blockId(b.upload, i)),
      {
        conditions,
        blobHTTPHeaders: headers,
        metadata,
        abortSignal: b.ctx.opts.signal,
      },
    );
  }
}

/** The log entry of a blob whose data went out: imported (saying how, when renamed or overwritten), or why not. */
function writtenBlob(b: BlobImport, sent: Sent, disposition: Disposition, importedAs: string): DriveLogBlob {
  const { ctx, mb } = b;
  if (sent.status !== 'Completed') {
    return b.done({
      status: sent.status,
      importDisposition: disposition,
      blocks: sent.blocks,
      message: `Blob ${mb.blobPath} was not imported: ${sent.problem ?? 'unknown error'}. No part of it was committed.`,
    });
  }
  ctx.progress.bytesSucceeded += mb.length;
  const message =
    disposition.status === 'Renamed'
      ? `Blob ${mb.blobPath} already existed, so file ${mb.filePath} was imported as ${importedAs} (disposition rename).`
      : disposition.status === 'Overwritten'
        ? `Blob ${mb.blobPath} already existed and was overwritten with file ${mb.filePath} (disposition overwrite).`
        : undefined;
  return b.done({
    status: 'Completed',
    importDisposition: disposition,
    ...(disposition.status === 'Renamed' ? { importedAs } : {}),
    blocks: sent.blocks,
    ...(message ? { message } : {}),
  });
}

function driveStatusOf(blobs: DriveLogBlob[]): DriveLogStatus {
  if (blobs.some((b) => b.status !== 'Completed')) return 'CompletedWithErrors';
  if (blobs.some((b) => b.importDisposition?.status === 'Renamed' || b.importDisposition?.status === 'Skipped'))
    return 'CompletedWithWarnings';
  if (blobs.some((b) => b.importDisposition?.status === 'Overwritten')) return 'CompletedWithInfo';
  return 'Completed';
}

function copyStatusOf(status: DriveLogStatus, blobs: DriveLogBlob[], bytes: number): string {
  const failed = blobs.filter((b) => b.status !== 'Completed').length;
  const renamed = blobs.filter((b) => b.importDisposition?.status === 'Renamed').length;
  const skipped = blobs.filter((b) => b.importDisposition?.status === 'Skipped').length;
  const overwritten = blobs.filter((b) => b.importDisposition?.status === 'Overwritten').length;
  const imported = blobs.length - failed - skipped;
  const parts = [`${imported} of ${blobs.length} blob${blobs.length === 1 ? '' : 's'} imported (${bytes} bytes)`];
  if (failed) parts.push(`${failed} failed`);
  if (renamed) parts.push(`${renamed} renamed`);
  if (skipped) parts.push(`${skipped} skipped (already existed)`);
  if (overwritten) parts.push(`${overwritten} overwritten`);
  const tail = status === 'Completed' ? '' : '; see the error log';
  return `${status}: ${parts.join(', ')}${tail}`;
}

async function uploadXml(
  service: BlobServiceClient,
  diag: { container: string; prefix: string },
  name: string,
  body: string | Buffer,
): Promise<string> {
  const container = service.getContainerClient(diag.container);
  await container.createIfNotExists();
  const blob = container.getBlockBlobClient(`${diag.prefix}${name}`);
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  await blob.upload(data, data.length, { blobHTTPHeaders: { blobContentType: 'application/xml; charset=utf-8' } });
  return blob.url;
}

/**
 * Imports the prepared drive at `drivePath` into the job's storage account (see ImportDriveOptions).
 * Resolves with the drive's outcome; a drive that cannot be processed resolves as `Faulted` with the
 * reason (it does not reject). Rejects only when `signal` aborts (with the signal's reason).
 */
export async function importDrive(opts: ImportDriveOptions): Promise<ImportDriveResult> {
  const now = opts.now ?? Date.now;
  const diag = splitDiagnosticsPath(opts.diagnosticsPath || DEFAULT_DIAGNOSTICS_PATH);
  return withAzurite(opts.azurite, [opts.storageAccount], async () => {
    const service = opts.azurite.client(opts.storageAccount);
    const drivePath = path.resolve(opts.drivePath);
    throwIfAborted(opts.signal);

    let drive: DriveRead;
    try {
      drive = await readDrive(drivePath, opts);
    } catch (e) {
      return unreadableDrive(opts, service, diag, now(), drivePath, e);
    }
    const { logBlobs, progress } = await importBlobs(opts, service, drivePath, drive);
    const status = driveStatusOf(logBlobs);
    const at = now();
    const result = driveResult(drive, logBlobs, progress, status);
    return withDriveLogs(
      opts,
      service,
      diag,
      at,
      drive,
      { driveId: drive.manifest.driveId, blobs: logBlobs, status },
      result,
    );
  });
}

/** A drive that could not be read: Faulted with the reason, and an error log that says it when one can be written. */
async function unreadableDrive(
  opts: ImportDriveOptions,
  service: BlobServiceClient,
  diag: { container: string; prefix: string },
  at: number,
  drivePath: string,
  e: unknown,
): Promise<ImportDriveResult> {
  const fault =
    e instanceof Fault ? e : new Fault('InternalError', `Reading the drive at ${drivePath} failed: ${errText(e)}`);
  const driveId = opts.expectedDriveId ?? 'UNKNOWN';
  const result: ImportDriveResult = {
    outcome: 'Faulted',
    reason: fault.message,
    logStatus: fault.status,
    driveId,
    bytesSucceeded: 0,
    bytesTotal: 0,
    copyStatus: `${fault.status}: ${fault.message}`,
    issues: { errors: 1, warnings: 0, overwrites: 0 },
    blobs: [],
  };
  try {
    result.errorLogUri = await uploadXml(
      service,
      diag,
      driveLogBlobName(driveId, at, 'error'),
      serializeDriveLog({ driveId, blobs: [], status: fault.status, message: fault.message }),
    );
  } catch {
    // The fault itself is what the operator needs to see; a missing log is secondary.
  }
  return result;
}

/** Imports the drive's blobs one after another, each under its lock, reporting progress; their log entries. */
async function importBlobs(
  opts: ImportDriveOptions,
  service: BlobServiceClient,
  drivePath: string,
  drive: DriveRead,
): Promise<{ logBlobs: DriveLogBlob[]; progress: TransferProgress }> {
  const { manifest } = drive;
  const progress: TransferProgress = {
    bytesProcessed: 0,
    bytesTotal: manifest.blobs.reduce((s, b) => s + b.length, 0),
    bytesSucceeded: 0,
    blobsDone: 0,
    blobsTotal: manifest.blobs.length,
  };
  const report = () => opts.onProgress?.({ ...progress });
  const ctx: Ctx = {
    opts,
    service,
    progress,
    report,
    containers: new Map(),
    job: opts.job ?? '-',
    driveId: manifest.driveId,
    manifestHash: drive.manifestHash,
    sidecars: new Map(),
  };
  report();

  const logBlobs: DriveLogBlob[] = [];
  for (const mb of manifest.blobs) {
    throwIfAborted(opts.signal);
    logBlobs.push(await withBlobLock(`${opts.storageAccount}/${mb.blobPath}`, () => importBlob(ctx, drivePath, mb)));
    progress.blobsDone++;
    report();
  }
  return { logBlobs, progress };
}

/** The drive's outcome from its blobs' log entries: status, bytes, issues counted, and each blob. */
function driveResult(
  drive: DriveRead,
  logBlobs: DriveLogBlob[],
  progress: TransferProgress,
  status: DriveLogStatus,
): ImportDriveResult {
  return {
    outcome: status === 'Completed' ? 'Completed' : 'CompletedMoreInfo',
    logStatus: status,
    driveId: drive.manifest.driveId,
    bytesSucceeded: progress.bytesSucceeded,
    bytesTotal: progress.bytesTotal,
    copyStatus: copyStatusOf(status, logBlobs, progress.bytesSucceeded),
    issues: {
      errors: logBlobs.filter((b) => b.status !== 'Completed').length,
      warnings: logBlobs.filter(
        (b) =>
          b.status === 'Completed' &&
          (b.importDisposition?.status === 'Renamed' || b.importDisposition?.status === 'Skipped'),
      ).length,
      overwrites: logBlobs.filter((b) => b.status === 'Completed' && b.importDisposition?.status === 'Overwritten')
        .length,
    },
    blobs: logBlobs.map(
      (b): BlobImportStatus => ({
        blobPath: b.blobPath,
        ...(b.importedAs ? { importedAs: b.importedAs } : {}),
        filePath: b.filePath,
        length: b.length,
        status: b.status,
        ...(b.importDisposition ? { disposition: b.importDisposition } : {}),
        ...(b.message && blobHasIssue(b) ? { message: b.message } : {}),
      }),
    ),
    manifestHash: drive.manifestHash,
    driveHeaderHash: drive.headerHash,
    manifestFile: MANIFEST_FILE,
  };
}

/**
 * Writes the drive's error log (and its verbose log and manifest copy when the job asks for them)
 * and returns the result with their addresses; Faulted when they could not be written.
 */
async function withDriveLogs(
  opts: ImportDriveOptions,
  service: BlobServiceClient,
  diag: { container: string; prefix: string },
  at: number,
  drive: DriveRead,
  full: DriveLogInput,
  result: ImportDriveResult,
): Promise<ImportDriveResult> {
  const { driveId } = drive.manifest;
  try {
    result.errorLogUri = await uploadXml(
      service,
      diag,
      driveLogBlobName(driveId, at, 'error'),
      serializeDriveLog(errorView(full)),
    );
    if (opts.logLevel === 'Verbose')
      result.verboseLogUri = await uploadXml(
        service,
        diag,
        driveLogBlobName(driveId, at, 'verbose'),
        serializeDriveLog(full),
      );
    if (opts.backupDriveManifest)
      result.manifestUri = await uploadXml(
        service,
        diag,
        driveLogBlobName(driveId, at, 'manifest'),
        drive.manifestBytes,
      );
  } catch (e) {
    // The data is in storage, but the customer cannot be told what happened: say so loudly.
    return {
      ...result,
      outcome: 'Faulted',
      logStatus: 'InternalError',
      reason: `The drive was copied but its logs could not be written to ${diag.container}/${diag.prefix} (${errText(e)}); start the drive again.`,
    };
  }
  return result;
}

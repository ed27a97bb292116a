// Writing and reading the files on a drive's root: DriveManifest.xml, HaulDrive.json, and the
// DriveInfo file next to the journal. Every write is atomic and durable (write.ts: temporary file,
// fsync, rename, fsync of the folder).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import {
  HEADER_FILE,
  MANIFEST_FILE,
  driveInfoFileName,
  parseDriveHeader,
  parseDriveManifest,
  serializeDriveHeader,
  serializeDriveInfo,
  driveManifestPieces,
  manifestSidecar,
  sessionOf,
  type DriveHeader,
  type DriveManifest,
  type ManifestBlob,
} from '../../../../shared/formats/driveManifest';
import { recordToBlob, type FileRecord } from './fileRecord';
import { placeSidecars } from './sidecars';
import { writeAtomicAsync } from './write';
import type { FileStamp } from '../../../../shared/node/atomicWrite';
import { messageOf } from '../../../../shared/errors';

/** A `breathe` called often that gives the turn only every few milliseconds. */
function pacer(breathe: (() => Promise<void>) | undefined): () => Promise<void> | undefined {
  if (!breathe) return () => undefined;
  let last = performance.now();
  return () => {
    if (performance.now() - last < 4) return undefined;
    return breathe().then(() => {
      last = performance.now();
    });
  };
}

/**
 * `a` sorted by `key` (stable), in turns: runs of 512 sorted by the engine's sort, then merged
 * pairwise, `breathe` asked every 512 elements. Sorting 20,000 blobs in one call held the engine's
 * thread for 10-14 ms.
 */
export async function sortInTurns<T>(
  a: T[],
  key: (x: T) => string,
  breathe: () => Promise<void> | undefined,
): Promise<T[]> {
  const RUN = 512;
  const n = a.length;
  const keys = a.map(key);
  let src = new Int32Array(n);
  let dst = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  // equal keys in their order: the index breaks the tie
  const cmp = (i: number, j: number) => (keys[i]! < keys[j]! ? -1 : keys[i]! > keys[j]! ? 1 : i - j);
  for (let lo = 0; lo < n; lo += RUN) {
    src.subarray(lo, Math.min(lo + RUN, n)).sort(cmp);
    const turn = breathe();
    if (turn) await turn;
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        dst[k] = i < mid && (j >= hi || keys[src[i]!]! <= keys[src[j]!]!) ? src[i++]! : src[j++]!;
        if ((k & 1023) === 1023) {
          const turn = breathe();
          if (turn) await turn;
        }
      }
    }
    [src, dst] = [dst, src];
  }
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = a[src[i]!]!;
  return out;
}

export function readManifest(root: string): DriveManifest | undefined {
  const p = join(root, MANIFEST_FILE);
  if (!existsSync(p)) return undefined;
  return parseDriveManifest(readFileSync(p, 'utf8'));
}

/**
 * Haul before the documented format wrote a `<BlobType>` element and FilePaths with "/" and no
 * leading "\": the same manifest in the documented shape, so blobs another journal put on the
 * drive are kept when this journal rewrites the manifest.
 */
export function fromEarlierHaul(xml: string): string {
  return xml
    .replace(/^\s*<BlobType>(?:BlockBlob|PageBlob)<\/BlobType>\n/gm, '')
    .replace(
      /<FilePath>([^<\\]*)<\/FilePath>/g,
      (_m, p: string) => `<FilePath>\\${p.split('/').join('\\')}</FilePath>`,
    );
}

/** The drive's manifest as it is now, in the documented shape or an earlier Haul's. */
function readOldManifest(root: string): DriveManifest | undefined {
  const p = join(root, MANIFEST_FILE);
  if (!existsSync(p)) return undefined;
  const xml = readFileSync(p, 'utf8');
  try {
    return parseDriveManifest(xml);
  } catch (e) {
    try {
      return parseDriveManifest(fromEarlierHaul(xml));
    } catch {
      throw e;
    }
  }
}

export function readHeader(root: string): DriveHeader | undefined {
  const p = join(root, HEADER_FILE);
  if (!existsSync(p)) return undefined;
  try {
    return parseDriveHeader(readFileSync(p, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Writes the drive's manifest from the journal's records for it, keeping blobs of sessions this
 * journal does not know (another journal prepared them), then the header with the manifest hash.
 */
export async function writeDriveRoot(
  root: string,
  opts: {
    driveId: string;
    jobName: string;
    records: FileRecord[];
    knownSessions: Set<string>;
    newSessions: string[];
    generatedId: boolean;
    now: number;
    /** gives the thread a turn (the engine's, where the app's UI runs); none in a worker */
    breathe?: () => Promise<void>;
    /** awaited once the manifest is built, before it is written (the data's last flush) */
    beforeWrite?: Promise<void>;
  },
): Promise<{ manifestHash: string; blobs: number; manifestStamp: FileStamp }> {
  let foreign: ManifestBlob[] = [];
  // Blobs of other journals can only be in sessions this journal does not know: when the header
  // names none, the old manifest (tens of MB on a full drive) need not be read.
  const listed = readHeader(root)?.sessionIds;
  const othersListed = listed === undefined || listed.some((s) => !opts.knownSessions.has(s));
  if (othersListed)
    try {
      const old = readOldManifest(root);
      if (old && old.driveId === opts.driveId)
        foreign = old.blobs.filter((b) => !opts.knownSessions.has(sessionOf(b.filePath)));
    } catch (e) {
      // A damaged manifest is rebuilt from the journal, unless it lists sessions this journal did not
      // write: rebuilding would drop their blobs from the drive without a word.
      const others = (readHeader(root)?.sessionIds ?? []).filter((s) => !opts.knownSessions.has(s));
      if (others.length)
        throw new Error(
          `${join(root, MANIFEST_FILE)} cannot be read (${messageOf(e)}) and it lists session${others.length === 1 ? '' : 's'} ${others.join(', ')} that this journal did not write; rewriting it would drop their files from the drive's manifest. Restore the manifest, or prepare those sessions again with their own journal.`,
        );
    }
  const sidecars = await placeSidecars(root, opts.records);
  const breathe = pacer(opts.breathe);
  const sessions = new Set<string>();
  for (const b of foreign) sessions.add(sessionOf(b.filePath));
  const unsorted = foreign;
  for (const r of opts.records) {
    const placed = sidecars.get(r);
    if (placed?.metadata) manifestSidecar.parse(placed.metadata);
    if (placed?.properties) manifestSidecar.parse(placed.properties);
    const blob = recordToBlob(r, placed);
    unsorted.push(blob);
    sessions.add(sessionOf(blob.filePath));
    if ((unsorted.length & 127) === 0) await breathe();
  }
  const blobs = await sortInTurns(unsorted, (b) => b.filePath, breathe);
  // written as it is built, in pieces of about 256 KiB: hashed on the way, never one string of it all
  const hash = createHash('md5');
  const chunks: Buffer[] = [];
  let pieces: string[] = [];
  let length = 0;
  const cut = () => {
    const chunk = Buffer.from(pieces.join(''));
    hash.update(chunk);
    chunks.push(chunk);
    pieces = [];
    length = 0;
  };
  // every blob passed manifestBlob already: a journal record's entry when it was appended or read
  // (fileRecordProblem), another journal's blob when the old manifest was read; the sidecars just now
  const manifest = { version: '2014-11-01' as const, driveId: opts.driveId, blobs };
  for (const piece of driveManifestPieces(manifest, { checked: true })) {
    pieces.push(piece);
    length += piece.length;
    if ((pieces.length & 31) === 0) await breathe();
    if (length >= 256 * 1024) cut();
  }
  cut();
  await opts.beforeWrite;
  const manifestStamp = await writeAtomicAsync(join(root, MANIFEST_FILE), chunks);
  const manifestHash = hash.digest('hex').toUpperCase();
  const old = readHeader(root);
  const sessionIds = [...new Set([...(old?.sessionIds ?? []), ...opts.newSessions, ...sessions])]
    .filter(Boolean)
    .sort();
  const header: DriveHeader = {
    format: 'haul-drive',
    driveId: opts.driveId,
    jobName: opts.jobName,
    sessionIds,
    createdAt: old?.createdAt ?? opts.now,
    updatedAt: opts.now,
    manifestHash,
  };
  if (opts.generatedId || old?.generatedId) header.generatedId = true;
  await writeAtomicAsync(join(root, HEADER_FILE), serializeDriveHeader(header));
  return { manifestHash, blobs: blobs.length, manifestStamp };
}

/**
 * `<journal without extension>_DriveInfo_<driveId>.xml`, next to the journal. Holds the BitLocker
 * key: never log it. Flushed off the event loop (a disk's fsync held the engine's thread 20-40 ms).
 */
export async function writeDriveInfo(
  journalPath: string,
  driveId: string,
  manifestHash: string,
  bitLockerKey: string,
): Promise<string> {
  const base = journalPath.slice(0, journalPath.length - extname(journalPath).length);
  const path = driveInfoFileName(base, driveId);
  // readable by its owner only: it holds the BitLocker key
  await writeAtomicAsync(
    path,
    serializeDriveInfo({ driveId, bitLockerKey, manifestFile: `\\${MANIFEST_FILE}`, manifestHash }),
    false,
    0o600,
  );
  return path;
}

// A file record: one copied file as the journal keeps it (source, place on the drive, MD5s), and
// the DriveManifest.xml entry it becomes. The journal stores and checks records; the drive's files
// are written from them.
import * as z from 'zod';
import {
  BLOCK_SIZE,
  blobType,
  importDisposition,
  isDrivePath,
  manifestBlob,
  type ManifestBlob,
  type ManifestSidecar,
} from '../../../../shared/formats/driveManifest';
import { containerNameProblem, importBlobNameProblem, printable, splitBlobPath } from '../../../../shared/prep/names';
import { describeIssues } from '../../../../shared/validation';

export const fileRecord = z.object({
  t: z.literal('file'),
  s: z.string(),
  blob: z.string(),
  src: z.string(),
  size: z.number(),
  mtime: z.number(),
  drive: z.string(),
  /** path on the drive, relative to its root */
  path: z.string(),
  disp: importDisposition,
  type: blobType,
  md5: z.string(),
  /** the block MD5s, 32 hex characters each, concatenated */
  blocks: z.string(),
  /** the row's MetadataFile / PropertiesFile (absolute paths), copied onto the drive with the manifest */
  meta: z.string().optional(),
  props: z.string().optional(),
  /**
   * Set when the file was journaled before its data was flushed (written behind, where syncfs is to be had):
   * its place in the drive's write-behind order. The record is confirmed by a later `synced`
   * record of its drive with `q` at least this; until then a resume re-reads the copy on the
   * drive and checks its block MD5s before it takes the file for done.
   */
  q: z.number().int().nonnegative().optional(),
});
export type FileRecord = z.infer<typeof fileRecord>;

export function recordToBlob(
  r: FileRecord,
  sidecars: { metadata?: ManifestSidecar; properties?: ManifestSidecar } = {},
): ManifestBlob {
  const blocks = [];
  const n = r.blocks.length / 32;
  for (let b = 0; b < n; b++)
    blocks.push({
      offset: b * BLOCK_SIZE,
      length: Math.min(BLOCK_SIZE, r.size - b * BLOCK_SIZE),
      hash: r.blocks.slice(b * 32, b * 32 + 32),
    });
  return {
    blobPath: r.blob,
    filePath: r.path,
    length: r.size,
    importDisposition: r.disp,
    blobType: r.type,
    blocks,
    ...sidecars,
  };
}

const DISPOSITIONS: ReadonlySet<unknown> = new Set(importDisposition.options);
/** a block blob's block MD5s, concatenated: Base16 upper case, 32 characters each */
const BLOCK_MD5S = /^(?:[0-9A-F]{32})*$/;
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/**
 * A file record as the engine writes it (a block blob, one MD5 per 4 MiB block) seen to be whole
 * in one pass, without building its manifest entry: true only when the record schema (`fileRecord`)
 * and the manifest's (`manifestBlob`, of the entry `recordToBlob` makes) would both take it; false
 * says "look closer", and the schemas decide and say why. The two schemas cost the engine's thread
 * about 6 µs a record, a tenth of its time per small file copied. The naming rules are not its
 * business (fileRecordProblem applies them).
 */
export function plainlyWhole(value: unknown): value is FileRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<keyof FileRecord, unknown>;
  if (r.t !== 'file' || r.type !== 'BlockBlob' || !DISPOSITIONS.has(r.disp)) return false;
  if (typeof r.s !== 'string' || typeof r.src !== 'string' || typeof r.drive !== 'string') return false;
  if (typeof r.blob !== 'string' || r.blob === '' || typeof r.path !== 'string' || !isDrivePath(r.path)) return false;
  if (typeof r.md5 !== 'string' || typeof r.blocks !== 'string') return false;
  if (typeof r.mtime !== 'number' || !Number.isFinite(r.mtime)) return false;
  if (!optionalString(r.meta) || !optionalString(r.props)) return false;
  if (r.q !== undefined && !(Number.isSafeInteger(r.q) && (r.q as number) >= 0)) return false;
  if (!Number.isSafeInteger(r.size) || (r.size as number) < 0) return false;
  return r.blocks.length === Math.ceil((r.size as number) / BLOCK_SIZE) * 32 && BLOCK_MD5S.test(r.blocks);
}

/**
 * What would make a file record break the drive's manifest, in words; undefined when it is fine.
 * `names`: also the naming rules pre-flight applies (on append; a record read back is held only to
 * the manifest's own rules, so a journal of an earlier version stays readable). `whole`:
 * plainlyWhole(r), where the caller asked it already.
 */
export function fileRecordProblem(r: FileRecord, names = true, whole = plainlyWhole(r)): string | undefined {
  if (r.blob.includes('\\'))
    return `its blob name "${printable(r.blob)}" holds a backslash ("\\"), which DriveManifest.xml cannot carry (folders are separated by "/")`;
  if (names) {
    const { container, blob } = splitBlobPath(r.blob);
    // pre-flight's rule (Azure's and Windows'), whose one-scan check of a usual name is the quickest
    const named = containerNameProblem(container) ?? importBlobNameProblem(blob);
    if (named) return named;
  }
  if (r.path !== `${r.s}/${r.blob}`)
    return `its path on the drive "${printable(r.path)}" is not "${printable(`${r.s}/${r.blob}`)}" (session/blob)`;
  if (whole) return undefined;
  const checked = manifestBlob.safeParse(recordToBlob(r));
  if (!checked.success) return describeIssues(checked.error, { root: 'the manifest entry' });
  return undefined;
}

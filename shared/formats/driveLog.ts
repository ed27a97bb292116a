// The copy logs the data center writes for each drive (the Import/Export "DriveLog" format), and the
// blob-list XML used for an export job's list of blobs that did not fit (incompleteBlobListUri).
//
// DriveLog shape (Version 2014-11-01):
//   <DriveLog Version="2014-11-01">
//     <DriveId>…</DriveId>
//     <BlobList>
//       <Blob Status="Completed|CompletedWithErrors|FileNotFound|…">
//         <BlobPath>container/blob</BlobPath> <FilePath>session/container/blob</FilePath> <Length>n</Length>
//         <ImportDisposition Status="Created|Renamed|Skipped|Overwritten|Cancelled">rename</ImportDisposition>
//         <ImportedAs>container/blob (1)</ImportedAs>           (only when renamed)
//         <BlockList><Block Offset Length Id Hash Status/></BlockList>   or <PageRangeList><PageRange …/></PageRangeList>
//         <Message>a sentence for the customer</Message>         (only when there is something to say)
//       </Blob>
//     </BlobList>
//     <Status>Completed|CompletedWithInfo|CompletedWithWarnings|CompletedWithErrors|ManifestNotFound|…</Status>
//     <Message>…</Message>                                      (only for a drive-level problem)
//   </DriveLog>
//
// Pure TypeScript (no Node): the service writes these, the app and the CLI read them.
import { messageOf } from '../errors';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import * as z from 'zod';
import { describeIssues } from '../validation';
import { blobType, importDisposition } from './driveManifest';
import { quoted, safeMessage } from '../text';

export const DRIVE_LOG_VERSION = '2014-11-01';
/** The diagnostics container used when a job names none. */
export const DEFAULT_DIAGNOSTICS_PATH = 'waimportexport';

/** Drive-level status of a copy session. The first four are "the copy ran"; the others mean it could not. */
export const driveLogStatus = z.enum([
  'Completed',
  'CompletedWithInfo',
  'CompletedWithWarnings',
  'CompletedWithErrors',
  'Cancelled',
  'DiskNotFound',
  'DiskAccessDenied',
  'ManifestNotFound',
  'ManifestAccessDenied',
  'ManifestFormatInvalid',
  'ManifestCorrupted',
  'ManifestDriveIdMismatch',
  'DriveHeaderNotFound',
  'DriveHeaderInvalid',
  'InternalError',
]);
export type DriveLogStatus = z.infer<typeof driveLogStatus>;

/** Per-blob status. */
export const blobLogStatus = z.enum([
  'Completed',
  'CompletedWithErrors',
  'FileNameInvalid',
  'FileNotFound',
  'FileAccessDenied',
  'FileLengthMismatch',
  'BlobNameInvalid',
  'BlobRequestFailed',
  'BlobAlreadyExists',
  'Cancelled',
]);
export type BlobLogStatus = z.infer<typeof blobLogStatus>;

/** What the import disposition did with a blob. */
export const dispositionLogStatus = z.enum(['Created', 'Renamed', 'Skipped', 'Overwritten', 'Cancelled']);
export type DispositionLogStatus = z.infer<typeof dispositionLogStatus>;

/** Per-block (or per page range) status. */
export const blockLogStatus = z.enum([
  'Completed',
  'Md5Mismatch',
  'DataReadFailed',
  'LengthExceeded',
  'Uncommitted',
  'Cancelled',
]);
export type BlockLogStatus = z.infer<typeof blockLogStatus>;

const nonNegInt = z.number().int().nonnegative();

export const driveLogBlock = z.object({
  offset: nonNegInt,
  length: nonNegInt,
  /** Block id as staged (Base64); absent for page ranges. */
  id: z.string().optional(),
  /** MD5 Base16 upper case, as given in the drive manifest. */
  hash: z.string().optional(),
  status: blockLogStatus,
});
export type DriveLogBlock = z.infer<typeof driveLogBlock>;

export const driveLogBlob = z.object({
  status: blobLogStatus,
  blobPath: z.string().min(1),
  filePath: z.string(),
  length: nonNegInt,
  importDisposition: z.object({ value: importDisposition, status: dispositionLogStatus }).optional(),
  /** The blob path actually written, when the disposition renamed it. */
  importedAs: z.string().optional(),
  blobType: blobType.default('BlockBlob'),
  blocks: z.array(driveLogBlock).default([]),
  message: z.string().optional(),
});
export type DriveLogBlob = z.infer<typeof driveLogBlob>;

export const driveLog = z.object({
  version: z.literal(DRIVE_LOG_VERSION).default(DRIVE_LOG_VERSION),
  driveId: z.string().min(1),
  blobs: z.array(driveLogBlob),
  status: driveLogStatus,
  message: z.string().optional(),
});
export type DriveLog = z.infer<typeof driveLog>;
export type DriveLogInput = z.input<typeof driveLog>;

// What parseDriveLog returns: the same shape, but any status text is kept as it is, so logs written
// by the real service (which has more status codes than this sandbox writes) can be read too.
export const driveLogBlockAsRead = driveLogBlock.extend({ status: z.string().min(1) });
export const driveLogBlobAsRead = driveLogBlob.extend({
  status: z.string().min(1),
  importDisposition: z.object({ value: z.string(), status: z.string() }).optional(),
  blocks: z.array(driveLogBlockAsRead).default([]),
});
export const driveLogAsRead = driveLog.extend({ status: z.string().min(1), blobs: z.array(driveLogBlobAsRead) });
export type DriveLogAsRead = z.infer<typeof driveLogAsRead>;

/** Whether a blob entry reports something the customer should look at (error, warning or overwrite). */
export function blobHasIssue(b: { status: string; importDisposition?: { status: string } | undefined }): boolean {
  if (b.status !== 'Completed') return true;
  const d = b.importDisposition?.status;
  return d === 'Renamed' || d === 'Skipped' || d === 'Overwritten' || d === 'Cancelled';
}

/**
 * The error-log view of a full log: only the blobs with an issue, and within them only the blocks
 * that failed (not the good blocks left uncommitted because of them; a blob whose only issue is
 * its disposition keeps no blocks).
 */
export function errorView(log: DriveLogInput): DriveLog {
  const full = driveLog.parse(log);
  return {
    ...full,
    blobs: full.blobs
      .filter(blobHasIssue)
      .map((b) => ({ ...b, blocks: b.blocks.filter((k) => k.status !== 'Completed' && k.status !== 'Uncommitted') })),
  };
}

/**
 * Blob name of a log in the diagnostics location, like the real service:
 * `<driveId>_<yyyyMMdd-HHmmss-fff>_<kind>.xml` (UTC).
 */
export function driveLogBlobName(driveId: string, at: number, kind: 'error' | 'verbose' | 'manifest'): string {
  return `${driveId}_${logTimestamp(at)}_${kind}.xml`;
}

/** `yyyyMMdd-HHmmss-fff` in UTC. */
export function logTimestamp(at: number): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new Error(`Log time ${at} is not a valid time (epoch milliseconds).`);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${p(d.getUTCMilliseconds(), 3)}`;
}

// ---------------------------------------------------------------------------------------------

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

export function serializeDriveLog(log: DriveLogInput): string {
  const l = driveLog.parse(log);
  const blobs = l.blobs.map((b) => {
    const entries = b.blocks.map((k) => ({
      '@_Offset': String(k.offset),
      '@_Length': String(k.length),
      ...(k.id !== undefined ? { '@_Id': k.id } : {}),
      ...(k.hash !== undefined ? { '@_Hash': k.hash } : {}),
      '@_Status': k.status,
    }));
    const list =
      b.blobType === 'PageBlob'
        ? { PageRangeList: entries.length ? { PageRange: entries } : '' }
        : { BlockList: entries.length ? { Block: entries } : '' };
    return {
      '@_Status': b.status,
      BlobPath: b.blobPath,
      FilePath: b.filePath,
      Length: String(b.length),
      ...(b.importDisposition
        ? { ImportDisposition: { '@_Status': b.importDisposition.status, '#text': b.importDisposition.value } }
        : {}),
      ...(b.importedAs !== undefined ? { ImportedAs: b.importedAs } : {}),
      ...(entries.length ? list : {}),
      ...(b.message !== undefined ? { Message: b.message } : {}),
    };
  });
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    DriveLog: {
      '@_Version': l.version,
      DriveId: l.driveId,
      ...(blobs.length ? { BlobList: { Blob: blobs } } : {}),
      Status: l.status,
      ...(l.message !== undefined ? { Message: l.message } : {}),
    },
  }) as string;
}

const LOG_ARRAYS = new Set([
  'DriveLog.BlobList.Blob',
  'DriveLog.BlobList.Blob.BlockList.Block',
  'DriveLog.BlobList.Blob.PageRangeList.PageRange',
  // Older logs of the real service list <Blob> directly under <DriveLog>.
  'DriveLog.Blob',
  'DriveLog.Blob.BlockList.Block',
  'DriveLog.Blob.PageRangeList.PageRange',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  isArray: (_name, jpath) => LOG_ARRAYS.has(String(jpath)) || BLOBLIST_ARRAYS.has(String(jpath)),
});

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  throw new Error(`DriveLog: ${what} is missing or is not text.`);
}

function int(v: unknown, what: string): number {
  const s = str(v, what);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s)))
    throw new Error(`DriveLog: ${what} is ${quoted(s, 40)}, expected a whole number.`);
  return Number(s);
}

function issues(e: z.ZodError): string {
  return describeIssues(e);
}

/** Parses a DriveLog XML document (ours or the real service's); throws an Error naming the element at fault. */
export function parseDriveLog(xml: string): DriveLogAsRead {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    throw new Error(`DriveLog is not well-formed XML: ${safeMessage(messageOf(e), 300)}`);
  }
  if (!isNode(doc) || !isNode(doc.DriveLog)) throw new Error('DriveLog: the root element <DriveLog> is missing.');
  const root = doc.DriveLog;
  if (root['@_Version'] !== DRIVE_LOG_VERSION)
    throw new Error(
      `DriveLog: Version=${quoted(String(root['@_Version'] ?? ''), 40)} is not supported; expected "${DRIVE_LOG_VERSION}".`,
    );
  const rawBlobs =
    isNode(root.BlobList) && Array.isArray(root.BlobList.Blob)
      ? (root.BlobList.Blob as unknown[])
      : Array.isArray(root.Blob)
        ? (root.Blob as unknown[])
        : [];
  const blobs = rawBlobs.map((rb, i) => {
    const where = `<Blob> #${i + 1}`;
    if (!isNode(rb)) throw new Error(`DriveLog: ${where} is empty.`);
    const pageBlob = rb.PageRangeList !== undefined;
    const listNode = pageBlob ? rb.PageRangeList : rb.BlockList;
    const entryTag = pageBlob ? 'PageRange' : 'Block';
    const rawEntries = isNode(listNode) && Array.isArray(listNode[entryTag]) ? (listNode[entryTag] as unknown[]) : [];
    const blocks = rawEntries.map((re, j) => {
      const ew = `<${entryTag}> #${j + 1} of ${where}`;
      if (!isNode(re)) throw new Error(`DriveLog: ${ew} has no attributes.`);
      return {
        offset: int(re['@_Offset'], `Offset on ${ew}`),
        length: int(re['@_Length'], `Length on ${ew}`),
        ...(typeof re['@_Id'] === 'string' ? { id: re['@_Id'] } : {}),
        ...(typeof re['@_Hash'] === 'string' ? { hash: re['@_Hash'] } : {}),
        status: str(re['@_Status'], `Status on ${ew}`),
      };
    });
    const disp = rb.ImportDisposition;
    return {
      status: str(rb['@_Status'], `Status on ${where}`),
      blobPath: str(rb.BlobPath, `<BlobPath> in ${where}`),
      filePath: rb.FilePath === undefined ? '' : str(rb.FilePath, `<FilePath> in ${where}`),
      length: int(rb.Length, `<Length> in ${where}`),
      ...(isNode(disp)
        ? {
            importDisposition: {
              value: str(disp['#text'], `<ImportDisposition> in ${where}`),
              status: str(disp['@_Status'], `Status on <ImportDisposition> in ${where}`),
            },
          }
        : {}),
      ...(rb.ImportedAs !== undefined ? { importedAs: str(rb.ImportedAs, `<ImportedAs> in ${where}`) } : {}),
      blobType: pageBlob ? 'PageBlob' : 'BlockBlob',
      blocks,
      ...(rb.Message !== undefined ? { message: str(rb.Message, `<Message> in ${where}`) } : {}),
    };
  });
  const r = driveLogAsRead.safeParse({
    version: DRIVE_LOG_VERSION,
    driveId: str(root.DriveId, '<DriveId>'),
    blobs,
    status: str(root.Status, '<Status>'),
    ...(root.Message !== undefined ? { message: str(root.Message, '<Message>') } : {}),
  });
  if (!r.success) throw new Error(`DriveLog: ${issues(r.error)}`);
  return r.data;
}

// ---------------------------------------------------------------------------------------------
// Blob list XML (export): the format of an export job's blobListBlobPath blob and of the list of
// blobs that did not fit on the drives (incompleteBlobListUri), so the customer can feed the latter
// into a new export job unchanged.
//   <BlobList><BlobPath>/container/blob</BlobPath><BlobPathPrefix>/container/prefix</BlobPathPrefix></BlobList>

export const exportBlobList = z.object({
  blobPath: z.array(z.string().min(1)).default([]),
  blobPathPrefix: z.array(z.string().min(1)).default([]),
});
export type ExportBlobList = z.infer<typeof exportBlobList>;

const BLOBLIST_ARRAYS = new Set(['BlobList.BlobPath', 'BlobList.BlobPathPrefix']);

export function serializeBlobList(list: z.input<typeof exportBlobList>): string {
  const l = exportBlobList.parse(list);
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    BlobList: {
      ...(l.blobPath.length ? { BlobPath: l.blobPath } : {}),
      ...(l.blobPathPrefix.length ? { BlobPathPrefix: l.blobPathPrefix } : {}),
    },
  }) as string;
}

/** Parses a blob list XML; throws an Error naming the element at fault. */
export function parseBlobList(xml: string): ExportBlobList {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    throw new Error(`Blob list is not well-formed XML: ${messageOf(e)}`);
  }
  if (!isNode(doc) || !('BlobList' in doc)) throw new Error('Blob list: the root element <BlobList> is missing.');
  const root = isNode(doc.BlobList) ? doc.BlobList : {};
  const strings = (v: unknown, tag: string): string[] =>
    (Array.isArray(v) ? v : []).map((s, i) => {
      if (typeof s !== 'string' || !s) throw new Error(`Blob list: <${tag}> #${i + 1} is empty.`);
      return s;
    });
  return {
    blobPath: strings(root.BlobPath, 'BlobPath'),
    blobPathPrefix: strings(root.BlobPathPrefix, 'BlobPathPrefix'),
  };
}

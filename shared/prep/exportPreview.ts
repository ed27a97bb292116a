// preview-export: how many drives an export needs and which blobs go where. Pure, so the app
// can show the same preview. Blobs are placed in the given order, first fit, never split.
import { parse } from 'csv-parse/sync';
import { blobNameProblem, blobPrefixProblem, containerNameProblem, parseSize, splitBlobPath } from './names';
import { messageOf } from '../errors';

export interface ExportBlob {
  blobPath: string;
  length: number;
}
export interface ExportDrivePreview {
  index: number;
  blobs: ExportBlob[];
  bytes: number;
}
export interface ExportPreview {
  drives: ExportDrivePreview[];
  tooLarge: ExportBlob[];
  totalBytes: number;
  driveSize: number;
}

/** Space kept free per drive for the manifest and file system bookkeeping, and the allocation unit. */
const RESERVE = 8 * 1024 * 1024;
const ALLOC = 4096;

/**
 * What is wrong with a blob path of an export ("container/blob"), by the shared naming rules, or
 * undefined. A prefix ("container/folder/") has no length of its own, so the preview takes blobs.
 */
export function exportBlobProblem(blobPath: string): string | undefined {
  const { container, blob } = splitBlobPath(blobPath);
  const c = containerNameProblem(container);
  if (c) return `the ${c}`;
  if (!blob) return `"${blobPath}" names only a container; list each blob as container/blob with its length`;
  if (blob.endsWith('/')) {
    const p = blobPrefixProblem(blob);
    return p
      ? `the ${p}`
      : `"${blobPath}" is a prefix; the preview needs each blob under it, one per line with its length`;
  }
  const b = blobNameProblem(blob);
  return b ? `the ${b}` : undefined;
}

/**
 * Parses a blob list: CSV, one blob per line, "container/blob,length" (a tab, or a space before the
 * length, also separates); quote a name that holds a comma or a quote ("a,b.txt" or "say ""hi"""),
 * as formatBlobList writes it. Lines starting with # are comments.
 */
export function parseBlobList(text: string, file = 'blob list'): ExportBlob[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: [',', '\t'],
      comment: '#',
      comment_no_infix: true,
      relax_quotes: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const lines = (e as { lines?: number }).lines;
    throw new Error(
      `${file}, line ${lines ?? 0}: the list is not valid CSV (${messageOf(e)}); put a name that holds a comma or a quote in double quotes, with each quote doubled.`,
    );
  }
  const out: ExportBlob[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    let cells = record.filter((c, k) => c !== '' || k < 2);
    if (cells.length === 1) {
      // "container/blob 5GB": the last word is the length
      const m = /^(.*\S)\s+(\S+)$/.exec(cells[0]!);
      if (m) cells = [m[1]!, m[2]!];
    }
    if (cells.length !== 2)
      throw new Error(
        `${file}, line ${line}: expected "container/blob,length", got ${cells.length} values (${cells.map((c) => `"${c}"`).join(', ')}); put a name that holds a comma in double quotes.`,
      );
    const [blobPath, size] = cells as [string, string];
    const length = parseSize(size);
    if (length === undefined)
      throw new Error(`${file}, line ${line}: "${size}" is not a length in bytes (or a size such as 5GB).`);
    const problem = exportBlobProblem(blobPath);
    if (problem) throw new Error(`${file}, line ${line}: ${problem}. Correct the name on that line.`);
    out.push({ blobPath, length });
  }
  return out;
}

/** Writes a blob list parseBlobList reads back: one "container/blob,length" per line, quoted where needed. */
export function formatBlobList(blobs: ExportBlob[]): string {
  return blobs.map((b) => `${csvField(b.blobPath)},${b.length}\n`).join('');
}

function csvField(v: string): string {
  return /[",\t\r\n]|^[\s#]|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function previewExport(blobs: ExportBlob[], driveSize: number): ExportPreview {
  const budget = driveSize - RESERVE;
  const drives: (ExportDrivePreview & { left: number })[] = [];
  const tooLarge: ExportBlob[] = [];
  let totalBytes = 0;
  for (const [k, b] of blobs.entries()) {
    const problem = exportBlobProblem(b.blobPath);
    if (problem) throw new Error(`Blob ${k + 1} of the list: ${problem}.`);
    totalBytes += b.length;
    const cost = Math.ceil(b.length / ALLOC) * ALLOC + ALLOC;
    if (cost > budget) {
      tooLarge.push(b);
      continue;
    }
    let d = drives.find((x) => x.left >= cost);
    if (!d) {
      d = { index: drives.length + 1, blobs: [], bytes: 0, left: budget };
      drives.push(d);
    }
    d.blobs.push(b);
    d.bytes += b.length;
    d.left -= cost;
  }
  return { drives: drives.map(({ left: _left, ...d }) => d), tooLarge, totalBytes, driveSize };
}

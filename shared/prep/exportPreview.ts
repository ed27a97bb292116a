// preview-export: how many drives an export needs and which blobs go where. Pure, so the app
// can show the same preview. Blobs are placed in the given order, first fit, never split.
import { parseSize } from './names';

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

/** Parses a blob list: one blob per line, "container/blob,length" (or tab/space separated); # comments. */
export function parseBlobList(text: string, file = 'blob list'): ExportBlob[] {
  const out: ExportBlob[] = [];
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(.*?)[,\t ]+(\S+)$/.exec(line);
    if (!m) throw new Error(`${file}, line ${n + 1}: expected "container/blob,length", got "${line}".`);
    const length = parseSize(m[2]!);
    if (length === undefined)
      throw new Error(`${file}, line ${n + 1}: "${m[2]}" is not a length in bytes (or a size such as 5GB).`);
    const blobPath = m[1]!.trim().replace(/^"|"$/g, '');
    if (!blobPath.includes('/')) throw new Error(`${file}, line ${n + 1}: "${blobPath}" must be container/blob.`);
    out.push({ blobPath, length });
  }
  return out;
}

export function previewExport(blobs: ExportBlob[], driveSize: number): ExportPreview {
  const budget = driveSize - RESERVE;
  const drives: (ExportDrivePreview & { left: number })[] = [];
  const tooLarge: ExportBlob[] = [];
  let totalBytes = 0;
  for (const b of blobs) {
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

// The completion report as CSV (pure), one line per file, like AWS Snowball's success and failure
// CSVs but naming the customer's source file next to the blob: all files, only those not imported,
// or only those imported. And the dataset.csv (WAImportExport columns) of the files to send again.
import { DATASET_COLUMNS } from '../formats/dataset';
import { notImported, resendable } from './build';
import type { ReportFilter, ReportRow } from './schemas';

export const REPORT_CSV_COLUMNS = [
  'Drive',
  'Outcome',
  'Reason',
  'Source file',
  'Blob',
  'Imported as',
  'Path on drive',
  'Bytes',
  'Blob type',
  'Disposition',
  'Details',
] as const;

/**
 * One CSV cell: quoted when it holds a comma, quote or line break; a text that a spreadsheet would
 * take for a formula (=, +, -, @ first) is prefixed with a quote mark so it stays text.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const line = (cells: (string | number | undefined)[]) => cells.map(csvCell).join(',');

export function rowMatches(r: ReportRow, filter: ReportFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'notImported') return notImported(r);
  const k = r.outcome.kind;
  return k === 'imported' || k === 'renamed' || k === 'overwritten';
}

/** The report's rows as CSV text (a header line, then one line per file; CRLF, as spreadsheets write it). */
export function reportCsv(rows: readonly ReportRow[], filter: ReportFilter = 'all'): string {
  const out = [line([...REPORT_CSV_COLUMNS])];
  for (const r of rows) {
    if (!rowMatches(r, filter)) continue;
    out.push(
      line([
        r.driveId,
        r.outcome.label,
        r.outcome.reason,
        r.sourcePath,
        r.blobPath,
        r.importedAs,
        r.filePath,
        r.length,
        r.blobType,
        r.disposition,
        r.message ? `${r.outcome.text} ${r.message}` : r.outcome.text,
      ]),
    );
  }
  return `${out.join('\r\n')}\r\n`;
}

/** A file to send again, with what its dataset row needs beyond the report (from the prep journal). */
export interface ResendFile {
  row: ReportRow;
  metadataFile?: string | undefined;
  propertiesFile?: string | undefined;
}

const quoted = (v: string) => `"${v.replace(/"/g, '""')}"`;

/**
 * dataset.csv of exactly the files given, each on its own row: its source file to the very blob
 * it was meant for, with the same blob type, disposition and metadata/properties files. Files
 * Haul does not know the source of are left out (the caller says so).
 */
export function resendDatasetCsv(files: readonly ResendFile[]): string {
  const out = [DATASET_COLUMNS.join(',')];
  for (const f of files) {
    if (!resendable(f.row) || !f.row.sourcePath) continue;
    out.push(
      [
        quoted(f.row.sourcePath),
        quoted(f.row.blobPath),
        f.row.blobType ?? 'BlockBlob',
        f.row.disposition ?? 'rename',
        f.metadataFile ? quoted(f.metadataFile) : 'None',
        f.propertiesFile ? quoted(f.propertiesFile) : 'None',
      ].join(','),
    );
  }
  return `${out.join('\n')}\n`;
}

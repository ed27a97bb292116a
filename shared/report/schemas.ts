// The end of a job, as data (pure): the completion report (per drive and per file: imported, not
// imported and why, never arrived), a check of the import against the storage account (verify
// the import), and an export job's returned drive checked and copied off. The shapes the bridge
// carries; main/core/report, main/core/verifyImport and main/core/received fill them.
import * as z from 'zod';
import { blobType, importDisposition } from '../formats/driveManifest';
import { FileOutcome, Verdict } from '../jobs/schemas';

// ---- the completion report -------------------------------------------------------------------

/** Where Haul learned which files a drive holds. */
export const FILE_LIST_SOURCES = ['journal', 'manifestBackup', 'log'] as const;
export const FileListSource = z.enum(FILE_LIST_SOURCES);
export type FileListSource = z.infer<typeof FileListSource>;

/** One file of one drive: what became of it. */
export const ReportRow = z.object({
  driveId: z.string(),
  /** The customer's own file it was copied from (the prep journal), when Haul prepared the drive. */
  sourcePath: z.string().optional(),
  /** `container/blob` as the drive's manifest names it. */
  blobPath: z.string(),
  /** The blob name written instead (disposition rename). */
  importedAs: z.string().optional(),
  /** Path on the drive, relative to its root. */
  filePath: z.string(),
  length: z.number().nonnegative(),
  blobType: blobType.optional(),
  disposition: importDisposition.optional(),
  outcome: FileOutcome,
  /** The data center's own words about the blob, when its log gives any. */
  message: z.string().optional(),
});
export type ReportRow = z.infer<typeof ReportRow>;

/** Files and bytes. */
export const Tally = z.object({ files: z.number().int().nonnegative(), bytes: z.number().nonnegative() });
export type Tally = z.infer<typeof Tally>;

/** The report's totals, by what became of the files. */
export const ReportTotals = z.object({
  all: Tally,
  /** imported, imported under a new name, or replacing a blob of the same name */
  imported: Tally,
  /** the data center could not import them (or the job was cancelled) */
  failed: Tally,
  /** their drive never reached the data center */
  notReceived: Tally,
  /** a blob of that name existed and the disposition (no-overwrite) kept it */
  skipped: Tally,
  /** files Haul can build a new import of: failed or not received, with a known source file */
  resendable: z.number().int().nonnegative(),
});
export type ReportTotals = z.infer<typeof ReportTotals>;

export const ReportDrive = z.object({
  driveId: z.string(),
  /** The drive's state as the service reports it. */
  state: z.string(),
  verdict: Verdict,
  extra: z.boolean(),
  /** Where the file list came from; absent when Haul knows none of the drive's files. */
  files: FileListSource.optional(),
  totals: ReportTotals,
  /** What the reader should know about this drive's rows (in words). */
  notes: z.array(z.string()),
});
export type ReportDrive = z.infer<typeof ReportDrive>;

export const JobReport = z.object({
  name: z.string(),
  type: z.enum(['Import', 'Export']),
  state: z.string(),
  storageAccount: z.string().optional(),
  location: z.string().optional(),
  verdict: Verdict,
  /** When Haul built the report (ISO 8601), from the job as the service answered at `observedAt`. */
  generatedAt: z.string(),
  observedAt: z.string(),
  drives: z.array(ReportDrive),
  totals: ReportTotals,
  notes: z.array(z.string()),
});
export type JobReport = z.infer<typeof JobReport>;

export const REPORT_FILTERS = ['all', 'notImported', 'imported'] as const;
export const ReportFilter = z.enum(REPORT_FILTERS);
export type ReportFilter = z.infer<typeof ReportFilter>;

// ---- verify the import -----------------------------------------------------------------------

export const MISMATCH_KINDS = ['missing', 'length', 'content', 'unreadable'] as const;

/** A blob that is not what the drive carried, named by the customer's file. */
export const ImportMismatch = z.object({
  driveId: z.string(),
  sourcePath: z.string().optional(),
  blobPath: z.string(),
  /** The name it was checked under (its importedAs name when the disposition renamed it). */
  checkedAs: z.string(),
  kind: z.enum(MISMATCH_KINDS),
  /** What was found, in a sentence. */
  text: z.string(),
});
export type ImportMismatch = z.infer<typeof ImportMismatch>;

export const VerifyImportStatus = z.object({
  runId: z.string(),
  name: z.string(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** Bytes Haul may read back from the storage account to compare block MD5s. */
  budgetBytes: z.number().nonnegative(),
  /** Files the report says were imported: the ones checked. */
  total: Tally,
  checked: Tally,
  /** Bytes read back so far. */
  bytesRead: z.number().nonnegative(),
  /** Checked by the blob's Content-MD5 against the file's MD5 the drive's manifest holds. */
  byContentMd5: z.number().int().nonnegative(),
  /** Checked by reading the blob back and comparing every block's MD5 with the manifest's. */
  byReadBack: z.number().int().nonnegative(),
  /** Present with the right length, but not read back: the budget was spent. */
  lengthOnly: Tally,
  matching: z.number().int().nonnegative(),
  mismatchCount: z.number().int().nonnegative(),
  /** The first mismatches (at most 1,000; the count says how many there are). */
  mismatches: z.array(ImportMismatch),
  /** Files the report says were not imported (left out of the check), and files without a manifest entry. */
  notChecked: z.number().int().nonnegative(),
  /** Why it stopped, when it failed. */
  message: z.string().optional(),
});
export type VerifyImportStatus = z.infer<typeof VerifyImportStatus>;

// ---- an export job's returned drive ----------------------------------------------------------

export const ReceivedProblem = z.object({
  /** The file on the drive (relative to its root), when the problem is about one. */
  filePath: z.string().optional(),
  blobPath: z.string().optional(),
  text: z.string(),
});
export type ReceivedProblem = z.infer<typeof ReceivedProblem>;

export const ReceivedStatus = z.object({
  runId: z.string(),
  name: z.string(),
  /** `check`: the drive against its manifest (haul verify); `copy`: its files to a folder, checked as they are read. */
  kind: z.enum(['check', 'copy']),
  drivePath: z.string(),
  destination: z.string().optional(),
  driveId: z.string().optional(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  total: Tally,
  done: Tally,
  /** Files whose every block matched the manifest (copied, for a copy). */
  good: z.number().int().nonnegative(),
  problems: z.array(ReceivedProblem),
  problemCount: z.number().int().nonnegative(),
  message: z.string().optional(),
});
export type ReceivedStatus = z.infer<typeof ReceivedStatus>;

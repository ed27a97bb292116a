// The completion report (pure): per drive and per file, what became of every file the job carried —
// imported (as it was, renamed or replacing a blob), not imported with the data center's reason,
// or not imported because its drive never arrived — from the job's view (its drives' verdicts,
// shared/jobs/verdict.ts), each drive's list of files (the prep journal that wrote it, else the
// manifest backup in the storage account) and its error log. The per-file words are the verdict's
// own (fileOutcome, notReceivedOutcome), so the report says what the job page says.
import { fileOutcome, failureReason, notReceivedOutcome } from '../jobs/verdict';
import type { DriveView, FileOutcome, JobView } from '../jobs/schemas';
import type { DriveLogAsRead } from '../formats/driveLog';
import type { BlobType, ImportDisposition } from '../formats/driveManifest';
import { formatBytes } from '../prep/names';
import type { FileListSource, JobReport, ReportDrive, ReportRow, ReportTotals, Tally } from './schemas';

/** One file a drive carried, as its manifest lists it (and the journal that copied it knows its source). */
export interface DriveFile {
  blobPath: string;
  filePath: string;
  length: number;
  blobType?: BlobType | undefined;
  disposition?: ImportDisposition | undefined;
  sourcePath?: string | undefined;
}

export interface DriveInput {
  driveId: string;
  /** The drive's files, and where Haul learned them; absent when it knows none. */
  files?: { from: Exclude<FileListSource, 'log'>; list: DriveFile[] } | undefined;
  /** The drive's error log, when it has one and it could be read. */
  log?: DriveLogAsRead | undefined;
  /** Why the error log could not be read. */
  logError?: string | undefined;
}

/** A path as logs and manifests write it (`\s1\photos\a.jpg`, `/photos/a.jpg`) in one spelling. */
export const normPath = (p: string): string => p.replace(/\\/g, '/').replace(/^\/+/, '');

/** The reason of a file whose fate Haul cannot tell. */
const UNKNOWN_REASON = 'LogUnavailable';

const tally = (): Tally => ({ files: 0, bytes: 0 });
const emptyTotals = (): ReportTotals => ({
  all: tally(),
  imported: tally(),
  failed: tally(),
  notReceived: tally(),
  skipped: tally(),
  resendable: 0,
});
const add = (t: Tally, bytes: number) => {
  t.files += 1;
  t.bytes += bytes;
};

/** Counts rows into totals. */
export function totalsOf(rows: readonly ReportRow[]): ReportTotals {
  const t = emptyTotals();
  for (const r of rows) {
    add(t.all, r.length);
    const k = r.outcome.kind;
    if (k === 'imported' || k === 'renamed' || k === 'overwritten') add(t.imported, r.length);
    else if (k === 'failed' && !unknown(r)) add(t.failed, r.length);
    else if (k === 'notReceived') add(t.notReceived, r.length);
    else if (k === 'skipped') add(t.skipped, r.length);
    if (resendable(r)) t.resendable += 1;
  }
  return t;
}

/** Not imported, for a reason sending the file again can fix, and Haul knows the customer's file. */
export function resendable(r: ReportRow): boolean {
  return (r.outcome.kind === 'failed' || r.outcome.kind === 'notReceived') && !unknown(r) && r.sourcePath !== undefined;
}

/** A file whose fate Haul cannot tell (its drive's copy met issues and the error log is not readable). */
export const unknown = (r: ReportRow): boolean => r.outcome.reason === UNKNOWN_REASON;

/** Whether a row counts as not imported (the report's "not imported" filter and CSV). */
export const notImported = (r: ReportRow): boolean =>
  (r.outcome.kind === 'failed' && !unknown(r)) || r.outcome.kind === 'notReceived' || r.outcome.kind === 'skipped';

const cancelledOutcome = (): FileOutcome => fileOutcome({ status: 'Completed', disposition: 'Cancelled' });

function driveNotCopied(d: DriveView): FileOutcome {
  return {
    kind: 'failed',
    label: 'Not imported',
    tone: 'danger',
    reason: 'DriveNotCopied',
    text: `Not imported: ${d.verdict.headline.replace(/^Drive \S+ was /, 'its drive was ').replace(/:.*$/, '')}.`,
  };
}

function driveFault(log: DriveLogAsRead): FileOutcome {
  const o = fileOutcome({ status: log.status, reason: log.status });
  return log.message ? { ...o, text: `Not imported: the data center could not read the drive (${log.message}).` } : o;
}

/** What Haul can say of a file of a drive whose copy ended with issues it has no log for. */
const UNKNOWN: FileOutcome = {
  kind: 'failed',
  label: 'Unknown',
  tone: 'warning',
  reason: UNKNOWN_REASON,
  text: 'Unknown: the copy of its drive met issues and Haul could not read the error log that says which files.',
};

interface DriveRows {
  rows: ReportRow[];
  notes: string[];
  files?: FileListSource;
}

function rowFor(d: DriveView, f: DriveFile, outcome: FileOutcome, extra: Partial<ReportRow> = {}): ReportRow {
  return {
    driveId: d.driveId,
    ...(f.sourcePath ? { sourcePath: f.sourcePath } : {}),
    blobPath: normPath(f.blobPath),
    filePath: normPath(f.filePath),
    length: f.length,
    ...(f.blobType ? { blobType: f.blobType } : {}),
    ...(f.disposition ? { disposition: f.disposition } : {}),
    outcome,
    ...extra,
  };
}

function driveRows(job: JobView, d: DriveView, input: DriveInput | undefined): DriveRows {
  const notes: string[] = [];
  const list = input?.files?.list;
  const from = input?.files?.from;
  const log = input?.log;
  const each = (outcome: FileOutcome): DriveRows => ({
    rows: (list ?? []).map((f) => rowFor(d, f, outcome)),
    notes,
    ...(from ? { files: from } : {}),
  });
  const unknownFiles = (what: string) =>
    notes.push(
      `Haul did not prepare drive ${d.driveId} on this computer and the storage account holds no copy of its manifest, so its files cannot be listed: ${what}.`,
    );
  if (from === 'manifestBackup')
    notes.push(
      `The files of drive ${d.driveId} are listed from the manifest backup in the storage account; their source files are not known on this computer.`,
    );

  // Cancelled before its copy: nothing of it was imported.
  if (job.cancelRequested && !log) {
    if (!list) unknownFiles('none of them were imported (the job was cancelled)');
    return each(cancelledOutcome());
  }
  if (d.state === 'NeverReceived') {
    if (!list)
      unknownFiles(`none of them were imported, ${d.verdict.bytes.total ? formatBytes(d.verdict.bytes.total) : 'all'}`);
    return each(notReceivedOutcome());
  }
  if (log) {
    if (!/^Completed/.test(log.status)) {
      if (!list) unknownFiles(`none of them were imported (its log says ${log.status})`);
      return each(driveFault(log));
    }
    const byPath = new Map<string, (typeof log.blobs)[number]>();
    for (const b of log.blobs) {
      byPath.set(`b:${normPath(b.blobPath)}`, b);
      byPath.set(`f:${normPath(b.filePath)}`, b);
    }
    const used = new Set<(typeof log.blobs)[number]>();
    const rows: ReportRow[] = [];
    for (const f of list ?? []) {
      const b = byPath.get(`f:${normPath(f.filePath)}`) ?? byPath.get(`b:${normPath(f.blobPath)}`);
      if (!b) {
        rows.push(rowFor(d, f, fileOutcome({ status: 'Completed' })));
        continue;
      }
      used.add(b);
      rows.push(fromLog(d, f, b));
    }
    const rest = log.blobs.filter((b) => !used.has(b));
    for (const b of rest)
      rows.push(
        fromLog(d, { blobPath: b.blobPath, filePath: b.filePath, length: b.length, blobType: blobTypeOf(b) }, b),
      );
    if (!list) {
      notes.push(
        `Haul did not prepare drive ${d.driveId} on this computer and the storage account holds no copy of its manifest: only the files its error log names are listed (${rest.length.toLocaleString('en-US')}); every other file of the drive was imported (${formatBytes(d.bytesSucceeded)} in all).`,
      );
      return { rows, notes, files: 'log' };
    }
    if (rest.length)
      notes.push(
        `The error log of drive ${d.driveId} names ${rest.length.toLocaleString('en-US')} file${rest.length === 1 ? '' : 's'} its manifest as Haul knows it does not list; they are listed as the log names them.`,
      );
    return { rows, notes, ...(from ? { files: from } : {}) };
  }
  if (d.errorLogUri && input?.logError)
    notes.push(`The error log of drive ${d.driveId} could not be read: ${input.logError}`);
  switch (d.verdict.kind) {
    case 'imported':
    case 'importedWithWarnings':
      if (d.verdict.kind === 'imported') {
        if (!list) unknownFiles(`all of them were imported (${formatBytes(d.bytesSucceeded)})`);
        return each(fileOutcome({ status: 'Completed' }));
      }
      break;
    case 'notImported':
    case 'cancelled':
      if (!list) unknownFiles('none of them were imported');
      return each(d.verdict.kind === 'cancelled' ? cancelledOutcome() : driveNotCopied(d));
    default:
      break;
  }
  if (!list) unknownFiles(d.verdict.headline.replace(/\.$/, '').toLowerCase());
  else
    notes.push(
      `Haul cannot tell which files of drive ${d.driveId} were imported: ${d.verdict.headline.replace(/\.$/, '')}.`,
    );
  return each(UNKNOWN);
}

function blobTypeOf(b: DriveLogAsRead['blobs'][number]): BlobType | undefined {
  return b.blobType === 'PageBlob' || b.blobType === 'BlockBlob' ? b.blobType : undefined;
}

function fromLog(d: DriveView, f: DriveFile, b: DriveLogAsRead['blobs'][number]): ReportRow {
  const outcome = fileOutcome({
    status: b.status,
    disposition: b.importDisposition?.status,
    reason: failureReason(b),
  });
  return rowFor(d, f, outcome, {
    ...(b.importedAs ? { importedAs: normPath(b.importedAs) } : {}),
    ...(b.message ? { message: b.message } : {}),
  });
}

const byPathOrder = (a: ReportRow, b: ReportRow) =>
  a.blobPath < b.blobPath ? -1 : a.blobPath > b.blobPath ? 1 : a.filePath < b.filePath ? -1 : 1;

/**
 * The report of a job whose copy is over (its verdict is final). Rows are grouped by drive, in the
 * job's drive order, each drive's sorted by blob path.
 */
export function buildReport(
  job: JobView,
  inputs: readonly DriveInput[],
  now: Date,
): { report: JobReport; rows: ReportRow[] } {
  const rows: ReportRow[] = [];
  const drives: ReportDrive[] = [];
  for (const d of job.drives) {
    const input = inputs.find((i) => i.driveId.toLowerCase() === d.driveId.toLowerCase());
    const r = driveRows(job, d, input);
    r.rows.sort(byPathOrder);
    rows.push(...r.rows);
    drives.push({
      driveId: d.driveId,
      state: d.serviceState,
      verdict: d.verdict,
      extra: d.extra,
      ...(r.files ? { files: r.files } : {}),
      totals: totalsOf(r.rows),
      notes: r.notes,
    });
  }
  const notes: string[] = [];
  const noSource = rows.filter(
    (r) => (r.outcome.kind === 'failed' || r.outcome.kind === 'notReceived') && !unknown(r) && !r.sourcePath,
  );
  if (noSource.length)
    notes.push(
      `${noSource.length.toLocaleString('en-US')} file${noSource.length === 1 ? '' : 's'} not imported cannot be sent again from Haul: it does not know the source file${noSource.length === 1 ? '' : 's'} on this computer (the drive was prepared elsewhere).`,
    );
  return {
    report: {
      name: job.name,
      type: job.type,
      state: job.serviceState,
      ...(job.storageAccount ? { storageAccount: job.storageAccount } : {}),
      ...(job.location.name ? { location: job.location.name } : {}),
      verdict: job.verdict,
      generatedAt: now.toISOString(),
      observedAt: job.observedAt,
      drives,
      totals: totalsOf(rows),
      notes,
    },
    rows,
  };
}

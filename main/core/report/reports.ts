// Completion reports in main: built from the job as the service answers now (its drives' verdicts),
// each drive's files (sources.ts) and its error log; kept in the data folder as JSON and CSV when a
// job reaches Completed or Closed (so the report outlives the journals and the storage account's
// logs), and built again on demand. The rows stay in main: the screen pages through them.
import { messageOf } from '../../../shared/errors';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { parseDriveLog, type DriveLogAsRead } from '../../../shared/formats/driveLog';
import { HandlerError } from '../../../shared/ipc/contract';
import { writeFileAtomic } from '../../../shared/node/atomicWrite';
import type { JobView } from '../../../shared/jobs/schemas';
import type { PrepSessionInfo } from '../../../shared/prep/session';
import { buildReport, normPath, resendable, type DriveInput } from '../../../shared/report/build';
import { reportCsv, rowMatches } from '../../../shared/report/csv';
import { MAX_DRAFT_CSV } from '../../../shared/prep/draft';
import { resendDraftValues, resendJobName } from '../../../shared/report/resend';
import { JobReport, ReportRow, type ReportFilter } from '../../../shared/report/schemas';
import type { DraftStore } from '../drafts/store';
import type { JobsService } from '../service/jobs';
import { journalFiles, journalsFor, manifestFiles, type DriveFiles, type KnownFile } from './sources';

/** A built report, with what the journals know beyond its rows (for a check or a re-send). */
export interface BuiltReport {
  report: JobReport;
  rows: ReportRow[];
  view: JobView;
  /** By `driveId \0 filePath` (lower-case drive id): the file as the journal or manifest backup knows it. */
  known: Map<string, KnownFile>;
}

export const knownKey = (driveId: string, filePath: string) => `${driveId.toLowerCase()}\u0000${normPath(filePath)}`;

const Saved = z.object({ version: z.literal(1), report: JobReport, rows: z.array(ReportRow) });

export interface ReportServiceOptions {
  dataDir: string;
  jobs: JobsService;
  /** The app's prep sessions (their journals); none when prep is not set up. */
  sessions: () => Promise<PrepSessionInfo[]>;
  drafts?: DraftStore | undefined;
  now?: () => Date;
}

export interface ReportService {
  /** The report of an import job whose copy is over; `refresh` builds it again from the service. */
  get(name: string, refresh?: boolean): Promise<JobReport>;
  rows(q: {
    name: string;
    filter: ReportFilter;
    driveId?: string | undefined;
    search?: string | undefined;
    offset: number;
    limit: number;
  }): Promise<{ total: number; rows: ReportRow[] }>;
  csv(name: string, filter: ReportFilter): Promise<{ fileName: string; text: string; rows: number }>;
  /** A new import draft of the files not imported; the wizard opens it. */
  resend(name: string): Promise<{ draftId: string; jobName: string; files: number; bytes: number; left: number }>;
  /** The report as built now, with what the journals know (verify the import). */
  built(name: string): Promise<BuiltReport>;
  /** Stops following jobs. */
  dispose(): void;
}

/** Each drive's files as Haul's prep journal knows them, else as the drive's manifest backup lists them. */
async function filesOf(
  view: JobView,
  sessions: PrepSessionInfo[],
  readText: (uri: string) => Promise<string>,
): Promise<Map<string, DriveFiles>> {
  const out = new Map<string, DriveFiles>();
  for (const d of view.drives) {
    const journals = journalsFor(sessions, view, d);
    const list = journals.length ? journalFiles(journals, d.driveId) : [];
    if (list.length) {
      out.set(d.driveId, { from: 'journal', list });
      continue;
    }
    if (d.manifestUri) {
      try {
        out.set(d.driveId, { from: 'manifestBackup', list: manifestFiles(await readText(d.manifestUri)) });
      } catch {
        // No backup to read: the report lists what the log names.
      }
    }
  }
  return out;
}

/** What the report is built from for each drive: its files, and its error log (or why it could not be read). */
async function driveInputs(
  view: JobView,
  files: Map<string, DriveFiles>,
  readText: (uri: string) => Promise<string>,
): Promise<DriveInput[]> {
  const inputs: DriveInput[] = [];
  for (const d of view.drives) {
    let log: DriveLogAsRead | undefined;
    let logError: string | undefined;
    if (d.errorLogUri) {
      try {
        log = parseDriveLog(await readText(d.errorLogUri));
      } catch (err) {
        logError = messageOf(err);
      }
    }
    const f = files.get(d.driveId);
    inputs.push({
      driveId: d.driveId,
      ...(f ? { files: f } : {}),
      ...(log ? { log } : {}),
      ...(logError ? { logError } : {}),
    });
  }
  return inputs;
}

/** The report of an import job whose copy is over, built now from the service, the journals and the logs. */
async function buildFor(o: ReportServiceOptions, name: string, now: () => Date): Promise<BuiltReport> {
  const view = await o.jobs.get(name);
  if (view.type !== 'Import')
    throw new HandlerError(
      'not-import',
      `Job ${name} is an export job: there is no import report. Check its returned drives and copy their files off on the job's page.`,
    );
  if (!view.verdict.final)
    throw new HandlerError(
      'not-over',
      `The report of job ${name} is made once its copy is over. ${view.verdict.headline}`,
    );
  const readText = (uri: string) => o.jobs.client().readLogBlob(uri);
  const files = await filesOf(view, await o.sessions(), readText);
  const inputs = await driveInputs(view, files, readText);
  const { report, rows } = buildReport(view, inputs, now());
  const known = new Map<string, KnownFile>();
  for (const [driveId, f] of files) for (const k of f.list) known.set(knownKey(driveId, k.filePath), k);
  return { report, rows, view, known };
}

/** One page of the rows that pass the filter, the drive and the search (source path, blob name, name written as). */
function pageOfRows(rows: ReportRow[], q: Parameters<ReportService['rows']>[0]): { total: number; rows: ReportRow[] } {
  const needle = q.search?.trim().toLowerCase();
  const matching = rows.filter(
    (r) =>
      rowMatches(r, q.filter) &&
      (!q.driveId || r.driveId.toLowerCase() === q.driveId.toLowerCase()) &&
      (!needle ||
        r.blobPath.toLowerCase().includes(needle) ||
        (r.sourcePath ?? '').toLowerCase().includes(needle) ||
        (r.importedAs ?? '').toLowerCase().includes(needle)),
  );
  return { total: matching.length, rows: matching.slice(q.offset, q.offset + q.limit) };
}

/** A new import draft of the files of `b` not imported, under a job name not yet taken; the wizard opens it. */
async function resendDraft(
  jobs: JobsService,
  drafts: DraftStore,
  name: string,
  b: BuiltReport,
): Promise<Awaited<ReturnType<ReportService['resend']>>> {
  const files = b.rows.filter(resendable).map((row) => {
    const k = b.known.get(knownKey(row.driveId, row.filePath));
    return { row, metadataFile: k?.metadataFile, propertiesFile: k?.propertiesFile };
  });
  const notResendable = b.rows.filter(
    (r) => (r.outcome.kind === 'failed' || r.outcome.kind === 'notReceived') && !resendable(r),
  ).length;
  if (files.length === 0)
    throw new HandlerError(
      'nothing-to-resend',
      notResendable
        ? `None of the ${notResendable.toLocaleString('en-US')} files job ${name} did not import can be sent again from here: Haul does not know their source files on this computer (the drives were prepared elsewhere). Use the report's CSV to find them.`
        : `Job ${name} imported every file: there is nothing to send again.`,
    );
  const taken = new Set(Object.keys(await jobs.records().all()).map((n) => n.toLowerCase()));
  for (const d of await drafts.list()) if (d.jobName) taken.add(d.jobName.toLowerCase());
  const jobName = resendJobName(name, (c) => taken.has(c.toLowerCase()));
  const draft = resendDraftValues(b.view, files, jobName);
  const size = Buffer.byteLength(draft.values.importData?.dataset?.text ?? '');
  if (size > MAX_DRAFT_CSV)
    throw new HandlerError(
      'too-many-files',
      `The ${draft.files.toLocaleString('en-US')} files to send again make a dataset of ${(size / 1048576).toFixed(1)} MiB, more than a draft holds (${MAX_DRAFT_CSV / 1048576} MiB). Download the "not imported" CSV and split the files into several new jobs.`,
    );
  const saved = await drafts.save({ step: 'data', values: draft.values });
  return { draftId: saved.id, jobName, files: draft.files, bytes: draft.bytes, left: notResendable };
}

/** The last three reports built, by job name; one whose build fails is forgotten. */
function recentReports(): {
  cache: Map<string, Promise<BuiltReport>>;
  remember: (name: string, p: Promise<BuiltReport>) => Promise<BuiltReport>;
} {
  const cache = new Map<string, Promise<BuiltReport>>();
  const remember = (name: string, p: Promise<BuiltReport>) => {
    cache.delete(name);
    cache.set(name, p);
    while (cache.size > 3) cache.delete(cache.keys().next().value!);
    p.catch(() => cache.delete(name));
    return p;
  };
  return { cache, remember };
}

/** The reports kept on disk (report.json and report.csv), in a folder per connection and job, for this user only. */
function reportFiles(o: ReportServiceOptions): {
  save: (b: BuiltReport) => Promise<void>;
  readSaved: (name: string) => Promise<{ report: JobReport; rows: ReportRow[] } | undefined>;
} {
  const folder = (name: string): string => {
    const key = o.jobs.records().connectionKey;
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
    return path.join(o.dataDir, 'reports', `${key.split('/')[0] ?? 'x'}-${hash}`, name);
  };

  async function save(b: BuiltReport): Promise<void> {
    const dir = folder(b.report.name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(
      path.join(dir, 'report.json'),
      JSON.stringify({ version: 1, report: b.report, rows: b.rows }),
      { mode: 0o600 },
    );
    await writeFileAtomic(path.join(dir, 'report.csv'), reportCsv(b.rows), { mode: 0o600 });
  }

  async function readSaved(name: string): Promise<{ report: JobReport; rows: ReportRow[] } | undefined> {
    try {
      const parsed = Saved.safeParse(JSON.parse(await readFile(path.join(folder(name), 'report.json'), 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
  return { save, readSaved };
}

export function createReportService(o: ReportServiceOptions): ReportService {
  const now = o.now ?? (() => new Date());
  /** The last reports built, by job name (a screen pages through one at a time). */
  const { cache, remember } = recentReports();
  const { save, readSaved } = reportFiles(o);

  const build = (name: string) => buildFor(o, name, now);

  async function current(name: string, refresh: boolean): Promise<{ report: JobReport; rows: ReportRow[] }> {
    const cached = cache.get(name);
    if (cached && !refresh) return cached;
    if (!refresh) {
      const saved = await readSaved(name);
      if (saved) return saved;
    }
    const b = await remember(name, build(name));
    await save(b).catch(() => undefined);
    return b;
  }

  /** The report built in this run of Haul (with what the journals know), else built now. */
  async function built(name: string): Promise<BuiltReport> {
    const cached = cache.get(name);
    if (cached) return cached;
    return remember(name, build(name));
  }

  // A job that reaches Completed or Closed gets its report kept, once.
  const reported = new Set<string>();
  let queue: Promise<void> = Promise.resolve();
  const off = o.jobs.subscribe((seen) => {
    if (seen.kind !== 'updated') return;
    const v = seen.view;
    if (v.type !== 'Import' || !v.verdict.final || (v.state !== 'Completed' && v.state !== 'Closed')) return;
    const key = `${v.name}\u0000${v.state}`;
    if (reported.has(key)) return;
    reported.add(key);
    queue = queue.then(async () => {
      try {
        if (v.state === 'Closed' || !(await readSaved(v.name))) await save(await remember(v.name, build(v.name)));
      } catch {
        reported.delete(key); // tried again at the next answer that shows the job over
      }
    });
  });

  return {
    async get(name, refresh = false) {
      return (await current(name, refresh)).report;
    },
    async rows(q) {
      return pageOfRows((await current(q.name, false)).rows, q);
    },
    async csv(name, filter) {
      const { report, rows } = await current(name, false);
      const text = reportCsv(rows, filter);
      const suffix = filter === 'all' ? 'report' : filter === 'notImported' ? 'not-imported' : 'imported';
      return {
        fileName: `${report.name}-${suffix}.csv`,
        text,
        rows: rows.filter((r) => rowMatches(r, filter)).length,
      };
    },
    built,
    async resend(name) {
      if (!o.drafts) throw new HandlerError('not-ready', 'Drafts are not available in this window; restart Haul.');
      return resendDraft(o.jobs, o.drafts, name, await built(name));
    },
    dispose() {
      off();
    },
  };
}

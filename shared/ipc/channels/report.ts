// The end of a job: the completion report (summary, its rows page by page, CSV, PDF), a new draft of
// the files not imported (report.resend), verify the import against the storage account, and an
// export job's returned drive checked and copied off (received.*). Schemas in shared/report.
import * as z from 'zod';
import { JOB_NAME_RE } from '../../arm/schemas';
import { JobReport, ReceivedStatus, ReportFilter, ReportRow, VerifyImportStatus } from '../../report/schemas';
import type { ChannelSpec, EventSpec } from './spec';
import type { ReportChannel, ReportEvent } from '../names';

const name = z.string().regex(JOB_NAME_RE, { message: 'must be a job name' });
const byName = z.object({ name }).strict();
const folder = z
  .string()
  .trim()
  .min(1, { message: 'is required: give a full path' })
  .max(4096, { message: 'is longer than a path can be' });

export const ReportGetRequest = z.object({ name, refresh: z.boolean().default(false) }).strict();

export const ReportRowsRequest = z
  .object({
    name,
    filter: ReportFilter.default('all'),
    driveId: z.string().max(64).optional(),
    /** Part of a blob name or source path, any case. */
    search: z.string().max(1024).optional(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const ReportRowsPage = z.object({ total: z.number().int().nonnegative(), rows: z.array(ReportRow) });
export type ReportRowsPage = z.infer<typeof ReportRowsPage>;

export const ReportCsv = z.object({ fileName: z.string(), text: z.string(), rows: z.number().int().nonnegative() });
export type ReportCsv = z.infer<typeof ReportCsv>;

export const ResendAnswer = z.object({
  draftId: z.string(),
  /** The new job's name as suggested in the draft. */
  jobName: z.string(),
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** Files not imported that could not go in the draft (their source is not known on this computer). */
  left: z.number().int().nonnegative(),
});
export type ResendAnswer = z.infer<typeof ResendAnswer>;

/** A budget the customer sets: up to 1 PB read back. */
export const VerifyImportStartRequest = z.object({ name, budgetBytes: z.number().int().min(0).max(1e15) }).strict();

export const reportChannels = {
  /** The completion report of an import job whose copy is over (kept since it reached Completed; `refresh` builds it again). */
  'report.get': { request: ReportGetRequest, response: JobReport },
  /** A page of the report's rows, filtered. */
  'report.rows': { request: ReportRowsRequest, response: ReportRowsPage },
  /** The report as CSV: every file, those not imported, or those imported. */
  'report.csv': { request: z.object({ name, filter: ReportFilter.default('all') }).strict(), response: ReportCsv },
  /** Desktop: the report's page printed to a PDF the person saves. Browser mode answers `print-in-page`. */
  'report.pdf': { request: byName, response: z.object({ saved: z.string().optional() }) },
  /** A new import draft of exactly the files not imported (the wizard opens it). */
  'report.resend': { request: byName, response: ResendAnswer },
  'verifyImport.start': { request: VerifyImportStartRequest, response: VerifyImportStatus },
  'verifyImport.cancel': { request: byName, response: VerifyImportStatus },
  /** The running or last check of the job since Haul started; null when none. */
  'verifyImport.status': { request: byName, response: VerifyImportStatus.nullable() },
  /** An export job's returned drive against its manifest (haul verify). */
  'received.check': { request: z.object({ name, drivePath: folder }).strict(), response: ReceivedStatus },
  /** Its files copied to a folder, each block checked before it is written. */
  'received.copy': {
    request: z.object({ name, drivePath: folder, destination: folder }).strict(),
    response: ReceivedStatus,
  },
  'received.cancel': { request: byName, response: ReceivedStatus },
  'received.status': { request: byName, response: ReceivedStatus.nullable() },
} satisfies ChannelSpec<ReportChannel>;

export const reportEvents = {
  'verifyImport.progress': VerifyImportStatus,
  'received.progress': ReceivedStatus,
} satisfies EventSpec<ReportEvent>;

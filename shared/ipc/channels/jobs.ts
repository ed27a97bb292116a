// Jobs of the connected resource group (issue "Jobs in the app"): schemas of the jobs.* and
// locations.* channels and the job.updated event. Every job answer is a JobView (shared/jobs):
// the screens and the tracker never see ARM objects, tokens or BitLocker keys (except on an
// explicit jobs.bitLockerKeys). Errors: ARM refusals keep ARM's code (CancelNotAllowed,
// ShippingInfoMissing, …) with a sentence that says what to do; `offline` when the service cannot
// be reached (the message names the time of its last good answer); `not-ready` while there is no
// connection yet (the local service is starting, or nobody signed in).
import * as z from 'zod';
import {
  DIAGNOSTICS_PATH_RE,
  DRIVE_ID_RE,
  JOB_NAME_RE,
  MAX_DRIVES_PER_JOB,
  ReturnAddressSchema,
  ReturnShippingSchema,
  ShippingInformationSchema,
  STORAGE_ACCOUNT_ID_RE,
} from '../../arm/schemas';
import { JobRow } from '../../jobs/row';
import { FileOutcome, JobView, LocationView } from '../../jobs/schemas';
import type { ChannelSpec, EventSpec } from './spec';
import { storageChannels } from './storage';
import type { JobsChannel } from '../names';

const jobName = z.string().regex(JOB_NAME_RE, {
  message: 'must be a job name: 2 to 64 letters, digits, hyphens or underscores, starting with a letter or digit',
});
const byName = z.object({ name: jobName }).strict();
const email = z.email({ message: 'must be an email address such as name@example.com' }).max(254);
const notificationEmails = z.array(email).max(10, { message: 'at most 10 notification emails' });

/** One drive of a new import job, as the wizard prepared it (D1). */
export const NewJobDrive = z
  .object({
    driveId: z.string().regex(DRIVE_ID_RE, {
      message: 'must be the drive serial number: 1 to 64 letters, digits, ".", ":", "_" or "-", no spaces',
    }),
    /** Absent for a drive without BitLocker (the local sandbox takes those; Haul itself never encrypts). */
    bitLockerKey: z
      .string()
      .trim()
      .min(1, { message: "must not be empty: give the drive's BitLocker recovery key, or leave it out" })
      .max(200)
      .optional(),
    /** Path of the manifest on the drive, e.g. `\DriveManifest.xml`. */
    manifestFile: z.string().min(1).max(1024),
    /** MD5 of the manifest file, Base16. */
    manifestHash: z.string().regex(/^[0-9A-Fa-f]{32}$/, { message: "must be the manifest's MD5 in hex (32 digits)" }),
    driveHeaderHash: z.string().max(4096).optional(),
  })
  .strict();
export type NewJobDrive = z.infer<typeof NewJobDrive>;

/** jobs.create: Put Job from the wizard's validated values. */
export const CreateJobRequest = z
  .object({
    name: jobName,
    type: z.enum(['Import', 'Export']),
    /** `/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/<name>` */
    storageAccountId: z.string().regex(STORAGE_ACCOUNT_ID_RE, {
      message:
        'must be a storage account resource id (/subscriptions/…/providers/Microsoft.Storage/storageAccounts/<name>)',
    }),
    /** The data center, as locations.list names it ("Sandbox West"). */
    location: z.string().trim().min(1, { message: 'is required: choose a data center' }).max(100),
    /** Import: 1 to 10 drives (D1). Export: none (D2). */
    drives: z
      .array(NewJobDrive)
      .max(MAX_DRIVES_PER_JOB, { message: `a job has at most ${MAX_DRIVES_PER_JOB} drives` })
      .default([]),
    returnAddress: ReturnAddressSchema,
    returnShipping: ReturnShippingSchema.optional(),
    /** Usually absent: the service fills it from the location. */
    shippingInformation: ShippingInformationSchema.optional(),
    /** Extra people told about the job besides the return address's email (kept in the job's tags). */
    notificationEmails: notificationEmails.default([]),
    logLevel: z.enum(['Error', 'Verbose']).default('Error'),
    backupDriveManifest: z.boolean().default(false),
    /** Export jobs: blob paths (`/music/song.mp3`) and prefixes (`/photos/`); at least one. */
    export: z
      .object({
        blobPaths: z.array(z.string().min(1).max(1024)).max(10_000).default([]),
        blobPathPrefixes: z.array(z.string().min(1).max(1024)).max(10_000).default([]),
      })
      .strict()
      .optional(),
    /** Container (and folder) for the copy logs; the service's default is `waimportexport`. */
    diagnosticsPath: z
      .string()
      .regex(DIAGNOSTICS_PATH_RE, {
        message:
          'must be a container name (3 to 63 lowercase letters, digits and single hyphens), optionally followed by /folder',
      })
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.type === 'Import' && r.drives.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['drives'],
        message: 'an import job needs at least one prepared drive (rule D1)',
      });
    if (r.type === 'Import' && r.export)
      ctx.addIssue({
        code: 'custom',
        path: ['export'],
        message: 'an import job has no blob list; remove it or make the job an export job',
      });
    if (r.type === 'Export' && r.drives.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['drives'],
        message: 'an export job names no drives; the data center adds the drives it writes (rule D2)',
      });
    if (r.type === 'Export' && (r.export?.blobPaths.length ?? 0) + (r.export?.blobPathPrefixes.length ?? 0) === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['export'],
        message: 'an export job needs at least one blob path or prefix (e.g. /photos/)',
      });
    const seen = new Set<string>();
    r.drives.forEach((d, i) => {
      const k = d.driveId.toUpperCase();
      if (seen.has(k))
        ctx.addIssue({ code: 'custom', path: ['drives', i, 'driveId'], message: `drive ${d.driveId} is listed twice` });
      seen.add(k);
    });
  });
export type CreateJobRequest = z.input<typeof CreateJobRequest>;

/** jobs.update: what the customer may change (J3; in Creating it restarts the 14 days of J2). At least one field. */
export const UpdateJobRequest = z
  .object({
    name: jobName,
    returnAddress: ReturnAddressSchema.optional(),
    returnShipping: ReturnShippingSchema.optional(),
    /** Replaces the extra notification emails. */
    notificationEmails: notificationEmails.optional(),
  })
  .strict()
  .refine(
    (r) => r.returnAddress !== undefined || r.returnShipping !== undefined || r.notificationEmails !== undefined,
    {
      message: 'name at least one of returnAddress, returnShipping or notificationEmails to change',
    },
  );
export type UpdateJobRequest = z.input<typeof UpdateJobRequest>;

/** jobs.ship: the delivery package, and the job set to Shipping, in one action (J4, J5). */
export const ShipJobRequest = z
  .object({
    name: jobName,
    /** One of the location's supportedCarriers. */
    carrierName: z.string().trim().min(1, { message: 'is required: the carrier you gave the package to' }).max(100),
    trackingNumber: z
      .string()
      .trim()
      .min(1, { message: "is required: the tracking number on the carrier's receipt" })
      .max(100),
    /** YYYY-MM-DD */
    shipDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date such as 2026-12-01' }),
    driveCount: z
      .number()
      .int()
      .min(1, { message: 'must be at least 1' })
      .max(MAX_DRIVES_PER_JOB * 10),
  })
  .strict();
export type ShipJobRequest = z.input<typeof ShipJobRequest>;

export const JobLogRequest = z
  .object({
    name: jobName,
    driveId: z.string().regex(DRIVE_ID_RE, { message: 'must be a drive id' }),
    /** `error` (always written) or `verbose` (only when the job's log level is Verbose). */
    kind: z.enum(['error', 'verbose']),
  })
  .strict();
export type JobLogRequest = z.input<typeof JobLogRequest>;

/** One blob of a DriveLog. */
export const LogRow = z.object({
  blobPath: z.string(),
  /** Path on the drive, relative to its root. */
  filePath: z.string(),
  /** The customer's own file it was copied from, when Haul prepared the drive (from the prep journal). */
  sourcePath: z.string().optional(),
  /** The blob's status code (Completed, FileNotFound, FileLengthMismatch, …). */
  status: z.string(),
  message: z.string().optional(),
  length: z.number(),
  /** The import disposition's outcome (Created, Renamed, Skipped, Overwritten). */
  disposition: z.string().optional(),
  /** The blob name actually written when the disposition renamed it. */
  importedAs: z.string().optional(),
  /** Blocks (or page ranges) that failed: Md5Mismatch, DataReadFailed … */
  failedBlocks: z.number(),
  /** Whether the row reports something to look at (an error, a warning or an overwrite). */
  issue: z.boolean(),
  /** What happened to the file: imported, renamed, replaced, skipped or not imported (and why). */
  outcome: FileOutcome,
});
export type LogRow = z.infer<typeof LogRow>;

export const JobLog = z.object({
  name: z.string(),
  driveId: z.string(),
  kind: z.enum(['error', 'verbose']),
  /** The drive's status in the log (Completed, CompletedWithErrors, ManifestNotFound, …). */
  status: z.string(),
  /** A drive-level problem, in the data center's words. */
  message: z.string().optional(),
  rows: z.array(LogRow),
  /** Rows with issue = true. */
  issues: z.number(),
});
export type JobLog = z.infer<typeof JobLog>;

export const BitLockerKeys = z.object({
  name: z.string(),
  keys: z.array(z.object({ driveId: z.string(), bitLockerKey: z.string() })),
});
export type BitLockerKeys = z.infer<typeof BitLockerKeys>;

/**
 * jobs.list: `fresh` (the default) waits for the service's list (joining one already on its way);
 * `kept` answers at once with the list main built last, with every job seen since, and asks the
 * service for a fresh one meanwhile. With nothing kept yet (a cold start), `kept` asks the service too.
 */
export const JobListRequest = z.object({ answer: z.enum(['fresh', 'kept']).default('fresh') }).strict();
export type JobListRequest = z.infer<typeof JobListRequest>;

export const JobList = z.object({
  jobs: z.array(JobView),
  /** When the service answered the list these jobs come from (a kept list: how old it is). */
  observedAt: z.string(),
  /** True when main answered from the list it kept rather than from the service just now. */
  kept: z.boolean(),
  /** True while main is asking the service for a fresh list (a jobs.list `fresh` waits for it). */
  refreshing: z.boolean(),
});
export type JobList = z.infer<typeof JobList>;

/**
 * jobs.get: `fresh` (the default) asks the service (Get Job); `kept` answers at once with the view
 * main holds of the job (from its last list, or seen since), so a job page opened from the list
 * shows it while the fresh one is on its way. With none held, `kept` asks the service too.
 */
export const JobGetRequest = z.object({ name: jobName, answer: z.enum(['fresh', 'kept']).default('fresh') }).strict();
export type JobGetRequest = z.infer<typeof JobGetRequest>;

/** jobs.rows: the same list as jobs.list (kept or fresh alike), each job as the Jobs screen's row. */
export const JobRowList = JobList.extend({ jobs: z.array(JobRow) });
export type JobRowList = z.infer<typeof JobRowList>;

export const jobsChannels = {
  /** Every job of the connected resource group (all pages), made in Haul or elsewhere. */
  'jobs.list': { request: JobListRequest, response: JobList },
  /** The Jobs screen's list: every job as its row (shared/jobs/row.ts), not its full view. */
  'jobs.rows': { request: JobListRequest, response: JobRowList },
  'jobs.get': { request: JobGetRequest, response: JobView },
  'jobs.create': { request: CreateJobRequest, response: JobView },
  'jobs.update': { request: UpdateJobRequest, response: JobView },
  'jobs.ship': { request: ShipJobRequest, response: JobView },
  /** J13: a request; the job stays where it is and follows J14. */
  'jobs.cancel': { request: byName, response: JobView },
  /** A1 */
  'jobs.delete': { request: byName, response: z.object({ name: z.string(), deleted: z.literal(true) }) },
  /** Only on the customer's explicit reveal; never cached, never logged. */
  'jobs.bitLockerKeys': { request: byName, response: BitLockerKeys },
  /** A drive's error or verbose DriveLog, fetched by main from the URI on the drive and parsed into rows. */
  'jobs.log': { request: JobLogRequest, response: JobLog },
  /** The data centers of the connection: address to ship to, carriers they accept. */
  'locations.list': { request: z.object({}).strict(), response: z.array(LocationView) },
  ...storageChannels,
} satisfies ChannelSpec<JobsChannel>;

export const JobUpdated = z.discriminatedUnion('kind', [
  /** A job seen for the first time, or whose view changed (state, a drive, percent, an alert, …). */
  z.object({ kind: z.literal('updated'), name: z.string(), view: JobView }),
  /** The service no longer knows a job Haul had seen (deleted: A1, J2, J12, JE1). */
  z.object({ kind: z.literal('removed'), name: z.string(), goneAt: z.string() }),
]);
export type JobUpdated = z.infer<typeof JobUpdated>;

export const jobsEvents = {
  'job.updated': JobUpdated,
} satisfies EventSpec<'job.updated'>;

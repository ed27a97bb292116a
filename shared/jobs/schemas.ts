// What the app knows about one job: the view that the screens and the tracker share (built from
// Get Job by view.ts), and the job record main keeps of what it observed and when (the timeline,
// and what the tracker diffs against). Pure TypeScript: no Node. Times are ISO 8601 strings.
import * as z from 'zod';
import { DRIVE_STATES, JOB_STATES } from '../lifecycle/types';

const iso = z.string();

// ---- job records (main/core/jobs/records.ts keeps one document of these per connection) ---------

/** A state and the time Haul first observed it (or set it itself). */
export const ObservedState = z.object({
  state: z.string(),
  at: iso,
  /**
   * How Haul knows: `first-seen` — the state the job (or drive) was already in when Haul first saw
   * it (it began earlier); `polled` — seen on a later answer (it began at or before `at`, after the
   * previous answer); `haul` — Haul made the change itself (ship, cancel), so `at` is exact.
   */
  via: z.enum(['first-seen', 'polled', 'haul']),
});
export type ObservedState = z.infer<typeof ObservedState>;

/**
 * What a drive's error log says, counted (shared/jobs/verdict.ts summariseDriveLog): the facts the
 * verdict needs that Get Job does not give — which files were not imported, and why. Kept in the
 * job record with the log's URI, so the log is read once.
 */
export const DriveLogSummary = z.object({
  /** The log this was read from (a drive copied again gets a new log, read again). */
  uri: z.string(),
  /** The drive-level status in the log (Completed, CompletedWithErrors, ManifestNotFound, …). */
  status: z.string(),
  /** A drive-level problem, in the data center's words. */
  message: z.string().optional(),
  /** Files that were not imported (their blob's status is not Completed). */
  failed: z.object({ files: z.number().int().min(0), bytes: z.number().min(0) }),
  /** Files not imported because a blob of that name existed and the disposition kept it (no-overwrite). */
  skipped: z.object({ files: z.number().int().min(0), bytes: z.number().min(0) }),
  /** Files imported under another name (disposition rename). */
  renamed: z.number().int().min(0),
  /** Files that replaced a blob of the same name (disposition overwrite). */
  overwritten: z.number().int().min(0),
  /** Why files failed: reason code (Md5Mismatch, FileNotFound, …) → how many files. */
  reasons: z.record(z.string(), z.number().int().min(0)),
});
export type DriveLogSummary = z.infer<typeof DriveLogSummary>;

export const JobRecord = z.object({
  name: z.string(),
  firstSeenAt: iso,
  lastSeenAt: iso,
  /** Job states, oldest first, each once per time it was entered. */
  states: z.array(ObservedState),
  /** Per drive id: when the drive was first seen, its states, oldest first, and its error log once read. */
  drives: z.record(
    z.string(),
    z.object({ firstSeenAt: iso, states: z.array(ObservedState), log: DriveLogSummary.optional() }),
  ),
  /** The last time Haul changed the job's properties (J3 restarts the 14 days of J2; JE2 the wait). */
  updatedByHaulAt: iso.optional(),
  /** Set once the service answered "not found" for a job Haul had seen (deleted: A1, J2, J12, JE1). */
  goneAt: iso.optional(),
});
export type JobRecord = z.infer<typeof JobRecord>;

// ---- the view --------------------------------------------------------------------------------

/** The life cycle's states, plus `Unknown` for a state the service reports that Haul does not know. */
export const JobViewState = z.enum([...JOB_STATES, 'Unknown']);
export type JobViewState = z.infer<typeof JobViewState>;
export const DriveViewState = z.enum([...DRIVE_STATES, 'Unknown']);
export type DriveViewState = z.infer<typeof DriveViewState>;

/** Whether a customer action is possible now; when not, the life cycle's sentence and rule id. */
export const ActionPermission = z.discriminatedUnion('allowed', [
  z.object({ allowed: z.literal(true) }),
  z.object({
    allowed: z.literal(false),
    /** A sentence for the person, naming the rule: "Job x can be cancelled only while … (rule J13)." */
    reason: z.string(),
    rule: z.string(),
    /** The life cycle's refusal code (CancelNotAllowed, ShippingInfoMissing, …). */
    code: z.string(),
  }),
]);
export type ActionPermission = z.infer<typeof ActionPermission>;

export const JobActions = z.object({
  /** J4/J5: set the job to Shipping (the Ship form sends the delivery package in the same action; see shipPermission()). */
  ship: ActionPermission,
  /** J3/J12: change the return address, return shipping or contact (in Creating this restarts J2's 14 days). */
  update: ActionPermission,
  /** J13: cancel (a request; the job follows J14). */
  cancel: ActionPermission,
  /** A1: delete the job. */
  delete: ActionPermission,
});
export type JobActions = z.infer<typeof JobActions>;

export const AddressView = z.object({
  recipientName: z.string().optional(),
  streetAddress1: z.string().optional(),
  streetAddress2: z.string().optional(),
  city: z.string().optional(),
  stateOrProvince: z.string().optional(),
  postalCode: z.string().optional(),
  countryOrRegion: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  /** The data center's note for the package ("Write the job name on the outside …"). */
  additionalInformation: z.string().optional(),
});
export type AddressView = z.infer<typeof AddressView>;

export const ReturnAddressView = z.object({
  recipientName: z.string(),
  streetAddress1: z.string(),
  streetAddress2: z.string().optional(),
  city: z.string(),
  stateOrProvince: z.string().optional(),
  postalCode: z.string(),
  countryOrRegion: z.string(),
  phone: z.string(),
  email: z.string(),
});
export type ReturnAddressView = z.infer<typeof ReturnAddressView>;

export const TONES = ['success', 'warning', 'danger', 'informative', 'brand', 'subtle'] as const;
export const Tone = z.enum(TONES);
export type Tone = z.infer<typeof Tone>;

/** What happened to one file of an import (one blob of a drive log; shared/jobs/verdict.ts fileOutcome). */
export const FileOutcome = z.object({
  kind: z.enum(['imported', 'renamed', 'overwritten', 'skipped', 'failed', 'notReceived']),
  /** For a badge: "Imported", "Not imported" … */
  label: z.string(),
  tone: Tone,
  /** Why a file was not imported, as a code (Md5Mismatch, FileNotFound, DriveNeverReceived …). */
  reason: z.string().optional(),
  /** What happened, in a sentence for the customer. */
  text: z.string(),
});
export type FileOutcome = z.infer<typeof FileOutcome>;

export const VERDICT_KINDS = [
  // on the way or under way
  'waiting',
  'atDataCenter',
  'copying',
  'checking',
  'faulted',
  'unknown',
  'extra',
  // the copy is over: what came of it
  'imported',
  'importedWithWarnings',
  'importedWithErrors',
  'partlyImported',
  'notImported',
  'cancelled',
] as const;
export type VerdictKind = (typeof VERDICT_KINDS)[number];

export const NextStep = z.object({
  /** Who has to act: the customer, the data center (the customer waits), or nobody (the job is over). */
  actor: z.enum(['customer', 'datacenter', 'nobody']),
  /** Short, for the jobs list: "Enter the tracking number", "Wait for the package to arrive". */
  text: z.string(),
  /** The action that does it, when there is one on the job screen. */
  action: z.enum(['ship', 'update', 'cancel', 'delete', 'logs']).optional(),
  rule: z.string().optional(),
});
export type NextStep = z.infer<typeof NextStep>;

/**
 * What happened to a job or a drive, from the facts (shared/jobs/verdict.ts): the same words on the
 * job page, its row in the list, the drive table, the diagrams' legend and the notifications.
 */
export const Verdict = z.object({
  kind: z.enum(VERDICT_KINDS),
  /** The copy is over and `kind` says what came of it (imported … cancelled); a report can be made. */
  final: z.boolean(),
  tone: Tone,
  /** For a badge: "Imported", "Partly imported", "Never arrived", "Copying" … */
  label: z.string(),
  /** What happened, in a sentence or two. */
  headline: z.string(),
  /** Short, for a progress column: the percent copied when the bytes are known, else words. */
  progress: z.object({ percent: z.number().optional(), text: z.string() }),
  /** Bytes imported, and the bytes the manifests hold when known. */
  bytes: z.object({ succeeded: z.number(), total: z.number().optional() }),
  /** What to do next, when the verdict knows better than the life cycle's next step. */
  next: NextStep.optional(),
  /** Why: the facts and the rules behind the verdict, for a detail line. */
  why: z.string(),
  /** The life-cycle rule the verdict rests on (J10, J11, D4, D7, J14 …). */
  rule: z.string(),
});
export type Verdict = z.infer<typeof Verdict>;

export const DriveView = z.object({
  driveId: z.string(),
  /** G3 */
  state: DriveViewState,
  /** The state exactly as the service wrote it (differs from `state` only when that is Unknown). */
  serviceState: z.string(),
  copyStatus: z.string().optional(),
  percentComplete: z.number(),
  bytesSucceeded: z.number(),
  /** G4: present when the data center wrote the log; read it with jobs.log (never fetch the URI directly). */
  errorLogUri: z.string().optional(),
  verboseLogUri: z.string().optional(),
  manifestFile: z.string().optional(),
  manifestHash: z.string().optional(),
  manifestUri: z.string().optional(),
  /** Whether the service holds a BitLocker key for it (reveal it with jobs.bitLockerKeys). The key is never in a view. */
  hasBitLockerKey: z.boolean(),
  /** JE5/DE2: the drive appeared after the job's drive list was first seen (an import job's extra drive). */
  extra: z.boolean(),
  /** When Haul first observed the drive's current state. */
  stateSince: iso.optional(),
  /** The drive's error log, counted, once Haul has read it. */
  log: DriveLogSummary.optional(),
  /** Why the error log could not be read (the verdict waits for it). */
  logError: z.string().optional(),
  verdict: Verdict,
});
export type DriveView = z.infer<typeof DriveView>;

export const TimelineEntry = z.object({
  at: iso,
  subject: z.enum(['job', 'drive']),
  driveId: z.string().optional(),
  /** The state entered. */
  state: z.string(),
  /** The state before it, as Haul saw it; null for the first observation. */
  from: z.string().nullable(),
  via: ObservedState.shape.via,
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const DEADLINE_RULES = ['J2', 'J6', 'J12'] as const;
export const Deadline = z.object({
  rule: z.enum(DEADLINE_RULES),
  /** The life cycle's deadline kind (creatingExpires, shippingOverdue, deleteJob). */
  kind: z.enum(['creatingExpires', 'shippingOverdue', 'deleteJob']),
  at: iso,
  /** Always true: Get Job does not return deadlines, so each is reckoned from times Haul observed. */
  estimate: z.literal(true),
  /** What the estimate is reckoned from, in words ("14 days after the job was last updated, 1 Dec 2026 19:20 UTC"). */
  basis: z.string(),
  /** What happens then, the life cycle's sentence (with the rule id). */
  text: z.string(),
  /** Whole days from `now` to `at`, rounded up; 0 or less once passed. */
  daysLeft: z.number(),
  passed: z.boolean(),
});
export type Deadline = z.infer<typeof Deadline>;

/** Situations the customer should know about (JE1–JE5, DE1–DE2, D4, D7, F1–F2, J11), in plain words. */
export const JobAlert = z.object({
  /** Stable while the situation lasts, e.g. `DE1:WD1234` (for keys and for the tracker's diff). */
  id: z.string(),
  rule: z.string(),
  severity: z.enum(['info', 'warning', 'error']),
  title: z.string(),
  /** What happened and what to do now. */
  text: z.string(),
  driveId: z.string().optional(),
});
export type JobAlert = z.infer<typeof JobAlert>;

export const LocationView = z.object({
  /** As the job names it ("Sandbox West"). */
  name: z.string(),
  id: z.string().optional(),
  /** Where to send the drives: the data center's address (from the job's shippingInformation, else the location). */
  address: AddressView.optional(),
  /** Carriers the data center accepts for the delivery package; empty while unknown. */
  supportedCarriers: z.array(z.string()),
  alternateLocations: z.array(z.string()),
});
export type LocationView = z.infer<typeof LocationView>;

export const JobView = z.object({
  name: z.string(),
  /** The ARM resource id. */
  id: z.string().optional(),
  type: z.enum(['Import', 'Export']),
  /** G1 */
  state: JobViewState,
  serviceState: z.string(),
  cancelRequested: z.boolean(),
  /** G2 */
  percentComplete: z.number(),
  storageAccountId: z.string().optional(),
  /** The storage account's name, from its resource id. */
  storageAccount: z.string().optional(),
  location: LocationView,
  drives: z.array(DriveView),
  /** Export jobs: what is exported (D2: the drives are those the service reports). */
  export: z
    .object({
      blobPaths: z.array(z.string()),
      blobPathPrefixes: z.array(z.string()),
      blobListBlobPath: z.string().optional(),
      /** Blobs that did not fit or could not be read (the data center's list). */
      incompleteBlobListUri: z.string().optional(),
    })
    .optional(),
  returnAddress: ReturnAddressView.optional(),
  returnShipping: z.object({ carrierName: z.string(), carrierAccountNumber: z.string() }).optional(),
  /** The package the customer sent (carrier, tracking number …). */
  deliveryPackage: z
    .object({
      carrierName: z.string(),
      trackingNumber: z.string(),
      driveCount: z.number().optional(),
      shipDate: z.string().optional(),
    })
    .optional(),
  /** The package the data center sent back (D8). */
  returnPackage: z
    .object({ carrierName: z.string(), trackingNumber: z.string(), driveCount: z.number(), shipDate: z.string() })
    .optional(),
  /** Who to contact about the job: the return address's name, phone and email, plus extra notification emails. */
  contact: z.object({ name: z.string().optional(), phone: z.string().optional(), emails: z.array(z.string()) }),
  logLevel: z.enum(['Error', 'Verbose']),
  backupDriveManifest: z.boolean(),
  diagnosticsPath: z.string().optional(),
  tags: z.record(z.string(), z.string()),
  createdAt: iso.optional(),
  lastModifiedAt: iso.optional(),
  nextStep: NextStep,
  /** What happened to the job, from its drives' verdicts. */
  verdict: Verdict,
  actions: JobActions,
  deadlines: z.array(Deadline),
  alerts: z.array(JobAlert),
  timeline: z.array(TimelineEntry),
  /** When Haul first saw the job, and when this view was built (the time of the answer it shows). */
  firstSeenAt: iso,
  observedAt: iso,
});
export type JobView = z.infer<typeof JobView>;

/** Tag that carries the extra notification emails (ARM has no field for them), comma-separated. */
export const NOTIFY_TAG = 'haulNotify';

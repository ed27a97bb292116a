// Types and zod schemas of drive preparation that cross a boundary: the drive list and its
// classification, pre-flight problems, the plan summary and the progress events of a copy.
// The CLI prints these as JSON lines (--json); the app's bridge will carry the same objects.
import * as z from 'zod';
import { driveEncryption } from '../bitlocker';

// ---- drives -------------------------------------------------------------------------------

/** Whether a drive may take a copy: ok, warned (the person decides) or blocked. */
export const targetVerdict = z.enum(['ok', 'warned', 'blocked']);
export type TargetVerdict = z.infer<typeof targetVerdict>;

export const driveReason = z.object({
  code: z.enum([
    'system',
    'read-only',
    'holds-source',
    'too-small',
    'not-removable',
    'not-empty',
    'mounted-elsewhere',
    'not-mounted',
  ]),
  severity: z.enum(['blocked', 'warned']),
  message: z.string(),
});
export type DriveReason = z.infer<typeof driveReason>;

export const classifiedDrive = z.object({
  device: z.string(),
  /** the serial number: the job's driveId; undefined when the system does not report one */
  serial: z.string().optional(),
  description: z.string(),
  size: z.number().nonnegative(),
  mountpoints: z.array(z.string()),
  removable: z.boolean(),
  system: z.boolean(),
  readOnly: z.boolean(),
  status: targetVerdict,
  reasons: z.array(driveReason),
  /** each volume's file system and BitLocker state (absent where Haul did not look) */
  encryption: driveEncryption.optional(),
});
export type ClassifiedDrive = z.infer<typeof classifiedDrive>;

// ---- pre-flight --------------------------------------------------------------------------

export const preflightCode = z.enum([
  'container-name',
  'blob-name',
  'duplicate-blob',
  'case-collision',
  'page-blob-size',
  'too-large',
  'path-too-long',
  'unreadable',
  'symlink-loop',
  'missing-source',
  'too-many-drives',
  'special-file',
  'sidecar-file',
]);
export type PreflightCode = z.infer<typeof preflightCode>;

export const preflightProblem = z.object({
  code: preflightCode,
  /** the source file or folder the problem is about */
  source: z.string(),
  /** what is wrong, in words */
  message: z.string(),
  /** what to do about it */
  fix: z.string(),
});
export type PreflightProblem = z.infer<typeof preflightProblem>;

// ---- plan ----------------------------------------------------------------------------------

export const plannedDrive = z.object({
  driveId: z.string(),
  target: z.string(),
  capacity: z.number().nonnegative(),
  free: z.number().nonnegative(),
  /** bytes of new data planned onto this drive */
  plannedBytes: z.number().nonnegative(),
  plannedFiles: z.number().int().nonnegative(),
  /** how full the drive will be after the copy, 0..100 */
  fillPercent: z.number(),
  /** a few of the top-level destinations on this drive, for the summary */
  destinations: z.array(z.object({ prefix: z.string(), files: z.number().int(), bytes: z.number() })),
  /** the drive gets no file and holds nothing of this job: the copy leaves it as it is (no header) */
  unused: z.boolean().optional(),
  /** files and bytes of this session already on the drive, which stay (not copied again) */
  keptFiles: z.number().int().nonnegative().optional(),
  keptBytes: z.number().nonnegative().optional(),
  /**
   * every file this session had on the drive left the job: the copy removes Haul's header, manifest
   * and session folder from it (the drive's other files stay), and it is no longer one of the job's drives
   */
  leaves: z.boolean().optional(),
});
export type PlannedDrive = z.infer<typeof plannedDrive>;

/**
 * A drive this session copied onto that is not among the drives of this run (unplugged, or left
 * out of the list). Its unchanged files stay on it (it stays one of the job's drives); files it
 * holds that the job no longer has, or has changed since, are still listed in its manifest until
 * it is attached again: the job cannot be created with that manifest.
 */
export const absentDrive = z.object({
  driveId: z.string(),
  /** where it was mounted when it was last written */
  target: z.string(),
  /** files of the job on it, unchanged: they stay */
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** files on it (and in its manifest) that the job no longer holds */
  extraFiles: z.number().int().nonnegative(),
  extraBytes: z.number().nonnegative(),
  /** files on it that changed since they were copied: copied again onto it once it is attached */
  changedFiles: z.number().int().nonnegative(),
  changedBytes: z.number().nonnegative(),
  /** a few of the files that wait for it (removed or changed), by their source path, to name them */
  waiting: z.array(z.string()).max(3).optional(),
});
export type AbsentDrive = z.infer<typeof absentDrive>;

export const planSummary = z.object({
  totalFiles: z.number().int().nonnegative(),
  totalBytes: z.number().nonnegative(),
  /** files already done in the journal (resume), not planned again */
  alreadyDoneFiles: z.number().int().nonnegative(),
  alreadyDoneBytes: z.number().nonnegative(),
  drives: z.array(plannedDrive),
  unplacedFiles: z.number().int().nonnegative(),
  unplacedBytes: z.number().nonnegative(),
  /** when files do not fit: how many more drives of which size are needed */
  moreDrivesNeeded: z.object({ count: z.number().int(), size: z.number() }).optional(),
  fits: z.boolean(),
  /** files of this session on the drives that the job no longer holds: the copy removes them */
  removedFiles: z.number().int().nonnegative().optional(),
  removedBytes: z.number().nonnegative().optional(),
  /** drives this session copied onto that are not among the drives now: what they hold */
  absentDrives: z.array(absentDrive).optional(),
});
export type PlanSummary = z.infer<typeof planSummary>;

// ---- progress --------------------------------------------------------------------------------

export const driveProgress = z.object({
  driveId: z.string(),
  target: z.string(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  state: z.enum(['waiting', 'copying', 'verifying', 'done', 'full', 'removed', 'failed', 'stopped']),
  /** the source file being copied (or the drive file being verified) now, when there is one */
  currentFile: z.string().optional(),
});
export type DriveProgress = z.infer<typeof driveProgress>;

/**
 * Something to know about a usable target: a folder that is not a drive of its own (allowed), a
 * drive the Azure data center cannot read as it is (not NTFS, not BitLocker-protected).
 */
export const targetNote = z.object({
  /** replaces: files of this session on the drives would be replaced by another source's file of the same blob name */
  code: z.enum(['folder', 'not-ntfs', 'no-bitlocker', 'replaces']),
  target: z.string(),
  message: z.string(),
  fix: z.string(),
});
export type TargetNote = z.infer<typeof targetNote>;

export const prepEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('preflight'), problems: z.array(preflightProblem) }),
  z.object({ type: z.literal('plan'), plan: planSummary, targetNotes: z.array(targetNote).optional() }),
  z.object({ type: z.literal('keep-awake'), active: z.boolean(), message: z.string() }),
  z.object({
    type: z.literal('progress'),
    phase: z.enum(['copy', 'verify']),
    bytesDone: z.number(),
    bytesTotal: z.number(),
    filesDone: z.number().int(),
    filesTotal: z.number().int(),
    /** bytes per second over the last seconds */
    speed: z.number(),
    /** seconds left, undefined while the speed is unknown */
    etaSeconds: z.number().optional(),
    /** a file being copied or verified now (the first busy drive's) */
    currentFile: z.string().optional(),
    drives: z.array(driveProgress),
  }),
  z.object({
    type: z.literal('file-error'),
    source: z.string(),
    driveId: z.string().optional(),
    code: z.string(),
    message: z.string(),
  }),
  z.object({
    type: z.literal('drive-full'),
    driveId: z.string(),
    target: z.string(),
    movedFiles: z.number().int(),
    message: z.string(),
  }),
  z.object({ type: z.literal('drive-removed'), driveId: z.string(), target: z.string(), message: z.string() }),
  z.object({
    type: z.literal('drive-done'),
    driveId: z.string(),
    target: z.string(),
    files: z.number().int(),
    bytes: z.number(),
    manifestHash: z.string(),
  }),
  z.object({
    type: z.literal('verify-result'),
    driveId: z.string(),
    target: z.string(),
    ok: z.boolean(),
    blobs: z.number().int(),
    blocks: z.number().int(),
    bytes: z.number(),
    mismatches: z.array(z.string()),
    /** files on the drive verified by an earlier run and not written since: not read again */
    earlierFiles: z.number().int().optional(),
    earlierBytes: z.number().optional(),
  }),
  z.object({
    type: z.literal('done'),
    ok: z.boolean(),
    filesCopied: z.number().int(),
    bytesCopied: z.number(),
    filesSkipped: z.number().int(),
    failed: z.array(z.object({ source: z.string(), code: z.string(), message: z.string() })),
    notPlaced: z.number().int(),
    /** true when the copy was stopped on request (signal / Ctrl-C); the same command continues it */
    stopped: z.boolean().optional(),
    message: z.string(),
  }),
]);
export type PrepEvent = z.infer<typeof prepEvent>;

// What a preparation session is asked to do and what it answers, as zod schemas: the same
// shapes for the CLI (main/cli/prep.ts), the app's bridge (shared/ipc/channels/prep.ts) and the
// session object in main/core/prep. Pure: no Node.
import * as z from 'zod';
import { blobType, importDisposition } from '../formats/driveManifest';
import { MAX_DRIVES_PER_JOB } from '../arm/schemas';
import { planSummary, preflightProblem, prepEvent, targetNote, type PrepEvent } from './types';

export { targetNote, type TargetNote } from './types';

/** A CSV file given either by its text (loaded in the wizard) or by its path on the machine main runs on. */
export const csvInput = z.union([
  z.object({ text: z.string().min(1, { message: 'the file is empty' }), name: z.string().min(1).optional() }).strict(),
  z.object({ path: z.string().min(1, { message: 'give the path of the file' }) }).strict(),
]);
export type CsvInput = z.infer<typeof csvInput>;

/**
 * What to copy: folders and files picked on this machine, all going under one
 * container/prefix; or a WAImportExport dataset.csv (BasePath, DstBlobPathOrPrefix, BlobType,
 * Disposition, MetadataFile, PropertiesFile).
 */
export const prepSources = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('picked'),
      /** absolute paths of folders (copied with everything under them) and files */
      paths: z.array(z.string().min(1)).min(1, { message: 'add at least one folder or file to copy' }),
      /** "container/prefix/" (folders keep their contents under it) or, for one file, "container/blob" */
      destination: z
        .string()
        .min(1, { message: 'give the container (and prefix) the data goes to, e.g. photos/2024/' }),
      blobType: blobType.default('BlockBlob'),
      disposition: importDisposition.default('rename'),
    })
    .strict(),
  z.object({ kind: z.literal('dataset'), dataset: csvInput }).strict(),
]);
export type PrepSources = z.infer<typeof prepSources>;
export type PrepSourcesInput = z.input<typeof prepSources>;

/** One drive to copy onto: its mount path (or a folder on a mounted volume), and its BitLocker key if it is encrypted. */
export const prepTargetInput = z
  .object({
    path: z.string().min(1, { message: 'give the mount path of the drive' }),
    /** never logged, never put in an event or a session listing */
    bitLockerKey: z.string().max(200).optional(),
    /** the person confirmed writing into a folder that is not a drive of its own (a folder on a bigger disk) */
    allowFolder: z.boolean().optional(),
  })
  .strict();
export type PrepTargetInput = z.infer<typeof prepTargetInput>;

/** Everything `plan` and `start` need. */
export const prepSpec = z
  .object({
    /** the import job's name (ARM rules); written in each drive header */
    jobName: z.string().min(1, { message: 'give the job name' }),
    sources: prepSources,
    /** the drives, in order (at most 10); empty: pre-flight only, the plan says how many drives of `driveSize` are needed */
    targets: z
      .array(prepTargetInput)
      .max(MAX_DRIVES_PER_JOB, { message: `a job takes at most ${MAX_DRIVES_PER_JOB} drives` })
      .default([]),
    /** a driveset.csv instead of `targets` (DriveLetter holds the mount path on Linux and macOS) */
    driveset: csvInput.optional(),
    /** source files or folders to leave out (the person excluded them after pre-flight) */
    exclude: z.array(z.string().min(1)).default([]),
    /** leave out every file pre-flight has a problem with, instead of refusing */
    skipProblems: z.boolean().default(false),
    /** re-read every block on every drive after the copy */
    verify: z.boolean().default(true),
    /** bytes per second per drive; 0 = no limit */
    maxRate: z.number().int().nonnegative().default(0),
    /** the size of the drives the person means to buy, for "N more drives of this size" when the data does not fit (default: the largest target, else 4 TB) */
    driveSize: z.number().int().positive().optional(),
  })
  .strict();
export type PrepSpec = z.infer<typeof prepSpec>;
export type PrepSpecInput = z.input<typeof prepSpec>;

/** A target that cannot be used as given: the same drive twice, inside the data, prepared for another job … */
export const targetProblem = z.object({
  code: z.enum([
    'not-found',
    'duplicate',
    'same-drive',
    'inside-source',
    'holds-source',
    'holds-journal',
    'other-job',
    'not-writable',
    'blocked',
    'folder',
    'too-many',
    'none',
  ]),
  /** the target path it is about ('' for problems with the list as a whole) */
  target: z.string(),
  message: z.string(),
  fix: z.string(),
});
export type TargetProblem = z.infer<typeof targetProblem>;

/** One target as main sees it (its driveId is what the person confirms by typing it). */
export const resolvedTarget = z.object({
  path: z.string(),
  driveId: z.string(),
  /** where the id came from: the Haul header already on the drive, the device serial, or a new generated id */
  idSource: z.enum(['header', 'serial', 'generated']),
  device: z.string().optional(),
  fsType: z.string().optional(),
  capacity: z.number().nonnegative(),
  free: z.number().nonnegative(),
  /** a job this drive was already prepared for */
  existingJob: z.string().optional(),
  /** its driveset row asks Haul to turn BitLocker on before the copy (Encryption=Encrypt), formatting NTFS first when `format` */
  encrypt: z.object({ file: z.string(), row: z.number().int(), format: z.boolean() }).optional(),
});
export type ResolvedTarget = z.infer<typeof resolvedTarget>;

/** The answer of `plan`: nothing was written. `ready` is true when `start` would begin copying. */
export const prepPlanResult = z.object({
  ready: z.boolean(),
  /** pre-flight problems, each with its file and what to do (at most 1,000 listed; `problemCount` has them all) */
  problems: z.array(preflightProblem),
  problemCount: z.number().int().nonnegative(),
  targetProblems: z.array(targetProblem),
  /** what the person should know about targets that can be used (shown, not refused) */
  targetNotes: z.array(targetNote).default([]),
  targets: z.array(resolvedTarget),
  /** absent when pre-flight or the targets refused before planning */
  plan: planSummary.optional(),
  /** in words: why it is not ready, or what will happen */
  message: z.string(),
});
export type PrepPlanResult = z.infer<typeof prepPlanResult>;

/** What the job needs per prepared drive (ARM DriveStatus), and the DriveInfo file the portal asks for. */
export const preparedDrive = z.object({
  driveId: z.string(),
  target: z.string(),
  /** the manifest's path on the drive, as ARM wants it: "\\DriveManifest.xml" */
  manifestFile: z.string(),
  /** MD5 of DriveManifest.xml, Base16 upper case */
  manifestHash: z.string(),
  /** MD5 of HaulDrive.json as written, Base16 upper case */
  driveHeaderHash: z.string(),
  /**
   * `<journal>_DriveInfo_<driveId>.xml` on the machine main runs on, mode 0600. The CLI's holds the
   * BitLocker key (WAImportExport's format); the app's holds none (it makes the customer's on demand).
   */
  driveInfoFile: z.string(),
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** undefined: not verified (yet) */
  verified: z.boolean().optional(),
  /**
   * what the last verify did not read again: files verified by an earlier run and not written
   * since (a full verify reads them too)
   */
  verifiedEarlier: z.object({ files: z.number().int().nonnegative(), bytes: z.number().nonnegative() }).optional(),
  /** the drive's read speed as a verify measured it (bytes per second), for how long a full verify takes */
  readSpeed: z.number().positive().optional(),
  /** the drive was not among the drives of the last run: what is listed is what an earlier run wrote */
  notAttached: z.boolean().optional(),
  /** files its manifest lists that the job no longer holds as they are (removed, or changed since) */
  outOfDate: z.object({ files: z.number().int().nonnegative(), bytes: z.number().nonnegative() }).optional(),
});
export type PreparedDrive = z.infer<typeof preparedDrive>;

export const failedFile = z.object({ source: z.string(), code: z.string(), message: z.string() });

/** How a session ended. */
export const prepSessionResult = z.object({
  /** every file copied (and verified, when asked) */
  ok: z.boolean(),
  /** why it ended: finished, stopped on request (Resume continues), refused before copying, or failed */
  outcome: z.enum(['done', 'incomplete', 'stopped', 'refused', 'does-not-fit', 'failed']),
  filesCopied: z.number().int().nonnegative(),
  bytesCopied: z.number().nonnegative(),
  /** files already on the drives from an earlier run */
  filesSkipped: z.number().int().nonnegative(),
  failed: z.array(failedFile),
  notPlaced: z.number().int().nonnegative(),
  /** every drive with a manifest, in target order */
  drives: z.array(preparedDrive),
  problems: z.array(preflightProblem).default([]),
  targetProblems: z.array(targetProblem).default([]),
  plan: planSummary.optional(),
  message: z.string(),
});
export type PrepSessionResult = z.infer<typeof prepSessionResult>;

export const sessionState = z.enum([
  /** scanning and planning before the copy */
  'planning',
  'copying',
  'verifying',
  /** Cancel was asked; files in flight are finishing */
  'stopping',
  /** stopped on request: Resume continues */
  'stopped',
  /** main was restarted or killed while it ran: Resume continues from the journal */
  'interrupted',
  /** ended; see `result` (ok or not) */
  'finished',
]);
export type SessionState = z.infer<typeof sessionState>;

/** A session as `prep.sessions` lists it. Never holds a BitLocker key. */
export const prepSessionInfo = z.object({
  sessionId: z.string(),
  jobName: z.string(),
  /** the draft of the wizard that started it, if any */
  draftId: z.string().optional(),
  state: sessionState,
  /** true when Resume would continue it (stopped, interrupted, or finished with files not copied) */
  resumable: z.boolean(),
  journal: z.string(),
  targets: z.array(
    z.object({
      path: z.string(),
      driveId: z.string().optional(),
      hasBitLockerKey: z.boolean(),
      /** the person confirmed this folder that is not a drive of its own */
      allowFolder: z.boolean().optional(),
    }),
  ),
  /** the spec it was started with, without BitLocker keys */
  spec: z.object({
    sources: prepSources,
    exclude: z.array(z.string()),
    skipProblems: z.boolean(),
    verify: z.boolean(),
    maxRate: z.number(),
  }),
  startedAt: z.number(),
  updatedAt: z.number(),
  /** the last progress event, so a reopened window shows where it is */
  progress: prepEvent.optional(),
  /** notes the person should see (e.g. the machine cannot be kept awake) */
  notes: z.array(z.string()),
  result: prepSessionResult.optional(),
});
export type PrepSessionInfo = z.infer<typeof prepSessionInfo>;

/** `haul verify` / `prep.verify`: a drive checked against its own manifest. */
export const verifyReport = z.object({
  target: z.string(),
  ok: z.boolean(),
  driveId: z.string().optional(),
  jobName: z.string().optional(),
  blobs: z.number().int().nonnegative(),
  blocks: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** problems in words, each naming the file (and block) at fault */
  problems: z.array(z.string()),
});
export type VerifyReport = z.infer<typeof verifyReport>;

/** One `prep.progress` event: the session's own prepEvent, throttled to about 4 progress events a second. */
export const prepProgressPayload = z.object({
  sessionId: z.string(),
  jobName: z.string(),
  event: prepEvent,
});
export type PrepProgressPayload = { sessionId: string; jobName: string; event: PrepEvent };

// ---- the folder browser (browser mode has no native picker) ---------------------------------

export const browseRequest = z
  .object({
    /** absolute path; default: the home folder of the user main runs as */
    path: z.string().min(1).optional(),
    /** list names starting with "." too */
    showHidden: z.boolean().default(false),
    /** only folders (the "Use a folder" picker for drives) */
    foldersOnly: z.boolean().default(false),
  })
  .strict();

export const browseEntry = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['folder', 'file', 'link', 'other']),
  /** for a link: what it points to is a folder */
  linkToFolder: z.boolean().optional(),
  size: z.number().nonnegative().optional(),
  mtime: z.number().optional(),
  hidden: z.boolean(),
  /** this entry could not be read (e.g. no permission): in words */
  error: z.string().optional(),
});
export type BrowseEntry = z.infer<typeof browseEntry>;

export const browseResult = z.object({
  /** the folder listed, absolute and resolved */
  path: z.string(),
  /** undefined at the file system root */
  parent: z.string().optional(),
  home: z.string(),
  /** places to jump to: home, removable media mount folders, the root */
  places: z.array(z.object({ name: z.string(), path: z.string() })),
  /** folders first, then by name */
  entries: z.array(browseEntry),
  /** how many hidden entries were left out (showHidden false) */
  hiddenCount: z.number().int().nonnegative(),
  /** entries past the first 5,000, not listed (pick a folder further down) */
  notListed: z.number().int().nonnegative(),
  /** free and total bytes of the volume the folder is on, when known */
  volume: z.object({ free: z.number(), size: z.number() }).optional(),
});
export type BrowseResult = z.infer<typeof browseResult>;

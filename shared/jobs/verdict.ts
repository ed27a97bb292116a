// One verdict per job and per drive, from the facts (pure): what came of the copy — imported,
// imported with warnings, imported with errors, partly imported, not imported, cancelled — or
// where it stands while it runs. The facts are the drive states (and the states Haul saw them
// pass), the bytes copied against the bytes the drive's manifest holds, the drive's error log
// (which files failed, and why) and the job's cancel request. Every screen, the notices and a
// report per file read these words rather than the bare life-cycle state: a Completed job is not
// "all is well" when a file was not imported.
//
// Three levels, each built from the one below, so a per-file report can reuse the same rules:
// fileOutcome (one blob of a drive log) → summariseDriveLog / driveVerdict (one drive) →
// jobVerdict (the job).
import { COPIED_DRIVE_STATES, wasCopied } from '../lifecycle/copied';
import { formatBytes } from '../prep/names';
import type { DriveLogAsRead } from '../formats/driveLog';
import type {
  DriveLogSummary,
  DriveViewState,
  FileOutcome,
  JobViewState,
  NextStep,
  Verdict,
  VerdictKind,
} from './schemas';

// ---- one file --------------------------------------------------------------------------------

/** Why a file was not imported, for the customer, by reason code. */
const REASON_WORDS: Readonly<Record<string, string>> = {
  Md5Mismatch:
    'its data on the drive does not match the MD5 the manifest holds: the file was damaged or changed after the drive was prepared',
  DataReadFailed: 'it could not be read from the drive',
  LengthExceeded: 'it is longer on the drive than the manifest says',
  FileNotFound: 'it is not on the drive',
  FileAccessDenied: 'the data center could not open it on the drive',
  FileNameInvalid: 'its name on the drive is not valid',
  FileLengthMismatch: 'its size on the drive differs from the manifest',
  BlobNameInvalid: 'its blob name is not valid in Azure Storage',
  BlobAlreadyExists: 'a blob of that name appeared in the storage account during the import',
  BlobRequestFailed: 'the storage account refused it',
  Cancelled: 'the import was cancelled',
  DriveNeverReceived: 'its drive never reached the data center',
};

/** The reason code of a failed blob: the first failed block's status when there is one, else the blob's. */
export function failureReason(b: { status: string; blocks?: readonly { status: string }[] }): string {
  const block = b.blocks?.find((k) => k.status !== 'Completed' && k.status !== 'Uncommitted');
  return block?.status ?? b.status;
}

/** The reason in words ("it is not on the drive"); an unknown code is named as it is. */
export function reasonWords(reason: string): string {
  return REASON_WORDS[reason] ?? `the data center reported ${reason}`;
}

/**
 * What happened to one file, from its blob's entry in a drive log: its status, its disposition's
 * outcome and, for a failure, the reason (the failed block's status, or the blob's).
 */
export function fileOutcome(b: {
  status: string;
  disposition?: string | undefined;
  reason?: string | undefined;
}): FileOutcome {
  if (b.status !== 'Completed' || b.disposition === 'Cancelled') {
    const reason = b.disposition === 'Cancelled' ? 'Cancelled' : (b.reason ?? b.status);
    return {
      kind: 'failed',
      label: 'Not imported',
      tone: 'danger',
      reason,
      text: `Not imported: ${reasonWords(reason)}.`,
    };
  }
  switch (b.disposition) {
    case 'Skipped':
      return {
        kind: 'skipped',
        label: 'Skipped',
        tone: 'warning',
        reason: 'BlobExisted',
        text: 'Not imported: a blob of that name already existed and the import disposition (no-overwrite) kept it.',
      };
    case 'Renamed':
      return {
        kind: 'renamed',
        label: 'Imported, renamed',
        tone: 'warning',
        text: 'Imported under another name: a blob of that name already existed (disposition rename).',
      };
    case 'Overwritten':
      return {
        kind: 'overwritten',
        label: 'Imported, replaced',
        tone: 'informative',
        text: 'Imported, replacing the blob of the same name (disposition overwrite).',
      };
    default:
      return { kind: 'imported', label: 'Imported', tone: 'success', text: 'Imported.' };
  }
}

/** A file of a drive that never reached the data center (for a report per file). */
export function notReceivedOutcome(): FileOutcome {
  return {
    kind: 'notReceived',
    label: 'Not imported',
    tone: 'danger',
    reason: 'DriveNeverReceived',
    text: `Not imported: ${reasonWords('DriveNeverReceived')}.`,
  };
}

// ---- one drive -------------------------------------------------------------------------------

/** Drive-level statuses of a log that mean the copy ran (its blobs say what came of each file). */
const COPY_RAN = ['Completed', 'CompletedWithInfo', 'CompletedWithWarnings', 'CompletedWithErrors'];

/** Counts a drive's error log (or verbose log: the blobs without an issue count for nothing). */
export function summariseDriveLog(log: DriveLogAsRead, uri: string): DriveLogSummary {
  const s: DriveLogSummary = {
    uri,
    status: log.status,
    ...(log.message ? { message: log.message } : {}),
    failed: { files: 0, bytes: 0 },
    skipped: { files: 0, bytes: 0 },
    renamed: 0,
    overwritten: 0,
    reasons: {},
  };
  for (const b of log.blobs) {
    const o = fileOutcome({
      status: b.status,
      disposition: b.importDisposition?.status,
      reason: failureReason(b),
    });
    if (o.kind === 'failed') {
      s.failed.files += 1;
      s.failed.bytes += b.length;
      const r = o.reason ?? b.status;
      s.reasons[r] = (s.reasons[r] ?? 0) + 1;
    } else if (o.kind === 'skipped') {
      s.skipped.files += 1;
      s.skipped.bytes += b.length;
    } else if (o.kind === 'renamed') s.renamed += 1;
    else if (o.kind === 'overwritten') s.overwritten += 1;
  }
  return s;
}

export interface DriveFacts {
  driveId: string;
  state: DriveViewState;
  /** The state as the service wrote it (for an unknown one). */
  serviceState?: string;
  bytesSucceeded: number;
  /** The service's percent for the drive (G2), used while it copies. */
  percentComplete: number;
  copyStatus?: string | undefined;
  extra: boolean;
  errorLogUri?: string | undefined;
  /** Its error log, counted, when Haul has read the log at `errorLogUri`. */
  log?: DriveLogSummary | undefined;
  /** Why the log could not be read. */
  logError?: string | undefined;
  /** The states Haul saw the drive in, oldest first (a ShippedBack drive was Completed or CompletedMoreInfo). */
  passed: readonly string[];
}

export interface JobContext {
  name: string;
  type: 'Import' | 'Export';
  state: JobViewState;
  cancelRequested: boolean;
}

const n = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
const done = (t: 'Import' | 'Export') => (t === 'Export' ? 'exported' : 'imported');
const Done = (t: 'Import' | 'Export') => (t === 'Export' ? 'Exported' : 'Imported');

/** Percent of `part` in `whole`, rounded down, and never 100 while a byte is missing. */
export function percentOf(part: number, whole: number): number {
  if (whole <= 0) return 100;
  const p = Math.floor((part / whole) * 100);
  return part < whole ? Math.min(99, p) : 100;
}

function reasonsText(reasons: Record<string, number>): string {
  const parts = Object.entries(reasons)
    .sort((a, b) => b[1] - a[1])
    .map(([r, c]) => `${n(c, 'file')} not imported because ${reasonWords(r)}`);
  return parts.length > 3 ? `${parts.slice(0, 3).join('; ')}; and other reasons` : parts.join('; ');
}

interface Parts {
  kind: VerdictKind;
  tone: Verdict['tone'];
  label: string;
  headline: string;
  why: string;
  rule: string;
  succeeded: number;
  total?: number | undefined;
  /** For the progress column when no percent is known. */
  text?: string;
  percent?: number | undefined;
  next?: NextStep;
}

const FINAL: readonly VerdictKind[] = [
  'imported',
  'importedWithWarnings',
  'importedWithErrors',
  'partlyImported',
  'notImported',
  'cancelled',
];

function make(p: Parts): Verdict {
  const percent = p.percent ?? (p.total !== undefined ? percentOf(p.succeeded, p.total) : undefined);
  return {
    kind: p.kind,
    final: FINAL.includes(p.kind),
    tone: p.tone,
    label: p.label,
    headline: p.headline,
    progress: {
      ...(percent !== undefined ? { percent } : {}),
      text: p.text ?? (percent !== undefined ? `${percent} % copied` : p.label),
    },
    bytes: { succeeded: p.succeeded, ...(p.total !== undefined ? { total: p.total } : {}) },
    ...(p.next ? { next: p.next } : {}),
    why: p.why,
    rule: p.rule,
  };
}

/**
 * Whether the drive was copied at all, as far as the facts show (a cancelled job's drives are not):
 * what Get Job shows of it now (wasCopied), or a copy state Haul saw it in before.
 */
function copied(d: DriveFacts): boolean {
  return wasCopied(d) || d.passed.some((s) => (COPIED_DRIVE_STATES as readonly string[]).includes(s));
}

/** The job has not closed the door on a missing drive: it may still arrive and be processed (DE1). */
function mayStillArrive(state: JobViewState): boolean {
  return state === 'Shipping' || state === 'Received' || state === 'Transferring' || state === 'Packaging';
}

export function driveVerdict(d: DriveFacts, job: JobContext): Verdict {
  const id = d.driveId;
  const ok = d.bytesSucceeded;
  const passed = notCopiedDrive(d, job);
  if (passed) return passed;
  if (job.cancelRequested && !copied(d))
    return make({
      kind: 'cancelled',
      tone: 'subtle',
      label: 'Not copied',
      headline: `Drive ${id} is not copied: the job was cancelled${d.state === 'ShippedBack' ? '; it was shipped back' : ''}.`,
      why: 'A cancelled job skips the copy; drives that reach the data center are shipped back (rule J14).',
      rule: 'J14',
      succeeded: ok,
      text: 'Not copied',
    });
  return beforeFinished(d, job) ?? finishedDrive(d, job);
}

/** An extra drive, or one whose life cycle ended without a copy (unknown, faulted, never received). */
function notCopiedDrive(d: DriveFacts, job: JobContext): Verdict | undefined {
  const id = d.driveId;
  const ok = d.bytesSucceeded;
  if (d.extra)
    return make({
      kind: 'extra',
      tone: 'informative',
      label: 'Extra drive',
      headline: `Drive ${id} is not one of the job's drives: it is not copied, and it is returned with the others.`,
      why: `It was in the package but not in the job's drive list (rules JE5, DE2).`,
      rule: 'JE5',
      succeeded: ok,
      text: 'Not copied',
    });
  switch (d.state) {
    case 'Unknown':
      return make({
        kind: 'unknown',
        tone: 'subtle',
        label: `${d.serviceState || 'Unknown'} (unknown)`,
        headline: `The service reports drive ${id} in a state this version of Haul does not know.`,
        why: `Haul cannot tell what came of the drive (rule G3). Update Haul, or ask the data center.`,
        rule: 'G3',
        succeeded: ok,
      });
    case 'Faulted':
      return make({
        kind: 'faulted',
        tone: 'danger',
        label: 'Faulted',
        headline: `The data center could not process drive ${id}${d.copyStatus ? `: ${d.copyStatus.replace(/\.$/, '')}` : ''}.`,
        why: 'A drive that cannot go on through its life cycle is Faulted; the operators contact you (rule F1).',
        rule: 'F1',
        succeeded: ok,
        next: { actor: 'datacenter', text: 'The operators will contact you', rule: 'F1' },
      });
    case 'NeverReceived': {
      const still = mayStillArrive(job.state) && !job.cancelRequested;
      return make({
        kind: 'notImported',
        tone: 'danger',
        label: 'Never arrived',
        headline: `Drive ${id} never reached the data center: none of its files were ${done(job.type)}.`,
        why: `The drive was not in the package, or the package did not arrive within 14 days (rule D4)${still ? '; if it arrives in another shipment it is processed (rule DE1)' : ''}.`,
        rule: 'D4',
        succeeded: 0,
        text: 'Never arrived',
        next: still
          ? { actor: 'customer', text: `Find drive ${id} and ship it to the data center`, rule: 'DE1' }
          : { actor: 'customer', text: `Send the files of drive ${id} again, in a new job`, rule: 'D4' },
      });
    }
    default:
      return undefined;
  }
}

/** Specified, Received or Transferring: how far the drive has come toward its copy. */
function beforeFinished(d: DriveFacts, job: JobContext): Verdict | undefined {
  const id = d.driveId;
  const ok = d.bytesSucceeded;
  switch (d.state) {
    case 'Specified':
      return make({
        kind: 'waiting',
        tone: 'informative',
        label: job.state === 'Creating' ? 'Not shipped yet' : 'Not received yet',
        headline:
          job.state === 'Creating'
            ? `Drive ${id} is named in the job; the service waits for it to be shipped.`
            : `Drive ${id} has not reached the data center yet.`,
        why: 'Each drive named at creation is Specified until the data center receives it (rules D1, D3).',
        rule: 'D1',
        succeeded: ok,
        percent: 0,
      });
    case 'Received':
      return make({
        kind: 'atDataCenter',
        tone: 'brand',
        label: 'Received',
        headline: `Drive ${id} is at the data center, waiting for its copy to start.`,
        why: 'The data center received the drive (rule D3); the copy starts next (rule D5).',
        rule: 'D3',
        succeeded: ok,
        percent: 0,
      });
    case 'Transferring':
      return make({
        kind: 'copying',
        tone: 'brand',
        label: 'Copying',
        headline: `Drive ${id} is being copied: ${d.percentComplete} %${ok > 0 ? ` (${formatBytes(ok)} so far)` : ''}.`,
        why: 'The copy between the drive and storage is running (rule D5).',
        rule: 'D5',
        succeeded: ok,
        percent: Math.min(99, d.percentComplete),
      });
    default:
      return undefined;
  }
}

/** What a finished drive's verdict says of it, whichever way it is known. */
interface Finished {
  id: string;
  /** bytes the service says were copied */
  ok: number;
  /** "imported" or "exported" */
  did: string;
  /** the sentence that it was shipped back, or '' */
  shipped: string;
  openLog: NextStep;
}

/** Completed, CompletedMoreInfo or ShippedBack: what came of the copy. */
function finishedDrive(d: DriveFacts, job: JobContext): Verdict {
  const id = d.driveId;
  const did = done(job.type);
  const f: Finished = {
    id,
    ok: d.bytesSucceeded,
    did,
    shipped: d.state === 'ShippedBack' ? ' It was shipped back to you (rule D8).' : '',
    openLog: {
      actor: 'customer',
      text: `Open the error log of drive ${id}: it names each file`,
      action: 'logs',
      rule: 'D7',
    },
  };
  const log = d.log && d.log.uri === d.errorLogUri ? d.log : undefined;
  return log ? fromErrorLog(f, log, job) : withoutErrorLog(f, d, job);
}

/** The drive's error log, read: not copied, files failed, warnings (skipped or renamed), or every file. */
function fromErrorLog(f: Finished, log: NonNullable<DriveFacts['log']>, job: JobContext): Verdict {
  const { id, ok, did, shipped, openLog } = f;
  const total = ok + log.failed.bytes + log.skipped.bytes;
  if (!COPY_RAN.includes(log.status))
    return make({
      kind: 'notImported',
      tone: 'danger',
      label: `Not ${did}`,
      headline: `The data center could not read drive ${id}: none of its files were ${did}.${log.message ? ` ${log.message.replace(/\.?$/, '.')}` : ''}`,
      why: `Its log says ${log.status}; the copy did not run (rule D7).${shipped}`,
      rule: 'D7',
      succeeded: ok,
      text: `Not ${did}`,
      next: { ...openLog, text: `Open the error log of drive ${id}: it says what went wrong` },
    });
  if (log.failed.files > 0) {
    const none = ok === 0 && log.skipped.files === 0;
    const what = `${n(log.failed.files, 'file')} (${formatBytes(log.failed.bytes)})`;
    return make({
      kind: none ? 'notImported' : 'importedWithErrors',
      tone: 'danger',
      label: none ? `Not ${did}` : `${Done(job.type)} with errors`,
      headline: none
        ? `None of the files of drive ${id} were ${did}: ${what} failed.`
        : `${what} of drive ${id} ${log.failed.files === 1 ? 'was' : 'were'} not ${did}; ${formatBytes(ok)} of ${formatBytes(total)} ${did}.`,
      why: `${reasonsText(log.reasons)} (from the drive's error log; rule D7).${shipped}`,
      rule: 'D7',
      succeeded: ok,
      total,
      next: {
        ...openLog,
        text: `Send the ${n(log.failed.files, 'file')} not ${did} again: the error log of drive ${id} names them`,
      },
    });
  }
  if (log.skipped.files > 0 || log.renamed > 0) {
    const parts = [
      log.skipped.files > 0 &&
        `${n(log.skipped.files, 'file')} skipped because a blob of that name already existed (disposition no-overwrite)`,
      log.renamed > 0 && `${n(log.renamed, 'file')} ${did} under a new name (disposition rename)`,
    ].filter(Boolean);
    return make({
      kind: 'importedWithWarnings',
      tone: 'warning',
      label: `${Done(job.type)}, with warnings`,
      headline: `Drive ${id}: every other file was ${did}; ${parts.join(', ')}.`,
      why: `The copy met warnings, not errors (rule D7).${shipped}`,
      rule: 'D7',
      succeeded: ok,
      total,
      next: { ...openLog, text: `Check the skipped or renamed files in the error log of drive ${id}` },
    });
  }
  return make({
    kind: 'imported',
    tone: 'success',
    label: Done(job.type),
    headline: `Every file of drive ${id} was ${did} (${formatBytes(ok)})${log.overwritten > 0 ? `; ${n(log.overwritten, 'file')} replaced blobs of the same name (disposition overwrite)` : ''}.`,
    why: `Its error log lists no failed file (rule ${log.overwritten > 0 ? 'D7' : 'D6'}).${shipped}`,
    rule: log.overwritten > 0 ? 'D7' : 'D6',
    succeeded: ok,
    total,
  });
}

/** No log read (yet): what the state and the copy status tell. */
function withoutErrorLog(f: Finished, d: DriveFacts, job: JobContext): Verdict {
  const { id, ok, did, shipped, openLog } = f;
  const clean =
    d.state === 'Completed' ||
    /^Completed(:|$)/.test(d.copyStatus ?? '') ||
    (d.copyStatus === undefined && d.passed.includes('Completed') && !d.passed.includes('CompletedMoreInfo'));
  if (clean)
    return make({
      kind: 'imported',
      tone: 'success',
      label: Done(job.type),
      headline: `Every file of drive ${id} was ${did}${ok > 0 ? ` (${formatBytes(ok)})` : ''}.`,
      why: `The data center copied all its data with no errors (rule D6).${shipped}`,
      rule: 'D6',
      succeeded: ok,
      total: ok,
    });
  if (d.state === 'ShippedBack' && !copied(d))
    return make({
      kind: 'notImported',
      tone: 'danger',
      label: `Not ${did}`,
      headline: `Drive ${id} was shipped back without being copied: none of its files were ${did}.`,
      why: 'The service reports no copy of the drive: no bytes, no log (rules D5, D8).',
      rule: 'D8',
      succeeded: 0,
      text: `Not ${did}`,
    });
  if (d.errorLogUri)
    return make({
      kind: 'checking',
      tone: 'informative',
      label: 'Checking the log',
      headline: d.logError
        ? `Haul could not read the error log of drive ${id} yet, so it cannot tell whether every file was ${did}: ${d.logError}`
        : `Drive ${id} is copied; Haul is reading its error log to tell whether every file was ${did}.`,
      why: `The copy met issues (rule D7); the error log says which files.${shipped}`,
      rule: 'D7',
      succeeded: ok,
      text: 'Checking',
      next: openLog,
    });
  const failed = /(\d+)\s+failed/.exec(d.copyStatus ?? '');
  return make({
    kind: failed ? 'importedWithErrors' : 'importedWithWarnings',
    tone: failed ? 'danger' : 'warning',
    label: failed ? `${Done(job.type)} with errors` : `${Done(job.type)}, with warnings`,
    headline: `The copy of drive ${id} met issues${d.copyStatus ? ` (${d.copyStatus.replace(/\.$/, '')})` : ''}, and the service gives no error log to say which files.`,
    why: `The drive ended with issues (rule D7).${shipped}`,
    rule: 'D7',
    succeeded: ok,
    next: { actor: 'customer', text: `Ask the data center which files of drive ${id} were not ${did}`, rule: 'D7' },
  });
}

// ---- the job ---------------------------------------------------------------------------------

export interface JobFacts extends JobContext {
  /** G2, the service's percent of the job processed. */
  percentComplete: number;
  storageAccount?: string | undefined;
  returnPackage?: { carrierName: string; trackingNumber: string } | undefined;
  drives: { driveId: string; extra: boolean; verdict: Verdict }[];
}

function listIds(ids: string[]): string {
  if (ids.length <= 3) return ids.length === 2 ? `${ids[0]} and ${ids[1]}` : ids.join(', ');
  return `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}

function sumTotals(vs: Verdict[]): { succeeded: number; total?: number } {
  const succeeded = vs.reduce((s, v) => s + v.bytes.succeeded, 0);
  const known = vs.every((v) => v.bytes.total !== undefined);
  return known ? { succeeded, total: vs.reduce((s, v) => s + (v.bytes.total ?? 0), 0) } : { succeeded };
}

export function jobVerdict(j: JobFacts): Verdict {
  const own = j.drives.filter((d) => !d.extra);
  const bytes = sumTotals(own.map((d) => d.verdict));
  const into = j.type === 'Import' && j.storageAccount ? ` into storage account ${j.storageAccount}` : '';
  const missing = own.filter((d) => d.verdict.kind === 'notImported' && d.verdict.rule === 'D4').map((d) => d.driveId);
  const stopped = stoppedJob(j, bytes);
  if (stopped) return stopped;
  const missingNext: NextStep | undefined =
    missing.length > 0 && mayStillArrive(j.state) && j.state !== 'Shipping'
      ? {
          actor: 'customer',
          text: `Drive ${listIds(missing)} did not arrive: find ${missing.length === 1 ? 'it' : 'them'} and ship ${missing.length === 1 ? 'it' : 'them'}`,
          rule: 'DE1',
        }
      : undefined;
  const missingLine = missing.length ? ` Drive ${listIds(missing)} never arrived (rule D4).` : '';
  return underwayJob(j, bytes, missingLine, missingNext) ?? outcome(j, own, bytes, into, missingNext);
}

/** A job in a state Haul does not know, Faulted, or cancelled: what it says instead of how the copy goes. */
function stoppedJob(j: JobFacts, bytes: { succeeded: number; total?: number }): Verdict | undefined {
  const did = done(j.type);
  if (j.state === 'Unknown')
    return make({
      kind: 'unknown',
      tone: 'subtle',
      label: 'Unknown state',
      headline: `The service reports job ${j.name} in a state this version of Haul does not know.`,
      why: 'Haul cannot tell what is allowed or what came of the job (rule G1).',
      rule: 'G1',
      succeeded: bytes.succeeded,
    });
  if (j.state === 'Faulted')
    return make({
      kind: 'faulted',
      tone: 'danger',
      label: 'Faulted',
      headline: `The data center could not move job ${j.name} on normally.`,
      why: 'The operators contact you by email or phone; once resolved the job goes on where it belongs (rules F1, F2).',
      rule: 'F1',
      succeeded: bytes.succeeded,
    });
  if (j.cancelRequested) {
    const over = j.state === 'Completed' || j.state === 'Closed';
    return make({
      kind: 'cancelled',
      tone: 'subtle',
      label: 'Cancelled',
      headline: over
        ? `Cancelled: nothing was ${did}. Drives that reached the data center were shipped back uncopied.`
        : `Cancelled: the drives are not copied. If they reach the data center, they are shipped back uncopied.`,
      why: 'A cancelled job skips the copy and then ends Completed (rule J14).',
      rule: 'J14',
      succeeded: bytes.succeeded,
      text: 'Not copied',
      next: over
        ? {
            actor: 'nobody',
            text: j.returnPackage
              ? `Cancelled; drives shipped back: ${j.returnPackage.carrierName} ${j.returnPackage.trackingNumber}`
              : `Cancelled: nothing was ${did}`,
            rule: 'J14',
          }
        : j.state === 'Creating' || j.state === 'Shipping'
          ? { actor: 'nobody', text: `Cancelled: nothing will be ${did}`, rule: 'J14' }
          : { actor: 'datacenter', text: 'Cancelled: the drives are shipped back uncopied', rule: 'J14' },
    });
  }
  return undefined;
}

/** Creating, Shipping, Received or Transferring: how far the job has come toward its copy's end. */
function underwayJob(
  j: JobFacts,
  bytes: { succeeded: number; total?: number },
  missingLine: string,
  missingNext: NextStep | undefined,
): Verdict | undefined {
  switch (j.state) {
    case 'Creating':
      return make({
        kind: 'waiting',
        tone: 'informative',
        label: 'Not shipped yet',
        headline: `Job ${j.name} waits for its drives to be shipped.`,
        why: 'A job is Creating until the customer says the package is on its way (rules J1, J4).',
        rule: 'J1',
        succeeded: 0,
        percent: 0,
        text: 'Not shipped',
      });
    case 'Shipping':
      return make({
        kind: 'waiting',
        tone: 'informative',
        label: 'On its way',
        headline: `The package of job ${j.name} is on its way to the data center.${missingLine}`,
        why: 'The job is Shipping until every drive has reached the data center (rules J4, J7).',
        rule: 'J4',
        succeeded: 0,
        percent: 0,
        text: 'On its way',
      });
    case 'Received':
      return make({
        kind: 'atDataCenter',
        tone: 'brand',
        label: 'At the data center',
        headline: `The data center received the drives of job ${j.name}; the copy starts soon.${missingLine}`,
        why: 'Every drive that came has reached the data center (rule J7).',
        rule: 'J7',
        succeeded: 0,
        percent: 0,
        ...(missingNext ? { next: missingNext } : {}),
      });
    case 'Transferring':
      return make({
        kind: 'copying',
        tone: 'brand',
        label: 'Copying',
        headline: `The data center is copying the drives of job ${j.name}: ${j.percentComplete} %.${missingLine}`,
        why: 'At least one drive has started processing (rule J8).',
        rule: 'J8',
        succeeded: bytes.succeeded,
        percent: Math.min(99, j.percentComplete),
        ...(missingNext ? { next: missingNext } : {}),
      });
    default:
      return undefined;
  }
}

/** Packaging, Completed or Closed: every drive is processed, so the outcome is known (or being read). */
function outcome(
  j: JobFacts,
  own: JobFacts['drives'],
  bytes: { succeeded: number; total?: number },
  into: string,
  missingNext: NextStep | undefined,
): Verdict {
  const did = done(j.type);
  const of = (k: VerdictKind) => own.filter((d) => d.verdict.kind === k);
  const over = j.state === 'Completed' || j.state === 'Closed';
  const stateRule = j.state === 'Packaging' ? 'J9' : j.state === 'Closed' ? 'J11' : 'J10';
  const shippedBack = j.returnPackage
    ? `Drives shipped back: ${j.returnPackage.carrierName} ${j.returnPackage.trackingNumber}`
    : 'The drives are shipped back to you';
  const packing: NextStep = {
    actor: 'datacenter',
    text: 'Copy finished; the drives are being packed to ship back',
    rule: 'J9',
  };
  const checking = of('checking');
  if (checking.length)
    return make({
      kind: 'checking',
      tone: 'informative',
      label: 'Checking the logs',
      headline: `The copy of job ${j.name} is over; Haul is reading the error log of drive ${idsOf(checking)} to tell whether every file was ${did}.`,
      why: `Every drive is processed (rule ${stateRule}); until its error log is read, Haul does not say all is well.`,
      rule: stateRule,
      succeeded: bytes.succeeded,
      text: 'Checking',
      next: checking[0]!.verdict.next ?? packing,
    });
  const lost = own.filter((d) => d.verdict.kind === 'notImported' || d.verdict.kind === 'faulted');
  if (own.length === 0 || lost.length > 0) return lostOutcome(j, own, lost, bytes, stateRule, missingNext);
  const withIssues = issuesOutcome(j, own, bytes, missingNext);
  if (withIssues) return withIssues;
  return make({
    kind: 'imported',
    tone: 'success',
    label: Done(j.type),
    headline: `Every file was ${did}${bytes.succeeded > 0 ? `: ${formatBytes(bytes.succeeded)}` : ''}${into}.`,
    why: `Every drive was copied with no errors (rule D6)${over ? ` and the job is ${j.state} (rule ${stateRule})` : '; the drives are packed to ship back (rule J9)'}.`,
    rule: over ? stateRule : 'J9',
    succeeded: bytes.succeeded,
    total: bytes.total,
    next: over ? { actor: 'nobody', text: shippedBack, rule: stateRule } : packing,
  });
}

/** Some drives, or all, were not copied (never arrived, faulted), or the job has no drives. */
function lostOutcome(
  j: JobFacts,
  own: JobFacts['drives'],
  lost: JobFacts['drives'],
  bytes: { succeeded: number; total?: number },
  stateRule: string,
  missingNext: NextStep | undefined,
): Verdict {
  const did = done(j.type);
  const errors = own.filter((d) => d.verdict.kind === 'importedWithErrors');
  const rest = own.filter((d) => !lost.includes(d));
  const lostWhy = lost
    .map((d) => `drive ${d.driveId}: ${d.verdict.label.toLowerCase()} (rule ${d.verdict.rule})`)
    .join('; ');
  const firstNext = (ds: JobFacts['drives']) => missingNext ?? ds.find((d) => d.verdict.next)?.verdict.next;
  if (own.length === 0 || lost.length === own.length)
    return make({
      kind: 'notImported',
      tone: 'danger',
      label: `Not ${did}`,
      headline:
        own.length === 0
          ? `Nothing was ${did}: the job has no drives.`
          : `Nothing was ${did}: ${lost.map((d) => d.verdict.headline.replace(/\.$/, '')).join('; ')}.`,
      why: `${lostWhy || 'No drive'}${j.state === 'Closed' ? '; the job ended Closed, with errors (rule J11)' : ''}.`,
      rule: lost[0]?.verdict.rule ?? stateRule,
      succeeded: bytes.succeeded,
      text: `Not ${did}`,
      ...((firstNext(lost) ?? undefined) ? { next: firstNext(lost)! } : {}),
    });
  const restText = errors.length
    ? `the other drives' files were ${did}, except ${n(errors.length, 'drive')} with errors (${idsOf(errors)})`
    : `every file of drive ${idsOf(rest)} was ${did}`;
  return make({
    kind: 'partlyImported',
    tone: 'danger',
    label: `Partly ${did}`,
    headline: `${n(lost.length, 'drive')} of ${own.length} ${lost.length === 1 ? 'was' : 'were'} not ${did} (${lost
      .map((d) => `${d.driveId}: ${d.verdict.label.toLowerCase()}`)
      .join(', ')}); ${restText}.`,
    why: `${lostWhy}${j.state === 'Closed' ? '; the job ended Closed, with errors (rule J11)' : ''}.`,
    rule: lost[0]!.verdict.rule,
    succeeded: bytes.succeeded,
    text: `${rest.length} of ${n(own.length, 'drive')} ${did}`,
    ...(firstNext(lost) ? { next: firstNext(lost)! } : {}),
  });
}

/** Every drive was copied, some with errors or warnings in their logs; undefined when none has any. */
function issuesOutcome(
  j: JobFacts,
  own: JobFacts['drives'],
  bytes: { succeeded: number; total?: number },
  missingNext: NextStep | undefined,
): Verdict | undefined {
  const did = done(j.type);
  const errors = own.filter((d) => d.verdict.kind === 'importedWithErrors');
  const warnings = own.filter((d) => d.verdict.kind === 'importedWithWarnings');
  const firstNext = (ds: JobFacts['drives']) => missingNext ?? ds.find((d) => d.verdict.next)?.verdict.next;
  if (errors.length) {
    const missingBytes = bytesMissing(errors);
    return make({
      kind: 'importedWithErrors',
      tone: 'danger',
      label: `${Done(j.type)} with errors`,
      headline: `Not everything was ${did}: ${errors.map((d) => d.verdict.headline.replace(/\.$/, '')).join('; ')}.`,
      why: `The data center leaves out a file it cannot import, and the drive ends with issues (rule D7)${j.state === 'Closed' ? '; the job ended Closed, with errors (rule J11)' : ''}. Each drive's error log names the files and why.`,
      rule: 'D7',
      succeeded: bytes.succeeded,
      total: bytes.total,
      ...(missingBytes > 0 && bytes.total === undefined ? { text: `${formatBytes(missingBytes)} not ${did}` } : {}),
      ...(firstNext(errors) ? { next: firstNext(errors)! } : {}),
    });
  }
  if (warnings.length)
    return make({
      kind: 'importedWithWarnings',
      tone: 'warning',
      label: `${Done(j.type)}, with warnings`,
      headline: `Every drive was copied; ${warnings.map((d) => d.verdict.headline.replace(/^Drive [^:]+: /, `drive ${d.driveId}: `).replace(/\.$/, '')).join('; ')}.`,
      why: `Warnings are not errors: the job ends Completed (rules D7, J10).`,
      rule: 'D7',
      succeeded: bytes.succeeded,
      total: bytes.total,
      ...(firstNext(warnings) ? { next: firstNext(warnings)! } : {}),
    });
  return undefined;
}

/** The drives' ids as a sentence lists them (the first three and how many more). */
function idsOf(ds: JobFacts['drives']): string {
  return listIds(ds.map((d) => d.driveId));
}

/** Bytes the drives' logs say were not copied, where their totals are known. */
function bytesMissing(ds: JobFacts['drives']): number {
  return ds.reduce(
    (s, d) => s + (d.verdict.bytes.total !== undefined ? d.verdict.bytes.total - d.verdict.bytes.succeeded : 0),
    0,
  );
}

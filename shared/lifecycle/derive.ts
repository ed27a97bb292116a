// Values derived from a job: the job state its drives call for (J7-J11), percent complete (G2),
// what Get Job shows (G1-G4), which customer actions are allowed now and why not (J5, J13, A1),
// the next deadline to schedule, and a consistency check used by the tests and the service.

import type {
  DeadlineKind,
  DriveState,
  JobState,
  LifecycleDrive,
  LifecycleJob,
  Permission,
  Permissions,
  Refusal,
  RefusalCode,
} from './types';
import { COPIED_DRIVE_STATES } from './copied';

export const DAY = 24 * 60 * 60 * 1000;
/** J2, J6, D4, JE1: "two weeks". */
export const FOURTEEN_DAYS = 14 * DAY;
/** JE2: the customer's answer to an overdue package. */
export const THIRTY_DAYS = 30 * DAY;
/** J12, JE1, JE4. */
export const NINETY_DAYS = 90 * DAY;

const DONE: readonly DriveState[] = ['Completed', 'CompletedMoreInfo'];
/** Drive states in which the drive is physically at the data center. */
export const AT_DATACENTER_DRIVE: readonly DriveState[] = [
  'Received',
  'Transferring',
  'Completed',
  'CompletedMoreInfo',
  'Faulted',
];

export function refusal(code: RefusalCode, rule: string, message: string): Refusal {
  return { ok: false, code, rule, message };
}

/** A Faulted drive counts as the state it left (F1): a fault does not move the job backwards. */
export function effectiveDriveState(d: LifecycleDrive): DriveState {
  return d.state === 'Faulted' ? (d.faultedFrom ?? 'Received') : d.state;
}

/** The job's own drives that reached the data center and still count (not extra, not destroyed). */
export function activeDrives(job: LifecycleJob): LifecycleDrive[] {
  return job.drives.filter(
    (d) =>
      !d.extra && d.destroyedAt === undefined && effectiveDriveState(d) !== 'NeverReceived' && d.state !== 'Specified',
  );
}

export function isTerminal(state: JobState): boolean {
  return state === 'Completed' || state === 'Closed';
}

/**
 * The job state the drives call for (J7-J9, J14). Before the package arrived the job is Creating
 * or Shipping by the customer's word; after it is Completed or Closed it stays so (only deletion
 * ends it); a Faulted job is judged as the state it left.
 */
export function expectedJobState(job: LifecycleJob): JobState {
  const state = job.state === 'Faulted' ? (job.faultedFrom ?? 'Creating') : job.state;
  if (isTerminal(state) || job.packageArrivedAt === undefined) return state;
  const active = activeDrives(job).map(effectiveDriveState);
  // J9 (vacuously when none of the job's drives came), and J14: a cancelled job skips the copy.
  if (active.every((s) => DONE.includes(s)) || (job.cancelRequested && active.every((s) => s === 'Received')))
    return 'Packaging';
  if (active.some((s) => COPIED_DRIVE_STATES.includes(s))) return 'Transferring'; // J8
  return 'Received'; // J7
}

/** J11: the job met errors, so after shipping back it ends Closed rather than Completed. */
export function hadErrors(job: LifecycleJob): boolean {
  if (job.cancelRequested) return false; // J14: a cancelled job ends Completed
  return job.drives.some((d) => !d.extra && (d.issues.errors > 0 || d.state === 'NeverReceived'));
}

function drivePercent(d: LifecycleDrive): number {
  const s = effectiveDriveState(d);
  if (DONE.includes(s) || s === 'ShippedBack') return 1;
  if (s === 'Transferring' && d.bytesTotal > 0) return Math.min(1, d.bytesSucceeded / d.bytesTotal);
  return 0;
}

/**
 * G2: the approximate percentage of the job that is complete, from bytes copied. Drives weigh by
 * their size when every size is known, equally otherwise. A job whose copy is over (Packaging,
 * Completed, Closed) is 100; a cancelled job that skipped the copy too.
 */
export function percentComplete(job: LifecycleJob): number {
  const state = job.state === 'Faulted' ? (job.faultedFrom ?? 'Creating') : job.state;
  if (state === 'Packaging' || isTerminal(state)) return 100;
  const drives = activeDrives(job);
  if (drives.length === 0) return 0;
  const sized = drives.every((d) => d.bytesTotal > 0);
  const total = sized ? drives.reduce((n, d) => n + d.bytesTotal, 0) : drives.length;
  const done = drives.reduce((n, d) => n + drivePercent(d) * (sized ? d.bytesTotal : 1), 0);
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

export function drivePercentComplete(d: LifecycleDrive): number {
  return Math.floor(drivePercent(d) * 100);
}

/** What Get Job shows about the life cycle: G1 state, G2 percent, G3 drive states, G4 log URIs. */
export interface JobView {
  name: string;
  type: LifecycleJob['type'];
  state: JobState;
  cancelRequested: boolean;
  percentComplete: number;
  drives: {
    driveId: string;
    state: DriveState;
    extra: boolean;
    percentComplete: number;
    bytesSucceeded: number;
    copyStatus?: string;
    errorLogUri?: string;
    verboseLogUri?: string;
  }[];
  returnPackage?: LifecycleJob['returnPackage'];
  /** Alerts not yet cleared. */
  alerts: LifecycleJob['alerts'];
}

export function jobView(job: LifecycleJob): JobView {
  return {
    name: job.name,
    type: job.type,
    state: job.state,
    cancelRequested: job.cancelRequested,
    percentComplete: percentComplete(job),
    drives: job.drives.map((d) => ({
      driveId: d.driveId,
      state: d.state,
      extra: d.extra,
      percentComplete: drivePercentComplete(d),
      bytesSucceeded: d.bytesSucceeded,
      ...(d.copyStatus !== undefined ? { copyStatus: d.copyStatus } : {}),
      ...(d.errorLogUri !== undefined ? { errorLogUri: d.errorLogUri } : {}),
      ...(d.verboseLogUri !== undefined ? { verboseLogUri: d.verboseLogUri } : {}),
    })),
    ...(job.returnPackage ? { returnPackage: job.returnPackage } : {}),
    alerts: job.alerts.filter((a) => a.clearedAt === undefined),
  };
}

/** The earliest pending deadline (epoch ms), for scheduling one timer per job; undefined if none. */
export function nextDeadline(job: LifecycleJob): number | undefined {
  if (job.deletedAt !== undefined) return undefined;
  let next: number | undefined;
  for (const at of Object.values(job.deadlines)) if (at !== undefined && (next === undefined || at < next)) next = at;
  return next;
}

/** The pending deadlines, earliest first. */
export function pendingDeadlines(job: LifecycleJob): { kind: DeadlineKind; at: number }[] {
  return (Object.entries(job.deadlines) as [DeadlineKind, number | undefined][])
    .filter((e): e is [DeadlineKind, number] => e[1] !== undefined)
    .map(([kind, at]) => ({ kind, at }))
    .sort((a, b) => a.at - b.at);
}

// ---------------------------------------------------------------------------------------------
// Permissions: the same checks apply() uses, exposed so the UI can disable a button with a reason.

const OK: Permission = { ok: true };

function gone(job: LifecycleJob): Refusal | undefined {
  return job.deletedAt === undefined
    ? undefined
    : refusal(
        'InvalidTransition',
        job.deletedBecause?.rule ?? 'A1',
        `Job ${job.name} no longer exists. ${job.deletedBecause?.reason ?? 'It was deleted (rule A1).'}`,
      );
}

/** J13: cancel is accepted while Creating or Shipping. */
export function checkCancel(job: LifecycleJob): Permission {
  const g = gone(job);
  if (g) return g;
  if (job.state === 'Creating' || job.state === 'Shipping') return OK;
  const why =
    job.state === 'Faulted'
      ? 'it is Faulted and the operators are working on it'
      : isTerminal(job.state)
        ? 'it has already finished'
        : 'its drives are already at the data center';
  return refusal(
    'CancelNotAllowed',
    'J13',
    `Job ${job.name} can be cancelled only while it is Creating or Shipping; it is ${job.state} now, and ${why} (rule J13).`,
  );
}

/** A1: Delete Job only for a job in Creating or Completed. */
export function checkDelete(job: LifecycleJob): Permission {
  const g = gone(job);
  if (g) return g;
  if (job.state === 'Creating' || job.state === 'Completed') return OK;
  const hint =
    job.state === 'Closed'
      ? ' A Closed job is deleted automatically 90 days after it closed (rule J12).'
      : job.state === 'Shipping'
        ? ' Cancel it instead if you no longer want it processed.'
        : '';
  return refusal(
    'DeleteNotAllowed',
    'A1',
    `Job ${job.name} can be deleted only while it is Creating or Completed; it is ${job.state} now (rule A1).${hint}`,
  );
}

/** J5: what is missing before the job can be set to Shipping ([] when nothing is). */
export function missingForShipping(job: Pick<LifecycleJob, 'deliveryPackage' | 'returnAddress'>): string[] {
  const missing: string[] = [];
  if (!job.deliveryPackage?.carrierName?.trim()) missing.push('the delivery package carrier');
  if (!job.deliveryPackage?.trackingNumber?.trim()) missing.push('the delivery package tracking number');
  if (!job.returnAddress) missing.push('the return address');
  return missing;
}

export function shippingInfoRefusal(missing: string[]): Refusal {
  const list =
    missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}` : missing[0];
  return refusal(
    'ShippingInfoMissing',
    'J5',
    `The job can be set to Shipping only after the delivery package (carrier and tracking number) and the return address are set; ${list} ${missing.length > 1 ? 'are' : 'is'} missing (rule J5).`,
  );
}

/** J4/J5: whether the customer can tell the service now that the package is on its way. */
export function checkSetShipping(job: LifecycleJob): Permission {
  const g = gone(job);
  if (g) return g;
  if (job.cancelRequested)
    return refusal('JobCancelled', 'J14', `Job ${job.name} was cancelled, so it cannot be set to Shipping (rule J14).`);
  if (job.state === 'Shipping')
    return refusal('InvalidTransition', 'J4', `Job ${job.name} is already Shipping (rule J4).`);
  if (job.state !== 'Creating')
    return refusal(
      'InvalidTransition',
      'J4',
      `Job ${job.name} can be set to Shipping only while it is Creating; it is ${job.state} now (rule J4).`,
    );
  const missing = missingForShipping(job);
  return missing.length ? shippingInfoRefusal(missing) : OK;
}

/** Whether Update Job Properties is accepted now (any property; see apply() for per-property rules). */
export function checkUpdate(job: LifecycleJob): Permission {
  const g = gone(job);
  if (g) return g;
  if (isTerminal(job.state))
    return refusal(
      'UpdateNotAllowed',
      'J12',
      `Job ${job.name} is ${job.state}; its properties can no longer be changed. It is kept for 90 days and then deleted (rule J12).`,
    );
  return OK;
}

export function allowed(job: LifecycleJob): Permissions {
  const cancel = checkCancel(job);
  return {
    cancel:
      cancel.ok && job.cancelRequested
        ? refusal('CancelNotAllowed', 'J13', `Cancellation of job ${job.name} was already requested (rule J13).`)
        : cancel,
    delete: checkDelete(job),
    setShipping: checkSetShipping(job),
    update: checkUpdate(job),
  };
}

/**
 * Whether the job's state agrees with its drives' states; [] when it does, otherwise sentences
 * naming the disagreement. The property tests run it after every event.
 */
export function consistencyProblems(job: LifecycleJob): string[] {
  const problems: string[] = [];
  const state = job.state === 'Faulted' ? job.faultedFrom : job.state;
  if (state === undefined) return ['job is Faulted without the state it left'];
  const own = job.drives.filter((d) => !d.extra);
  if (state === 'Creating' || state === 'Shipping') {
    for (const d of own)
      if (d.state !== 'Specified' && d.state !== 'NeverReceived')
        problems.push(`drive ${d.driveId} is ${d.state} while the job is ${state}`);
    if (job.packageArrivedAt !== undefined) problems.push(`job is ${state} after its package arrived`);
  } else if (isTerminal(state)) {
    for (const d of job.drives)
      if (AT_DATACENTER_DRIVE.includes(d.state) && d.destroyedAt === undefined && d.returnedAt === undefined)
        problems.push(`drive ${d.driveId} is still at the data center (${d.state}) while the job is ${state}`);
  } else {
    const expected = expectedJobState(job);
    if (expected !== state) problems.push(`job is ${state} but its drives call for ${expected}`);
    for (const d of own)
      if (d.state === 'Specified') problems.push(`drive ${d.driveId} is still Specified after the package arrived`);
  }
  if (job.cancelRequested)
    for (const d of job.drives)
      if (d.state === 'Transferring' || d.faultedFrom === 'Transferring')
        problems.push(`drive ${d.driveId} is Transferring although the job was cancelled`);
  for (const d of job.drives)
    if (d.state === 'ShippedBack' && !job.returnPackage)
      problems.push(`drive ${d.driveId} is ShippedBack without a return package`);
  return problems;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "7 Dec 2026" for the service's ship date (a date or a timestamp); the text as it came when it is neither. */
export function dayOf(date: string): string {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? date : `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/**
 * JE3: what a customer whose export drives did not arrive (or arrived damaged) should do, once the
 * job is Completed or Closed: check that the drives were shipped (Get Job), then ask the carrier
 * with the return tracking number; for damaged drives, request another export job or download
 * the missing blobs. undefined while the drives have not been shipped back.
 */
export function returnShipmentAdvice(job: LifecycleJob): { shipped: boolean; steps: string[] } | undefined {
  if (!isTerminal(job.state)) return undefined;
  const p = job.returnPackage;
  if (!p)
    return {
      shipped: false,
      steps: [
        `The drives of job ${job.name} were not shipped back, so there is nothing to ask the carrier about (rule JE3).`,
      ],
    };
  const steps = [
    `The data center shipped ${p.driveCount === 1 ? '1 drive' : `${p.driveCount} drives`} on ${dayOf(p.shipDate)} with ${p.carrierName}, tracking number ${p.trackingNumber} (rule JE3).`,
    `If they have not arrived, ask ${p.carrierName} about tracking number ${p.trackingNumber}.`,
  ];
  if (job.type === 'Export')
    steps.push(
      'If a drive arrived damaged, request another export job for its blobs, or download the missing blobs from the storage account.',
    );
  return { shipped: true, steps };
}

/** A pending deadline in words, for the UI and the tracker ("Deleted on ... unless ..."). */
export interface Upcoming {
  kind: DeadlineKind;
  at: number;
  rule: string;
  text: string;
}

/** What will happen to the job, and when, if nobody acts: its pending deadlines, earliest first. */
export function upcoming(job: LifecycleJob): Upcoming[] {
  if (job.deletedAt !== undefined) return [];
  return pendingDeadlines(job).map(({ kind, at }): Upcoming => {
    switch (kind) {
      case 'creatingExpires':
        return {
          kind,
          at,
          rule: 'J2',
          text: 'The job is deleted unless it is set to Shipping or updated before then (rules J2, J3).',
        };
      case 'shippingOverdue':
        return {
          kind,
          at,
          rule: 'J6',
          text: 'If the package has not arrived by then, the operators are alerted, you are asked what to do, and the drives are marked NeverReceived (rules J6, JE2, D4).',
        };
      case 'shippingUnanswered':
        return job.cancelRequested
          ? {
              kind,
              at,
              rule: 'JE2',
              text: 'If the package still has not arrived, the cancelled job is completed then (rules JE2, J14).',
            }
          : {
              kind,
              at,
              rule: 'JE2',
              text: 'Without your answer (update the delivery package or cancel), the job is closed then (rule JE2).',
            };
      case 'returnHeldDrives':
        return {
          kind,
          at,
          rule: 'JE1',
          text: 'The drives that arrived early are returned unless the job is set to Shipping before then (rule JE1).',
        };
      case 'destroyDrives':
        return job.state === 'Creating'
          ? {
              kind,
              at,
              rule: 'JE1',
              text: 'The held drives, which cannot be returned, are securely destroyed then (rule JE1).',
            }
          : {
              kind,
              at,
              rule: 'JE4',
              text: 'The drives are securely destroyed then unless the return address is corrected (rule JE4).',
            };
      case 'deleteJob':
        return { kind, at, rule: 'J12', text: `The ${job.state} job is deleted automatically then (rule J12).` };
    }
  });
}

// The reducer: createJob, apply, tick. The design (and why it is not XState) is explained in
// index.ts; the tables it is checked against are in tables.ts.

import { createJobInputSchema, lifecycleEventSchema } from './schemas';
import { DRIVE_APPEARANCE, EVENT_LABEL, EVENT_SIDE, driveTransitions, findEdge, jobAccepts, jobTransitions, statesAccepting } from './tables';
import {
  FOURTEEN_DAYS,
  NINETY_DAYS,
  THIRTY_DAYS,
  AT_DATACENTER_DRIVE,
  checkCancel,
  checkDelete,
  checkUpdate,
  expectedJobState,
  hadErrors,
  isTerminal,
  missingForShipping,
  refusal,
  shippingInfoRefusal,
} from './derive';
import type {
  Alert,
  AlertCode,
  Applied,
  ApplyResult,
  CreateJobInput,
  DataCenterEvent,
  DeadlineKind,
  Deadlines,
  DriveState,
  Effect,
  EventType,
  JobState,
  LifecycleDrive,
  LifecycleEvent,
  LifecycleJob,
  Refusal,
} from './types';

/** Thrown by createJob for input that breaks J1/D1/D2 (the service validates with createJobInputSchema first). */
export class LifecycleInputError extends Error {
  constructor(
    message: string,
    readonly refusal: Refusal,
  ) {
    super(message);
    this.name = 'LifecycleInputError';
  }
}

// ---------------------------------------------------------------------------------------------
// The transaction: a clone of the job being changed, the effects collected, and the checks
// against the tables.

class Tx {
  readonly effects: Effect[] = [];
  private readonly deadlinesBefore: Deadlines;

  constructor(
    readonly job: LifecycleJob,
    public at: number,
    public event: EventType,
  ) {
    this.deadlinesBefore = { ...job.deadlines };
  }

  moveJob(to: JobState, reason: string): void {
    const from = this.job.state;
    if (from === to) return;
    if (!findEdge(jobTransitions, from, to, this.event))
      throw new Error(`life cycle bug: job ${from} -> ${to} on ${this.event} is not in the job transition table`);
    this.job.history.push({ at: this.at, subject: 'job', from, to, event: this.event, side: EVENT_SIDE[this.event], reason });
    this.effects.push({ type: 'JobStateChanged', from, to });
    this.job.state = to;
    if (isTerminal(to)) this.finish();
  }

  moveDrive(d: LifecycleDrive, to: DriveState, reason: string): void {
    const from = d.state;
    if (from === to) return;
    if (!findEdge(driveTransitions, from, to, this.event))
      throw new Error(`life cycle bug: drive ${from} -> ${to} on ${this.event} is not in the drive transition table`);
    this.job.history.push({
      at: this.at,
      subject: 'drive',
      driveId: d.driveId,
      from,
      to,
      event: this.event,
      side: EVENT_SIDE[this.event],
      reason,
    });
    this.effects.push({ type: 'DriveStateChanged', driveId: d.driveId, from, to });
    d.state = to;
  }

  addDrive(driveId: string, extra: boolean, reason: string, bytesTotal = 0): LifecycleDrive {
    const state = DRIVE_APPEARANCE[this.event];
    if (!state || !driveTransitions.initial.includes(state))
      throw new Error(`life cycle bug: a drive cannot appear on ${this.event}`);
    const d: LifecycleDrive = {
      driveId,
      state,
      bytesSucceeded: 0,
      bytesTotal,
      extra,
      issues: { errors: 0, warnings: 0, overwrites: 0 },
    };
    this.job.drives.push(d);
    this.job.history.push({
      at: this.at,
      subject: 'drive',
      driveId,
      from: null,
      to: state,
      event: this.event,
      side: EVENT_SIDE[this.event],
      reason,
    });
    this.effects.push({ type: 'DriveStateChanged', driveId, from: null, to: state });
    return d;
  }

  schedule(kind: DeadlineKind, at: number): void {
    this.job.deadlines[kind] = at;
  }

  clear(...kinds: DeadlineKind[]): void {
    for (const k of kinds) delete this.job.deadlines[k];
  }

  alert(code: AlertCode, rule: string, audience: Alert['audience'], message: string, driveId?: string): void {
    const alert: Alert = { code, rule, audience, message, raisedAt: this.at, ...(driveId !== undefined ? { driveId } : {}) };
    this.job.alerts.push(alert);
    this.effects.push({ type: 'RaiseAlert', alert });
  }

  clearAlerts(...codes: AlertCode[]): void {
    for (const a of this.job.alerts) if (codes.includes(a.code) && a.clearedAt === undefined) a.clearedAt = this.at;
  }

  notify(rule: string, message: string): void {
    this.effects.push({ type: 'NotifyCustomer', rule, message });
  }

  /** J7-J9: after a drive changed, move the job to the state its drives call for. */
  settle(reason: string): void {
    const s = this.job.state;
    if (s !== 'Received' && s !== 'Transferring' && s !== 'Packaging') return;
    const expected = expectedJobState(this.job);
    if (expected !== s) this.moveJob(expected, reason);
  }

  /** J10-J12: a finished job is deleted 90 days later; every other timer stops. */
  private finish(): void {
    this.job.finishedAt = this.at;
    // JE5 / DE2: a drive still here (an extra drive of a job that ended without shipping back) goes home.
    for (const d of this.job.drives)
      if (AT_DATACENTER_DRIVE.includes(d.state) && d.destroyedAt === undefined && d.returnedAt === undefined) {
        d.returnedAt = this.at;
        this.effects.push({
          type: 'ReturnDrive',
          driveId: d.driveId,
          rule: 'JE5',
          reason: `Job ${this.job.name} ended; drive ${d.driveId} is returned to the customer.`,
        });
      }
    this.clear('creatingExpires', 'shippingOverdue', 'shippingUnanswered', 'returnHeldDrives', 'destroyDrives');
    this.schedule('deleteJob', this.at + NINETY_DAYS);
  }

  deleteJob(rule: string, reason: string): void {
    this.job.deletedAt = this.at;
    this.job.deletedBecause = { rule, reason };
    for (const k of Object.keys(this.job.deadlines) as DeadlineKind[]) delete this.job.deadlines[k];
    this.effects.push({ type: 'DeleteJob', rule, reason });
  }

  result(now: number): Applied {
    const after = this.job.deadlines;
    const deadlineEffects: Effect[] = [];
    for (const k of Object.keys(this.deadlinesBefore) as DeadlineKind[])
      if (after[k] === undefined) deadlineEffects.push({ type: 'ClearDeadline', kind: k });
    for (const [k, at] of Object.entries(after) as [DeadlineKind, number][])
      if (this.deadlinesBefore[k] !== at) deadlineEffects.push({ type: 'ScheduleDeadline', kind: k, at });
    const effects = [...this.effects, ...deadlineEffects];
    // A tick that fired nothing leaves the job byte-for-byte as it was (nothing to persist).
    if (this.event !== 'Tick' || effects.length) this.job.updatedAt = Math.max(this.job.updatedAt, now);
    return { ok: true, job: this.job, effects };
  }
}

function clone(job: LifecycleJob): LifecycleJob {
  return structuredClone(job);
}

// ---------------------------------------------------------------------------------------------
// createJob (J1, D1, D2, J2)

export function createJob(input: CreateJobInput, now: number): LifecycleJob {
  const parsed = createJobInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (field ${issue.path.join('.')})` : '';
    const message = `The job cannot be created${where}: ${issue?.message ?? 'invalid input'}.`;
    throw new LifecycleInputError(message, refusal('InvalidInput', 'J1', message));
  }
  const inp = parsed.data;
  const job: LifecycleJob = {
    name: inp.name,
    type: inp.type,
    state: 'Creating',
    cancelRequested: false,
    drives: [],
    logLevel: inp.logLevel ?? 'Error',
    ...(inp.deliveryPackage ? { deliveryPackage: inp.deliveryPackage } : {}),
    ...(inp.returnAddress ? { returnAddress: inp.returnAddress } : {}),
    ...(inp.returnShipping ? { returnShipping: inp.returnShipping } : {}),
    alerts: [],
    deadlines: { creatingExpires: now + FOURTEEN_DAYS },
    createdAt: now,
    updatedAt: now,
    history: [
      { at: now, subject: 'job', from: null, to: 'Creating', event: 'Create', side: 'customer', reason: 'Job created (rule J1).' },
    ],
  };
  const tx = new Tx(job, now, 'Create');
  for (const d of inp.drives ?? []) tx.addDrive(d.driveId, false, 'Drive named at creation (rule D1).', d.bytesTotal ?? 0);
  return job;
}

// ---------------------------------------------------------------------------------------------
// tick: fire every due deadline, each at its own time (idempotent: fired deadlines are removed).

export function tick(job: LifecycleJob, now: number): Applied {
  const draft = clone(job);
  const tx = new Tx(draft, now, 'Tick');
  for (let guard = 0; guard < 32 && draft.deletedAt === undefined; guard++) {
    let due: { kind: DeadlineKind; at: number } | undefined;
    for (const [kind, at] of Object.entries(draft.deadlines) as [DeadlineKind, number][])
      if (at <= now && (due === undefined || at < due.at)) due = { kind, at };
    if (!due) break;
    delete draft.deadlines[due.kind];
    tx.at = due.at;
    fire(tx, due.kind);
  }
  tx.at = now;
  return tx.result(now);
}

function fire(tx: Tx, kind: DeadlineKind): void {
  const job = tx.job;
  switch (kind) {
    case 'creatingExpires':
      if (job.state === 'Creating')
        tx.deleteJob('J2', `Job ${job.name} stayed in Creating for 14 days without being set to Shipping, so it was deleted (rule J2).`);
      return;
    case 'shippingOverdue': {
      if (job.state !== 'Shipping' || job.packageArrivedAt !== undefined) return;
      for (const d of job.drives)
        if (!d.extra && d.state === 'Specified')
          tx.moveDrive(d, 'NeverReceived', 'The package had not arrived 14 days after the shipping information was received (rule D4).');
      tx.alert(
        'PackageOverdue',
        'J6',
        'both',
        `Operators notified: the package for job ${job.name} has not been received 14 days after it was set to Shipping (rules J6, JE2).`,
      );
      tx.notify(
        'JE2',
        `The package for job ${job.name} has not arrived after 14 days. Please check with your carrier, then update the delivery package to extend the wait or cancel the job; without an answer within 30 days the job is closed (rule JE2).`,
      );
      tx.schedule('shippingUnanswered', tx.at + THIRTY_DAYS);
      return;
    }
    case 'shippingUnanswered':
      if (job.state !== 'Shipping' || job.packageArrivedAt !== undefined) return;
      if (job.cancelRequested) {
        // J14: the customer had already asked to cancel; nothing arrived, nothing failed.
        tx.clearAlerts('PackageOverdue');
        tx.moveJob('Completed', 'Cancelled, and the package never arrived (rules JE2, J14).');
        return;
      }
      tx.alert(
        'ClosedWithoutAnswer',
        'JE2',
        'both',
        `Job ${job.name} was closed: its package never arrived and there was no answer within 30 days (rule JE2).`,
      );
      tx.moveJob('Closed', 'No answer within 30 days of the overdue-package notice (rule JE2).');
      return;
    case 'returnHeldDrives': {
      if (job.state !== 'Creating' || !job.heldDriveIds?.length) return;
      const ids = job.heldDriveIds;
      if (job.returnAddress) {
        for (const id of ids)
          tx.effects.push({
            type: 'ReturnDrive',
            driveId: id,
            rule: 'JE1',
            reason: `Drive ${id} arrived for job ${job.name} before it was set to Shipping, and the customer did not act within 14 days.`,
          });
        tx.alert('HeldDrivesReturned', 'JE1', 'both', `Drives ${ids.join(', ')} were returned: job ${job.name} was not set to Shipping within 14 days of their arrival (rule JE1).`);
        tx.deleteJob('JE1', `Job ${job.name} was never set to Shipping; its drives were returned (rule JE1).`);
      } else {
        tx.alert(
          'DrivesToBeDestroyed',
          'JE1',
          'operators',
          `Drives ${ids.join(', ')} cannot be returned (no return address) and the customer did not answer; they will be securely destroyed 90 days after they arrived (rule JE1).`,
        );
        tx.schedule('destroyDrives', (job.heldSince ?? tx.at) + NINETY_DAYS);
      }
      return;
    }
    case 'destroyDrives': {
      if (job.state === 'Creating' && job.heldDriveIds?.length) {
        const ids = job.heldDriveIds;
        tx.effects.push({ type: 'DestroyDrives', driveIds: ids, rule: 'JE1', reason: 'Held 90 days; could not be returned and the customer could not be reached.' });
        tx.alert('DrivesDestroyed', 'JE1', 'both', `Drives ${ids.join(', ')} were securely destroyed after 90 days (rule JE1).`);
        tx.deleteJob('JE1', `Job ${job.name} was never set to Shipping; its drives were destroyed (rule JE1).`);
        return;
      }
      if (job.returnAddressProblem === undefined || !['Received', 'Transferring', 'Packaging'].includes(job.state)) return;
      const here = job.drives.filter((d) => AT_DATACENTER_DRIVE.includes(d.state) && d.destroyedAt === undefined);
      for (const d of here) d.destroyedAt = tx.at;
      tx.effects.push({
        type: 'DestroyDrives',
        driveIds: here.map((d) => d.driveId),
        rule: 'JE4',
        reason: 'The return address stayed wrong and the customer could not be reached.',
      });
      tx.alert('DrivesDestroyed', 'JE4', 'both', `The drives of job ${job.name} were securely destroyed: the return address stayed wrong and the customer could not be reached (rule JE4).`);
      tx.moveJob('Closed', 'Drives destroyed: return address wrong and customer unreachable (rule JE4).');
      return;
    }
    case 'deleteJob':
      if (isTerminal(job.state)) tx.deleteJob('J12', `Job ${job.name} was deleted 90 days after it became ${job.state} (rule J12).`);
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// apply

/**
 * Apply one event at time `now`. Due deadlines fire first (as if the clock had ticked), so an event
 * arriving after a restart meets the job as it should be. Never mutates `job`.
 */
export function apply(job: LifecycleJob, event: LifecycleEvent, now: number): ApplyResult {
  const parsed = lifecycleEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? ` (field ${issue.path.join('.')})` : '';
    const type = (event as { type?: unknown } | null)?.type;
    const rule = type === 'SetShipping' ? 'J5' : typeof type === 'string' && type in RULE_OF ? (RULE_OF[type as EventType] ?? 'G1') : 'G1';
    return refusal('InvalidInput', rule, `The request is not valid${path}: ${issue?.message ?? 'unknown event'} (rule ${rule}).`);
  }
  const ev = parsed.data as LifecycleEvent;
  const before = tick(job, now);
  if (ev.type === 'Tick') return before;
  const draft = before.job;
  if (draft.deletedAt !== undefined) {
    const why = draft.deletedBecause ?? { rule: 'A1', reason: `Job ${job.name} was deleted (rule A1).` };
    return refusal('InvalidTransition', why.rule, `Job ${job.name} no longer exists. ${why.reason}`);
  }
  if (!jobAccepts(draft.state, ev.type)) {
    // The rule-specific refusals first, then the generic one built from the table.
    if (ev.type === 'Cancel') return checkCancel(draft) as Refusal;
    if (ev.type === 'Delete') return checkDelete(draft) as Refusal;
    if (ev.type === 'UpdateProperties') return checkUpdate(draft) as Refusal;
    return notNow(draft, ev.type);
  }
  const tx = new Tx(draft, now, ev.type);
  const res = handle(tx, ev);
  if (res) return res;
  const done = tx.result(now);
  return { ok: true, job: done.job, effects: [...before.effects, ...done.effects] };
}

function notNow(job: LifecycleJob, type: EventType): Refusal {
  const states = statesAccepting(type);
  const rule = ruleOf(type);
  return refusal(
    'InvalidTransition',
    rule,
    `"${EVENT_LABEL[type]}" is not possible for job ${job.name} while it is ${job.state}; it is possible only while the job is ${states.join(', ') || 'never'} (rule ${rule}).`,
  );
}

/** The rule quoted when an event does not fit the job's state. */
const RULE_OF: Partial<Record<EventType, string>> = {
  SetShipping: 'J4',
  UpdateProperties: 'J12',
  PackageArrived: 'D3',
  DriveMissing: 'D4',
  ExtraDriveFound: 'JE5',
  DriveProcessingStarted: 'D5',
  BytesProgressed: 'D5',
  DriveFinished: 'D6',
  DriveFaulted: 'F1',
  DriveResolved: 'F2',
  JobFaulted: 'F1',
  JobResolved: 'F2',
  ReturnAddressWrong: 'JE4',
  ReturnAddressCorrected: 'JE4',
  CustomerUnreachable: 'F1',
  DrivesShippedBack: 'D8',
};

function ruleOf(type: EventType): string {
  return RULE_OF[type] ?? jobTransitions.edges.find((x) => x.event === type)?.rules[0] ?? 'G1';
}

function driveOf(job: LifecycleJob, driveId: string): LifecycleDrive | Refusal {
  const d = job.drives.find((x) => x.driveId === driveId);
  if (d) return d;
  const known = job.drives.map((x) => x.driveId).join(', ') || 'none yet';
  return refusal('UnknownDrive', 'G3', `Drive ${driveId} is not part of job ${job.name} (its drives: ${known}) (rule G3).`);
}

/** The drive table accepts this move; otherwise a refusal naming the drive's state. */
function driveMove(d: LifecycleDrive, to: DriveState, event: EventType, rule: string): Refusal | undefined {
  if (findEdge(driveTransitions, d.state, to, event)) return undefined;
  const froms = driveTransitions.edges.filter((e) => e.to === to && e.event === event).map((e) => e.from);
  return refusal(
    'InvalidTransition',
    rule,
    `Drive ${d.driveId} is ${d.state}; "${EVENT_LABEL[event]}" needs it to be ${[...new Set(froms)].join(' or ')} (rule ${rule}).`,
  );
}

function handle(tx: Tx, ev: LifecycleEvent): Refusal | undefined {
  switch (ev.type) {
    case 'UpdateProperties':
      return updateProperties(tx, ev);
    case 'SetShipping':
      return setShipping(tx, ev);
    case 'Cancel':
      return cancel(tx);
    case 'Delete':
      return del(tx);
    case 'Tick':
      return undefined;
    default:
      return dataCenter(tx, ev);
  }
}

function mergeProps(job: LifecycleJob, ev: Extract<LifecycleEvent, { type: 'UpdateProperties' | 'SetShipping' }>): void {
  if (ev.deliveryPackage) job.deliveryPackage = { ...ev.deliveryPackage };
  if (ev.returnAddress) job.returnAddress = { ...ev.returnAddress };
  if (ev.returnShipping) job.returnShipping = { ...ev.returnShipping };
  if (ev.type === 'UpdateProperties' && ev.logLevel) job.logLevel = ev.logLevel;
}

/** JE2: the customer answered the overdue-package notice by updating; wait another 14 days. */
function extendWait(tx: Tx): void {
  const job = tx.job;
  if (job.state !== 'Shipping' || job.packageArrivedAt !== undefined) return;
  tx.clear('shippingUnanswered');
  tx.clearAlerts('PackageOverdue');
  tx.schedule('shippingOverdue', tx.at + FOURTEEN_DAYS);
}

function updateProperties(tx: Tx, ev: Extract<LifecycleEvent, { type: 'UpdateProperties' }>): Refusal | undefined {
  const job = tx.job;
  if (ev.deliveryPackage && job.state !== 'Creating' && job.state !== 'Shipping' && job.state !== 'Faulted')
    return refusal(
      'UpdateNotAllowed',
      'J4',
      `The delivery package of job ${job.name} can be changed only before the package arrives; the job is ${job.state} now (rule J4).`,
    );
  if (ev.deliveryPackage && job.packageArrivedAt !== undefined)
    return refusal('UpdateNotAllowed', 'J4', `The package of job ${job.name} has already arrived; its delivery package can no longer be changed (rule J4).`);
  mergeProps(job, ev);
  if (job.state === 'Creating' && !job.heldDriveIds?.length) tx.schedule('creatingExpires', tx.at + FOURTEEN_DAYS); // J3
  if (job.state === 'Shipping' && ev.deliveryPackage) extendWait(tx); // JE2
  if (ev.returnAddress && job.returnAddressProblem !== undefined) correctReturnAddress(tx); // JE4
  return undefined;
}

function setShipping(tx: Tx, ev: Extract<LifecycleEvent, { type: 'SetShipping' }>): Refusal | undefined {
  const job = tx.job;
  const merged = { deliveryPackage: ev.deliveryPackage ?? job.deliveryPackage, returnAddress: ev.returnAddress ?? job.returnAddress };
  const missing = missingForShipping(merged);
  if (missing.length) return shippingInfoRefusal(missing); // J5, before anything changes
  if (job.state === 'Shipping') {
    mergeProps(job, ev);
    extendWait(tx); // JE2: "the wait is extended"
    return undefined;
  }
  mergeProps(job, ev);
  job.shippingAt = tx.at;
  tx.clear('creatingExpires', 'returnHeldDrives', 'destroyDrives');
  tx.moveJob('Shipping', 'The customer shipped the package (rules J4, J5).');
  const held = job.heldDriveIds;
  if (held?.length) {
    // JE1: the drives are already here; now that the job is Shipping they can be processed.
    delete job.heldDriveIds;
    delete job.heldSince;
    tx.clearAlerts('DrivesArrivedBeforeShipping', 'DrivesToBeDestroyed');
    receivePackage(tx, held, 'The drives that arrived early were processed once the job was Shipping (rule JE1).');
  } else {
    tx.schedule('shippingOverdue', tx.at + FOURTEEN_DAYS); // J6
  }
  return undefined;
}

function cancel(tx: Tx): Refusal | undefined {
  const job = tx.job;
  const allowedNow = checkCancel(job);
  if (!allowedNow.ok) return allowedNow;
  if (job.cancelRequested) return undefined; // asking twice is harmless
  job.cancelRequested = true;
  job.cancelRequestedAt = tx.at;
  if (job.state === 'Creating') {
    for (const id of job.heldDriveIds ?? [])
      tx.effects.push({ type: 'ReturnDrive', driveId: id, rule: 'J14', reason: `Job ${job.name} was cancelled before it was set to Shipping.` });
    delete job.heldDriveIds;
    delete job.heldSince;
    tx.clearAlerts('DrivesArrivedBeforeShipping', 'DrivesToBeDestroyed');
    tx.moveJob('Completed', 'Cancelled before anything was shipped (rule J14).');
  } else if (job.deadlines.shippingUnanswered !== undefined) {
    // JE2: this is the customer's answer to "your package has not arrived": cancel the job.
    tx.clearAlerts('PackageOverdue');
    tx.moveJob('Completed', 'Cancelled in answer to the overdue-package notice (rules JE2, J14).');
  }
  return undefined;
}

function del(tx: Tx): Refusal | undefined {
  const job = tx.job;
  const allowedNow = checkDelete(job);
  if (!allowedNow.ok) return allowedNow;
  for (const id of job.heldDriveIds ?? [])
    tx.effects.push({ type: 'ReturnDrive', driveId: id, rule: 'JE1', reason: `Job ${job.name} was deleted while the data center held its drives.` });
  tx.deleteJob('A1', `Job ${job.name} was deleted by the customer (rule A1).`);
  return undefined;
}

function correctReturnAddress(tx: Tx): void {
  delete tx.job.returnAddressProblem;
  tx.clear('destroyDrives');
  tx.clearAlerts('ReturnAddressWrong', 'DrivesToBeDestroyed', 'CustomerUnreachable');
}

/** D3, D4, DE1, JE5, DE2, D2: the drives in a package that reached the data center. */
function receivePackage(tx: Tx, driveIds: string[], reason: string): void {
  const job = tx.job;
  const first = job.packageArrivedAt === undefined;
  for (const id of driveIds) {
    const d = job.drives.find((x) => x.driveId === id);
    if (!d) {
      if (job.type === 'Export') {
        tx.addDrive(id, false, 'Export drive recorded on arrival (rule D2).');
      } else {
        tx.addDrive(id, true, 'Not in the job\'s drive list: an extra drive, returned with the job (rules JE5, DE2).');
        tx.alert('ExtraDriveFound', 'JE5', 'both', `Drive ${id} arrived with job ${job.name} but is not in its drive list; it will not be processed and is returned when the job completes (rule JE5).`, id);
      }
    } else if (d.state === 'Specified' || d.state === 'NeverReceived') {
      tx.moveDrive(d, 'Received', d.state === 'NeverReceived' ? 'Arrived in a later shipment (rule DE1).' : reason);
      tx.clearAlerts('DriveMissingFromPackage');
    }
  }
  if (first) {
    for (const d of job.drives)
      if (!d.extra && d.state === 'Specified') {
        tx.moveDrive(d, 'NeverReceived', 'The package arrived without this drive (rule D4).');
        tx.alert('DriveMissingFromPackage', 'D4', 'both', `Drive ${d.driveId} was not in the package of job ${job.name} (rule D4).`, d.driveId);
      }
    job.packageArrivedAt = tx.at;
    tx.clear('shippingOverdue', 'shippingUnanswered');
    tx.clearAlerts('PackageOverdue');
    if (job.state === 'Shipping') tx.moveJob('Received', 'All drives of the package are at the data center (rule J7).');
  }
  tx.settle(job.cancelRequested ? 'The job was cancelled, so the copy is skipped (rule J14).' : 'Drive states changed (rules J7-J9).');
}

function dataCenter(tx: Tx, ev: DataCenterEvent): Refusal | undefined {
  const job = tx.job;
  switch (ev.type) {
    case 'PackageArrived': {
      if (job.state === 'Creating') {
        // JE1: not Shipping yet. Hold the drives, ask the customer, return them after 14 days.
        const held = [...(job.heldDriveIds ?? [])];
        for (const id of ev.driveIds) if (!held.includes(id)) held.push(id);
        job.heldDriveIds = held;
        if (job.heldSince === undefined) {
          job.heldSince = tx.at;
          tx.clear('creatingExpires');
          tx.schedule('returnHeldDrives', tx.at + FOURTEEN_DAYS);
          tx.alert('DrivesArrivedBeforeShipping', 'JE1', 'both', `Drives arrived for job ${job.name}, which is not Shipping yet. Set the job to Shipping within 14 days or the drives are returned (rule JE1).`);
          tx.notify('JE1', `Drives for job ${job.name} arrived at the data center, but the job is still Creating. Add the delivery package and return address and set it to Shipping within 14 days; otherwise the drives are returned (rule JE1).`);
        }
        return undefined;
      }
      const late = ev.driveIds.filter((id) => {
        const d = job.drives.find((x) => x.driveId === id);
        return d && d.state !== 'Specified' && d.state !== 'NeverReceived';
      });
      if (late.length)
        return refusal('InvalidInput', 'D3', `Drive ${late.join(', ')} of job ${job.name} was already received (rule D3).`);
      receivePackage(tx, ev.driveIds, 'Received from the carrier (rule D3).');
      return undefined;
    }
    case 'DriveMissing': {
      const d = driveOf(job, ev.driveId);
      if ('ok' in d) return d;
      if (d.extra) return refusal('InvalidInput', 'D4', `Drive ${d.driveId} is an extra drive, not one the job is waiting for (rule D4).`);
      const bad = driveMove(d, 'NeverReceived', 'DriveMissing', 'D4');
      if (bad) return bad;
      tx.moveDrive(d, 'NeverReceived', 'Missing from the package (rule D4).');
      tx.alert('DriveMissingFromPackage', 'D4', 'both', `Drive ${d.driveId} was not in the package of job ${job.name} (rule D4).`, d.driveId);
      return undefined;
    }
    case 'ExtraDriveFound': {
      if (job.drives.some((x) => x.driveId === ev.driveId))
        return refusal('InvalidInput', 'JE5', `Drive ${ev.driveId} is already part of job ${job.name}, so it is not an extra drive (rule JE5).`);
      tx.addDrive(ev.driveId, true, 'Not in the job\'s drive list: an extra drive, returned with the job (rules JE5, DE2).');
      tx.alert('ExtraDriveFound', 'JE5', 'both', `Drive ${ev.driveId} arrived with job ${job.name} but is not in its drive list; it will not be processed and is returned when the job completes (rules JE5, DE2).`, ev.driveId);
      return undefined;
    }
    case 'DriveProcessingStarted': {
      const d = driveOf(job, ev.driveId);
      if ('ok' in d) return d;
      if (d.extra) return refusal('InvalidTransition', 'JE5', `Drive ${d.driveId} is an extra drive; it is not processed, only returned (rule JE5).`);
      if (job.cancelRequested) return refusal('JobCancelled', 'J14', `Job ${job.name} was cancelled, so its drives are not copied (rule J14).`);
      const bad = driveMove(d, 'Transferring', 'DriveProcessingStarted', 'D5');
      if (bad) return bad;
      if (ev.bytesTotal !== undefined) d.bytesTotal = ev.bytesTotal;
      d.bytesSucceeded = 0;
      tx.moveDrive(d, 'Transferring', 'The copy between the drive and storage began (rule D5).');
      tx.settle('A drive began processing (rule J8).');
      return undefined;
    }
    case 'BytesProgressed': {
      const d = driveOf(job, ev.driveId);
      if ('ok' in d) return d;
      if (d.state !== 'Transferring') return driveMove(d, 'Transferring', 'BytesProgressed', 'G2');
      const total = ev.bytesTotal ?? d.bytesTotal;
      if (total > 0 && ev.bytesSucceeded > total)
        return refusal('InvalidInput', 'G2', `Drive ${d.driveId}: ${ev.bytesSucceeded} bytes copied is more than its ${total} bytes (rule G2).`);
      d.bytesTotal = total;
      d.bytesSucceeded = ev.bytesSucceeded;
      return undefined;
    }
    case 'DriveFinished': {
      const d = driveOf(job, ev.driveId);
      if ('ok' in d) return d;
      const clean = ev.issues.errors === 0 && ev.issues.warnings === 0 && ev.issues.overwrites === 0;
      const to: DriveState = clean ? 'Completed' : 'CompletedMoreInfo';
      const bad = driveMove(d, to, 'DriveFinished', clean ? 'D6' : 'D7');
      if (bad) return bad;
      d.issues = { ...ev.issues };
      if (ev.bytesSucceeded !== undefined) d.bytesSucceeded = ev.bytesSucceeded;
      else if (ev.issues.errors === 0) d.bytesSucceeded = d.bytesTotal;
      if (ev.copyStatus !== undefined) d.copyStatus = ev.copyStatus;
      if (ev.errorLogUri !== undefined) d.errorLogUri = ev.errorLogUri; // G4
      if (ev.verboseLogUri !== undefined && job.logLevel === 'Verbose') d.verboseLogUri = ev.verboseLogUri; // G4
      tx.moveDrive(
        d,
        to,
        clean
          ? 'All data was transferred with no errors (rule D6).'
          : `The copy met issues: ${ev.issues.errors} errors, ${ev.issues.warnings} warnings, ${ev.issues.overwrites} overwritten blobs (rule D7).`,
      );
      tx.settle('All drives completed processing (rule J9).');
      return undefined;
    }
    case 'DriveFaulted': {
      const d = driveOf(job, ev.driveId);
      if ('ok' in d) return d;
      const bad = driveMove(d, 'Faulted', 'DriveFaulted', 'F1');
      if (bad) return bad;
      d.faultedFrom = d.state;
      d.faultReason = ev.reason;
      tx.moveDrive(d, 'Faulted', `${ev.reason} (rule F1).`);
      tx.alert('DriveFaulted', 'F1', 'both', `Drive ${d.driveId} of job ${job.name} is Faulted: ${ev.reason}. The operators will contact you by email or phone (rule F1).`, d.driveId);
      return undefined;
    }
    case 'DriveResolved': {
      const d = driveOf(job, ev.driveId);
      if ('ok' in d) return d;
      if (d.state !== 'Faulted') return refusal('InvalidTransition', 'F2', `Drive ${d.driveId} is ${d.state}, not Faulted, so there is nothing to resolve (rule F2).`);
      const from = d.faultedFrom ?? 'Received';
      const to = ev.state ?? from;
      // JE5: an extra drive is never processed, so it can only go back to Received.
      const fits = d.extra
        ? ['Received']
        : from === 'Received'
          ? ['Received', 'Transferring', 'Completed', 'CompletedMoreInfo']
          : ['Transferring', 'Completed', 'CompletedMoreInfo'];
      if (!fits.includes(to) || driveMove(d, to, 'DriveResolved', 'F2'))
        return refusal('InvalidInput', 'F2', `Drive ${d.driveId} was ${from} when it faulted; it can leave Faulted for ${fits.join(', ')}, not ${to} (rule F2).`);
      if (job.cancelRequested && to !== 'Received')
        return refusal('JobCancelled', 'J14', `Job ${job.name} was cancelled, so drive ${d.driveId} goes back to Received, not ${to} (rule J14).`);
      delete d.faultedFrom;
      delete d.faultReason;
      tx.moveDrive(d, to, 'The fault was resolved (rule F2).');
      if (!job.drives.some((x) => x.state === 'Faulted')) tx.clearAlerts('DriveFaulted');
      tx.settle('A drive fault was resolved (rule F2).');
      return undefined;
    }
    case 'JobFaulted': {
      job.faultedFrom = job.state;
      job.faultReason = ev.reason;
      tx.clear('creatingExpires', 'shippingOverdue', 'shippingUnanswered', 'returnHeldDrives', 'destroyDrives');
      tx.moveJob('Faulted', `${ev.reason} (rule F1).`);
      tx.alert('JobFaulted', 'F1', 'both', `Job ${job.name} is Faulted: ${ev.reason}. The operators will contact you by email or phone (rule F1).`);
      return undefined;
    }
    case 'JobResolved': {
      // The appropriate state: where the job was, or what its drives call for now (F2).
      const target = expectedJobState(job);
      if (ev.state !== undefined && ev.state !== target)
        return refusal('InvalidInput', 'F2', `Job ${job.name} can leave Faulted only for ${target}, the state its drives call for, not ${ev.state} (rule F2).`);
      delete job.faultedFrom;
      delete job.faultReason;
      tx.moveJob(target, 'The fault was resolved (rule F2).');
      tx.clearAlerts('JobFaulted');
      rearm(tx);
      return undefined;
    }
    case 'ReturnAddressWrong': {
      job.returnAddressProblem = ev.reason;
      tx.alert('ReturnAddressWrong', 'JE4', 'both', `The return address of job ${job.name} is wrong or missing (${ev.reason}). Please send the correct address; the operators will contact you (rule JE4).`);
      tx.notify('JE4', `The return address of job ${job.name} is wrong or missing (${ev.reason}). Please update it so your drives can be shipped back (rule JE4).`);
      return undefined;
    }
    case 'ReturnAddressCorrected': {
      if (job.returnAddressProblem === undefined)
        return refusal('InvalidTransition', 'JE4', `The return address of job ${job.name} was not reported wrong (rule JE4).`);
      if (ev.returnAddress) job.returnAddress = { ...ev.returnAddress };
      correctReturnAddress(tx);
      return undefined;
    }
    case 'CustomerUnreachable': {
      job.customerUnreachableAt = tx.at;
      if (job.returnAddressProblem !== undefined && job.deadlines.destroyDrives === undefined) {
        tx.schedule('destroyDrives', tx.at + NINETY_DAYS);
        tx.alert('DrivesToBeDestroyed', 'JE4', 'both', `The customer of job ${job.name} cannot be reached and the return address is wrong; the drives will be securely destroyed in 90 days unless the address is corrected (rule JE4).`);
      } else {
        tx.alert('CustomerUnreachable', job.state === 'Creating' ? 'JE1' : job.state === 'Shipping' ? 'JE2' : 'F1', 'operators', `The operators could not reach the customer of job ${job.name}.`);
      }
      return undefined;
    }
    case 'DrivesShippedBack': {
      if (job.returnAddressProblem !== undefined)
        return refusal('ReturnAddressInvalid', 'JE4', `The drives of job ${job.name} cannot be shipped back: the return address is wrong (${job.returnAddressProblem}). Correct the return address first (rule JE4).`);
      const faulted = job.drives.filter((d) => d.state === 'Faulted');
      if (faulted.length)
        return refusal('InvalidTransition', 'F2', `Drive ${faulted.map((d) => d.driveId).join(', ')} of job ${job.name} is Faulted; resolve it before shipping the drives back (rule F2).`);
      const here = job.drives.filter((d) => AT_DATACENTER_DRIVE.includes(d.state) && d.destroyedAt === undefined && d.returnedAt === undefined);
      const ended = hadErrors(job) ? 'Closed' : 'Completed';
      job.returnPackage = {
        carrierName: ev.returnPackage.carrierName,
        trackingNumber: ev.returnPackage.trackingNumber,
        driveCount: here.length,
        shipDate: ev.returnPackage.shipDate ?? new Date(tx.at).toISOString(),
      };
      for (const d of here) {
        d.returnedAt = tx.at;
        tx.moveDrive(d, 'ShippedBack', `Shipped back with ${ev.returnPackage.carrierName} ${ev.returnPackage.trackingNumber} (rule D8).`);
      }
      tx.moveJob(ended, ended === 'Completed' ? 'All drives shipped back; the job had no errors (rule J10).' : 'All drives shipped back; there were errors (rule J11).');
      return undefined;
    }
  }
}

/** F2: after a fault is resolved, the timers of the state the job is back in run again. */
function rearm(tx: Tx): void {
  const job = tx.job;
  if (job.state === 'Creating') {
    if (job.heldDriveIds?.length) tx.schedule('returnHeldDrives', tx.at + FOURTEEN_DAYS);
    else tx.schedule('creatingExpires', tx.at + FOURTEEN_DAYS);
  }
  if (job.state === 'Shipping' && job.packageArrivedAt === undefined) tx.schedule('shippingOverdue', tx.at + FOURTEEN_DAYS);
  if (job.returnAddressProblem !== undefined && job.customerUnreachableAt !== undefined)
    tx.schedule('destroyDrives', tx.at + NINETY_DAYS);
}

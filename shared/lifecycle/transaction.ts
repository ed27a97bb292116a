// The change being made to one job by one event: a draft of the job, the effects collected, and
// every state change checked against the transition tables (an unlisted change is a bug and throws).
import { DRIVE_APPEARANCE, EVENT_LABEL, EVENT_SIDE, driveTransitions, findEdge, jobTransitions } from './tables';
import { NINETY_DAYS, AT_DATACENTER_DRIVE, expectedJobState, isTerminal, refusal } from './derive';
import type {
  Alert,
  AlertCode,
  Applied,
  DeadlineKind,
  Deadlines,
  DriveState,
  Effect,
  EventType,
  JobState,
  LifecycleDrive,
  LifecycleJob,
  Refusal,
} from './types';

export class Tx {
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
    this.job.history.push({
      at: this.at,
      subject: 'job',
      from,
      to,
      event: this.event,
      side: EVENT_SIDE[this.event],
      reason,
    });
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
    const alert: Alert = {
      code,
      rule,
      audience,
      message,
      raisedAt: this.at,
      ...(driveId !== undefined ? { driveId } : {}),
    };
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

/** The job's drive with this id, or a refusal naming the drives it has (G3). */
export function driveOf(job: LifecycleJob, driveId: string): LifecycleDrive | Refusal {
  const d = job.drives.find((x) => x.driveId === driveId);
  if (d) return d;
  const known = job.drives.map((x) => x.driveId).join(', ') || 'none yet';
  return refusal(
    'UnknownDrive',
    'G3',
    `Drive ${driveId} is not part of job ${job.name} (its drives: ${known}) (rule G3).`,
  );
}

/** The drive table accepts this move; otherwise a refusal naming the drive's state. */
export function driveMove(d: LifecycleDrive, to: DriveState, event: EventType, rule: string): Refusal | undefined {
  if (findEdge(driveTransitions, d.state, to, event)) return undefined;
  const froms = driveTransitions.edges.filter((e) => e.to === to && e.event === event).map((e) => e.from);
  return refusal(
    'InvalidTransition',
    rule,
    `Drive ${d.driveId} is ${d.state}; "${EVENT_LABEL[event]}" needs it to be ${[...new Set(froms)].join(' or ')} (rule ${rule}).`,
  );
}

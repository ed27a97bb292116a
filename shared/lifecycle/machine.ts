// The reducer: createJob, apply, tick. The rules it implements and the design are in
// docs/lifecycle.md; what may follow what is in tables.ts, and each event's handler in customer.ts,
// datacenter.ts and timers.ts.
import { createJobInputSchema, lifecycleEventSchema } from './schemas';
import { EVENT_LABEL, jobAccepts, jobTransitions, statesAccepting } from './tables';
import { FOURTEEN_DAYS, checkCancel, checkDelete, checkUpdate, refusal } from './derive';
import { cancel, del, setShipping, updateProperties } from './customer';
import { dataCenter } from './datacenter';
import { DEADLINE_HANDLERS } from './timers';
import { Tx } from './transaction';
import { issuePath } from '../validation';
import type {
  Applied,
  ApplyResult,
  CreateJobInput,
  DeadlineKind,
  EventType,
  LifecycleEvent,
  LifecycleJob,
  Refusal,
} from './types';
import { clause } from '../text';
import { HaulError } from '../errors';

/** Thrown by createJob for input that breaks J1/D1/D2 (the service validates with createJobInputSchema first). */
export class LifecycleInputError extends HaulError {
  constructor(
    message: string,
    readonly refusal: Refusal,
  ) {
    super(refusal.code, message);
    this.name = 'LifecycleInputError';
  }
}

// ---------------------------------------------------------------------------------------------
// createJob (J1, D1, D2, J2)

export function createJob(input: CreateJobInput, now: number): LifecycleJob {
  const parsed = createJobInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (field ${issuePath(issue.path)})` : '';
    const message = `The job cannot be created${where}: ${clause(issue?.message ?? 'invalid input')}.`;
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
      {
        at: now,
        subject: 'job',
        from: null,
        to: 'Creating',
        event: 'Create',
        side: 'customer',
        reason: 'Job created (rule J1).',
      },
    ],
  };
  const tx = new Tx(job, now, 'Create');
  for (const d of inp.drives ?? [])
    tx.addDrive(d.driveId, false, 'Drive named at creation (rule D1).', d.bytesTotal ?? 0);
  return job;
}

// ---------------------------------------------------------------------------------------------
// tick: fire every due deadline, each at its own time (idempotent: fired deadlines are removed).

export function tick(job: LifecycleJob, now: number): Applied {
  const draft = structuredClone(job);
  const tx = new Tx(draft, now, 'Tick');
  for (let guard = 0; guard < 32 && draft.deletedAt === undefined; guard++) {
    let due: { kind: DeadlineKind; at: number } | undefined;
    for (const [kind, at] of Object.entries(draft.deadlines) as [DeadlineKind, number][])
      if (at <= now && (due === undefined || at < due.at)) due = { kind, at };
    if (!due) break;
    delete draft.deadlines[due.kind];
    tx.at = due.at;
    DEADLINE_HANDLERS[due.kind](tx);
  }
  tx.at = now;
  return tx.result(now);
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
    const path = issue?.path.length ? ` (field ${issuePath(issue.path)})` : '';
    const type = (event as { type?: unknown } | null)?.type;
    const rule =
      type === 'SetShipping'
        ? 'J5'
        : typeof type === 'string' && type in RULE_OF
          ? (RULE_OF[type as EventType] ?? 'G1')
          : 'G1';
    return refusal(
      'InvalidInput',
      rule,
      `The request is not valid${path}: ${issue?.message ?? 'unknown event'} (rule ${rule}).`,
    );
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

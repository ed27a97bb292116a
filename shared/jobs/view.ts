// ARM -> view: from a Get Job answer (all the app ever gets from the service) and the job record of
// what Haul observed, the JobView that screens and tracker share. Permissions, refusal sentences
// and deadline wording come from shared/lifecycle (its tables and checks, never a copy): the Get
// Job answer is turned into the life cycle's job shape as far as it goes, and asked.
import {
  askAboutThePackage,
  CANCEL_SKIPS_COPY,
  DAY,
  DRIVE_STATES,
  FOURTEEN_DAYS,
  JOB_STATES,
  NINETY_DAYS,
  allowed,
  checkSetShipping,
  returnShipmentAdvice,
  upcoming,
  type DeadlineKind,
  type DriveState,
  type JobState,
  type LifecycleDrive,
  type LifecycleJob,
  type Permission,
} from '../lifecycle';
import { shippingInformationOf, type ArmJob, type ArmLocation, type ShippingInformation } from '../arm/schemas';
import {
  NOTIFY_TAG,
  type ActionPermission,
  type AddressView,
  type Deadline,
  type DriveView,
  type DriveViewState,
  type JobAlert,
  type JobRecord,
  type JobView,
  type JobViewState,
  type LocationView,
  type NextStep,
  type ObservedState,
  type TimelineEntry,
} from './schemas';
import { driveVerdict, jobVerdict } from './verdict';

export interface ViewExtras {
  /** The job's location as locations.list answered (its supported carriers); the job's own shippingInformation wins for the address. */
  location?: ArmLocation;
  /** Why a drive's error log could not be read, by drive id (its verdict waits for the log). */
  logErrors?: Record<string, string>;
}

/** The life cycle's state for what the service wrote (case-insensitive; `Unknown` for anything else). */
export function normalizeJobState(s: string | undefined): JobViewState {
  const k = (s ?? '').replace(/\s+/g, '').toLowerCase();
  return JOB_STATES.find((x) => x.toLowerCase() === k) ?? 'Unknown';
}
export function normalizeDriveState(s: string | undefined): DriveViewState {
  const k = (s ?? '').replace(/\s+/g, '').toLowerCase();
  return DRIVE_STATES.find((x) => x.toLowerCase() === k) ?? 'Unknown';
}

const ms = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};
const isoOf = (t: number) => new Date(t).toISOString();
/** "1 Dec 2026 19:20 UTC" */
export function formatTime(t: number): string {
  const d = new Date(t);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()} ${hh}:${mm} UTC`;
}

function permission(p: Permission): ActionPermission {
  return p.ok ? { allowed: true } : { allowed: false, reason: p.message, rule: p.rule, code: p.code };
}

function jobType(t: string | undefined): 'Import' | 'Export' {
  return t?.toLowerCase() === 'export' ? 'Export' : 'Import';
}

/**
 * The Get Job answer in the life cycle's shape, as far as Get Job tells: state, cancel request,
 * drives, delivery package, return address and shipping, return package. What the service keeps
 * to itself (alerts, deadlines, history, issue counts) is empty; the checks asked of it here
 * (allowed, checkSetShipping, upcoming, returnShipmentAdvice) do not read those.
 */
function asLifecycle(job: ArmJob, state: JobState, createdAt: number, updatedAt: number): LifecycleJob {
  const p = job.properties;
  const drives: LifecycleDrive[] = (p.driveList ?? []).map((d) => {
    const s = normalizeDriveState(d.state);
    return {
      driveId: d.driveId,
      state: s === 'Unknown' ? 'Received' : s,
      bytesSucceeded: d.bytesSucceeded ?? 0,
      bytesTotal: 0,
      extra: false,
      issues: { errors: 0, warnings: 0, overwrites: 0 },
    };
  });
  return {
    name: job.name,
    type: jobType(p.jobType),
    state,
    cancelRequested: p.cancelRequested ?? false,
    drives,
    logLevel: p.logLevel?.toLowerCase() === 'verbose' ? 'Verbose' : 'Error',
    ...(p.deliveryPackage ? { deliveryPackage: p.deliveryPackage } : {}),
    ...(p.returnAddress ? { returnAddress: p.returnAddress } : {}),
    ...(p.returnShipping ? { returnShipping: p.returnShipping } : {}),
    ...(p.returnPackage ? { returnPackage: p.returnPackage } : {}),
    alerts: [],
    deadlines: {},
    createdAt,
    updatedAt,
    history: [],
  };
}

/** The last time the series entered `states` (the latest entry into one of them). */
function enteredAt(series: ObservedState[] | undefined, states: readonly string[]): ObservedState | undefined {
  if (!series) return undefined;
  for (let i = series.length - 1; i >= 0; i--) {
    const e = series[i];
    if (e && states.includes(e.state)) {
      // Walk back over consecutive entries of the same group (e.g. Completed after Closed never happens, but be safe).
      return e;
    }
  }
  return undefined;
}

function unknownStateRefusal(job: ArmJob): ActionPermission {
  return {
    allowed: false,
    reason: `The service reports job ${job.name} in state "${job.properties.state ?? '(none)'}", which this version of Haul does not know, so it cannot tell what is allowed now. Update Haul, or use the Azure portal for this job.`,
    rule: 'G1',
    code: 'UnknownState',
  };
}

const SHIP_PLACEHOLDER = { carrierName: 'the carrier you enter', trackingNumber: 'the tracking number you enter' };

/**
 * Whether the Ship form, with these values, can set the job to Shipping (J4, J5; J14 when it was
 * cancelled). The form's submit button uses this; `view.actions.ship` is the same question with a
 * delivery package assumed (so it is refused with J5 only for a missing return address).
 */
export function shipPermission(
  view: JobView,
  form: { carrierName?: string; trackingNumber?: string },
): ActionPermission {
  if (view.state === 'Unknown') return view.actions.ship;
  const lc = viewAsLifecycle(view);
  return permission(
    checkSetShipping({
      ...lc,
      deliveryPackage: { carrierName: form.carrierName ?? '', trackingNumber: form.trackingNumber ?? '' },
    }),
  );
}

function viewAsLifecycle(view: JobView): LifecycleJob {
  return {
    name: view.name,
    type: view.type,
    state: view.state as JobState,
    cancelRequested: view.cancelRequested,
    drives: [],
    logLevel: view.logLevel,
    ...(view.deliveryPackage ? { deliveryPackage: view.deliveryPackage } : {}),
    ...(view.returnAddress ? { returnAddress: view.returnAddress } : {}),
    alerts: [],
    deadlines: {},
    createdAt: 0,
    updatedAt: 0,
    history: [],
  };
}

function timelineOf(record: JobRecord | undefined): TimelineEntry[] {
  if (!record) return [];
  const out: TimelineEntry[] = [];
  let prev: string | null = null;
  for (const s of record.states) {
    out.push({ at: s.at, subject: 'job', state: s.state, from: prev, via: s.via });
    prev = s.state;
  }
  for (const [driveId, d] of Object.entries(record.drives)) {
    let p: string | null = null;
    for (const s of d.states) {
      out.push({ at: s.at, subject: 'drive', driveId, state: s.state, from: p, via: s.via });
      p = s.state;
    }
  }
  // Stable: job entries before drive entries at the same time (the job's state explains the drives').
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (ms(a.e.at) ?? 0) - (ms(b.e.at) ?? 0) || a.i - b.i)
    .map(({ e }) => e);
}

/** Where a job's drives go: the job's shipping information when it has any, else its location's address. */
function locationView(job: ArmJob, loc: ArmLocation | undefined): LocationView {
  const si = job.properties.shippingInformation;
  const fromJob = si && Object.values(si).some((v) => v !== undefined && v !== '');
  const place = dataCenterView(loc ?? { name: '' });
  return { ...place, name: job.location ?? loc?.name ?? '', ...(fromJob ? { address: addressView(si) } : {}) };
}

/** A data center as the wizard and a job show it: its name, id, address and carriers. */
export function dataCenterView(loc: ArmLocation): LocationView {
  const p = loc.properties;
  const address = p ? addressView(shippingInformationOf(p)) : undefined;
  return {
    name: loc.name,
    ...(loc.id ? { id: loc.id } : {}),
    ...(address ? { address } : {}),
    supportedCarriers: p?.supportedCarriers ?? [],
    alternateLocations: p?.alternateLocations ?? [],
  };
}

/** Shipping information as the view shows an address: only the fields that say something. */
function addressView(si: ShippingInformation): AddressView {
  return Object.fromEntries(Object.entries(si).filter(([, v]) => v !== undefined && v !== '')) as AddressView;
}

/** Whether a location answer is the one a job names ("Sandbox West", "sandboxwest" or its id). */
export function locationMatches(jobLocation: string | undefined, loc: ArmLocation): boolean {
  if (!jobLocation) return false;
  const k = jobLocation.replace(/\s+/g, '').toLowerCase();
  const slug = loc.id?.split('/').pop()?.toLowerCase();
  return (
    loc.name.replace(/\s+/g, '').toLowerCase() === k ||
    slug === k ||
    loc.id?.toLowerCase() === jobLocation.toLowerCase()
  );
}

function deadline(
  lc: LifecycleJob,
  kind: DeadlineKind,
  rule: Deadline['rule'],
  at: number,
  basis: string,
  now: number,
): Deadline {
  const text = upcoming({ ...lc, deadlines: { [kind]: at } })[0]?.text ?? '';
  return {
    rule,
    kind: kind as Deadline['kind'],
    at: isoOf(at),
    estimate: true,
    basis,
    text,
    daysLeft: Math.ceil((at - now) / DAY),
    passed: at <= now,
  };
}

/** What the parts of a job's view read: the Get Job answer, Haul's record, and the times taken from them once. */
interface ViewInputs {
  job: ArmJob;
  record: JobRecord | undefined;
  type: 'Import' | 'Export';
  state: JobViewState;
  /** The answer in the life cycle's shape (an Unknown state asked as Creating). */
  lc: LifecycleJob;
  now: number;
  createdAt: number | undefined;
  modifiedAt: number | undefined;
  firstSeen: number;
  haulUpdate: number | undefined;
}

export function buildJobView(job: ArmJob, record: JobRecord | undefined, now: Date, extras: ViewExtras = {}): JobView {
  const v = viewInputs(job, record, now);
  const { type, state, lc, createdAt, modifiedAt, firstSeen } = v;
  const p = job.properties;
  const drives = (p.driveList ?? []).map((d) => driveView(v, d, extras));
  const verdict = jobVerdict({
    name: job.name,
    type,
    state,
    cancelRequested: p.cancelRequested ?? false,
    percentComplete: p.percentComplete ?? 0,
    storageAccount: p.storageAccountId?.split('/').pop(),
    returnPackage: p.returnPackage,
    drives,
  });
  const deadlines = deadlinesOf(v);
  const overdue = deadlines.find((d) => d.rule === 'J6' && d.passed);
  const alerts = [...jobAlerts(v, overdue), ...drives.flatMap((d) => driveAlerts(v, d, drives.length))];

  // The next thing to do: the life cycle's, unless the verdict knows better (what the copy left to
  // do); a missing return address (JE4) comes first.
  const base = nextStep(job, state, lc, overdue !== undefined);
  const next = base.rule === 'JE4' || !verdict.next ? base : verdict.next;

  const ex = p.export;
  return {
    name: job.name,
    ...(job.id ? { id: job.id } : {}),
    type,
    state,
    serviceState: p.state ?? '',
    cancelRequested: lc.cancelRequested,
    percentComplete: p.percentComplete ?? 0,
    ...(p.storageAccountId ? { storageAccountId: p.storageAccountId } : {}),
    ...(p.storageAccountId ? { storageAccount: p.storageAccountId.split('/').pop() ?? '' } : {}),
    location: locationView(job, extras.location),
    drives,
    ...(type === 'Export' || ex
      ? {
          export: {
            blobPaths: ex?.blobList?.blobPath ?? [],
            blobPathPrefixes: ex?.blobList?.blobPathPrefix ?? [],
            ...(ex?.blobListBlobPath ? { blobListBlobPath: ex.blobListBlobPath } : {}),
            ...(p.incompleteBlobListUri ? { incompleteBlobListUri: p.incompleteBlobListUri } : {}),
          },
        }
      : {}),
    ...(p.returnAddress ? { returnAddress: stripUndefined(p.returnAddress) } : {}),
    ...(p.returnShipping ? { returnShipping: p.returnShipping } : {}),
    ...(p.deliveryPackage ? { deliveryPackage: stripUndefined(p.deliveryPackage) } : {}),
    ...(p.returnPackage ? { returnPackage: p.returnPackage } : {}),
    contact: contactOf(job),
    logLevel: lc.logLevel,
    backupDriveManifest: p.backupDriveManifest ?? false,
    ...(p.diagnosticsPath ? { diagnosticsPath: p.diagnosticsPath } : {}),
    tags: job.tags ?? {},
    ...(createdAt !== undefined ? { createdAt: isoOf(createdAt) } : {}),
    ...(modifiedAt !== undefined ? { lastModifiedAt: isoOf(modifiedAt) } : {}),
    nextStep: next,
    verdict,
    actions: actionsOf(v),
    deadlines,
    alerts,
    timeline: timelineOf(record),
    firstSeenAt: isoOf(firstSeen),
    observedAt: isoOf(v.now),
  };
}

function viewInputs(job: ArmJob, record: JobRecord | undefined, now: Date): ViewInputs {
  const t = now.getTime();
  const state = normalizeJobState(job.properties.state);
  const createdAt = ms(job.systemData?.createdAt);
  const modifiedAt = ms(job.systemData?.lastModifiedAt);
  const firstSeen = ms(record?.firstSeenAt) ?? t;
  const lc = asLifecycle(
    job,
    state === 'Unknown' ? 'Creating' : state,
    createdAt ?? firstSeen,
    modifiedAt ?? createdAt ?? firstSeen,
  );
  return {
    job,
    record,
    type: jobType(job.properties.jobType),
    state,
    lc,
    now: t,
    createdAt,
    modifiedAt,
    firstSeen,
    haulUpdate: ms(record?.updatedByHaulAt),
  };
}

type ArmDrive = NonNullable<ArmJob['properties']['driveList']>[number];

/** One drive as the service reports it, with what Haul observed of it and its verdict (G3, G4). */
function driveView(v: ViewInputs, d: ArmDrive, extras: ViewExtras): DriveView {
  const { job, record, type, state } = v;
  const p = job.properties;
  const rec = record?.drives[d.driveId];
  const s = normalizeDriveState(d.state);
  const since = enteredAt(rec?.states, [d.state ?? '']);
  const extra =
    type === 'Import' &&
    rec !== undefined &&
    record !== undefined &&
    (ms(rec.firstSeenAt) ?? 0) > v.firstSeen &&
    (rec.states[0]?.state ?? '') !== 'Specified';
  // The error log counted, when Haul has read the log the drive names now.
  const log = rec?.log && rec.log.uri === d.errorLogUri ? rec.log : undefined;
  const logError = d.errorLogUri && !log ? extras.logErrors?.[d.driveId] : undefined;
  const verdict = driveVerdict(
    {
      driveId: d.driveId,
      state: s,
      serviceState: d.state ?? '',
      bytesSucceeded: d.bytesSucceeded ?? 0,
      percentComplete: d.percentComplete ?? 0,
      copyStatus: d.copyStatus,
      extra,
      errorLogUri: d.errorLogUri,
      log,
      logError,
      passed: rec?.states.map((x) => x.state) ?? [],
    },
    { name: job.name, type, state, cancelRequested: p.cancelRequested ?? false },
  );
  return {
    driveId: d.driveId,
    state: s,
    serviceState: d.state ?? '',
    ...(d.copyStatus ? { copyStatus: d.copyStatus } : {}),
    percentComplete: d.percentComplete ?? 0,
    bytesSucceeded: d.bytesSucceeded ?? 0,
    ...(d.errorLogUri ? { errorLogUri: d.errorLogUri } : {}),
    ...(d.verboseLogUri ? { verboseLogUri: d.verboseLogUri } : {}),
    ...(d.manifestFile ? { manifestFile: d.manifestFile } : {}),
    ...(d.manifestHash ? { manifestHash: d.manifestHash } : {}),
    ...(d.manifestUri ? { manifestUri: d.manifestUri } : {}),
    // Get Job carries no key (Azure returns them only from listBitLockerKeys): an import job's
    // own drives were named with their key; an export drive has one once the data center wrote it.
    hasBitLockerKey:
      !!d.bitLockerKey || (type === 'Import' ? !extra : ['Completed', 'CompletedMoreInfo', 'ShippedBack'].includes(s)),
    extra,
    ...(since ? { stateSince: since.at } : {}),
    ...(log ? { log } : {}),
    ...(logError ? { logError } : {}),
    verdict,
  };
}

/** What the person may do with the job now (J4/J5, J3/J12, J13, A1). */
function actionsOf({ job, state, lc }: ViewInputs): JobView['actions'] {
  if (state === 'Unknown') {
    const r = unknownStateRefusal(job);
    return { ship: r, update: r, cancel: r, delete: r };
  }
  const perms = allowed(lc);
  return {
    ship: permission(checkSetShipping({ ...lc, deliveryPackage: lc.deliveryPackage ?? SHIP_PLACEHOLDER })),
    update: permission(perms.update),
    cancel: permission(perms.cancel),
    delete: permission(perms.delete),
  };
}

/** The deadline the job's state runs against (J2, J6, J12): estimates from observed times. */
function deadlinesOf(v: ViewInputs): Deadline[] {
  const { state } = v;
  if (state === 'Creating') return [creatingExpires(v)];
  if (state === 'Shipping') return [shippingOverdue(v)];
  if (state === 'Completed' || state === 'Closed') return [deleteJob(v, state)];
  return [];
}

/** The latest of the candidate starts of a wait, with the words that say where it comes from. */
const latest = (candidates: [number, string][]): [number, string] => candidates.reduce((a, b) => (b[0] > a[0] ? b : a));

/** J2: a job left Creating for 14 days after its last update is deleted. */
function creatingExpires({ lc, createdAt, modifiedAt, haulUpdate, firstSeen, now }: ViewInputs): Deadline {
  const candidates: [number, string][] = [];
  if (modifiedAt !== undefined)
    candidates.push([modifiedAt, `the job was last updated ${formatTime(modifiedAt)} (as the service reports)`]);
  else if (createdAt !== undefined)
    candidates.push([createdAt, `the job was created ${formatTime(createdAt)} (as the service reports)`]);
  if (haulUpdate !== undefined) candidates.push([haulUpdate, `Haul last updated the job ${formatTime(haulUpdate)}`]);
  if (!candidates.length)
    candidates.push([
      firstSeen,
      `Haul first saw the job ${formatTime(firstSeen)}; it may be older, so the date may be earlier`,
    ]);
  const [base, why] = latest(candidates);
  return deadline(lc, 'creatingExpires', 'J2', base + FOURTEEN_DAYS, `14 days after ${why}`, now);
}

/** J6: the package is due at the data center 14 days after the job was set to Shipping (or updated). */
function shippingOverdue({ lc, record, haulUpdate, firstSeen, now }: ViewInputs): Deadline {
  const entered = enteredAt(record?.states, ['Shipping']);
  const candidates: [number, string][] = [];
  if (entered) {
    const at = ms(entered.at) ?? firstSeen;
    candidates.push([
      at,
      entered.via === 'haul'
        ? `Haul set the job to Shipping ${formatTime(at)}`
        : entered.via === 'first-seen'
          ? `Haul first saw the job Shipping ${formatTime(at)}; it may have been Shipping longer, so the date may be earlier`
          : `Haul saw the job Shipping ${formatTime(at)}`,
    ]);
  }
  if (haulUpdate !== undefined && (!entered || haulUpdate > (ms(entered.at) ?? 0)))
    candidates.push([
      haulUpdate,
      `Haul updated the job ${formatTime(haulUpdate)} (an update restarts the wait, rule JE2)`,
    ]);
  if (!candidates.length)
    candidates.push([firstSeen, `Haul first saw the job Shipping ${formatTime(firstSeen)}; the date may be earlier`]);
  const [base, why] = latest(candidates);
  return deadline(lc, 'shippingOverdue', 'J6', base + FOURTEEN_DAYS, `14 days after ${why}`, now);
}

/** J12: a Completed or Closed job is deleted 90 days after it got there. */
function deleteJob({ lc, record, modifiedAt, firstSeen, now }: ViewInputs, state: 'Completed' | 'Closed'): Deadline {
  const entered = enteredAt(record?.states, [state]);
  let base: number;
  let why: string;
  if (entered && entered.via !== 'first-seen') {
    base = ms(entered.at) ?? firstSeen;
    why = `Haul saw the job ${state} ${formatTime(base)}`;
  } else if (modifiedAt !== undefined) {
    base = modifiedAt;
    why = `the job was last changed ${formatTime(modifiedAt)} (as the service reports)`;
  } else {
    base = ms(entered?.at) ?? firstSeen;
    why = `Haul first saw the job ${state} ${formatTime(base)}; the date may be earlier`;
  }
  return deadline(lc, 'deleteJob', 'J12', base + NINETY_DAYS, `90 days after ${why}`, now);
}

/** The job's own alerts: what happened to it, and what to do now. */
function jobAlerts({ job, record, type, state, lc, now }: ViewInputs, overdue: Deadline | undefined): JobAlert[] {
  const p = job.properties;
  const alerts: JobAlert[] = [];
  if (state === 'Unknown') {
    alerts.push({
      id: 'G1',
      rule: 'G1',
      severity: 'warning',
      title: 'State not known to Haul',
      text: unknownStateRefusal(job).allowed ? '' : (unknownStateRefusal(job) as { reason: string }).reason,
    });
  }
  if (state === 'Faulted') {
    alerts.push({
      id: 'F1',
      rule: 'F1',
      severity: 'error',
      title: 'The job is Faulted',
      text: `The data center could not move job ${job.name} on normally. The operators will contact you by email or phone; there is nothing to do until then. Once the issue is resolved the job continues where it belongs (rule F2).`,
    });
  }
  const jobSeries = record?.states ?? [];
  const lastJob = jobSeries[jobSeries.length - 1];
  const beforeLastJob = jobSeries[jobSeries.length - 2];
  if (state !== 'Faulted' && lastJob?.state === p.state && beforeLastJob?.state === 'Faulted') {
    alerts.push({
      id: 'F2',
      rule: 'F2',
      severity: 'info',
      title: 'Fault resolved',
      text: `The operators resolved the problem with job ${job.name}; it is ${state} again (rule F2).`,
    });
  }
  if (state === 'Creating' && p.deliveryPackage?.trackingNumber) {
    alerts.push({
      id: 'JE1',
      rule: 'JE1',
      severity: 'warning',
      title: 'Still Creating',
      text: `Job ${job.name} has a delivery package but is still Creating. If the drives are on their way, set the job to Shipping: drives that arrive before that are held, not processed, and returned after 14 days if nobody can reach you (rule JE1).`,
    });
  }
  if (state === 'Shipping' && overdue) {
    alerts.push({
      id: 'JE2',
      rule: 'JE2',
      severity: 'warning',
      title: 'Package overdue',
      text: `The package for job ${job.name} should have arrived by ${formatTime(ms(overdue.at) ?? now)} (an estimate). ${askAboutThePackage(p.deliveryPackage?.carrierName ?? 'the carrier', p.deliveryPackage?.trackingNumber)}`,
    });
  }
  if ((state === 'Received' || state === 'Transferring' || state === 'Packaging') && !p.returnAddress) {
    alerts.push({
      id: 'JE4',
      rule: 'JE4',
      severity: 'error',
      title: 'No return address',
      text: `The data center has nowhere to send the drives of job ${job.name} back to. Enter the return address now: if the operators cannot reach you, the drives are securely destroyed within 90 days (rule JE4).`,
    });
  }
  if ((state === 'Completed' || state === 'Closed') && type === 'Export') {
    const advice = returnShipmentAdvice(lc);
    if (advice?.shipped)
      alerts.push({
        id: 'JE3',
        rule: 'JE3',
        severity: 'info',
        title: 'If the drives do not arrive',
        text: advice.steps.join(' '),
      });
  }
  if (lc.cancelRequested && state !== 'Completed' && state !== 'Closed') {
    alerts.push({
      id: 'J14',
      rule: 'J14',
      severity: 'info',
      title: 'Cancellation requested',
      text: `Job ${job.name} was cancelled. ${CANCEL_SKIPS_COPY}`,
    });
  }
  return alerts;
}

/** One drive's alerts; `driveCount` is how many drives the job has. */
function driveAlerts({ record, state }: ViewInputs, d: DriveView, driveCount: number): JobAlert[] {
  const alerts: JobAlert[] = [];
  const series = record?.drives[d.driveId]?.states ?? [];
  if (d.state === 'NeverReceived') {
    const over = state === 'Completed' || state === 'Closed';
    alerts.push({
      id: `D4:${d.driveId}`,
      rule: over ? 'D4' : 'DE1',
      severity: over ? 'error' : 'warning',
      driveId: d.driveId,
      title: `Drive ${d.driveId} not received`,
      text: over
        ? `Drive ${d.driveId} never reached the data center (rule D4): none of its files were imported, and the job is over. Send its files again, in a new job.`
        : `Drive ${d.driveId} did not arrive with the package (rule D4). Check that it was in the package and ask the carrier. If it arrives in another shipment, it moves back to Received and is processed (rule DE1).`,
    });
  }
  const last = series[series.length - 1];
  const prev = series[series.length - 2];
  if (d.state === 'Received' && last?.state === 'Received' && prev?.state === 'NeverReceived') {
    alerts.push({
      id: `DE1:${d.driveId}`,
      rule: 'DE1',
      severity: 'info',
      driveId: d.driveId,
      title: `Drive ${d.driveId} arrived late`,
      text: `Drive ${d.driveId}, once marked NeverReceived, arrived in another shipment and is Received now; it will be processed (rule DE1).`,
    });
  }
  if (d.state === 'Faulted') {
    alerts.push({
      id: `F1:${d.driveId}`,
      rule: 'F1',
      severity: 'error',
      driveId: d.driveId,
      title: `Drive ${d.driveId} is Faulted`,
      text: `The data center could not process drive ${d.driveId}. The operators will contact you by email or phone; once resolved the drive continues (rule F2).`,
    });
  }
  if (d.state !== 'Faulted' && last?.state === d.serviceState && prev?.state === 'Faulted') {
    alerts.push({
      id: `F2:${d.driveId}`,
      rule: 'F2',
      severity: 'info',
      driveId: d.driveId,
      title: `Drive ${d.driveId} fault resolved`,
      text: `The operators resolved the problem with drive ${d.driveId}; it is ${d.state} again (rule F2).`,
    });
  }
  // D7: what the copy met stays said after the drive is shipped back (its state no longer shows it).
  const v = d.verdict;
  if (
    v.kind === 'importedWithErrors' ||
    v.kind === 'importedWithWarnings' ||
    (v.kind === 'notImported' && v.rule !== 'D4')
  ) {
    alerts.push({
      id: `D7:${d.driveId}`,
      rule: 'D7',
      severity: v.tone === 'danger' ? 'error' : 'warning',
      driveId: d.driveId,
      title: `Drive ${d.driveId}: ${v.label.toLowerCase()}`,
      // The job's headline says what the drive lacks; the banner says why (the error log's reasons).
      text: driveCount > 1 ? `${v.headline} ${v.why}` : v.why,
    });
  }
  if (d.extra) {
    alerts.push({
      id: `JE5:${d.driveId}`,
      rule: 'JE5',
      severity: 'info',
      driveId: d.driveId,
      title: `Extra drive ${d.driveId}`,
      text: `Drive ${d.driveId} was in the package but is not one of the job's drives. It is not processed and is returned with the job's drives (rules JE5, DE2).`,
    });
  }
  return alerts;
}

/** Who the data center contacts: the return address's person, and every address to notify. */
function contactOf(job: ArmJob): JobView['contact'] {
  const ra = job.properties.returnAddress;
  const extraEmails = (job.tags?.[NOTIFY_TAG] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const emails = [...new Set([...(ra?.email ? [ra.email] : []), ...extraEmails])];
  return {
    ...(ra?.recipientName ? { name: ra.recipientName } : {}),
    ...(ra?.phone ? { phone: ra.phone } : {}),
    emails,
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function nextStep(job: ArmJob, state: JobViewState, lc: LifecycleJob, overdue: boolean): NextStep {
  const p = job.properties;
  switch (state) {
    case 'Unknown':
      return { actor: 'nobody', text: `Unknown state "${p.state ?? ''}"`, rule: 'G1' };
    case 'Creating':
      if (lc.cancelRequested) return { actor: 'nobody', text: 'Cancelled', rule: 'J14' };
      if (!p.returnAddress)
        return { actor: 'customer', text: 'Enter the return address', action: 'update', rule: 'J5' };
      if (!p.deliveryPackage?.trackingNumber)
        return { actor: 'customer', text: 'Ship the drives and enter the tracking number', action: 'ship', rule: 'J4' };
      return { actor: 'customer', text: 'Set the job to Shipping', action: 'ship', rule: 'J4' };
    case 'Shipping':
      if (overdue)
        return {
          actor: 'customer',
          text: 'Package overdue: ask the carrier, then update or cancel',
          action: 'update',
          rule: 'JE2',
        };
      return { actor: 'datacenter', text: 'Wait for the package to arrive', rule: 'J7' };
    case 'Received':
    case 'Transferring':
    case 'Packaging':
      if (!p.returnAddress)
        return { actor: 'customer', text: 'Enter the return address', action: 'update', rule: 'JE4' };
      if (state === 'Received')
        return {
          actor: 'datacenter',
          text: lc.cancelRequested
            ? 'Drives received; they are shipped back uncopied'
            : 'Drives received; the copy starts soon',
          rule: 'J7',
        };
      if (state === 'Transferring')
        return { actor: 'datacenter', text: `Copying: ${p.percentComplete ?? 0} %`, rule: 'J8' };
      return { actor: 'datacenter', text: 'Copy finished; the drives are being packed to ship back', rule: 'J9' };
    case 'Completed':
      if (p.returnPackage)
        return {
          actor: 'nobody',
          text: `Drives shipped back: ${p.returnPackage.carrierName} ${p.returnPackage.trackingNumber}`,
          rule: 'J10',
        };
      return { actor: 'nobody', text: 'Completed', rule: 'J10' };
    case 'Closed':
      if (lc.cancelRequested) return { actor: 'nobody', text: 'Closed', rule: 'J11' };
      return { actor: 'customer', text: 'Review the error logs', action: 'logs', rule: 'J11' };
    case 'Faulted':
      return { actor: 'datacenter', text: 'The operators will contact you', rule: 'F1' };
  }
}

/** True when two views differ in anything but the time they were built (what job.updated announces). */
export function viewChanged(a: JobView | undefined, b: JobView): boolean {
  if (!a) return true;
  const strip = (v: JobView) => JSON.stringify({ ...v, observedAt: '' });
  return strip(a) !== strip(b);
}

export type { DriveState, JobState };

// The data model of the job and drive life cycle (docs/lifecycle.md). Everything here is a plain,
// JSON-serialisable value: times are epoch milliseconds, deadlines are timestamps (never running
// timers), so a job written to disk and read back behaves exactly as before. The behaviour lives
// in machine.ts and the handlers beside it; the transition tables (the single source of truth for
// what may follow what) in tables.ts. Rule ids (J5, D4, ...) are those of docs/lifecycle.md.

export const JOB_STATES = [
  'Creating',
  'Shipping',
  'Received',
  'Transferring',
  'Packaging',
  'Completed',
  'Closed',
  'Faulted',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const DRIVE_STATES = [
  'Specified',
  'Received',
  'NeverReceived',
  'Transferring',
  'Completed',
  'CompletedMoreInfo',
  'ShippedBack',
  'Faulted',
] as const;
export type DriveState = (typeof DRIVE_STATES)[number];

export const JOB_TYPES = ['Import', 'Export'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** Who causes a transition: the customer (through the API), the data center (operators), or time. */
export const SIDES = ['customer', 'datacenter', 'clock'] as const;
export type Side = (typeof SIDES)[number];

export type LogLevel = 'Error' | 'Verbose';

/** The package the customer ships to the data center (ARM DeliveryPackageInformation). */
export interface DeliveryPackage {
  carrierName: string;
  trackingNumber: string;
  driveCount?: number;
  shipDate?: string;
}

/** The package the data center ships back (ARM PackageInformation). */
export interface ReturnPackage {
  carrierName: string;
  trackingNumber: string;
  driveCount: number;
  shipDate: string;
}

/** ARM ReturnAddress. */
export interface ReturnAddress {
  recipientName: string;
  streetAddress1: string;
  streetAddress2?: string;
  city: string;
  stateOrProvince?: string;
  postalCode: string;
  countryOrRegion: string;
  phone: string;
  email: string;
}

/** ARM ReturnShipping: the carrier account the customer pays the return with. */
export interface ReturnShipping {
  carrierName: string;
  carrierAccountNumber: string;
}

/** What the copy of one drive ran into (D7). Counts, so a summary can be shown without the log. */
export interface DriveIssues {
  errors: number;
  warnings: number;
  overwrites: number;
}

export interface LifecycleDrive {
  driveId: string;
  state: DriveState;
  bytesSucceeded: number;
  /** 0 while unknown (an export drive before the data center plans it). */
  bytesTotal: number;
  /** JE5 / DE2: found in the package but not in the job's drive list; never processed, returned with the job. */
  extra: boolean;
  issues: DriveIssues;
  /** Detailed status of the copy, as in ARM DriveStatus.copyStatus. */
  copyStatus?: string;
  /** G4: blob URIs of the copy logs. verboseLogUri only when the job's logLevel is Verbose. */
  errorLogUri?: string;
  verboseLogUri?: string;
  /** F1/F2: the state the drive left when it became Faulted, and why. */
  faultedFrom?: DriveState;
  faultReason?: string;
  /** Set when the drive was handed back to the carrier (D8 / JE1) or securely destroyed (JE1 / JE4). */
  returnedAt?: number;
  destroyedAt?: number;
}

export const DEADLINE_KINDS = [
  /** J2 / J3: a Creating job is deleted 14 days after creation or its last update. */
  'creatingExpires',
  /** J6 / D4 / JE2: 14 days in Shipping without the package: operators alerted, customer asked, drives NeverReceived. */
  'shippingOverdue',
  /** JE2: 30 more days without the customer's answer: Shipping -> Closed. */
  'shippingUnanswered',
  /** JE1: drives that arrived for a job that is not Shipping are returned after 14 days. */
  'returnHeldDrives',
  /** JE1 / JE4: drives that cannot be returned are securely destroyed. */
  'destroyDrives',
  /** J12: a Completed or Closed job is deleted 90 days later. */
  'deleteJob',
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
export type Deadlines = Partial<Record<DeadlineKind, number>>;

export const ALERT_CODES = [
  'PackageOverdue', // J6 / JE2
  'DrivesArrivedBeforeShipping', // JE1
  'HeldDrivesReturned', // JE1
  'DrivesToBeDestroyed', // JE1 / JE4
  'DrivesDestroyed', // JE1 / JE4
  'DriveMissingFromPackage', // D4
  'ExtraDriveFound', // JE5 / DE2
  'ReturnAddressWrong', // JE4
  'CustomerUnreachable', // JE1 / JE4 / F1
  'JobFaulted', // F1
  'DriveFaulted', // F1
  'ClosedWithoutAnswer', // JE2
] as const;
export type AlertCode = (typeof ALERT_CODES)[number];

export interface Alert {
  code: AlertCode;
  /** The rule id the alert comes from, e.g. 'J6'. */
  rule: string;
  /** Who is told: the operators, the customer, or both. */
  audience: 'operators' | 'customer' | 'both';
  /** A sentence for a person, e.g. "Operators notified: package not received after 14 days (rule J6)." */
  message: string;
  raisedAt: number;
  driveId?: string;
  /** Set when the situation is over (package arrived, address corrected, ...); the alert stays as a record. */
  clearedAt?: number;
}

export interface HistoryEntry {
  at: number;
  /** 'job' for a job state change, 'drive' for a drive state change (then driveId is set). */
  subject: 'job' | 'drive';
  driveId?: string;
  /** null for the first entry of a job (creation) or of a drive added later (export, extra drive). */
  from: JobState | DriveState | null;
  to: JobState | DriveState;
  /** The event type that caused it ('Create', 'Tick', 'PackageArrived', ...). */
  event: EventType;
  side: Side;
  /** Why, in words (with the rule id). */
  reason: string;
}

export interface LifecycleJob {
  name: string;
  type: JobType;
  state: JobState;
  cancelRequested: boolean;
  /** When cancel was requested (J13/J14), if it was. */
  cancelRequestedAt?: number;
  drives: LifecycleDrive[];
  logLevel: LogLevel;
  deliveryPackage?: DeliveryPackage;
  returnAddress?: ReturnAddress;
  returnShipping?: ReturnShipping;
  /** Set when the data center shipped the drives back (D8, J10/J11, JE3). */
  returnPackage?: ReturnPackage;
  /** JE4: the operators found the return address wrong or missing, not yet corrected. */
  returnAddressProblem?: string;
  /** JE1: drive ids that arrived while the job was not Shipping; held until the customer sets Shipping. */
  heldDriveIds?: string[];
  /** JE1: when the first of those drives arrived. */
  heldSince?: number;
  /** JE1 / JE4: when the operators last reported that they could not reach the customer. */
  customerUnreachableAt?: number;
  /** F1/F2: the state the job left when it became Faulted, and why. */
  faultedFrom?: JobState;
  faultReason?: string;
  alerts: Alert[];
  deadlines: Deadlines;
  createdAt: number;
  updatedAt: number;
  shippingAt?: number;
  packageArrivedAt?: number;
  /** When the job reached Completed or Closed. */
  finishedAt?: number;
  /** Set when the job was deleted (A1, J2, J12, JE1): Get Job then answers "not found"; nothing applies any more. */
  deletedAt?: number;
  /** Which rule deleted the job, and why (for the "not found" answer that follows). */
  deletedBecause?: { rule: string; reason: string };
  history: HistoryEntry[];
}

// ---------------------------------------------------------------------------------------------
// Input to createJob (J1, D1, D2)

export interface CreateJobInput {
  name: string;
  type: JobType;
  /** Import: the drives the customer prepared (D1, at least one, at most ten). Export: must be empty (D2). */
  drives?: { driveId: string; bytesTotal?: number }[];
  logLevel?: LogLevel;
  deliveryPackage?: DeliveryPackage;
  returnAddress?: ReturnAddress;
  returnShipping?: ReturnShipping;
}

// ---------------------------------------------------------------------------------------------
// Events: a discriminated union on `type`. Which side sends each one is in EVENT_SIDE (tables.ts).

/** The customer's events (Update Job / Delete Job in ARM terms). */
export type CustomerEvent =
  | {
      type: 'UpdateProperties';
      deliveryPackage?: DeliveryPackage;
      returnAddress?: ReturnAddress;
      returnShipping?: ReturnShipping;
      logLevel?: LogLevel;
    }
  | {
      /** J4/J5. May carry the delivery package and return address in the same request (as ARM allows). */
      type: 'SetShipping';
      deliveryPackage?: DeliveryPackage;
      returnAddress?: ReturnAddress;
      returnShipping?: ReturnShipping;
    }
  | { type: 'Cancel' }
  | { type: 'Delete' };

/** The data center's events (operators and the copy machinery). */
export type DataCenterEvent =
  | { type: 'PackageArrived'; driveIds: string[] }
  | { type: 'DriveMissing'; driveId: string }
  | { type: 'ExtraDriveFound'; driveId: string }
  | { type: 'DriveProcessingStarted'; driveId: string; bytesTotal?: number }
  | { type: 'BytesProgressed'; driveId: string; bytesSucceeded: number; bytesTotal?: number }
  | {
      type: 'DriveFinished';
      driveId: string;
      issues: DriveIssues;
      bytesSucceeded?: number;
      copyStatus?: string;
      errorLogUri?: string;
      verboseLogUri?: string;
    }
  | { type: 'DriveFaulted'; driveId: string; reason: string }
  /** F2: `state` chooses where the drive goes; by default back to the state it left. */
  | { type: 'DriveResolved'; driveId: string; state?: DriveState }
  | { type: 'JobFaulted'; reason: string }
  /** F2: `state` chooses where the job goes; by default the state its drives call for. */
  | { type: 'JobResolved'; state?: JobState }
  | { type: 'ReturnAddressWrong'; reason: string }
  | { type: 'ReturnAddressCorrected'; returnAddress?: ReturnAddress }
  | { type: 'CustomerUnreachable' }
  | { type: 'DrivesShippedBack'; returnPackage: { carrierName: string; trackingNumber: string; shipDate?: string } };

/** Time passing: fires every due deadline (same as tick()). */
export type ClockEvent = { type: 'Tick' };

export type LifecycleEvent = CustomerEvent | DataCenterEvent | ClockEvent;
/** 'Create' is not an apply() event (createJob makes the job) but appears in history and tables. */
export type EventType = LifecycleEvent['type'] | 'Create';

// ---------------------------------------------------------------------------------------------
// Effects: what the caller (the service) must do after a successful apply/tick.

export type Effect =
  | { type: 'ScheduleDeadline'; kind: DeadlineKind; at: number }
  | { type: 'ClearDeadline'; kind: DeadlineKind }
  | { type: 'RaiseAlert'; alert: Alert }
  /** Tell the customer (email in the real service), e.g. JE2's "your package has not arrived". */
  | { type: 'NotifyCustomer'; rule: string; message: string }
  | { type: 'DeleteJob'; rule: string; reason: string }
  /** Hand this drive back to the carrier (JE1 held drives, JE5/DE2 extras travel with the return). */
  | { type: 'ReturnDrive'; driveId: string; rule: string; reason: string }
  | { type: 'DestroyDrives'; driveIds: string[]; rule: string; reason: string }
  | { type: 'JobStateChanged'; from: JobState; to: JobState }
  | { type: 'DriveStateChanged'; driveId: string; from: DriveState | null; to: DriveState };

// ---------------------------------------------------------------------------------------------
// Results

export const REFUSAL_CODES = [
  /** J5: Shipping needs delivery package and return address. HTTP 400. */
  'ShippingInfoMissing',
  /** J13: cancel refused from Received on. HTTP 409. */
  'CancelNotAllowed',
  /** A1: delete only in Creating or Completed. HTTP 409. */
  'DeleteNotAllowed',
  /** Update refused in this state (e.g. a new delivery package after the drives arrived). HTTP 409. */
  'UpdateNotAllowed',
  /** The event does not fit the job's current state (not in the tables). HTTP 409. */
  'InvalidTransition',
  /** J14: a cancelled job's drives are not copied. HTTP 409. */
  'JobCancelled',
  /** JE4: drives cannot be shipped to an address known to be wrong. HTTP 409. */
  'ReturnAddressInvalid',
  /** The drive id is not part of the job. HTTP 404. */
  'UnknownDrive',
  /** The event or input is malformed (negative bytes, duplicate drive id, ...). HTTP 400. */
  'InvalidInput',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** The rule id that refuses, e.g. 'J5'. */
  rule: string;
  /** A sentence a customer understands, naming the rule: "... (rule J5)." */
  message: string;
}

export interface Applied {
  ok: true;
  job: LifecycleJob;
  effects: Effect[];
}

export type ApplyResult = Applied | Refusal;

/** Whether an action is allowed right now; when not, the refusal says why (for disabled buttons). */
export type Permission = { ok: true } | Refusal;

export interface Permissions {
  cancel: Permission;
  delete: Permission;
  setShipping: Permission;
  update: Permission;
}

// ---------------------------------------------------------------------------------------------
// Transition tables (data, for the renderer's diagrams and for enforcement)

export interface TransitionEdge<S extends string> {
  from: S;
  to: S;
  event: EventType;
  side: Side;
  /** Rule ids this edge implements. */
  rules: string[];
  /** Short label for a diagram, e.g. "package arrived". */
  label: string;
  /**
   * True when the edge happens only as the continuation of a move the same event started in an
   * earlier state (e.g. set Shipping on a job whose drives already arrived: Creating -> Shipping ->
   * Received). Such an edge does not make the event acceptable in its `from` state.
   */
  chained?: boolean;
}

export interface TransitionTable<S extends string> {
  initial: readonly S[];
  nodes: readonly S[];
  /** States no event leaves except deletion. */
  terminal: readonly S[];
  edges: readonly TransitionEdge<S>[];
  /** Ways out of the diagram: the job is deleted (A1, J2, J12, JE1). Empty for drives. */
  exits: readonly { from: S; event: EventType; side: Side; rules: string[]; label: string }[];
}

/** A diagram ready to draw: parallel edges merged, current state flagged. */
export interface Diagram {
  nodes: { id: string; label: string; current: boolean; initial: boolean; terminal: boolean }[];
  edges: { from: string; to: string; labels: string[]; sides: Side[]; rules: string[] }[];
}

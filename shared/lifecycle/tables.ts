// The transition tables: the single source of truth for what may follow what. apply() asks these
// tables whether the job accepts an event in its current state, and checks every state change it
// makes against them (a change that is not listed here is a bug and throws). The renderer draws
// its two diagrams from the same data (see diagram()).
//
// An edge whose `from` equals its `to` (a self-loop) means "the event is accepted in this state and
// keeps it", e.g. J3's Update Job Properties in Creating. The clock ('Tick') is always accepted;
// its edges are listed where it changes a state, so that the diagrams can show them.

import type { Diagram, DriveState, EventType, JobState, Side, TransitionEdge, TransitionTable } from './types';
import { DRIVE_STATES, JOB_STATES } from './types';

/** Which side sends each event. */
export const EVENT_SIDE: Readonly<Record<EventType, Side>> = {
  Create: 'customer',
  UpdateProperties: 'customer',
  SetShipping: 'customer',
  Cancel: 'customer',
  Delete: 'customer',
  PackageArrived: 'datacenter',
  DriveMissing: 'datacenter',
  ExtraDriveFound: 'datacenter',
  DriveProcessingStarted: 'datacenter',
  BytesProgressed: 'datacenter',
  DriveFinished: 'datacenter',
  DriveFaulted: 'datacenter',
  DriveResolved: 'datacenter',
  JobFaulted: 'datacenter',
  JobResolved: 'datacenter',
  ReturnAddressWrong: 'datacenter',
  ReturnAddressCorrected: 'datacenter',
  CustomerUnreachable: 'datacenter',
  DrivesShippedBack: 'datacenter',
  Tick: 'clock',
};

/** Short words for each event, for diagrams and messages. */
export const EVENT_LABEL: Readonly<Record<EventType, string>> = {
  Create: 'create job',
  UpdateProperties: 'update properties',
  SetShipping: 'set Shipping',
  Cancel: 'cancel',
  Delete: 'delete',
  PackageArrived: 'package arrived',
  DriveMissing: 'drive missing',
  ExtraDriveFound: 'extra drive found',
  DriveProcessingStarted: 'copy started',
  BytesProgressed: 'bytes copied',
  DriveFinished: 'copy finished',
  DriveFaulted: 'drive faulted',
  DriveResolved: 'drive fault resolved',
  JobFaulted: 'job faulted',
  JobResolved: 'job fault resolved',
  ReturnAddressWrong: 'return address wrong',
  ReturnAddressCorrected: 'return address corrected',
  CustomerUnreachable: 'customer unreachable',
  DrivesShippedBack: 'drives shipped back',
  Tick: 'time passes',
};

type Row<S extends string> = [from: S, to: S, event: EventType, rules: string[], label?: string, chained?: 'chained'];

function edges<S extends string>(rows: Row<S>[]): TransitionEdge<S>[] {
  return rows.map(([from, to, event, rules, label, chained]) => ({
    from,
    to,
    event,
    side: EVENT_SIDE[event],
    rules,
    label: label ?? EVENT_LABEL[event],
    ...(chained ? { chained: true } : {}),
  }));
}

const ACTIVE_JOB: JobState[] = ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging'];
const AT_DATACENTER: JobState[] = ['Received', 'Transferring', 'Packaging'];

const jobRows: Row<JobState>[] = [
  // Creating (J1-J3, J13/J14, JE1, JE5)
  ['Creating', 'Creating', 'UpdateProperties', ['J3'], 'update properties (14-day timer reset)'],
  ['Creating', 'Shipping', 'SetShipping', ['J4', 'J5']],
  ['Creating', 'Completed', 'Cancel', ['J13', 'J14'], 'cancel (nothing shipped)'],
  ['Creating', 'Creating', 'PackageArrived', ['JE1'], 'drives arrived before Shipping (held)'],
  ['Creating', 'Creating', 'ExtraDriveFound', ['JE5']],
  ['Creating', 'Creating', 'CustomerUnreachable', ['JE1']],
  // Shipping (J4-J7, J13, JE1, JE2, D4)
  ['Shipping', 'Shipping', 'UpdateProperties', ['JE2'], 'update properties (wait extended)'],
  ['Shipping', 'Shipping', 'SetShipping', ['JE2'], 'set Shipping again (wait extended)'],
  ['Shipping', 'Shipping', 'Cancel', ['J13'], 'cancel (request)'],
  ['Shipping', 'Completed', 'Cancel', ['JE2', 'J14'], 'cancel (answer to overdue package)'],
  ['Shipping', 'Received', 'PackageArrived', ['J7', 'D3']],
  ['Shipping', 'Received', 'SetShipping', ['JE1'], 'held drives processed', 'chained'],
  ['Shipping', 'Shipping', 'DriveMissing', ['D4']],
  ['Shipping', 'Shipping', 'ExtraDriveFound', ['JE5']],
  ['Shipping', 'Shipping', 'CustomerUnreachable', ['JE2']],
  ['Shipping', 'Shipping', 'Tick', ['J6', 'D4'], '14 days: operators alerted'],
  ['Shipping', 'Closed', 'Tick', ['JE2'], '30 more days without an answer'],
  ['Shipping', 'Completed', 'Tick', ['JE2', 'J14'], 'cancelled; package never arrived'],
  // Received / Transferring / Packaging (J7-J11, J14, D5-D8, DE1, JE4, JE5)
  ['Received', 'Transferring', 'DriveProcessingStarted', ['J8', 'D5']],
  ['Received', 'Transferring', 'DriveResolved', ['F2', 'J8']],
  ['Received', 'Packaging', 'PackageArrived', ['J14'], 'cancelled: copy skipped'],
  ['Received', 'Packaging', 'SetShipping', ['J14'], 'nothing to copy', 'chained'],
  ['Received', 'Packaging', 'DriveResolved', ['F2', 'J9']],
  ['Transferring', 'Packaging', 'DriveFinished', ['J9', 'D6', 'D7']],
  ['Transferring', 'Packaging', 'DriveResolved', ['F2', 'J9']],
  ['Packaging', 'Transferring', 'PackageArrived', ['DE1'], 'late drive arrived'],
  ['Packaging', 'Received', 'PackageArrived', ['DE1'], 'late drive arrived'],
  ['Packaging', 'Completed', 'DrivesShippedBack', ['J10']],
  ['Packaging', 'Closed', 'DrivesShippedBack', ['J11']],
  ['Transferring', 'Closed', 'Tick', ['JE4'], 'drives destroyed after 90 days'],
  ['Packaging', 'Closed', 'Tick', ['JE4'], 'drives destroyed after 90 days'],
  ['Received', 'Closed', 'Tick', ['JE4'], 'drives destroyed after 90 days'],
  ['Transferring', 'Transferring', 'DriveProcessingStarted', ['D5']],
  ['Transferring', 'Transferring', 'BytesProgressed', ['G2']],
  ['Transferring', 'Transferring', 'DriveFinished', ['D6', 'D7']],
  ...AT_DATACENTER.flatMap((s): Row<JobState>[] => [
    [s, s, 'UpdateProperties', ['JE4']],
    [s, s, 'PackageArrived', ['DE1']],
    [s, s, 'ExtraDriveFound', ['JE5', 'DE2']],
    [s, s, 'DriveFaulted', ['F1']],
    [s, s, 'DriveResolved', ['F2']],
    [s, s, 'ReturnAddressWrong', ['JE4']],
    [s, s, 'ReturnAddressCorrected', ['JE4']],
    [s, s, 'CustomerUnreachable', ['JE4']],
  ]),
  // Faulted (F1/F2)
  ...ACTIVE_JOB.map((s): Row<JobState> => [s, 'Faulted', 'JobFaulted', ['F1']]),
  ...ACTIVE_JOB.map((s): Row<JobState> => ['Faulted', s, 'JobResolved', ['F2']]),
  ['Faulted', 'Faulted', 'UpdateProperties', ['F2']],
  ['Faulted', 'Faulted', 'CustomerUnreachable', ['F1']],
];

export const jobTransitions: TransitionTable<JobState> = {
  initial: ['Creating'],
  nodes: JOB_STATES,
  terminal: ['Completed', 'Closed'],
  edges: edges(jobRows),
  exits: [
    { from: 'Creating', event: 'Delete', side: 'customer', rules: ['A1'], label: 'delete' },
    { from: 'Completed', event: 'Delete', side: 'customer', rules: ['A1'], label: 'delete' },
    { from: 'Creating', event: 'Tick', side: 'clock', rules: ['J2'], label: '14 days without Shipping: deleted' },
    { from: 'Creating', event: 'Tick', side: 'clock', rules: ['JE1'], label: 'held drives returned or destroyed' },
    { from: 'Completed', event: 'Tick', side: 'clock', rules: ['J12'], label: '90 days: deleted' },
    { from: 'Closed', event: 'Tick', side: 'clock', rules: ['J12'], label: '90 days: deleted' },
  ],
};

const driveRows: Row<DriveState>[] = [
  ['Specified', 'Received', 'PackageArrived', ['D3']],
  ['Specified', 'Received', 'SetShipping', ['D3', 'JE1'], 'held drive processed'],
  ['Specified', 'NeverReceived', 'PackageArrived', ['D4'], 'package arrived without it'],
  ['Specified', 'NeverReceived', 'DriveMissing', ['D4']],
  ['Specified', 'NeverReceived', 'SetShipping', ['D4', 'JE1'], 'not among the held drives'],
  ['Specified', 'NeverReceived', 'Tick', ['D4'], '14 days without the package'],
  ['NeverReceived', 'Received', 'PackageArrived', ['DE1'], 'arrived in another shipment'],
  ['Received', 'Transferring', 'DriveProcessingStarted', ['D5']],
  ['Transferring', 'Transferring', 'BytesProgressed', ['G2']],
  ['Transferring', 'Completed', 'DriveFinished', ['D6'], 'copy finished, no issues'],
  ['Transferring', 'CompletedMoreInfo', 'DriveFinished', ['D7'], 'copy finished with issues'],
  ['Completed', 'ShippedBack', 'DrivesShippedBack', ['D8']],
  ['CompletedMoreInfo', 'ShippedBack', 'DrivesShippedBack', ['D8']],
  [
    'Received',
    'ShippedBack',
    'DrivesShippedBack',
    ['D8', 'J14', 'JE5', 'DE2'],
    'shipped back uncopied (cancelled or extra)',
  ],
  ['Received', 'Faulted', 'DriveFaulted', ['F1']],
  ['Transferring', 'Faulted', 'DriveFaulted', ['F1']],
  ['Faulted', 'Received', 'DriveResolved', ['F2']],
  ['Faulted', 'Transferring', 'DriveResolved', ['F2']],
  ['Faulted', 'Completed', 'DriveResolved', ['F2']],
  ['Faulted', 'CompletedMoreInfo', 'DriveResolved', ['F2']],
];

export const driveTransitions: TransitionTable<DriveState> = {
  // Specified: an import drive named at creation (D1). Received: an export drive (D2) or an extra drive (JE5).
  initial: ['Specified', 'Received'],
  nodes: DRIVE_STATES,
  terminal: ['ShippedBack'],
  edges: edges(driveRows),
  exits: [],
};

/** Where a drive may appear from nothing (history entries with from = null), by event. */
export const DRIVE_APPEARANCE: Readonly<Partial<Record<EventType, DriveState>>> = {
  Create: 'Specified',
  PackageArrived: 'Received',
  SetShipping: 'Received',
  ExtraDriveFound: 'Received',
};

export function findEdge<S extends string>(
  table: TransitionTable<S>,
  from: S,
  to: S,
  event: EventType,
): TransitionEdge<S> | undefined {
  return table.edges.find((e) => e.from === from && e.to === to && e.event === event);
}

/** Whether the job table accepts this event in this state (the clock is always accepted). */
export function jobAccepts(state: JobState, event: EventType): boolean {
  if (event === 'Tick') return true;
  return (
    jobTransitions.edges.some((e) => e.from === state && e.event === event && !e.chained) ||
    jobTransitions.exits.some((e) => e.from === state && e.event === event)
  );
}

/** The job states in which an event is accepted, for messages ("... only while Creating or Shipping"). */
export function statesAccepting(event: EventType): JobState[] {
  return JOB_STATES.filter((s) => jobAccepts(s, event));
}

/** Drive states the event can move a drive out of (or keep it in, for self-loops). */
export function driveTargets(from: DriveState, event: EventType): DriveState[] {
  return driveTransitions.edges.filter((e) => e.from === from && e.event === event).map((e) => e.to);
}

/**
 * A diagram ready to draw: one node per state (the current one flagged), parallel edges merged
 * into one arrow with all their labels, sides and rules. Self-loops are left out unless asked for.
 */
export function diagram(kind: 'job' | 'drive', current?: string, options: { selfLoops?: boolean } = {}): Diagram {
  const table: TransitionTable<string> = kind === 'job' ? jobTransitions : driveTransitions;
  const merged = new Map<string, Diagram['edges'][number]>();
  for (const e of table.edges) {
    if (e.from === e.to && !options.selfLoops) continue;
    const key = `${e.from}\u0000${e.to}`;
    const m = merged.get(key) ?? { from: e.from, to: e.to, labels: [], sides: [], rules: [] };
    if (!m.labels.includes(e.label)) m.labels.push(e.label);
    if (!m.sides.includes(e.side)) m.sides.push(e.side);
    for (const r of e.rules) if (!m.rules.includes(r)) m.rules.push(r);
    merged.set(key, m);
  }
  return {
    nodes: table.nodes.map((id) => ({
      id,
      label: id,
      current: id === current,
      initial: table.initial.includes(id),
      terminal: table.terminal.includes(id),
    })),
    edges: [...merged.values()],
  };
}

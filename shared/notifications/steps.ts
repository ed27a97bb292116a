// The states a job or drive went through between two polls, read from the life cycle's own
// transition tables (shared/lifecycle/tables.ts): a job seen Shipping and then Packaging was
// Received and Transferring in between, and the customer hears of each step, in that order.
// What the tables allow is narrowed by what Get Job shows (a drive that was copied passed through
// Transferring; only a cancelled job takes a Cancel edge).
import { wasCopied } from '../lifecycle/copied';
import { driveTransitions, jobTransitions } from '../lifecycle/tables';
import type { DriveState, EventType, JobState, TransitionTable } from '../lifecycle/types';
import type { ObservedDrive } from './snapshot';

export interface Step<S extends string> {
  from: S;
  to: S;
  /** The rules of the table edge taken (for the notice). */
  rules: string[];
}

/** Shortest path in a table from `from` to `to`, edges in table order; undefined when there is none. */
function shortest<S extends string>(
  table: TransitionTable<S>,
  from: S,
  to: S,
  allow: (event: EventType, via: S) => boolean,
): Step<S>[] | undefined {
  if (from === to) return [];
  const prev = new Map<S, Step<S>>();
  const seen = new Set<S>([from]);
  let frontier: S[] = [from];
  while (frontier.length) {
    const next: S[] = [];
    for (const s of frontier) {
      for (const e of table.edges) {
        if (e.from !== s || e.from === e.to || seen.has(e.to) || !allow(e.event, e.to)) continue;
        seen.add(e.to);
        const known = prev.get(e.to);
        if (!known) prev.set(e.to, { from: s, to: e.to, rules: e.rules });
        next.push(e.to);
      }
    }
    if (seen.has(to)) break;
    frontier = next;
  }
  if (!prev.has(to)) return undefined;
  const path: Step<S>[] = [];
  for (let s = to; s !== from; ) {
    const step = prev.get(s);
    if (!step) return undefined;
    path.unshift(step);
    s = step.from;
  }
  return path;
}

/** A path through the given waypoints (each only if it lies strictly between from and to in `rank`). */
function through<S extends string>(
  table: TransitionTable<S>,
  from: S,
  to: S,
  waypoints: S[],
  rank: (s: S) => number,
  allow: (event: EventType, via: S) => boolean,
  fromRank = rank(from),
): Step<S>[] {
  const stops = waypoints.filter((w) => rank(w) > fromRank && rank(w) < rank(to));
  const path: Step<S>[] = [];
  let at = from;
  for (const stop of [...stops, to]) {
    const leg = shortest(table, at, stop, allow);
    if (!leg) return [{ from, to, rules: [] }];
    path.push(...leg);
    at = stop;
  }
  return path;
}

const JOB_RANK: Record<JobState, number> = {
  Creating: 0,
  Shipping: 1,
  Received: 2,
  Transferring: 3,
  Packaging: 4,
  Completed: 5,
  Closed: 5,
  Faulted: -1,
};
const DRIVE_RANK: Record<DriveState, number> = {
  Specified: 0,
  NeverReceived: 0,
  Received: 1,
  Transferring: 2,
  Completed: 3,
  CompletedMoreInfo: 3,
  ShippedBack: 4,
  Faulted: -1,
};

/** Which finishing state a copied drive passed through: Completed, or CompletedMoreInfo (D7) when its status reports issues. */
export function finishedAs(d: ObservedDrive): DriveState {
  return d.copyStatus === undefined || /^Completed(:|$)/.test(d.copyStatus) ? 'Completed' : 'CompletedMoreInfo';
}

/**
 * The job's steps from the state seen last to the state seen now. `faultedFrom` is the state the
 * job was seen in before it became Faulted (so a resolved job does not replay what it had done).
 */
export function jobSteps(
  from: JobState,
  to: JobState,
  drives: ObservedDrive[],
  cancelRequested: boolean,
  faultedFrom?: JobState,
): Step<JobState>[] {
  if (from === to) return [];
  if (to === 'Faulted' || (from === 'Faulted' && shortest(jobTransitions, from, to, () => true)?.length === 1)) {
    // F1 and F2 are one step each: a fault is entered from, and resolved to, any active state.
    return [{ from, to, rules: [to === 'Faulted' ? 'F1' : 'F2'] }];
  }
  const arrived = drives.some((d) => d.state !== 'Specified' && d.state !== 'NeverReceived');
  const copied = !cancelRequested && drives.some(wasCopied);
  const shippedBack = drives.some((d) => d.state === 'ShippedBack');
  const waypoints: JobState[] = [];
  if (arrived) waypoints.push('Received');
  if (copied) waypoints.push('Transferring');
  if (shippedBack && (to === 'Completed' || to === 'Closed')) waypoints.push('Packaging');
  const allow = (event: EventType, via: JobState) => (event !== 'Cancel' || cancelRequested) && via !== 'Faulted';
  const fromRank = from === 'Faulted' ? JOB_RANK[faultedFrom ?? 'Creating'] : JOB_RANK[from];
  return through(jobTransitions, from, to, waypoints, (s) => JOB_RANK[s], allow, fromRank);
}

/** A drive's steps from the state seen last to the state seen now. */
export function driveSteps(from: DriveState, drive: ObservedDrive): Step<DriveState>[] {
  const to = drive.state;
  if (from === to) return [];
  if (to === 'Faulted' || from === 'Faulted') {
    const direct = shortest(driveTransitions, from, to, () => true);
    if (direct && direct.length === 1) return direct;
  }
  const waypoints: DriveState[] = ['Received'];
  if (to === 'ShippedBack' && wasCopied(drive)) waypoints.push('Transferring', finishedAs(drive));
  const allow = (_e: EventType, via: DriveState) => via !== 'Faulted' || to === 'Faulted';
  return through(driveTransitions, from, to, waypoints, (s) => DRIVE_RANK[s], allow);
}

export const jobRank = (s: JobState): number => JOB_RANK[s];

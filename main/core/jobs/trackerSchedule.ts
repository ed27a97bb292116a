// How often the tracker asks about a job: often while it moves, seldom while nothing moves; and
// how long it waits after a failure (exponential, with jitter, so many stations do not retry in step).
import type { JobState } from '../../../shared/lifecycle/types';

export interface TrackerIntervals {
  /** Received, Transferring, Packaging: the drives are at the data center; each step is told within this. */
  movingMs: number;
  /** Faulted: nothing moves until the operators act. */
  activeMs: number;
  /** Creating, Shipping: nothing moves until the customer or the carrier acts. */
  waitingMs: number;
  /** Completed, Closed: only the 90-day deletion is left (J12). */
  finishedMs: number;
  /**
   * How often the job list is read to find jobs created elsewhere (the portal, a script): such a
   * job, received with a drive missing, is told within this.
   */
  listMs: number;
  /** First retry after a failure; doubles each time up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_INTERVALS: TrackerIntervals = {
  movingMs: 15_000,
  activeMs: 60_000,
  waitingMs: 5 * 60_000,
  finishedMs: 30 * 60_000,
  listMs: 60_000,
  backoffMs: 15_000,
  maxBackoffMs: 10 * 60_000,
};

export function pollInterval(state: JobState, i: TrackerIntervals): number {
  switch (state) {
    case 'Received':
    case 'Transferring':
    case 'Packaging':
      return i.movingMs;
    case 'Faulted':
      return i.activeMs;
    case 'Creating':
    case 'Shipping':
      return i.waitingMs;
    case 'Completed':
    case 'Closed':
      return i.finishedMs;
  }
}

/** The wait before retry number `failures` (1, 2, …): half the exponential delay fixed, half random. */
export function backoff(failures: number, i: TrackerIntervals, random: () => number): number {
  const full = Math.min(i.maxBackoffMs, i.backoffMs * 2 ** Math.max(0, failures - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

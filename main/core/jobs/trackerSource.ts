// What the tracker needs from the service: the jobs of the connected resource group, and Get Job,
// as job views (shared/jobs). A small port, so the tracker runs over the jobs service of main
// (trackerJobs.ts) or a stand-in that drops the network on purpose.
import type { JobView } from '../../../shared/jobs';
import { HaulError, messageOf } from '../../../shared/errors';

export interface JobSource {
  /** Which service and resource group (the job records' connection key): states are remembered per key. */
  readonly key: string;
  /** Every job of the connected resource group. */
  list(): Promise<JobView[]>;
  /** Get Job; undefined when the service answers "not found" (the job was deleted). */
  get(name: string): Promise<JobView | undefined>;
  /**
   * Every answer anyone got (a screen, a list, the tracker's own polls): a job's new view, or that
   * it is gone. The tracker follows a job from the moment any answer shows it. Returns the unsubscribe.
   */
  watch?(listener: (seen: SeenJob) => void): () => void;
}

/** One answer about one job, as the jobs service published it. */
export type SeenJob = { kind: 'updated'; view: JobView } | { kind: 'removed'; name: string };

/** The clock and the timers, injected so tests move time exactly (and never wait for it). */
export interface TrackerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: TrackerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A failure the person can read: what did not answer, and that Haul keeps trying. */
export function describeFailure(err: unknown): string {
  // Haul's own errors (the service client's among them) are already sentences for the person.
  if (err instanceof HaulError) return messageOf(err);
  const e = err as { code?: string; statusCode?: number; message?: string; name?: string };
  if (typeof e?.statusCode === 'number')
    return `The Import/Export service answered ${e.statusCode}${e.message ? ` (${e.message.split('\n')[0]})` : ''}.`;
  if (
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'ECONNRESET' ||
    e?.code === 'ENOTFOUND' ||
    e?.code === 'ETIMEDOUT' ||
    e?.code === 'REQUEST_SEND_ERROR'
  )
    return `The Import/Export service cannot be reached (${e.code}).`;
  return `The Import/Export service could not be asked: ${messageOf(err)}`;
}

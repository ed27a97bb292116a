// What the tracker remembers of each job between polls (persisted, so a restart diffs against the
// last state it saw, not against nothing), and what one Get Job answer is reduced to.
import { z } from 'zod';
import type { JobResponse } from '../arm/schemas';
import { DRIVE_STATES, JOB_STATES, type DriveState, type JobState } from '../lifecycle/types';

const jobState = z.enum(JOB_STATES);
const driveState = z.enum(DRIVE_STATES);

export const DriveSnapshot = z.object({
  driveId: z.string(),
  state: driveState,
});
export type DriveSnapshot = z.infer<typeof DriveSnapshot>;

export const JobSnapshot = z.object({
  name: z.string(),
  type: z.enum(['Import', 'Export']),
  state: jobState,
  cancelRequested: z.boolean(),
  percent: z.number(),
  /** The highest percent milestone already notified (0, 25, 50, 75, 100). */
  milestone: z.number(),
  drives: z.array(DriveSnapshot),
  /** The service's lastModifiedAt (epoch ms, the service clock): the base of the J2/J6/J12 estimates. */
  modifiedAt: z.number().optional(),
  /** When the tracker first saw the job, and its current state (the tracker's clock). */
  firstSeenAt: z.number(),
  stateSeenAt: z.number(),
  /** J6 was notified for this stay in Shipping. */
  alerted: z.boolean(),
  /** Deadline reminders sent, by rule, with the deadline they were about (a later deadline reminds again). */
  reminded: z.partialRecord(z.enum(['J2', 'J12']), z.number()),
  /** Set once Get Job answered "not found": the rule that explains it. */
  gone: z.object({ at: z.number(), rule: z.string() }).optional(),
  /** F2: the state the job was seen in before it became Faulted. */
  faultedFrom: jobState.optional(),
  /** Notices made for this job so far (their ids count up). */
  seq: z.number().int().min(0),
});
export type JobSnapshot = z.infer<typeof JobSnapshot>;

export interface ObservedDrive {
  driveId: string;
  state: DriveState;
  copyStatus?: string;
  bytesSucceeded: number;
  errorLogUri?: string;
}

/** One Get Job answer, reduced to what the notices are made from. */
export interface ObservedJob {
  name: string;
  type: 'Import' | 'Export';
  state: JobState;
  cancelRequested: boolean;
  percent: number;
  drives: ObservedDrive[];
  modifiedAt?: number;
}

const asJobState = (s: string | undefined): JobState | undefined => JOB_STATES.find((x) => x.toLowerCase() === s?.toLowerCase());
const asDriveState = (s: string | undefined): DriveState | undefined => DRIVE_STATES.find((x) => x.toLowerCase() === s?.toLowerCase());

/**
 * Reduces a Get Job answer. undefined when its state is not one Haul knows (a newer service): the
 * tracker then keeps what it saw last rather than guess. A drive in an unknown state is left out.
 */
export function observe(job: JobResponse): ObservedJob | undefined {
  const p = job.properties;
  const state = asJobState(p.state);
  if (!state) return undefined;
  const modified = Date.parse(job.systemData?.lastModifiedAt ?? '');
  return {
    name: job.name,
    type: p.jobType === 'Export' ? 'Export' : 'Import',
    state,
    cancelRequested: p.cancelRequested === true,
    percent: typeof p.percentComplete === 'number' ? p.percentComplete : 0,
    drives: (p.driveList ?? []).flatMap((d): ObservedDrive[] => {
      const s = asDriveState(d.state);
      if (!s) return [];
      return [{
        driveId: d.driveId,
        state: s,
        bytesSucceeded: d.bytesSucceeded ?? 0,
        ...(d.copyStatus !== undefined ? { copyStatus: d.copyStatus } : {}),
        ...(d.errorLogUri !== undefined ? { errorLogUri: d.errorLogUri } : {}),
      }];
    }),
    ...(Number.isFinite(modified) ? { modifiedAt: modified } : {}),
  };
}

/**
 * D7: how many errors the copy of a drive met, from its copyStatus ("…, 3 failed; see the error
 * log"); undefined when the status does not say.
 */
export function errorCount(copyStatus: string | undefined): number | undefined {
  if (!copyStatus) return undefined;
  const m = /(\d+)\s+failed/.exec(copyStatus);
  return m ? Number(m[1]) : /^CompletedWith(Warnings|Info)/.test(copyStatus) ? 0 : undefined;
}

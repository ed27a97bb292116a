// What the tracker remembers of each job between polls (persisted, so a restart diffs against the
// last state it saw, not against nothing), and what one job view (shared/jobs) is reduced to.
import * as z from 'zod';
import type { JobView, VerdictKind } from '../jobs/schemas';
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
  /** The job view's deadline estimates at the last look (J2, J6, J12; epoch ms): what explains a job gone. */
  deadlines: z.partialRecord(z.enum(['J2', 'J6', 'J12']), z.number()),
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
  /**
   * The alerts already told (D4:<drive>, D7:<drive>, F1, F1:<drive>) while they last: an alert not
   * in here is told once, also at a job's first sighting. Absent in documents of older versions.
   */
  notified: z.array(z.string()).optional(),
  /** The job's verdict kind at the last look (shared/jobs/verdict.ts). */
  verdict: z.string().optional(),
});
export type JobSnapshot = z.infer<typeof JobSnapshot>;

export interface ObservedDrive {
  driveId: string;
  state: DriveState;
  copyStatus?: string;
  bytesSucceeded: number;
  errorLogUri?: string;
  /** The drive's verdict (shared/jobs/verdict.ts), when the view has one. */
  verdict?: VerdictKind;
  /** Files not imported, from the drive's error log once Haul read it. */
  failedFiles?: number;
}

/** What the job's verdict says, for the words of the notices. */
export interface ObservedVerdict {
  kind: VerdictKind;
  label: string;
  headline: string;
  /** What to do next, when there is something. */
  next?: string;
  actor?: 'customer' | 'datacenter' | 'nobody';
}

/** The deadlines the job view estimates (J2, J6, J12), epoch ms. */
export type ObservedDeadlines = Partial<Record<'J2' | 'J6' | 'J12', number>>;

/** One look at a job (its JobView), reduced to what the notices are made from. */
export interface ObservedJob {
  name: string;
  type: 'Import' | 'Export';
  state: JobState;
  cancelRequested: boolean;
  percent: number;
  drives: ObservedDrive[];
  deadlines: ObservedDeadlines;
  verdict?: ObservedVerdict;
}

/**
 * Reduces a job view. undefined when its state is not one Haul knows (a newer service): the
 * tracker then keeps what it saw last rather than guess. A drive in an unknown state is left out.
 */
export function observe(view: JobView): ObservedJob | undefined {
  if (view.state === 'Unknown') return undefined;
  const deadlines: ObservedDeadlines = {};
  for (const d of view.deadlines) {
    const at = Date.parse(d.at);
    if (Number.isFinite(at)) deadlines[d.rule] = at;
  }
  return {
    name: view.name,
    type: view.type,
    state: view.state,
    cancelRequested: view.cancelRequested,
    percent: view.percentComplete,
    drives: view.drives.flatMap((d): ObservedDrive[] => {
      if (d.state === 'Unknown') return [];
      return [
        {
          driveId: d.driveId,
          state: d.state,
          bytesSucceeded: d.bytesSucceeded,
          ...(d.copyStatus !== undefined ? { copyStatus: d.copyStatus } : {}),
          ...(d.errorLogUri !== undefined ? { errorLogUri: d.errorLogUri } : {}),
          verdict: d.verdict.kind,
          ...(d.log ? { failedFiles: d.log.failed.files } : {}),
        },
      ];
    }),
    deadlines,
    verdict: {
      kind: view.verdict.kind,
      label: view.verdict.label,
      headline: view.verdict.headline,
      ...(view.verdict.next ? { next: view.verdict.next.text, actor: view.verdict.next.actor } : {}),
    },
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

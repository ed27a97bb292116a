// A job as a row of the Jobs screen: only what the row draws and what its search, filter and sort
// read, taken from the job's view (schemas.ts). The list of every job travels as these rows (the
// jobs.rows channel): a tenth of the full views' size, so a page that opens with thousands of jobs
// draws its first rows quickly; the job page asks for the full view (jobs.get). Every field keeps
// the view's name and shape, so a full view is also a row. Pure TypeScript: no Node.
import * as z from 'zod';
import {
  Deadline,
  DriveViewState,
  JobView,
  JobViewState,
  LocationView,
  NextStep,
  TimelineEntry,
  Verdict,
} from './schemas';

export const JobRow = z
  .object({
    name: z.string(),
    type: JobView.shape.type,
    state: JobViewState,
    serviceState: z.string(),
    cancelRequested: z.boolean(),
    storageAccount: z.string().optional(),
    /** The data center's name (searched). */
    location: LocationView.pick({ name: true }).strict(),
    /** Each drive's id (searched) and state, and its verdict's words (the drives cell's tooltip). */
    drives: z.array(
      z
        .object({
          driveId: z.string(),
          state: DriveViewState,
          verdict: Verdict.pick({ label: true }).strict(),
        })
        .strict(),
    ),
    /** The tracking number the customer gave (searched). */
    deliveryPackage: z.object({ trackingNumber: z.string() }).strict().optional(),
    lastModifiedAt: z.string().optional(),
    /** Only the latest observed transition: with lastModifiedAt, when the job last changed. */
    timeline: z.array(TimelineEntry.pick({ at: true }).strict()).max(1),
    nextStep: NextStep.pick({ actor: true, text: true }).strict(),
    verdict: Verdict.pick({ kind: true, final: true, tone: true, label: true, progress: true }).strict(),
    /** Only the nearest deadline not yet passed, if any (the next step's note). */
    deadlines: z.array(Deadline.pick({ kind: true, daysLeft: true, passed: true }).strict()).max(1),
    /** When the view the row comes from was built (a newer one replaces it). */
    observedAt: z.string(),
  })
  .strict();
export type JobRow = z.infer<typeof JobRow>;

/** The row of a job's view: what the Jobs screen needs of it, nothing more (no addresses, no timeline). */
export function rowOf(view: JobRow): JobRow {
  let latest: string | undefined;
  let latestMs = -Infinity;
  for (const e of view.timeline) {
    const ms = Date.parse(e.at);
    if (ms > latestMs) [latest, latestMs] = [e.at, ms];
  }
  const deadline = view.deadlines.find((d) => !d.passed);
  const { kind, final, tone, label, progress } = view.verdict;
  return {
    name: view.name,
    type: view.type,
    state: view.state,
    serviceState: view.serviceState,
    cancelRequested: view.cancelRequested,
    ...(view.storageAccount !== undefined && { storageAccount: view.storageAccount }),
    location: { name: view.location.name },
    drives: view.drives.map((d) => ({ driveId: d.driveId, state: d.state, verdict: { label: d.verdict.label } })),
    ...(view.deliveryPackage && { deliveryPackage: { trackingNumber: view.deliveryPackage.trackingNumber } }),
    ...(view.lastModifiedAt !== undefined && { lastModifiedAt: view.lastModifiedAt }),
    timeline: latest === undefined ? [] : [{ at: latest }],
    nextStep: { actor: view.nextStep.actor, text: view.nextStep.text },
    verdict: {
      kind,
      final,
      tone,
      label,
      progress: {
        text: progress.text,
        ...(progress.percent !== undefined && { percent: progress.percent }),
      },
    },
    deadlines: deadline ? [{ kind: deadline.kind, daysLeft: deadline.daysLeft, passed: deadline.passed }] : [],
    observedAt: view.observedAt,
  };
}

// The tracker's document in the data folder: the last state seen of every job, the notices made
// from it that are not yet in the centre (the outbox), and when each connection's first list was
// taken. States and outbox change in one atomic write, so a notice exists exactly when the state
// that caused it is remembered.
import path from 'node:path';
import * as z from 'zod';
import { JobSnapshot, NoticeDraft } from '../../../shared/notifications';
import { jsonFileStore, type DocumentStore } from '../store/jsonFile';

export const TrackerDoc = z.object({
  version: z.literal(1),
  /** By connection (JobSource.key), then by job name. */
  connections: z.record(z.string(), z.record(z.string(), JobSnapshot)),
  /**
   * By connection: when its first list was taken (the tracker's clock). The jobs in that list are
   * the baseline (only their alerts in force are told); a job first seen after it is news, also one
   * already over. Absent in documents of older versions (their next list is the baseline).
   */
  baselines: z.record(z.string(), z.number()).optional(),
  outbox: z.array(NoticeDraft),
});
export type TrackerDoc = z.infer<typeof TrackerDoc>;

export const TRACKER_FILE = 'tracker.json';

export function trackerStore(dataDir: string): DocumentStore<TrackerDoc> {
  return jsonFileStore(path.join(dataDir, TRACKER_FILE), {
    schema: TrackerDoc,
    initial: () => ({ version: 1 as const, connections: {}, outbox: [] }),
    mode: 0o600,
  });
}

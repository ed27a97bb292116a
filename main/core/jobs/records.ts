// Job records: for each job Haul has seen on a connection, when it first saw it and each job and
// drive state with the time it was first observed (shared/jobs/observe.ts has the rules). The
// timeline the screens draw, and what the tracker diffs against. One JSON document per connection
// in the data folder, behind a small store port (the desktop issue may back it with conf).
import { createHash } from 'node:crypto';
import path from 'node:path';
import * as z from 'zod';
import type { ArmJob } from '../../../shared/arm/schemas';
import {
  JobRecord,
  markGone,
  markUpdated,
  observe,
  type DriveLogSummary,
  type ObservedVia,
} from '../../../shared/jobs';
import { jsonFileStore } from '../store/jsonFile';

export const RecordsDocument = z.object({
  version: z.literal(1),
  /** Which connection these jobs belong to (kind, subscription, resource group). */
  connection: z.string(),
  jobs: z.record(z.string(), JobRecord),
});
export type RecordsDocument = z.infer<typeof RecordsDocument>;

/** What the records need from a store: read the document, and change it atomically. */
export interface RecordStorePort {
  read(): Promise<RecordsDocument>;
  update(change: (current: RecordsDocument) => RecordsDocument): Promise<RecordsDocument>;
}

/** Makes the store of one connection's records (by its key, e.g. `local/<subscription>/<group>`). */
export type RecordStoreFactory = (connectionKey: string) => RecordStorePort;

export interface JobRecords {
  /** The connection these records are for. */
  readonly connectionKey: string;
  get(name: string): Promise<JobRecord | undefined>;
  all(): Promise<Record<string, JobRecord>>;
  /**
   * Writes down what an answer showed. With `complete` (a full list of the resource group), jobs
   * Haul had seen that the list no longer holds are marked gone. Returns the records after, and
   * the records that became gone with this call.
   */
  see(
    jobs: ArmJob[],
    now: Date,
    options?: { via?: ObservedVia; complete?: boolean; createdByHaul?: boolean },
  ): Promise<{ records: Record<string, JobRecord>; gone: JobRecord[] }>;
  /** Haul changed the job's properties (J3: restarts J2's 14 days; JE2: restarts the wait). */
  markUpdated(name: string, now: Date): Promise<void>;
  /** The service answered "not found" (or Haul deleted it). Returns the record, if there was one. */
  markGone(name: string, now: Date): Promise<JobRecord | undefined>;
  /** Keeps what a drive's error log says, so each log is read once. Returns the record after. */
  noteLog(name: string, driveId: string, log: DriveLogSummary): Promise<JobRecord | undefined>;
}

/** A connection's key, as stored in its document. */
export function connectionKey(c: { kind: string; subscriptionId: string; resourceGroup: string }): string {
  return `${c.kind}/${c.subscriptionId.toLowerCase()}/${c.resourceGroup.toLowerCase()}`;
}

/** `<dataDir>/jobs/records-<kind>-<hash>.json`: one file per connection; the name holds no ids in the clear. */
export function recordsFile(dataDir: string, key: string): string {
  const kind = key.split('/')[0] ?? 'x';
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return path.join(dataDir, 'jobs', `records-${kind}-${hash}.json`);
}

/** The default store: one atomic, schema-checked JSON file per connection in the data folder. */
export function jsonRecordStores(dataDir: string): RecordStoreFactory {
  return (key) =>
    jsonFileStore(recordsFile(dataDir, key), {
      schema: RecordsDocument,
      initial: () => ({ version: 1 as const, connection: key, jobs: {} }),
      mode: 0o600,
      // Read at every answer about any job (thousands of records): parsed again only when it changed.
      cache: true,
    });
}

// Re-writing a file on every poll only to move lastSeenAt would wear the disk for nothing (the
// tracker lists every minute; with thousands of jobs the file is megabytes).
const LAST_SEEN_WRITE_MS = 15 * 60_000;

export function createJobRecords(key: string, store: RecordStorePort): JobRecords {
  return {
    connectionKey: key,
    async get(name) {
      return (await store.read()).jobs[name];
    },
    async all() {
      return (await store.read()).jobs;
    },
    async see(jobs, now, options = {}) {
      const step = (doc: RecordsDocument) => seeIn(doc, jobs, now, options);
      const first = step(await store.read());
      if (!first.changed) return { records: first.doc.jobs, gone: first.gone };
      // Again inside the serialized update, on whatever another writer stored meanwhile.
      let result = first;
      await store.update((latest) => {
        result = step(latest);
        return result.doc;
      });
      return { records: result.doc.jobs, gone: result.gone };
    },
    async markUpdated(name, now) {
      await store.update((doc) => {
        const r = doc.jobs[name];
        return r ? { ...doc, jobs: { ...doc.jobs, [name]: markUpdated(r, now) } } : doc;
      });
    },
    async noteLog(name, driveId, log) {
      const doc = await store.update((d) => {
        const r = d.jobs[name];
        const drive = r?.drives[driveId];
        if (!r || !drive) return d;
        return { ...d, jobs: { ...d.jobs, [name]: { ...r, drives: { ...r.drives, [driveId]: { ...drive, log } } } } };
      });
      return doc.jobs[name];
    },
    async markGone(name, now) {
      const doc = await store.update((d) => {
        const r = d.jobs[name];
        return r ? { ...d, jobs: { ...d.jobs, [name]: markGone(r, now) } } : d;
      });
      return doc.jobs[name];
    },
  };
}

/** Whether a record changed in more than lastSeenAt (or lastSeenAt is old enough to refresh on disk). */
function meaningful(before: JobRecord, after: JobRecord): boolean {
  if (!sameApartFromLastSeen(before, after)) return true;
  return Date.parse(after.lastSeenAt) - Date.parse(before.lastSeenAt) >= LAST_SEEN_WRITE_MS;
}

/**
 * observe() keeps each part that did not change as it was (the same states array), so most parts
 * compare by identity; the rest by content. A list compares every record each time.
 */
function sameApartFromLastSeen(a: JobRecord, b: JobRecord): boolean {
  const same = (x: unknown, y: unknown) => x === y || JSON.stringify(x) === JSON.stringify(y);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === 'lastSeenAt' || k === 'drives') continue;
    if (!same(a[k as keyof JobRecord], b[k as keyof JobRecord])) return false;
  }
  const drives = Object.keys(a.drives);
  if (drives.length !== Object.keys(b.drives).length) return false;
  return drives.every((d) => same(a.drives[d], b.drives[d]));
}

function seeIn(
  doc: RecordsDocument,
  jobs: ArmJob[],
  now: Date,
  options: { via?: ObservedVia; complete?: boolean; createdByHaul?: boolean },
): { doc: RecordsDocument; gone: JobRecord[]; changed: boolean } {
  const next: RecordsDocument = { ...doc, jobs: { ...doc.jobs } };
  const gone: JobRecord[] = [];
  let changed = false;
  for (const job of jobs) {
    const before = next.jobs[job.name];
    const after = observe(before, job, now, options.via ?? 'polled', options.createdByHaul ?? false);
    if (!before || meaningful(before, after)) {
      changed = true;
      next.jobs[job.name] = after;
    }
  }
  if (options.complete) {
    const present = new Set(jobs.map((j) => j.name));
    for (const [name, r] of Object.entries(next.jobs)) {
      if (!present.has(name) && !r.goneAt) {
        const g = markGone(r, now);
        next.jobs[name] = g;
        gone.push(g);
        changed = true;
      }
    }
  }
  return { doc: next, gone, changed };
}

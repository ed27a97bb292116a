// The job record's rules (pure): what Haul writes down each time it sees a job — when it first
// saw it, and each job and drive state with the time it was first observed. main/core/jobs/records.ts
// keeps these on disk; the timeline and the tracker read them.
import type { ArmJob } from '../arm/schemas';
import type { JobRecord, ObservedState } from './schemas';

/** How this answer came: a poll or list (`polled`), or Haul's own action's answer (`haul`: the time is exact). */
export type ObservedVia = 'polled' | 'haul';

function push(series: ObservedState[], state: string, at: string, via: ObservedState['via']): ObservedState[] {
  const last = series[series.length - 1];
  return last?.state === state ? series : [...series, { state, at, via }];
}

/** The record after seeing `job` at `now` (a new record when there was none). Never mutates `record`. */
export function observe(
  record: JobRecord | undefined,
  job: ArmJob,
  now: Date,
  via: ObservedVia = 'polled',
  haulCreated = false,
): JobRecord {
  const at = now.toISOString();
  const state = job.properties.state ?? '';
  const drives = job.properties.driveList ?? [];
  if (!record) {
    // Haul's own create: the job's first state began now; otherwise it began before Haul looked.
    const first: ObservedState['via'] = haulCreated ? 'haul' : 'first-seen';
    return {
      name: job.name,
      firstSeenAt: at,
      lastSeenAt: at,
      states: [{ state, at, via: first }],
      drives: Object.fromEntries(
        drives.map((d) => [d.driveId, { firstSeenAt: at, states: [{ state: d.state ?? '', at, via: first }] }]),
      ),
    };
  }
  const next: JobRecord = {
    ...record,
    lastSeenAt: at,
    states: push(record.states, state, at, via),
    drives: { ...record.drives },
  };
  delete next.goneAt;
  for (const d of drives) {
    const known = next.drives[d.driveId];
    next.drives[d.driveId] = known
      ? { ...known, states: push(known.states, d.state ?? '', at, via) }
      : { firstSeenAt: at, states: [{ state: d.state ?? '', at, via }] };
  }
  return next;
}

/** Haul changed the job's properties itself (J3 restarts J2's 14 days; JE2 the wait in Shipping). */
export function markUpdated(record: JobRecord, now: Date): JobRecord {
  return { ...record, updatedByHaulAt: now.toISOString() };
}

/** The service answered "not found" for a job Haul had seen. */
export function markGone(record: JobRecord, now: Date): JobRecord {
  return record.goneAt ? record : { ...record, goneAt: now.toISOString() };
}

// Which jobs the list shows, in which order: the state filter ("needs you" = the customer has to
// act), a search over the names a person may remember (job, storage account, drive id, tracking
// number), and the sort. Pure, so the unit tests check it directly.
import { JOB_STATES } from '../../../../shared/lifecycle/types';
import type { JobView, JobViewState } from '../../../../shared/jobs/schemas';

export type JobSort = 'updated' | 'name' | 'state' | 'progress';
export interface JobFilters {
  /** 'all', 'attention' (the customer has to act), or one state. */
  state: 'all' | 'attention' | JobViewState;
  query: string;
  sort: JobSort;
  descending: boolean;
}

/** When the job last changed, as far as Haul knows: the service's lastModifiedAt or the latest observed transition. */
export function lastUpdated(job: JobView): number | undefined {
  const times = [job.lastModifiedAt, ...job.timeline.map((t) => t.at)]
    .map((t) => (t ? Date.parse(t) : NaN))
    .filter((t) => !Number.isNaN(t));
  return times.length ? Math.max(...times) : undefined;
}

export function needsCustomer(job: JobView): boolean {
  return job.nextStep.actor === 'customer';
}

function matches(job: JobView, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const haystack = [
    job.name,
    job.storageAccount,
    job.location.name,
    job.deliveryPackage?.trackingNumber,
    ...job.drives.map((d) => d.driveId),
  ];
  return haystack.some((h) => h?.toLowerCase().includes(q));
}

const stateOrder = (s: string) => {
  const i = (JOB_STATES as readonly string[]).indexOf(s);
  return i < 0 ? JOB_STATES.length : i;
};

export function visibleJobs(jobs: readonly JobView[], f: JobFilters): JobView[] {
  const shown = jobs.filter(
    (j) =>
      (f.state === 'all' || (f.state === 'attention' ? needsCustomer(j) : j.state === f.state)) && matches(j, f.query),
  );
  const byName = (a: JobView, b: JobView) =>
    a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });
  const compare: Record<JobFilters['sort'], (a: JobView, b: JobView) => number> = {
    name: byName,
    state: (a, b) => stateOrder(a.state) - stateOrder(b.state) || byName(a, b),
    progress: (a, b) => (a.verdict.progress.percent ?? -1) - (b.verdict.progress.percent ?? -1) || byName(a, b),
    updated: (a, b) => (lastUpdated(a) ?? 0) - (lastUpdated(b) ?? 0) || byName(a, b),
  };
  const sorted = [...shown].sort(compare[f.sort]);
  return f.descending ? sorted.reverse() : sorted;
}

/** Count of jobs per filter value, for the filter's options ("Shipping (2)"). */
export function countByState(jobs: readonly JobView[]): Record<string, number> {
  const counts: Record<string, number> = { all: jobs.length, attention: jobs.filter(needsCustomer).length };
  for (const j of jobs) counts[j.state] = (counts[j.state] ?? 0) + 1;
  return counts;
}

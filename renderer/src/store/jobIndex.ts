// Which jobs the list shows, in which order, kept as a prepared index so that a keystroke in the
// search, a filter or a sort costs a scan of short strings, not a pass over every job's row: each
// job's searchable words (job, storage account, data center, drive ids, tracking number) lowered
// once, its sort keys computed once, and one sorted order per sort key, built when first asked
// and then kept up to date one job at a time. The filters: the state ("needs you" = the customer
// has to act), a search over the names a person may remember, and the sort.
import { JOB_STATES } from '../../../shared/lifecycle/types';
import type { JobViewState } from '../../../shared/jobs/schemas';
import type { JobRow } from '../../../shared/jobs/row';

export type JobSort = 'updated' | 'name' | 'state' | 'progress';
export interface JobFilters {
  /** 'all', 'attention' (the customer has to act), or one state. */
  state: 'all' | 'attention' | JobViewState;
  query: string;
  sort: JobSort;
  descending: boolean;
}

/** When the job last changed, as far as Haul knows: the service's lastModifiedAt or the latest observed transition. */
export function lastUpdated(job: JobRow): number | undefined {
  let latest: number | undefined;
  for (const t of [job.lastModifiedAt, ...job.timeline.map((e) => e.at)]) {
    const at = t ? Date.parse(t) : NaN;
    if (!Number.isNaN(at) && (latest === undefined || at > latest)) latest = at;
  }
  return latest;
}

export function needsCustomer(job: JobRow): boolean {
  return job.nextStep.actor === 'customer';
}

interface Entry {
  row: JobRow;
  /** The searchable words, lowered, one per line. */
  hay: string;
  updated: number;
  stateRank: number;
  /** Percent copied as the verdict reckons it (bytes imported over the manifests' bytes); -1 when unknown. */
  progress: number;
  attention: boolean;
}

const stateRank = (s: string) => {
  const i = (JOB_STATES as readonly string[]).indexOf(s);
  return i < 0 ? JOB_STATES.length : i;
};

function entryOf(row: JobRow): Entry {
  const words = [
    row.name,
    row.storageAccount,
    row.location.name,
    row.deliveryPackage?.trackingNumber,
    ...row.drives.map((d) => d.driveId),
  ];
  return {
    row,
    hay: words
      .filter((w) => w)
      .join('\n')
      .toLowerCase(),
    updated: lastUpdated(row) ?? 0,
    stateRank: stateRank(row.state),
    progress: row.verdict.progress.percent ?? -1,
    attention: needsCustomer(row),
  };
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export class JobIndex {
  private readonly entries = new Map<string, Entry>();
  /** Ascending order per sort key, names only; built on first use. */
  private readonly orders = new Map<JobSort, string[]>();

  constructor(rows: Iterable<JobRow> = []) {
    for (const r of rows) this.entries.set(r.name, entryOf(r));
  }

  get size(): number {
    return this.entries.size;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  private compare(sort: JobSort): (a: string, b: string) => number {
    const e = (n: string) => this.entries.get(n)!;
    const byName = (a: string, b: string) => collator.compare(a, b);
    switch (sort) {
      case 'name':
        return byName;
      case 'state':
        return (a, b) => e(a).stateRank - e(b).stateRank || byName(a, b);
      case 'progress':
        return (a, b) => e(a).progress - e(b).progress || byName(a, b);
      case 'updated':
        return (a, b) => e(a).updated - e(b).updated || byName(a, b);
    }
  }

  private order(sort: JobSort): string[] {
    let order = this.orders.get(sort);
    if (!order) {
      order = [...this.entries.keys()].sort(this.compare(sort));
      this.orders.set(sort, order);
    }
    return order;
  }

  /** Adds a job or replaces its row; each kept order moves that one name to its new place. */
  upsert(row: JobRow): void {
    const known = this.entries.has(row.name);
    this.entries.set(row.name, entryOf(row));
    for (const [sort, order] of this.orders) {
      if (known) order.splice(order.indexOf(row.name), 1);
      const cmp = this.compare(sort);
      let lo = 0;
      let hi = order.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cmp(order[mid]!, row.name) < 0) lo = mid + 1;
        else hi = mid;
      }
      order.splice(lo, 0, row.name);
    }
  }

  remove(name: string): void {
    if (!this.entries.delete(name)) return;
    for (const order of this.orders.values()) order.splice(order.indexOf(name), 1);
  }

  row(name: string): JobRow | undefined {
    return this.entries.get(name)?.row;
  }

  /** The names the list shows, in its order. */
  query(f: JobFilters): string[] {
    const order = this.order(f.sort);
    const q = f.query.trim().toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < order.length; i++) {
      const name = order[f.descending ? order.length - 1 - i : i]!;
      const e = this.entries.get(name)!;
      if (f.state !== 'all' && (f.state === 'attention' ? !e.attention : e.row.state !== f.state)) continue;
      if (q && !e.hay.includes(q)) continue;
      out.push(name);
    }
    return out;
  }

  /** Count of jobs per filter value, for the filter's options ("Shipping (2)"). */
  counts(): Record<string, number> {
    const counts: Record<string, number> = { all: this.entries.size, attention: 0 };
    for (const e of this.entries.values()) {
      if (e.attention) counts.attention = (counts.attention ?? 0) + 1;
      counts[e.row.state] = (counts[e.row.state] ?? 0) + 1;
    }
    return counts;
  }
}

/** The jobs the list shows, in order (one-off: the store keeps a JobIndex instead). */
export function visibleJobs<T extends JobRow>(jobs: readonly T[], f: JobFilters): T[] {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  return new JobIndex(jobs).query(f).map((n) => byName.get(n)!);
}

export function countByState(jobs: readonly JobRow[]): Record<string, number> {
  return new JobIndex(jobs).counts();
}

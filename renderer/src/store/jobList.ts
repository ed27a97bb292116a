// The jobs list as the Jobs screen shows it: the filters, and the names it shows in order, worked
// out from a prepared index (jobIndex.ts) when the jobs or the filters change, never while drawing.
// The jobs slice hands each change on (put, drop, replace), so a job.updated event moves one row.
import { JobIndex, type JobFilters } from './jobIndex';
import type { JobRow } from '../../../shared/jobs/row';
import type { SliceCreator } from './slice';

export type { JobFilters, JobSort } from './jobIndex';

export interface JobListSlice {
  filters: JobFilters;
  /** The names the list shows, in its order. */
  shown: string[];
  /** Jobs per filter value ("all", "attention", each state). */
  counts: Record<string, number>;
  setFilters(change: Partial<JobFilters>): void;
  /** The whole list, as the service answered it. */
  replace(rows: readonly JobRow[]): void;
  put(row: JobRow): void;
  drop(name: string): void;
}

declare module './slice' {
  interface HaulState {
    jobList: JobListSlice;
  }
}

export const createJobListSlice: SliceCreator<'jobList'> = (set, get) => {
  let index = new JobIndex();
  const changed = () => set({ shown: index.query(get().jobList.filters), counts: index.counts() });
  return {
    filters: { state: 'all', query: '', sort: 'updated', descending: true },
    shown: [],
    counts: { all: 0, attention: 0 },
    setFilters(change) {
      const filters = { ...get().jobList.filters, ...change };
      set({ filters, shown: index.query(filters) });
    },
    replace(rows) {
      index = new JobIndex(rows);
      changed();
    },
    put(row) {
      index.upsert(row);
      changed();
    },
    drop(name) {
      if (!index.has(name)) return;
      index.remove(name);
      changed();
    },
  };
};

// The drive logs the viewer has read (jobs.log), each with its filters and the rows they show,
// worked out from a prepared index (logIndex.ts) when the log or the filters change.
import { messageOf } from '../../../shared/errors';
import type { JobLog } from '../../../shared/ipc/channels/jobs';
import type { BridgeError } from '../../../shared/ipc/contract';
import { bridge } from '../bridge';
import { logSummary, prepareLog, shownRows, statusCounts, type LogFilters } from './logIndex';
import type { SliceCreator } from './slice';

export type { LogFilters } from './logIndex';

export interface LogEntry {
  loading: boolean;
  log?: JobLog;
  error?: BridgeError;
  filters: LogFilters;
  /** Indexes into log.rows of the rows shown, in order. */
  shown: number[];
  statuses: Array<{ status: string; count: number; issue: boolean }>;
  /** What the log says in one badge (files not imported, skipped …), once the log is read. */
  summary?: ReturnType<typeof logSummary>;
}

export interface LogsSlice {
  entries: Record<string, LogEntry>;
  load(name: string, driveId: string, kind: 'error' | 'verbose'): Promise<void>;
  setFilters(key: string, change: Partial<LogFilters>): void;
}

declare module './slice' {
  interface HaulState {
    logs: LogsSlice;
  }
}

export const logKey = (name: string, driveId: string, kind: 'error' | 'verbose') =>
  `${name}\u0000${driveId}\u0000${kind}`;

const NO_FILTERS: LogFilters = { onlyIssues: false, status: 'all', query: '' };

export const createLogsSlice: SliceCreator<'logs'> = (set, get) => {
  /** Prepared words per log key, kept beside the store (they never change for a log). */
  const hay = new Map<string, string[]>();
  const put = (key: string, entry: LogEntry) => set((s) => ({ entries: { ...s.entries, [key]: entry } }));
  return {
    entries: {},
    async load(name, driveId, kind) {
      const key = logKey(name, driveId, kind);
      const before = get().logs.entries[key] ?? { loading: true, filters: NO_FILTERS, shown: [], statuses: [] };
      put(key, { ...before, loading: true });
      let answer;
      try {
        answer = await bridge().jobsLog({ name, driveId, kind });
      } catch (err) {
        answer = {
          ok: false as const,
          error: { code: 'failed', message: messageOf(err) },
        };
      }
      const now = get().logs.entries[key] ?? before;
      if (!answer.ok) {
        put(key, { ...now, loading: false, error: answer.error });
        return;
      }
      const log = answer.value;
      const words = prepareLog(log.rows);
      hay.set(key, words);
      put(key, {
        loading: false,
        log,
        filters: now.filters,
        shown: shownRows(log.rows, words, now.filters),
        statuses: statusCounts(log.rows),
        summary: logSummary(log.status, log.rows),
      });
    },
    setFilters(key, change) {
      const entry = get().logs.entries[key];
      if (!entry) return;
      const filters = { ...entry.filters, ...change };
      const shown = entry.log ? shownRows(entry.log.rows, hay.get(key) ?? prepareLog(entry.log.rows), filters) : [];
      put(key, { ...entry, filters, shown });
    },
  };
};

// Which rows of a drive log the viewer shows: only issues or all, one status or all, and a search
// over blob, drive path, source file and message. Pure, for the unit tests.
import type { LogRow } from '../../../../shared/ipc/channels/jobs';

export interface LogFilters {
  onlyIssues: boolean;
  status: string;
  query: string;
}

export function visibleRows(rows: readonly LogRow[], f: LogFilters): LogRow[] {
  const q = f.query.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!f.onlyIssues || r.issue) &&
      (f.status === 'all' || r.status === f.status) &&
      (!q || [r.blobPath, r.filePath, r.sourcePath, r.message, r.importedAs].some((v) => v?.toLowerCase().includes(q))),
  );
}

/** The statuses present, issues first, each with its count. */
export function statusCounts(rows: readonly LogRow[]): Array<{ status: string; count: number; issue: boolean }> {
  const m = new Map<string, { status: string; count: number; issue: boolean }>();
  for (const r of rows) {
    const e = m.get(r.status) ?? { status: r.status, count: 0, issue: false };
    e.count++;
    e.issue ||= r.issue;
    m.set(r.status, e);
  }
  return [...m.values()].sort(
    (a, b) => Number(b.issue) - Number(a.issue) || b.count - a.count || a.status.localeCompare(b.status),
  );
}

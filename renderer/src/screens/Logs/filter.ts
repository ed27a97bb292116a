// Which rows of a drive log the viewer shows: only issues or all, one status or all, and a search
// over blob, drive path, source file and message. Pure, for the unit tests.
import type { LogRow } from '../../../../shared/ipc/channels/jobs';
import type { Tone } from '../../../../shared/jobs/schemas';

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

/**
 * What the log says in one badge: a drive the data center could not read (its status says so),
 * else from its rows' outcomes — files not imported first, then warnings.
 */
export function logSummary(status: string, rows: readonly LogRow[]): { label: string; tone: Tone } {
  if (!/^Completed(With(Info|Warnings|Errors))?$/.test(status))
    return { label: 'The drive could not be read', tone: 'danger' };
  const failed = rows.filter((r) => r.outcome.kind === 'failed').length;
  const warned = rows.filter((r) => r.outcome.kind === 'skipped' || r.outcome.kind === 'renamed').length;
  const replaced = rows.filter((r) => r.outcome.kind === 'overwritten').length;
  const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
  if (failed) return { label: `${files(failed)} not imported`, tone: 'danger' };
  if (warned) return { label: `${files(warned)} skipped or renamed`, tone: 'warning' };
  if (replaced) return { label: `${files(replaced)} replaced existing blobs`, tone: 'informative' };
  return { label: 'No file failed', tone: 'success' };
}

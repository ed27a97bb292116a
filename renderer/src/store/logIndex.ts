// Which rows of a drive log the viewer shows: only issues or all, one status or all, and a search
// over blob, drive path, source file and message. The searchable words of each row are lowered once
// when the log arrives (prepareLog), so a keystroke scans short strings.
import type { LogRow } from '../../../shared/ipc/channels/jobs';

export interface LogFilters {
  onlyIssues: boolean;
  status: string;
  query: string;
}

/** Each row's searchable words, lowered, one per line; in the rows' order. */
export function prepareLog(rows: readonly LogRow[]): string[] {
  return rows.map((r) =>
    [r.blobPath, r.filePath, r.sourcePath, r.message, r.importedAs]
      .filter((v) => v)
      .join('\n')
      .toLowerCase(),
  );
}

/** The indexes of the rows shown, in the log's order. */
export function shownRows(rows: readonly LogRow[], hay: readonly string[], f: LogFilters): number[] {
  const q = f.query.trim().toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (f.onlyIssues && !r.issue) continue;
    if (f.status !== 'all' && r.status !== f.status) continue;
    if (q && !hay[i]!.includes(q)) continue;
    out.push(i);
  }
  return out;
}

export function visibleRows(rows: readonly LogRow[], f: LogFilters): LogRow[] {
  return shownRows(rows, prepareLog(rows), f).map((i) => rows[i]!);
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

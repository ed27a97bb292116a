// DriveLog -> rows for the log viewer (pure): one row per blob, with the status code, the data
// center's message, and the customer's own source file when the caller knows it (Haul prepared the
// drive; the prep journal maps drive files back to sources).
import { blobHasIssue, parseDriveLog, type DriveLogAsRead } from '../formats/driveLog';
import type { JobLog, LogRow } from '../ipc/channels/jobs';
import { failureReason, fileOutcome } from './verdict';

const FAILED_BLOCK = (s: string) => s !== 'Completed' && s !== 'Uncommitted';

export function driveLogRows(
  log: DriveLogAsRead,
  sourceOf: (row: { filePath: string; blobPath: string }) => string | undefined = () => undefined,
): LogRow[] {
  return log.blobs.map((b) => {
    const source = sourceOf({ filePath: b.filePath, blobPath: b.blobPath });
    return {
      blobPath: b.blobPath,
      filePath: b.filePath,
      ...(source ? { sourcePath: source } : {}),
      status: b.status,
      ...(b.message ? { message: b.message } : {}),
      length: b.length,
      ...(b.importDisposition ? { disposition: b.importDisposition.status } : {}),
      ...(b.importedAs ? { importedAs: b.importedAs } : {}),
      failedBlocks: b.blocks.filter((k) => FAILED_BLOCK(k.status)).length,
      issue: blobHasIssue(b),
      outcome: fileOutcome({ status: b.status, disposition: b.importDisposition?.status, reason: failureReason(b) }),
    };
  });
}

/** Parses a DriveLog document into the log viewer's answer; throws an Error naming the element at fault. */
export function readDriveLog(
  xml: string,
  meta: { name: string; driveId: string; kind: 'error' | 'verbose' },
  sourceOf?: (row: { filePath: string; blobPath: string }) => string | undefined,
): JobLog {
  const log = parseDriveLog(xml);
  const rows = driveLogRows(log, sourceOf);
  return {
    name: meta.name,
    driveId: meta.driveId,
    kind: meta.kind,
    status: log.status,
    ...(log.message ? { message: log.message } : {}),
    rows,
    issues: rows.filter((r) => r.issue).length,
  };
}

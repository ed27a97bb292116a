// What the Prepare step says about a session's events, in words: one line per event worth saying.
import { formatBytes } from '../../../../shared/prep/names';
import type { PrepEvent } from '../../../../shared/prep/types';

export /** The same message a drive repeats (e.g. each file of a pulled drive) is said once. */
function dedupe(notes: PrepEvent[]): PrepEvent[] {
  const seen = new Set<string>();
  return notes.filter((e) => {
    const k = noteText(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function noteText(e: PrepEvent): string {
  switch (e.type) {
    case 'file-error':
      return `${e.source}: ${e.message}`;
    case 'drive-full':
      return `${e.driveId} is full: ${e.message}`;
    case 'drive-removed':
      return `${e.driveId} (${e.target}) was pulled out: ${e.message} Plug it back in and press Resume.`;
    case 'drive-done':
      return `${e.driveId}: ${e.files.toLocaleString()} files, ${formatBytes(e.bytes)} copied; manifest written.`;
    case 'verify-result':
      return e.ok
        ? `${e.driveId} verified: ${e.blobs.toLocaleString()} blobs, ${e.blocks.toLocaleString()} blocks read back and matched.`
        : `${e.driveId} did not verify: ${e.mismatches.slice(0, 3).join('; ')}`;
    case 'done':
      return e.message;
    case 'keep-awake':
      return e.message;
    case 'preflight':
      return `${e.problems.length} pre-flight problems.`;
    case 'plan':
      return 'Planned.';
    case 'progress':
      return '';
  }
}

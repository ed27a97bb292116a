// What the Prepare step says about a session's events, in words: one line per event worth saying.
import { formatBytes } from '../../../../shared/prep/names';
import type { PrepEvent } from '../../../../shared/prep/types';
import { plural } from '../../format';

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
      return e.files
        ? `${e.driveId}: ${plural(e.files, 'file')}, ${formatBytes(e.bytes)} copied; manifest written.`
        : `${e.driveId}: nothing new to copy onto it; manifest written.`;
    case 'verify-result': {
      if (!e.ok) return `${e.driveId} did not verify: ${e.mismatches.slice(0, 3).join('; ')}`;
      const read = e.blobs
        ? `${plural(e.blobs, 'file')} (${plural(e.blocks, 'block')}) read back and matched`
        : 'its manifest read back and matched';
      const earlier = e.earlierFiles
        ? `; ${plural(e.earlierFiles, 'file')} verified by an earlier run and not written since ${e.earlierFiles === 1 ? 'was' : 'were'} not read again`
        : '';
      return `${e.driveId} verified: ${read}${earlier}.`;
    }
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

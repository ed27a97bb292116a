// What the last verify of a preparation read, and what a full verify would take: every block of
// every attached drive, all drives at once, each at the read speed its own verify measured.
import type { PreparedDrive } from '../../../shared/prep/session';

export interface FullVerify {
  /** bytes a full verify reads */
  bytes: number;
  /** how long it would take (the slowest drive), when every drive's read speed is known */
  seconds?: number;
  /** files and bytes the last verify did not read again: an earlier run verified them */
  earlierFiles: number;
  earlierBytes: number;
}

/** What a full verify of these drives means; undefined when there is no drive to read. */
export function fullVerifyOf(drives: PreparedDrive[]): FullVerify | undefined {
  const attached = drives.filter((d) => !d.notAttached);
  if (!attached.length) return undefined;
  const known = attached.every((d) => d.readSpeed !== undefined && d.readSpeed > 0);
  const out: FullVerify = {
    bytes: attached.reduce((n, d) => n + d.bytes, 0),
    earlierFiles: attached.reduce((n, d) => n + (d.verifiedEarlier?.files ?? 0), 0),
    earlierBytes: attached.reduce((n, d) => n + (d.verifiedEarlier?.bytes ?? 0), 0),
  };
  if (known) out.seconds = Math.max(...attached.map((d) => d.bytes / d.readSpeed!));
  return out;
}

/** "about 2 h 10 min", "about 40 s", "under a second": a duration as a person reads an estimate. */
export function aboutDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  const s = Math.round(seconds);
  if (s < 90) return `about ${s} s`;
  const minutes = Math.round(s / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `about ${m} min`;
  return `about ${h} h${m ? ` ${m} min` : ''}`;
}

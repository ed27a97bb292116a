// Whether a drive was copied, as far as what Get Job shows can tell: the one answer for the
// notices (which steps a job or drive went through between two polls) and the job's diagram.
import type { DriveState } from './types';

/** The drive states of a copy under way or done (D5-D7): a drive is in one only once its copy began. */
export const COPIED_DRIVE_STATES: readonly DriveState[] = ['Transferring', 'Completed', 'CompletedMoreInfo'];

/** What Get Job shows of a drive that bears on whether it was copied. */
export interface DriveCopyEvidence {
  state: string;
  bytesSucceeded: number;
  copyStatus?: string;
  errorLogUri?: string;
}

/**
 * The drive was copied (its data moved): it is in a copy state, or it carries what only a copy
 * leaves — bytes copied (G2), a copy status or an error log (G4) — as a drive shipped back after
 * its copy does. A drive shipped back uncopied (a cancelled job's, an extra one) carries none.
 */
export function wasCopied(d: DriveCopyEvidence): boolean {
  return (
    (COPIED_DRIVE_STATES as readonly string[]).includes(d.state) ||
    d.bytesSucceeded > 0 ||
    d.errorLogUri !== undefined ||
    d.copyStatus !== undefined
  );
}

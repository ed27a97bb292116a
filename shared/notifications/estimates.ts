// When the service's timers will fire for a job, estimated from what Get Job shows: the service
// clock's lastModifiedAt of the job plus the life cycle's durations (J2, J6, J12). Get Job does
// not return the deadlines themselves, so this is the customer's best reading of them.
import { FOURTEEN_DAYS, NINETY_DAYS } from '../lifecycle/derive';
import type { JobState } from '../lifecycle/types';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** J2 reminder: this long before a Creating job expires. */
export const CREATING_REMINDER_MS = 2 * DAY_MS;
/** J12 reminder: this long before a finished job (and its logs) is deleted. */
export const DELETE_REMINDER_MS = 7 * DAY_MS;

export interface Estimates {
  /** J2: a Creating job is deleted 14 days after it was created or last updated (J3). */
  creatingExpiresAt?: number;
  /** J6: a Shipping job whose package has not arrived 14 days later alerts the operators. */
  operatorsAlertedAt?: number;
  /** J12: a Completed or Closed job is deleted 90 days later. */
  deletedAt?: number;
}

export function estimates(state: JobState, modifiedAt: number | undefined): Estimates {
  if (modifiedAt === undefined) return {};
  if (state === 'Creating') return { creatingExpiresAt: modifiedAt + FOURTEEN_DAYS };
  if (state === 'Shipping') return { operatorsAlertedAt: modifiedAt + FOURTEEN_DAYS };
  if (state === 'Completed' || state === 'Closed') return { deletedAt: modifiedAt + NINETY_DAYS };
  return {};
}

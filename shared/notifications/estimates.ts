// How long before a deadline the customer is reminded. The deadlines themselves are the job
// view's estimates (shared/jobs: J2, J6, J12), since Get Job does not return them.
export const DAY_MS = 24 * 60 * 60 * 1000;
/** J2 reminder: this long before a Creating job expires. */
export const CREATING_REMINDER_MS = 2 * DAY_MS;
/** J12 reminder: this long before a finished job (and its logs) is deleted. */
export const DELETE_REMINDER_MS = 7 * DAY_MS;

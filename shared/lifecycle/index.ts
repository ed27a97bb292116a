// The job and drive life cycle (contract 1): one module that the local service enforces, the
// renderer draws and the tracker reasons about. Rule ids (J5, D4, ...) are those of
// ../shared/docs/lifecycle.md.
//
// Design: a reducer, not XState.
//   apply(job, event, now) -> { ok: true, job, effects } | Refusal
//   tick(job, now)         -> { ok: true, job, effects }
// The job is a plain JSON value; apply never mutates its input (it works on a structured clone);
// time is a number passed in, so tests move a clock and a restarted service simply calls tick()
// with the current time: every deadline is a stored timestamp, and tick() fires each due one at
// its own time (a job ticked 200 days late goes through J6, JE2 and J12 in order).
//
// Why not XState: the life cycle is two coupled machines, one job and up to ten drives, where
// the job state is *derived* from the drive states (J7-J11). In XState that means a parent actor
// with spawned drive actors and guards reading their snapshots, delayed transitions running on
// XState's scheduler (a simulated clock must be injected, and persisted snapshots must restore
// pending delays), and persistence through getPersistedSnapshot(). The renderer, the service and
// the tracker would all need the XState runtime to ask "may I cancel now?". A reducer over plain
// data does the same in less code, is trivially deterministic under fast-check, and round-trips
// through JSON with no extra machinery. What XState would give us, a declarative table that can be
// drawn, we keep: tables.ts holds every allowed transition as data; apply() asks the table whether
// an event is accepted in the current state and checks every state change it makes against it
// (an unlisted change throws: a bug, caught by the property tests), so the table cannot drift from
// the behaviour.
//
// Effects tell the caller what to do: deadlines scheduled or cleared (mirroring job.deadlines,
// so a caller may equally just arm one timer at nextDeadline(job)), alerts raised, the customer
// notified, drives to return or destroy, the job to delete, and state changes for notifications.
//
// Readings taken where lifecycle.md leaves room (each one is proven by a test in tests/lifecycle):
// - J7-J9 count the job's own drives that reached the data center; a drive missing from the
//   package (NeverReceived, D4) does not hold the job back, and counts as an error for J11.
//   Warnings and overwrite notices (D7) are not errors: such a job ends Completed.
// - JE1: drives that arrive while the job is Creating are held (drive states untouched, J1); set
//   Shipping processes them at once; otherwise they are returned 14 days after arrival (destroyed
//   after 90 when there is no return address) and the job is deleted.
// - JE2: updating the delivery package (or setting Shipping again) while Shipping restarts the
//   14-day wait; cancelling after the overdue notice ends the job Completed (J14), and so does the
//   30-day timer when the customer had already cancelled.
// - JE4: a wrong return address blocks DrivesShippedBack; CustomerUnreachable starts the 90-day
//   destruction timer; correcting the address (customer or operators) stops it.
// - F1/F2: a Faulted drive counts as the state it left; a Faulted job's timers stop and start again
//   (fresh) when it is resolved, to the state its drives call for.

export * from './types';
export { createJob, apply, tick, LifecycleInputError } from './machine';
export {
  DAY,
  FOURTEEN_DAYS,
  THIRTY_DAYS,
  NINETY_DAYS,
  allowed,
  checkCancel,
  checkDelete,
  checkSetShipping,
  checkUpdate,
  consistencyProblems,
  drivePercentComplete,
  expectedJobState,
  jobView,
  missingForShipping,
  nextDeadline,
  pendingDeadlines,
  upcoming,
  percentComplete,
  refusalStatus,
  returnShipmentAdvice,
} from './derive';
export type { JobView, Upcoming } from './derive';
export {
  EVENT_LABEL,
  EVENT_SIDE,
  diagram,
  driveTransitions,
  jobAccepts,
  jobTransitions,
  statesAccepting,
} from './tables';
export {
  createJobInputSchema,
  driveIdSchema,
  lifecycleEventSchema,
  lifecycleJobSchema,
  parseJob,
  returnAddressSchema,
  deliveryPackageSchema,
  serializeJob,
} from './schemas';

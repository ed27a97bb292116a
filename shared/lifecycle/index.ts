// The job and drive life cycle: one module that the local service enforces, the renderer draws
// and the tracker reasons about. The rules (ids J5, D4, ...), the readings taken where the
// Import/Export documentation is silent, and why this is a reducer rather than XState are in
// docs/lifecycle.md.
//
//   apply(job, event, now) -> { ok: true, job, effects } | Refusal
//   tick(job, now)         -> { ok: true, job, effects }
// The job is plain JSON; apply never mutates its input; time is passed in, and every deadline is
// a stored timestamp that tick() fires at its own time.

export * from './types';
export { createJob, apply, tick, LifecycleInputError } from './machine';
export { COPIED_DRIVE_STATES, wasCopied, type DriveCopyEvidence } from './copied';
export { askAboutThePackage, CANCEL_BEFORE_SHIPPING, CANCEL_SKIPS_COPY, KEEP_THE_LOGS } from './guidance';
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

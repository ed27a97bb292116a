// The job and drive life cycle (contract 1): one module that the local service enforces, the
// renderer draws and the tracker reasons about. Design notes are in machine.ts; the transition
// tables (the single source of truth for what may follow what) in tables.ts.
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
  percentComplete,
  refusalStatus,
  returnShipmentAdvice,
} from './derive';
export type { JobView } from './derive';
export {
  EVENT_LABEL,
  EVENT_SIDE,
  diagram,
  driveTransitions,
  jobAccepts,
  jobTransitions,
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

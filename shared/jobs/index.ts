// The app's view of jobs (pure): the JobView and job record schemas, ARM -> view, and the record's rules.
export * from './schemas';
export { JobRow, rowOf } from './row';
export {
  buildJobView,
  dataCenterView,
  formatTime,
  locationMatches,
  normalizeDriveState,
  normalizeJobState,
  shipPermission,
  viewChanged,
  type ViewExtras,
} from './view';
export { markGone, markUpdated, observe, type ObservedVia } from './observe';
export { driveLogRows, readDriveLog } from './log';
export {
  driveVerdict,
  failureReason,
  fileOutcome,
  jobVerdict,
  notReceivedOutcome,
  percentOf,
  reasonWords,
  summariseDriveLog,
  type DriveFacts,
  type JobFacts,
} from './verdict';

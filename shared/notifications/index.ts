// Notifications, pure: what a notice is, the diff that makes them from two looks at a job, the
// words, and the settings that decide whether one pops up.
export * from './schemas';
export * from './snapshot';
export * from './steps';
export * from './estimates';
export * from './diff';
export * from './settings';

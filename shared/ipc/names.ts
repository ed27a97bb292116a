// The bridge's names, without schemas: the preload (a sandboxed, dependency-free bundle) needs
// only these. `contract.ts` pairs every name with its schema and is checked against this list.
// One block per namespace; each namespace's schemas live in `channels/<namespace>.ts` and its
// handlers in `main/core/bridge/handlers/<namespace>.ts`.

export const APP_CHANNELS = ['app.info'] as const;
export const DRIVES_CHANNELS = ['drives.list', 'drives.prepared', 'drives.release'] as const;
export const SERVICE_CHANNELS = ['service.status'] as const;

/** Jobs of the connected resource group: list (full views, or the screen's rows), get, ship, update, cancel, delete, keys, logs, locations. */
export const JOBS_CHANNELS = [
  'jobs.list',
  'jobs.rows',
  'jobs.get',
  'jobs.create',
  'jobs.update',
  'jobs.ship',
  'jobs.cancel',
  'jobs.delete',
  'jobs.bitLockerKeys',
  'jobs.log',
  'locations.list',
  'storage.accounts',
  'storage.containers',
  'storage.blobs',
  'storage.estimate',
] as const;

/** Drive preparation sessions, drafts of the new-job wizard, and the folder browser. */
export const PREP_CHANNELS = [
  'prep.plan',
  'prep.start',
  'prep.cancel',
  'prep.resume',
  'prep.sessions',
  'prep.forget',
  'prep.verify',
  'prep.previewExport',
  'fs.browse',
  'drafts.list',
  'drafts.get',
  'drafts.save',
  'drafts.delete',
  'drafts.contact',
  'drafts.saveContact',
] as const;

/** Settings, secrets and the connection (local sandbox or Azure). */
export const SETTINGS_CHANNELS = [
  'settings.get',
  'settings.set',
  'connection.status',
  'connection.signIn',
  'connection.signOut',
  'connection.subscriptions',
  'connection.resourceGroups',
  'connection.use',
] as const;

/** The tracker and the in-app notification centre. */
export const NOTIFICATIONS_CHANNELS = [
  'notifications.list',
  'notifications.markRead',
  'notifications.settings.get',
  'notifications.settings.set',
  'tracker.refresh',
  'tracker.status',
] as const;

/** BitLocker: a drive's state, its recovery password checked (or, on Windows, read), BitLocker turned on (Windows). */
export const BITLOCKER_CHANNELS = [
  'bitlocker.status',
  'bitlocker.check',
  'bitlocker.readKey',
  'bitlocker.support',
  'bitlocker.turnOn',
  'bitlocker.tasks',
] as const;
/** The end of a job: the completion report, verify the import, an export job's returned drive. */
export const REPORT_CHANNELS = [
  'report.get',
  'report.rows',
  'report.csv',
  'report.pdf',
  'report.resend',
  'verifyImport.start',
  'verifyImport.cancel',
  'verifyImport.status',
  'received.check',
  'received.copy',
  'received.cancel',
  'received.status',
] as const;

/** Request/response channels: renderer asks, main answers. */
export const CHANNELS = [
  ...APP_CHANNELS,
  ...DRIVES_CHANNELS,
  ...SERVICE_CHANNELS,
  ...JOBS_CHANNELS,
  ...PREP_CHANNELS,
  ...SETTINGS_CHANNELS,
  ...NOTIFICATIONS_CHANNELS,
  ...BITLOCKER_CHANNELS,
  ...REPORT_CHANNELS,
] as const;

export const DRIVES_EVENTS = ['drives.changed'] as const;
export const SERVICE_EVENTS = ['service.changed'] as const;

export const JOBS_EVENTS = ['job.updated'] as const;

export const PREP_EVENTS = ['prep.progress', 'prep.session'] as const;

export const SETTINGS_EVENTS = ['settings.changed', 'connection.changed'] as const;

export const NOTIFICATIONS_EVENTS = [
  'notification',
  'notifications.changed',
  'notification.open',
  'tracker.changed',
] as const;

export const REPORT_EVENTS = ['verifyImport.progress', 'received.progress'] as const;
export const BITLOCKER_EVENTS = ['bitlocker.progress'] as const;

/** Events main pushes to the renderer. */
export const EVENTS = [
  ...DRIVES_EVENTS,
  ...SERVICE_EVENTS,
  ...JOBS_EVENTS,
  ...PREP_EVENTS,
  ...SETTINGS_EVENTS,
  ...NOTIFICATIONS_EVENTS,
  ...REPORT_EVENTS,
  ...BITLOCKER_EVENTS,
] as const;

export type ChannelName = (typeof CHANNELS)[number];
export type EventName = (typeof EVENTS)[number];
export type JobsChannel = (typeof JOBS_CHANNELS)[number];
export type PrepChannel = (typeof PREP_CHANNELS)[number];
export type SettingsChannel = (typeof SETTINGS_CHANNELS)[number];
export type SettingsEvent = (typeof SETTINGS_EVENTS)[number];
export type NotificationsChannel = (typeof NOTIFICATIONS_CHANNELS)[number];
export type BitLockerChannel = (typeof BITLOCKER_CHANNELS)[number];
export type NotificationsEvent = (typeof NOTIFICATIONS_EVENTS)[number];
export type ReportChannel = (typeof REPORT_CHANNELS)[number];
export type ReportEvent = (typeof REPORT_EVENTS)[number];

/** `app.info` -> `appInfo`: the bridge's method name for a channel. */
export function methodName(channel: ChannelName): string {
  return channel.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** `drives.changed` -> `onDrivesChanged`: the bridge's subscribe function for an event. */
export function eventMethodName(event: EventName): string {
  const camel = event.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());
  return `on${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
}

/**
 * Browser mode: the bridge socket's name, relative to the app's folder (`http://127.0.0.1:PORT/<base>/`,
 * a random folder per run that the token cookie is bound to). The page and the socket share one origin.
 */
export const BRIDGE_PATH = 'bridge';

// The app itself, its drives and the service it talks to: the bridge's first namespaces.
import * as z from 'zod';
import { classifiedDrive } from '../../prep/types';
import type { ChannelSpec, EventSpec } from './spec';

export const empty = z.object({}).strict();

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** The Import/Export service Haul talks to. The token stays in main. */
export const ServiceStatus = z.object({
  state: z.enum(['off', 'starting', 'ready', 'failed']),
  kind: z.enum(['local', 'none']),
  endpoint: z.string().optional(),
  subscriptionId: z.string().optional(),
  resourceGroup: z.string().optional(),
  logFile: z.string().optional(),
  message: z.string().optional(),
  // Whether the service answers (set by main's service client once it has called it)
  /** true after a good answer, false once a call could not reach the service; absent before the first call. */
  online: z.boolean().optional(),
  /** When the service last answered (ISO 8601). */
  lastOkAt: z.string().optional(),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const appChannels = {
  'app.info': { request: empty, response: AppInfo },
} satisfies ChannelSpec<'app.info'>;

export const drivesChannels = {
  /** Every drive, classified as a copy target: ok, warned or blocked, with the reasons in words. */
  'drives.list': { request: empty, response: z.array(classifiedDrive) },
  /**
   * Drives (and folders the app prepared) that hold a Haul header: the job they are bound to, and
   * whether that job still exists (`job`: in the service, `draft`: a wizard draft, `none`, or
   * `unknown` while the service does not answer).
   */
  'drives.prepared': {
    request: empty,
    response: z.array(
      z.object({
        path: z.string(),
        driveId: z.string(),
        jobName: z.string(),
        sessionIds: z.array(z.string()),
        bytes: z.number(),
        bound: z.enum(['job', 'draft', 'none', 'unknown']),
      }),
    ),
  },
  /** Removes Haul's files (header, manifest, session folders) from a prepared drive; the person typed its job name. */
  'drives.release': {
    request: z.object({ path: z.string().min(1).max(4096), jobName: z.string().max(64) }).strict(),
    response: z.object({
      path: z.string(),
      driveId: z.string(),
      jobName: z.string(),
      removedFiles: z.number(),
      removedBytes: z.number(),
      kept: z.array(z.string()),
    }),
  },
} satisfies ChannelSpec<'drives.list' | 'drives.prepared' | 'drives.release'>;

export const drivesEvents = {
  /** Hot-plug: the new list, and the devices that came and went. */
  'drives.changed': z.object({
    drives: z.array(classifiedDrive),
    added: z.array(z.string()),
    removed: z.array(z.string()),
  }),
} satisfies EventSpec<'drives.changed'>;

export const serviceChannels = {
  'service.status': { request: empty, response: ServiceStatus },
} satisfies ChannelSpec<'service.status'>;

export const serviceEvents = {
  'service.changed': ServiceStatus,
} satisfies EventSpec<'service.changed'>;

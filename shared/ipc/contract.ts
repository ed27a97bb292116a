// The one typed contract between the renderer and main. Both transports (Electron IPC and the
// browser-mode WebSocket) carry exactly this, and main validates every request with these schemas
// before a handler sees it.
import { z } from 'zod';
import type { ChannelName, EventName } from './names';
import { classifiedDrive } from '../prep/types';

export type { ClassifiedDrive } from '../prep/types';

const empty = z.object({}).strict();

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
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const channels = {
  'app.info': { request: empty, response: AppInfo },
  /** Every drive, classified as a copy target: ok, warned or blocked, with the reasons in words. */
  'drives.list': { request: empty, response: z.array(classifiedDrive) },
  'service.status': { request: empty, response: ServiceStatus },
} satisfies Record<ChannelName, { request: z.ZodType; response: z.ZodType }>;

export const Notification = z.object({
  title: z.string(),
  body: z.string(),
  jobName: z.string().optional(),
});

export const events = {
  /** Hot-plug: the new list, and the devices that came and went. */
  'drives.changed': z.object({ drives: z.array(classifiedDrive), added: z.array(z.string()), removed: z.array(z.string()) }),
  'prep.progress': z.object({ sessionId: z.string(), bytesDone: z.number(), bytesTotal: z.number() }).passthrough(),
  'job.updated': z.object({ jobName: z.string(), state: z.string() }).passthrough(),
  notification: Notification,
  'service.changed': ServiceStatus,
} satisfies Record<EventName, z.ZodType>;

export type RequestOf<C extends ChannelName> = z.input<(typeof channels)[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<(typeof channels)[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What every transport carries back: a value, or an error a person can act on. */
export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: BridgeError };
export interface BridgeError {
  /** Stable, machine-readable: `bad-request`, `unknown-channel`, `forbidden`, `failed`. */
  code: string;
  /** For the person: what happened and what to do. */
  message: string;
}

/** Thrown in the renderer when main answers with an error. */
export class BridgeCallError extends Error {
  constructor(
    readonly channel: ChannelName,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeCallError';
  }
}

// The one typed contract between the renderer and main. Both transports (Electron IPC and the
// browser-mode WebSocket) carry exactly this, and main validates every request with these schemas
// before a handler sees it.
import { z } from 'zod';
import type { ChannelName, EventName } from './names';

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

/** drivelist's record, as it reports it (raw for now; classification comes with drive preparation). */
export const RawDrive = z.object({
  device: z.string(),
  raw: z.string(),
  description: z.string(),
  size: z.number().nullable(),
  mountpoints: z.array(z.object({ path: z.string(), label: z.string().nullable().optional() })),
  isSystem: z.boolean(),
  isRemovable: z.boolean(),
  isReadOnly: z.boolean(),
  isVirtual: z.boolean().nullable(),
  isUSB: z.boolean().nullable(),
  busType: z.string(),
  error: z.string().nullable(),
});
export type RawDrive = z.infer<typeof RawDrive>;

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
  'drives.list': { request: empty, response: z.array(RawDrive) },
  'service.status': { request: empty, response: ServiceStatus },
} satisfies Record<ChannelName, { request: z.ZodType; response: z.ZodType }>;

export const Notification = z.object({
  title: z.string(),
  body: z.string(),
  jobName: z.string().optional(),
});

export const events = {
  'drives.changed': z.object({ drives: z.array(RawDrive) }),
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

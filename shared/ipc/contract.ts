// The one typed contract between the renderer and main. Both transports (Electron IPC and the
// browser-mode WebSocket) carry exactly this, and main validates every request with these schemas
// before a handler sees it. Each namespace keeps its schemas in `channels/<namespace>.ts`.
import type { z } from 'zod';
import type { ChannelName, EventName } from './names';
import { appChannels, drivesChannels, drivesEvents, serviceChannels, serviceEvents } from './channels/app';
import { jobsChannels, jobsEvents } from './channels/jobs';
import { prepChannels, prepEvents } from './channels/prep';
import { settingsChannels, settingsEvents } from './channels/settings';
import { notificationsChannels, notificationsEvents } from './channels/notifications';
import { bitlockerChannels, bitlockerEvents } from './channels/bitlocker';
import { reportChannels, reportEvents } from './channels/report';

export type { ClassifiedDrive } from '../prep/types';
export { AppInfo, ServiceStatus } from './channels/app';

export const channels = {
  ...appChannels,
  ...drivesChannels,
  ...serviceChannels,
  ...jobsChannels,
  ...prepChannels,
  ...settingsChannels,
  ...notificationsChannels,
  ...bitlockerChannels,
  ...reportChannels,
} satisfies Record<ChannelName, { request: z.ZodType; response: z.ZodType }>;

export const events = {
  ...drivesEvents,
  ...serviceEvents,
  ...jobsEvents,
  ...prepEvents,
  ...settingsEvents,
  ...notificationsEvents,
  ...reportEvents,
  ...bitlockerEvents,
} satisfies Record<EventName, z.ZodType>;

export type RequestOf<C extends ChannelName> = z.input<(typeof channels)[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<(typeof channels)[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What every transport carries back: a value, or an error a person can act on. */
export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: BridgeError };
export interface BridgeError {
  /** Stable, machine-readable: `bad-request`, `unknown-channel`, `forbidden`, `failed`, `offline`, or an ARM error code. */
  code: string;
  /** For the person: what happened and what to do. */
  message: string;
  /** ARM's `target`, or the form field the error is about, when there is one. */
  target?: string;
}

/** Thrown in main/core handlers to answer with a specific code and message (see dispatch.ts). */
export class HandlerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly target?: string,
  ) {
    super(message);
    this.name = 'HandlerError';
  }
}

/** Thrown in the renderer when main answers with an error. */
export class BridgeCallError extends Error {
  constructor(
    readonly channel: ChannelName,
    readonly code: string,
    message: string,
    readonly target?: string,
  ) {
    super(message);
    this.name = 'BridgeCallError';
  }
}

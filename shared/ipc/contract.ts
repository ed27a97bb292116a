// The one typed contract between the renderer and main. Both transports (Electron IPC and the
// browser-mode WebSocket) carry exactly this, and main validates every request with these schemas
// before a handler sees it. Each namespace keeps its schemas in `channels/<namespace>.ts`.
import type { z } from 'zod';
import type { ChannelName, EventName } from './names';
import { HaulError, type ErrorShape } from '../errors';
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
/** The error of a bridge answer: the one error shape (shared/errors.ts); main leaves its cause out. */
export type BridgeError = ErrorShape;

/** Thrown in main/core handlers to answer with a specific code and message (see dispatch.ts). */
export class HandlerError extends HaulError {
  constructor(code: string, message: string, target?: string, options?: { cause?: unknown }) {
    super(code, message, target, options);
    this.name = 'HandlerError';
  }
}

/** Thrown in the renderer when main answers with an error: the error's shape and the channel it answered. */
export class BridgeCallError extends HaulError {
  constructor(
    readonly channel: ChannelName,
    code: string,
    message: string,
    target?: string,
  ) {
    super(code, message, target);
    this.name = 'BridgeCallError';
  }
}

// The shape every namespace's schemas take: a request and a response schema per channel, one
// payload schema per event.
import type { z } from 'zod';
import type { ChannelName, EventName } from '../names';

export type ChannelSpec<C extends ChannelName> = Record<C, { request: z.ZodType; response: z.ZodType }>;
export type EventSpec<E extends EventName> = Record<E, z.ZodType>;

// What travels over the browser-mode WebSocket. Main validates every frame it receives.
import * as z from 'zod';
import type { BridgeResult } from './contract';

export const ClientFrame = z
  .object({
    id: z.number().int().nonnegative(),
    channel: z.string().max(100),
    payload: z.unknown(),
  })
  .strict();
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame = { id: number; result: BridgeResult<unknown> } | { event: string; payload: unknown };

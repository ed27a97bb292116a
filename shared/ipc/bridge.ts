// Builds `window.haul` from two transport primitives. The Electron preload and the browser-mode
// script both call this, so the renderer sees the same object whichever transport carries it:
// one function per channel (`haul.appInfo()`, `haul.drivesList()`) and one subscribe function
// per event (`haul.onDrivesChanged(cb)` returns an unsubscribe function).
import { CHANNELS, EVENTS, eventMethodName, methodName, type ChannelName, type EventName } from './names';
import type { BridgeResult, EventPayload, RequestOf, ResponseOf } from './contract';
import { readErrorShape } from '../errors';

export interface Transport {
  invoke(channel: ChannelName, payload: unknown): Promise<BridgeResult<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

type CamelTail<S extends string> = S extends `${infer H}.${infer T}` ? `${H}${Capitalize<CamelTail<T>>}` : S;
type MethodOf<C extends ChannelName> = CamelTail<C>;
type EventMethodOf<E extends EventName> = `on${Capitalize<CamelTail<E>>}`;

export type HaulBridge = {
  [C in ChannelName as MethodOf<C>]: (request?: RequestOf<C>) => Promise<BridgeResult<ResponseOf<C>>>;
} & {
  [E in EventName as EventMethodOf<E>]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

/**
 * The answer as the page may read it: a value, or an error in the one shape. Whatever a transport
 * hands back that is not (an old main, a broken frame) becomes an error with a message that says so.
 */
export function settle(channel: ChannelName, raw: unknown): BridgeResult<unknown> {
  const r = typeof raw === 'object' && raw !== null ? (raw as { ok?: unknown; value?: unknown; error?: unknown }) : {};
  if (r.ok === true) return { ok: true, value: r.value };
  return { ok: false, error: readErrorShape(r.error, channel) };
}

export function makeBridge(transport: Transport): HaulBridge {
  const bridge: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    bridge[methodName(channel)] = async (request?: unknown) =>
      settle(channel, await transport.invoke(channel, request ?? {}));
  }
  for (const event of EVENTS) {
    bridge[eventMethodName(event)] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${eventMethodName(event)} needs a function`);
      return transport.subscribe(event, listener);
    };
  }
  return Object.freeze(bridge) as HaulBridge;
}

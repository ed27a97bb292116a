// The bridge's names, without schemas: the preload (a sandboxed, dependency-free bundle) needs
// only these. `contract.ts` pairs every name with its schema and is checked against this list.

/** Request/response channels: renderer asks, main answers. */
export const CHANNELS = ['app.info', 'drives.list', 'service.status'] as const;
/** Events main pushes to the renderer. */
export const EVENTS = ['drives.changed', 'prep.progress', 'job.updated', 'notification', 'service.changed'] as const;

export type ChannelName = (typeof CHANNELS)[number];
export type EventName = (typeof EVENTS)[number];

/** `app.info` -> `appInfo`: the bridge's method name for a channel. */
export function methodName(channel: ChannelName): string {
  return channel.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** `drives.changed` -> `onDrivesChanged`: the bridge's subscribe function for an event. */
export function eventMethodName(event: EventName): string {
  const camel = event.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());
  return `on${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
}

/** Browser mode: path of the bridge socket; the page and the socket share one origin and one token cookie. */
export const BRIDGE_PATH = '/bridge';

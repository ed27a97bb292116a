// Browser mode's half of the bridge: defines window.haul over the loopback WebSocket that
// `haul serve` offers, with the same shape the Electron preload gives. The page's cookie carries
// the token; the server checks it and the Origin before it accepts the socket. The socket lives in
// the page's own folder (a random one per run, the only path the cookie is sent to).
import { messageOf } from '../../../shared/errors';
import { makeBridge, type Transport } from '../../../shared/ipc/bridge';
import type { BridgeResult } from '../../../shared/ipc/contract';
import type { ChannelName, EventName } from '../../../shared/ipc/names';
import { BRIDGE_PATH } from '../../../shared/ipc/names';
import type { ServerFrame } from '../../../shared/ipc/wire';

declare global {
  interface Window {
    haul?: unknown;
  }
}

function createSocketTransport(): Transport {
  const pending = new Map<number, (result: BridgeResult<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;
  let retryMs = 250;

  const lost = (message: string) => {
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'disconnected', message } });
    pending.clear();
  };

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise<WebSocket>((resolve, reject) => {
      const folder = location.pathname.replace(/[^/]*$/, '');
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${folder}${BRIDGE_PATH}`;
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        retryMs = 250;
        resolve(ws);
      };
      ws.onmessage = (msg) => {
        let frame: ServerFrame;
        try {
          frame = JSON.parse(String(msg.data)) as ServerFrame;
        } catch {
          return;
        }
        if ('id' in frame) {
          pending.get(frame.id)?.(frame.result);
          pending.delete(frame.id);
        } else {
          for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload);
        }
      };
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = undefined;
        opened = undefined;
        lost('The connection to Haul was lost. Is `haul serve` still running? Reload the page once it is.');
        if (!wasOpen)
          reject(
            new Error('Haul refused the connection: open the URL that `haul serve` printed (it carries the token).'),
          );
        // Keep event subscriptions alive across a restart of the server.
        if (listeners.size > 0) {
          setTimeout(() => void connect().catch(() => undefined), retryMs);
          retryMs = Math.min(retryMs * 2, 10_000);
        }
      };
    });
    return opened;
  };

  return {
    async invoke(channel: ChannelName, payload: unknown) {
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch (err) {
        return {
          ok: false,
          error: { code: 'disconnected', message: messageOf(err) },
        };
      }
      const id = nextId++;
      return new Promise<BridgeResult<unknown>>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, channel, payload }));
      });
    },
    subscribe(event: EventName, listener: (payload: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      void connect().catch(() => undefined);
      return () => {
        set.delete(listener);
      };
    },
  };
}

if (!window.haul) {
  Object.defineProperty(window, 'haul', {
    value: makeBridge(createSocketTransport()),
    writable: false,
    configurable: false,
  });
}

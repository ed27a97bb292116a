// The preload: runs sandboxed, with context isolation. It exposes window.haul — one function per
// channel and one subscribe function per event — and never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { makeBridge } from '../../shared/ipc/bridge';
import type { BridgeResult } from '../../shared/ipc/contract';
import type { EventName } from '../../shared/ipc/names';

const INVOKE = 'haul:invoke';
const EVENT = 'haul:event';

const listeners = new Map<string, Set<(payload: unknown) => void>>();
ipcRenderer.on(EVENT, (_e: IpcRendererEvent, event: string, payload: unknown) => {
  for (const listener of listeners.get(event) ?? []) listener(payload);
});

const bridge = makeBridge({
  invoke: (channel, payload) => ipcRenderer.invoke(INVOKE, channel, payload) as Promise<BridgeResult<unknown>>,
  subscribe(event: EventName, listener) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
});

contextBridge.exposeInMainWorld('haul', bridge);

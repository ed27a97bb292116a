// The event bus of main/core: services emit what changed (a job, a drive, a prep's progress), and
// the bridge carries each event to every window. Its own module, so a service can emit without
// importing the bridge that is built from it.
import { EventEmitter } from 'node:events';
import type { EventPayload } from '../../shared/ipc/contract';
import type { EventName } from '../../shared/ipc/names';

export interface CoreEvents {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  on(listener: (event: EventName, payload: unknown) => void): () => void;
}

export function createEvents(): CoreEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  return {
    emit(event, payload) {
      emitter.emit('event', event, payload);
    },
    on(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
  };
}

// main/core behind the bridge: one handler per channel, and the events main pushes. The Electron
// shell and browser mode both host exactly this object, so they behave the same. The services are
// built once by the composition root (main/core/services.ts); each namespace's handlers, in
// `handlers/<namespace>.ts`, map its channels to methods of those services.
import type { Handlers } from './context';
import type { CoreEvents } from '../events';
import { buildServices, type CoreOptions, type CoreServices } from '../services';
import { appHandlers } from './handlers/app';
import { bitlockerHandlers } from './handlers/bitlocker';
import { jobsHandlers } from './handlers/jobs';
import { notificationsHandlers } from './handlers/notifications';
import { prepHandlers } from './handlers/prep';
import { reportHandlers } from './handlers/report';
import { settingsHandlers } from './handlers/settings';

export type { CoreContext, CoreEvents, CoreOptions, CoreServices, Handlers } from './context';
export { shareWhileRunning } from '../services';

export interface Core {
  handlers: Handlers;
  events: CoreEvents;
  /** The services the handlers call (built once; tests reach into them). */
  context: CoreServices;
  dispose(): Promise<void>;
}

/** Every channel's handler, over one set of services. */
export function handlersOf(s: CoreServices): Handlers {
  return {
    ...appHandlers(s),
    ...settingsHandlers(s),
    ...jobsHandlers(s),
    ...prepHandlers(s),
    ...notificationsHandlers(s),
    ...bitlockerHandlers(s),
    ...reportHandlers(s),
  };
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const { services, dispose } = await buildServices(options);
  return { handlers: handlersOf(services), events: services.events, context: services, dispose };
}

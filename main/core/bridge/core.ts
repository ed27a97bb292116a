// main/core behind the bridge: one handler per channel, and the events main pushes. The Electron
// shell and browser mode both host exactly this object, so they behave the same. Each namespace
// builds its handlers from the context in `handlers/<namespace>.ts`.
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startLocalService } from '../backend/local';
import { listDrives } from '../drives/list';
import { DriveWatcher } from '../drives/watch';
import type { CoreContext, CoreEvents, CoreOptions, Handlers } from './context';
import { appHandlers, classify } from './handlers/app';
import { jobsHandlers } from './handlers/jobs';
import { notificationsHandlers } from './handlers/notifications';
import { prepHandlers } from './handlers/prep';
import { settingsHandlers } from './handlers/settings';
import { openSettings } from '../settings';
import { openConfBackend } from '../settings/conf';
import { openSecretStore } from '../secrets';
import { keyFileCipher } from '../secrets/keyFile';

export type { CoreContext, CoreEvents, CoreOptions, Handlers } from './context';

export interface Core {
  handlers: Handlers;
  events: CoreEvents;
  context: CoreContext;
  dispose(): Promise<void>;
}

function createEvents(): CoreEvents {
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

export async function createCore(options: CoreOptions): Promise<Core> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const events = createEvents();
  const disposers: Array<() => Promise<void> | void> = [];
  const ctx: CoreContext = {
    options,
    dataDir: options.dataDir,
    events,
    listDrives: options.listDrives ?? listDrives,
    onDispose: (fn) => void disposers.push(fn),
    // --- issue 8: settings first; everything after may read them
    settings: openSettings(options.dataDir, options.settingsBackend ?? openConfBackend),
    secrets: openSecretStore(options.dataDir, (options.secretCipher ?? keyFileCipher)(options.dataDir)),
  };

  if (options.localService) {
    const service = startLocalService({
      ...options.localService,
      dataDir: path.join(options.dataDir, 'service'),
      onStatus: (status) => events.emit('service.changed', status),
    });
    ctx.localService = service;
    ctx.onDispose(() => service.stop());
  }

  if (options.watchDrives) {
    const intervalMs = typeof options.watchDrives === 'object' ? options.watchDrives.intervalMs : 1000;
    const watcher = new DriveWatcher(ctx.listDrives, intervalMs);
    const pending = { added: [] as string[], removed: [] as string[] };
    watcher.on('added', (d) => pending.added.push(d.device));
    watcher.on('removed', (d) => pending.removed.push(d.device));
    watcher.on('change', (drives) => {
      events.emit('drives.changed', { drives: classify(drives), added: pending.added.splice(0), removed: pending.removed.splice(0) });
    });
    watcher.on('error', () => {
      // A failing poll is retried on the next tick; `drives.list` reports the error to the person.
    });
    await watcher.start();
    ctx.onDispose(() => watcher.stop());
  }

  // Namespaces in dependency order: settings and the connection first, then jobs (the service
  // client and job records), prep, and the tracker that stands on jobs.
  const settings = await settingsHandlers(ctx);

  const jobs = await jobsHandlers(ctx);

  const prep = await prepHandlers(ctx);

  const notifications = await notificationsHandlers(ctx);

  const handlers: Handlers = { ...appHandlers(ctx), ...settings, ...jobs, ...prep, ...notifications };
  return {
    handlers,
    events,
    context: ctx,
    async dispose() {
      for (const fn of disposers.reverse()) await fn();
    },
  };
}

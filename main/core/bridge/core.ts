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
import { jsonRecordStores } from '../jobs/records';
import { ServiceHealth } from '../service/health';
import { createJobsService } from '../service/jobs';
import { localConnectionSource } from '../service/local';
import { appHandlers, describeDrives, serviceStatus } from './handlers/app';
import { systemTools } from '../bitlocker';
import { DriveEncryptionProbe } from '../drives/encryption';
import { jobsHandlers } from './handlers/jobs';
import { notificationsHandlers } from './handlers/notifications';
import { sandboxNow } from '../jobs/trackerClock';
import { prepHandlers } from './handlers/prep';
import { settingsHandlers } from './handlers/settings';
import { bitlockerHandlers } from './handlers/bitlocker';
import { DraftStore } from '../drafts/store';
import { PrepManager } from '../prep/app/manager';
import { openSettings } from '../settings';
import { openConfBackend } from '../settings/conf';
import { createConnectionManager } from '../settings/connection';
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
    driveEncryption: new DriveEncryptionProbe(options.bitlocker ?? systemTools()),
    onDispose: (fn) => void disposers.push(fn),
    // Settings first: everything after may read them.
    settings: openSettings(options.dataDir, options.settingsBackend ?? openConfBackend),
    secrets: openSecretStore(options.dataDir, (options.secretCipher ?? keyFileCipher)(options.dataDir)),
  };

  let localSource: ReturnType<typeof localConnectionSource> | undefined;
  if (options.localService) {
    const serviceDir = path.join(options.dataDir, 'service');
    const service = startLocalService({
      ...options.localService,
      dataDir: serviceDir,
      onStatus: () => {
        localSource?.changed();
        events.emit('service.changed', serviceStatus(ctx));
      },
    });
    ctx.localService = service;
    localSource = localConnectionSource(service, serviceDir);
    ctx.onDispose(() => service.stop());
  }

  if (options.watchDrives) {
    const intervalMs = typeof options.watchDrives === 'object' ? options.watchDrives.intervalMs : 1000;
    const watcher = new DriveWatcher(ctx.listDrives, intervalMs);
    const pending = { added: [] as string[], removed: [] as string[] };
    watcher.on('added', (d) => pending.added.push(d.device));
    watcher.on('removed', (d) => pending.removed.push(d.device));
    let latest = 0;
    watcher.on('change', (drives) => {
      const seq = ++latest;
      // the BitLocker lookup is async: a newer change that lands first wins, with every device that came and went
      void describeDrives(ctx, drives).then((list) => {
        if (seq === latest)
          events.emit('drives.changed', {
            drives: list,
            added: pending.added.splice(0),
            removed: pending.removed.splice(0),
          });
      });
    });
    watcher.on('error', () => {
      // A failing poll is retried on the next tick; `drives.list` reports the error to the person.
    });
    await watcher.start();
    ctx.onDispose(() => watcher.stop());
  }

  // Namespaces in dependency order: settings and the connection first, then jobs (the service
  // client and job records), prep, and the tracker that stands on jobs.
  // The connection chosen in Settings (the sandbox, or Azure) is what jobs use.
  if (localSource || options.connections || options.azure) {
    const manager = await createConnectionManager({
      settings: ctx.settings,
      secrets: ctx.secrets,
      local: options.connections ?? localSource,
      ...(options.azure ? { azure: options.azure } : {}),
    });
    ctx.connection = manager;
    ctx.connections = manager;
  }
  const settings = await settingsHandlers(ctx);

  // Jobs: the connection (the one chosen in Settings above, else the option, else the sandbox), its
  // health, the jobs service.
  const connections = ctx.connections ?? options.connections ?? localSource;
  if (connections) {
    const sandboxClock = connections === localSource ? sandboxNow(path.join(options.dataDir, 'service')) : undefined;
    const health = new ServiceHealth();
    ctx.connections = connections;
    ctx.serviceHealth = health;
    ctx.jobs = createJobsService({
      connections,
      health,
      recordStores: options.recordStores ?? jsonRecordStores(options.dataDir),
      events,
      // The sandbox's clock moves with `haul ops advance`: records and deadline estimates follow it.
      ...(sandboxClock ? { now: () => new Date(sandboxClock()) } : {}),
      ...(options.serviceTimeoutMs ? { client: { timeoutMs: options.serviceTimeoutMs } } : {}),
      sourceFiles: () => ctx.sourceFiles,
      whyNoConnection: () => {
        const s = ctx.localService?.status();
        return s?.state === 'failed' ? s.message : undefined;
      },
    });
    const off = health.onChange(() => events.emit('service.changed', serviceStatus(ctx)));
    ctx.onDispose(off);
  }
  const jobs = await jobsHandlers(ctx);

  // Prep sessions and drafts: sessions run in main and are stopped cleanly on shutdown.
  ctx.prep = new PrepManager({
    dataDir: options.dataDir,
    onProgress: (payload) => events.emit('prep.progress', payload),
    onSession: (info) => events.emit('prep.session', info),
    // the Azure data center reads only NTFS + BitLocker: pre-flight notes the drives it cannot
    forAzure: () => ctx.connections?.current()?.kind === 'azure',
    ...(options.keepAwake ? { keepAwake: options.keepAwake } : {}),
    ...(options.prepWorkerDir ? { workerDir: options.prepWorkerDir } : {}),
    ...(options.prepProgressIntervalMs !== undefined ? { progressIntervalMs: options.prepProgressIntervalMs } : {}),
  });
  await ctx.prep.load();
  const prepManager = ctx.prep;
  ctx.onDispose(() => prepManager.dispose());
  ctx.drafts = new DraftStore(options.dataDir);
  // The log viewer maps a drive's blobs back to the customer's files through the prep journals.
  ctx.sourceFiles = async (q) => prepManager.sourceOf(q);
  const prep = await prepHandlers(ctx);

  const notifications = await notificationsHandlers(ctx);

  const handlers: Handlers = {
    ...appHandlers(ctx),
    ...settings,
    ...jobs,
    ...prep,
    ...notifications,
    ...bitlockerHandlers(ctx),
  };
  return {
    handlers,
    events,
    context: ctx,
    async dispose() {
      for (const fn of disposers.reverse()) await fn();
    },
  };
}

// main/core behind the bridge: one handler per channel, and the events main pushes. The Electron
// shell and browser mode both host exactly this object, so they behave the same.
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { EventPayload, RequestOf, ResponseOf } from '../../../shared/ipc/contract';
import type { ChannelName, EventName } from '../../../shared/ipc/names';
import type { ClassifiedDrive } from '../../../shared/prep/types';
import { APP_VERSION } from '../version';
import { startLocalService, type LocalService } from '../backend/local';
import { listDrives, type DriveLister, type RawDrive } from '../drives/list';
import { classifyDrive } from '../drives/classify';
import { DriveWatcher } from '../drives/watch';

export type Handlers = { [C in ChannelName]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

export interface CoreEvents {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  on(listener: (event: EventName, payload: unknown) => void): () => void;
}

export interface Core {
  handlers: Handlers;
  events: CoreEvents;
  dispose(): Promise<void>;
}

export interface CoreOptions {
  dataDir: string;
  /** Replaces the real drive list (tests, or a machine whose drives should not be touched). */
  listDrives?: DriveLister;
  /** Poll the drive list for hot-plug (about once a second) and push `drives.changed`. */
  watchDrives?: boolean | { intervalMs: number };
  /** How to run the `haul` CLI, to start the local sandbox service (the default backend). Absent: no service. */
  localService?: { command: [string, ...string[]]; env?: NodeJS.ProcessEnv };
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

const classify = (drives: RawDrive[]): ClassifiedDrive[] => drives.map((d) => classifyDrive(d));

export async function createCore(options: CoreOptions): Promise<Core> {
  await mkdir(options.dataDir, { recursive: true });
  const events = createEvents();
  const lister = options.listDrives ?? listDrives;
  const service: LocalService | undefined = options.localService
    ? startLocalService({
      ...options.localService,
      dataDir: path.join(options.dataDir, 'service'),
      onStatus: (status) => events.emit('service.changed', status),
    })
    : undefined;

  let watcher: DriveWatcher | undefined;
  if (options.watchDrives) {
    const intervalMs = typeof options.watchDrives === 'object' ? options.watchDrives.intervalMs : 1000;
    watcher = new DriveWatcher(lister, intervalMs);
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
  }

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'Haul',
      version: APP_VERSION,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      dataDir: options.dataDir,
    }),
    'drives.list': async () => classify(await lister()),
    'service.status': async () => service?.status() ?? { state: 'off', kind: 'none', message: 'No Import/Export service is configured.' },
  };
  return {
    handlers,
    events,
    async dispose() {
      watcher?.stop();
      await service?.stop();
    },
  };
}

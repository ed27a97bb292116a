// main/core behind the bridge: one handler per channel, and the events main pushes. The Electron
// shell and browser mode both host exactly this object, so they behave the same.
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { RawDrive, type EventPayload, type RequestOf, type ResponseOf } from '../../../shared/ipc/contract';
import type { ChannelName, EventName } from '../../../shared/ipc/names';
import { APP_VERSION } from '../version';
import { drivelistList } from '../drivelist';
import { startLocalService, type LocalService } from '../backend/local';

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
  /** Replaces drivelist (tests, or a machine whose drives should not be touched). */
  listDrives?: () => Promise<unknown[]>;
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

/** drivelist's records, reduced to the contract's shape (its optional fields become null). */
export async function listRawDrives(list: () => Promise<unknown[]> = drivelistList): Promise<RawDrive[]> {
  const drives = await list();
  return drives.map((d) => {
    const r = (d ?? {}) as Record<string, unknown>;
    return RawDrive.parse({
      device: r.device,
      raw: r.raw ?? r.device,
      description: r.description ?? '',
      size: r.size ?? null,
      mountpoints: Array.isArray(r.mountpoints) ? r.mountpoints : [],
      isSystem: Boolean(r.isSystem),
      isRemovable: Boolean(r.isRemovable),
      isReadOnly: Boolean(r.isReadOnly),
      isVirtual: typeof r.isVirtual === 'boolean' ? r.isVirtual : null,
      isUSB: typeof r.isUSB === 'boolean' ? r.isUSB : null,
      busType: typeof r.busType === 'string' ? r.busType : 'UNKNOWN',
      error: typeof r.error === 'string' ? r.error : null,
    });
  });
}

export async function createCore(options: CoreOptions): Promise<Core> {
  await mkdir(options.dataDir, { recursive: true });
  const events = createEvents();
  const service: LocalService | undefined = options.localService
    ? startLocalService({
      ...options.localService,
      dataDir: path.join(options.dataDir, 'service'),
      onStatus: (status) => events.emit('service.changed', status),
    })
    : undefined;
  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'Haul',
      version: APP_VERSION,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      dataDir: options.dataDir,
    }),
    'drives.list': async () => listRawDrives(options.listDrives),
    'service.status': async () => service?.status() ?? { state: 'off', kind: 'none', message: 'No Import/Export service is configured.' },
  };
  return {
    handlers,
    events,
    async dispose() {
      await service?.stop();
    },
  };
}


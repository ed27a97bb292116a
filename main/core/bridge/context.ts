// What the bridge's handler modules are built from: the options main was started with, the event
// bus, and the services main keeps (each namespace adds its own, in its own block below).
import type { EventPayload, RequestOf, ResponseOf } from '../../../shared/ipc/contract';
import type { ChannelName, EventName } from '../../../shared/ipc/names';
import type { LocalService } from '../backend/local';
import type { DriveLister } from '../drives/list';
import type { OpenSettingsBackend, SettingsPort } from '../settings';
import type { SecretCipher, SecretStore } from '../secrets';
import type { AzureOptions, ConnectionManager } from '../settings/connection';
import type { RecordStoreFactory } from '../jobs/records';
import type { ConnectionSource } from '../service/connection';
import type { ServiceHealth } from '../service/health';
import type { JobsService, SourceFileLookup } from '../service/jobs';
import type { Tracker } from '../jobs/tracker';
import type { JobSource, TrackerClock } from '../jobs/trackerSource';
import type { TrackerIntervals } from '../jobs/trackerSchedule';
import type { NotificationCentre } from '../notifications/centre';
import type { Notifier } from '../notifications/port';
import type { DraftStore } from '../drafts/store';
import type { KeepAwakePort } from '../prep/engine/keepAwake';
import type { PrepManager } from '../prep/app/manager';
import type { BitLockerTools } from '../bitlocker';
import type { DriveEncryptionProbe } from '../drives/encryption';

export type Handlers = { [C in ChannelName]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };
/** The handlers of one namespace: `HandlersOf<JobsChannel>`. */
export type HandlersOf<C extends ChannelName> = { [K in C]: (request: RequestOf<K>) => Promise<ResponseOf<K>> };

export interface CoreEvents {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  on(listener: (event: EventName, payload: unknown) => void): () => void;
}

export interface CoreOptions {
  dataDir: string;
  /** Replaces the real drive list (tests, or a machine whose drives should not be touched). */
  listDrives?: DriveLister;
  /** The tools BitLocker is read through (blkid, cryptsetup, manage-bde) and the platform: stand-ins in tests. */
  bitlocker?: BitLockerTools;
  /** Poll the drive list for hot-plug (about once a second) and push `drives.changed`. */
  watchDrives?: boolean | { intervalMs: number };
  /** How to run the `haul` CLI, to start the local sandbox service (the default backend). Absent: no service. */
  localService?: { command: [string, ...string[]]; env?: NodeJS.ProcessEnv };

  // Settings, secrets and the connection
  /** Which app hosts main/core: the Electron shell, or `haul serve` (the default). */
  host?: 'desktop' | 'browser';
  /** The settings library: electron-store in the shell; conf (main/core/settings/conf.ts) when absent. */
  settingsBackend?: OpenSettingsBackend;
  /** How secrets are encrypted: safeStorage in the shell; a 0600 key file (main/core/secrets/keyFile.ts) when absent. */
  secretCipher?: (dataDir: string) => SecretCipher;
  /** Azure sign-in and ARM: the real ones when absent; tests point them at the sandbox. */
  azure?: AzureOptions;

  // Jobs: the service client and job records
  /** Where the service connection comes from; default: the local sandbox main starts (localService). */
  connections?: ConnectionSource;
  /** Where job records are kept; default: one JSON file per connection in `<dataDir>/jobs/`. */
  recordStores?: RecordStoreFactory;
  /** Each service call's time limit before the service is reported offline (default 30 s). */
  serviceTimeoutMs?: number;

  // Prep sessions and wizard drafts
  /** Keeps the machine awake while drives are prepared: the Electron shell passes powerSaveBlocker; default systemd-inhibit / caffeinate. */
  keepAwake?: KeepAwakePort;
  /** The folder holding the prep workers (<name>.mjs) when they are not next to the bundle that runs main. */
  prepWorkerDir?: URL;
  /** Progress events per prep session at most every this many ms (default 250). */
  prepProgressIntervalMs?: number;

  // The tracker and notifications
  /** The shell's desktop notifications (main/electron/notifier.ts); absent: the page pops notices up (browser mode). */
  notifier?: Notifier;
  /** The tracker's timing and source (tests); defaults: main/core/jobs/trackerSchedule.ts, the connected service. */
  tracker?: {
    intervals?: Partial<TrackerIntervals>;
    clock?: TrackerClock;
    source?: () => JobSource | undefined;
    serviceNow?: () => number;
    /** false: do not start polling (a bridge test that does not need it). */
    start?: boolean;
  };
}

export interface CoreContext {
  options: CoreOptions;
  dataDir: string;
  events: CoreEvents;
  listDrives: DriveLister;
  /** Each drive's volumes: file system, BitLocker locked or unlocked (the drive list and the wizard). */
  driveEncryption?: DriveEncryptionProbe;
  /** The local sandbox service main started, if any. */
  localService?: LocalService;
  /** Runs `fn` when main shuts down (last registered, first run). */
  onDispose(fn: () => Promise<void> | void): void;

  // Settings, secrets and the connection
  /** The settings document (general options, the connection), checked and migrated on open. */
  settings: SettingsPort;
  /** BitLocker keys, Azure sign-in records, credentials: encrypted one by one in <data>/secrets.json. Never log a value. */
  secrets: SecretStore;
  /** The connection chosen in Settings (sandbox or Azure), with the Azure sign-in; also ctx.connections. */
  connection?: ConnectionManager;

  // Jobs: the service client and job records
  /** The current connection: the one chosen in Settings (the sandbox or Azure), else the option, else the local sandbox. Absent: no service configured. */
  connections?: ConnectionSource;
  /** Whether the service answers, and when it last did (service.status's online and lastOkAt). */
  serviceHealth?: ServiceHealth;
  /** Jobs as views: the service client and job records of the current connection; emits job.updated. */
  jobs?: JobsService;
  /** A drive file's source on this computer, from the prep sessions' journals, for the log viewer. */
  sourceFiles?: SourceFileLookup;

  // Prep sessions and wizard drafts
  /** Drive preparation sessions run by main (set before the prep handlers are built). */
  prep?: PrepManager;
  /** Drafts of the new-job wizard. */
  drafts?: DraftStore;

  // The tracker and notifications
  tracker?: Tracker;
  notifications?: {
    centre: NotificationCentre;
    /** A desktop notification was clicked: tell the windows to show the job. */
    openJob(jobName: string): void;
  };
}

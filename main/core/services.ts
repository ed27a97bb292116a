// The composition root of main/core: every service main keeps is built here, once, in dependency
// order, into one typed object. The bridge's handler modules are maps from channel to a method of
// this object; the Electron shell, browser mode and tests host what createCore makes of it. A thing
// that may truly be absent (no Import/Export service configured) says so in its type, `| undefined`,
// with when; nothing is filled in later.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ServiceStatus } from '../../shared/ipc/contract';
import type { SettingsView } from '../../shared/ipc/channels/settings';
import type { ClassifiedDrive } from '../../shared/prep/types';
import { startLocalService, type LocalService } from './backend/local';
import { systemTools, type BitLockerTools } from './bitlocker';
import { TurnOnTasks } from './bitlocker/turnOn';
import { ReadRoots } from './bridge/readRoots';
import { DraftStore } from './drafts/store';
import { classifyDrive } from './drives/classify';
import { DriveEncryptionProbe } from './drives/encryption';
import { listDrives as systemDrives, type DriveLister, type RawDrive } from './drives/list';
import { DriveWatcher } from './drives/watch';
import { createEvents, type CoreEvents } from './events';
import { jsonRecordStores, type RecordStoreFactory } from './jobs/records';
import { Tracker } from './jobs/tracker';
import { sandboxNow } from './jobs/trackerClock';
import { jobsServiceSource } from './jobs/trackerJobs';
import type { TrackerIntervals } from './jobs/trackerSchedule';
import type { JobSource, TrackerClock } from './jobs/trackerSource';
import { trackerStore } from './jobs/trackerStore';
import { centreStore, NotificationCentre } from './notifications/centre';
import type { Notifier } from './notifications/port';
import { notificationSettingsStore } from './notifications/settings';
import { PrepManager } from './prep/app/manager';
import type { KeepAwakePort } from './prep/engine/keepAwake';
import { createReceivedRuns, type ReceivedRuns } from './received/received';
import { createReportService, type ReportService } from './report/reports';
import { openSecretStore, type SecretCipher, type SecretStore } from './secrets';
import { keyFileCipher } from './secrets/keyFile';
import type { ConnectionSource } from './service/connection';
import { ServiceHealth } from './service/health';
import { createJobsService, type JobsService, type SourceFileLookup } from './service/jobs';
import { localConnectionSource } from './service/local';
import { openSettings, type OpenSettingsBackend, type SettingsPort } from './settings';
import { openConfBackend } from './settings/conf';
import { createConnectionManager, type AzureOptions, type ConnectionManager } from './settings/connection';
import { storageBrowser, type StorageBrowser } from './storage/blobs';
import { createVerifyImportRuns, type VerifyImportRuns } from './verifyImport/runs';

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
  /**
   * The folders the page may browse, copy from and write to (browser mode: `haul serve --allow-dir`,
   * by default home and the removable-media folders). Absent: anywhere the user may (the desktop app).
   */
  readRoots?: string[];

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

  // --- the end of a job (report, verify the import, returned drives)
  /** The desktop shell prints a job's report page to a PDF the person saves (Electron's printToPDF); absent: the page prints itself. */
  printReport?: (jobName: string) => Promise<{ saved?: string }>;
}

export interface CoreServices {
  options: CoreOptions;
  dataDir: string;
  events: CoreEvents;
  /** Runs `fn` when main shuts down (last registered, first run). */
  onDispose(fn: () => Promise<void> | void): void;

  // Drives and BitLocker
  /** The drive list; callers that ask while a listing runs share its answer. */
  listDrives: DriveLister;
  /** Each drive's volumes: file system, BitLocker locked or unlocked (the drive list and the wizard). */
  driveEncryption: DriveEncryptionProbe;
  /** The tools BitLocker is read through: the option, else the system's. */
  bitlockerTools: () => BitLockerTools;
  /** BitLocker being turned on (Windows), with its progress as events. */
  bitlockerTasks: TurnOnTasks;

  // Settings, secrets and the connection
  /** The settings document (general options, the connection), checked and migrated on open. */
  settings: SettingsPort;
  /** BitLocker keys, Azure sign-in records, credentials: encrypted one by one in <data>/secrets.json. Never log a value. */
  secrets: SecretStore;
  /** The local sandbox service main started; undefined when started without one (options.localService). */
  localService: LocalService | undefined;
  /** The connection chosen in Settings (sandbox or Azure), with the Azure sign-in; undefined when there is nothing to connect to. */
  connection: ConnectionManager | undefined;

  // Jobs: the service client and job records — undefined together when no service is configured
  /** The current connection: the one chosen in Settings, else the option, else the local sandbox. */
  connections: ConnectionSource | undefined;
  /** Whether the service answers, and when it last did (service.status's online and lastOkAt). */
  serviceHealth: ServiceHealth | undefined;
  /** Jobs as views: the service client and job records of the current connection; emits job.updated. */
  jobs: JobsService | undefined;
  /** A drive file's source on this computer, from the prep sessions' journals, for the log viewer. */
  sourceFiles: SourceFileLookup;
  /** The customer's storage account, through the same connection (the export wizard browses it). */
  storage: StorageBrowser;

  // Prep sessions and wizard drafts
  /** Drive preparation sessions run by main; they go on when a window closes. */
  prep: PrepManager;
  /** Drafts of the new-job wizard. */
  drafts: DraftStore;
  /** The folders the page may browse, read and write (browser mode); undefined: anywhere the user may. */
  readRoots: ReadRoots | undefined;

  // The tracker and notifications
  tracker: Tracker;
  notifications: {
    centre: NotificationCentre;
    /** Which notices the person wants (notifications.settings.*). */
    settings: ReturnType<typeof notificationSettingsStore>;
    /** A desktop notification was clicked: tell the windows to show the job. */
    openJob(jobName: string): void;
  };

  // The end of a job — undefined with the jobs service
  /** Completion reports; follows the jobs service, so a Completed job gets its report kept. */
  reports: ReportService | undefined;
  /** Verify-the-import runs (reads the blobs back through the connection). */
  verifyImport: VerifyImportRuns | undefined;
  /** Returned export drives checked and copied off. */
  received: ReceivedRuns | undefined;
}

/**
 * Callers that ask while a call runs share its answer. Listing drives runs drivelist and lsblk: a
 * page that asks 10,000 times at once (or the watcher and every window together) costs one run.
 */
export function shareWhileRunning<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () =>
    (running ??= fn().finally(() => {
      running = undefined;
    }));
}

/** The classified drives with each volume's file system and BitLocker state. */
export const describeDrives = async (probe: DriveEncryptionProbe, drives: RawDrive[]): Promise<ClassifiedDrive[]> =>
  probe.attach(drives.map((d) => classifyDrive(d)));

/** The local service's status, with whether the service answers (its health: online, lastOkAt). */
export function serviceStatus(s: Pick<CoreServices, 'localService' | 'serviceHealth'>): ServiceStatus {
  const base: ServiceStatus = s.localService?.status() ?? {
    state: 'off',
    kind: 'none',
    message: 'No Import/Export service is configured.',
  };
  const h = s.serviceHealth?.snapshot();
  return {
    ...base,
    ...(h?.online !== undefined ? { online: h.online } : {}),
    ...(h?.lastOkAt ? { lastOkAt: h.lastOkAt } : {}),
  };
}

/** The settings as the Settings screen shows them. */
export function settingsView(s: Pick<CoreServices, 'settings' | 'secrets' | 'options'>): SettingsView {
  const port = s.settings;
  return {
    settings: port.get(),
    file: port.file,
    host: s.options.host ?? 'browser',
    secrets: { store: s.secrets.kind, description: s.secrets.description },
    ...(port.recovered ? { recovered: port.recovered } : {}),
  };
}

/**
 * The tracker's timing: the option, else HAUL_TRACKER_POLL_MS (every interval that short, for the
 * end-to-end tests of a station; no real use wants it), else the defaults of trackerSchedule.ts.
 */
function trackerIntervals(
  given: Partial<TrackerIntervals> | undefined,
): { intervals: Partial<TrackerIntervals> } | undefined {
  if (given) return { intervals: given };
  const fast = Number(process.env.HAUL_TRACKER_POLL_MS);
  if (!Number.isFinite(fast) || fast <= 0) return undefined;
  return {
    intervals: {
      movingMs: fast,
      activeMs: fast,
      waitingMs: fast,
      finishedMs: fast,
      listMs: fast,
      backoffMs: fast,
      maxBackoffMs: 4 * fast,
    },
  };
}

/**
 * Every service of main/core, built once, in dependency order: settings and secrets, the local
 * service and the drive watcher, the connection, jobs (client, records, health), prep and drafts,
 * the tracker and notifications, the end of a job, BitLocker. `dispose` stops them in the reverse
 * order, every one even after one fails (the local service, stopped last, is never left running).
 */
export async function buildServices(
  options: CoreOptions,
): Promise<{ services: CoreServices; dispose(): Promise<void> }> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const { dataDir } = options;
  const events = createEvents();
  const disposers: Array<() => Promise<void> | void> = [];
  const onDispose = (fn: () => Promise<void> | void) => void disposers.push(fn);
  const dispose = async () => {
    const failures: unknown[] = [];
    for (const fn of disposers.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length) throw failures[0];
  };
  try {
    return { services: await build(options, dataDir, events, onDispose), dispose };
  } catch (err) {
    await dispose().catch(() => undefined);
    throw err;
  }
}

/** What every building step gets: the options, the data folder, the event bus, and where to register its stop. */
interface Base {
  options: CoreOptions;
  dataDir: string;
  events: CoreEvents;
  onDispose(fn: () => Promise<void> | void): void;
}

async function build(
  options: CoreOptions,
  dataDir: string,
  events: CoreEvents,
  onDispose: (fn: () => Promise<void> | void) => void,
): Promise<CoreServices> {
  const base: Base = { options, dataDir, events, onDispose };
  const bitlockerTools = () => options.bitlocker ?? systemTools();
  const listDrives = shareWhileRunning(options.listDrives ?? systemDrives);
  const driveEncryption = new DriveEncryptionProbe(options.bitlocker ?? systemTools());
  // Settings first: everything after may read them.
  const settings = openSettings(dataDir, options.settingsBackend ?? openConfBackend);
  const secrets = openSecretStore(dataDir, (options.secretCipher ?? keyFileCipher)(dataDir));
  // read by the status events, once the service and its health exist
  const status: Pick<CoreServices, 'localService' | 'serviceHealth'> = {
    localService: undefined,
    serviceHealth: undefined,
  };
  const statusNow = () => serviceStatus(status);

  const local = startLocal(base, statusNow);
  status.localService = local?.service;
  if (options.watchDrives) await watchDrives(base, listDrives, driveEncryption);

  // The connection chosen in Settings (the sandbox, or Azure) is what jobs use.
  const connection =
    local || options.connections || options.azure
      ? await createConnectionManager({
          settings,
          secrets,
          local: options.connections ?? local?.source,
          ...(options.azure ? { azure: options.azure } : {}),
        })
      : undefined;
  settings.onChange(() => events.emit('settings.changed', settingsView({ options, settings, secrets })));
  connection?.onStatus((s) => events.emit('connection.changed', s));

  // Jobs: the connection (the one chosen in Settings above, else the option, else the sandbox), its
  // health, the jobs service.
  const connections = connection ?? options.connections ?? local?.source;
  const late = { sourceFiles: undefined as (() => SourceFileLookup) | undefined };
  const served = connections
    ? jobsServices(base, connections, local, statusNow, () => late.sourceFiles?.())
    : undefined;
  status.serviceHealth = served?.health;
  const jobs = served?.jobs;

  // Prep sessions: they run in main and are stopped cleanly on shutdown.
  const prep = await startPrep(base, secrets, connections);
  const drafts = new DraftStore(dataDir);

  const notifications = notificationServices(base);
  const tracker = await startTracker(base, notifications.centre, {
    jobs,
    connections,
    localService: local?.service,
  });
  // The end of a job: reports, verify the import, returned drives (after prep: reports read its journals).
  const endOfJob = endOfJobServices(base, jobs, connections, prep, drafts);

  const bitlockerTasks = new TurnOnTasks(
    bitlockerTools,
    (task) => events.emit('bitlocker.progress', task),
    () => driveEncryption.clear(),
  );
  onDispose(() => bitlockerTasks.dispose());

  const services: CoreServices = {
    ...base,
    listDrives,
    driveEncryption,
    bitlockerTools,
    bitlockerTasks,
    settings,
    secrets,
    localService: local?.service,
    connection,
    connections,
    serviceHealth: served?.health,
    jobs,
    // The log viewer maps a drive's blobs back to the customer's files through the prep journals.
    sourceFiles: async (q) => prep.sourceOf(q),
    storage: storageBrowser(() => connections?.current()),
    prep,
    drafts,
    readRoots: options.readRoots ? new ReadRoots(options.readRoots) : undefined,
    tracker,
    notifications,
    ...endOfJob,
  };
  late.sourceFiles = () => services.sourceFiles;
  return services;
}

/** The local sandbox service, when the options ask for one, and the connection it offers. */
function startLocal(
  { options, dataDir, events, onDispose }: Base,
  statusNow: () => ServiceStatus,
): { service: LocalService; source: ReturnType<typeof localConnectionSource> } | undefined {
  if (!options.localService) return undefined;
  const serviceDir = path.join(dataDir, 'service');
  const made: { source?: ReturnType<typeof localConnectionSource> } = {};
  const service = startLocalService({
    ...options.localService,
    dataDir: serviceDir,
    onStatus: () => {
      made.source?.changed();
      events.emit('service.changed', statusNow());
    },
  });
  const source = (made.source = localConnectionSource(service, serviceDir));
  onDispose(() => service.stop());
  return { service, source };
}

/** Polls the drive list for hot-plug and pushes `drives.changed` with every device that came and went. */
async function watchDrives(
  { options, events, onDispose }: Base,
  listDrives: DriveLister,
  driveEncryption: DriveEncryptionProbe,
): Promise<void> {
  const intervalMs = typeof options.watchDrives === 'object' ? options.watchDrives.intervalMs : 1000;
  const watcher = new DriveWatcher(listDrives, intervalMs);
  const pending = { added: [] as string[], removed: [] as string[] };
  watcher.on('added', (d) => pending.added.push(d.device));
  watcher.on('removed', (d) => pending.removed.push(d.device));
  let latest = 0;
  watcher.on('change', (drives) => {
    const seq = ++latest;
    // the BitLocker lookup is async: a newer change that lands first wins, with every device that came and went
    void describeDrives(driveEncryption, drives).then((list) => {
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
  onDispose(() => watcher.stop());
}

/** The jobs service of the current connection and the service's health. */
function jobsServices(
  { options, dataDir, events, onDispose }: Base,
  connections: ConnectionSource,
  local: ReturnType<typeof startLocal>,
  statusNow: () => ServiceStatus,
  sourceFiles: () => SourceFileLookup | undefined,
): { health: ServiceHealth; jobs: JobsService } {
  const sandboxClock = connections === local?.source ? sandboxNow(path.join(dataDir, 'service')) : undefined;
  const health = new ServiceHealth();
  const jobs = createJobsService({
    connections,
    health,
    recordStores: options.recordStores ?? jsonRecordStores(dataDir),
    events,
    // The sandbox's clock moves with `haul ops advance`: records and deadline estimates follow it.
    ...(sandboxClock ? { now: () => new Date(sandboxClock()) } : {}),
    ...(options.serviceTimeoutMs ? { client: { timeoutMs: options.serviceTimeoutMs } } : {}),
    sourceFiles,
    whyNoConnection: () => {
      const s = local?.service.status();
      return s?.state === 'failed' ? s.message : undefined;
    },
  });
  onDispose(health.onChange(() => events.emit('service.changed', statusNow())));
  return { health, jobs };
}

/** The app's prep sessions, loaded (an interrupted one can be resumed). */
async function startPrep(
  { options, dataDir, events, onDispose }: Base,
  secrets: SecretStore,
  connections: ConnectionSource | undefined,
): Promise<PrepManager> {
  const prep = new PrepManager({
    dataDir,
    secrets,
    onProgress: (payload) => events.emit('prep.progress', payload),
    onSession: (info) => events.emit('prep.session', info),
    // the Azure data center reads only NTFS + BitLocker: pre-flight notes the drives it cannot
    forAzure: () => connections?.current()?.kind === 'azure',
    ...(options.keepAwake ? { keepAwake: options.keepAwake } : {}),
    ...(options.prepWorkerDir ? { workerDir: options.prepWorkerDir } : {}),
    ...(options.prepProgressIntervalMs !== undefined ? { progressIntervalMs: options.prepProgressIntervalMs } : {}),
  });
  await prep.load();
  onDispose(() => prep.dispose());
  return prep;
}

/** Reports, verify-the-import runs and returned drives: with the jobs service, or none of them. */
function endOfJobServices(
  { options, dataDir, events, onDispose }: Base,
  jobs: JobsService | undefined,
  connections: ConnectionSource | undefined,
  prep: PrepManager,
  drafts: DraftStore,
): Pick<CoreServices, 'reports' | 'verifyImport' | 'received'> {
  const reports = jobs ? createReportService({ dataDir, jobs, sessions: () => prep.list(), drafts }) : undefined;
  const verifyImport = reports && connections ? createVerifyImportRuns({ reports, connections, events }) : undefined;
  const received = jobs
    ? createReceivedRuns({
        job: (name) => jobs.get(name),
        events,
        ...(options.prepWorkerDir ? { workerDir: options.prepWorkerDir } : {}),
      })
    : undefined;
  onDispose(async () => {
    reports?.dispose();
    await verifyImport?.dispose();
    await received?.dispose();
  });
  return { reports, verifyImport, received };
}

/** The notification centre (the last 200 notices in the data folder) and the person's notice settings. */
function notificationServices({ options, dataDir, events }: Base): CoreServices['notifications'] {
  const settings = notificationSettingsStore(dataDir);
  const centre = new NotificationCentre({
    store: centreStore(dataDir),
    settings: () => settings.read(),
    ...(options.notifier ? { notifier: options.notifier } : {}),
    emit: (n) => events.emit('notification', n),
    emitUnread: (unread) => events.emit('notifications.changed', { unread }),
    now: () => (options.tracker?.clock ?? { now: Date.now }).now(),
  });
  return { centre, settings, openJob: (jobName) => events.emit('notification.open', { jobName }) };
}

/** The tracker, started: polls the jobs service of the current connection, while there is one, and raises notices. */
async function startTracker(
  { options, dataDir, events, onDispose }: Base,
  centre: NotificationCentre,
  s: Pick<CoreServices, 'jobs' | 'connections' | 'localService'>,
): Promise<Tracker> {
  const opts = options.tracker ?? {};
  const now = () => (opts.clock ?? { now: Date.now }).now();
  const sandbox = sandboxNow(path.join(dataDir, 'service'));
  let source: JobSource | undefined;
  const connected = (): JobSource | undefined => {
    if (!s.jobs || !s.connections?.current()) return undefined;
    source ??= jobsServiceSource(s.jobs);
    return source;
  };
  const tracker = new Tracker({
    source: opts.source ?? connected,
    store: trackerStore(dataDir),
    deliver: async (drafts) => {
      await centre.deliver(drafts);
      events.emit('notifications.changed', { unread: (await centre.list()).unread });
    },
    ...(opts.clock ? { clock: opts.clock } : {}),
    serviceNow:
      opts.serviceNow ?? (() => (s.localService && s.connections?.current()?.kind === 'local' ? sandbox() : now())),
    ...(trackerIntervals(opts.intervals) ?? {}),
    onStatus: (st) => events.emit('tracker.changed', st),
  });
  // A connection that appears or changes (the sandbox became ready, another account) is asked at once.
  const off = s.connections?.onChange(() => void tracker.refresh()) ?? (() => undefined);
  onDispose(async () => {
    off();
    await tracker.stop();
  });
  if (opts.start !== false) await tracker.start();
  return tracker;
}

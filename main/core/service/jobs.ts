// Jobs as the app sees them: the service client of the current connection, the job records of that
// connection, and the views built from both. Every answer from the service is written into the
// records and, when a job's view changed, announced with job.updated — whoever asked (a screen,
// or the tracker's poll). The bridge handlers (handlers/jobs.ts) are thin wrappers over this.
import { messageOf } from '../../../shared/errors';
import type { z } from 'zod';
import { parseDriveLog } from '../../../shared/formats/driveLog';
import type { ArmJob, ArmLocation } from '../../../shared/arm/schemas';
import { HandlerError } from '../../../shared/ipc/contract';
import type {
  BitLockerKeys,
  CreateJobRequest,
  JobList,
  JobGetRequest,
  JobListRequest,
  JobLog,
  JobLogRequest,
  ShipJobRequest,
  UpdateJobRequest,
} from '../../../shared/ipc/channels/jobs';
import {
  buildJobView,
  dataCenterView,
  locationMatches,
  NOTIFY_TAG,
  readDriveLog,
  summariseDriveLog,
  viewChanged,
  type JobRecord,
  type JobView,
  type LocationView,
} from '../../../shared/jobs';
import type { CoreEvents } from '../events';
import { connectionKey, createJobRecords, type JobRecords, type RecordStoreFactory } from '../jobs/records';
import {
  createServiceClient,
  ServiceCallError,
  type PutJobParameters,
  type ServiceClient,
  type ServiceClientOptions,
  type UpdateJobParameters,
} from './client';
import type { Connection, ConnectionSource } from './connection';
import type { ServiceHealth } from './health';

/** How long a log that could not be read waits before Haul reads it again. */
const LOG_RETRY_MS = 60_000;
/** Error logs read at once after a list (each is one blob read). */
const LOG_READS_AT_ONCE = 4;
/**
 * Views a list builds between two turns of the event loop: building 10,000 takes seconds of main's
 * CPU, and a request that comes meanwhile (a reloaded page's kept list, a Get Job) waits one turn, not the whole list.
 */
const VIEWS_PER_TURN = 200;

/** A request as the dispatch gate hands it on: validated, defaults filled in. */
type Valid<S extends z.ZodType> = z.output<S>;

/** The customer's own file behind a file on a drive Haul prepared (the prep journal knows it). */
export type SourceFileLookup = (q: {
  jobName: string;
  driveId: string;
  filePath: string;
  blobPath: string;
}) => Promise<string | undefined>;

export interface JobsServiceOptions {
  connections: ConnectionSource;
  health: ServiceHealth;
  recordStores: RecordStoreFactory;
  events: CoreEvents;
  now?: () => Date;
  client?: ServiceClientOptions;
  /** Read at each jobs.log, so the prep namespace can set it later. */
  sourceFiles?: () => SourceFileLookup | undefined;
  /** Why there is no connection, for the not-ready error (e.g. the local service's status message). */
  whyNoConnection?: () => string | undefined;
}

export interface JobsService {
  /** The client of the current connection; throws `not-ready` while there is none. */
  client(): ServiceClient;
  /** The job records of the current connection; throws `not-ready` while there is none. */
  records(): JobRecords;
  /** The service's list (default), or at once the list kept from the last one (see JobListRequest). */
  list(request?: Partial<JobListRequest>): Promise<JobList>;
  /** Get Job (default), or at once the view held of the job where there is one (see JobGetRequest). */
  get(name: string, answer?: JobGetRequest['answer']): Promise<JobView>;
  create(request: Valid<typeof CreateJobRequest>): Promise<JobView>;
  update(request: Valid<typeof UpdateJobRequest>): Promise<JobView>;
  ship(request: Valid<typeof ShipJobRequest>): Promise<JobView>;
  cancel(name: string): Promise<JobView>;
  delete(name: string): Promise<void>;
  bitLockerKeys(name: string): Promise<BitLockerKeys>;
  log(request: Valid<typeof JobLogRequest>): Promise<JobLog>;
  locations(): Promise<LocationView[]>;
  /** Every changed view and every job gone, whoever asked (the tracker follows them). Returns the unsubscribe. */
  subscribe(listener: (seen: SeenJob) => void): () => void;
}

export type SeenJob = { kind: 'updated'; view: JobView } | { kind: 'removed'; name: string };

interface Current {
  connection: Connection;
  client: ServiceClient;
  records: JobRecords;
  views: Map<string, JobView>;
  /** Error logs being read, by URI (one read per log at a time). */
  logReads: Map<string, Promise<boolean>>;
  /** Error logs that could not be read: why, and when (tried again after LOG_RETRY_MS). */
  logFailures: Map<string, { message: string; at: number }>;
  locations?: ArmLocation[];
  locationsLoading?: Promise<ArmLocation[]> | undefined;
  /** When the service answered the last complete list; its views (and every view since) are in `views`. */
  listedAt?: string;
  /** The list being asked of the service: one at a time, whoever asks joins it. */
  listing?: Promise<JobList> | undefined;
}

/** What every answer about a job goes through: the events, the clock, the listeners, and which connection is current. */
interface Announcer {
  events: CoreEvents;
  now: () => Date;
  tell: (seen: SeenJob) => void;
  isCurrent: (c: Current) => boolean;
}

export function createJobsService(o: JobsServiceOptions): JobsService {
  const now = o.now ?? (() => new Date());
  const listeners = new Set<(seen: SeenJob) => void>();
  const tell = (seen: SeenJob) => {
    for (const l of listeners) {
      try {
        l(seen);
      } catch {
        // A listener's failure is its own; the answer still goes to the caller.
      }
    }
  };
  const { cur, isCurrent } = followConnection(o);
  const a: Announcer = { events: o.events, now, tell, isCurrent };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    client: () => cur().client,
    records: () => cur().records,

    async list(request) {
      const c = cur();
      if (request?.answer === 'kept' && c.listedAt) {
        // Stale while revalidate: what main already holds, at once, saying how old it is; the fresh
        // list follows (a `fresh` call joins it, and every view it changes goes out as job.updated).
        void fresh(a, c).catch(() => undefined);
        return { jobs: [...c.views.values()], observedAt: c.listedAt, kept: true, refreshing: c.listing !== undefined };
      }
      return fresh(a, c);
    },

    async get(name, answer = 'fresh') {
      const c = cur();
      const held = answer === 'kept' ? c.views.get(name) : undefined;
      if (held) return held;
      return seen(a, c, await guard(a, c, name, () => c.client.getJob(name)), 'polled');
    },

    async create(r) {
      const c = cur();
      await refuseExisting(c, r.name);
      const job = await c.client.createJob(r.name, putJobBody(r));
      return seen(a, c, job, 'haul', true);
    },

    async update(r) {
      const c = cur();
      const body = await updateJobBody(r, () => guard(a, c, r.name, () => c.client.getJob(r.name)));
      const job = await guard(a, c, r.name, () => c.client.updateJob(r.name, body));
      await c.records.see([job], now(), { via: 'haul' });
      await c.records.markUpdated(r.name, now());
      return seen(a, c, job, 'haul');
    },

    async ship(r) {
      const c = cur();
      const job = await guard(a, c, r.name, () => c.client.updateJob(r.name, shipJobBody(r)));
      return seen(a, c, job, 'haul');
    },

    async cancel(name) {
      const c = cur();
      const job = await guard(a, c, name, () => c.client.updateJob(name, { cancelRequested: true }));
      return seen(a, c, job, 'haul');
    },

    async delete(name) {
      const c = cur();
      await guard(a, c, name, () => c.client.deleteJob(name));
      await removed(a, c, name);
    },

    async bitLockerKeys(name) {
      const c = cur();
      return { name, keys: await guard(a, c, name, () => c.client.bitLockerKeys(name)) };
    },

    async log(r) {
      const c = cur();
      const job = await guard(a, c, r.name, () => c.client.getJob(r.name));
      await seen(a, c, job, 'polled');
      return readJobLog(c, job, r, o.sourceFiles?.());
    },

    async locations() {
      const c = cur();
      c.locations = await c.client.listLocations();
      return c.locations.map(dataCenterView);
    },
  };
}

/**
 * The client, records and views of the current connection, built anew when the connection
 * changes; `cur` throws `not-ready` while there is none.
 */
function followConnection(o: JobsServiceOptions): { cur: () => Current; isCurrent: (c: Current) => boolean } {
  let current: Current | undefined;
  const build = (connection: Connection): Current => {
    const key = connectionKey(connection);
    return {
      connection,
      client: createServiceClient(connection, o.health, o.client),
      records: createJobRecords(key, o.recordStores(key)),
      views: new Map(),
      logReads: new Map(),
      logFailures: new Map(),
    };
  };

  o.connections.onChange((c) => {
    o.health.reset();
    current = c ? build(c) : undefined;
  });

  function cur(): Current {
    const c = o.connections.current();
    if (!c) {
      current = undefined;
      const why = o.whyNoConnection?.();
      throw new HandlerError(
        'not-ready',
        why ??
          'Haul is not connected to an Import/Export service yet: the local sandbox is still starting. Try again in a moment.',
      );
    }
    if (!current || current.connection !== c) current = build(c);
    return current;
  }
  return { cur, isCurrent: (c) => current === c };
}

/** Keeps a job's view and, when it changed, announces it with job.updated. */
function publish(a: Announcer, c: Current, view: JobView): JobView {
  const before = c.views.get(view.name);
  c.views.set(view.name, view);
  if (viewChanged(before, view)) {
    a.events.emit('job.updated', { kind: 'updated', name: view.name, view });
    a.tell({ kind: 'updated', view });
  }
  return view;
}

/**
 * After a list: the logs its jobs' verdicts need, read a few at a time, each job's view published
 * again once its logs are counted (unless a newer answer about it was published meanwhile).
 */
async function backfillLogs(a: Announcer, c: Current, jobs: ArmJob[], records: Record<string, JobRecord>, at: Date) {
  const waiting = jobs.filter((j) => logsToRead(c, j, records[j.name], a.now().getTime()).length > 0);
  const worker = async () => {
    for (let job = waiting.shift(); job; job = waiting.shift()) {
      const record = await withLogs(c, job, records[job.name], a.now);
      if (!a.isCurrent(c) || record === records[job.name]) continue;
      if (c.views.get(job.name)?.observedAt !== at.toISOString()) continue;
      publish(a, c, viewOf(c, job, record, at, await locationsOf(c)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOG_READS_AT_ONCE, waiting.length) }, worker));
}

/** Records one answer about one job and returns its (published) view, its drives' logs counted. */
async function seen(
  a: Announcer,
  c: Current,
  job: ArmJob,
  via: 'polled' | 'haul',
  createdByHaul = false,
): Promise<JobView> {
  const at = a.now();
  const { records } = await c.records.see([job], at, { via, createdByHaul });
  const record = await withLogs(c, job, records[job.name], a.now);
  return publish(a, c, viewOf(c, job, record, at, await locationsOf(c)));
}

/** Marks a job gone in the records and, when Haul knew it, announces it removed. */
async function removed(a: Announcer, c: Current, name: string): Promise<void> {
  const at = a.now();
  const r = await c.records.markGone(name, at);
  const had = c.views.delete(name);
  if (had || r) {
    a.events.emit('job.updated', { kind: 'removed', name, goneAt: r?.goneAt ?? at.toISOString() });
    a.tell({ kind: 'removed', name });
  }
}

/** A 404 on a job means it is gone: say so to everyone, then let the caller's error through. */
async function guard<T>(a: Announcer, c: Current, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ServiceCallError && err.status === 404) await removed(a, c, name);
    throw err;
  }
}

/** The service's list, recorded and published; one at a time per connection. */
function fresh(a: Announcer, c: Current): Promise<JobList> {
  c.listing ??= listFromService(a, c).finally(() => (c.listing = undefined));
  return c.listing;
}

async function listFromService(a: Announcer, c: Current): Promise<JobList> {
  const jobs = await c.client.listJobs();
  const at = a.now();
  const { records, gone } = await c.records.see(jobs, at, { complete: true });
  const locations = await locationsOf(c);
  const views: JobView[] = [];
  const atIso = at.toISOString();
  for (const [i, j] of jobs.entries()) {
    if (i > 0 && i % VIEWS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    // An answer about the job published while the list yielded (a Get Job) is newer than the list's.
    const newer = c.views.get(j.name);
    views.push(newer && newer.observedAt > atIso ? newer : publish(a, c, viewOf(c, j, records[j.name], at, locations)));
  }
  for (const g of gone) {
    c.views.delete(g.name);
    a.events.emit('job.updated', { kind: 'removed', name: g.name, goneAt: g.goneAt ?? at.toISOString() });
    a.tell({ kind: 'removed', name: g.name });
  }
  c.listedAt = at.toISOString();
  // The list answers at once; verdicts that wait for an error log follow with job.updated.
  void backfillLogs(a, c, jobs, records, at).catch(() => undefined);
  return { jobs: views, observedAt: c.listedAt, kept: false, refreshing: false };
}

/** Refuses a new job whose name the resource group already holds: creating it again would change that job. */
async function refuseExisting(c: Current, name: string): Promise<void> {
  const existing = await c.client.findJob(name);
  if (existing) {
    throw new HandlerError(
      'JobExists',
      `A job named ${name} already exists in resource group ${c.client.resourceGroup} (it is ${existing.properties.state ?? 'in an unknown state'}). Choose another name; creating it again would change that job.`,
      'name',
    );
  }
}

/** The Update Job body of an edit; new notification emails keep the job's other tags (read with `getJob`). */
async function updateJobBody(
  r: Valid<typeof UpdateJobRequest>,
  getJob: () => Promise<ArmJob>,
): Promise<UpdateJobParameters> {
  // The SDK flattens UpdateJobParameters.properties into the body's top level.
  const body: UpdateJobParameters = {
    ...(r.returnAddress ? { returnAddress: r.returnAddress } : {}),
    ...(r.returnShipping ? { returnShipping: r.returnShipping } : {}),
  };
  if (r.notificationEmails) {
    const notify = notifyTag(r.notificationEmails);
    // PATCH replaces all tags: keep the others.
    const job = await getJob();
    const tags = { ...(job.tags ?? {}) };
    if (notify) tags[NOTIFY_TAG] = notify;
    else delete tags[NOTIFY_TAG];
    body.tags = tags;
  }
  return body;
}

async function locationsOf(c: Current): Promise<ArmLocation[]> {
  if (c.locations) return c.locations;
  // One request for all the views that ask at once (a list of many jobs).
  c.locationsLoading ??= c.client
    .listLocations()
    .then(
      (l) => (c.locations = l),
      () => [] as ArmLocation[], // views still build without carriers; locations.list reports the problem itself
    )
    .finally(() => {
      c.locationsLoading = undefined;
    });
  return c.locationsLoading;
}

function viewOf(c: Current, job: ArmJob, record: JobRecord | undefined, at: Date, locations: ArmLocation[]): JobView {
  const location = locations.find((l) => locationMatches(job.location, l));
  const logErrors: Record<string, string> = {};
  for (const d of job.properties.driveList ?? []) {
    const failure = d.errorLogUri ? c.logFailures.get(d.errorLogUri) : undefined;
    if (failure) logErrors[d.driveId] = failure.message;
  }
  return buildJobView(job, record, at, { ...(location ? { location } : {}), logErrors });
}

/**
 * The drives whose error log the verdict still needs: copied with issues or shipped back (their
 * state no longer says how the copy went), with a log Haul has not counted yet. A log that could
 * not be read is tried again after a while, not on every look.
 */
function logsToRead(
  c: Current,
  job: ArmJob,
  record: JobRecord | undefined,
  t: number,
): { driveId: string; uri: string }[] {
  return (job.properties.driveList ?? []).flatMap((d) => {
    const uri = d.errorLogUri;
    const state = (d.state ?? '').toLowerCase();
    if (!uri || (state !== 'completedmoreinfo' && state !== 'shippedback')) return [];
    if (record?.drives[d.driveId]?.log?.uri === uri) return [];
    const failed = c.logFailures.get(uri);
    if (failed && t - failed.at < LOG_RETRY_MS) return [];
    return [{ driveId: d.driveId, uri }];
  });
}

/** Reads and counts one drive's error log into the job's record; true when the record changed. */
function readLog(c: Current, name: string, driveId: string, uri: string, now: () => Date): Promise<boolean> {
  const running = c.logReads.get(uri);
  if (running) return running;
  const read = (async () => {
    try {
      const summary = summariseDriveLog(parseDriveLog(await c.client.readLogBlob(uri)), uri);
      c.logFailures.delete(uri);
      return (await c.records.noteLog(name, driveId, summary)) !== undefined;
    } catch (err) {
      const why = messageOf(err);
      c.logFailures.set(uri, {
        message: `its error log could not be read (${why.length > 200 ? `${why.slice(0, 200)}…` : why}). Haul tries again in a minute.`,
        at: now().getTime(),
      });
      return true; // the view now says why it waits
    } finally {
      c.logReads.delete(uri);
    }
  })();
  c.logReads.set(uri, read);
  return read;
}

/** Reads the logs one job's verdict needs; the job's record after. */
async function withLogs(
  c: Current,
  job: ArmJob,
  record: JobRecord | undefined,
  now: () => Date,
): Promise<JobRecord | undefined> {
  const todo = logsToRead(c, job, record, now().getTime());
  if (todo.length === 0) return record;
  const changed = await Promise.all(todo.map((x) => readLog(c, job.name, x.driveId, x.uri, now)));
  return changed.some(Boolean) ? await c.records.get(job.name) : record;
}

/** The Update Job body that says the drives are on their way: the carrier, the tracking number and the count. */
function shipJobBody(r: Valid<typeof ShipJobRequest>): UpdateJobParameters {
  return {
    state: 'Shipping',
    deliveryPackage: {
      carrierName: r.carrierName,
      trackingNumber: r.trackingNumber,
      shipDate: r.shipDate,
      driveCount: r.driveCount,
    },
  };
}

/** The notification emails as the job's tag; refused when longer than a tag holds. */
function notifyTag(emails: string[]): string {
  const notify = emails.join(',');
  if (notify.length > 256)
    throw new HandlerError(
      'bad-request',
      'The notification emails are too long to keep with the job (256 characters in all); name fewer people.',
      'notificationEmails',
    );
  return notify;
}

/** The Put Job body of the wizard's request (the SDK's shape). */
function putJobBody(r: Valid<typeof CreateJobRequest>): PutJobParameters {
  const notify = notifyTag(r.notificationEmails);
  return {
    location: r.location,
    ...(notify ? { tags: { [NOTIFY_TAG]: notify } } : {}),
    properties: {
      storageAccountId: r.storageAccountId,
      jobType: r.type,
      returnAddress: r.returnAddress,
      ...(r.returnShipping ? { returnShipping: r.returnShipping } : {}),
      ...(r.shippingInformation ? { shippingInformation: r.shippingInformation } : {}),
      ...(r.diagnosticsPath ? { diagnosticsPath: r.diagnosticsPath } : {}),
      logLevel: r.logLevel,
      backupDriveManifest: r.backupDriveManifest,
      ...(r.type === 'Import'
        ? {
            driveList: r.drives.map((d) => ({
              driveId: d.driveId,
              bitLockerKey: d.bitLockerKey,
              manifestFile: d.manifestFile,
              manifestHash: d.manifestHash,
              ...(d.driveHeaderHash ? { driveHeaderHash: d.driveHeaderHash } : {}),
            })),
          }
        : {}),
      ...(r.type === 'Export' && r.export
        ? // The SDK flattens export.blobList into export (blobPath, blobPathPrefix).
          {
            export: {
              ...(r.export.blobPaths.length ? { blobPath: r.export.blobPaths } : {}),
              ...(r.export.blobPathPrefixes.length ? { blobPathPrefix: r.export.blobPathPrefixes } : {}),
            },
          }
        : {}),
    },
  };
}

/** A drive's log of one job, read and parsed, each row with the customer's own file where the prep journal knows it. */
async function readJobLog(
  c: Current,
  job: ArmJob,
  r: Valid<typeof JobLogRequest>,
  lookup: SourceFileLookup | undefined,
): Promise<JobLog> {
  const drive = job.properties.driveList?.find((d) => d.driveId.toLowerCase() === r.driveId.toLowerCase());
  if (!drive) {
    const ids = (job.properties.driveList ?? []).map((d) => d.driveId).join(', ') || 'none yet';
    throw new HandlerError('UnknownDrive', `Job ${r.name} has no drive ${r.driveId} (its drives: ${ids}).`, 'driveId');
  }
  const uri = r.kind === 'error' ? drive.errorLogUri : drive.verboseLogUri;
  if (!uri) {
    throw new HandlerError(
      'no-log',
      r.kind === 'verbose' && job.properties.logLevel?.toLowerCase() !== 'verbose'
        ? `Drive ${drive.driveId} has no verbose log: job ${r.name} logs errors only (its log level is Error). The error log lists every blob with a problem.`
        : `Drive ${drive.driveId} has no ${r.kind} log yet: the data center writes it when it has finished copying the drive (it is ${drive.state ?? 'in an unknown state'} now).`,
      'kind',
    );
  }
  const xml = await c.client.readLogBlob(uri);
  let parsed: JobLog;
  const sources = new Map<string, string>();
  try {
    parsed = readDriveLog(xml, { name: r.name, driveId: drive.driveId, kind: r.kind });
  } catch (err) {
    throw new HandlerError(
      'bad-log',
      `The ${r.kind} log of drive ${drive.driveId} could not be read (${messageOf(err)}). Download it from the storage account to look at it.`,
    );
  }
  if (!lookup) return parsed;
  for (const row of parsed.rows) {
    try {
      const s = await lookup({
        jobName: r.name,
        driveId: drive.driveId,
        filePath: row.filePath,
        blobPath: row.blobPath,
      });
      if (s) sources.set(row.blobPath, s);
    } catch {
      // The journal may be gone (another computer prepared the drive): show the drive's path instead.
    }
  }
  return {
    ...parsed,
    rows: parsed.rows.map((row) =>
      sources.has(row.blobPath) ? { ...row, sourcePath: sources.get(row.blobPath) } : row,
    ),
  };
}

// Jobs as the app sees them: the service client of the current connection, the job records of that
// connection, and the views built from both. Every answer from the service is written into the
// records and, when a job's view changed, announced with job.updated — whoever asked (a screen,
// or the tracker's poll). The bridge handlers (handlers/jobs.ts) are thin wrappers over this.
import type { z } from 'zod';
import type { ArmJob, ArmLocation } from '../../../shared/arm/schemas';
import { HandlerError } from '../../../shared/ipc/contract';
import type {
  BitLockerKeys,
  CreateJobRequest,
  JobList,
  JobLog,
  JobLogRequest,
  ShipJobRequest,
  UpdateJobRequest,
} from '../../../shared/ipc/channels/jobs';
import {
  buildJobView,
  locationMatches,
  NOTIFY_TAG,
  readDriveLog,
  viewChanged,
  type JobRecord,
  type JobView,
  type LocationView,
} from '../../../shared/jobs';
import type { CoreEvents } from '../bridge/context';
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
  list(): Promise<JobList>;
  get(name: string): Promise<JobView>;
  create(request: Valid<typeof CreateJobRequest>): Promise<JobView>;
  update(request: Valid<typeof UpdateJobRequest>): Promise<JobView>;
  ship(request: Valid<typeof ShipJobRequest>): Promise<JobView>;
  cancel(name: string): Promise<JobView>;
  delete(name: string): Promise<void>;
  bitLockerKeys(name: string): Promise<BitLockerKeys>;
  log(request: Valid<typeof JobLogRequest>): Promise<JobLog>;
  locations(): Promise<LocationView[]>;
}

interface Current {
  connection: Connection;
  client: ServiceClient;
  records: JobRecords;
  views: Map<string, JobView>;
  locations?: ArmLocation[];
  locationsLoading?: Promise<ArmLocation[]> | undefined;
}

export function createJobsService(o: JobsServiceOptions): JobsService {
  const now = o.now ?? (() => new Date());
  let current: Current | undefined;

  const build = (connection: Connection): Current => {
    const key = connectionKey(connection);
    return {
      connection,
      client: createServiceClient(connection, o.health, o.client),
      records: createJobRecords(key, o.recordStores(key)),
      views: new Map(),
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

  function publish(c: Current, view: JobView): JobView {
    const before = c.views.get(view.name);
    c.views.set(view.name, view);
    if (viewChanged(before, view)) o.events.emit('job.updated', { kind: 'updated', name: view.name, view });
    return view;
  }

  function viewOf(c: Current, job: ArmJob, record: JobRecord | undefined, at: Date, locations: ArmLocation[]): JobView {
    const location = locations.find((l) => locationMatches(job.location, l));
    return buildJobView(job, record, at, location ? { location } : {});
  }

  /** Records one answer about one job and returns its (published) view. */
  async function seen(c: Current, job: ArmJob, via: 'polled' | 'haul', createdByHaul = false): Promise<JobView> {
    const at = now();
    const { records } = await c.records.see([job], at, { via, createdByHaul });
    return publish(c, viewOf(c, job, records[job.name], at, await locationsOf(c)));
  }

  async function removed(c: Current, name: string): Promise<void> {
    const at = now();
    const r = await c.records.markGone(name, at);
    const had = c.views.delete(name);
    if (had || r) o.events.emit('job.updated', { kind: 'removed', name, goneAt: r?.goneAt ?? at.toISOString() });
  }

  /** A 404 on a job means it is gone: say so to everyone, then let the caller's error through. */
  async function guard<T>(c: Current, name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ServiceCallError && err.status === 404) await removed(c, name);
      throw err;
    }
  }

  return {
    client: () => cur().client,
    records: () => cur().records,

    async list() {
      const c = cur();
      const jobs = await c.client.listJobs();
      const at = now();
      const { records, gone } = await c.records.see(jobs, at, { complete: true });
      const locations = await locationsOf(c);
      const views = jobs.map((j) => publish(c, viewOf(c, j, records[j.name], at, locations)));
      for (const g of gone) {
        c.views.delete(g.name);
        o.events.emit('job.updated', { kind: 'removed', name: g.name, goneAt: g.goneAt ?? at.toISOString() });
      }
      return { jobs: views, observedAt: at.toISOString() };
    },

    async get(name) {
      const c = cur();
      return seen(c, await guard(c, name, () => c.client.getJob(name)), 'polled');
    },

    async create(r) {
      const c = cur();
      const existing = await c.client.findJob(r.name);
      if (existing) {
        throw new HandlerError(
          'JobExists',
          `A job named ${r.name} already exists in resource group ${c.client.resourceGroup} (it is ${existing.properties.state ?? 'in an unknown state'}). Choose another name; creating it again would change that job.`,
          'name',
        );
      }
      const notify = r.notificationEmails.join(',');
      if (notify.length > 256)
        throw new HandlerError(
          'bad-request',
          'The notification emails are too long to keep with the job (256 characters in all); name fewer people.',
          'notificationEmails',
        );
      const body: PutJobParameters = {
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
      const job = await c.client.createJob(r.name, body);
      return seen(c, job, 'haul', true);
    },

    async update(r) {
      const c = cur();
      // The SDK flattens UpdateJobParameters.properties into the body's top level.
      const body: UpdateJobParameters = {
        ...(r.returnAddress ? { returnAddress: r.returnAddress } : {}),
        ...(r.returnShipping ? { returnShipping: r.returnShipping } : {}),
      };
      if (r.notificationEmails) {
        const notify = r.notificationEmails.join(',');
        if (notify.length > 256)
          throw new HandlerError(
            'bad-request',
            'The notification emails are too long to keep with the job (256 characters in all); name fewer people.',
            'notificationEmails',
          );
        // PATCH replaces all tags: keep the others.
        const job = await guard(c, r.name, () => c.client.getJob(r.name));
        const tags = { ...(job.tags ?? {}) };
        if (notify) tags[NOTIFY_TAG] = notify;
        else delete tags[NOTIFY_TAG];
        body.tags = tags;
      }
      const job = await guard(c, r.name, () => c.client.updateJob(r.name, body));
      await c.records.see([job], now(), { via: 'haul' });
      await c.records.markUpdated(r.name, now());
      return seen(c, job, 'haul');
    },

    async ship(r) {
      const c = cur();
      const job = await guard(c, r.name, () =>
        c.client.updateJob(r.name, {
          state: 'Shipping',
          deliveryPackage: {
            carrierName: r.carrierName,
            trackingNumber: r.trackingNumber,
            shipDate: r.shipDate,
            driveCount: r.driveCount,
          },
        }),
      );
      return seen(c, job, 'haul');
    },

    async cancel(name) {
      const c = cur();
      const job = await guard(c, name, () => c.client.updateJob(name, { cancelRequested: true }));
      return seen(c, job, 'haul');
    },

    async delete(name) {
      const c = cur();
      await guard(c, name, () => c.client.deleteJob(name));
      await removed(c, name);
    },

    async bitLockerKeys(name) {
      const c = cur();
      return { name, keys: await guard(c, name, () => c.client.bitLockerKeys(name)) };
    },

    async log(r) {
      const c = cur();
      const job = await guard(c, r.name, () => c.client.getJob(r.name));
      await seen(c, job, 'polled');
      const drive = job.properties.driveList?.find((d) => d.driveId.toLowerCase() === r.driveId.toLowerCase());
      if (!drive) {
        const ids = (job.properties.driveList ?? []).map((d) => d.driveId).join(', ') || 'none yet';
        throw new HandlerError(
          'UnknownDrive',
          `Job ${r.name} has no drive ${r.driveId} (its drives: ${ids}).`,
          'driveId',
        );
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
      const lookup = o.sourceFiles?.();
      try {
        parsed = readDriveLog(xml, { name: r.name, driveId: drive.driveId, kind: r.kind });
      } catch (err) {
        throw new HandlerError(
          'bad-log',
          `The ${r.kind} log of drive ${drive.driveId} could not be read (${err instanceof Error ? err.message : String(err)}). Download it from the storage account to look at it.`,
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
    },

    async locations() {
      const c = cur();
      c.locations = await c.client.listLocations();
      return c.locations.map((l) => {
        const p = l.properties;
        const address = p
          ? Object.fromEntries(
              Object.entries({
                recipientName: p.recipientName,
                streetAddress1: p.streetAddress1,
                streetAddress2: p.streetAddress2,
                city: p.city,
                stateOrProvince: p.stateOrProvince,
                postalCode: p.postalCode,
                countryOrRegion: p.countryOrRegion,
                phone: p.phone,
                additionalInformation: p.additionalShippingInformation,
              }).filter(([, v]) => v !== undefined && v !== ''),
            )
          : undefined;
        return {
          name: l.name,
          ...(l.id ? { id: l.id } : {}),
          ...(address ? { address } : {}),
          supportedCarriers: p?.supportedCarriers ?? [],
          alternateLocations: p?.alternateLocations ?? [],
        };
      });
    },
  };
}

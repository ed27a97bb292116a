// The jobs of the sandbox: ARM requests in, life-cycle events through shared/lifecycle (which alone
// decides what may happen), durable records out. The parts live beside this file: request.ts (the
// ARM checks), unset.ts (what a property that says nothing means), armView.ts (the ARM view and its
// cache), list.ts ($filter and paging), effects.ts (the effect log) and scheduler.ts (every job's
// next deadline, fired on the service clock).
import { messageOf } from '../../shared/errors';
import { randomUUID } from 'node:crypto';
import {
  allowed,
  apply,
  createJob,
  nextDeadline,
  tick,
  type ApplyResult,
  type Effect,
  type LifecycleEvent,
  type LifecycleJob,
} from '../../shared/lifecycle';
import {
  MAX_TOP,
  PutJobParametersSchema,
  UpdateJobParametersSchema,
  type JobResponse,
  type ListJobsResponse,
  type PutJobParameters,
  type UpdateJobParameters,
} from '../../shared/arm/schemas';
import { ArmHttpError, badRequest, notFound, refusalError } from '../errors';
import { findLocation, locationNames } from '../locations';
import { jobKey, type StoredJob, type JobStore } from '../store';
import type { ServiceClock } from '../clock';
import { ArmView, resourceId } from './armView';
import { logEffects } from './effects';
import { listPage, type ListPage } from './list';
import {
  checkCarrier,
  checkNames,
  checkNewJob,
  checkStorageAccount,
  checkSubscription,
  newRecord,
  parseBody,
  type StorageAccounts,
} from './request';
import { DeadlineScheduler } from './scheduler';
import { PUT_JOB_PARAMETERS, UPDATE_JOB_PARAMETERS, withoutUnset } from './unset';

export { parseStateFilter } from './list';
export { refusalError } from '../errors';
export type { StorageAccounts } from './request';

export interface JobServiceOptions {
  store: JobStore;
  clock: ServiceClock;
  subscriptionId: string;
  accounts: StorageAccounts;
  log: (line: string) => void;
  /** Page size of list operations (nextLink after this many). */
  pageSize?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Applies events in order; the first refusal refuses them all (nothing is changed). */
function applyAll(job: LifecycleJob, events: LifecycleEvent[], now: number): ApplyResult {
  let cur = job;
  const effects: Effect[] = [];
  for (const ev of events) {
    const r = apply(cur, ev, now);
    if (!r.ok) return r;
    cur = r.job;
    effects.push(...r.effects);
  }
  return { ok: true, job: cur, effects };
}

export class JobService {
  readonly subscriptionId: string;
  private readonly store: JobStore;
  private readonly clock: ServiceClock;
  private readonly accounts: StorageAccounts;
  private readonly log: (line: string) => void;
  private readonly pageSize: number;
  private readonly view = new ArmView();
  private readonly scheduler: DeadlineScheduler;

  constructor(o: JobServiceOptions) {
    this.store = o.store;
    this.clock = o.clock;
    this.subscriptionId = o.subscriptionId;
    this.accounts = o.accounts;
    this.log = o.log;
    this.pageSize = o.pageSize ?? MAX_TOP;
    this.scheduler = new DeadlineScheduler({
      clock: o.clock,
      log: o.log,
      earliest: () => this.earliestDeadline(),
      fire: () => this.fireAll(),
    });
  }

  now(): number {
    return this.clock.now();
  }

  checkSubscription(subscriptionId: string): void {
    checkSubscription(subscriptionId, this.subscriptionId);
  }

  checkNames(resourceGroup: string, jobName?: string): void {
    checkNames(resourceGroup, jobName);
  }

  find(resourceGroup: string, name: string): StoredJob {
    const job = this.store.get(jobKey(resourceGroup, name));
    if (!job) {
      throw notFound(
        'ResourceNotFound',
        `The job '${name}' was not found in resource group '${resourceGroup}'. It may never have existed, or it was deleted (by the customer, or automatically after 14 days in Creating (rule J2) or 90 days after it finished (rule J12)).`,
        'jobName',
      );
    }
    return job;
  }

  resourceId(job: Pick<StoredJob, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
    return resourceId(job);
  }

  toArm(job: StoredJob): JobResponse {
    return this.view.of(job);
  }

  toArmJson(job: StoredJob): string {
    return this.view.json(job);
  }

  /**
   * The one way a job record changes: a copy with the new life cycle and the caller's own fields,
   * its effects logged, then saved — or deleted when the life cycle says so.
   */
  private async save(
    job: StoredJob,
    lifecycle: LifecycleJob | undefined,
    effects: Effect[],
    now: number,
    edit?: (next: StoredJob) => void,
  ): Promise<{ next: StoredJob; deleted: boolean }> {
    const next = structuredClone(job);
    if (lifecycle) next.lifecycle = lifecycle;
    edit?.(next);
    next.modifiedAt = now;
    const deleted = logEffects(this.log, next, effects);
    if (deleted) await this.store.delete(jobKey(next.resourceGroup, next.name));
    else await this.store.put(next);
    return { next, deleted };
  }

  // ---- customer operations -----------------------------------------------------------------

  async createOrReplace(
    subscriptionId: string,
    resourceGroup: string,
    name: string,
    body: unknown,
  ): Promise<{ status: 200 | 201; job: JobResponse }> {
    this.checkSubscription(subscriptionId);
    checkNames(resourceGroup, name);
    const input = parseBody(
      PutJobParametersSchema,
      withoutUnset(body, PUT_JOB_PARAMETERS),
      'Put Job request (PutJobParameters)',
    );
    const p = input.properties;
    if (!findLocation(input.location))
      throw badRequest(
        'InvalidLocation',
        `The location '${input.location}' is not a data center of this sandbox. Available locations: ${locationNames()}.`,
        'location',
      );
    checkStorageAccount(p.storageAccountId, this.subscriptionId, this.accounts);
    checkCarrier(input.location, p.deliveryPackage?.carrierName, 'properties.deliveryPackage.carrierName');

    const existing = this.store.get(jobKey(resourceGroup, name));
    const now = this.clock.now();
    if (existing) return { status: 200, job: await this.replaceExisting(existing, input, now) };
    checkNewJob(p);

    let lc: LifecycleJob;
    try {
      lc = createJob(
        {
          name,
          type: p.jobType,
          drives: (p.driveList ?? []).map((d) => ({ driveId: d.driveId })),
          ...(p.logLevel ? { logLevel: p.logLevel } : {}),
          ...(p.deliveryPackage ? { deliveryPackage: p.deliveryPackage } : {}),
          ...(p.returnAddress ? { returnAddress: p.returnAddress } : {}),
          ...(p.returnShipping ? { returnShipping: p.returnShipping } : {}),
        },
        now,
      );
    } catch (e) {
      throw badRequest('InvalidRequestContent', messageOf(e));
    }
    const stored = newRecord({ subscriptionId: this.subscriptionId, resourceGroup, name }, input, lc, now);
    await this.store.put(stored);
    this.log(`job ${resourceGroup}/${name} created (${lc.type}, ${lc.drives.length} drive(s)) — rule J1`);
    this.scheduler.reschedule();
    return { status: 201, job: this.toArm(stored) };
  }

  /** PUT on an existing job: the updatable properties go through the life cycle like a PATCH (J3). */
  private async replaceExisting(existing: StoredJob, input: PutJobParameters, now: number): Promise<JobResponse> {
    const p = input.properties;
    const lc = existing.lifecycle;
    const ids = (ds: { driveId: string }[]) =>
      ds
        .map((d) => d.driveId.toUpperCase())
        .sort()
        .join();
    const sent = ids(p.driveList ?? []);
    // The customer's drives; a client that PUTs back a job it read also sends the drives the data
    // center added (an import's extra drives, an export's drives).
    const drivesKept =
      sent === ids(lc.drives) || (lc.type === 'Import' ? sent === ids(lc.drives.filter((d) => !d.extra)) : sent === '');
    const immutable: [string, boolean][] = [
      ['properties.jobType', p.jobType !== lc.type],
      ['properties.storageAccountId', p.storageAccountId.toLowerCase() !== existing.storageAccountId.toLowerCase()],
      ['location', findLocation(input.location)?.id !== findLocation(existing.location)?.id],
      ['properties.driveList', !drivesKept],
    ];
    const changed = immutable.filter(([, c]) => c).map(([n]) => n);
    if (changed.length) {
      throw new ArmHttpError(
        409,
        'JobPropertyImmutable',
        `The job '${existing.name}' already exists and ${changed.join(', ')} cannot change. Create a new job with another name, or delete this one first (possible in Creating or Completed, rule A1).`,
        changed[0],
      );
    }
    // The state and cancel flag as the client read them change nothing; another state is asked
    // for as Update Job asks for it (only Shipping), and so is a cancel.
    const state = p.state !== undefined && p.state.toLowerCase() !== lc.state.toLowerCase() ? p.state : undefined;
    const cancel = p.cancelRequested === true && !lc.cancelRequested;
    const patch: UpdateJobParameters = {
      ...(input.tags ? { tags: input.tags } : {}),
      properties: {
        ...(state !== undefined ? { state } : {}),
        ...(cancel ? { cancelRequested: true } : {}),
        ...(p.returnAddress ? { returnAddress: p.returnAddress } : {}),
        ...(p.returnShipping ? { returnShipping: p.returnShipping } : {}),
        ...(p.deliveryPackage ? { deliveryPackage: p.deliveryPackage } : {}),
        ...(p.logLevel ? { logLevel: p.logLevel } : {}),
        ...(p.backupDriveManifest !== undefined ? { backupDriveManifest: p.backupDriveManifest } : {}),
        ...(p.driveList ? { driveList: p.driveList } : {}),
      },
    };
    return this.applyUpdate(existing, patch, now, p.diagnosticsPath);
  }

  async update(subscriptionId: string, resourceGroup: string, name: string, body: unknown): Promise<JobResponse> {
    this.checkSubscription(subscriptionId);
    checkNames(resourceGroup, name);
    const input = parseBody(
      UpdateJobParametersSchema,
      withoutUnset(body, UPDATE_JOB_PARAMETERS),
      'Update Job request (UpdateJobParameters)',
    );
    const job = this.find(resourceGroup, name);
    return this.applyUpdate(job, input, this.clock.now());
  }

  private async applyUpdate(
    job: StoredJob,
    input: UpdateJobParameters,
    now: number,
    diagnosticsPath?: string,
  ): Promise<JobResponse> {
    const p = input.properties ?? {};
    if (p.state !== undefined && p.state.toLowerCase() !== 'shipping') {
      throw badRequest(
        'InvalidJobState',
        `properties.state can only be set to 'Shipping' (to say the drives were shipped, rule J4); '${p.state}' is set by the service.`,
        'properties.state',
      );
    }
    checkCarrier(job.location, p.deliveryPackage?.carrierName, 'properties.deliveryPackage.carrierName');
    const events = updateEvents(input, diagnosticsPath);
    // The drive list cannot grow: every drive named must be one of the job's (checked before the life cycle).
    const driveIds = (p.driveList ?? []).map((d) => {
      const known = job.lifecycle.drives.find((x) => x.driveId.toUpperCase() === d.driveId.toUpperCase());
      if (!known) {
        throw badRequest(
          'UnknownDrive',
          `The drive '${d.driveId}' is not part of job '${job.name}' (drives: ${job.lifecycle.drives.map((x) => x.driveId).join(', ') || 'none'}). The drive list cannot grow after the job is created; create another job for more drives.`,
          'properties.driveList',
        );
      }
      return known.driveId;
    });
    const edit = (next: StoredJob) => {
      (p.driveList ?? []).forEach((d, i) => {
        const x = (next.drives[driveIds[i] ?? d.driveId] ??= {});
        if (d.bitLockerKey !== undefined) x.bitLockerKey = d.bitLockerKey;
        if (d.manifestFile !== undefined) x.manifestFile = d.manifestFile;
        if (d.manifestHash !== undefined) x.manifestHash = d.manifestHash.toUpperCase();
        if (d.driveHeaderHash !== undefined) x.driveHeaderHash = d.driveHeaderHash;
      });
      if (p.backupDriveManifest !== undefined) next.backupDriveManifest = p.backupDriveManifest;
      if (diagnosticsPath !== undefined) next.diagnosticsPath = diagnosticsPath;
      if (input.tags) next.tags = input.tags;
    };
    const r = events.length ? applyAll(job.lifecycle, events, now) : undefined;
    if (r && !r.ok) throw refusalError(r, 'properties');
    const saved = await this.save(job, r?.job, r?.effects ?? [], now, edit);
    this.scheduler.reschedule();
    // A deadline that fell due before this request (e.g. J2) deleted the job first: not found.
    if (saved.deleted) this.find(job.resourceGroup, job.name);
    return this.toArm(saved.next);
  }

  async remove(subscriptionId: string, resourceGroup: string, name: string): Promise<void> {
    this.checkSubscription(subscriptionId);
    checkNames(resourceGroup, name);
    const job = this.find(resourceGroup, name);
    const r = apply(job.lifecycle, { type: 'Delete' }, this.clock.now());
    if (!r.ok) throw refusalError(r);
    logEffects(
      this.log,
      job,
      r.effects.filter((e) => e.type !== 'DeleteJob'),
    );
    await this.store.delete(jobKey(job.resourceGroup, job.name));
    this.log(`job ${job.resourceGroup}/${job.name} deleted by the customer (rule A1)`);
    this.scheduler.reschedule();
  }

  getJson(subscriptionId: string, resourceGroup: string, name: string): string {
    this.checkSubscription(subscriptionId);
    checkNames(resourceGroup, name);
    return this.toArmJson(this.find(resourceGroup, name));
  }

  get(subscriptionId: string, resourceGroup: string, name: string): JobResponse {
    this.checkSubscription(subscriptionId);
    checkNames(resourceGroup, name);
    return this.toArm(this.find(resourceGroup, name));
  }

  bitLockerKeys(
    subscriptionId: string,
    resourceGroup: string,
    name: string,
  ): { value: { driveId: string; bitLockerKey: string }[] } {
    this.checkSubscription(subscriptionId);
    checkNames(resourceGroup, name);
    const job = this.find(resourceGroup, name);
    return {
      value: job.lifecycle.drives.flatMap((d) => {
        const k = job.drives[d.driveId]?.bitLockerKey;
        return k === undefined ? [] : [{ driveId: d.driveId, bitLockerKey: k }];
      }),
    };
  }

  /** The list page as JSON text, built from each job's cached JSON. */
  listJson(subscriptionId: string, resourceGroup: string | undefined, url: URL): string {
    const page = this.listPage(subscriptionId, resourceGroup, url);
    return `{"value":[${page.jobs.map((j) => this.toArmJson(j)).join(',')}]${page.nextLink ? `,"nextLink":${JSON.stringify(page.nextLink)}` : ''}}`;
  }

  list(subscriptionId: string, resourceGroup: string | undefined, url: URL): ListJobsResponse {
    const page = this.listPage(subscriptionId, resourceGroup, url);
    return { value: page.jobs.map((j) => this.toArm(j)), ...(page.nextLink ? { nextLink: page.nextLink } : {}) };
  }

  private listPage(subscriptionId: string, resourceGroup: string | undefined, url: URL): ListPage {
    this.checkSubscription(subscriptionId);
    if (resourceGroup !== undefined) checkNames(resourceGroup);
    return listPage(this.store, {
      ...(resourceGroup !== undefined ? { resourceGroup } : {}),
      url,
      pageSize: this.pageSize,
    });
  }

  // ---- data center and clock ---------------------------------------------------------------

  /** Applies data-center events to a job and persists it; a refusal becomes an HTTP error. */
  async operate(
    resourceGroup: string,
    name: string,
    events: LifecycleEvent[],
    mutate?: (job: StoredJob) => void,
  ): Promise<StoredJob> {
    const job = this.find(resourceGroup, name);
    const now = this.clock.now();
    const r = applyAll(job.lifecycle, events, now);
    if (!r.ok) throw refusalError(r);
    const { next } = await this.save(job, r.job, r.effects, now, mutate);
    this.scheduler.reschedule();
    return next;
  }

  /** Changes only the service's own fields of a job (drive paths, URIs) — no life-cycle change. */
  async annotate(resourceGroup: string, name: string, mutate: (job: StoredJob) => void): Promise<StoredJob> {
    const next = structuredClone(this.find(resourceGroup, name));
    mutate(next);
    await this.store.put(next);
    return next;
  }

  permissions(job: StoredJob) {
    return allowed(job.lifecycle);
  }

  jobs(): StoredJob[] {
    return [...this.store.all()];
  }

  /** Fires every due deadline on every job (idempotent: a fired deadline is cleared in the persisted job). */
  fireDue(): Promise<void> {
    return this.scheduler.fireDue();
  }

  private async fireAll(): Promise<void> {
    const now = this.clock.now();
    for (const key of [...this.store.keys()]) {
      // Read afresh: a request may have changed (or deleted) the job while we awaited a write.
      const job = this.store.get(key);
      if (!job) continue;
      const due = nextDeadline(job.lifecycle);
      if (due === undefined || due > now) continue;
      const r = tick(job.lifecycle, now);
      await this.save(job, r.job, r.effects, now);
    }
  }

  private earliestDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const job of this.store.all()) {
      const d = nextDeadline(job.lifecycle);
      if (d !== undefined && (earliest === undefined || d < earliest)) earliest = d;
    }
    return earliest;
  }

  async advance(days: number): Promise<number> {
    const now = await this.clock.advance(days * 86_400_000);
    this.log(`service clock moved forward ${days} day(s) to ${iso(now)}`);
    await this.fireDue();
    return now;
  }

  async close(): Promise<void> {
    await this.scheduler.close();
    await this.store.flush();
  }

  newRequestId(): string {
    return randomUUID();
  }
}

/** The life-cycle events an Update Job request stands for. */
function updateEvents(input: UpdateJobParameters, diagnosticsPath: string | undefined): LifecycleEvent[] {
  const p = input.properties ?? {};
  const events: LifecycleEvent[] = [];
  const props = {
    ...(p.deliveryPackage ? { deliveryPackage: p.deliveryPackage } : {}),
    ...(p.returnAddress ? { returnAddress: p.returnAddress } : {}),
    ...(p.returnShipping ? { returnShipping: p.returnShipping } : {}),
  };
  const touchesLifecycle = Object.keys(props).length > 0 || p.logLevel !== undefined;
  const touchesRecord =
    p.backupDriveManifest !== undefined || p.driveList !== undefined || diagnosticsPath !== undefined;
  if (p.state !== undefined) {
    if (p.logLevel !== undefined) events.push({ type: 'UpdateProperties', logLevel: p.logLevel });
    events.push({ type: 'SetShipping', ...props });
  } else if (touchesLifecycle) {
    events.push({ type: 'UpdateProperties', ...props, ...(p.logLevel ? { logLevel: p.logLevel } : {}) });
  } else if (touchesRecord) {
    // Fields the life cycle does not model still need its permission to update the job (and J3's reset).
    events.push({ type: 'UpdateProperties' });
  }
  if (p.cancelRequested === true) events.push({ type: 'Cancel' });
  return events;
}

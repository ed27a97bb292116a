// The jobs of the sandbox: ARM requests in, life-cycle events through shared/lifecycle (which
// alone decides what may happen), durable records out. Also the timers: every job's next
// deadline (persisted inside the job) is fired by tick() on the service clock.
import { randomUUID } from 'node:crypto';
import {
  allowed, apply, createJob, drivePercentComplete, nextDeadline, percentComplete, refusalStatus, tick,
  type ApplyResult, type Effect, type LifecycleEvent, type LifecycleJob, type Refusal,
} from '../shared/lifecycle';
import {
  MAX_TOP, PutJobParametersSchema, RESOURCE_TYPE_JOBS, UpdateJobParametersSchema, jobNameProblem, parseStorageAccountId,
  resourceGroupProblem, zodIssuesToDetails, type ArmDriveStatus, type JobResponse, type ListJobsResponse, type UpdateJobParameters,
} from '../shared/arm/schemas';
import { ArmHttpError, badRequest, notFound } from './errors';
import { findLocation, locationNames, shippingInformationFor } from './locations';
import { jobKey, type StoredJob, type JobStore } from './store';
import type { ServiceClock } from './clock';

export interface StorageAccounts {
  /** Names of the storage accounts that exist in the sandbox storage. */
  names(): string[];
}

export interface JobServiceOptions {
  store: JobStore;
  clock: ServiceClock;
  subscriptionId: string;
  accounts: StorageAccounts;
  log: (line: string) => void;
  /** Page size of list operations (nextLink after this many). */
  pageSize?: number;
}

export function refusalError(r: Refusal, target?: string): ArmHttpError {
  return new ArmHttpError(refusalStatus(r.code), r.code, r.message, target, [{ code: r.rule, message: r.message, ...(target ? { target } : {}) }]);
}

const iso = (ms: number) => new Date(ms).toISOString();
const clone = <T>(v: T): T => structuredClone(v);

/** Applies events in order on a copy; the first refusal refuses them all (nothing is changed). */
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
  private timer: NodeJS.Timeout | undefined;
  private firing: Promise<void> | undefined;
  private closed = false;

  constructor(o: JobServiceOptions) {
    this.store = o.store;
    this.clock = o.clock;
    this.subscriptionId = o.subscriptionId;
    this.accounts = o.accounts;
    this.log = o.log;
    this.pageSize = o.pageSize ?? MAX_TOP;
  }

  now(): number { return this.clock.now(); }

  // ---- identity checks ---------------------------------------------------------------------

  checkSubscription(subscriptionId: string): void {
    if (subscriptionId.toLowerCase() !== this.subscriptionId.toLowerCase()) {
      throw new ArmHttpError(403, 'AuthorizationFailed',
        `The token does not grant access to subscription '${subscriptionId}'. This sandbox serves subscription '${this.subscriptionId}' only; use that id in the request path.`, 'subscriptionId');
    }
  }

  checkNames(resourceGroup: string, jobName?: string): void {
    const rg = resourceGroupProblem(resourceGroup);
    if (rg) throw badRequest('InvalidResourceGroupName', rg, 'resourceGroupName');
    if (jobName !== undefined) {
      const jn = jobNameProblem(jobName);
      if (jn) throw badRequest('InvalidJobName', jn, 'jobName');
    }
  }

  find(resourceGroup: string, name: string): StoredJob {
    const job = this.store.get(jobKey(resourceGroup, name));
    if (!job) {
      throw notFound('ResourceNotFound', `The job '${name}' was not found in resource group '${resourceGroup}'. It may never have existed, or it was deleted (by the customer, or automatically after 14 days in Creating (rule J2) or 90 days after it finished (rule J12)).`, 'jobName');
    }
    return job;
  }

  // ---- ARM view ----------------------------------------------------------------------------

  resourceId(job: Pick<StoredJob, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
    return `/subscriptions/${job.subscriptionId}/resourceGroups/${job.resourceGroup}/providers/Microsoft.ImportExport/jobs/${job.name}`;
  }

  /** ARM views by job record: records are replaced (never mutated) on change, so identity is the cache key. */
  private readonly views = new WeakMap<StoredJob, JobResponse>();
  private readonly texts = new WeakMap<StoredJob, string>();

  /** The ARM view as JSON text (cached like the view). */
  toArmJson(job: StoredJob): string {
    let s = this.texts.get(job);
    if (s === undefined) { s = JSON.stringify(this.toArm(job)); this.texts.set(job, s); }
    return s;
  }

  toArm(job: StoredJob): JobResponse {
    let v = this.views.get(job);
    if (!v) { v = this.render(job); this.views.set(job, v); }
    return v;
  }

  private render(job: StoredJob): JobResponse {
    const lc = job.lifecycle;
    const driveList: ArmDriveStatus[] = lc.drives.map((d) => {
      const x = job.drives[d.driveId] ?? {};
      return {
        driveId: d.driveId,
        ...(x.bitLockerKey !== undefined ? { bitLockerKey: x.bitLockerKey } : {}),
        ...(x.manifestFile !== undefined ? { manifestFile: x.manifestFile } : {}),
        ...(x.manifestHash !== undefined ? { manifestHash: x.manifestHash } : {}),
        ...(x.driveHeaderHash !== undefined ? { driveHeaderHash: x.driveHeaderHash } : {}),
        state: d.state,
        ...(d.copyStatus !== undefined ? { copyStatus: d.copyStatus } : {}),
        percentComplete: drivePercentComplete(d),
        ...(d.verboseLogUri !== undefined ? { verboseLogUri: d.verboseLogUri } : {}),
        ...(d.errorLogUri !== undefined ? { errorLogUri: d.errorLogUri } : {}),
        ...(x.manifestUri !== undefined ? { manifestUri: x.manifestUri } : {}),
        bytesSucceeded: d.bytesSucceeded,
      };
    });
    return {
      id: this.resourceId(job),
      name: job.name,
      type: RESOURCE_TYPE_JOBS,
      location: job.location,
      ...(job.tags ? { tags: job.tags } : {}),
      properties: {
        storageAccountId: job.storageAccountId,
        jobType: lc.type,
        ...(lc.returnAddress ? { returnAddress: lc.returnAddress } : {}),
        ...(lc.returnShipping ? { returnShipping: lc.returnShipping } : {}),
        shippingInformation: job.shippingInformation,
        ...(lc.deliveryPackage ? { deliveryPackage: lc.deliveryPackage } : {}),
        ...(lc.returnPackage ? { returnPackage: lc.returnPackage } : {}),
        diagnosticsPath: job.diagnosticsPath,
        logLevel: lc.logLevel,
        backupDriveManifest: job.backupDriveManifest,
        state: lc.state,
        cancelRequested: lc.cancelRequested,
        percentComplete: percentComplete(lc),
        ...(job.incompleteBlobListUri ? { incompleteBlobListUri: job.incompleteBlobListUri } : {}),
        driveList,
        ...(job.export ? { export: job.export } : {}),
        provisioningState: 'Succeeded',
        encryptionKey: job.encryptionKey,
      },
      identity: { type: 'None' },
      systemData: {
        createdBy: 'sandbox-user',
        createdByType: 'User',
        createdAt: iso(job.createdAt),
        lastModifiedBy: 'sandbox-user',
        lastModifiedByType: 'User',
        lastModifiedAt: iso(job.modifiedAt),
      },
    };
  }

  // ---- customer operations -----------------------------------------------------------------

  private parseBody<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly import('zod').z.core.$ZodIssue[] } } }, body: unknown, what: string): T {
    if (body === undefined) throw badRequest('InvalidRequestContent', `The request has no body; ${what} needs a JSON object.`);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('InvalidRequestContent', `The request body must be a JSON object (${what}).`);
    const r = schema.safeParse(body);
    if (!r.success) {
      const details = zodIssuesToDetails(r.error.issues);
      throw badRequest('InvalidRequestContent', `The request body is not a valid ${what}: ${details.map((d) => d.message).join('; ')}.`, details[0]?.target, details);
    }
    return r.data;
  }

  private checkStorageAccount(id: string): void {
    const parsed = parseStorageAccountId(id);
    if (!parsed) {
      throw badRequest('InvalidStorageAccountId', `properties.storageAccountId "${id}" is not a storage account resource id; expected /subscriptions/${this.subscriptionId}/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>.`, 'properties.storageAccountId');
    }
    const names = this.accounts.names();
    if (!names.includes(parsed.account.toLowerCase())) {
      throw badRequest('StorageAccountNotFound', `The storage account '${parsed.account}' does not exist in this sandbox. Available storage accounts: ${names.length ? names.join(', ') : '(none)'}. Use one of them in properties.storageAccountId, or start the service with --storage-account ${parsed.account.toLowerCase()}.`, 'properties.storageAccountId');
    }
    if (parsed.subscriptionId.toLowerCase() !== this.subscriptionId.toLowerCase()) {
      throw badRequest('InvalidStorageAccountId', `properties.storageAccountId names subscription '${parsed.subscriptionId}', but this sandbox serves subscription '${this.subscriptionId}'.`, 'properties.storageAccountId');
    }
  }

  private checkCarrier(location: string, carrier: string | undefined, target: string): void {
    if (carrier === undefined) return;
    const loc = findLocation(location);
    const supported = loc?.properties.supportedCarriers ?? [];
    if (supported.length && !supported.some((c) => c.toLowerCase() === carrier.toLowerCase())) {
      throw badRequest('UnsupportedCarrier', `The carrier '${carrier}' is not supported at ${loc?.name ?? location}. Supported carriers: ${supported.join(', ')}.`, target);
    }
  }

  async createOrReplace(subscriptionId: string, resourceGroup: string, name: string, body: unknown): Promise<{ status: 200 | 201; job: JobResponse }> {
    this.checkSubscription(subscriptionId);
    this.checkNames(resourceGroup, name);
    const input = this.parseBody(PutJobParametersSchema, body, 'Put Job request (PutJobParameters)');
    const p = input.properties;
    const loc = findLocation(input.location);
    if (!loc) throw badRequest('InvalidLocation', `The location '${input.location}' is not a data center of this sandbox. Available locations: ${locationNames()}.`, 'location');
    this.checkStorageAccount(p.storageAccountId);
    if (p.state !== undefined && p.state.toLowerCase() !== 'creating') {
      throw badRequest('InvalidJobState', `properties.state cannot be set to '${p.state}' when creating a job: a new job is Creating (rule J1). After shipping the drives, update the job (PATCH) with state Shipping.`, 'properties.state');
    }
    if (p.cancelRequested === true) throw badRequest('InvalidRequestContent', 'properties.cancelRequested cannot be set when creating a job; cancel an existing job with Update Job (PATCH).', 'properties.cancelRequested');
    const drives = p.driveList ?? [];
    if (p.jobType === 'Import') {
      if (drives.length === 0) throw badRequest('DriveListRequired', 'An import job needs properties.driveList with 1 to 10 drives (driveId, bitLockerKey, manifestFile, manifestHash for each) (rule D1).', 'properties.driveList');
      if (p.export) throw badRequest('InvalidRequestContent', 'properties.export is for export jobs only; remove it or set jobType to Export.', 'properties.export');
    } else {
      if (drives.length > 0) throw badRequest('InvalidRequestContent', 'An export job names no drives when it is created (rule D2): remove properties.driveList; the data center adds the drives it writes.', 'properties.driveList');
      const bl = p.export?.blobList;
      const any = (bl?.blobPath?.length ?? 0) + (bl?.blobPathPrefix?.length ?? 0) > 0 || !!p.export?.blobListBlobPath;
      if (!any) throw badRequest('ExportBlobListRequired', 'An export job needs properties.export with blobList.blobPath, blobList.blobPathPrefix (e.g. ["/photos/"]) or blobListBlobPath.', 'properties.export');
    }
    const seen = new Set<string>();
    for (const d of drives) {
      const k = d.driveId.toUpperCase();
      if (seen.has(k)) throw badRequest('DuplicateDrive', `The drive '${d.driveId}' appears twice in properties.driveList; each drive is listed once.`, 'properties.driveList');
      seen.add(k);
    }
    this.checkCarrier(input.location, p.deliveryPackage?.carrierName, 'properties.deliveryPackage.carrierName');

    const key = jobKey(resourceGroup, name);
    const existing = this.store.get(key);
    const now = this.clock.now();
    if (existing) return { status: 200, job: await this.replaceExisting(existing, input, now) };

    let lc: LifecycleJob;
    try {
      lc = createJob({
        name,
        type: p.jobType,
        drives: drives.map((d) => ({ driveId: d.driveId })),
        ...(p.logLevel ? { logLevel: p.logLevel } : {}),
        ...(p.deliveryPackage ? { deliveryPackage: p.deliveryPackage } : {}),
        ...(p.returnAddress ? { returnAddress: p.returnAddress } : {}),
        ...(p.returnShipping ? { returnShipping: p.returnShipping } : {}),
      }, now);
    } catch (e) {
      throw badRequest('InvalidRequestContent', e instanceof Error ? e.message : String(e));
    }
    const stored: StoredJob = {
      v: 1,
      subscriptionId: this.subscriptionId,
      resourceGroup,
      name,
      location: input.location,
      ...(input.tags ? { tags: input.tags } : {}),
      createdAt: now,
      modifiedAt: now,
      storageAccountId: p.storageAccountId,
      diagnosticsPath: p.diagnosticsPath ?? 'waimportexport',
      backupDriveManifest: p.backupDriveManifest ?? false,
      ...(p.export ? { export: p.export } : {}),
      encryptionKey: { kekType: p.encryptionKey?.kekType ?? 'MicrosoftManaged', ...(p.encryptionKey?.kekUrl ? { kekUrl: p.encryptionKey.kekUrl } : {}), ...(p.encryptionKey?.kekVaultResourceID ? { kekVaultResourceID: p.encryptionKey.kekVaultResourceID } : {}) },
      shippingInformation: shippingInformationFor(loc),
      drives: Object.fromEntries(drives.map((d) => [d.driveId, {
        ...(d.bitLockerKey !== undefined ? { bitLockerKey: d.bitLockerKey } : {}),
        ...(d.manifestFile !== undefined ? { manifestFile: d.manifestFile } : {}),
        ...(d.manifestHash !== undefined ? { manifestHash: d.manifestHash.toUpperCase() } : {}),
        ...(d.driveHeaderHash !== undefined ? { driveHeaderHash: d.driveHeaderHash } : {}),
      }])),
      lifecycle: lc,
    };
    await this.store.put(stored);
    this.log(`job ${resourceGroup}/${name} created (${lc.type}, ${lc.drives.length} drive(s)) — rule J1`);
    this.reschedule();
    return { status: 201, job: this.toArm(stored) };
  }

  /** PUT on an existing job: the updatable properties go through the life cycle like a PATCH (J3). */
  private async replaceExisting(existing: StoredJob, input: ReturnType<typeof PutJobParametersSchema.parse>, now: number): Promise<JobResponse> {
    const p = input.properties;
    const lc = existing.lifecycle;
    const immutable: [string, boolean][] = [
      ['properties.jobType', p.jobType !== lc.type],
      ['properties.storageAccountId', p.storageAccountId.toLowerCase() !== existing.storageAccountId.toLowerCase()],
      ['location', findLocation(input.location)?.id !== findLocation(existing.location)?.id],
      ['properties.driveList', (p.driveList ?? []).map((d) => d.driveId.toUpperCase()).sort().join() !== lc.drives.filter((d) => !d.extra && (lc.type === 'Import')).map((d) => d.driveId.toUpperCase()).sort().join()],
    ];
    const changed = immutable.filter(([, c]) => c).map(([n]) => n);
    if (changed.length) {
      throw new ArmHttpError(409, 'JobPropertyImmutable', `The job '${existing.name}' already exists and ${changed.join(', ')} cannot change. Create a new job with another name, or delete this one first (possible in Creating or Completed, rule A1).`, changed[0]);
    }
    const patch: UpdateJobParameters = {
      ...(input.tags ? { tags: input.tags } : {}),
      properties: {
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
    this.checkNames(resourceGroup, name);
    const input = this.parseBody(UpdateJobParametersSchema, body, 'Update Job request (UpdateJobParameters)');
    const job = this.find(resourceGroup, name);
    return this.applyUpdate(job, input, this.clock.now());
  }

  private async applyUpdate(job: StoredJob, input: UpdateJobParameters, now: number, diagnosticsPath?: string): Promise<JobResponse> {
    const p = input.properties ?? {};
    const events: LifecycleEvent[] = [];
    if (p.state !== undefined && p.state.toLowerCase() !== 'shipping') {
      throw badRequest('InvalidJobState', `properties.state can only be set to 'Shipping' (to say the drives were shipped, rule J4); '${p.state}' is set by the service.`, 'properties.state');
    }
    if (p.cancelRequested === false) {
      throw badRequest('InvalidRequestContent', 'properties.cancelRequested, if specified, must be true (a cancel request cannot be withdrawn).', 'properties.cancelRequested');
    }
    this.checkCarrier(job.location, p.deliveryPackage?.carrierName, 'properties.deliveryPackage.carrierName');
    const props = {
      ...(p.deliveryPackage ? { deliveryPackage: p.deliveryPackage } : {}),
      ...(p.returnAddress ? { returnAddress: p.returnAddress } : {}),
      ...(p.returnShipping ? { returnShipping: p.returnShipping } : {}),
    };
    const touchesLifecycle = Object.keys(props).length > 0 || p.logLevel !== undefined;
    const touchesRecord = p.backupDriveManifest !== undefined || p.driveList !== undefined || diagnosticsPath !== undefined;
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

    const next = clone(job);
    if (p.driveList) {
      for (const d of p.driveList) {
        const known = job.lifecycle.drives.find((x) => x.driveId.toUpperCase() === d.driveId.toUpperCase());
        if (!known) {
          throw badRequest('UnknownDrive', `The drive '${d.driveId}' is not part of job '${job.name}' (drives: ${job.lifecycle.drives.map((x) => x.driveId).join(', ') || 'none'}). The drive list cannot grow after the job is created; create another job for more drives.`, 'properties.driveList');
        }
        const x = (next.drives[known.driveId] ??= {});
        if (d.bitLockerKey !== undefined) x.bitLockerKey = d.bitLockerKey;
        if (d.manifestFile !== undefined) x.manifestFile = d.manifestFile;
        if (d.manifestHash !== undefined) x.manifestHash = d.manifestHash.toUpperCase();
        if (d.driveHeaderHash !== undefined) x.driveHeaderHash = d.driveHeaderHash;
      }
    }
    if (p.backupDriveManifest !== undefined) next.backupDriveManifest = p.backupDriveManifest;
    if (diagnosticsPath !== undefined) next.diagnosticsPath = diagnosticsPath;
    if (input.tags) next.tags = input.tags;

    if (events.length) {
      const r = applyAll(job.lifecycle, events, now);
      if (!r.ok) throw refusalError(r, 'properties');
      next.lifecycle = r.job;
      if (this.handleEffects(next, r.effects)) {
        // A deadline that fell due before this request (e.g. J2) deleted the job first.
        await this.store.delete(jobKey(job.resourceGroup, job.name));
        this.reschedule();
        this.find(job.resourceGroup, job.name);
      }
    }
    next.modifiedAt = now;
    await this.store.put(next);
    this.reschedule();
    return this.toArm(next);
  }

  async remove(subscriptionId: string, resourceGroup: string, name: string): Promise<void> {
    this.checkSubscription(subscriptionId);
    this.checkNames(resourceGroup, name);
    const job = this.find(resourceGroup, name);
    const r = apply(job.lifecycle, { type: 'Delete' }, this.clock.now());
    if (!r.ok) throw refusalError(r);
    this.handleEffects(job, r.effects.filter((e) => e.type !== 'DeleteJob'));
    await this.store.delete(jobKey(job.resourceGroup, job.name));
    this.log(`job ${job.resourceGroup}/${job.name} deleted by the customer (rule A1)`);
    this.reschedule();
  }

  getJson(subscriptionId: string, resourceGroup: string, name: string): string {
    this.checkSubscription(subscriptionId);
    this.checkNames(resourceGroup, name);
    return this.toArmJson(this.find(resourceGroup, name));
  }

  get(subscriptionId: string, resourceGroup: string, name: string): JobResponse {
    this.checkSubscription(subscriptionId);
    this.checkNames(resourceGroup, name);
    return this.toArm(this.find(resourceGroup, name));
  }

  bitLockerKeys(subscriptionId: string, resourceGroup: string, name: string): { value: { driveId: string; bitLockerKey: string }[] } {
    this.checkSubscription(subscriptionId);
    this.checkNames(resourceGroup, name);
    const job = this.find(resourceGroup, name);
    return {
      value: job.lifecycle.drives.flatMap((d) => {
        const k = job.drives[d.driveId]?.bitLockerKey;
        return k === undefined ? [] : [{ driveId: d.driveId, bitLockerKey: k }];
      }),
    };
  }

  /** List with $top, $filter (state eq '...' [or ...]) and nextLink paging (the cursor is the last key served). */
  /** The list page as JSON text, built from each job's cached JSON. */
  listJson(subscriptionId: string, resourceGroup: string | undefined, url: URL): string {
    const page = this.listPage(subscriptionId, resourceGroup, url);
    return `{"value":[${page.jobs.map((j) => this.toArmJson(j)).join(',')}]${page.nextLink ? `,"nextLink":${JSON.stringify(page.nextLink)}` : ''}}`;
  }

  list(subscriptionId: string, resourceGroup: string | undefined, url: URL): ListJobsResponse {
    const page = this.listPage(subscriptionId, resourceGroup, url);
    return { value: page.jobs.map((j) => this.toArm(j)), ...(page.nextLink ? { nextLink: page.nextLink } : {}) };
  }

  private listPage(subscriptionId: string, resourceGroup: string | undefined, url: URL): { jobs: StoredJob[]; nextLink?: string } {
    this.checkSubscription(subscriptionId);
    if (resourceGroup !== undefined) this.checkNames(resourceGroup);
    const q = url.searchParams;
    const cursor = decodeCursor(q.get('$skiptoken'));
    const topRaw = q.get('$top');
    let top: number | undefined;
    if (topRaw !== null) {
      if (!/^\d+$/.test(topRaw) || Number(topRaw) < 1 || Number(topRaw) > MAX_TOP) {
        throw badRequest('InvalidQueryParameterValue', `$top must be a whole number from 1 to ${MAX_TOP}; got '${topRaw}'.`, '$top');
      }
      top = Number(topRaw);
    }
    const states = parseStateFilter(q.get('$filter'));
    const remaining = cursor?.remaining ?? top;
    const limit = Math.min(this.pageSize, remaining ?? Infinity);
    const rgKey = resourceGroup?.toLowerCase();
    const keys = this.store.keys();
    let start = 0;
    if (cursor) {
      // first key after the cursor (binary search; keys are sorted)
      let lo = 0; let hi = keys.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if ((keys[mid] ?? '') <= cursor.after) lo = mid + 1; else hi = mid; }
      start = lo;
    }
    const value: StoredJob[] = [];
    let lastKey: string | undefined;
    let more = false;
    for (let i = start; i < keys.length; i++) {
      const k = keys[i] ?? '';
      const job = this.store.get(k);
      if (!job) continue;
      if (rgKey !== undefined && job.resourceGroup.toLowerCase() !== rgKey) continue;
      if (states && !states.has(job.lifecycle.state.toLowerCase())) continue;
      if (value.length >= limit) { more = true; break; }
      value.push(job);
      lastKey = k;
    }
    const left = remaining === undefined ? undefined : remaining - value.length;
    const res: { jobs: StoredJob[]; nextLink?: string } = { jobs: value };
    if (more && lastKey !== undefined && (left === undefined || left > 0)) {
      const next = new URL(url.toString());
      next.searchParams.delete('$top');
      next.searchParams.set('$skiptoken', encodeCursor({ after: lastKey, ...(left !== undefined ? { remaining: left } : {}) }));
      res.nextLink = next.toString();
    }
    return res;
  }

  // ---- data center and clock ---------------------------------------------------------------

  /** Applies a data-center event to a job and persists it; a refusal becomes an HTTP error. */
  async operate(resourceGroup: string, name: string, events: LifecycleEvent[], mutate?: (job: StoredJob) => void): Promise<StoredJob> {
    const job = this.find(resourceGroup, name);
    const now = this.clock.now();
    const r = applyAll(job.lifecycle, events, now);
    if (!r.ok) throw refusalError(r);
    const next = clone(job);
    next.lifecycle = r.job;
    mutate?.(next);
    next.modifiedAt = now;
    const deleted = this.handleEffects(next, r.effects);
    if (deleted) await this.store.delete(jobKey(next.resourceGroup, next.name));
    else await this.store.put(next);
    this.reschedule();
    return next;
  }

  /** Changes only the service's own fields of a job (drive paths, URIs) — no life-cycle change. */
  async annotate(resourceGroup: string, name: string, mutate: (job: StoredJob) => void): Promise<StoredJob> {
    const next = clone(this.find(resourceGroup, name));
    mutate(next);
    await this.store.put(next);
    return next;
  }

  permissions(job: StoredJob) { return allowed(job.lifecycle); }

  jobs(): StoredJob[] { return [...this.store.all()]; }

  /** Logs what the life cycle asks the service to do; returns true when the job must be deleted. */
  private handleEffects(job: StoredJob, effects: Effect[]): boolean {
    let del = false;
    const who = `job ${job.resourceGroup}/${job.name}`;
    for (const e of effects) {
      switch (e.type) {
        case 'DeleteJob': del = true; this.log(`${who} deleted: ${e.reason} (rule ${e.rule})`); break;
        case 'RaiseAlert': this.log(`${who} alert for ${e.alert.audience}: ${e.alert.message}`); break;
        case 'NotifyCustomer': this.log(`${who} customer notified: ${e.message} (rule ${e.rule})`); break;
        case 'ReturnDrive': this.log(`${who} drive ${e.driveId} returned: ${e.reason} (rule ${e.rule})`); break;
        case 'DestroyDrives': this.log(`${who} drives ${e.driveIds.join(', ')} securely destroyed: ${e.reason} (rule ${e.rule})`); break;
        case 'JobStateChanged': this.log(`${who}: ${e.from} -> ${e.to}`); break;
        case 'DriveStateChanged': this.log(`${who} drive ${e.driveId}: ${e.from ?? '(new)'} -> ${e.to}`); break;
        default: break; // deadlines live in the job itself (persisted with it)
      }
    }
    return del;
  }

  /** Fires every due deadline on every job (idempotent: a fired deadline is cleared in the persisted job). */
  fireDue(): Promise<void> {
    // One firing at a time; a call during a firing waits for it and runs again.
    const run = async (): Promise<void> => {
      const now = this.clock.now();
      for (const key of [...this.store.keys()]) {
        // Read afresh: a request may have changed (or deleted) the job while we awaited a write.
        const job = this.store.get(key);
        if (!job) continue;
        const due = nextDeadline(job.lifecycle);
        if (due === undefined || due > now) continue;
        const r = tick(job.lifecycle, now);
        const next = clone(job);
        next.lifecycle = r.job;
        next.modifiedAt = now;
        const deleted = this.handleEffects(next, r.effects);
        if (deleted) await this.store.delete(jobKey(job.resourceGroup, job.name));
        else await this.store.put(next);
      }
    };
    const p = (this.firing ?? Promise.resolve()).catch(() => undefined).then(run);
    this.firing = p;
    return p.finally(() => { this.reschedule(); });
  }

  /** Arms one timer for the earliest deadline of all jobs (in service-clock time). */
  reschedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let earliest: number | undefined;
    for (const job of this.store.all()) {
      const d = nextDeadline(job.lifecycle);
      if (d !== undefined && (earliest === undefined || d < earliest)) earliest = d;
    }
    if (earliest === undefined) return;
    const delay = Math.max(0, Math.min(earliest - this.clock.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => { void this.fireDue().catch((e: unknown) => this.log(`timer error: ${e instanceof Error ? e.message : String(e)}`)); }, delay);
    this.timer.unref();
  }

  async advance(days: number): Promise<number> {
    const now = await this.clock.advance(days * 86_400_000);
    this.log(`service clock moved forward ${days} day(s) to ${iso(now)}`);
    await this.fireDue();
    return now;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.firing?.catch(() => undefined);
    await this.store.flush();
  }

  newRequestId(): string { return randomUUID(); }
}

// ---- list helpers ----------------------------------------------------------------------------

interface Cursor { after: string; remaining?: number }

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(token: string | null): Cursor | undefined {
  if (token === null) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && typeof (v as Cursor).after === 'string') {
      const rem = (v as Cursor).remaining;
      if (rem === undefined || (Number.isInteger(rem) && rem > 0)) return v as Cursor;
    }
  } catch { /* fall through */ }
  throw badRequest('InvalidQueryParameterValue', '$skiptoken is not one this service issued; follow nextLink exactly as returned.', '$skiptoken');
}

const STATE_NAMES = ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging', 'Completed', 'Closed', 'Faulted'];

/** `state eq 'Shipping'`, `properties/state eq 'Shipping' or state eq 'Creating'`. */
export function parseStateFilter(filter: string | null): Set<string> | undefined {
  if (filter === null || filter.trim() === '') return undefined;
  const parts = filter.trim().split(/\s+or\s+/i);
  const states = new Set<string>();
  for (const part of parts) {
    const m = /^\(?\s*(?:properties\/)?state\s+eq\s+'([^']*)'\s*\)?$/i.exec(part.trim());
    const s = m?.[1];
    if (!s || !STATE_NAMES.some((n) => n.toLowerCase() === s.toLowerCase())) {
      throw badRequest('InvalidQueryParameterValue', `$filter '${filter}' is not supported. Filter on the job state, e.g. $filter=state eq 'Shipping' (several joined with "or"); states: ${STATE_NAMES.join(', ')}.`, '$filter');
    }
    states.add(s.toLowerCase());
  }
  return states;
}

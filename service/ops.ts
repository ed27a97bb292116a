// The operators' routes (`/haul/ops/...`, same token as the ARM API): what the data center does
// to a job. Every change is a life-cycle event (shared/lifecycle decides); the copies themselves
// are run by the DataCenter (dataCenterJobs.ts).
import * as z from 'zod';
import {
  DRIVE_STATES,
  JOB_STATES,
  type DriveState,
  type JobState,
  type LifecycleEvent,
} from '../shared/lifecycle/types';
import { AdvanceBodySchema, OPS_PREFIX, OpsBodies, type OpsAction } from '../shared/service/connection';
import { STORAGE_ACCOUNT_RE, zodIssuesToDetails } from '../shared/arm/schemas';
import { badRequest } from './errors';
import { route, type Route } from './http';
import type { JobService } from './jobs';
import type { StoredJob } from './store';
import { jobDrive, type DataCenter, type DataCenterContext } from './dataCenterJobs';

export { DataCenter, driveBayPath, type DataCenterContext } from './dataCenterJobs';

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const details = zodIssuesToDetails(r.error.issues);
    throw badRequest(
      'InvalidRequestContent',
      `The ${what} request is not valid: ${details.map((d) => d.message).join('; ')}.`,
      details[0]?.target,
      details,
    );
  }
  return r.data;
}

function asDriveState(s: string | undefined): DriveState | undefined {
  if (s === undefined) return undefined;
  const m = DRIVE_STATES.find((x) => x.toLowerCase() === s.toLowerCase());
  if (!m)
    throw badRequest(
      'InvalidRequestContent',
      `state '${s}' is not a drive state; use one of ${DRIVE_STATES.join(', ')}.`,
      'state',
    );
  return m;
}
function asJobState(s: string | undefined): JobState | undefined {
  if (s === undefined) return undefined;
  const m = JOB_STATES.find((x) => x.toLowerCase() === s.toLowerCase());
  if (!m)
    throw badRequest(
      'InvalidRequestContent',
      `state '${s}' is not a job state; use one of ${JOB_STATES.join(', ')}.`,
      'state',
    );
  return m;
}

/** The operator view of a job: the ARM job plus what only the data center sees. */
export function opsView(jobs: JobService, job: StoredJob) {
  return {
    resourceGroup: job.resourceGroup,
    name: job.name,
    job: jobs.toArm(job),
    lifecycle: job.lifecycle,
    /** The alerts whose cause has not ended (the life cycle keeps the ended ones, with clearedAt). */
    alerts: job.lifecycle.alerts.filter((a) => a.clearedAt === undefined),
    drivePaths: Object.fromEntries(Object.entries(job.drives).flatMap(([id, x]) => (x.path ? [[id, x.path]] : []))),
    permissions: jobs.permissions(job),
  };
}

type OpsExtra = { accounts: () => string[]; addAccount: (name: string) => Promise<void> };

export function opsRoutes(ctx: DataCenterContext, dc: DataCenter, extra: OpsExtra): Route[] {
  return [...serviceRoutes(ctx.jobs, extra), ...jobRoutes(ctx.jobs, dc)];
}

/** The service's own: ping, the clock (read and moved on), the storage accounts, every job. */
function serviceRoutes(jobs: JobService, extra: OpsExtra): Route[] {
  return [
    route('GET', '/haul/ping', () => ({ status: 200, body: { ok: true } }), false),
    route(
      'GET',
      `${OPS_PREFIX}/clock`,
      () => ({ status: 200, body: { now: jobs.now(), iso: new Date(jobs.now()).toISOString() } }),
      false,
    ),
    route(
      'POST',
      `${OPS_PREFIX}/clock/advance`,
      async ({ body }) => {
        const { days } = parse(AdvanceBodySchema, body, 'advance');
        const now = await jobs.advance(days);
        return { status: 200, body: { now, iso: new Date(now).toISOString() } };
      },
      false,
    ),
    route('GET', `${OPS_PREFIX}/storage-accounts`, () => ({ status: 200, body: { value: extra.accounts() } }), false),
    route(
      'POST',
      `${OPS_PREFIX}/storage-accounts`,
      async ({ body }) => {
        const { name } = parse(
          z.object({
            name: z.string().regex(STORAGE_ACCOUNT_RE, { message: 'must be 3 to 24 lowercase letters and digits' }),
          }),
          body,
          'add storage account',
        );
        await extra.addAccount(name);
        return { status: 200, body: { value: extra.accounts() } };
      },
      false,
    ),
    route(
      'GET',
      `${OPS_PREFIX}/jobs`,
      () => ({ status: 200, body: { value: jobs.jobs().map((j) => opsView(jobs, j)) } }),
      false,
    ),
  ];
}

/** One job: read, and each thing the data center does to it (a POST of its action's body). */
function jobRoutes(jobs: JobService, dc: DataCenter): Route[] {
  const J = `${OPS_PREFIX}/jobs/{resourceGroupName}/{jobName}`;
  const rgName = (p: Record<string, string>) => {
    const rg = p.resourceGroupName ?? '';
    const name = p.jobName ?? '';
    jobs.checkNames(rg, name);
    return [rg, name] as const;
  };
  const action = <A extends OpsAction>(
    name: A,
    fn: (rg: string, job: string, body: z.infer<(typeof OpsBodies)[A]>) => Promise<StoredJob>,
  ): Route =>
    route(
      'POST',
      `${J}/${name}`,
      async ({ params, body }) => {
        const [rg, job] = rgName(params);
        const parsed = parse(OpsBodies[name] as unknown as z.ZodType<z.infer<(typeof OpsBodies)[A]>>, body, name);
        const after = await fn(rg, job, parsed);
        return { status: 200, body: opsView(jobs, after) };
      },
      false,
    );

  return [
    route(
      'GET',
      J,
      ({ params }) => {
        const [rg, name] = rgName(params);
        return { status: 200, body: opsView(jobs, jobs.find(rg, name)) };
      },
      false,
    ),
    action('package-arrived', (rg, name, b) => packageArrived(jobs, rg, name, b)),
    action('register-drive', (rg, name, b) =>
      jobs.annotate(rg, name, (j) => {
        (j.drives[jobDrive(j, b.driveId)?.driveId ?? b.driveId] ??= {}).path = b.path;
      }),
    ),
    action('drive-missing', (rg, name, b) => jobs.operate(rg, name, [{ type: 'DriveMissing', driveId: b.driveId }])),
    action('extra-drive', (rg, name, b) =>
      jobs.operate(rg, name, [{ type: 'ExtraDriveFound', driveId: b.driveId }], (j) => {
        if (b.path) (j.drives[b.driveId] ??= {}).path = b.path;
      }),
    ),
    action('start-drive', (rg, name, b) => dc.startDrive(rg, name, b.driveId, b.path, false, b.wait !== false)),
    action('fault', (rg, name, b) =>
      jobs.operate(rg, name, [
        b.driveId
          ? {
              type: 'DriveFaulted',
              driveId: jobDrive(jobs.find(rg, name), b.driveId)?.driveId ?? b.driveId,
              reason: b.reason,
            }
          : { type: 'JobFaulted', reason: b.reason },
      ]),
    ),
    action('resolve', (rg, name, b) => jobs.operate(rg, name, [resolvedEvent(jobs, rg, name, b)])),
    action('return-address-wrong', (rg, name, b) =>
      jobs.operate(rg, name, [{ type: 'ReturnAddressWrong', reason: b.reason }]),
    ),
    action('return-address-corrected', (rg, name, b) =>
      jobs.operate(rg, name, [
        { type: 'ReturnAddressCorrected', ...(b.returnAddress ? { returnAddress: b.returnAddress } : {}) },
      ]),
    ),
    action('customer-unreachable', (rg, name) => jobs.operate(rg, name, [{ type: 'CustomerUnreachable' }])),
    action('ship-back', (rg, name, b) =>
      jobs.operate(rg, name, [
        {
          type: 'DrivesShippedBack',
          returnPackage: {
            carrierName: b.carrierName,
            trackingNumber: b.trackingNumber,
            ...(b.shipDate ? { shipDate: b.shipDate } : {}),
          },
        },
      ]),
    ),
    action('export', (rg, name, b) => dc.exportJob(rg, name, b.drives, b.wait !== false)),
  ];
}

/** The package of a job arrived: its drives are received, the others are extras; each drive's path is kept. */
function packageArrived(
  jobs: JobService,
  rg: string,
  name: string,
  b: z.infer<(typeof OpsBodies)['package-arrived']>,
): Promise<StoredJob> {
  const job = jobs.find(rg, name);
  // Drives of the job arrive (D3 / DE1); drives that are not in the list are extras (JE5 / DE2).
  const known = b.drives.filter((d) => jobDrive(job, d.driveId) || job.lifecycle.type === 'Export');
  const unknown = b.drives.filter((d) => !known.includes(d));
  const events: LifecycleEvent[] = [];
  if (known.length)
    events.push({
      type: 'PackageArrived',
      driveIds: known.map((d) => jobDrive(job, d.driveId)?.driveId ?? d.driveId),
    });
  for (const d of unknown) events.push({ type: 'ExtraDriveFound', driveId: d.driveId });
  return jobs.operate(rg, name, events, (j) => {
    for (const d of b.drives) if (d.path) (j.drives[jobDrive(j, d.driveId)?.driveId ?? d.driveId] ??= {}).path = d.path;
  });
}

/** The fault of the job, or of one of its drives, is resolved (to the state the operator names, if any). */
function resolvedEvent(
  jobs: JobService,
  rg: string,
  name: string,
  b: z.infer<(typeof OpsBodies)['resolve']>,
): LifecycleEvent {
  const ev: LifecycleEvent = b.driveId
    ? {
        type: 'DriveResolved',
        driveId: jobDrive(jobs.find(rg, name), b.driveId)?.driveId ?? b.driveId,
        ...(b.state ? { state: asDriveState(b.state) } : {}),
      }
    : { type: 'JobResolved', ...(b.state ? { state: asJobState(b.state) } : {}) };
  return ev;
}

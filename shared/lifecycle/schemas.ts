// zod schemas for everything that crosses a boundary into the life cycle: the create input, the
// events (REST, operator routes, IPC) and a persisted job (JSON on disk). apply() validates its
// event with these too, so a malformed event becomes a refusal, never a corrupt job.

import * as z from 'zod';
import {
  DeliveryPackageSchema,
  PackageInformationSchema,
  ReturnAddressSchema,
  ReturnShippingSchema,
} from '../arm/schemas';
import type { CreateJobInput, LifecycleEvent, LifecycleJob } from './types';
import { ALERT_CODES, DEADLINE_KINDS, DRIVE_STATES, JOB_STATES, JOB_TYPES, SIDES } from './types';
import { messageOf } from '../errors';

const text = z.string().trim().min(1, 'must not be empty');
const bytes = z.number().int().nonnegative();
const time = z.number().finite();

export const jobStateSchema = z.enum(JOB_STATES);
export const driveStateSchema = z.enum(DRIVE_STATES);
export const jobTypeSchema = z.enum(JOB_TYPES);
export const logLevelSchema = z.enum(['Error', 'Verbose']);
/** A drive's hardware serial number, without spaces (ARM DriveStatus.driveId). */
export const driveIdSchema = z
  .string()
  .trim()
  .min(1, 'a drive id cannot be empty')
  .regex(/^\S+$/, 'a drive id is the serial number without spaces');

// The ARM objects the life cycle carries (delivery package, return package, return address, return
// shipping) have one definition, in shared/arm/schemas.ts; the life cycle uses those as they are.
export const deliveryPackageSchema = DeliveryPackageSchema;
export const returnPackageSchema = PackageInformationSchema;
export const returnAddressSchema = ReturnAddressSchema;
export const returnShippingSchema = ReturnShippingSchema;

export const driveIssuesSchema = z.object({
  errors: z.number().int().nonnegative(),
  warnings: z.number().int().nonnegative(),
  overwrites: z.number().int().nonnegative(),
});

export const createJobInputSchema = z
  .object({
    name: text,
    type: jobTypeSchema,
    drives: z.array(z.object({ driveId: driveIdSchema, bytesTotal: bytes.optional() })).optional(),
    logLevel: logLevelSchema.optional(),
    deliveryPackage: deliveryPackageSchema.optional(),
    returnAddress: returnAddressSchema.optional(),
    returnShipping: returnShippingSchema.optional(),
  })
  .superRefine((input, ctx) => {
    const drives = input.drives ?? [];
    if (input.type === 'Import' && drives.length === 0)
      ctx.addIssue({ code: 'custom', path: ['drives'], message: 'an import job needs at least one drive (rule D1)' });
    if (input.type === 'Import' && drives.length > 10)
      ctx.addIssue({ code: 'custom', path: ['drives'], message: 'a job holds at most ten drives' });
    if (input.type === 'Export' && drives.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['drives'],
        message: 'an export job names no drive at creation; the data center records them when they arrive (rule D2)',
      });
    const seen = new Set<string>();
    drives.forEach((d, i) => {
      if (seen.has(d.driveId))
        ctx.addIssue({ code: 'custom', path: ['drives', i, 'driveId'], message: `drive ${d.driveId} is listed twice` });
      seen.add(d.driveId);
    });
  }) satisfies z.ZodType<CreateJobInput>;

const driveIdList = z
  .array(driveIdSchema)
  .refine((ids) => new Set(ids).size === ids.length, 'a drive id is listed twice');

export const lifecycleEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('UpdateProperties'),
    deliveryPackage: deliveryPackageSchema.optional(),
    returnAddress: returnAddressSchema.optional(),
    returnShipping: returnShippingSchema.optional(),
    logLevel: logLevelSchema.optional(),
  }),
  z.object({
    type: z.literal('SetShipping'),
    deliveryPackage: deliveryPackageSchema.optional(),
    returnAddress: returnAddressSchema.optional(),
    returnShipping: returnShippingSchema.optional(),
  }),
  z.object({ type: z.literal('Cancel') }),
  z.object({ type: z.literal('Delete') }),
  z.object({
    type: z.literal('PackageArrived'),
    driveIds: driveIdList.min(1, 'a package holds at least one drive; name the drive ids found in it'),
  }),
  z.object({ type: z.literal('DriveMissing'), driveId: driveIdSchema }),
  z.object({ type: z.literal('ExtraDriveFound'), driveId: driveIdSchema }),
  z.object({ type: z.literal('DriveProcessingStarted'), driveId: driveIdSchema, bytesTotal: bytes.optional() }),
  z.object({
    type: z.literal('BytesProgressed'),
    driveId: driveIdSchema,
    bytesSucceeded: bytes,
    bytesTotal: bytes.optional(),
  }),
  z.object({
    type: z.literal('DriveFinished'),
    driveId: driveIdSchema,
    issues: driveIssuesSchema,
    bytesSucceeded: bytes.optional(),
    copyStatus: z.string().optional(),
    errorLogUri: z.string().optional(),
    verboseLogUri: z.string().optional(),
  }),
  z.object({ type: z.literal('DriveFaulted'), driveId: driveIdSchema, reason: text }),
  z.object({ type: z.literal('DriveResolved'), driveId: driveIdSchema, state: driveStateSchema.optional() }),
  z.object({ type: z.literal('JobFaulted'), reason: text }),
  z.object({ type: z.literal('JobResolved'), state: jobStateSchema.optional() }),
  z.object({ type: z.literal('ReturnAddressWrong'), reason: text }),
  z.object({ type: z.literal('ReturnAddressCorrected'), returnAddress: returnAddressSchema.optional() }),
  z.object({ type: z.literal('CustomerUnreachable') }),
  z.object({
    type: z.literal('DrivesShippedBack'),
    returnPackage: z.object({ carrierName: text, trackingNumber: text, shipDate: z.string().optional() }),
  }),
  z.object({ type: z.literal('Tick') }),
]) satisfies z.ZodType<LifecycleEvent>;

const eventTypeSchema = z.enum(['Create', ...lifecycleEventSchema.options.map((o) => o.shape.type.value)] as [
  string,
  ...string[],
]);

const driveSchema = z.object({
  driveId: driveIdSchema,
  state: driveStateSchema,
  bytesSucceeded: bytes,
  bytesTotal: bytes,
  extra: z.boolean(),
  issues: driveIssuesSchema,
  copyStatus: z.string().optional(),
  errorLogUri: z.string().optional(),
  verboseLogUri: z.string().optional(),
  faultedFrom: driveStateSchema.optional(),
  faultReason: z.string().optional(),
  returnedAt: time.optional(),
  destroyedAt: time.optional(),
});

const alertSchema = z.object({
  code: z.enum(ALERT_CODES),
  rule: z.string(),
  audience: z.enum(['operators', 'customer', 'both']),
  message: z.string(),
  raisedAt: time,
  driveId: z.string().optional(),
  clearedAt: time.optional(),
});

const historySchema = z.object({
  at: time,
  subject: z.enum(['job', 'drive']),
  driveId: z.string().optional(),
  from: z.union([jobStateSchema, driveStateSchema]).nullable(),
  to: z.union([jobStateSchema, driveStateSchema]),
  event: eventTypeSchema,
  side: z.enum(SIDES),
  reason: z.string(),
});

export const lifecycleJobSchema = z.object({
  name: text,
  type: jobTypeSchema,
  state: jobStateSchema,
  cancelRequested: z.boolean(),
  cancelRequestedAt: time.optional(),
  drives: z.array(driveSchema),
  logLevel: logLevelSchema,
  deliveryPackage: deliveryPackageSchema.optional(),
  returnAddress: returnAddressSchema.optional(),
  returnShipping: returnShippingSchema.optional(),
  returnPackage: returnPackageSchema.optional(),
  returnAddressProblem: z.string().optional(),
  heldDriveIds: z.array(z.string()).optional(),
  heldSince: time.optional(),
  customerUnreachableAt: time.optional(),
  faultedFrom: jobStateSchema.optional(),
  faultReason: z.string().optional(),
  alerts: z.array(alertSchema),
  deadlines: z.partialRecord(z.enum(DEADLINE_KINDS), time),
  createdAt: time,
  updatedAt: time,
  shippingAt: time.optional(),
  packageArrivedAt: time.optional(),
  finishedAt: time.optional(),
  deletedAt: time.optional(),
  deletedBecause: z.object({ rule: z.string(), reason: z.string() }).optional(),
  history: z.array(historySchema),
});

/** Persist a job. Deadlines are timestamps, so nothing else is needed to survive a restart. */
export function serializeJob(job: LifecycleJob): string {
  return JSON.stringify(job);
}

/**
 * Read a persisted job back. Throws an Error naming the field at fault (e.g. "drives.0.state") and
 * what to do, so a damaged store file is reported instead of silently producing a broken job.
 */
export function parseJob(json: string, where = 'the job record'): LifecycleJob {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`${where} is not valid JSON (${messageOf(err)}); restore it from a backup or delete it.`);
  }
  const parsed = lifecycleJobSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new Error(
      `${where} has an invalid field ${path}: ${issue?.message ?? 'unknown problem'}; restore it from a backup or delete it.`,
    );
  }
  // The validated value as written (same key order, nothing stripped): parse(serialize(job)) is job.
  return raw as LifecycleJob;
}

// Zod schemas and types for the Microsoft.ImportExport ARM resource provider (swagger
// 2020-08-01, also served as 2021-01-01, the version the current JavaScript SDK sends).
// The local service validates every request body with these; the app can reuse them to check
// what it sends and receives. Pure TypeScript: no Node.
import * as z from 'zod';

export const SUPPORTED_API_VERSIONS = ['2020-08-01', '2021-01-01'] as const;
export type ApiVersion = (typeof SUPPORTED_API_VERSIONS)[number];

export const RESOURCE_TYPE_JOBS = 'Microsoft.ImportExport/jobs';
export const RESOURCE_TYPE_LOCATIONS = 'Microsoft.ImportExport/locations';
export const MAX_DRIVES_PER_JOB = 10;
export const MAX_TOP = 100;

// ---- naming rules (ARM) -------------------------------------------------------------------

/** Job names: 2–64 characters, letters, digits, hyphens and underscores, starting with a letter or digit. */
export const JOB_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/;
/** Resource group names (ARM): 1–90 characters; letters, digits, underscores, hyphens, periods and parentheses; not ending in a period. */
export const RESOURCE_GROUP_RE = /^[-\w.()\p{L}\p{N}]{0,89}[-\w()\p{L}\p{N}]$/u;
/** Subscription ids are GUIDs. */
export const SUBSCRIPTION_ID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Storage account names: 3–24 lowercase letters and digits. */
export const STORAGE_ACCOUNT_RE = /^[a-z0-9]{3,24}$/;
/** Container names (used for diagnosticsPath): 3–63 lowercase letters, digits and single hyphens. */
export const CONTAINER_RE = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
/** diagnosticsPath: a container name, optionally followed by a virtual directory (`waimportexport/logs`). */
export const DIAGNOSTICS_PATH_RE = /^(?=[^/]{3,63}(\/|$))[a-z0-9]+(-[a-z0-9]+)*(\/[^/\\?#]{1,200}){0,10}$/;
/** Drive ids: the drive's hardware serial number without spaces. */
export const DRIVE_ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

export function jobNameProblem(name: string): string | undefined {
  if (JOB_NAME_RE.test(name)) return undefined;
  return `The job name "${name}" is not valid: use 2 to 64 letters, digits, hyphens or underscores, starting with a letter or digit.`;
}
export function resourceGroupProblem(name: string): string | undefined {
  if (RESOURCE_GROUP_RE.test(name)) return undefined;
  return `The resource group name "${name}" is not valid: use 1 to 90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period.`;
}

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Storage|Microsoft.ClassicStorage/storageAccounts/{name}` */
export const STORAGE_ACCOUNT_ID_RE =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/(Microsoft\.Storage|Microsoft\.ClassicStorage)\/storageAccounts\/([^/]+)$/i;

export function parseStorageAccountId(
  id: string,
): { subscriptionId: string; resourceGroup: string; provider: string; account: string } | undefined {
  const m = STORAGE_ACCOUNT_ID_RE.exec(id);
  if (!m) return undefined;
  return { subscriptionId: m[1] ?? '', resourceGroup: m[2] ?? '', provider: m[3] ?? '', account: m[4] ?? '' };
}

// ---- building blocks ----------------------------------------------------------------------

const text = (max: number) => z.string().max(max, { message: `must be at most ${max} characters` });
const required = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` });

/** Each return-address field and the most characters ARM takes in it. */
export const RETURN_ADDRESS_LIMITS = {
  recipientName: 200,
  streetAddress1: 200,
  streetAddress2: 200,
  city: 100,
  stateOrProvince: 100,
  postalCode: 40,
  countryOrRegion: 100,
  phone: 40,
  email: 254,
} as const;
const L = RETURN_ADDRESS_LIMITS;

export const ReturnAddressSchema = z.object({
  recipientName: required(L.recipientName),
  streetAddress1: required(L.streetAddress1),
  streetAddress2: text(L.streetAddress2).optional(),
  city: required(L.city),
  stateOrProvince: text(L.stateOrProvince).optional(),
  postalCode: required(L.postalCode),
  countryOrRegion: required(L.countryOrRegion),
  phone: required(L.phone),
  email: z.email({ message: 'must be an email address such as name@example.com' }).max(L.email),
});
export type ReturnAddress = z.infer<typeof ReturnAddressSchema>;

/**
 * A return address as typed, before it is checked: every field optional and only its length bounded
 * (a draft keeps what the person typed; ReturnAddressSchema checks it when the job is created).
 */
export const ReturnAddressTypedSchema = z
  .object(
    Object.fromEntries(Object.entries(L).map(([field, max]) => [field, text(max).optional()])) as {
      [F in keyof typeof L]: z.ZodOptional<z.ZodString>;
    },
  )
  .strict();

/** Each return-shipping field and the most characters ARM takes in it. */
export const RETURN_SHIPPING_LIMITS = { carrierName: 100, carrierAccountNumber: 100 } as const;

export const ReturnShippingSchema = z.object({
  carrierName: required(RETURN_SHIPPING_LIMITS.carrierName),
  carrierAccountNumber: required(RETURN_SHIPPING_LIMITS.carrierAccountNumber),
});
export type ReturnShipping = z.infer<typeof ReturnShippingSchema>;

export const ShippingInformationSchema = z.object({
  recipientName: text(L.recipientName).optional(),
  streetAddress1: text(L.streetAddress1).optional(),
  streetAddress2: text(L.streetAddress2).optional(),
  city: text(L.city).optional(),
  stateOrProvince: text(L.stateOrProvince).optional(),
  postalCode: text(L.postalCode).optional(),
  countryOrRegion: text(L.countryOrRegion).optional(),
  phone: text(L.phone).optional(),
  additionalInformation: text(1000).optional(),
});
export type ShippingInformation = z.infer<typeof ShippingInformationSchema>;

export const DeliveryPackageSchema = z.object({
  carrierName: required(100),
  trackingNumber: required(100),
  driveCount: z
    .number()
    .int()
    .min(0)
    .max(MAX_DRIVES_PER_JOB * 10)
    .optional(),
  shipDate: text(64).optional(),
});
export type DeliveryPackage = z.infer<typeof DeliveryPackageSchema>;

export const PackageInformationSchema = z.object({
  carrierName: required(100),
  trackingNumber: required(100),
  driveCount: z.number().int().min(0),
  shipDate: text(64),
});
export type PackageInformation = z.infer<typeof PackageInformationSchema>;

export const DriveStatusSchema = z.object({
  driveId: z.string().regex(DRIVE_ID_RE, {
    message: 'must be the drive serial number: 1 to 64 letters, digits, ".", ":", "_" or "-", no spaces',
  }),
  bitLockerKey: text(200).optional(),
  manifestFile: text(1024).optional(),
  manifestHash: z
    .string()
    .regex(/^[0-9A-Fa-f]*$/, { message: 'must be Base16 (hex digits)' })
    .max(128)
    .optional(),
  driveHeaderHash: text(4096).optional(),
  // Service-owned fields: accepted (the SDK echoes them back) but never taken from the customer.
  state: z.string().max(64).optional(),
  copyStatus: z.string().max(200).optional(),
  percentComplete: z.number().int().optional(),
  verboseLogUri: z.string().max(2048).optional(),
  errorLogUri: z.string().max(2048).optional(),
  manifestUri: z.string().max(2048).optional(),
  bytesSucceeded: z.number().int().optional(),
});
export type DriveStatusInput = z.infer<typeof DriveStatusSchema>;

const blobPath = z.string().min(1, { message: 'must not be empty' }).max(1024);
export const ExportSchema = z.object({
  blobList: z
    .object({
      blobPath: z.array(blobPath).max(10_000).optional(),
      blobPathPrefix: z.array(blobPath).max(10_000).optional(),
    })
    .optional(),
  blobListBlobPath: z.string().max(1024).optional(),
});
export type ExportSpec = z.infer<typeof ExportSchema>;

export const EncryptionKeySchema = z.object({
  kekType: z.enum(['MicrosoftManaged', 'CustomerManaged']).optional(),
  kekUrl: z.string().max(2048).optional(),
  kekVaultResourceID: z.string().max(2048).optional(),
});
export type EncryptionKeyDetails = z.infer<typeof EncryptionKeySchema>;

export const LogLevelSchema = z
  .string()
  .refine((v) => /^(error|verbose)$/i.test(v), { message: 'must be "Error" or "Verbose"' })
  .transform((v) => (v.toLowerCase() === 'verbose' ? 'Verbose' : 'Error'));

const TagsSchema = z
  .record(z.string().max(512), z.string().max(256))
  .refine((t) => Object.keys(t).length <= 50, { message: 'at most 50 tags' });

export const JobDetailsInputSchema = z.object({
  storageAccountId: z.string().min(1, { message: 'is required: the resource id of the storage account' }).max(1024),
  jobType: z
    .string()
    .refine((v) => /^(import|export)$/i.test(v), { message: 'must be "Import" or "Export"' })
    .transform((v) => (v.toLowerCase() === 'export' ? ('Export' as const) : ('Import' as const))),
  returnAddress: ReturnAddressSchema.optional(),
  returnShipping: ReturnShippingSchema.optional(),
  // The service fills shippingInformation from the location; a client may echo it back.
  shippingInformation: ShippingInformationSchema.optional(),
  deliveryPackage: DeliveryPackageSchema.optional(),
  returnPackage: PackageInformationSchema.partial().optional(),
  diagnosticsPath: z
    .string()
    .regex(DIAGNOSTICS_PATH_RE, {
      message:
        'must be a container name (3 to 63 lowercase letters, digits and single hyphens), optionally followed by /virtual/directory',
    })
    .optional(),
  logLevel: LogLevelSchema.optional(),
  backupDriveManifest: z.boolean().optional(),
  state: z.string().max(64).optional(),
  cancelRequested: z.boolean().optional(),
  percentComplete: z.number().int().optional(),
  incompleteBlobListUri: z.string().max(2048).optional(),
  driveList: z
    .array(DriveStatusSchema)
    .max(MAX_DRIVES_PER_JOB, { message: `a job has at most ${MAX_DRIVES_PER_JOB} drives` })
    .optional(),
  export: ExportSchema.optional(),
  provisioningState: z.string().max(64).optional(),
  encryptionKey: EncryptionKeySchema.optional(),
});

export const PutJobParametersSchema = z.object({
  location: z.string().min(1, { message: 'is required: the data center location, e.g. "Sandbox West"' }).max(100),
  tags: TagsSchema.optional(),
  properties: JobDetailsInputSchema,
  // Echoed back by clients that PUT a job they read: accepted and ignored.
  id: z.string().optional(),
  name: z.string().optional(),
  type: z.string().optional(),
  identity: z.object({ type: z.enum(['None', 'SystemAssigned', 'UserAssigned']).optional() }).optional(),
  systemData: z.unknown().optional(),
});
export type PutJobParameters = z.infer<typeof PutJobParametersSchema>;

export const UpdateJobParametersSchema = z.object({
  tags: TagsSchema.optional(),
  properties: z
    .object({
      cancelRequested: z.boolean().optional(),
      state: z.string().max(64).optional(),
      returnAddress: ReturnAddressSchema.optional(),
      returnShipping: ReturnShippingSchema.optional(),
      deliveryPackage: DeliveryPackageSchema.optional(),
      logLevel: LogLevelSchema.optional(),
      backupDriveManifest: z.boolean().optional(),
      driveList: z
        .array(DriveStatusSchema)
        .max(MAX_DRIVES_PER_JOB, { message: `a job has at most ${MAX_DRIVES_PER_JOB} drives` })
        .optional(),
    })
    .optional(),
});
export type UpdateJobParameters = z.infer<typeof UpdateJobParametersSchema>;

// ---- responses ------------------------------------------------------------------------------

/** One drive of a job as ARM reports it (named apart from shared/prep's DriveStatus, a drive being prepared). */
export interface ArmDriveStatus {
  driveId: string;
  bitLockerKey?: string;
  manifestFile?: string;
  manifestHash?: string;
  driveHeaderHash?: string;
  state: string;
  copyStatus?: string;
  percentComplete?: number;
  verboseLogUri?: string;
  errorLogUri?: string;
  manifestUri?: string;
  bytesSucceeded?: number;
}

export interface JobDetails {
  storageAccountId: string;
  jobType: 'Import' | 'Export';
  returnAddress?: ReturnAddress;
  returnShipping?: ReturnShipping;
  shippingInformation?: ShippingInformation;
  deliveryPackage?: DeliveryPackage;
  returnPackage?: PackageInformation;
  diagnosticsPath: string;
  logLevel: 'Error' | 'Verbose';
  backupDriveManifest: boolean;
  state: string;
  cancelRequested: boolean;
  percentComplete: number;
  incompleteBlobListUri?: string;
  driveList: ArmDriveStatus[];
  export?: ExportSpec;
  provisioningState: string;
  encryptionKey: EncryptionKeyDetails;
}

export interface SystemData {
  createdBy: string;
  createdByType: string;
  createdAt: string;
  lastModifiedBy: string;
  lastModifiedByType: string;
  lastModifiedAt: string;
}

export interface JobResponse {
  id: string;
  name: string;
  type: typeof RESOURCE_TYPE_JOBS;
  location: string;
  tags?: Record<string, string>;
  properties: JobDetails;
  identity: { type: 'None' | 'SystemAssigned' | 'UserAssigned' };
  systemData: SystemData;
}

export interface ListJobsResponse {
  value: JobResponse[];
  nextLink?: string;
}

export interface LocationProperties {
  recipientName: string;
  streetAddress1: string;
  streetAddress2: string;
  city: string;
  stateOrProvince: string;
  postalCode: string;
  countryOrRegion: string;
  phone: string;
  additionalShippingInformation: string;
  supportedCarriers: string[];
  alternateLocations: string[];
}
export interface Location {
  id: string;
  name: string;
  type: typeof RESOURCE_TYPE_LOCATIONS;
  properties: LocationProperties;
}

/** The fields of a location's address, as Get Location and a job's shipping information both name them. */
type LocationAddressField =
  | 'recipientName'
  | 'streetAddress1'
  | 'streetAddress2'
  | 'city'
  | 'stateOrProvince'
  | 'postalCode'
  | 'countryOrRegion'
  | 'phone';

/**
 * A location's address as a job's shipping information holds it: the same fields, the location's
 * `additionalShippingInformation` as `additionalInformation`. Values are kept as they are.
 */
export function shippingInformationOf(
  p: Partial<Record<LocationAddressField | 'additionalShippingInformation', string>>,
): ShippingInformation {
  return {
    recipientName: p.recipientName,
    streetAddress1: p.streetAddress1,
    streetAddress2: p.streetAddress2,
    city: p.city,
    stateOrProvince: p.stateOrProvince,
    postalCode: p.postalCode,
    countryOrRegion: p.countryOrRegion,
    phone: p.phone,
    additionalInformation: p.additionalShippingInformation,
  };
}

export interface Operation {
  name: string;
  display: { provider: string; resource: string; operation: string; description: string };
}

export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
}
export interface ArmError {
  error: { code: string; message: string; target?: string; details: ArmErrorDetail[] };
}

export const ArmErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    target: z.string().optional(),
    details: z.array(z.object({ code: z.string(), message: z.string(), target: z.string().optional() })).optional(),
  }),
});

/** Turns zod issues into ARM error details with a dotted target path, e.g. `properties.returnAddress.email`. */
export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[], prefix = ''): ArmErrorDetail[] {
  return issues.slice(0, 20).map((i) => {
    const target = [prefix, ...i.path.map(String)].filter((s) => s !== '').join('.');
    return { code: 'InvalidValue', target, message: `${target || 'body'}: ${i.message}` };
  });
}

// ---- responses as a client reads them ------------------------------------------------------
// What the app accepts back from Get Job, List Jobs and List Locations: the swagger's required
// fields, every other field optional (Azure omits what is unset; the SDK turns times into Dates),
// no length or format checks beyond the types (a job made in the portal must still be shown).

const isoTime = z.preprocess((v) => (v instanceof Date ? v.toISOString() : v), z.string());
/** Optional on the wire (absent or null), `undefined` once read. */
const maybe = <T extends z.ZodType>(s: T) =>
  s
    .nullish()
    .transform((v) => v ?? undefined)
    .optional();
const str = z.string();

export const ReturnAddressReadSchema = z.object({
  recipientName: str,
  streetAddress1: str,
  streetAddress2: maybe(str),
  city: str,
  stateOrProvince: maybe(str),
  postalCode: str,
  countryOrRegion: str,
  phone: str,
  email: str,
});
export const ReturnShippingReadSchema = z.object({ carrierName: str, carrierAccountNumber: str });
export const ShippingInformationReadSchema = z.object({
  recipientName: maybe(str),
  streetAddress1: maybe(str),
  streetAddress2: maybe(str),
  city: maybe(str),
  stateOrProvince: maybe(str),
  postalCode: maybe(str),
  countryOrRegion: maybe(str),
  phone: maybe(str),
  additionalInformation: maybe(str),
});
export const DeliveryPackageReadSchema = z.object({
  carrierName: str,
  trackingNumber: str,
  driveCount: maybe(z.number()),
  shipDate: maybe(str),
});
export const PackageInformationReadSchema = z.object({
  carrierName: str,
  trackingNumber: str,
  driveCount: z.number(),
  shipDate: str,
});

export const ArmDriveStatusReadSchema = z.object({
  driveId: str,
  bitLockerKey: maybe(str),
  manifestFile: maybe(str),
  manifestHash: maybe(str),
  driveHeaderHash: maybe(str),
  state: maybe(str),
  copyStatus: maybe(str),
  percentComplete: maybe(z.number()),
  verboseLogUri: maybe(str),
  errorLogUri: maybe(str),
  manifestUri: maybe(str),
  bytesSucceeded: maybe(z.number()),
});

export const JobResponseReadSchema = z.object({
  id: maybe(str),
  name: str,
  type: maybe(str),
  location: maybe(str),
  tags: maybe(z.record(str, str)),
  properties: z.object({
    storageAccountId: maybe(str),
    jobType: maybe(str),
    returnAddress: maybe(ReturnAddressReadSchema),
    returnShipping: maybe(ReturnShippingReadSchema),
    shippingInformation: maybe(ShippingInformationReadSchema),
    deliveryPackage: maybe(DeliveryPackageReadSchema),
    returnPackage: maybe(PackageInformationReadSchema),
    diagnosticsPath: maybe(str),
    logLevel: maybe(str),
    backupDriveManifest: maybe(z.boolean()),
    state: maybe(str),
    cancelRequested: maybe(z.boolean()),
    percentComplete: maybe(z.number()),
    incompleteBlobListUri: maybe(str),
    driveList: maybe(z.array(ArmDriveStatusReadSchema)),
    // On the wire export.blobList holds the paths; the SDK flattens them into export itself.
    export: maybe(
      z.preprocess(
        (v) => {
          if (typeof v !== 'object' || v === null || 'blobList' in v) return v;
          const { blobPath, blobPathPrefix, ...rest } = v as { blobPath?: unknown; blobPathPrefix?: unknown };
          return { ...rest, blobList: { blobPath, blobPathPrefix } };
        },
        z.object({
          blobList: maybe(z.object({ blobPath: maybe(z.array(str)), blobPathPrefix: maybe(z.array(str)) })),
          blobListBlobPath: maybe(str),
        }),
      ),
    ),
    provisioningState: maybe(str),
  }),
  systemData: maybe(
    z.object({
      createdBy: maybe(str),
      createdAt: maybe(isoTime),
      lastModifiedBy: maybe(str),
      lastModifiedAt: maybe(isoTime),
    }),
  ),
});
/** A job as the app reads it back from the service (the sandbox's `JobResponse` is one of these). */
export type ArmJob = z.output<typeof JobResponseReadSchema>;

// On the wire a location's address and carriers are under `properties`; the SDK flattens them.
const unflattenLocation = (v: unknown): unknown => {
  if (typeof v !== 'object' || v === null || 'properties' in v) return v;
  const { id, name, type, ...properties } = v as Record<string, unknown>;
  return { id, name, type, properties };
};
export const LocationReadSchema = z.preprocess(
  unflattenLocation,
  z.object({
    id: maybe(str),
    name: str,
    type: maybe(str),
    properties: maybe(
      z.object({
        recipientName: maybe(str),
        streetAddress1: maybe(str),
        streetAddress2: maybe(str),
        city: maybe(str),
        stateOrProvince: maybe(str),
        postalCode: maybe(str),
        countryOrRegion: maybe(str),
        phone: maybe(str),
        additionalShippingInformation: maybe(str),
        supportedCarriers: maybe(z.array(str)),
        alternateLocations: maybe(z.array(str)),
      }),
    ),
  }),
);
export type ArmLocation = z.output<typeof LocationReadSchema>;

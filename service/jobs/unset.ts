// What a request's properties mean when they say nothing, as Azure reads them. Clients generated
// from the swagger send every property of their typed model: the swagger's defaults
// (`cancelRequested: false`, `backupDriveManifest: false`, `state: "Creating"`, a drive's
// `state: "Specified"`, `kekType: "MicrosoftManaged"`), null for what was never set, and
// empty strings; clients that PUT back a job they read echo the service's own fields. Before the
// body is checked against the ARM schema, each of these is removed here, so that it means exactly
// what its absence means. Unknown properties are left for the schema, which drops them (ARM
// ignores properties it does not know). The table in service/README.md says the same per property.

/** How one property of a request model is read. */
export interface Field {
  /** Values that mean "not set", besides null: the swagger default, an empty string. Strings compare trimmed, without regard to case. */
  unset?: readonly (string | boolean)[];
  /** Set by the service only: whatever a client sends is dropped (clients echo what they read). */
  serviceOwned?: true;
  /** A nested model. */
  model?: Model;
  /** A list of a model; an empty list is not set. */
  list?: Model;
  /** A list of strings; an empty list is not set. */
  strings?: true;
  /** A nested model left with no property is not set (an optional group such as `export`). */
  emptyIsUnset?: true;
}
export type Model = Readonly<Record<string, Field>>;

const SERVICE: Field = { serviceOwned: true };
const PLAIN: Field = {};
const BLANK: Field = { unset: [''] };

/** A drive in Put Job: its manifest fields are kept as sent, empty ones too (Get Job echoes them, as Azure's GetJob example shows `"driveHeaderHash": ""`). */
export const DRIVE_STATUS: Model = {
  driveId: PLAIN,
  bitLockerKey: BLANK,
  manifestFile: PLAIN,
  manifestHash: PLAIN,
  driveHeaderHash: PLAIN,
  state: SERVICE,
  copyStatus: SERVICE,
  percentComplete: SERVICE,
  verboseLogUri: SERVICE,
  errorLogUri: SERVICE,
  manifestUri: SERVICE,
  bytesSucceeded: SERVICE,
};

/** A drive in Update Job: what is empty changes nothing. */
export const DRIVE_STATUS_UPDATE: Model = {
  ...DRIVE_STATUS,
  manifestFile: BLANK,
  manifestHash: BLANK,
  driveHeaderHash: BLANK,
};

export const RETURN_ADDRESS: Model = {
  recipientName: PLAIN,
  streetAddress1: PLAIN,
  streetAddress2: PLAIN,
  city: PLAIN,
  stateOrProvince: PLAIN,
  postalCode: PLAIN,
  countryOrRegion: PLAIN,
  phone: PLAIN,
  email: PLAIN,
};

export const RETURN_SHIPPING: Model = { carrierName: PLAIN, carrierAccountNumber: PLAIN };

export const DELIVERY_PACKAGE: Model = {
  carrierName: PLAIN,
  trackingNumber: PLAIN,
  driveCount: PLAIN,
  shipDate: BLANK,
};

export const EXPORT: Model = {
  blobList: { model: { blobPath: { strings: true }, blobPathPrefix: { strings: true } }, emptyIsUnset: true },
  blobListBlobPath: BLANK,
};

export const ENCRYPTION_KEY: Model = {
  kekType: { unset: ['', 'MicrosoftManaged'] },
  kekUrl: BLANK,
  kekVaultResourceID: BLANK,
};

export const JOB_DETAILS: Model = {
  storageAccountId: PLAIN,
  jobType: PLAIN,
  returnAddress: { model: RETURN_ADDRESS },
  returnShipping: { model: RETURN_SHIPPING },
  shippingInformation: SERVICE,
  deliveryPackage: { model: DELIVERY_PACKAGE },
  returnPackage: SERVICE,
  diagnosticsPath: BLANK,
  logLevel: BLANK,
  backupDriveManifest: { unset: [false] },
  state: { unset: ['', 'Creating'] },
  cancelRequested: { unset: [false] },
  percentComplete: SERVICE,
  incompleteBlobListUri: SERVICE,
  driveList: { list: DRIVE_STATUS },
  export: { model: EXPORT, emptyIsUnset: true },
  provisioningState: SERVICE,
  encryptionKey: { model: ENCRYPTION_KEY, emptyIsUnset: true },
};

export const PUT_JOB_PARAMETERS: Model = {
  location: PLAIN,
  tags: PLAIN,
  properties: { model: JOB_DETAILS },
  identity: { model: { type: { unset: ['', 'None'] }, principalId: SERVICE, tenantId: SERVICE }, emptyIsUnset: true },
  id: SERVICE,
  name: SERVICE,
  type: SERVICE,
  systemData: SERVICE,
};

export const UPDATE_JOB_PARAMETERS: Model = {
  tags: PLAIN,
  properties: {
    model: {
      cancelRequested: { unset: [false] },
      state: BLANK,
      returnAddress: { model: RETURN_ADDRESS },
      returnShipping: { model: RETURN_SHIPPING },
      deliveryPackage: { model: DELIVERY_PACKAGE },
      logLevel: BLANK,
      backupDriveManifest: { unset: [false] },
      driveList: { list: DRIVE_STATUS_UPDATE },
    },
  },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isUnset(v: unknown, f: Field): boolean {
  if (v === null || f.serviceOwned) return true;
  if ((f.list || f.strings) && Array.isArray(v) && v.length === 0) return true;
  if (!f.unset) return false;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    return f.unset.some((u) => typeof u === 'string' && u.toLowerCase() === s);
  }
  return f.unset.includes(v as boolean);
}

/**
 * A copy of a request body without the properties that are not set (see the file's header).
 * Anything that is not an object where the model expects one is returned as it is, for the
 * schema to refuse with its own message.
 */
export function withoutUnset(body: unknown, model: Model): unknown {
  if (!isObject(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const f = Object.hasOwn(model, k) ? model[k] : undefined;
    if (!f) {
      out[k] = v;
      continue;
    }
    if (isUnset(v, f)) continue;
    if (f.model) {
      const inner = withoutUnset(v, f.model);
      if (f.emptyIsUnset && isObject(inner) && Object.keys(inner).length === 0) continue;
      out[k] = inner;
    } else if (f.list && Array.isArray(v)) out[k] = v.map((x) => withoutUnset(x, f.list as Model));
    else out[k] = v;
  }
  return out;
}

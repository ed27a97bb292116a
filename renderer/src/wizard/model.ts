// What the new-job wizard holds while it is filled in (a draft kept in main), its steps, and the
// checks each step must pass before Next: the shared ARM and prep rules, so the app refuses
// exactly what the service and the copy engine would refuse, while the person types.
import type { z } from 'zod';
import {
  jobNameProblem,
  MAX_DRIVES_PER_JOB,
  parseStorageAccountId,
  ReturnAddressSchema,
  ReturnShippingSchema,
  STORAGE_ACCOUNT_RE,
} from '../../../shared/arm/schemas';
import { blobNameProblem, containerNameProblem, splitBlobPath } from '../../../shared/prep/names';
import { draftValues, type DraftValues, type WizardStep } from '../../../shared/prep/draft';
import { phoneProblem, postalCodeProblem } from '../../../shared/jobs/formats';
import { closedText } from '../../../shared/jobs/locations';
import type { LocationInfo } from './locations';

export type { DraftValues } from '../../../shared/prep/draft';
export const emptyValues = (): DraftValues => draftValues.parse({});

export const STEPS = [
  { id: 'type', title: 'Type and where' },
  { id: 'data', title: 'Data' },
  { id: 'drives', title: 'Drives' },
  { id: 'prepare', title: 'Prepare' },
  { id: 'shipping', title: 'Return shipping' },
  { id: 'review', title: 'Review and create' },
] as const satisfies ReadonlyArray<{ id: WizardStep; title: string }>;
export type StepId = WizardStep;

/** Export jobs have no drives to prepare: the data center writes them. */
export function stepsFor(kind: DraftValues['type']['kind']): Array<(typeof STEPS)[number]> {
  return kind === 'export' ? STEPS.filter((s) => s.id !== 'drives' && s.id !== 'prepare') : [...STEPS];
}

/** field -> what is wrong with it, in words. */
export type FieldErrors = Partial<Record<string, string>>;

/** Blob paths and prefixes are typed one a line. */
export const splitLines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** A storage account as the person typed it (a name or a resource id) -> its resource id. */
export function storageAccountId(typed: string, subscriptionId?: string, resourceGroup?: string): string | undefined {
  const t = typed.trim();
  if (parseStorageAccountId(t)) return t;
  if (STORAGE_ACCOUNT_RE.test(t) && subscriptionId && resourceGroup) {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${t}`;
  }
  return undefined;
}

export function storageAccountProblem(typed: string): string | undefined {
  const t = typed.trim();
  if (!t)
    return 'Give the storage account the data goes to (or comes from): its name, such as haulsandbox, or its resource id.';
  if (t.startsWith('/')) {
    return parseStorageAccountId(t)
      ? undefined
      : 'This is not a storage account resource id: it must look like /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>.';
  }
  return STORAGE_ACCOUNT_RE.test(t)
    ? undefined
    : `"${t}" is not a storage account name: use 3 to 24 lowercase letters and digits.`;
}

/** A destination "container/prefix/" (or "container/blob" for one file): what is wrong with it, or undefined. */
export function destinationProblem(dest: string): string | undefined {
  const d = dest.trim().replace(/^\/+/, '');
  if (!d) return 'Give the container (and optionally a prefix) the files go to, such as photos/2026/.';
  const { container, blob } = splitBlobPath(d);
  const c = containerNameProblem(container);
  if (c) return `The ${c}.`;
  const rest = blob.replace(/\/$/, '');
  if (rest) {
    const b = blobNameProblem(rest);
    if (b) return `The ${b}.`;
  }
  return undefined;
}

function zodField(schema: z.ZodType, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]?.message;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What the service told the wizard: its data centers and the subscription's storage accounts (when it could list them). */
export interface ServiceFacts {
  locations?: LocationInfo[];
  /** storage account names of the connected subscription; undefined while unknown (free text then) */
  accounts?: string[];
  /** the resource group a bare name is looked up in, for the message */
  where?: string;
}

/** The account's name, from a typed name or resource id. */
export function accountName(typed: string): string {
  const t = typed.trim();
  return (parseStorageAccountId(t)?.account ?? t).toLowerCase();
}

export function typeErrors(v: DraftValues, facts: ServiceFacts = {}): FieldErrors {
  const e: FieldErrors = {};
  const t = v.type;
  if (!t.kind) e.kind = 'Choose import (drives to Azure) or export (Azure to drives).';
  const sa = storageAccountProblem(t.storageAccountId ?? '');
  if (sa) e.storageAccountId = sa;
  else if (facts.accounts && !facts.accounts.includes(accountName(t.storageAccountId ?? ''))) {
    const name = accountName(t.storageAccountId ?? '');
    e.storageAccountId = facts.accounts.length
      ? `There is no storage account "${name}" in ${facts.where ?? 'the connected subscription'}: choose one of the list (${facts.accounts.slice(0, 5).join(', ')}${facts.accounts.length > 5 ? ' …' : ''}).`
      : `There is no storage account in ${facts.where ?? 'the connected subscription'}: create one in the Azure portal first, then choose it here.`;
  }
  if (!t.location) e.location = 'Choose the data center the drives are shipped to.';
  else {
    const l = facts.locations?.find((x) => x.name === t.location);
    if (l?.closed) e.location = `${closedText(l)} Choose ${l.shipTo}.`;
  }
  const name = t.jobName ?? '';
  if (!name) e.jobName = 'Give the job a name: 2 to 64 letters, digits, hyphens or underscores.';
  else {
    const j = jobNameProblem(name);
    if (j) e.jobName = j;
  }
  return e;
}

export function importDataErrors(v: DraftValues): FieldErrors {
  const e: FieldErrors = {};
  const d = v.importData;
  if (d.mode === 'dataset') {
    if (!d.dataset)
      e.dataset =
        'Load a dataset.csv (BasePath, DstBlobPathOrPrefix, BlobType, Disposition, MetadataFile, PropertiesFile).';
    return e;
  }
  if (d.paths.length === 0) e.paths = 'Add at least one folder or file to copy, or load a dataset.csv.';
  const p = destinationProblem(d.destination ?? '');
  if (p) e.destination = p;
  return e;
}

export function exportDataErrors(v: DraftValues): FieldErrors {
  const e: FieldErrors = {};
  const x = v.exportData;
  if (!x.blobPaths.length && !x.blobPathPrefixes.length && !x.blobListBlobPath?.trim()) {
    e.blobPathPrefixes = 'Name at least one blob path or prefix to export, such as /photos/ (or a blob-list blob).';
  }
  for (const [field, list] of [
    ['blobPaths', x.blobPaths],
    ['blobPathPrefixes', x.blobPathPrefixes],
  ] as const) {
    for (const p of list) {
      const { container } = splitBlobPath(p.replace(/^\/+/, ''));
      const c = containerNameProblem(container);
      if (c) {
        e[field] = `"${p}": the ${c}.`;
        break;
      }
    }
  }
  return e;
}

export function drivesErrors(v: DraftValues): FieldErrors {
  const e: FieldErrors = {};
  const n = v.drives.drives.length;
  if (n === 0) e.drives = 'Choose the drives to prepare (or use a folder on a mounted volume).';
  if (n > MAX_DRIVES_PER_JOB)
    e.drives = `A job has at most ${MAX_DRIVES_PER_JOB} drives; remove ${n - MAX_DRIVES_PER_JOB}.`;
  return e;
}

const FIELD_NAMES: Record<string, string> = {
  carrierName: 'The carrier',
  carrierAccountNumber: 'The carrier account number',
  recipientName: 'The contact name',
  streetAddress1: 'The street address',
  city: 'The city',
  postalCode: 'The postal code',
  countryOrRegion: 'The country or region',
  phone: 'The phone number',
  email: 'The email',
};

const fieldMessage = (k: string, m: string) =>
  m === 'must not be empty' ? `${FIELD_NAMES[k] ?? capital(k)} is required.` : capital(m) + '.';

export function shippingErrors(v: DraftValues, facts: ServiceFacts = {}): FieldErrors {
  const e: FieldErrors = {};
  const s = v.shipping;
  for (const k of ['carrierName', 'carrierAccountNumber'] as const) {
    const m = zodField(ReturnShippingSchema.shape[k], s.returnShipping[k] ?? '');
    if (m) e[k] = fieldMessage(k, m);
  }
  const carrier = (s.returnShipping.carrierName ?? '').trim();
  const carriers = facts.locations?.find((l) => l.name === v.type.location)?.carriers ?? [];
  if (carrier && carriers.length && !carriers.some((c) => c.toLowerCase() === carrier.toLowerCase()))
    e.carrierName = `${v.type.location ?? 'This data center'} does not ship with ${carrier}: choose ${carriers.join(', ')}.`;
  const address = addressOf(v);
  for (const k of Object.keys(ReturnAddressSchema.shape) as Array<keyof typeof address>) {
    const m = zodField(ReturnAddressSchema.shape[k], address[k]);
    if (m) e[k] = fieldMessage(k, address[k] === '' ? 'must not be empty' : m);
  }
  const phone = phoneProblem(address.phone);
  if (phone && !e.phone) e.phone = phone;
  const postal = postalCodeProblem(address.postalCode);
  if (postal && !e.postalCode) e.postalCode = postal;
  s.notificationEmails.forEach((mail) => {
    if (zodField(ReturnAddressSchema.shape.email, mail))
      e.notificationEmails = `"${mail}" is not an email address such as name@example.com.`;
  });
  return e;
}

/** The return address as ARM wants it: trimmed, optional parts left out when empty. */
export function addressOf(v: DraftValues) {
  const a = v.shipping.returnAddress;
  const req = (s: string | undefined) => (s ?? '').trim();
  const opt = (s: string | undefined) => (s?.trim() ? s.trim() : undefined);
  return {
    recipientName: req(a.recipientName),
    streetAddress1: req(a.streetAddress1),
    streetAddress2: opt(a.streetAddress2),
    city: req(a.city),
    stateOrProvince: opt(a.stateOrProvince),
    postalCode: req(a.postalCode),
    countryOrRegion: req(a.countryOrRegion),
    phone: req(a.phone),
    email: req(a.email),
  };
}

/** The errors that keep a step's Next disabled. */
export function stepErrors(step: StepId, v: DraftValues, facts: ServiceFacts = {}): FieldErrors {
  switch (step) {
    case 'type':
      return typeErrors(v, facts);
    case 'data':
      return v.type.kind === 'export' ? exportDataErrors(v) : importDataErrors(v);
    case 'drives':
      return drivesErrors(v);
    case 'shipping':
      return shippingErrors(v, facts);
    default:
      return {};
  }
}

/** Maps a BridgeError's target (an ARM field path) to the wizard's field and step. */
export function fieldForTarget(target: string | undefined): { field: string; step: StepId } | undefined {
  if (!target) return undefined;
  const t = target.replace(/^properties\./, '');
  if (t === 'storageAccountId') return { field: 'storageAccountId', step: 'type' };
  if (t === 'location') return { field: 'location', step: 'type' };
  if (t === 'name' || t === 'jobName') return { field: 'jobName', step: 'type' };
  if (t.startsWith('returnShipping.')) return { field: t.slice('returnShipping.'.length), step: 'shipping' };
  if (t.startsWith('returnAddress.')) return { field: t.slice('returnAddress.'.length), step: 'shipping' };
  if (t === 'logLevel' || t === 'backupDriveManifest' || t === 'diagnosticsPath') return { field: t, step: 'shipping' };
  if (t.startsWith('export')) return { field: 'blobPathPrefixes', step: 'data' };
  if (t.startsWith('driveList') || t.startsWith('drives')) return { field: 'drives', step: 'drives' };
  if (t === 'notificationEmails' || t.startsWith('notificationEmails.'))
    return { field: 'notificationEmails', step: 'shipping' };
  if (t === 'carrierName' || t === 'carrierAccountNumber') return { field: t, step: 'shipping' };
  if (t.startsWith('sources') || t === 'destination') return { field: 'destination', step: 'data' };
  return undefined;
}

/**
 * What Next says on the Drives step: prepare the chosen drives or, once prepared, update them; a
 * drive whose files all left the job is released (Haul's files go), not updated, and counted apart.
 */
export function drivesNextLabel(
  prepared: boolean,
  chosen: number,
  plannedDrives: ReadonlyArray<{ leaves?: boolean }> = [],
): string {
  const drives = (n: number) => `${n} drive${n === 1 ? '' : 's'}`;
  if (!chosen) return prepared ? 'Update drives' : 'Prepare drives';
  if (!prepared) return `Prepare ${drives(chosen)}`;
  const leaving = Math.min(chosen, plannedDrives.filter((d) => d.leaves).length);
  const staying = chosen - leaving;
  if (!leaving) return `Update ${drives(chosen)}`;
  if (!staying) return `Release ${drives(leaving)}`;
  return `Update ${drives(staying)}, release ${leaving}`;
}

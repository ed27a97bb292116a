// The ARM side of a request: the checks a Put or Update Job request must pass before the life cycle
// sees it (path names, the body against the ARM schemas, the storage account, the carrier, the
// drive list), and the record a new job is stored as.
import type { z } from 'zod';
import {
  jobNameProblem,
  parseStorageAccountId,
  resourceGroupProblem,
  zodIssuesToDetails,
  type PutJobParameters,
} from '../../shared/arm/schemas';
import type { LifecycleJob } from '../../shared/lifecycle';
import { ArmHttpError, badRequest } from '../errors';
import { findLocation, shippingInformationFor } from '../locations';
import type { StoredJob } from '../store';

export interface StorageAccounts {
  /** Names of the storage accounts that exist in the sandbox storage. */
  names(): string[];
}

export function checkSubscription(subscriptionId: string, served: string): void {
  if (subscriptionId.toLowerCase() !== served.toLowerCase()) {
    throw new ArmHttpError(
      403,
      'AuthorizationFailed',
      `The token does not grant access to subscription '${subscriptionId}'. This sandbox serves subscription '${served}' only; use that id in the request path.`,
      'subscriptionId',
    );
  }
}

export function checkNames(resourceGroup: string, jobName?: string): void {
  const rg = resourceGroupProblem(resourceGroup);
  if (rg) throw badRequest('InvalidResourceGroupName', rg, 'resourceGroupName');
  if (jobName !== undefined) {
    const jn = jobNameProblem(jobName);
    if (jn) throw badRequest('InvalidJobName', jn, 'jobName');
  }
}

type SafeParser<T> = {
  safeParse(
    v: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly z.core.$ZodIssue[] } };
};

/** The request body checked against an ARM schema; every problem named with its field. */
export function parseBody<T>(schema: SafeParser<T>, body: unknown, what: string): T {
  if (body === undefined)
    throw badRequest('InvalidRequestContent', `The request has no body; ${what} needs a JSON object.`);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('InvalidRequestContent', `The request body must be a JSON object (${what}).`);
  const r = schema.safeParse(body);
  if (!r.success) {
    const details = zodIssuesToDetails(r.error.issues);
    throw badRequest(
      'InvalidRequestContent',
      `The request body is not a valid ${what}: ${details.map((d) => d.message).join('; ')}.`,
      details[0]?.target,
      details,
    );
  }
  return r.data;
}

export function checkStorageAccount(id: string, subscriptionId: string, accounts: StorageAccounts): void {
  const parsed = parseStorageAccountId(id);
  if (!parsed) {
    throw badRequest(
      'InvalidStorageAccountId',
      `properties.storageAccountId "${id}" is not a storage account resource id; expected /subscriptions/${subscriptionId}/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>.`,
      'properties.storageAccountId',
    );
  }
  const names = accounts.names();
  if (!names.includes(parsed.account.toLowerCase())) {
    throw badRequest(
      'StorageAccountNotFound',
      `The storage account '${parsed.account}' does not exist in this sandbox. Available storage accounts: ${names.length ? names.join(', ') : '(none)'}. Use one of them in properties.storageAccountId, or start the service with --storage-account ${parsed.account.toLowerCase()}.`,
      'properties.storageAccountId',
    );
  }
  if (parsed.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
    throw badRequest(
      'InvalidStorageAccountId',
      `properties.storageAccountId names subscription '${parsed.subscriptionId}', but this sandbox serves subscription '${subscriptionId}'.`,
      'properties.storageAccountId',
    );
  }
}

export function checkCarrier(location: string, carrier: string | undefined, target: string): void {
  if (carrier === undefined) return;
  const loc = findLocation(location);
  const supported = loc?.properties.supportedCarriers ?? [];
  if (supported.length && !supported.some((c) => c.toLowerCase() === carrier.toLowerCase())) {
    throw badRequest(
      'UnsupportedCarrier',
      `The carrier '${carrier}' is not supported at ${loc?.name ?? location}. Supported carriers: ${supported.join(', ')}.`,
      target,
    );
  }
}

/** What a new job must say about its state, cancel flag, drives and export (J1, D1, D2). */
export function checkNewJob(p: PutJobParameters['properties']): void {
  if (p.state !== undefined && p.state.toLowerCase() !== 'creating') {
    throw badRequest(
      'InvalidJobState',
      `properties.state cannot be set to '${p.state}' when creating a job: a new job is Creating (rule J1). After shipping the drives, update the job (PATCH) with state Shipping.`,
      'properties.state',
    );
  }
  if (p.cancelRequested === true)
    throw badRequest(
      'InvalidRequestContent',
      'properties.cancelRequested cannot be set when creating a job; cancel an existing job with Update Job (PATCH).',
      'properties.cancelRequested',
    );
  const drives = p.driveList ?? [];
  if (p.jobType === 'Import') {
    if (drives.length === 0)
      throw badRequest(
        'DriveListRequired',
        'An import job needs properties.driveList with 1 to 10 drives (driveId, bitLockerKey, manifestFile, manifestHash for each) (rule D1).',
        'properties.driveList',
      );
    if (p.export)
      throw badRequest(
        'InvalidRequestContent',
        'properties.export is for export jobs only; remove it or set jobType to Export.',
        'properties.export',
      );
  } else {
    if (drives.length > 0)
      throw badRequest(
        'InvalidRequestContent',
        'An export job names no drives when it is created (rule D2): remove properties.driveList; the data center adds the drives it writes.',
        'properties.driveList',
      );
    const bl = p.export?.blobList;
    const any = (bl?.blobPath?.length ?? 0) + (bl?.blobPathPrefix?.length ?? 0) > 0 || !!p.export?.blobListBlobPath;
    if (!any)
      throw badRequest(
        'ExportBlobListRequired',
        'An export job needs properties.export with blobList.blobPath, blobList.blobPathPrefix (e.g. ["/photos/"]) or blobListBlobPath.',
        'properties.export',
      );
  }
  const seen = new Set<string>();
  for (const d of drives) {
    const k = d.driveId.toUpperCase();
    if (seen.has(k))
      throw badRequest(
        'DuplicateDrive',
        `The drive '${d.driveId}' appears twice in properties.driveList; each drive is listed once.`,
        'properties.driveList',
      );
    seen.add(k);
  }
}

/** The record a Put Job creates: the ARM fields the life cycle does not model, and its life-cycle job. */
export function newRecord(
  at: { subscriptionId: string; resourceGroup: string; name: string },
  input: PutJobParameters,
  lifecycle: LifecycleJob,
  now: number,
): StoredJob {
  const p = input.properties;
  const loc = findLocation(input.location);
  if (!loc) throw new Error(`newRecord: unknown location ${input.location}`);
  const drives = p.driveList ?? [];
  return {
    v: 1,
    ...at,
    location: input.location,
    ...(input.tags ? { tags: input.tags } : {}),
    createdAt: now,
    modifiedAt: now,
    storageAccountId: p.storageAccountId,
    diagnosticsPath: p.diagnosticsPath ?? 'waimportexport',
    backupDriveManifest: p.backupDriveManifest ?? false,
    ...(p.export ? { export: p.export } : {}),
    encryptionKey: {
      kekType: p.encryptionKey?.kekType ?? 'MicrosoftManaged',
      ...(p.encryptionKey?.kekUrl ? { kekUrl: p.encryptionKey.kekUrl } : {}),
      ...(p.encryptionKey?.kekVaultResourceID ? { kekVaultResourceID: p.encryptionKey.kekVaultResourceID } : {}),
    },
    shippingInformation: shippingInformationFor(loc),
    drives: Object.fromEntries(
      drives.map((d) => [
        d.driveId,
        {
          ...(d.bitLockerKey !== undefined ? { bitLockerKey: d.bitLockerKey } : {}),
          ...(d.manifestFile !== undefined ? { manifestFile: d.manifestFile } : {}),
          ...(d.manifestHash !== undefined ? { manifestHash: d.manifestHash.toUpperCase() } : {}),
          ...(d.driveHeaderHash !== undefined ? { driveHeaderHash: d.driveHeaderHash } : {}),
        },
      ]),
    ),
    lifecycle,
  };
}

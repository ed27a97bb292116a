// What the wizard sends to main, built from the draft: the prep request (sources, targets and
// their keys from memory) and the jobs.create request (ARM's fields, keys never from the draft).
import type { CreateJobRequest } from '../../../shared/ipc/channels/jobs';
import type { PreparedDrive, PrepSpecInput } from '../../../shared/prep/session';
import { addressOf, storageAccountId, type DraftValues } from './model';

/** The prep request for the draft's values (keys from memory). */
export function prepSpecOf(
  values: DraftValues,
  keys: Record<string, string>,
  withTargets: boolean,
  maxRate = 0,
): PrepSpecInput {
  const d = values.importData;
  const sources: PrepSpecInput['sources'] =
    d.mode === 'dataset' && d.dataset
      ? { kind: 'dataset', dataset: { text: d.dataset.text, name: d.dataset.name } }
      : {
          kind: 'picked',
          paths: d.paths,
          destination: d.destination ?? '',
          blobType: d.blobType ?? 'BlockBlob',
          disposition: d.disposition ?? 'rename',
        };
  const targets = withTargets
    ? values.drives.drives.map((t) => ({
        path: t.path,
        ...(keys[t.path] ? { bitLockerKey: keys[t.path] } : {}),
        ...(t.allowFolder ? { allowFolder: true } : {}),
      }))
    : [];
  return {
    jobName: values.type.jobName ?? '',
    sources,
    targets,
    ...(withTargets && targets.length === 0 && d.driveset
      ? { driveset: { text: d.driveset.text, name: d.driveset.name } }
      : {}),
    exclude: d.exclude,
    verify: true,
    maxRate,
  };
}

/** The jobs.create request for the draft and its prepared drives; keys from memory, never from the draft. */
export function createRequestOf(
  v: DraftValues,
  drives: PreparedDrive[],
  keys: Record<string, string>,
  subscriptionId?: string,
  resourceGroup?: string,
): CreateJobRequest {
  const kind = v.type.kind === 'export' ? 'Export' : 'Import';
  const s = v.shipping;
  return {
    name: v.type.jobName ?? '',
    type: kind,
    storageAccountId:
      storageAccountId(v.type.storageAccountId ?? '', subscriptionId, resourceGroup) ?? v.type.storageAccountId ?? '',
    location: v.type.location ?? '',
    drives:
      kind === 'Import'
        ? drives.map((d) => ({
            driveId: d.driveId,
            manifestFile: d.manifestFile,
            manifestHash: d.manifestHash,
            driveHeaderHash: d.driveHeaderHash,
            ...(keys[d.target] ? { bitLockerKey: keys[d.target]! } : {}),
          }))
        : [],
    returnAddress: addressOf(v),
    returnShipping: {
      carrierName: s.returnShipping.carrierName ?? '',
      carrierAccountNumber: s.returnShipping.carrierAccountNumber ?? '',
    },
    notificationEmails: s.notificationEmails,
    logLevel: s.logLevel ?? 'Error',
    backupDriveManifest: s.backupDriveManifest ?? true,
    ...(s.diagnosticsPath ? { diagnosticsPath: s.diagnosticsPath } : {}),
    ...(kind === 'Export'
      ? { export: { blobPaths: v.exportData.blobPaths, blobPathPrefixes: v.exportData.blobPathPrefixes } }
      : {}),
  };
}

// The ARM view of a job record: the `JobResponse` Get Job and List return. Records are replaced
// (never changed in place) when a job changes, so the record itself is the cache key.
import { drivePercentComplete, percentComplete } from '../../shared/lifecycle';
import { RESOURCE_TYPE_JOBS, type ArmDriveStatus, type JobResponse } from '../../shared/arm/schemas';
import type { StoredJob } from '../store';

const iso = (ms: number) => new Date(ms).toISOString();

export function resourceId(job: Pick<StoredJob, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${job.subscriptionId}/resourceGroups/${job.resourceGroup}/providers/Microsoft.ImportExport/jobs/${job.name}`;
}

export class ArmView {
  private readonly views = new WeakMap<StoredJob, JobResponse>();
  private readonly texts = new WeakMap<StoredJob, string>();

  of(job: StoredJob): JobResponse {
    let v = this.views.get(job);
    if (!v) {
      v = render(job);
      this.views.set(job, v);
    }
    return v;
  }

  /** The view as JSON text (List joins these without parsing them again). */
  json(job: StoredJob): string {
    let s = this.texts.get(job);
    if (s === undefined) {
      s = JSON.stringify(this.of(job));
      this.texts.set(job, s);
    }
    return s;
  }
}

function render(job: StoredJob): JobResponse {
  const lc = job.lifecycle;
  const driveList: ArmDriveStatus[] = lc.drives.map((d) => {
    const x = job.drives[d.driveId] ?? {};
    return {
      driveId: d.driveId,
      // Never the BitLocker key: Azure returns keys only from listBitLockerKeys.
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
    id: resourceId(job),
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

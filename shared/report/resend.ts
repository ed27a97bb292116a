// Re-send what failed (pure): a new import draft for the wizard holding exactly the files a job did
// not import (failed, or their drive never arrived), each to the blob it was meant for, with the
// same blob type, disposition and metadata/properties; the job's storage account, data center,
// return address and log settings carried over. The wizard plans and prepares it as any draft.
import type { DraftValuesInput } from '../prep/draft';
import type { JobView } from '../jobs/schemas';
import { resendDatasetCsv, type ResendFile } from './csv';

/** `photos-2024` → `photos-2024-resend`, `…-resend2` when taken; at most 64 characters. */
export function resendJobName(name: string, taken: (candidate: string) => boolean): string {
  for (let n = 1; n < 100; n++) {
    const suffix = n === 1 ? '-resend' : `-resend${n}`;
    const candidate = `${name.slice(0, 64 - suffix.length)}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
  return `${name.slice(0, 50)}-resend${Date.now().toString(36)}`.slice(0, 64);
}

export interface ResendDraft {
  values: DraftValuesInput;
  /** Files in the draft. */
  files: number;
  bytes: number;
}

/** The draft values of a new import of `files` (those Haul knows the source of). */
export function resendDraftValues(job: JobView, files: readonly ResendFile[], jobName: string): ResendDraft {
  const text = resendDatasetCsv(files);
  const kept = files.filter((f) => f.row.sourcePath);
  const a = job.returnAddress;
  const emails = job.contact.emails.filter((e) => e.toLowerCase() !== (a?.email ?? '').toLowerCase());
  return {
    files: kept.length,
    bytes: kept.reduce((s, f) => s + f.row.length, 0),
    values: {
      type: {
        kind: 'import',
        ...(job.storageAccountId ? { storageAccountId: job.storageAccountId } : {}),
        ...(job.location.name ? { location: job.location.name } : {}),
        jobName,
      },
      importData: {
        mode: 'dataset',
        paths: [],
        exclude: [],
        dataset: { name: `${job.name}-not-imported.csv`, text },
      },
      shipping: {
        returnShipping: job.returnShipping ? { ...job.returnShipping } : {},
        returnAddress: a
          ? {
              recipientName: a.recipientName,
              streetAddress1: a.streetAddress1,
              ...(a.streetAddress2 ? { streetAddress2: a.streetAddress2 } : {}),
              city: a.city,
              ...(a.stateOrProvince ? { stateOrProvince: a.stateOrProvince } : {}),
              postalCode: a.postalCode,
              countryOrRegion: a.countryOrRegion,
              phone: a.phone,
              email: a.email,
            }
          : {},
        notificationEmails: emails.slice(0, 20),
        ...(job.diagnosticsPath ? { diagnosticsPath: job.diagnosticsPath } : {}),
        logLevel: job.logLevel,
        backupDriveManifest: job.backupDriveManifest,
      },
    },
  };
}

// The data center of the local Import/Export service, as a library (no HTTP, no CLI): the service's
// operator routes call these and turn the results into life-cycle events.
//
//   const azurite = await startAzurite({ dataDir, accounts: ['mystorage'] });
//   const r = await importDrive({ azurite, drivePath, storageAccount: 'mystorage', expectedDriveId, logLevel });
//   // r.outcome: 'Completed' (D6) | 'CompletedMoreInfo' (D7) | 'Faulted' (F1, with r.reason)
//   // r.bytesSucceeded, r.copyStatus, r.errorLogUri / r.verboseLogUri (G4), r.blobs (per-blob status)
//   const e = await exportToDrives({ azurite, storageAccount, jobName, blobList, targets: [{ path }] });
//   // e.drives (per drive: bytes, manifestHash, bitLockerKey), e.incompleteBlobs, e.incompleteBlobListUri
//   await azurite.stop();

/** Start/stop the sandbox storage (Azurite child process on 127.0.0.1, telemetry off). */
export { startAzurite, storageAccountName, checkAccountName } from './azurite';
/** Import a prepared drive (docs/formats.md) into the job's storage account. */
export { importDrive } from './importDrive';
/** Export blobs onto folders (one per drive) in the prepared-drive layout (docs/formats.md). */
export { exportToDrives } from './exportDrives';
/** Sandbox BitLocker recovery keys (48 digits). */
export { generateBitLockerKey, isBitLockerKey } from './bitlocker';
export type {
  AzuriteAccount,
  AzuriteHandle,
  StartAzuriteOptions,
  TransferProgress,
  LogLevel,
  ImportDriveOptions,
  ImportDriveResult,
  BlobImportStatus,
  DriveOutcome,
  ExportTarget,
  ExportToDrivesOptions,
  ExportedDrive,
  ExportResult,
} from './types';

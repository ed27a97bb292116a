// Types of the data-center library (service/datacenter). Plain data, no classes, JSON-serialisable
// results, so the service can store them and feed them into the life cycle as they are.
import type { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { DriveLogStatus, DriveLogBlob } from '../../shared/formats/driveLog';

/** One storage account served by the local Azurite. */
export interface AzuriteAccount {
  /** Storage account name (the last segment of the job's storageAccountId). */
  name: string;
  /** Base64 account key (generated once per data folder and kept in `<dataDir>/azurite/accounts.json`). */
  key: string;
  /** Path-style blob endpoint, e.g. `http://127.0.0.1:10000/myaccount` (no trailing slash). */
  blobEndpoint: string;
  /** A connection string the Azure SDKs and Storage Explorer accept. */
  connectionString: string;
}

export interface StartAzuriteOptions {
  /** The service's data folder; Azurite keeps its data under `<dataDir>/azurite`. */
  dataDir: string;
  /** Storage account names to serve (more can be added later with `ensureAccounts`). */
  accounts: string[];
  /** Port to listen on; default: the port used last time for this data folder if free, else any free port. */
  port?: number;
  /** Where Azurite's own output goes (default: dropped). Never receives account keys. */
  log?: (line: string) => void;
}

export interface AzuriteHandle {
  readonly host: '127.0.0.1';
  /** The port Azurite listens on. */
  readonly port: number;
  /** The process id of the Azurite child process (for diagnostics and tests). */
  readonly pid: number;
  /** The accounts served right now, by name. */
  accounts(): Record<string, AzuriteAccount>;
  /** The account, or an Error naming the account and the accounts that exist. */
  account(name: string): AzuriteAccount;
  /** A shared-key credential for the account. */
  credential(name: string): StorageSharedKeyCredential;
  /** A BlobServiceClient for the account. */
  client(name: string): BlobServiceClient;
  /**
   * Makes sure these accounts exist. Azurite reads its accounts only at start, so adding one
   * restarts it on the same port (data kept); waits for running imports/exports to finish first.
   */
  ensureAccounts(names: string[]): Promise<void>;
  /** Stops Azurite (SIGTERM, then SIGKILL after a grace period); resolves when the process is gone. */
  stop(): Promise<void>;
}

/** Progress of an import or export, reported after each block. */
export interface TransferProgress {
  /** Bytes read and checked so far (successful or not): the basis of percentComplete (G2). */
  bytesProcessed: number;
  /** Bytes of all blobs to transfer on this drive. */
  bytesTotal: number;
  /** Bytes of blobs that were fully and correctly transferred so far. */
  bytesSucceeded: number;
  blobsDone: number;
  blobsTotal: number;
  /** Blob path being worked on. */
  currentBlob?: string;
}

export type LogLevel = 'Error' | 'Verbose';

export interface ImportDriveOptions {
  azurite: AzuriteHandle;
  /** Folder or mount point where the prepared drive can be read. */
  drivePath: string;
  /** Storage account name of the job (see `storageAccountName` for an ARM storageAccountId). */
  storageAccount: string;
  /**
   * The job this import is for (e.g. `resourcegroup/jobname`). Blobs are marked with it, so a re-run
   * of the same job skips what it already imported, while another job importing the same drive
   * reads and checks every block again.
   */
  job?: string;
  /** The drive id the job expects (from its driveList); a different id on the drive faults it. */
  expectedDriveId?: string;
  /** The manifest hash the customer registered (driveList manifestHash); a mismatch faults the drive. */
  expectedManifestHash?: string;
  /** The job's diagnosticsPath: `container` or `container/virtual/dir` (default `waimportexport`). */
  diagnosticsPath?: string;
  /** `Verbose` also writes the verbose log (every blob and block). Default `Error`. */
  logLevel?: LogLevel;
  /** Copy DriveManifest.xml into the diagnostics location (backupDriveManifest); its URI is returned. */
  backupDriveManifest?: boolean;
  onProgress?: (p: TransferProgress) => void;
  /** Aborting stops after the block in flight; the promise rejects with the signal's reason, no partial blob is committed. */
  signal?: AbortSignal;
  /** The service clock (epoch ms), used for log names. Default Date.now. */
  now?: () => number;
  /** Blocks uploaded at once (default 4). */
  concurrency?: number;
}

/** What happened to one blob of the manifest. */
export interface BlobImportStatus {
  blobPath: string;
  /** Blob path actually written (differs from blobPath when the disposition renamed it). */
  importedAs?: string;
  filePath: string;
  length: number;
  status: DriveLogBlob['status'];
  disposition?: NonNullable<DriveLogBlob['importDisposition']>;
  /** Sentence for the customer when something went wrong or was notable. */
  message?: string;
}

/**
 * Outcome of a drive's copy:
 * - `Completed`: every blob was imported with no issue (D6);
 * - `CompletedMoreInfo`: the copy ran but met errors, warnings or overwrites (D7);
 * - `Faulted`: the drive could not be processed at all (unreadable, no manifest, wrong drive) (F1).
 */
export type DriveOutcome = 'Completed' | 'CompletedMoreInfo' | 'Faulted';

export interface ImportDriveResult {
  outcome: DriveOutcome;
  /** Why the drive faulted (a sentence naming the path and what to do). */
  reason?: string;
  /** The drive status written in the DriveLog (Completed, CompletedWithErrors, ManifestNotFound, …). */
  logStatus: DriveLogStatus;
  /** The drive id read from the drive (or the expected one when the drive could not be read). */
  driveId: string;
  bytesSucceeded: number;
  bytesTotal: number;
  /** Short human-readable status for the drive list's copyStatus. */
  copyStatus: string;
  /**
   * The issues of D7, counted per blob (same shape as the life cycle's DriveIssues): errors (blob not
   * imported), warnings (renamed or skipped by its disposition), overwrites. A Faulted drive counts one error.
   */
  issues: { errors: number; warnings: number; overwrites: number };
  blobs: BlobImportStatus[];
  /** URI of the error log blob (always written) (G4). */
  errorLogUri?: string;
  /** URI of the verbose log blob (logLevel Verbose) (G4). */
  verboseLogUri?: string;
  /** URI of the manifest backup (backupDriveManifest). */
  manifestUri?: string;
  /** MD5 Base16 upper case of DriveManifest.xml as read (for the drive list's manifestHash). */
  manifestHash?: string;
  /** MD5 Base16 upper case of HaulDrive.json as read (for the drive list's driveHeaderHash). */
  driveHeaderHash?: string;
  /** Relative path of the manifest on the drive (for the drive list's manifestFile). */
  manifestFile?: string;
}

/** An export target: a folder that stands for one drive. */
export interface ExportTarget {
  /** Folder to write into (created if missing). */
  path: string;
  /** Drive id to record (default: generated, `HAUL-EXP-…`). */
  driveId?: string;
  /** Usable bytes on this drive; default: the free space of the folder's file system. */
  capacityBytes?: number;
}

export interface ExportToDrivesOptions {
  azurite: AzuriteHandle;
  storageAccount: string;
  jobName: string;
  /** The ARM export.blobList: blob paths (`/container/blob`) and prefixes (`/`, `/container/`, `/container/pre`). */
  blobList?: { blobPath?: string[]; blobPathPrefix?: string[] };
  /** The ARM export.blobListBlobPath: `container/blob` of a blob holding a <BlobList> XML. */
  blobListBlobPath?: string;
  targets: ExportTarget[];
  diagnosticsPath?: string;
  logLevel?: LogLevel;
  onProgress?: (p: TransferProgress) => void;
  signal?: AbortSignal;
  now?: () => number;
}

export interface ExportedDrive {
  driveId: string;
  path: string;
  /** Bytes of blob data written. */
  bytes: number;
  blobCount: number;
  /** MD5 Base16 upper case of the DriveManifest.xml written. */
  manifestHash: string;
  manifestFile: string;
  /** MD5 Base16 upper case of the HaulDrive.json written. */
  driveHeaderHash: string;
  /** Generated BitLocker recovery key for the drive (sandbox). */
  bitLockerKey: string;
  errorLogUri?: string;
  verboseLogUri?: string;
  /** Always Completed for now: every blob placed on the drive was written and checked. */
  outcome: DriveOutcome;
  copyStatus: string;
}

export interface ExportResult {
  drives: ExportedDrive[];
  /** Blob paths (`/container/blob`) that did not fit on any target, or could not be written. */
  incompleteBlobs: { blobPath: string; length: number; reason: string }[];
  /** URI of the <BlobList> XML blob listing incompleteBlobs; absent when everything fit. */
  incompleteBlobListUri?: string;
  bytesTotal: number;
  bytesSucceeded: number;
}

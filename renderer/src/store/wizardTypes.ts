// The wizard slice's types, apart from the slice, so the modules that hold its actions
// (wizardPrep, wizardService, wizardExport) can name them without importing the slice itself.
import type { z } from 'zod';
import type { DraftSummary, DraftValues } from '../../../shared/prep/draft';
import type { ExportPreview } from '../../../shared/prep/exportPreview';
import type {
  BrowseResult,
  browseRequest,
  PrepPlanResult,
  PrepSessionInfo,
  PrepProgressPayload,
  VerifyReport,
} from '../../../shared/prep/session';
import type { PrepEvent } from '../../../shared/prep/types';
import type { ExportEstimate } from '../../../shared/ipc/channels/storage';
import type { LocationInfo } from '../wizard/locations';
import type { FieldErrors, StepId } from '../wizard/model';

export interface ExportBrowse {
  /** the account these answers are about */
  account?: string;
  containers?: { name: string }[];
  containersError?: string;
  estimate?: ExportEstimate;
  estimating: boolean;
  estimateError?: string;
  /** the estimate's request, to ignore answers to older ones */
  estimateSeq: number;
}

export type ProgressEvent = Extract<PrepEvent, { type: 'progress' }>;

/** What one session has said, for the Prepare step: its latest progress and the events worth words. */
export interface SessionLog {
  progress?: ProgressEvent;
  /** file errors, full and pulled drives, drive results, verify results, the end (newest last, at most 200) */
  notes: PrepEvent[];
}

export type DraftDrive = DraftValues['drives']['drives'][number];

export interface SaveState {
  state: 'idle' | 'saving' | 'saved' | 'failed';
  at?: number;
  error?: string;
}

export interface WizardSlice {
  /** the draft being edited; undefined until the first save */
  draftId?: string;
  /** the route's draft id this state was loaded for ('' = a new wizard) */
  openedFor?: string;
  step: StepId;
  values: DraftValues;
  loading: boolean;
  loadError?: string;
  save: SaveState;
  /** errors main answered (BridgeError target -> field), shown next to the field until it changes */
  serverErrors: FieldErrors;
  /** per target path; memory only */
  bitLockerKeys: Record<string, string>;
  /** copy speed limit per drive in bytes per second (0: none), so a busy machine stays usable */
  maxRate: number;
  plan?: PrepPlanResult;
  planning: boolean;
  planError?: string;
  /** the plan's request, to ignore answers to older requests */
  planSeq: number;
  sessions: Record<string, PrepSessionInfo>;
  logs: Record<string, SessionLog>;
  prepBusy: boolean;
  prepError?: string;
  verifyReports?: VerifyReport[];
  drafts?: DraftSummary[];
  draftsError?: string;
  creating: boolean;
  createError?: string;
  /** the step holding the field the create error is about */
  createErrorStep?: StepId;
  locations?: LocationInfo[];
  locationsError?: string;
  /** the storage accounts of the connected resource group (undefined until listed, or when they cannot be) */
  accounts?: Array<{ name: string; id: string; location?: string }>;
  accountsError?: string;
  /** an export's storage account as read for the Data step */
  exportBrowse: ExportBrowse;
  /** the return shipping and contact of the last job created, offered on this one */
  savedContact?: DraftValues['shipping'];

  open(draftId: string | undefined): Promise<void>;
  update(change: (values: DraftValues) => DraftValues): void;
  goTo(step: StepId): Promise<void>;
  saveNow(): Promise<void>;
  /**
   * Deletes the draft (a copy running for it stops first); with `release`, the drives prepared
   * for it lose Haul's files first. Answers an error in words when something was not done.
   */
  discard(opts?: { release?: boolean }): Promise<string | undefined>;
  setBitLockerKey(path: string, key: string): void;
  /** the chosen drives (a change voids the typed confirmation) */
  setDrives(list: DraftDrive[]): void;
  addDrive(drive: DraftDrive): void;
  removeDrive(path: string): void;
  /** the person confirmed (or took back) writing into a folder that is not a drive of its own */
  allowFolder(path: string, allow: boolean): void;
  /** reads the drives and their free space again, and plans again with them */
  refreshDrives(): Promise<void>;
  /** leaves a source out of the job (pre-flight's Exclude), or takes it in again */
  exclude(source: string, out: boolean): void;
  setMaxRate(bytesPerSecond: number): void;
  setServerError(err: unknown): void;
  refreshDrafts(): Promise<void>;
  deleteDraft(id: string): Promise<void>;
  runPlan(withTargets: boolean): Promise<PrepPlanResult | undefined>;
  startPrep(confirmedDriveIds: string[]): Promise<void>;
  cancelPrep(): Promise<void>;
  resumePrep(): Promise<void>;
  verifyPrep(): Promise<void>;
  refreshSessions(): Promise<void>;
  onProgress(payload: PrepProgressPayload): void;
  onSession(info: PrepSessionInfo): void;
  /** jobs.create for the draft (and its prepared drives), then the new job's page */
  createJob(): Promise<void>;
  loadLocations(): Promise<void>;
  loadContact(): Promise<void>;
  /** lists the storage accounts of the connected resource group for the picker */
  loadAccounts(): Promise<void>;
  /** fills the shipping step with the saved return shipping and contact */
  useSavedContact(): void;
  previewExport(blobListText: string, driveSize: number): Promise<ExportPreview>;
  browse(req: z.input<typeof browseRequest>): Promise<BrowseResult>;
  /** the containers of the draft's storage account */
  loadContainers(): Promise<void>;
  /** the first blobs under "container/prefix", with their sizes */
  listBlobs(path: string): Promise<{ blobs: Array<{ blobPath: string; length: number }>; more: boolean }>;
  /** checks the export's prefixes and paths against the account and counts the drives from the real sizes */
  runEstimate(): Promise<void>;
}

// Messages between the copy engine (main thread) and its workers: per-drive copy and verify
// workers, and the one-off manifest writer.
import type { FileRecord } from './journal';

export interface CopyTask {
  /** file index in the plan */
  id: number;
  src: string;
  /** path on the drive, relative to its root, "/" separators */
  rel: string;
  size: number;
  mtime: number;
}

export interface VerifyItem {
  rel: string;
  length: number;
  blocks: string;
}

export type ToWorker = { t: 'tasks'; tasks: CopyTask[] } | { t: 'verify'; items: VerifyItem[] } | { t: 'finish' };

/** workerData of a copy worker (copyWorker.ts) */
export interface WorkerInit {
  root: string;
  /** st_dev of the root when the copy started: a different device means the drive was removed */
  rootDev: number;
  /** bytes per second, 0 = unlimited */
  maxRate: number;
}

/** workerData of a verify worker (verifyWorker.ts) */
export interface VerifyInit {
  root: string;
  rootDev: number;
}

/** The one message a manifest worker waits for: write this drive's manifest and header (manifestWorker.ts). */
export interface ManifestInit {
  root: string;
  journal: string;
  /** the drive's records and the journal's sessions as the engine holds them (else read from `journal`) */
  records?: FileRecord[];
  knownSessions?: string[];
  driveId: string;
  jobName: string;
  newSessions: string[];
  generatedId: boolean;
  now: number;
}
/** A manifest worker's messages: the records in slices, then what to write (with them, or from the journal). */
export type ToManifestWorker =
  | { t: 'records'; records: FileRecord[] }
  | { t: 'write'; init: Omit<ManifestInit, 'records'>; withRecords?: true };
export type ManifestReply =
  | { t: 'manifest-done'; manifestHash: string; blobs: number }
  | { t: 'manifest-error'; code: string; message: string };

export interface CopyResult {
  id: number;
  size: number;
  mtime: number;
  md5: string;
  blocks: string;
}

export type FromWorker =
  | { t: 'bytes'; n: number }
  /**
   * Files complete on the drive. `behind`: written but not flushed yet (small files): journaled
   * with a write-behind place, confirmed by a later `synced`.
   */
  | { t: 'done'; results: CopyResult[]; behind?: boolean }
  /** the first `n` written-behind files not yet confirmed are flushed now */
  | { t: 'synced'; n: number }
  | { t: 'source-error'; id: number; code: string; message: string }
  /** ENOSPC: `returned` are the ids this worker had and did not finish (including the failing one) */
  | { t: 'full'; id: number; returned: number[]; message: string }
  | { t: 'removed'; returned: number[]; message: string }
  | { t: 'target-error'; returned: number[]; code: string; message: string }
  /** tasks that arrived after the worker stopped (full, removed, failed) */
  | { t: 'returned'; returned: number[] }
  /** the worker took a chunk of tasks: send the next one, so one always waits */
  | { t: 'more' }
  | { t: 'idle' }
  | { t: 'verify-bytes'; n: number }
  | { t: 'verify-done'; blobs: number; blocks: number; bytes: number; mismatches: string[]; failed: string[] };

export const TMP_DIR = '.haul-tmp';

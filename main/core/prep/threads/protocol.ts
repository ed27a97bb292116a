// Messages between the copy engine (main thread) and its workers: per-drive copy and verify
// workers, and the one-off manifest writer.
import type { MessagePort } from 'node:worker_threads';
import type { FileRecord } from '../drive-format/fileRecord';
import type { FileStamp } from '../../../../shared/node/atomicWrite';

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

/** workerData of a copy worker (copy/copyWorker.ts) */
export interface WorkerInit {
  root: string;
  /** st_dev of the root when the copy started: a different device means the drive was removed */
  rootDev: number;
  /** bytes per second, 0 = unlimited */
  maxRate: number;
  /** SIMD hashers of big files' blocks: 2 where the machine has two cores or more per drive (hash/hashRing.ts) */
  hashers: number;
  /**
   * Which file each copier is reading now, for the engine to see a read that stopped answering:
   * Int32Array [copy worker, second copier], the file's index + 1 (0: none).
   */
  reading: SharedArrayBuffer;
}

/**
 * workerData of a copy worker's second copier of small files (copy/smallCopyWorker.ts): it copies the
 * tasks the copy worker hands it, hashes them in a batch and answers on `port`.
 */
export interface SmallCopyInit {
  root: string;
  rootDev: number;
  /** its end of the channel to the copy worker (which reads its answers synchronously) */
  port: MessagePort;
  /** [0] 1 once the copy worker asks it to stop, [1] answers posted so far (the copy worker waits on it) */
  ctrl: SharedArrayBuffer;
  /** flush each file itself (fsync), where there is no syncfs to flush a batch */
  fsyncEach: boolean;
  /** WorkerInit.reading: this copier's place is [1] */
  reading: SharedArrayBuffer;
}
export type ToSmallCopier = { t: 'tasks'; tasks: CopyTask[] } | { t: 'stop' };
export type FromSmallCopier =
  /** copied to their place and hashed, not flushed (unless fsyncEach) */
  | { t: 'copied'; results: CopyResult[] }
  | { t: 'source-error'; id: number; code: string; message: string }
  /** the file grew to a block or more since the plan: the copy worker copies it as a big one */
  | { t: 'big'; id: number }
  /**
   * It copies no more: asked to (`asked`) or the drive stopped it. `returned`: the tasks it had and
   * did not answer, their copies removed (for `full`, the first is the file that did not fit).
   */
  | { t: 'stopped'; why: 'asked' | 'full' | 'removed' | 'failed'; code: string; message: string; returned: number[] };

/** workerData of a verify worker (verify/verifyWorker.ts) */
export interface VerifyInit {
  root: string;
  rootDev: number;
}

/** The one message a manifest worker waits for: write this drive's manifest and header (engine/manifestWorker.ts). */
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
  | { t: 'manifest-done'; manifestHash: string; blobs: number; manifestStamp: FileStamp }
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

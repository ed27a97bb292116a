// Runs of "verify the import" in main, like prep sessions: started from the report's screen, one at
// a time per job, progress pushed about 4 times a second (verifyImport.progress), cancelled on
// request or when main shuts down; the last status of each job stays to be shown again.
import { throttledProgress } from '../progress';
import { messageOf } from '../../../shared/errors';
import { randomBytes } from 'node:crypto';
import { HandlerError } from '../../../shared/ipc/contract';
import type { VerifyImportStatus } from '../../../shared/report/schemas';
import type { CoreEvents } from '../events';
import { knownKey, type ReportService } from '../report/reports';
import type { ConnectionSource } from '../service/connection';
import { openStorage, type BlobAccess } from './storage';
import { checkImport, type CheckItem } from './verify';

export interface VerifyImportRunsOptions {
  reports: ReportService;
  connections: ConnectionSource;
  events: CoreEvents;
  /** Replaces the storage account (tests). */
  storage?: (storageAccountId: string) => Promise<BlobAccess>;
  progressIntervalMs?: number;
  now?: () => Date;
}

export interface VerifyImportRuns {
  start(name: string, budgetBytes: number): Promise<VerifyImportStatus>;
  cancel(name: string): VerifyImportStatus;
  status(name: string): VerifyImportStatus | undefined;
  /** Resolves once the job's run has ended (tests, shutdown). */
  whenEnded(name: string): Promise<void>;
  dispose(): Promise<void>;
}

const IMPORTED = new Set(['imported', 'renamed', 'overwritten']);

export function createVerifyImportRuns(o: VerifyImportRunsOptions): VerifyImportRuns {
  const now = o.now ?? (() => new Date());
  const last = new Map<string, VerifyImportStatus>();
  const live = new Map<string, { abort: AbortController; ended: Promise<void> }>();
  const interval = o.progressIntervalMs ?? 250;
  const emit = (s: VerifyImportStatus) => o.events.emit('verifyImport.progress', snapshot(s));

  return {
    async start(name, budgetBytes) {
      const running = live.get(name);
      if (running) return snapshot(last.get(name)!);
      const built = await o.reports.built(name);
      const id = built.view.storageAccountId;
      if (!id)
        throw new HandlerError(
          'bad-job',
          `Job ${name} names no storage account, so there is nothing to check against.`,
        );
      const access = await storageFor(o, id);
      const items: CheckItem[] = built.rows
        .filter((r) => IMPORTED.has(r.outcome.kind))
        .map((row) => ({ row, known: built.known.get(knownKey(row.driveId, row.filePath)) }));
      const status = startingStatus(name, budgetBytes, items, built.rows.length - items.length, now());
      last.set(name, status);
      const abort = new AbortController();
      const progress = throttledProgress(status, interval, emit);
      const ended = checkImport(items, access, status, { signal: abort.signal, onChange: progress.changed })
        .then(
          () => {
            status.state = 'done';
          },
          (err: unknown) => {
            if (abort.signal.aborted) status.state = 'cancelled';
            else {
              status.state = 'failed';
              status.message = `The check stopped: ${messageOf(err).slice(0, 300)}. Start it again.`;
            }
          },
        )
        .finally(() => {
          progress.stop();
          status.endedAt = now().toISOString();
          live.delete(name);
          emit(status);
        });
      live.set(name, { abort, ended });
      emit(status);
      return snapshot(status);
    },
    cancel(name) {
      const s = last.get(name);
      if (!s) throw new HandlerError('not-found', `No check of job ${name} has run since Haul started.`);
      live.get(name)?.abort.abort();
      return snapshot(s);
    },
    status(name) {
      const s = last.get(name);
      return s ? snapshot(s) : undefined;
    },
    whenEnded(name) {
      return live.get(name)?.ended ?? Promise.resolve();
    },
    async dispose() {
      for (const r of live.values()) r.abort.abort();
      await Promise.all([...live.values()].map((r) => r.ended));
    },
  };
}

/** A copy of a run's status, safe to hand out while the run goes on changing it. */
function snapshot(s: VerifyImportStatus): VerifyImportStatus {
  return {
    ...s,
    total: { ...s.total },
    checked: { ...s.checked },
    lengthOnly: { ...s.lengthOnly },
    mismatches: [...s.mismatches],
  };
}

/** The storage account the job imported into, through the current connection (or the tests' stand-in). */
async function storageFor(o: VerifyImportRunsOptions, storageAccountId: string): Promise<BlobAccess> {
  if (o.storage) return o.storage(storageAccountId);
  const c = o.connections.current();
  if (!c)
    throw new HandlerError(
      'not-ready',
      'Haul is not connected to an Import/Export service, so it cannot reach the storage account. Try again in a moment.',
    );
  return openStorage(c, storageAccountId);
}

/** The status of a run that starts now: everything to check counted, nothing checked yet. */
function startingStatus(
  name: string,
  budgetBytes: number,
  items: CheckItem[],
  notChecked: number,
  at: Date,
): VerifyImportStatus {
  return {
    runId: `verify-${randomBytes(4).toString('hex')}`,
    name,
    state: 'running',
    startedAt: at.toISOString(),
    budgetBytes,
    total: { files: items.length, bytes: items.reduce((s, i) => s + i.row.length, 0) },
    checked: { files: 0, bytes: 0 },
    bytesRead: 0,
    byContentMd5: 0,
    byReadBack: 0,
    lengthOnly: { files: 0, bytes: 0 },
    matching: 0,
    mismatchCount: 0,
    mismatches: [],
    notChecked,
  };
}

// The data center at work on a job: copies an import drive into storage, or writes an export job's
// blobs onto drives, with the data-center library (service/datacenter), and feeds each outcome back
// to the job as life-cycle events (D5-D7, F1). The operators reach it through the routes of ops.ts.
import { messageOf } from '../shared/errors';
import { join } from 'node:path';
import type { DriveIssues, LifecycleEvent } from '../shared/lifecycle/types';
import { ArmHttpError, conflict } from './errors';
import type { JobService } from './jobs';
import type { StoredJob } from './store';
import type { AzuriteHandle, ImportDriveResult, TransferProgress } from './datacenter/types';
import { exportToDrives, importDrive, storageAccountName } from './datacenter';

export interface DataCenterContext {
  jobs: JobService;
  dataDir: string;
  /** The sandbox storage, when running. */
  azurite: AzuriteHandle | undefined;
  log: (line: string) => void;
  /** Minimum time between persisted progress updates during a copy. */
  progressIntervalMs?: number;
}

/** The job record's drive with this id, whatever its case (operators type ids by hand). */
export function jobDrive(job: StoredJob, driveId: string) {
  return job.lifecycle.drives.find((d) => d.driveId.toUpperCase() === driveId.toUpperCase());
}

/** The default place where an arrived drive can be read: `<dataDir>/drive-bay/<driveId>`. */
export function driveBayPath(dataDir: string, driveId: string): string {
  return join(dataDir, 'drive-bay', driveId);
}

function issuesOf(r: ImportDriveResult): DriveIssues {
  let errors = 0;
  let warnings = 0;
  let overwrites = 0;
  for (const b of r.blobs) {
    if (b.disposition?.status === 'Overwritten') overwrites++;
    else if (b.disposition?.status === 'Renamed' || b.disposition?.status === 'Skipped') warnings++;
    else if (b.status !== 'Completed') errors++;
  }
  if (r.outcome === 'CompletedMoreInfo' && errors + warnings + overwrites === 0) warnings = 1;
  return { errors, warnings, overwrites };
}

export class DataCenter {
  private readonly running = new Set<string>();
  private readonly copies = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  constructor(private readonly ctx: DataCenterContext) {}

  /** Whether a copy of this drive (or this export job, driveId 'export') is running now. */
  isRunning(rg: string, name: string, driveId: string): boolean {
    return this.running.has(`${rg.toLowerCase()}/${name.toLowerCase()}/${driveId}`);
  }

  /** Runs a copy, remembered so that stop() can wait for it. */
  private track<T>(p: Promise<T>): Promise<T> {
    this.copies.add(p);
    void p.finally(() => this.copies.delete(p)).catch(() => undefined);
    return p;
  }

  /** Stops running copies (each ends Faulted, F1, saying the service stopped) and waits for them. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('the service is stopping; start the drive again after the restart'));
    await Promise.allSettled([...this.copies]);
  }

  /**
   * Drives left in Transferring by a crash have no copy running any more: fault them (F1) so the
   * operators see it and start them again (F2, then start-drive).
   */
  async faultInterruptedCopies(): Promise<void> {
    for (const job of this.ctx.jobs.jobs()) {
      const stuck = job.lifecycle.drives.filter((d) => d.state === 'Transferring');
      if (!stuck.length) continue;
      try {
        await this.ctx.jobs.operate(
          job.resourceGroup,
          job.name,
          stuck.map(
            (d): LifecycleEvent => ({
              type: 'DriveFaulted',
              driveId: d.driveId,
              reason:
                'The service stopped while this drive was being copied; resolve the fault (back to Transferring) and start the drive again.',
            }),
          ),
        );
      } catch (e) {
        this.ctx.log(`job ${job.resourceGroup}/${job.name}: interrupted copy not recorded (${messageOf(e)})`);
      }
    }
  }

  private storage(): AzuriteHandle {
    if (!this.ctx.azurite)
      throw new ArmHttpError(
        409,
        'StorageUnavailable',
        'The sandbox storage (Azurite) is not running in this service (started with --no-storage); restart the service without that option to copy drives.',
      );
    return this.ctx.azurite;
  }

  /** Reports progress as BytesProgressed events, at most every progressIntervalMs (each one persisted). */
  private progress(
    rg: string,
    name: string,
    driveId: string,
  ): { onProgress: (p: TransferProgress) => void; settle: () => Promise<void> } {
    const every = this.ctx.progressIntervalMs ?? 500;
    let last = 0;
    let chain: Promise<unknown> = Promise.resolve();
    return {
      onProgress: (p) => {
        const t = Date.now();
        if (t - last < every) return;
        last = t;
        chain = chain
          .then(() =>
            this.ctx.jobs.operate(rg, name, [
              { type: 'BytesProgressed', driveId, bytesSucceeded: p.bytesSucceeded, bytesTotal: p.bytesTotal },
            ]),
          )
          .catch((e: unknown) => this.ctx.log(`progress of drive ${driveId} not recorded: ${messageOf(e)}`));
      },
      settle: async () => {
        await chain;
      },
    };
  }

  /**
   * Copies one import drive into storage: DriveProcessingStarted (D5), then the data-center
   * library reads and checks every block, then DriveFinished (D6/D7) or DriveFaulted (F1).
   * `lenient` (auto mode): a drive that cannot be read ends CompletedMoreInfo with its error log.
   */
  async startDrive(
    rg: string,
    name: string,
    driveIdIn: string,
    pathIn: string | undefined,
    lenient = false,
    wait = true,
  ): Promise<StoredJob> {
    const job = this.ctx.jobs.find(rg, name);
    if (job.lifecycle.type !== 'Import')
      throw conflict(
        'NotAnImportJob',
        `Job '${name}' is an export job: write its drives with the "export" action instead of "start-drive".`,
      );
    const drive = jobDrive(job, driveIdIn);
    if (!drive)
      throw new ArmHttpError(
        404,
        'UnknownDrive',
        `Drive '${driveIdIn}' is not part of job '${name}' (drives: ${job.lifecycle.drives.map((d) => d.driveId).join(', ')}).`,
        'driveId',
      );
    const driveId = drive.driveId;
    const runKey = `${rg.toLowerCase()}/${name.toLowerCase()}/${driveId}`;
    if (this.running.has(runKey))
      throw conflict(
        'DriveBusy',
        `Drive '${driveId}' of job '${name}' is already being copied; wait for it to finish.`,
      );
    this.storage(); // refuse early when there is no storage to copy into
    const extra = job.drives[driveId] ?? {};
    const drivePath = pathIn ?? extra.path ?? driveBayPath(this.ctx.dataDir, driveId);
    const account = storageAccountName(job.storageAccountId);
    this.running.add(runKey);
    let started: StoredJob;
    try {
      // D5 first: the life cycle refuses if the drive cannot start now (not received, job cancelled, ...).
      // A drive already Transferring with no copy running (an interrupted copy resolved by F2) is copied again.
      const again = drive.state === 'Transferring';
      started = await this.ctx.jobs.operate(
        rg,
        name,
        again ? [] : [{ type: 'DriveProcessingStarted', driveId }],
        (j) => {
          if (pathIn) (j.drives[driveId] ??= {}).path = pathIn;
        },
      );
    } catch (e) {
      this.running.delete(runKey);
      throw e;
    }
    const work = this.track(
      this.copyDrive(rg, name, driveId, drivePath, account, job, extra.manifestHash, lenient, runKey),
    );
    if (wait) return work;
    work.catch((e: unknown) => this.ctx.log(`job ${rg}/${name} drive ${driveId}: ${messageOf(e)}`));
    return started;
  }

  private async copyDrive(
    rg: string,
    name: string,
    driveId: string,
    drivePath: string,
    account: string,
    job: StoredJob,
    manifestHash: string | undefined,
    lenient: boolean,
    runKey: string,
  ): Promise<StoredJob> {
    const azurite = this.storage();
    const progress = this.progress(rg, name, driveId);
    let result: ImportDriveResult;
    try {
      await azurite.ensureAccounts([account]);
      result = await importDrive({
        azurite,
        drivePath,
        storageAccount: account,
        job: `${rg.toLowerCase()}/${name.toLowerCase()}`,
        expectedDriveId: driveId,
        ...(manifestHash ? { expectedManifestHash: manifestHash } : {}),
        diagnosticsPath: job.diagnosticsPath,
        logLevel: job.lifecycle.logLevel,
        backupDriveManifest: job.backupDriveManifest,
        onProgress: progress.onProgress,
        signal: this.abort.signal,
        now: () => this.ctx.jobs.now(),
      });
    } catch (e) {
      await progress.settle();
      this.running.delete(runKey);
      const reason = `The copy of drive ${driveId} stopped: ${messageOf(e)}`;
      this.ctx.log(`job ${rg}/${name}: ${reason}`);
      return this.ctx.jobs.operate(rg, name, [{ type: 'DriveFaulted', driveId, reason }]);
    }
    await progress.settle();
    this.running.delete(runKey);
    const annotate = (j: StoredJob) => {
      const x = (j.drives[driveId] ??= {});
      if (result.manifestFile && x.manifestFile === undefined) x.manifestFile = result.manifestFile;
      if (result.manifestHash && x.manifestHash === undefined) x.manifestHash = result.manifestHash;
      if (result.driveHeaderHash && !x.driveHeaderHash) x.driveHeaderHash = result.driveHeaderHash;
      if (result.manifestUri) x.manifestUri = result.manifestUri;
    };
    const finished: LifecycleEvent = {
      type: 'DriveFinished',
      driveId,
      issues: result.outcome === 'Faulted' ? { errors: 1, warnings: 0, overwrites: 0 } : issuesOf(result),
      bytesSucceeded: result.bytesSucceeded,
      copyStatus: result.outcome === 'Faulted' ? (result.reason ?? result.copyStatus) : result.copyStatus,
      ...(result.errorLogUri ? { errorLogUri: result.errorLogUri } : {}),
      ...(result.verboseLogUri ? { verboseLogUri: result.verboseLogUri } : {}),
    };
    this.ctx.log(
      `job ${rg}/${name} drive ${driveId}: ${result.outcome} — ${result.copyStatus}${result.reason ? ` (${result.reason})` : ''}`,
    );
    if (result.outcome === 'Faulted' && !lenient) {
      return this.ctx.jobs.operate(
        rg,
        name,
        [{ type: 'DriveFaulted', driveId, reason: result.reason ?? result.copyStatus }],
        annotate,
      );
    }
    return this.ctx.jobs.operate(
      rg,
      name,
      [
        { type: 'BytesProgressed', driveId, bytesSucceeded: result.bytesSucceeded, bytesTotal: result.bytesTotal },
        finished,
      ],
      annotate,
    );
  }

  /** Writes an export job's blobs onto folders (one per drive), then records each drive as copied. */
  async exportJob(
    rg: string,
    name: string,
    targets: { path: string; driveId?: string; capacityBytes?: number }[],
    wait = true,
  ): Promise<StoredJob> {
    const job = this.ctx.jobs.find(rg, name);
    if (job.lifecycle.type !== 'Export')
      throw conflict(
        'NotAnExportJob',
        `Job '${name}' is an import job: copy its drives with "start-drive" instead of "export".`,
      );
    const azurite = this.storage();
    const available = job.lifecycle.drives.filter((d) => !d.extra && d.state === 'Received');
    const used = new Set<string>();
    const planned = targets.map((t, i) => {
      const d = t.driveId ? jobDrive(job, t.driveId) : available.filter((x) => !used.has(x.driveId))[0];
      if (!d) {
        throw conflict(
          'NoDriveForTarget',
          t.driveId
            ? `Drive '${t.driveId}' is not part of export job '${name}'; record it with "package-arrived" first.`
            : `Export target #${i + 1} (${t.path}) has no received drive left to stand for: record the blank drives with "package-arrived" first, or name --drive-id.`,
        );
      }
      used.add(d.driveId);
      return { ...t, driveId: d.driveId };
    });
    const account = storageAccountName(job.storageAccountId);
    const key = `${rg.toLowerCase()}/${name.toLowerCase()}/export`;
    if (this.running.has(key))
      throw conflict('JobBusy', `Export job '${name}' is already being written; wait for it to finish.`);
    this.running.add(key);
    let started: StoredJob;
    try {
      started = await this.ctx.jobs.operate(
        rg,
        name,
        planned.map((t) => ({ type: 'DriveProcessingStarted', driveId: t.driveId })),
      );
    } catch (e) {
      this.running.delete(key);
      throw e;
    }
    const work = this.track(this.writeExport(rg, name, job, planned, account, azurite, key));
    if (wait) return work;
    work.catch((e: unknown) => this.ctx.log(`export job ${rg}/${name}: ${messageOf(e)}`));
    return started;
  }

  private async writeExport(
    rg: string,
    name: string,
    job: StoredJob,
    planned: { path: string; driveId: string; capacityBytes?: number }[],
    account: string,
    azurite: AzuriteHandle,
    key: string,
  ): Promise<StoredJob> {
    try {
      await azurite.ensureAccounts([account]);
      const r = await exportToDrives({
        azurite,
        storageAccount: account,
        jobName: name,
        ...(job.export?.blobList ? { blobList: job.export.blobList } : {}),
        ...(job.export?.blobListBlobPath ? { blobListBlobPath: job.export.blobListBlobPath } : {}),
        targets: planned.map((t) => ({
          path: t.path,
          driveId: t.driveId,
          ...(t.capacityBytes ? { capacityBytes: t.capacityBytes } : {}),
        })),
        diagnosticsPath: job.diagnosticsPath,
        logLevel: job.lifecycle.logLevel,
        signal: this.abort.signal,
        now: () => this.ctx.jobs.now(),
      });
      const events: LifecycleEvent[] = planned.map((t) => {
        const d = r.drives.find((x) => x.driveId === t.driveId);
        return {
          type: 'DriveFinished',
          driveId: t.driveId,
          issues: { errors: 0, warnings: r.incompleteBlobs.length > 0 ? 1 : 0, overwrites: 0 },
          bytesSucceeded: d?.bytes ?? 0,
          copyStatus: d?.copyStatus ?? 'No blobs were written to this drive.',
          ...(d?.errorLogUri ? { errorLogUri: d.errorLogUri } : {}),
          ...(d?.verboseLogUri ? { verboseLogUri: d.verboseLogUri } : {}),
        };
      });
      this.ctx.log(
        `export job ${rg}/${name}: ${r.drives.length} drive(s) written, ${r.incompleteBlobs.length} blob(s) did not fit`,
      );
      return await this.ctx.jobs.operate(
        rg,
        name,
        [
          ...planned.map(
            (t): LifecycleEvent => ({
              type: 'BytesProgressed',
              driveId: t.driveId,
              bytesSucceeded: r.drives.find((x) => x.driveId === t.driveId)?.bytes ?? 0,
              bytesTotal: r.drives.find((x) => x.driveId === t.driveId)?.bytes ?? 0,
            }),
          ),
          ...events,
        ],
        (j) => {
          for (const d of r.drives) {
            const x = (j.drives[d.driveId] ??= {});
            Object.assign(x, {
              manifestFile: d.manifestFile,
              manifestHash: d.manifestHash,
              driveHeaderHash: d.driveHeaderHash,
              bitLockerKey: d.bitLockerKey,
              path: d.path,
            });
          }
          if (r.incompleteBlobListUri) j.incompleteBlobListUri = r.incompleteBlobListUri;
        },
      );
    } catch (e) {
      if (e instanceof ArmHttpError) throw e;
      const reason = `Writing export job ${name} failed: ${messageOf(e)}`;
      this.ctx.log(reason);
      return this.ctx.jobs.operate(
        rg,
        name,
        planned.map((t): LifecycleEvent => ({ type: 'DriveFaulted', driveId: t.driveId, reason })),
      );
    } finally {
      this.running.delete(key);
    }
  }
}

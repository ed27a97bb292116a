// A drive-preparation session: the one object the CLI (`haul prep`) and the app (the manager in
// app/manager.ts) both drive. `plan` scans, checks and plans without writing; `start` copies (one
// worker per drive), writes the manifests and verifies; `cancel` stops cleanly; `resume` runs
// again on the same journal, skipping what is done; `verify` re-reads the drives. Everything it
// reports goes out as PrepEvents (shared/prep/types.ts) and a typed result; it never prints.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, rmSync, statfsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { DatasetEntry } from '../../../../shared/formats/dataset';
import { MANIFEST_FILE } from '../../../../shared/formats/driveManifest';
import { formatBytes, sessionIdProblem } from '../../../../shared/prep/names';
import type {
  PrepPlanResult,
  PrepSessionResult,
  PreparedDrive,
  TargetNote,
  TargetProblem,
  VerifyReport,
} from '../../../../shared/prep/session';
import type { AbsentDrive, PlanSummary, PrepEvent } from '../../../../shared/prep/types';
import type { DriveLister } from '../../drives/list';
import type { TargetInfo } from '../../drives/target';
import { readHeader, readManifest } from '../drive-format/driveFiles';
import { releaseDrive } from '../../drives/release';
import type { FileTable } from '../plan/fileTable';
import { fileKey, Journal } from '../journal/journal';
import { processKeepAwake, type KeepAwake, type KeepAwakePort } from './keepAwake';
import { JournalBusy, lockDrive, lockJournal } from '../journal/lock';
import { IN_THREAD_RECORDS, ManifestWorkers, writeHeaders, writeManifests } from './manifests';
import { makePlanInTurns } from '../plan/plan';
import { SpeedWindow } from './progress';
import { TMP_DIR } from '../threads/protocol';
import { findDone, reclaim, reclaimableBytes, removeUnlisted, type DoneSoFar } from './resume';
import { RunHold } from './runHold';
import { scanDataset } from '../plan/scan';
import { DriveScheduler, startCopyWorker, type DriveRun, type StartedWorker } from './schedule';
import { checkTargets, describeTarget, resolveTargets, type PrepTarget } from '../plan/targets';
import { verifyItems, verifyTarget } from '../verify/verify';
import { planVerify, runVerify, verifyBytes } from './verifyRun';
import { workerFile } from '../threads/workerBoot';
import { HaulError, messageOf } from '../../../../shared/errors';
import { readStamp, sameStamp, type FileStamp } from '../../../../shared/node/atomicWrite';

export type { PrepTarget };

/** A session that cannot be set up as given (a bad session id …); nothing was written. */
export class PrepError extends HaulError {
  constructor(message: string) {
    super('refused', message);
    this.name = 'PrepError';
  }
}

export interface SessionConfig {
  /** the journal file on this machine (never on a target) */
  journal: string;
  /** the session id: names a folder on each drive */
  session: string;
  /** the import job's name for the drive headers; default: the journal's file name */
  jobName?: string;
  entries: DatasetEntry[];
  targets: PrepTarget[];
  /** sources the person left out */
  exclude?: string[];
  /** leave out files with pre-flight problems instead of refusing */
  skipProblems?: boolean;
  /**
   * after the copy, read back the manifests and the blocks this run wrote (and any file no verify
   * read since it was written); 'full': every block on the drives
   */
  verify?: boolean | 'full';
  /** bytes per second per drive, 0 = no limit */
  maxRate?: number;
  /** drive size for "N more drives needed" */
  driveSize?: number;
  /** default: systemd-inhibit / caffeinate; false: do nothing about sleep (tests, benchmarks) */
  keepAwake?: KeepAwakePort | false;
  /** where the worker files are, when not next to this module (an Electron bundle) */
  workerDir?: URL;
  /** generated driveIds by folder, kept between plan and start */
  knownIds?: Map<string, string>;
  /** every target may be a folder that is not a drive of its own (CLI --allow-folder); else per target */
  allowFolders?: boolean;
  /** the job goes to Azure: pre-flight notes drives its data center cannot read (not NTFS, no BitLocker) */
  forAzure?: boolean;
  /** the drive list targets are classified against (tests); default: the one `haul drives` shows */
  listDrives?: DriveLister;
  /**
   * Write each drive's BitLocker key into its DriveInfo file next to the journal, as WAImportExport
   * does (default: the CLI). false: the app, which keeps keys encrypted and makes the customer's
   * DriveInfo file on demand; the file next to the journal then carries no key.
   */
  driveInfoKeys?: boolean;
}

type Listener = (e: PrepEvent) => void;

/** What planning found, kept for the copy that follows. */
interface Planned {
  result: PrepPlanResult;
  infos: TargetInfo[];
  table: FileTable;
  done: DoneSoFar;
}

const TICK_MS = 200;

export class PrepSession {
  readonly journalPath: string;
  readonly jobName: string;
  private readonly listeners = new Set<Listener>();
  /** generated driveIds by folder: what plan showed is what start writes */
  private readonly knownIds: Map<string, string>;
  private controller?: AbortController;
  private runningRun?: Promise<PrepSessionResult>;

  constructor(readonly config: SessionConfig) {
    this.journalPath = resolve(config.journal);
    this.jobName = config.jobName ?? (this.journalPath.split(sep).pop() ?? 'job').replace(/\.[^.]*$/, '');
    this.knownIds = config.knownIds ?? new Map();
    const sessionProblem = sessionIdProblem(config.session);
    if (sessionProblem) throw new PrepError(`${sessionProblem.replace(/^t/, 'T')}. Choose another, such as "s1".`);
  }

  get sessionId(): string {
    return this.config.session;
  }
  get running(): boolean {
    return this.runningRun !== undefined;
  }

  /** Listens to every event of this session; returns the unsubscribe. */
  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: PrepEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Scans, checks and plans; writes nothing. Emits `preflight` (when problems) and `plan` (when it got that far). */
  async plan(): Promise<PrepPlanResult> {
    const journal = existsSync(this.journalPath) ? Journal.read(this.journalPath) : undefined;
    return (await this.planWith(journal, false)).result;
  }

  private async planWith(
    journal: Journal | undefined,
    forCopy: boolean,
    emit: Listener = (e) => this.emit(e),
    /** called with the targets once they check out, before the scan (the copy starts its workers) */
    onTargets?: (infos: TargetInfo[]) => void | Promise<void>,
  ): Promise<Planned> {
    const c = this.config;
    if (journal?.damage)
      emit({ type: 'file-error', source: this.journalPath, code: 'EJOURNAL', message: journal.damage.message });
    const {
      infos,
      problems: resolveProblems,
      notes: targetNotes,
    } = await resolveTargets(c.targets, {
      ...(journal ? { journal } : {}),
      knownIds: this.knownIds,
      sources: c.entries.map((e) => e.basePath),
      allowFolders: c.allowFolders === true,
      forAzure: c.forAzure === true,
      ...(c.listDrives ? { lister: c.listDrives } : {}),
    });
    const targetProblems: TargetProblem[] = [
      ...resolveProblems,
      // a drive this journal wrote for this session is this session's, whatever job name its header holds
      ...checkTargets(infos, c.entries, this.journalPath, this.jobName, ownDrives(journal, c.session)),
    ];
    if (forCopy && c.targets.length === 0)
      targetProblems.push({
        code: 'none',
        target: '',
        message: 'No drive was given to copy onto.',
        fix: 'Add a drive (its mount path, or a folder on a mounted volume).',
      });
    if (targetProblems.length === 0) await onTargets?.(infos);
    const scan = await scanDataset(c.entries, {
      sessionId: c.session,
      targets: infos,
      exclude: c.exclude ?? [],
      // a file already on a drive (unchanged since) is not copied: it need not fit in what is left
      ...(journal
        ? {
            onDrive: (blob: string, src: string, size: number, mtime: number) => {
              const r = journal.files.get(fileKey(c.session, blob));
              return !!r && r.src === src && r.size === size && r.mtime === mtime;
            },
          }
        : {}),
    });
    const blockingProblems = scan.problemCount > 0 && !c.skipProblems;
    if (scan.problemCount) emit({ type: 'preflight', problems: scan.problems });
    const done: DoneSoFar = journal
      ? findDone(scan.table, journal, c.session, infos)
      : {
          preferred: new Map(),
          doneFiles: 0,
          doneBytes: 0,
          staleRecords: [],
          removedRecords: [],
          kept: new Map(),
          replaced: [],
          absent: [],
        };
    // Said before anything is written: the same blob name from another source replaces what the
    // session copied before (another source mapping to a blob this session already holds).
    if (done.replaced.length) targetNotes.push(replacesNote(done.replaced, c.session));
    const { plan, unused } = await this.planDrives(scan.table, infos, journal, done);
    const refused = targetProblems.length > 0 || blockingProblems;
    if (!refused) emit({ type: 'plan', plan, ...(targetNotes.length ? { targetNotes } : {}) });
    const ready = !refused && plan.fits && infos.length > 0;
    const message = planMessage({
      targetProblems,
      blockingProblems,
      problemCount: scan.problemCount,
      infos,
      plan,
      unused,
      done,
    });
    const result: PrepPlanResult = {
      ready,
      problems: scan.problems,
      problemCount: scan.problemCount,
      targetProblems,
      targetNotes,
      targets: infos.map(describeTarget),
      plan,
      message,
    };
    return { result, infos, table: scan.table, done };
  }

  /** Which file goes on which drive, with the space the copy will find on each, and the drives that get none. */
  private async planDrives(
    table: FileTable,
    infos: TargetInfo[],
    journal: Journal | undefined,
    done: DoneSoFar,
  ): Promise<{ plan: PlanSummary; unused: PlanSummary['drives'] }> {
    const c = this.config;
    // free space as the copy will find it: old copies of changed files, copies of files the job no
    // longer holds, and partial temporaries go first
    const reclaimable = reclaimableBytes(infos, [...done.staleRecords, ...done.removedRecords]);
    const allocUnits: number[] = [];
    for (const [k, t] of infos.entries()) {
      const fs = statfsSync(t.path);
      t.free = Math.min(t.capacity, fs.bavail * fs.bsize + reclaimable[k]!);
      allocUnits[k] = fs.bsize;
    }
    const plan: PlanSummary = await makePlanInTurns({
      table,
      drives: infos.map((t, k) => ({
        driveId: t.driveId,
        target: t.path,
        capacity: t.capacity,
        free: t.free,
        allocUnit: allocUnits[k],
      })),
      preferred: done.preferred,
      alreadyDoneFiles: done.doneFiles,
      alreadyDoneBytes: done.doneBytes,
      ...(c.driveSize ? { driveSize: c.driveSize } : {}),
    });
    const unused = standbyDrives(plan, infos, journal, done, c.session);
    for (const d of unused) d.unused = true;
    if (done.absent.length) plan.absentDrives = done.absent;
    for (const d of plan.drives) {
      const kept = done.kept.get(d.driveId);
      if (kept) {
        d.keptFiles = kept.files;
        d.keptBytes = kept.bytes;
      }
    }
    if (done.removedRecords.length) {
      plan.removedFiles = done.removedRecords.length;
      plan.removedBytes = done.removedRecords.reduce((n, r) => n + r.size, 0);
    }
    return { plan, unused };
  }

  /** Copies, writes the manifests and (when asked) verifies. Resolves once it ended, however it ended. */
  start(): Promise<PrepSessionResult> {
    if (this.runningRun) throw new PrepError('This preparation is already running.');
    const controller = new AbortController();
    this.controller = controller;
    const run = this.copy(controller.signal).finally(() => {
      this.runningRun = undefined;
    });
    this.runningRun = run;
    return run;
  }

  /** Stops the copy cleanly: files in flight finish or are dropped, finished files stay journaled, manifests are written. */
  cancel(): void {
    this.controller?.abort();
  }

  /** Continues after a stop, a crash or a removed drive: the same journal, files already done are skipped. */
  resume(): Promise<PrepSessionResult> {
    return this.start();
  }

  /** The running copy, if any (the manager waits for it on shutdown). */
  get whenDone(): Promise<PrepSessionResult> | undefined {
    return this.runningRun;
  }

  private async copy(signal: AbortSignal): Promise<PrepSessionResult> {
    const hold = new RunHold();
    try {
      return await this.copyHeld(
        signal,
        hold,
        hold.gate((e: PrepEvent) => this.emit(e)),
      );
    } finally {
      await hold.release();
    }
  }

  /**
   * The run itself. Whatever it takes (lock, journal, keep-awake, workers, timers) goes into
   * `hold`, which `copy` releases however this ends; it emits only through `emit`, which is shut
   * before the result is handed back.
   */
  private async copyHeld(signal: AbortSignal, hold: RunHold, emit: Listener): Promise<PrepSessionResult> {
    const c = this.config;
    const { journal, copyWorker, started, takenOver, planned } = await this.lockAndPlan(hold, emit);
    const { result: planResult, infos, table, done } = planned;
    if (planResult.targetProblems.length || (planResult.problemCount && !c.skipProblems))
      return refusedResult(planResult, done, 'refused');
    if (!planResult.plan?.fits) return refusedResult(planResult, done, 'does-not-fit');
    const plan = planResult.plan;
    // A drive the plan gives no file (and that holds nothing of this journal) gets no header: it
    // stands by for files a full drive hands over, and is left as it was when none come.
    const standby = new Set(plan.drives.filter((d) => d.unused).map((d) => d.target));
    await this.readyJournal(infos, done, journal, hold, emit);

    const manifestWorkers = new ManifestWorkers(workerFile('manifestWorker', c.workerDir));
    hold.hold(() => manifestWorkers.terminate());
    const sch = this.scheduler({ table, journal, infos, copyWorker, started, signal, emit });
    hold.hold(() => sch.terminate());
    const progress = new RunProgress(sch);
    const standing = (r: DriveRun) => standby.has(r.info.path);
    await writeHeaders(
      manifestWorkers,
      sch.runs.filter((r) => !standing(r)),
      journal,
      this.jobName,
      c.session,
    );
    // a drive given many files needs a manifest worker at the end: it starts while the copy runs
    if (plan.drives.some((d) => d.plannedFiles > IN_THREAD_RECORDS)) manifestWorkers.prestart();
    const stopTicker = hold.every(() => emit(progress.event()), TICK_MS);
    await sch.run();
    // the drives' last flush runs while the manifests are built; each is written once it is done
    const flushed = sch.flushBehind();
    stopTicker();
    emit(progress.event()); // the copy's final figures, also when it took less than one tick
    dropRefused(journal, infos, sch, c.session, emit);
    const idle = await this.headStandby(sch, standing, journal, manifestWorkers);
    const { notLeft, notUsed } = leaveDrives(idle, plan);
    await removeTemporaries(sch.runs);

    const { drives, stamps } = await writeManifests(
      manifestWorkers,
      sch.runs,
      journal,
      this.jobName,
      c.session,
      sch.failed,
      flushed,
    );
    await flushed; // also where no manifest was written
    announceDrives(drives, sch.runs, emit);
    const verified =
      c.verify && !sch.stopped ? await this.verifyCopy(drives, sch, journal, progress, hold, emit) : NOT_VERIFIED;
    emit(progress.event());
    const notOnDrive = await dropChangedManifests(drives, takenOver, stamps);
    const { ok, stopped, counts, message } = copyOutcome({
      sch,
      done,
      verify: c.verify,
      verified,
      notOnDrive,
      notLeft,
      notUsed,
    });
    emit({ type: 'done', ok, ...counts, ...(stopped ? { stopped: true } : {}), message });
    return {
      ok,
      outcome: stopped ? 'stopped' : ok ? 'done' : 'incomplete',
      ...counts,
      drives,
      problems: planResult.problems,
      targetProblems: [],
      ...(planResult.plan ? { plan: planResult.plan } : {}),
      message,
    };
  }

  /** The scheduler of the copy: one DriveRun per drive, its copy worker started ahead where it was. */
  private scheduler(o: {
    table: FileTable;
    journal: Journal;
    infos: TargetInfo[];
    copyWorker: URL;
    started: (StartedWorker | undefined)[];
    signal: AbortSignal;
    emit: Listener;
  }): DriveScheduler {
    const c = this.config;
    const { table, journal, infos, copyWorker, started, signal, emit } = o;
    // every target resolved (or the copy was refused above), so infos[k] is targets[k]
    const bitLockerKeys = c.targets.map((t) => (c.driveInfoKeys === false ? '' : (t.bitLockerKey ?? '')));
    return new DriveScheduler({
      table,
      entries: c.entries,
      session: c.session,
      journal,
      infos,
      bitLockerKeys,
      copyWorker,
      started,
      maxRate: c.maxRate ?? 0,
      signal,
      emit,
    });
  }

  /**
   * Locks the journal and opens it, then plans: the copy workers boot while the dataset is scanned,
   * and each drive is locked for the whole run once it checks out.
   */
  private async lockAndPlan(hold: RunHold, emit: Listener) {
    const c = this.config;
    mkdirSync(resolve(this.journalPath, '..'), { recursive: true });
    hold.hold(await lockJournal(this.journalPath));
    const journal = Journal.open(this.journalPath);
    hold.hold(() => journal.close());
    // the copy workers boot while the dataset is scanned; a refused plan ends them with the run
    const copyWorker = workerFile('copyWorker', c.workerDir);
    const started: (StartedWorker | undefined)[] = [];
    hold.hold(() => {
      for (const s of started) void s?.worker.terminate();
    });
    // One run per drive, for the whole run: another run writing the same drive would leave it a
    // manifest that neither reported. A lock lost on the way (taken over) stops this run.
    const takenOver = new Set<string>();
    const planned = await this.planWith(journal, true, emit, async (infos) => {
      for (const info of infos) {
        const lost = () => {
          if (takenOver.has(info.path)) return;
          takenOver.add(info.path);
          emit({
            type: 'file-error',
            source: info.path,
            driveId: info.driveId,
            code: 'EBUSY',
            message: `Another preparation took over the drive ${info.path}; this run stops and reports nothing for it. Run haul verify on it once the other run ended.`,
          });
          this.cancel();
        };
        hold.hold(
          await lockDrive(info.path, { session: c.session, jobName: this.jobName, journal: this.journalPath }, lost),
        );
      }
      for (const [k, info] of infos.entries()) {
        try {
          started[k] = startCopyWorker(copyWorker, info, c.maxRate ?? 0, infos.length);
        } catch {
          /* the target went away: the scheduler finds out and says so */
        }
      }
    });
    return { journal, copyWorker, started, takenOver, planned };
  }

  /** Before the copy: what left the job goes from the drives, the session is journaled, the machine kept awake. */
  private async readyJournal(
    infos: TargetInfo[],
    done: DoneSoFar,
    journal: Journal,
    hold: RunHold,
    emit: Listener,
  ): Promise<void> {
    const c = this.config;
    reclaim(infos, [...done.staleRecords, ...done.removedRecords], journal);
    await removeUnlisted(infos, journal, c.session);
    if (!journal.sessions.has(c.session))
      journal.append([{ t: 'session', s: c.session, job: this.jobName, at: Date.now() }]);
    if (c.keepAwake !== false) {
      // Asked for, not waited for: systemd-inhibit is known to hold only once it has run a moment
      // (300 ms), and the copy need not wait for that. Its answer is told when it comes; the run's
      // end releases it, once it has answered.
      const awake: Promise<KeepAwake> = (c.keepAwake ?? processKeepAwake).acquire(
        `Haul is copying data onto drives for job ${this.jobName}`,
      );
      hold.hold(async () => (await awake).release());
      void awake.then((a) => emit({ type: 'keep-awake', active: a.active, message: a.message }));
    }
  }

  /** A standby drive that took files over gets its header now (the manifest follows); the others stayed idle. */
  private async headStandby(
    sch: DriveScheduler,
    standing: (r: DriveRun) => boolean,
    journal: Journal,
    manifestWorkers: ManifestWorkers,
  ): Promise<DriveRun[]> {
    const tookOver = sch.runs.filter(
      (r) => standing(r) && r.state !== 'removed' && journal.filesOnDrive(r.info.driveId).length > 0,
    );
    if (tookOver.length) await writeHeaders(manifestWorkers, tookOver, journal, this.jobName, this.config.session);
    return sch.runs.filter((r) => standing(r) && !tookOver.includes(r));
  }

  /** The verify at the end of a copy: the manifests and the blocks written since each drive's last verify. */
  private async verifyCopy(
    drives: PreparedDrive[],
    sch: DriveScheduler,
    journal: Journal,
    progress: RunProgress,
    hold: RunHold,
    emit: Listener,
  ): Promise<VerifyCounts> {
    const c = this.config;
    progress.phase = 'verify';
    const stopVerifyTicker = hold.every(() => emit(progress.event()), TICK_MS);
    const planned = planVerify(
      drives.map((prepared) => {
        const r = sch.runs.find((x) => x.info.driveId === prepared.driveId)!;
        const before = r.state;
        return {
          root: r.info.path,
          prepared,
          setBusy: (busy: boolean) => {
            r.state = busy ? 'verifying' : before;
          },
        };
      }),
      journal,
      c.verify === 'full',
    );
    progress.verifyTotal = verifyBytes(planned);
    const now = planned.reduce((n, p) => n + p.items.length, 0);
    const before = planned.reduce((n, p) => n + p.earlier.files, 0);
    progress.speed.add(Date.now(), 0);
    try {
      const v = await runVerify(planned, journal, {
        workerUrl: workerFile('verifyWorker', c.workerDir),
        onBytes: (n) => {
          progress.verifyDone += n;
        },
        emit,
      });
      return { ok: v.ok, failedOurs: v.failedOurs, failedOthers: v.failedOthers, now, before };
    } finally {
      stopVerifyTicker();
    }
  }

  /** Re-reads this session's drives against their own manifests. */
  verify(): Promise<VerifyReport[]> {
    return verifyDrives(
      this.config.targets.map((t) => t.path),
      (e) => this.emit(e),
      this.config.workerDir,
      existsSync(this.journalPath) ? this.journalPath : undefined,
    );
  }
}

/** The progress event of a run, copy then verify: bytes, files, speed and time left. */
class RunProgress {
  phase: 'copy' | 'verify' = 'copy';
  verifyDone = 0;
  verifyTotal = 0;
  readonly speed = new SpeedWindow();

  constructor(private readonly sch: DriveScheduler) {}

  event(): PrepEvent {
    const { sch } = this;
    const doneBytes = this.phase === 'copy' ? sch.bytesDone() : this.verifyDone;
    const total = this.phase === 'copy' ? sch.totalBytes : this.verifyTotal;
    this.speed.add(Date.now(), doneBytes);
    const drives = sch.driveProgress();
    const e: PrepEvent = {
      type: 'progress',
      phase: this.phase,
      bytesDone: doneBytes,
      bytesTotal: total,
      filesDone: sch.filesCopied,
      filesTotal: sch.totalFiles,
      speed: Math.round(this.speed.speed()),
      drives,
    };
    const eta = this.speed.eta(total - doneBytes);
    if (eta !== undefined) e.etaSeconds = Math.round(eta);
    const current = drives.find((d) => d.currentFile)?.currentFile;
    if (current) e.currentFile = current;
    return e;
  }
}

/** What the verify after a copy found: files of this journal whose copy failed (copied again next run), others', files read back now and verified before. */
interface VerifyCounts {
  ok: boolean;
  failedOurs: number;
  failedOthers: number;
  now: number;
  before: number;
}

const NOT_VERIFIED: VerifyCounts = { ok: true, failedOurs: 0, failedOthers: 0, now: 0, before: 0 };

/** A copy refused before a byte was written: the plan's problems and nothing copied. */
function refusedResult(
  planResult: PrepPlanResult,
  done: DoneSoFar,
  outcome: PrepSessionResult['outcome'],
): PrepSessionResult {
  return {
    ok: false,
    outcome,
    filesCopied: 0,
    bytesCopied: 0,
    filesSkipped: done.doneFiles,
    failed: [],
    notPlaced: 0,
    drives: [],
    problems: planResult.problems,
    targetProblems: planResult.targetProblems,
    ...(planResult.plan ? { plan: planResult.plan } : {}),
    message: planResult.message,
  };
}

/** A drive-done event per drive whose manifest was written. */
function announceDrives(drives: PreparedDrive[], runs: DriveRun[], emit: Listener): void {
  for (const d of drives) {
    const r = runs.find((x) => x.info.driveId === d.driveId)!;
    emit({
      type: 'drive-done',
      driveId: d.driveId,
      target: d.target,
      files: r.filesDone,
      bytes: r.bytesDone,
      manifestHash: d.manifestHash,
    });
  }
}

/** A file whose record the journal refused (a name the manifest cannot carry) is not on the job: its copy goes. */
function dropRefused(
  journal: Journal,
  infos: TargetInfo[],
  sch: DriveScheduler,
  session: string,
  emit: Listener,
): void {
  for (const { record: r, message } of journal.refused) {
    if (r.t !== 'file') continue;
    const root = infos.find((t) => t.driveId === r.drive)?.path;
    const copy = root ? resolve(root, r.path) : undefined;
    if (root && copy?.startsWith(resolve(root, session) + sep)) rmSync(copy, { force: true });
    sch.failed.push({ source: r.src, code: 'EJOURNAL', message });
    emit({ type: 'file-error', source: r.src, driveId: r.drive, code: 'EJOURNAL', message });
  }
}

/**
 * An idle standby drive whose files all left the job leaves it (Haul's header, manifest and session
 * folder go); the others are left as they were. `notUsed`: both, in words for the done message.
 */
function leaveDrives(idle: DriveRun[], plan: PlanSummary): { notLeft: string[]; notUsed: string } {
  const leaving = new Set(plan.drives.filter((d) => d.leaves).map((d) => d.target));
  const left: string[] = [];
  const notLeft: string[] = [];
  for (const r of idle.filter((x) => leaving.has(x.info.path) && x.state !== 'removed')) {
    try {
      releaseDrive(r.info.path, readHeader(r.info.path)?.jobName ?? '');
      left.push(`${r.info.driveId} (${r.info.path})`);
    } catch (e) {
      notLeft.push(
        `${r.info.driveId} holds no file of the job any more, but Haul's header and manifest could not be removed from ${r.info.path} (${messageOf(e)}); release it from the Drives screen`,
      );
    }
  }
  const unused = idle.filter((r) => !leaving.has(r.info.path)).map((r) => r.info.path);
  const notUsed = `${
    unused.length ? ` Not used, left as ${unused.length === 1 ? 'it was' : 'they were'}: ${unused.join(', ')}.` : ''
  }${left.length ? ` No longer one of the job's drives (Haul's header and manifest removed, other files kept): ${left.join(', ')}.` : ''}`;
  return { notLeft, notUsed };
}

/** Partial temporaries of files handed to another drive (or of a stopped worker) go. */
async function removeTemporaries(runs: DriveRun[]): Promise<void> {
  for (const r of runs)
    if (r.state !== 'removed') {
      try {
        // off the event loop: the drive's last flush holds its metadata a while
        await rm(join(r.info.path, TMP_DIR), { recursive: true, force: true });
      } catch {
        /* the drive is failing: reported already */
      }
    }
}

/**
 * What is reported is what the drive holds: a drive whose manifest changed under this run (or that
 * another run took over) is taken out of `drives`, its DriveInfo file removed; returns their targets.
 * A manifest with the stamp it was written with (`stamps`) is the one written; only one written
 * since is read back and hashed (a drive of a million files has a manifest of about 560 MB).
 */
async function dropChangedManifests(
  drives: PreparedDrive[],
  takenOver: Set<string>,
  stamps: Map<string, FileStamp>,
): Promise<string[]> {
  const notOnDrive: string[] = [];
  for (const d of [...drives]) {
    if (!takenOver.has(d.target) && (await stillWritten(d, stamps.get(d.target)))) continue;
    notOnDrive.push(d.target);
    drives.splice(drives.indexOf(d), 1);
    rmSync(d.driveInfoFile, { force: true });
  }
  return notOnDrive;
}

interface OutcomeInput {
  sch: DriveScheduler;
  done: DoneSoFar;
  verify: SessionConfig['verify'];
  verified: VerifyCounts;
  notOnDrive: string[];
  notLeft: string[];
  notUsed: string;
}

/** What a copy came to, as its done event and its result both say it. */
function copyOutcome(o: OutcomeInput) {
  const { sch, done, verified, notOnDrive, notLeft } = o;
  const stopped = sch.stopped && notOnDrive.length === 0;
  const failed = sch.failed.filter((f) => f.code !== 'ESTOPPED');
  const notYet = sch.failed.length - failed.length;
  const notCopied = failed.length + sch.notPlaced.length + (stopped ? notYet : 0);
  // a drive not attached whose manifest lists files the job no longer holds as they are
  const staleAbsent = done.absent.filter((a) => a.extraFiles + a.changedFiles > 0);
  const ok =
    notCopied === 0 &&
    verified.ok &&
    !stopped &&
    notOnDrive.length === 0 &&
    staleAbsent.length === 0 &&
    notLeft.length === 0;
  const said = stopped
    ? `Stopped: ${sch.filesCopied} files copied now (${formatBytes(sch.bytesCopied)}), ${notYet} not yet. Resume to continue where it stopped.`
    : ok
      ? `Every file is on the drives: ${sch.filesCopied} copied now (${formatBytes(sch.bytesCopied)}), ${done.doneFiles} already done${o.verify ? verifiedWords(verified.now, verified.before) : ''}.${done.absent.map((a) => ` ${capitalize(absentNote(a))}.`).join('')}`
      : `${unfinishedNotes({ ...o, stopped, failed: failed.length, notYet, notCopied, staleAbsent }).join('. ')}.`;
  const counts = {
    filesCopied: sch.filesCopied,
    bytesCopied: sch.bytesCopied,
    filesSkipped: done.doneFiles,
    failed: failed.slice(0, 1000),
    notPlaced: sch.notPlaced.length,
  };
  return { ok, stopped, counts, message: `${said}${o.notUsed}` };
}

/** Why a copy is not done, each in words: what was not copied (one count, each cause with its own), what failed verification, what else waits. */
function unfinishedNotes(
  o: OutcomeInput & { stopped: boolean; failed: number; notYet: number; notCopied: number; staleAbsent: AbsentDrive[] },
): string[] {
  const { sch, verified, notOnDrive, stopped, failed, notYet, notCopied } = o;
  const s = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const causes = [
    ...(sch.notPlaced.length
      ? [
          `${s(sch.notPlaced.length, 'needs', 'need')} another drive (${fullDrives(sch.runs)}): add one and resume to copy ${sch.notPlaced.length === 1 ? 'it' : 'them'}`,
        ]
      : []),
    ...(failed ? [`${failed} could not be copied (each is listed with why): fix that, then resume`] : []),
    ...(stopped && notYet ? [`${notYet} ${notYet === 1 ? 'was' : 'were'} not started before the stop`] : []),
  ];
  const { failedOurs, failedOthers } = verified;
  return [
    ...o.staleAbsent.map(absentNote),
    ...o.notLeft,
    ...(notOnDrive.length
      ? [
          `the manifest on ${notOnDrive.join(', ')} is not the one this run wrote (another program or preparation wrote the drive meanwhile), so no manifest hash is reported for it; run haul verify on it, then prepare it again`,
        ]
      : []),
    ...(notCopied
      ? [
          `${notCopied} file${notCopied === 1 ? ' was' : 's were'} not copied: ${causes.join('; ')} (files already done are skipped)`,
        ]
      : []),
    ...(failedOurs
      ? [
          `${failedOurs} file${failedOurs === 1 ? '' : 's'} failed verification; resuming copies ${failedOurs === 1 ? 'it' : 'them'} again`,
        ]
      : []),
    ...(failedOthers
      ? [
          `${failedOthers} file${failedOthers === 1 ? '' : 's'} this journal did not copy failed verification (listed); prepare them again with the journal that copied them`,
        ]
      : []),
    ...(!verified.ok && !failedOurs && !failedOthers
      ? ['verification did not pass (the reason is listed); resume to write the manifests again and verify']
      : []),
  ];
}

/** A note before the copy: files of the session that another source with the same blob name replaces. */
function replacesNote(replaced: DoneSoFar['replaced'], session: string): TargetNote {
  const n = replaced.length;
  const shown = replaced
    .slice(0, 3)
    .map((r) => `${r.blob} (was ${r.was}, now ${r.now})`)
    .join('; ');
  return {
    code: 'replaces',
    target: '',
    message: `${n} file${n === 1 ? '' : 's'} of session ${session} would be replaced on the drives by another source with the same blob name: ${shown}${n > 3 ? `; and ${n - 3} more` : ''}.`,
    fix: `To keep both, give the new files another destination or use another session id; starting the copy replaces ${n === 1 ? 'it' : 'them'}.`,
  };
}

/** The plan in one sentence: what stands in the way, or what the copy will do. */
function planMessage(o: {
  targetProblems: TargetProblem[];
  blockingProblems: boolean;
  problemCount: number;
  infos: TargetInfo[];
  plan: PlanSummary;
  unused: PlanSummary['drives'];
  done: DoneSoFar;
}): string {
  const { targetProblems, blockingProblems, infos, plan, unused, done } = o;
  const s = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const idle = unused.filter((d) => !d.leaves);
  const leaving = unused.filter((d) => d.leaves);
  const named = (list: PlanSummary['drives']) => list.map((d) => `${d.driveId} (${d.target})`).join(', ');
  const unusedNote = `${
    idle.length
      ? `; ${named(idle)} ${idle.length === 1 ? 'gets no file and is' : 'get no file and are'} left as ${idle.length === 1 ? 'it is' : 'they are'}`
      : ''
  }${
    leaving.length
      ? `; ${named(leaving)} ${leaving.length === 1 ? 'holds' : 'hold'} no file of the job any more and ${leaving.length === 1 ? 'leaves' : 'leave'} it (Haul's header and manifest are removed, other files stay)`
      : ''
  }${done.absent.map((a) => `; ${absentNote(a)}`).join('')}`;
  return targetProblems.length
    ? `${s(targetProblems.length, 'problem', 'problems')} with the drives: ${targetProblems[0]!.message}`
    : blockingProblems
      ? `Pre-flight found ${s(o.problemCount, 'problem', 'problems')}; fix or leave out each file listed before copying.`
      : infos.length === 0
        ? `${s(plan.totalFiles, 'file', 'files')} (${formatBytes(plan.totalBytes)}) to copy${plan.moreDrivesNeeded ? `: ${s(plan.moreDrivesNeeded.count, 'drive', 'drives')} of ${formatBytes(plan.moreDrivesNeeded.size)} needed` : ''}. Add the drives to copy onto.`
        : !plan.fits
          ? `The data does not fit: ${s(plan.unplacedFiles, 'file', 'files')} (${formatBytes(plan.unplacedBytes)}) have no room${plan.moreDrivesNeeded ? `; ${s(plan.moreDrivesNeeded.count, 'more drive', 'more drives')} of ${formatBytes(plan.moreDrivesNeeded.size)} needed` : ''}. Nothing was written.`
          : `Ready: ${s(plan.totalFiles, 'file', 'files')} (${formatBytes(plan.totalBytes)}) to copy onto ${s(infos.length, 'drive', 'drives')}${plan.alreadyDoneFiles ? `; ${s(plan.alreadyDoneFiles, 'file', 'files')} already on them stay` : ''}${plan.removedFiles ? `; ${s(plan.removedFiles, 'file', 'files')} no longer in the job leave them` : ''}${unusedNote}.`;
}

/** The drives this journal wrote files of `session` onto. */
function ownDrives(journal: Journal | undefined, session: string): Set<string> {
  const out = new Set<string>();
  for (const r of journal?.files.values() ?? []) if (r.s === session) out.add(r.drive);
  return out;
}

/** Why the drives took no more, for "N need another drive (…)": each full drive and what it ran out of. */
function fullDrives(runs: { state: string; info: TargetInfo; fullWhy?: string | undefined }[]): string {
  const full = runs.filter((r) => r.fullWhy !== undefined);
  if (!full.length) return 'no drive had room for them';
  return full.map((r) => `${r.info.driveId} ${r.fullWhy}`).join('; ');
}

/** Whether the drive's manifest is the one this run wrote: its stamp as written, or else its bytes' hash. */
async function stillWritten(d: PreparedDrive, stamp: FileStamp | undefined): Promise<boolean> {
  if (sameStamp(await readStamp(join(d.target, MANIFEST_FILE)), stamp)) return true;
  return (await manifestHashOnDrive(d.target)) === d.manifestHash;
}

/** MD5 (Base16 upper case) of the drive's DriveManifest.xml as it is now; undefined when it cannot be read. */
async function manifestHashOnDrive(target: string): Promise<string | undefined> {
  try {
    const hash = createHash('md5');
    for await (const chunk of createReadStream(join(target, MANIFEST_FILE))) hash.update(chunk as Buffer);
    return hash.digest('hex').toUpperCase();
  } catch {
    return undefined;
  }
}

/**
 * Planned drives that get no file and, once the copy's removals are done, hold no file of this
 * journal: the copy writes no header on them (they stand by for files a full drive hands over).
 * One whose header names this journal's sessions held files of the job that all left it: `leaves`,
 * Haul's files go from it. A header naming sessions of other journals keeps the drive in the run
 * (its manifest is rewritten with their blobs only).
 */
function standbyDrives(
  plan: PlanSummary,
  infos: TargetInfo[],
  journal: Journal | undefined,
  done: DoneSoFar,
  session: string,
): PlanSummary['drives'] {
  const going = new Map<string, number>();
  for (const r of [...done.staleRecords, ...done.removedRecords]) going.set(r.drive, (going.get(r.drive) ?? 0) + 1);
  const ours = (s: string) => s === session || journal?.sessions.has(s) === true;
  return plan.drives.filter((d, k) => {
    if (d.plannedFiles > 0) return false;
    const id = infos[k]?.driveId ?? d.driveId;
    if ((journal?.filesOnDrive(id).length ?? 0) > (going.get(id) ?? 0)) return false;
    const header = readHeader(d.target);
    if (header && !header.sessionIds.every(ours)) return false;
    if (header?.sessionIds.length) d.leaves = true;
    return true;
  });
}

const capitalize = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** What the verify read, in words: the manifests and the files written, and what an earlier run verified. */
function verifiedWords(now: number, before: number): string {
  const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;
  if (!before) return '; every block verified';
  const read = now ? `the manifests and the ${files(now)} not verified before` : 'the manifests';
  return `; verified: ${read} read back and matched (${files(before)} verified by an earlier run and not written since ${before === 1 ? 'was' : 'were'} not read again)`;
}

/** A drive of this session that is not attached, in words: what stays on it and what waits for it. */
export function absentNote(a: AbsentDrive): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  const parts = [
    ...(a.files ? [`${n(a.files, 'file', 'files')} of the job (${formatBytes(a.bytes)}) stay on it`] : []),
    ...(a.changedFiles
      ? [
          `${n(a.changedFiles, 'file', 'files')} changed since ${a.changedFiles === 1 ? 'it was' : 'they were'} copied onto it wait for it`,
        ]
      : []),
    ...(a.extraFiles
      ? [`${n(a.extraFiles, 'file', 'files')} (${formatBytes(a.extraBytes)}) the job no longer holds are still on it`]
      : []),
  ];
  const stale = a.extraFiles + a.changedFiles;
  const named = a.waiting?.length ? ` (${a.waiting.join(', ')}${stale > a.waiting.length ? ' …' : ''})` : '';
  return `${a.driveId} (${a.target || 'not attached'}) is not attached: ${parts.join(', ')}${named}${stale ? `; attach it to ${a.extraFiles ? 'remove them' : 'copy them again'}, or they will be listed as extra in its manifest, and the job cannot be created with that manifest` : ''}`;
}

/**
 * Verifies prepared drives, every block of every blob, all drives at once (one worker each),
 * reporting progress (phase verify) and each result. With the journal that prepared them, its
 * files that fail are copied again by the next run, and a drive that passes is journaled as
 * verified (with its measured read speed): the next run's verify need not read it again.
 */
export async function verifyDrives(
  roots: string[],
  emit: (e: PrepEvent) => void,
  workerDir?: URL,
  journal?: string,
): Promise<VerifyReport[]> {
  const speed = new SpeedWindow();
  const totals = roots.map((r) => {
    try {
      return verifyItems(readManifest(r)).reduce((s, i) => s + i.length, 0);
    } catch {
      return 0;
    }
  });
  const bytesTotal = totals.reduce((s, n) => s + n, 0);
  const doneBy = roots.map(() => 0);
  let last = 0;
  const tick = () => {
    const now = Date.now();
    if (now - last < TICK_MS) return;
    last = now;
    const bytesDone = doneBy.reduce((s, n) => s + n, 0);
    speed.add(now, bytesDone);
    const e: PrepEvent = {
      type: 'progress',
      phase: 'verify',
      bytesDone,
      bytesTotal,
      filesDone: 0,
      filesTotal: 0,
      speed: Math.round(speed.speed()),
      drives: [],
    };
    const eta = speed.eta(bytesTotal - bytesDone);
    if (eta !== undefined) e.etaSeconds = Math.round(eta);
    emit(e);
  };
  return Promise.all(
    roots.map(async (root, k) => {
      const started = Date.now();
      const report = await verifyTarget(
        root,
        (doneHere) => {
          doneBy[k] = doneHere;
          tick();
        },
        workerFile('verifyWorker', workerDir),
        journal,
      );
      if (journal && report.ok && report.driveId)
        await journalVerified(journal, report.driveId, report.bytes, Date.now() - started);
      emit({
        type: 'verify-result',
        driveId: report.driveId ?? '',
        target: root,
        ok: report.ok,
        blobs: report.blobs,
        blocks: report.blocks,
        bytes: report.bytes,
        mismatches: report.problems.slice(0, 100),
      });
      return report;
    }),
  );
}

/** Journals a drive that passed a full verify (skipped while a run holds the journal: it verifies itself). */
async function journalVerified(journalPath: string, driveId: string, bytes: number, ms: number): Promise<void> {
  let unlock: () => Promise<void>;
  try {
    unlock = await lockJournal(journalPath);
  } catch (e) {
    if (e instanceof JournalBusy) return;
    throw e;
  }
  try {
    const journal = Journal.open(journalPath);
    try {
      journal.append([{ t: 'verified', drive: driveId, at: Date.now(), ok: true, bytes, ms }]);
    } finally {
      journal.close();
    }
  } finally {
    await unlock();
  }
}

export type { PreparedDrive };

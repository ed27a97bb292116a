// Preparation sessions of the app, kept by main: they run in main (so copying goes on when the
// window closes), one copy per drive at a time, and a small index of their journals in the data
// folder lets main list the unfinished ones after a restart or a kill, for the person to Resume.
// Journals (and the DriveInfo files next to them) of app sessions live in <data>/prep/journals.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { driveInfoFileName, parseDriveInfo, serializeDriveInfo } from '../../../../shared/formats/driveManifest';
import { formatBytes } from '../../../../shared/prep/names';
import {
  prepSessionInfo,
  prepSpec,
  type PrepPlanResult,
  type PrepSpecInput,
  type PrepProgressPayload,
  type PrepSessionInfo,
  type PrepSessionResult,
  type PrepSpec,
  type PrepTargetInput,
  type PreparedDrive,
  type VerifyReport,
} from '../../../../shared/prep/session';
import type { PlanSummary, PrepEvent } from '../../../../shared/prep/types';
import { jsonFileStore, type DocumentStore } from '../../store/jsonFile';
import type { SecretStore } from '../../secrets';
import { entriesFromSources, targetsOf } from './inputs';
import { Journal } from '../journal/journal';
import type { KeepAwakePort } from '../engine/keepAwake';
import { PrepSession, verifyDrives, type SessionConfig } from '../engine/session';
import type { PrepTarget } from '../plan/targets';
import { HaulError } from '../../../../shared/errors';

/** A refusal the page receives with its code and field. */
export class PrepRefused extends HaulError {
  declare readonly code:
    | 'not-ready'
    | 'not-confirmed'
    | 'busy'
    | 'not-found'
    | 'running'
    | 'needs-key'
    | 'plan-changed';
  constructor(code: PrepRefused['code'], message: string, target?: string) {
    super(code, message, target);
    this.name = 'PrepRefused';
  }
}

const sessionRecord = prepSessionInfo.omit({ resumable: true }).extend({ driveSize: z.number().optional() });
type SessionRecord = z.infer<typeof sessionRecord>;
const indexDocument = z.object({ version: z.literal(1), sessions: z.array(sessionRecord) });
type IndexDocument = z.infer<typeof indexDocument>;

export interface PrepManagerOptions {
  dataDir: string;
  onProgress: (payload: PrepProgressPayload) => void;
  onSession: (info: PrepSessionInfo) => void;
  /** the Electron shell's powerSaveBlocker; default systemd-inhibit / caffeinate */
  keepAwake?: KeepAwakePort;
  workerDir?: URL;
  /** whether the job goes to Azure (the connection chosen in Settings): pre-flight notes drives its data center cannot read */
  forAzure?: () => boolean;
  /** progress events per session at most every this many ms (default 250: about 4 a second) */
  progressIntervalMs?: number;
  now?: () => number;
  /**
   * Where the BitLocker keys of sessions are kept for Resume, encrypted (main's secret store). The
   * DriveInfo files next to the journals carry no key; the wizard makes the customer's on demand.
   */
  secrets?: Pick<SecretStore, 'get' | 'set' | 'delete' | 'names'>;
}

/** The secret name of a session's drive key: `prep/<session>/<drive id, hex>` (names allow few characters). */
export const keyName = (sessionId: string, driveId: string) =>
  `prep/${sessionId}/${Buffer.from(driveId, 'utf8').toString('hex')}`;

/**
 * Passes a session's events on: progress at most once per interval (the latest wins, the last one
 * always arrives), every other event at once and in order.
 */
export class ProgressThrottle {
  private last = 0;
  private pending?: PrepEvent;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly send: (e: PrepEvent) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  push(e: PrepEvent): void {
    if (e.type !== 'progress') {
      this.flush();
      this.send(e);
      return;
    }
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0 && !this.timer) {
      this.last = this.now();
      this.send(e);
      return;
    }
    this.pending = e;
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        this.flush();
      },
      Math.max(0, wait),
    );
  }

  /** Sends the progress held back, if any. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.pending) return;
    const e = this.pending;
    this.pending = undefined;
    this.last = this.now();
    this.send(e);
  }
}

const RUNNING: ReadonlySet<PrepSessionInfo['state']> = new Set(['planning', 'copying', 'verifying', 'stopping']);

export class PrepManager {
  private readonly index: DocumentStore<IndexDocument>;
  private readonly records = new Map<string, SessionRecord>();
  private readonly live = new Map<string, PrepSession>();
  private readonly ending = new Map<string, Promise<void>>();
  /** generated drive ids by folder, so a plan and the start that follows agree */
  private readonly knownIds = new Map<string, string>();
  private readonly now: () => number;
  private loaded?: Promise<void>;
  private lastSaved = new Map<string, number>();

  constructor(private readonly opts: PrepManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.index = jsonFileStore(join(opts.dataDir, 'prep', 'sessions.json'), {
      schema: indexDocument,
      initial: () => ({ version: 1 as const, sessions: [] }),
      mode: 0o600,
    });
  }

  get journalDir(): string {
    return join(this.opts.dataDir, 'prep', 'journals');
  }

  /**
   * Reads the index. A session the index says was running was cut short (main was stopped or
   * killed): it becomes `interrupted`, with what its journal holds.
   */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      const doc = await this.index.read();
      let changed = false;
      for (const r of doc.sessions) {
        if (RUNNING.has(r.state)) {
          const held = journalSummary(r.journal, r.sessionId);
          r.state = 'interrupted';
          r.notes = [
            ...r.notes,
            `Haul stopped while this copy ran${held ? `; the journal holds ${held}` : ''}. Resume continues from the journal.`,
          ];
          if (r.progress?.type === 'progress') {
            const { etaSeconds: _eta, currentFile: _current, ...p } = r.progress;
            r.progress = {
              ...p,
              speed: 0,
              drives: p.drives.map(({ currentFile: _c, ...d }) => ({
                ...d,
                state:
                  d.state === 'copying' || d.state === 'verifying' || d.state === 'waiting'
                    ? ('stopped' as const)
                    : d.state,
              })),
            };
          }
          changed = true;
        }
        this.records.set(r.sessionId, r);
      }
      if (changed) await this.save();
      await this.scrubDriveInfoKeys();
    })();
    return this.loaded;
  }

  private async save(): Promise<void> {
    await this.index.write({ version: 1, sessions: [...this.records.values()] });
  }

  private info(r: SessionRecord): PrepSessionInfo {
    const { driveSize: _size, ...rest } = r;
    const resumable =
      r.state === 'stopped' ||
      r.state === 'interrupted' ||
      (r.state === 'finished' && r.result !== undefined && !r.result.ok && r.result.outcome !== 'refused');
    return { ...rest, resumable };
  }

  private touch(r: SessionRecord, announce = true): void {
    r.updatedAt = this.now();
    if (announce) this.opts.onSession(this.info(r));
  }

  async list(): Promise<PrepSessionInfo[]> {
    await this.load();
    return [...this.records.values()].sort((a, b) => b.startedAt - a.startedAt).map((r) => this.info(r));
  }

  /**
   * DriveInfo files an earlier Haul wrote in the data folder with the BitLocker key in clear: the
   * key moves into the secret store and the file is written again without it.
   */
  private async scrubDriveInfoKeys(): Promise<void> {
    if (!this.opts.secrets) return;
    let names: string[];
    try {
      names = readdirSync(this.journalDir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = /^(.+)_DriveInfo_(.+)\.xml$/.exec(name);
      if (!m) continue;
      const file = join(this.journalDir, name);
      try {
        const info = parseDriveInfo(readFileSync(file, 'utf8'));
        if (!info.bitLockerKey) continue;
        await this.opts.secrets.set(keyName(m[1]!, info.driveId), info.bitLockerKey);
        writeFileSync(file, serializeDriveInfo({ ...info, bitLockerKey: '' }), { mode: 0o600 });
      } catch {
        // a file that cannot be read or parsed is left as it is
      }
    }
  }

  private record(sessionId: string): SessionRecord {
    const r = this.records.get(sessionId);
    if (!r)
      throw new PrepRefused(
        'not-found',
        `There is no preparation session ${sessionId}; it may have been forgotten. Start the preparation again.`,
      );
    return r;
  }

  private config(spec: PrepSpec, sessionId: string, journal: string, targets: PrepTarget[]): SessionConfig {
    return {
      journal,
      session: sessionId,
      jobName: spec.jobName,
      entries: entriesFromSources(spec.sources),
      targets,
      exclude: spec.exclude,
      skipProblems: spec.skipProblems,
      verify: spec.verify,
      maxRate: spec.maxRate,
      ...(spec.driveSize ? { driveSize: spec.driveSize } : {}),
      knownIds: this.knownIds,
      // the app keeps keys encrypted: the DriveInfo files in its data folder carry none
      driveInfoKeys: false,
      forAzure: this.opts.forAzure?.() === true,
      ...(this.opts.keepAwake ? { keepAwake: this.opts.keepAwake } : {}),
      ...(this.opts.workerDir ? { workerDir: this.opts.workerDir } : {}),
    };
  }

  /** The session a draft started, if any: a draft owns its prep, and every change after is made to it. */
  private draftSession(draftId: string | undefined): SessionRecord | undefined {
    if (!draftId) return undefined;
    return [...this.records.values()].filter((r) => r.draftId === draftId).sort((a, b) => b.startedAt - a.startedAt)[0];
  }

  /** Scan, pre-flight and plan; nothing is written. With a draft that has a session, against that session's journal. */
  async plan(input: PrepSpecInput, draftId?: string): Promise<PrepPlanResult> {
    await this.load();
    const spec = prepSpec.parse(input);
    const own = this.draftSession(draftId);
    const session = own
      ? new PrepSession(this.config(spec, own.sessionId, own.journal, targetsOfSpec(spec)))
      : new PrepSession(this.config(spec, 'plan', join(this.journalDir, 'plan.jrn'), targetsOfSpec(spec)));
    return session.plan();
  }

  /**
   * Plans again and, when ready and confirmed, starts copying in the background. A draft that
   * started a session before changes that session (same session folder, same journal): files
   * already on a drive stay, added ones are copied, removed ones leave the drives. With the plan
   * the person confirmed, a plan that changed since (free space, placement) is refused with the
   * difference, before anything is written.
   */
  async start(
    input: PrepSpecInput,
    confirmedDriveIds: string[],
    draftId?: string,
    confirmedPlan?: ConfirmedPlan,
  ): Promise<PrepSessionInfo> {
    await this.load();
    const spec = prepSpec.parse(input);
    const own = this.draftSession(draftId);
    if (own && this.live.has(own.sessionId))
      throw new PrepRefused(
        'running',
        `The preparation for this draft is running; wait for it to end, or cancel it, before changing it.`,
      );
    const sessionId = own?.sessionId ?? newSessionId(this.now());
    const journal = own?.journal ?? join(this.journalDir, `${sessionId}.jrn`);
    const targets = targetsOfSpec(spec);
    const session = new PrepSession(this.config(spec, sessionId, journal, targets));
    const plan = await session.plan();
    const changed = confirmedPlan && plan.plan ? planChanges(confirmedPlan, plan.plan) : [];
    if (changed.length)
      throw new PrepRefused(
        'plan-changed',
        `The drives changed since the plan you confirmed: ${changed.join('; ')}. Nothing was written: ${plan.ready ? 'look at the plan as it is now and confirm it again' : `and now: ${plan.message}`}.`,
        'plan',
      );
    if (!plan.ready) throw new PrepRefused('not-ready', plan.message);
    const ids = plan.targets.map((t) => t.driveId);
    const confirmed = new Set(confirmedDriveIds.map((s) => s.trim()));
    const missing = ids.filter((id) => !confirmed.has(id));
    const extra = [...confirmed].filter((id) => !ids.includes(id));
    if (missing.length || extra.length) {
      throw new PrepRefused(
        'not-confirmed',
        `Nothing was written: confirm exactly the drives to be written${missing.length ? ` — not confirmed: ${missing.join(', ')}` : ''}${extra.length ? ` — confirmed but not in the plan: ${extra.join(', ')}` : ''}.`,
        'confirmedDriveIds',
      );
    }
    this.assertFree(plan.targets.map((t) => ({ path: t.path, driveId: t.driveId })));
    const now = this.now();
    const record: SessionRecord = {
      sessionId,
      jobName: spec.jobName,
      ...(draftId ? { draftId } : {}),
      state: 'planning',
      journal,
      targets: plan.targets.map((t, k) => ({
        path: t.path,
        driveId: t.driveId,
        hasBitLockerKey: !!targets[k]?.bitLockerKey,
        ...(targets[k]?.allowFolder ? { allowFolder: true } : {}),
      })),
      spec: {
        sources: spec.sources,
        exclude: spec.exclude,
        skipProblems: spec.skipProblems,
        verify: spec.verify,
        maxRate: spec.maxRate,
      },
      ...(spec.driveSize ? { driveSize: spec.driveSize } : {}),
      startedAt: own?.startedAt ?? now,
      updatedAt: now,
      notes: [],
    };
    this.records.set(sessionId, record);
    for (const [k, t] of plan.targets.entries()) {
      const key = targets[k]?.bitLockerKey;
      if (key) await this.opts.secrets?.set(keyName(sessionId, t.driveId), key);
    }
    await this.save();
    this.run(record, session, own?.result?.drives ?? []);
    return this.info(record);
  }

  /** One copy per drive at a time. */
  private assertFree(targets: { path: string; driveId?: string | undefined }[], except?: string): void {
    for (const [id, s] of this.live) {
      if (id === except) continue;
      const r = this.records.get(id);
      for (const t of targets) {
        const clash = r?.targets.find((x) => x.path === t.path || (t.driveId !== undefined && x.driveId === t.driveId));
        if (clash)
          throw new PrepRefused(
            'busy',
            `The drive ${clash.driveId ?? clash.path} is being prepared already (job ${s.jobName}); wait for that copy to end, or cancel it.`,
            t.path,
          );
      }
    }
  }

  /** `previous`: the drives the session's last run left, for the ones this run cannot reach. */
  private run(record: SessionRecord, session: PrepSession, previous: PreparedDrive[]): void {
    this.live.set(record.sessionId, session);
    const throttle = new ProgressThrottle((event) => {
      this.opts.onProgress({ sessionId: record.sessionId, jobName: record.jobName, event });
    }, this.opts.progressIntervalMs ?? 250);
    // Once the result is in, nothing the session might still send changes the record or reaches the window.
    let ended = false;
    const off = session.onEvent((e) => {
      if (ended) return;
      throttle.push(e);
      this.observe(record, e);
    });
    this.touch(record);
    const end = (result: PrepSessionResult) => {
      ended = true;
      throttle.flush();
      off();
      return this.finish(record, withAbsentDrives(result, previous));
    };
    const done = Promise.resolve()
      .then(() => session.start())
      .then(end, (e: Error) => end(failedResult(e)))
      .finally(() => {
        this.live.delete(record.sessionId);
        this.ending.delete(record.sessionId);
      });
    this.ending.set(record.sessionId, done);
  }

  /** Resolves once the session's run has ended and been saved (tests, shutdown). */
  whenEnded(sessionId: string): Promise<void> {
    return this.ending.get(sessionId) ?? Promise.resolve();
  }

  /** Keeps the record's state and last progress; saved at state changes and every few seconds. */
  private observe(r: SessionRecord, e: PrepEvent): void {
    let state = r.state;
    if (e.type === 'progress') {
      r.progress = e;
      if (r.state !== 'stopping') state = e.phase === 'verify' ? 'verifying' : 'copying';
    }
    if (e.type === 'keep-awake' && !e.active) r.notes = [...r.notes.filter((n) => n !== e.message), e.message];
    if (e.type === 'drive-full' || e.type === 'drive-removed') r.notes = [...r.notes, e.message];
    const changed = state !== r.state;
    r.state = state;
    if (changed) this.touch(r);
    const last = this.lastSaved.get(r.sessionId) ?? 0;
    if (changed || this.now() - last > 5000) {
      this.lastSaved.set(r.sessionId, this.now());
      r.updatedAt = this.now();
      void this.save().catch(() => undefined);
    }
  }

  private async finish(r: SessionRecord, result: PrepSessionResult): Promise<void> {
    r.result = result;
    r.state = result.outcome === 'stopped' ? 'stopped' : 'finished';
    this.touch(r);
    await this.save();
  }

  async cancel(sessionId: string): Promise<PrepSessionInfo> {
    await this.load();
    const r = this.record(sessionId);
    const s = this.live.get(sessionId);
    if (s) {
      r.state = 'stopping';
      this.touch(r);
      s.cancel();
    }
    return this.info(r);
  }

  /**
   * Continues a stopped, interrupted or incomplete session from its journal. BitLocker keys are
   * not in the index: given here, or read from the DriveInfo files next to the journal.
   */
  async resume(sessionId: string, keys: PrepTargetInput[] = []): Promise<PrepSessionInfo> {
    await this.load();
    const r = this.record(sessionId);
    if (this.live.has(sessionId))
      throw new PrepRefused('running', `The preparation for job ${r.jobName} is running already.`);
    const kept = new Map<string, string>();
    for (const t of r.targets) {
      const key = t.driveId ? await this.opts.secrets?.get(keyName(sessionId, t.driveId)) : undefined;
      if (key && t.driveId) kept.set(t.driveId, key);
    }
    const targets: PrepTarget[] = r.targets.map((t) => {
      const key =
        keys.find((k) => k.path === t.path)?.bitLockerKey ??
        (t.driveId ? (kept.get(t.driveId) ?? keyFromDriveInfo(r.journal, t.driveId)) : undefined);
      if (t.hasBitLockerKey && !key)
        throw new PrepRefused(
          'needs-key',
          `The drive ${t.driveId ?? t.path} is encrypted: give its BitLocker key again to resume (Haul does not keep keys in its session list).`,
          t.path,
        );
      return {
        path: t.path,
        ...(key ? { bitLockerKey: key } : {}),
        ...(t.allowFolder ? { allowFolder: true } : {}),
      };
    });
    this.assertFree(r.targets, sessionId);
    const spec: PrepSpec = {
      jobName: r.jobName,
      sources: r.spec.sources,
      targets: [],
      exclude: r.spec.exclude,
      skipProblems: r.spec.skipProblems,
      verify: r.spec.verify,
      maxRate: r.spec.maxRate,
      ...(r.driveSize ? { driveSize: r.driveSize } : {}),
    };
    const session = new PrepSession(this.config(spec, sessionId, r.journal, targets));
    const previous = r.result?.drives ?? [];
    r.state = 'planning';
    delete r.result;
    r.notes = [];
    await this.save();
    this.run(r, session, previous);
    return this.info(r);
  }

  /**
   * The file on this computer a blob on a prepared drive came from, from the journals of this
   * job's sessions (for the log viewer); undefined when Haul did not prepare that drive.
   */
  sourceOf(q: { jobName: string; driveId: string; filePath: string; blobPath: string }): string | undefined {
    const norm = (p: string) => p.replace(/\\/g, '/').replace(/^\/+/, '');
    const filePath = norm(q.filePath);
    const blobPath = norm(q.blobPath);
    for (const r of this.records.values()) {
      if (r.jobName !== q.jobName || !existsSync(r.journal)) continue;
      try {
        for (const f of Journal.read(r.journal).files.values()) {
          if (f.drive === q.driveId && (norm(f.path) === filePath || norm(f.blob) === blobPath)) return f.src;
        }
      } catch {
        // An unreadable journal only means the drive-relative path is shown.
      }
    }
    return undefined;
  }

  /** Forgets a session that is not running, and its keys; its journal and DriveInfo files (no key in them) stay. */
  async forget(sessionId: string): Promise<boolean> {
    await this.load();
    if (this.live.has(sessionId)) throw new PrepRefused('running', 'This preparation is running; cancel it first.');
    const had = this.records.delete(sessionId);
    if (had) await this.save();
    for (const name of (await this.opts.secrets?.names(`prep/${sessionId}/`)) ?? [])
      await this.opts.secrets?.delete(name);
    return had;
  }

  /** Re-reads drives against their manifests: a session's drives (recorded in it), or any. */
  async verify(req: { sessionId?: string | undefined; targets?: string[] | undefined }): Promise<VerifyReport[]> {
    await this.load();
    const r = req.sessionId ? this.record(req.sessionId) : undefined;
    if (r && this.live.has(r.sessionId))
      throw new PrepRefused('running', 'This preparation is still copying; verify once it has ended.');
    // a drive the last run could not reach is not read either: it says so on its own
    const roots = r
      ? r.result?.drives.length
        ? r.result.drives.filter((d) => !d.notAttached).map((d) => d.target)
        : r.targets.map((t) => t.path)
      : (req.targets ?? []);
    const id = r?.sessionId ?? `verify-${randomBytes(4).toString('hex')}`;
    const throttle = new ProgressThrottle(
      (event) => this.opts.onProgress({ sessionId: id, jobName: r?.jobName ?? '', event }),
      this.opts.progressIntervalMs ?? 250,
    );
    const reports = await verifyDrives(roots, (e) => throttle.push(e), this.opts.workerDir, r?.journal);
    throttle.flush();
    if (r?.result) {
      const journal = existsSync(r.journal) ? Journal.read(r.journal) : undefined;
      for (const d of r.result.drives) {
        const rep = reports.find((x) => x.target === d.target);
        if (!rep) continue;
        d.verified = rep.ok;
        // every block was read: nothing rests on an earlier run's verify any more
        if (rep.ok) delete d.verifiedEarlier;
        const speed = journal?.readSpeed(d.driveId);
        if (speed) d.readSpeed = speed.bytesPerSecond;
      }
      this.touch(r);
      await this.save();
    }
    return reports;
  }

  /**
   * Why a job may not be created with these drives: one a session prepared whose manifest (this
   * very manifest, by its hash) lists files the job no longer holds as they are. Undefined when none.
   */
  staleManifest(drives: Array<{ driveId: string; manifestHash: string }>): string | undefined {
    for (const r of this.records.values())
      for (const d of r.result?.drives ?? []) {
        if (!d.outOfDate) continue;
        const asked = drives.find((x) => x.driveId === d.driveId && x.manifestHash.toUpperCase() === d.manifestHash);
        if (asked)
          return `The manifest of drive ${d.driveId} lists ${d.outOfDate.files} file${d.outOfDate.files === 1 ? '' : 's'} (${formatBytes(d.outOfDate.bytes)}) the job no longer holds as ${d.outOfDate.files === 1 ? 'it is' : 'they are'}: attach the drive (it was at ${d.target}) and update the preparation, so its manifest lists the job's files only. The job was not created.`;
      }
    return undefined;
  }

  /** On shutdown: running copies stop cleanly (Resume continues them after the restart). */
  async dispose(): Promise<void> {
    for (const s of this.live.values()) s.cancel();
    await Promise.all([...this.ending.values()].map((p) => p.catch(() => undefined)));
  }
}

/** The spec's targets, with the person's confirmation of a folder that is not a drive of its own. */
function targetsOfSpec(spec: PrepSpec): PrepTarget[] {
  return targetsOf(spec).map((t, k) => (spec.targets[k]?.allowFolder ? { ...t, allowFolder: true } : t));
}

function newSessionId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `s-${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * The job's drives after a run: those it wrote, and those of the session it could not reach
 * (unplugged, or left out of the list) as the run before left them — their files are still part of
 * the job. One whose manifest lists files the job no longer holds as they are is marked `outOfDate`.
 * One holding files of the job that no earlier run listed cannot be part of the job as it is: the
 * result is not ok, and says to attach it.
 */
export function withAbsentDrives(result: PrepSessionResult, previous: PreparedDrive[]): PrepSessionResult {
  const absent = result.plan?.absentDrives ?? [];
  if (
    !absent.length ||
    result.outcome === 'refused' ||
    result.outcome === 'does-not-fit' ||
    result.outcome === 'failed'
  )
    return result;
  const drives = [...result.drives];
  const unknown: string[] = [];
  for (const a of absent) {
    if (drives.some((d) => d.driveId === a.driveId)) continue;
    const was = previous.find((d) => d.driveId === a.driveId);
    if (!was) {
      if (a.files + a.changedFiles > 0)
        unknown.push(
          `${a.driveId} holds ${a.files + a.changedFiles} file${a.files + a.changedFiles === 1 ? '' : 's'} of the job but has no finished manifest; attach it (it was at ${a.target}) and update the preparation`,
        );
      continue;
    }
    const { outOfDate: _was, ...base } = was;
    const stale = a.extraFiles + a.changedFiles;
    drives.push({
      ...base,
      notAttached: true,
      ...(stale ? { outOfDate: { files: stale, bytes: a.extraBytes + a.changedBytes } } : {}),
    });
  }
  if (!unknown.length) return { ...result, drives };
  return {
    ...result,
    drives,
    ok: false,
    outcome: result.outcome === 'done' ? 'incomplete' : result.outcome,
    message: `${result.message} ${unknown.join('. ')}.`,
  };
}

function failedResult(e: Error): PrepSessionResult {
  return {
    ok: false,
    outcome: 'failed',
    filesCopied: 0,
    bytesCopied: 0,
    filesSkipped: 0,
    failed: [],
    notPlaced: 0,
    drives: [],
    problems: [],
    targetProblems: [],
    message: e.message,
  };
}

/** "N files (X) done" from a journal, for an interrupted session; undefined when it cannot be read. */
function journalSummary(journal: string, session: string): string | undefined {
  if (!existsSync(journal)) return undefined;
  try {
    const files = [...Journal.read(journal).files.values()].filter((f) => f.s === session);
    const bytes = files.reduce((s, f) => s + f.size, 0);
    return `${files.length} finished file${files.length === 1 ? '' : 's'} (${formatBytes(bytes)})`;
  } catch {
    return undefined;
  }
}

function keyFromDriveInfo(journal: string, driveId: string): string | undefined {
  const file = driveInfoFileName(journal.replace(/\.[^./]*$/, ''), driveId);
  try {
    return parseDriveInfo(readFileSync(file, 'utf8')).bitLockerKey || undefined;
  } catch {
    return undefined;
  }
}

/** What the person confirmed of a plan, per drive: compared with the plan at Start. */
export interface ConfirmedPlan {
  drives: Array<{ driveId: string; free: number; plannedFiles: number; plannedBytes: number }>;
}

/** Free space that may move by itself (file system bookkeeping) without the plan counting as changed. */
const FREE_SLACK = 4 * 1024 * 1024;

/** The differences between the plan confirmed and the plan now, in words (empty when the same). */
export function planChanges(confirmed: ConfirmedPlan, now: PlanSummary): string[] {
  const out: string[] = [];
  for (const d of now.drives) {
    const was = confirmed.drives.find((x) => x.driveId === d.driveId);
    if (!was) {
      out.push(`${d.driveId} was not in the plan`);
      continue;
    }
    const parts: string[] = [];
    if (Math.abs(was.free - d.free) > FREE_SLACK)
      parts.push(`has ${formatBytes(d.free)} free now (was ${formatBytes(was.free)})`);
    if (was.plannedFiles !== d.plannedFiles || was.plannedBytes !== d.plannedBytes)
      parts.push(
        `would take ${d.plannedFiles.toLocaleString('en-US')} files, ${formatBytes(d.plannedBytes)} (was ${was.plannedFiles.toLocaleString('en-US')}, ${formatBytes(was.plannedBytes)})`,
      );
    if (parts.length) out.push(`${d.driveId} ${parts.join(' and ')}`);
  }
  return out;
}

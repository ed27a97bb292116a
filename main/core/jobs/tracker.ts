// The tracker: follows every job of the connected resource group through Get Job (the jobs
// service's views, which also keeps the job records and tells the screens), turns what
// changed into notices (shared/notifications diff) and hands them to the notification centre.
// It runs in main, so it keeps going while the window is closed, and the same in browser mode.
//
// Every answer anyone gets about a job (a screen's Get Job, a list, its own polls) reaches it
// (JobSource.watch): a job is followed from the first answer that shows it, and a change a screen
// saw is told at once, not at the tracker's next poll of that job.
//
// First sightings: the first list of a connection is its baseline (remembered with the states):
// the jobs in it are taken as they are, telling only the alerts in force (a drive never received,
// a drive copied with errors, Faulted), not years of old endings. A job first seen after it is
// news: one already over (made elsewhere and finished while Haul was closed) tells how it ended.
//
// Exactly once: the state seen of a job and the notices it caused are written together (the
// outbox, trackerStore.ts) before any notice is delivered; delivery then empties the outbox, and
// the centre drops an id it already has. A restart delivers what the outbox still holds and diffs
// against the persisted states, so it neither repeats nor skips. Polls never overlap (one chain),
// and stop() waits for the poll in flight.
import { messageOf } from '../../../shared/errors';
import {
  diffJob,
  observe,
  type JobSnapshot,
  type NoticeDraft,
  type Observation,
  type TrackerStatus,
} from '../../../shared/notifications';
import type { JobView } from '../../../shared/jobs';
import type { DocumentStore } from '../store/jsonFile';
import { describeFailure, systemClock, type JobSource, type SeenJob, type TrackerClock } from './trackerSource';
import { DEFAULT_INTERVALS, backoff, pollInterval, type TrackerIntervals } from './trackerSchedule';
import type { TrackerDoc } from './trackerStore';

export interface TrackerOptions {
  /** The service as it is connected now; undefined while there is no connection. */
  source: () => JobSource | undefined;
  store: DocumentStore<TrackerDoc>;
  /** Stores the notices in the centre and pops them up; resolves once they are stored. */
  deliver: (notices: NoticeDraft[]) => Promise<void>;
  clock?: TrackerClock;
  /** The service's clock, for the J2/J6/J12 estimates (default: `clock`). The local sandbox's moves with `ops advance`. */
  serviceNow?: () => number;
  /** For the backoff's jitter (tests pass a fixed one). */
  random?: () => number;
  intervals?: Partial<TrackerIntervals>;
  onStatus?: (status: TrackerStatus) => void;
  /** A delivery that failed (it is retried on the next poll). */
  onError?: (message: string) => void;
}

export class Tracker {
  private readonly clock: TrackerClock;
  private readonly intervals: TrackerIntervals;
  private readonly random: () => number;
  private doc: TrackerDoc | undefined;
  private readonly due = new Map<string, number>();
  /** The time of the latest view taken per job (views reach the tracker out of order). */
  private readonly takenAt = new Map<string, number>();
  /** Answers that arrived and wait for their turn in the chain. */
  private readonly arrived: SeenJob[] = [];
  private listDue = 0;
  private failures = 0;
  private timer: unknown;
  private timerAt: number | undefined;
  private watched: JobSource | undefined;
  private unwatch: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();
  private queuedFull: Promise<void> | undefined;
  private stopped = true;
  private status: TrackerStatus;
  private key = '';

  constructor(private readonly opts: TrackerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.intervals = { ...DEFAULT_INTERVALS, ...opts.intervals };
    this.random = opts.random ?? Math.random;
    this.status = { state: 'idle', jobs: 0, at: this.clock.now() };
  }

  /** Loads the remembered states, delivers what a crash left in the outbox, and polls at once. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.doc = await this.opts.store.read();
    await this.flush();
    this.watch();
    void this.enqueue(true);
  }

  /** Polls every job now (the app opened, the customer asked, the connection came back). */
  async refresh(): Promise<TrackerStatus> {
    if (this.stopped) return this.status;
    await this.enqueue(true);
    return this.status;
  }

  /** Resolves when no poll is running or waiting. */
  idle(): Promise<void> {
    return this.chain;
  }

  getStatus(): TrackerStatus {
    return this.status;
  }

  /** Stops the timers and waits for the poll in flight (its notices are delivered first). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
    this.watched = undefined;
    await this.chain;
  }

  /** Listens to every answer of the current source (again when the source changes). */
  private watch(): void {
    const source = this.opts.source();
    if (source === this.watched) return;
    this.unwatch?.();
    this.unwatch = undefined;
    this.watched = source;
    if (source?.watch) this.unwatch = source.watch((seen) => this.seen(seen));
  }

  /**
   * An answer someone got: remembered (and told) in turn with the polls, never beside them. The
   * answers that arrive while a poll runs are taken together (a list of 10,000 jobs publishes
   * 10,000 views at once: one write of the tracker's file for all of them, not one each).
   */
  private seen(seen: SeenJob): void {
    if (this.stopped) return;
    this.arrived.push(seen);
    if (this.arrived.length > 1) return; // already waiting in the chain
    this.chain = this.chain.then(() => this.take(this.arrived.splice(0))).catch(() => undefined);
  }

  private async take(arrived: SeenJob[]): Promise<void> {
    if (this.stopped || !this.doc) return;
    const source = this.opts.source();
    // Before the first poll of a connection the key is not known yet; that poll sees the jobs anyway.
    if (!source || source.key !== this.key) return;
    const batch: [string, Observation][] = [];
    for (const seen of arrived) {
      const name = seen.kind === 'updated' ? seen.view.name : seen.name;
      if (seen.kind === 'removed') {
        const known = this.jobs()[name];
        // (a removal after an answer in the same batch: that answer made it known)
        if ((known && !known.gone) || batch.some(([n, o]) => n === name && o.found))
          batch.push([name, { found: false, name }]);
        continue;
      }
      // A verdict still waiting for an error log is followed by the view with the log read (the
      // jobs service publishes it); an answer older than one already taken says nothing new.
      if (seen.view.verdict.kind === 'checking') continue;
      if (this.older(name, seen.view)) continue;
      const job = observe(seen.view);
      if (job) batch.push([name, { found: true, job }]);
    }
    if (batch.length === 0) return;
    const before = this.tracked().length;
    let snaps: Map<string, JobSnapshot | undefined>;
    try {
      snaps = await this.commit(batch);
    } catch (err) {
      const names = [...new Set(batch.map(([n]) => n))];
      const which = names.length === 1 ? `job ${names[0]}` : `${names.length} jobs (${names.slice(0, 3).join(', ')}…)`;
      this.opts.onError?.(
        `Haul could not remember what it saw of ${which} (${messageOf(err)}); it asks again on the next poll.`,
      );
      return;
    }
    const at = this.clock.now();
    let soonest: number | undefined;
    for (const [name, snap] of snaps) {
      if (!snap || snap.gone) continue;
      // Just seen: its next poll is a full interval away, unless one was due sooner.
      const due = at + pollInterval(snap.state, this.intervals);
      this.due.set(name, Math.min(this.due.get(name) ?? due, due));
      soonest = Math.min(soonest ?? due, due);
    }
    // (A retry after a failure keeps its own timer: it asks about everything.)
    if (soonest !== undefined && this.failures === 0 && (this.timerAt === undefined || soonest < this.timerAt))
      this.schedule(soonest - at);
    const after = this.tracked().length;
    if (after !== before) this.setStatus({ jobs: after });
  }

  private enqueue(full: boolean): Promise<void> {
    if (full && this.queuedFull) return this.queuedFull;
    const run = this.chain.then(() => {
      if (full && this.queuedFull === run) this.queuedFull = undefined;
      return this.cycle(full);
    });
    if (full) this.queuedFull = run;
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** `full`: the retry after a failure asks about everything (what was due during the outage is). */
  private schedule(ms: number, full = false): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerAt = this.clock.now() + Math.max(0, ms);
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = undefined;
        void this.enqueue(full);
      },
      Math.max(0, ms),
    );
    this.setStatus({ nextPollAt: this.timerAt });
  }

  private setStatus(change: Partial<TrackerStatus>): void {
    const next: TrackerStatus = { ...this.status, ...change, at: this.clock.now() };
    for (const k of Object.keys(change) as (keyof TrackerStatus)[]) if (change[k] === undefined) delete next[k];
    this.status = next;
    this.opts.onStatus?.(next);
  }

  private tracked(): string[] {
    return Object.entries(this.jobs())
      .filter(([, s]) => !s.gone)
      .map(([n]) => n);
  }

  /** Whether the current connection's first list was taken (then a job first seen is news). */
  private hasBaseline(): boolean {
    return this.doc?.baselines?.[this.key] !== undefined;
  }

  /** The remembered jobs of the current connection (another connection's jobs are not gone, just elsewhere). */
  private jobs(): TrackerDoc['connections'][string] {
    return this.doc?.connections[this.key] ?? {};
  }

  /** One poll: the list when due (or asked), then Get Job for every job whose time has come. */
  private async cycle(full: boolean): Promise<void> {
    if (this.stopped || !this.doc) return;
    const source = this.opts.source();
    if (!source) {
      this.setStatus({
        state: 'disconnected',
        message: 'Haul is not connected to an Import/Export service yet; jobs are followed once it is.',
      });
      this.schedule(this.intervals.listMs);
      return;
    }
    if (source.key !== this.key) {
      this.key = source.key;
      this.due.clear();
      this.takenAt.clear();
    }
    this.watch();
    try {
      await this.flush();
      const fresh = new Set<string>();
      const waiting = new Set<string>();
      let now = this.clock.now();
      const listing = full || now >= this.listDue;
      if (listing) {
        const listed = await source.list();
        now = this.clock.now();
        this.listDue = now + this.intervals.listMs;
        const names = new Set(listed.map((j) => j.name));
        const firstSeen: [string, Observation][] = [];
        for (const job of listed) {
          const known = this.jobs()[job.name];
          if (known && !known.gone) continue;
          // A job seen for the first time (or a name used again): remembered as it is, telling the
          // alerts it is already in (a drive never received, a drive with errors, Faulted); after
          // the connection's baseline, also how it ended if it is over (commit).
          // Its verdict waits for an error log: Get Job (below) reads it first.
          if (job.verdict.kind === 'checking') {
            waiting.add(job.name);
            continue;
          }
          const seen = observe(job);
          if (!seen) continue;
          this.older(job.name, job);
          firstSeen.push([job.name, { found: true, job: seen }]);
        }
        // All of them in one write (a first list of a resource group may hold thousands).
        const snaps = await this.commit(firstSeen);
        for (const [name, seen] of firstSeen) {
          fresh.add(name);
          const state = snaps.get(name)?.state ?? (seen.found ? seen.job.state : undefined);
          if (state) this.due.set(name, now + pollInterval(state, this.intervals));
        }
        // A job that left the list may be gone: ask about it now.
        for (const name of this.tracked()) if (!names.has(name)) this.due.set(name, now);
      }
      for (const name of [...this.tracked(), ...waiting]) {
        if (this.stopped) break;
        if (!full && !waiting.has(name) && (this.due.get(name) ?? 0) > this.clock.now()) continue;
        if (fresh.has(name)) continue;
        const job = await source.get(name);
        if (job) this.older(name, job);
        const at = this.clock.now();
        const observed = job ? observe(job) : undefined;
        const seen: Observation | undefined = job
          ? observed
            ? { found: true, job: observed }
            : undefined
          : { found: false, name };
        const snap = seen ? (await this.commit([[name, seen]])).get(name) : this.jobs()[name];
        if (snap) this.due.set(name, at + pollInterval(snap.state, this.intervals));
      }
      // The connection's first list, with the jobs it had waiting for their error logs, is taken:
      // it is the baseline (also when it held no job). Not before: a retry must not tell them.
      if (listing && !this.hasBaseline()) await this.markBaseline();
      this.failures = 0;
      const now2 = this.clock.now();
      this.setStatus({ state: 'online', jobs: this.tracked().length, lastSuccessAt: now2, message: undefined });
      const next = Math.min(this.listDue, ...this.tracked().map((n) => this.due.get(n) ?? now2));
      this.schedule(next - now2);
    } catch (err) {
      this.failures += 1;
      const wait = backoff(this.failures, this.intervals, this.random);
      this.setStatus({
        state: 'offline',
        jobs: this.tracked().length,
        message: `${describeFailure(err)} Haul tries again by itself.`,
      });
      this.schedule(wait, true);
    }
  }

  private async markBaseline(): Promise<void> {
    if (!this.doc) return;
    this.doc = { ...this.doc, baselines: { ...this.doc.baselines, [this.key]: this.clock.now() } };
    await this.opts.store.write(this.doc);
  }

  /** Whether a view is older than the last one taken for its job (then it is skipped); else notes its time. */
  private older(name: string, view: JobView): boolean {
    const at = Date.parse(view.observedAt);
    const last = this.takenAt.get(name);
    if (last !== undefined && at < last) return true;
    this.takenAt.set(name, at);
    return false;
  }

  /**
   * Diffs each observation (in order, each against the state the one before left), remembers the
   * new states and their notices in one write, then delivers the notices. The snapshot of each job
   * after. A job first seen is news once the connection has its baseline.
   */
  private async commit(batch: [string, Observation][]): Promise<Map<string, JobSnapshot | undefined>> {
    const snaps = new Map<string, JobSnapshot | undefined>();
    if (!this.doc || batch.length === 0) return snaps;
    let jobs = this.jobs();
    let copied = false;
    const notices: NoticeDraft[] = [];
    const firstSightingIsNews = this.hasBaseline();
    for (const [name, seen] of batch) {
      const prev = jobs[name];
      const r = diffJob(prev, seen, (this.opts.serviceNow ?? this.clock.now)(), this.clock.now(), {
        firstSightingIsNews,
      });
      if (!r || (prev && r.notices.length === 0 && JSON.stringify(prev) === JSON.stringify(r.next))) {
        snaps.set(name, prev);
        continue;
      }
      if (!copied) {
        jobs = { ...jobs };
        copied = true;
      }
      jobs[name] = r.next;
      notices.push(...r.notices);
      snaps.set(name, r.next);
    }
    if (!copied) return snaps;
    this.doc = {
      ...this.doc,
      connections: { ...this.doc.connections, [this.key]: jobs },
      outbox: [...this.doc.outbox, ...notices],
    };
    await this.opts.store.write(this.doc);
    if (notices.length) await this.flush();
    return snaps;
  }

  /** Hands the outbox to the centre and empties it; a failure keeps it for the next poll. */
  private async flush(): Promise<void> {
    if (!this.doc || this.doc.outbox.length === 0) return;
    const pending = this.doc.outbox;
    try {
      await this.opts.deliver(pending);
    } catch (err) {
      this.opts.onError?.(`Notifications could not be stored (${messageOf(err)}); Haul tries again on the next poll.`);
      return;
    }
    const ids = new Set(pending.map((n) => n.id));
    this.doc = { ...this.doc, outbox: this.doc.outbox.filter((n) => !ids.has(n.id)) };
    await this.opts.store.write(this.doc);
  }
}

// Helpers for the tracker tests: a JobSource over the local service's ARM API (raw HTTPS, the
// exact JSON the service answers), one that can be cut off like a dropped network, a manual clock
// whose timers fire only when a test moves it, and `haul ops` run in-process.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import type { HaulNotice } from '../../shared/notifications';
import { run as opsCli } from '../../service/opsCli';
import type { JobSource, TrackerClock } from '../../main/core/jobs/trackerSource';
import { Tracker, type TrackerOptions } from '../../main/core/jobs/tracker';
import { trackerStore } from '../../main/core/jobs/trackerStore';
import { NotificationCentre, centreStore } from '../../main/core/notifications/centre';
import { notificationSettingsStore } from '../../main/core/notifications/settings';
import { bytes, prepareDrive, type TestService } from '../service/helpers';
import { BLOCK_SIZE } from '../../shared/formats/driveManifest';
import type { CoreEvents } from '../../main/core/events';
import { jsonRecordStores } from '../../main/core/jobs/records';
import { jobsServiceSource } from '../../main/core/jobs/trackerJobs';
import type { Connection, ConnectionSource } from '../../main/core/service/connection';
import { ServiceHealth } from '../../main/core/service/health';
import { createJobsService, type JobsService } from '../../main/core/service/jobs';
import { localConnection } from '../../main/core/service/local';

/**
 * The tracker's source as in the app: main's jobs service (its client, job records and views) on
 * the test service, on the service's clock. `endpoint()` lets a test point it at a dead port.
 * `jobs` is that jobs service, as the screens call it.
 */
export function serviceSource(
  t: TestService,
  recordsDir: string,
  endpoint = () => t.svc.connection.endpoint,
): { source: JobSource; updates: string[]; jobs: JobsService } {
  const updates: string[] = [];
  const events: CoreEvents = {
    emit: (event, payload) => {
      if (event === 'job.updated') updates.push(JSON.stringify(payload));
    },
    on: () => () => undefined,
  };
  const serviceDir = t.dataDir;
  const live = localConnection(t.svc.connection, serviceDir, t.ca);
  let current: Connection = live;
  const connections: ConnectionSource = {
    current: () => {
      const e = endpoint();
      if (current.endpoint !== e) current = { ...live, endpoint: e };
      return current;
    },
    onChange: () => () => undefined,
  };
  const jobs = createJobsService({
    connections,
    health: new ServiceHealth(),
    recordStores: jsonRecordStores(recordsDir),
    events,
    now: () => new Date(t.svc.jobs.now()),
    client: { timeoutMs: 10_000 },
  });
  return { source: jobsServiceSource(jobs), updates, jobs };
}

/** Timers that fire only from `fire()`; `now` is whatever the test says (here: the service clock). */
export class ManualClock implements TrackerClock {
  protected readonly timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  constructor(readonly now: () => number) {}
  setTimeout(fn: () => void, ms: number): number {
    this.seq += 1;
    this.timers.set(this.seq, { at: this.now() + ms, fn });
    return this.seq;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  /** Delays of the timers now pending, from now. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.now());
  }
  /** Runs every pending timer (as if their time had come). */
  fire(): void {
    const due = [...this.timers.values()];
    this.timers.clear();
    for (const t of due) t.fn();
  }
}

/** A clock of its own, for tests without a service: time moves only with advance(). */
export class FakeClock extends ManualClock {
  private readonly box: { t: number };
  constructor(start = Date.UTC(2026, 11, 1, 12, 0, 0)) {
    const box = { t: start };
    super(() => box.t);
    this.box = box;
  }
  /** Moves time forward and fires the timers that came due, in order. */
  advance(ms: number): void {
    this.box.t += ms;
    const due = [...this.timers.entries()].filter(([, x]) => x.at <= this.box.t).sort((a, b) => a[1].at - b[1].at);
    for (const [id, x] of due) {
      this.timers.delete(id);
      x.fn();
    }
  }
}

export interface Rig {
  dir: string;
  tracker: Tracker;
  centre: NotificationCentre;
  /** Every `notification` event, in order. */
  events: HaulNotice[];
  start(overrides?: Partial<TrackerOptions>): Promise<Tracker>;
  titles(): string[];
  cleanup(): Promise<void>;
}

/** A tracker and a notification centre on a temp data folder (start() again = a restart on the same folder). */
export async function rig(
  source: () => JobSource | undefined,
  clock: TrackerClock,
  base: Partial<TrackerOptions> = {},
): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'haul-tracker-test-'));
  const events: HaulNotice[] = [];
  const settings = notificationSettingsStore(dir);
  const centre = new NotificationCentre({
    store: centreStore(dir),
    settings: () => settings.read(),
    emit: (n) => events.push(n),
    now: () => clock.now(),
  });
  const r: Rig = {
    dir,
    centre,
    events,
    tracker: undefined as unknown as Tracker,
    async start(overrides = {}) {
      r.tracker = new Tracker({
        source,
        store: trackerStore(dir),
        deliver: (n) => centre.deliver(n),
        clock,
        random: () => 0.5,
        ...base,
        ...overrides,
      });
      await r.tracker.start();
      await r.tracker.idle();
      return r.tracker;
    },
    titles: () => events.map((e) => e.title),
    async cleanup() {
      await r.tracker?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return r;
}

/** `haul ops …` in-process against the service's data folder. */
export async function ops(t: TestService, ...args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out.push(a.join(' '));
  });
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    out.push(a.join(' '));
  });
  try {
    const code = await opsCli([args[0] ?? '', '--data-dir', t.dataDir, ...args.slice(1)]);
    if (code !== 0) throw new Error(`haul ops ${args.join(' ')} failed (${code}): ${out.join('\n')}`);
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  return out.join('\n');
}

/**
 * A prepared drive in `work` (a file of one block and a bit, and a small one); `corrupt` damages
 * big.bin after its MD5 went into the manifest, so the data center's copy fails it (D7).
 */
export async function preparedDrive(
  work: string,
  id: string,
  corrupt = false,
): Promise<{ path: string; hash: string }> {
  const path = join(work, id);
  const hash = await prepareDrive(path, id, [
    { blobPath: `${id.toLowerCase()}/big.bin`, data: bytes(BLOCK_SIZE + 1000, id.length) },
    { blobPath: `${id.toLowerCase()}/small.txt`, data: bytes(500, 3) },
  ]);
  if (corrupt) {
    const f = join(path, 's1', id.toLowerCase(), 'big.bin');
    const buf = await readFile(f);
    buf[BLOCK_SIZE + 10] = (buf[BLOCK_SIZE + 10] ?? 0) ^ 0xff;
    await writeFile(f, buf);
  }
  return { path, hash };
}

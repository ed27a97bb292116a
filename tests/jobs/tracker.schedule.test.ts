// The tracker's timing on a clock the test moves: how often it asks while a job moves and while
// nothing moves, how it backs off when the service does not answer, shows offline and comes back.
import { afterEach, describe, expect, it } from 'vitest';
import type { ArmJob } from '../../shared/arm/schemas';
import { buildJobView, type JobView } from '../../shared/jobs';
import type { TrackerStatus } from '../../shared/notifications';
import type { JobSource, SeenJob } from '../../main/core/jobs/trackerSource';
import { trackerStore } from '../../main/core/jobs/trackerStore';
import { FakeClock, rig, type Rig } from './trackerHelpers';

/** The state of a job's one drive that goes with the job's state. */
const DRIVE_STATE: Record<string, string> = {
  Creating: 'Specified',
  Shipping: 'Specified',
  Received: 'Received',
  Transferring: 'Transferring',
  Packaging: 'Completed',
  Completed: 'ShippedBack',
};

function armJob(name: string, state: string, modifiedAt: number, percent = 0): ArmJob {
  return {
    id: `/x/${name}`,
    name,
    type: 'Microsoft.ImportExport/jobs',
    location: 'Sandbox West',
    systemData: {
      createdBy: 'u',
      createdAt: new Date(modifiedAt).toISOString(),
      lastModifiedBy: 'u',
      lastModifiedAt: new Date(modifiedAt).toISOString(),
    },
    properties: {
      storageAccountId: '/s',
      jobType: 'Import',
      diagnosticsPath: 'waimportexport',
      logLevel: 'Error',
      backupDriveManifest: false,
      state,
      cancelRequested: false,
      percentComplete: percent,
      driveList: [
        {
          driveId: `${name.toUpperCase()}1`,
          state: DRIVE_STATE[state] ?? 'Received',
          percentComplete: percent,
          bytesSucceeded: percent * 1000,
          ...(DRIVE_STATE[state] === 'Completed' ? { copyStatus: 'Completed' } : {}),
        },
      ],
      provisioningState: 'Succeeded',
    },
  };
}

/** A service in memory: jobs the test moves, a call log, and a switch that drops the network. */
class FakeService implements JobSource {
  readonly key = 'fake/sub/rg';
  jobs = new Map<string, ArmJob>();
  calls: string[] = [];
  down = false;
  constructor(private readonly clock: FakeClock) {}
  set(name: string, state: string, percent = 0) {
    this.jobs.set(name, armJob(name, state, this.clock.now(), percent));
  }
  private check(what: string) {
    this.calls.push(what);
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
  }
  private view(j: ArmJob): JobView {
    return buildJobView(j, undefined, new Date(this.clock.now()));
  }
  async list() {
    this.check('list');
    return [...this.jobs.values()].map((j) => this.view(j));
  }
  async get(name: string) {
    this.check(`get ${name}`);
    const j = this.jobs.get(name);
    return j && this.view(j);
  }
}

let r: Rig | undefined;
afterEach(async () => {
  await r?.cleanup();
  r = undefined;
});

async function setup() {
  const clock = new FakeClock();
  const svc = new FakeService(clock);
  const statuses: TrackerStatus[] = [];
  r = await rig(() => svc, clock, { onStatus: (s) => statuses.push(s) });
  return { clock, svc, statuses, r };
}

/** Moves the clock in steps of `step` ms for `total` ms, letting each poll finish. */
async function run(clock: FakeClock, rr: Rig, total: number, step = 1000) {
  for (let t = 0; t < total; t += step) {
    clock.advance(step);
    await rr.tracker.idle();
  }
}

describe('tracker timing', () => {
  it('polls every 15 s while a job is Transferring and every 5 minutes while it is Shipping; at start, at once', async () => {
    const { clock, svc, r } = await setup();
    svc.set('moving', 'Transferring', 10);
    svc.set('waiting', 'Shipping');
    await r.start();
    expect(svc.calls).toEqual(['list']); // the immediate poll at start: the list (both jobs first seen)
    svc.calls = [];
    await run(clock, r, 60_000);
    expect(svc.calls.filter((c) => c === 'get moving')).toHaveLength(4);
    expect(svc.calls.filter((c) => c === 'get waiting')).toHaveLength(0);
    await run(clock, r, 5 * 60_000 - 60_000, 5000);
    expect(svc.calls.filter((c) => c === 'get waiting')).toHaveLength(1);
    expect(svc.calls.filter((c) => c === 'get moving')).toHaveLength(20);
  });

  it('tracker.refresh asks about every job now, whatever their schedule', async () => {
    const { svc, r } = await setup();
    svc.set('waiting', 'Shipping');
    await r.start();
    svc.calls = [];
    svc.set('waiting', 'Received');
    await r.tracker.refresh();
    expect(svc.calls).toEqual(['list', 'get waiting']);
    expect(r.titles()).toEqual([
      'Drive WAITING1 of job waiting was received',
      'Job waiting: the data center received your drives',
    ]);
  });

  it('a service that does not answer: no crash, offline with the time of the last good poll, exponential backoff with jitter, then back by itself with what it missed', async () => {
    const { clock, svc, statuses, r } = await setup();
    svc.set('moving', 'Transferring', 10);
    await r.start();
    const lastGood = r.tracker.getStatus().lastSuccessAt!;
    expect(r.tracker.getStatus().state).toBe('online');
    svc.down = true;
    clock.advance(15_000);
    await r.tracker.idle();
    expect(r.tracker.getStatus()).toMatchObject({ state: 'offline', lastSuccessAt: lastGood });
    expect(r.tracker.getStatus().message).toMatch(/cannot be reached \(ECONNREFUSED\).*tries again by itself/);
    // Retries after 15 s, 30 s, 60 s, 120 s … (random() = 0.5: three quarters of each), at most 10 min.
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const [wait] = clock.pending();
      waits.push(wait!);
      clock.advance(wait!);
      await r.tracker.idle();
    }
    expect(waits).toEqual([11_250, 22_500, 45_000, 90_000, 180_000, 360_000, 450_000]);
    // Meanwhile the job moved twice.
    svc.set('moving', 'Packaging', 100);
    svc.jobs.get('moving')!.properties!.percentComplete = 100;
    svc.down = false;
    clock.advance(clock.pending()[0]!);
    await r.tracker.idle();
    expect(r.tracker.getStatus().state).toBe('online');
    expect(r.titles()).toEqual([
      'Drive MOVING1 of job moving copied without errors',
      'Job moving: drives processed, being packed',
      'Job moving: all data copied (100%)',
    ]);
    expect(statuses.some((s) => s.state === 'offline')).toBe(true);
    // Back to the normal rhythm: a Packaging job (its drives at the data center) every 15 s.
    expect(clock.pending()).toEqual([15_000]);
  });

  it('no connection yet: says so, and follows the jobs once there is one', async () => {
    const clock = new FakeClock();
    const svc = new FakeService(clock);
    let connected = false;
    r = await rig(() => (connected ? svc : undefined), clock);
    svc.set('later', 'Creating');
    await r.start();
    expect(r.tracker.getStatus()).toMatchObject({ state: 'disconnected' });
    connected = true;
    await r.tracker.refresh();
    expect(r.tracker.getStatus()).toMatchObject({ state: 'online', jobs: 1 });
  });

  it('a thousand jobs at once (a first list, or the views a list published) are remembered in one write each time, not one per job', async () => {
    const clock = new FakeClock();
    const svc = new FakeService(clock);
    const listeners = new Set<(seen: SeenJob) => void>();
    const source: JobSource = {
      key: svc.key,
      list: () => svc.list(),
      get: (name) => svc.get(name),
      watch: (l) => (listeners.add(l), () => listeners.delete(l)),
    };
    for (let i = 0; i < 1000; i++) svc.set(`bulk-${i}`, 'Creating');
    r = await rig(() => source, clock);
    const real = trackerStore(r.dir);
    let writes = 0;
    const store: typeof real = {
      file: real.file,
      read: () => real.read(),
      write: (v) => (writes++, real.write(v)),
      update: (f) => (writes++, real.update(f)),
    };
    await r.start({ store });
    expect(r.tracker.getStatus()).toMatchObject({ state: 'online', jobs: 1000 });
    // (the states with their notices; then the outbox emptied once the notices are delivered)
    expect(writes).toBeLessThanOrEqual(2);

    // A screen's list shows them all moved on: the views arrive together, and are written together.
    writes = 0;
    for (let i = 0; i < 1000; i++) svc.set(`bulk-${i}`, 'Shipping');
    for (const view of await svc.list()) for (const l of listeners) l({ kind: 'updated', view });
    await r.tracker.idle();
    expect(writes).toBeLessThanOrEqual(2);
    expect(r.tracker.getStatus()).toMatchObject({ jobs: 1000 });
  });
});

// jobs.list answering from what main already holds (stale while revalidate): a Jobs screen opened
// again, or a page reloaded, gets main's last list at once, saying how old it is, while one fresh
// list is asked of the service; whoever asks for the fresh list joins it, and what it changed goes
// out as job.updated. Against the local service, through the bridge's dispatch gate.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { localConnection } from '../../main/core/service/local';
import type { Connection, ConnectionSource } from '../../main/core/service/connection';
import type { JobList } from '../../shared/ipc/channels/jobs';
import type { EventPayload } from '../../shared/ipc/contract';
import { RETURN_ADDRESS, startTestService, type TestService } from '../service/helpers';

const fixed = (c: Connection | undefined): ConnectionSource => ({ current: () => c, onChange: () => () => undefined });

let t: TestService;
let work: string;
let core: Core;
const events: EventPayload<'job.updated'>[] = [];

async function list(payload: unknown = {}): Promise<JobList> {
  const r = (await dispatch(core.handlers, 'jobs.list', payload)) as
    | { ok: true; value: JobList }
    | { ok: false; error: { code: string; message: string } };
  if (!r.ok) throw new Error(`jobs.list failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

async function makeJob(name: string) {
  await t.client().jobs.create(name, t.svc.connection.resourceGroup, {
    location: 'Sandbox East',
    properties: {
      storageAccountId: t.storageAccountId(),
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      driveList: [
        {
          driveId: `${name.replace(/-/g, '').toUpperCase()}X`,
          bitLockerKey: 'k',
          manifestFile: '\\M.xml',
          manifestHash: 'AB',
        },
      ],
    },
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'haul-jobs-kept-'));
  t = await startTestService({ storage: false, progressIntervalMs: 0 });
  core = await createCore({
    dataDir: join(work, 'app'),
    listDrives: async () => [],
    connections: fixed(localConnection(t.svc.connection, t.dataDir)),
    tracker: { start: false },
  });
  core.events.on((event, payload) => {
    if (event === 'job.updated') events.push(payload as EventPayload<'job.updated'>);
  });
}, 120_000);
afterAll(async () => {
  await core?.dispose();
  await t?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('jobs.list from what main already holds', () => {
  it('with nothing kept yet (a cold start), a kept list still asks the service and says it is fresh', async () => {
    await makeJob('kept-a');
    const first = await list({ answer: 'kept' });
    expect(first).toMatchObject({ kept: false, refreshing: false });
    expect(first.jobs.map((j) => j.name)).toEqual(['kept-a']);
  });

  it('answers a second list at once without waiting for the service, says how old it is, then the fresh list follows', async () => {
    const jobs = core.context.jobs!;
    const client = jobs.client();
    const listedBefore = (await list()).observedAt;
    // The data center moves on while the screen is elsewhere: a new job, and kept-a shipped.
    await makeJob('kept-b');
    await t.client().jobs.update('kept-a', t.svc.connection.resourceGroup, {
      state: 'Shipping',
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'KEPT-1' },
    });

    // The service's list is held back until the test lets it go.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const real = client.listJobs.bind(client);
    const listJobs = vi.spyOn(client, 'listJobs').mockImplementation(async () => {
      await held;
      return real();
    });
    events.length = 0;
    try {
      const kept = await list({ answer: 'kept' });
      expect(kept).toMatchObject({ kept: true, refreshing: true, observedAt: listedBefore });
      // What main held: kept-a as it was, no kept-b yet (not shown as current: `kept` says so).
      expect(kept.jobs.map((j) => [j.name, j.state])).toEqual([['kept-a', 'Creating']]);
      expect(listJobs).toHaveBeenCalledTimes(1);

      // A fresh list asked meanwhile (the screen, the tracker) joins the one under way.
      const again = list({ answer: 'kept' });
      const fresh = list();
      release();
      const [, answer] = await Promise.all([again, fresh]);
      expect(listJobs).toHaveBeenCalledTimes(1);
      expect(answer).toMatchObject({ kept: false, refreshing: false });
      expect(Date.parse(answer.observedAt)).toBeGreaterThanOrEqual(Date.parse(listedBefore));
      expect(answer.jobs.map((j) => [j.name, j.state]).sort()).toEqual([
        ['kept-a', 'Shipping'],
        ['kept-b', 'Creating'],
      ]);
      // The fresh list's changes went out as job.updated, for a screen showing the kept list.
      expect(events.map((e) => e.name).sort()).toEqual(['kept-a', 'kept-b']);
    } finally {
      listJobs.mockRestore();
      release();
    }
  });

  it('after a refresh the kept list is the fresh one, with its time', async () => {
    const fresh = await list();
    const kept = await list({ answer: 'kept' });
    expect(kept).toMatchObject({ kept: true, observedAt: fresh.observedAt });
    expect(kept.jobs.map((j) => [j.name, j.state]).sort()).toEqual([
      ['kept-a', 'Shipping'],
      ['kept-b', 'Creating'],
    ]);
    await list(); // the refresh the kept answer started, so nothing runs past the test
  });

  it('refuses an answer it does not know at the gate', async () => {
    const r = await dispatch(core.handlers, 'jobs.list', { answer: 'old' });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});

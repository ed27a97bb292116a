// jobs.rows: the Jobs screen's list, every job as its row (shared/jobs/row.ts) rather than its full
// view, so a page opened or reloaded with thousands of jobs draws its first rows quickly. The rows
// are the same list as jobs.list (kept or fresh alike), carry every fact the row, the search, the
// filter and the sort read, and nothing a row does not show (addresses, actions, the timeline).
// Against the local service, through the bridge's dispatch gate.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { localConnection } from '../../main/core/service/local';
import type { Connection, ConnectionSource } from '../../main/core/service/connection';
import { JobRowList, type JobList } from '../../shared/ipc/channels/jobs';
import type { EventPayload } from '../../shared/ipc/contract';
import type { ChannelName } from '../../shared/ipc/names';
import { rowOf } from '../../shared/jobs/row';
import type { JobView } from '../../shared/jobs/schemas';
import { RETURN_ADDRESS, startTestService, type TestService } from '../service/helpers';

const fixed = (c: Connection | undefined): ConnectionSource => ({ current: () => c, onChange: () => () => undefined });

let t: TestService;
let work: string;
let core: Core;

async function ask(channel: ChannelName, payload: unknown = {}): Promise<unknown> {
  const r = await dispatch(core.handlers, channel, payload);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'haul-jobs-rows-'));
  t = await startTestService({ storage: false, progressIntervalMs: 0 });
  core = await createCore({
    dataDir: join(work, 'app'),
    listDrives: async () => [],
    connections: fixed(localConnection(t.svc.connection, t.dataDir)),
    tracker: { start: false },
  });
  for (const name of ['rows-a', 'rows-b'])
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
  await t.client().jobs.update('rows-a', t.svc.connection.resourceGroup, {
    state: 'Shipping',
    deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'ROWS-TRK-1' },
  });
}, 120_000);
afterAll(async () => {
  await core?.dispose();
  await t?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("jobs.rows, the Jobs screen's list", () => {
  it('gives every job of jobs.list as its row: what the row shows and the search reads, nothing more', async () => {
    const views = (await ask('jobs.list')) as JobList;
    const answer = await ask('jobs.rows');
    // The row schema is strict: a full view (its addresses, actions, alerts) would be refused.
    const rows = JobRowList.parse(answer);
    expect(rows).toMatchObject({ kept: false, refreshing: false });
    expect(rows.jobs.map((r) => [r.name, r.state]).sort()).toEqual([
      ['rows-a', 'Shipping'],
      ['rows-b', 'Creating'],
    ]);
    const a = rows.jobs.find((r) => r.name === 'rows-a')!;
    expect(a).toMatchObject({
      storageAccount: expect.any(String),
      location: { name: 'Sandbox East' },
      deliveryPackage: { trackingNumber: 'ROWS-TRK-1' },
      drives: [{ driveId: 'ROWSAX', state: expect.any(String), verdict: { label: expect.any(String) } }],
    });
    expect(JSON.stringify(a)).not.toContain(RETURN_ADDRESS.streetAddress1);
    // Each row is its view's row, as the page makes one from a job.updated view (two lists: two times built).
    for (const row of rows.jobs) {
      const view = views.jobs.find((v) => v.name === row.name)!;
      expect({ ...row, observedAt: view.observedAt }).toEqual(rowOf(view));
    }
    // What crosses the bridge for the list: a fraction of the full views.
    expect(JSON.stringify(rows.jobs).length).toBeLessThan(JSON.stringify(views.jobs).length / 3);
  });

  it("answers from main's kept list at once, saying so, as jobs.list does", async () => {
    const fresh = JobRowList.parse(await ask('jobs.rows'));
    const kept = JobRowList.parse(await ask('jobs.rows', { answer: 'kept' }));
    expect(kept).toMatchObject({ kept: true, observedAt: fresh.observedAt });
    expect(kept.jobs.map((r) => r.name).sort()).toEqual(['rows-a', 'rows-b']);
    await ask('jobs.rows'); // the refresh the kept answer started, so nothing runs past the test
  });

  it('refuses an answer it does not know at the gate', async () => {
    const r = await dispatch(core.handlers, 'jobs.rows', { answer: 'old' });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});

describe('a job page opened from the list', () => {
  it("gets the view main holds at once (jobs.get kept), and the service's with a fresh Get Job", async () => {
    await ask('jobs.rows');
    // The job moves at the service after main's list saw it: the held view is the list's, the fresh one the service's.
    await t.client().jobs.update('rows-b', t.svc.connection.resourceGroup, {
      state: 'Shipping',
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'ROWS-TRK-2' },
    });
    const held = (await ask('jobs.get', { name: 'rows-b', answer: 'kept' })) as JobView;
    expect(held.state).toBe('Creating');
    const fresh = (await ask('jobs.get', { name: 'rows-b' })) as JobView;
    expect(fresh.state).toBe('Shipping');
    expect(fresh.observedAt > held.observedAt).toBe(true);
    // What main holds now is the fresh view; a job it holds nothing of is asked of the service.
    expect(((await ask('jobs.get', { name: 'rows-b', answer: 'kept' })) as JobView).state).toBe('Shipping');
    const r = await dispatch(core.handlers, 'jobs.get', { name: 'no-such-job', answer: 'kept' });
    expect(r).toMatchObject({ ok: false, error: { code: 'ResourceNotFound' } });
  });
});

describe('a list of many jobs leaves room for the screens', () => {
  it("answers a reloaded page's kept rows while main builds a fresh list of 1,000 jobs, not after it", async () => {
    const client = core.context.jobs!.client();
    const pattern = await client.getJob('rows-b');
    const many = Array.from({ length: 1000 }, (_, i) => {
      const name = `many-${String(i).padStart(4, '0')}`;
      return { ...pattern, name, id: pattern.id?.replace(/rows-b$/, name) };
    });
    const listJobs = vi.spyOn(client, 'listJobs').mockResolvedValue(many);
    // Views published by the fresh list so far, counted when the kept answer arrives.
    let published = 0;
    let publishedWhenAnswered: number | undefined;
    let asked = false;
    const off = core.events.on((event, payload) => {
      const e = payload as EventPayload<'job.updated'>;
      if (event !== 'job.updated' || e.kind !== 'updated' || !e.name.startsWith('many-')) return;
      published++;
      if (asked) return;
      asked = true;
      // The page reloads while the list is being built: it asks for the kept rows.
      void dispatch(core.handlers, 'jobs.rows', { answer: 'kept' }).then(() => (publishedWhenAnswered = published));
    });
    try {
      const fresh = (await ask('jobs.rows')) as { jobs: unknown[] };
      expect(fresh.jobs).toHaveLength(1000);
      expect(published).toBe(1000);
      expect(publishedWhenAnswered).toBeDefined();
      expect(publishedWhenAnswered).toBeLessThan(1000);
    } finally {
      off();
      listJobs.mockRestore();
    }
  }, 60_000);
});

// The Jobs screen's list as rows (jobs.rows): the store holds each job's row, not its full view, so
// a reload with thousands of jobs draws quickly; the job page asks for the full view. A job.updated
// event reaches its row (and the search, filter and sort) at once, and the job page's view too; a
// list newer than the view a job page holds has that view asked for again, never left as current.
// The store runs against a bridge whose answers the test holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRowList } from '../../shared/ipc/channels/jobs';
import type { BridgeResult } from '../../shared/ipc/contract';
import { rowOf } from '../../shared/jobs/row';
import type { JobView } from '../../shared/jobs/schemas';
import { driveVerdict } from '../../shared/jobs/verdict';
import { countByState, visibleJobs, type JobFilters } from '../../renderer/src/store/jobIndex';
import { jobView } from './jobView';

const view = (name: string, state: JobView['state'], observedAt: string, extra: Partial<JobView> = {}) =>
  jobView(name, state, {
    storageAccount: 'haulsandbox',
    location: { name: 'Sandbox West', supportedCarriers: ['FedEx'], alternateLocations: [] },
    returnAddress: {
      recipientName: 'Ada Example',
      streetAddress1: '1 Test Street',
      city: 'Sampleton',
      postalCode: '12345',
      countryOrRegion: 'Sandboxia',
      phone: '+00 555 0100',
      email: 'ada@example.com',
    },
    contact: { emails: ['ada@example.com'] },
    observedAt,
    ...extra,
  });

const rows = (...views: JobView[]) => views.map(rowOf);
const listOf = (jobs: JobView[], observedAt: string): JobRowList => ({
  jobs: rows(...jobs),
  observedAt,
  kept: false,
  refreshing: false,
});

const listed: { request: unknown; answer(r: BridgeResult<JobRowList>): void }[] = [];
const got: { name: string; kind: string; answer(r: BridgeResult<JobView>): void }[] = [];
let store: typeof import('../../renderer/src/store').useHaul;
const tick = () => new Promise((r) => setTimeout(r, 0));

beforeAll(async () => {
  const haul = {
    jobsRows: (request: unknown) =>
      new Promise<BridgeResult<JobRowList>>((resolve) => listed.push({ request: request ?? {}, answer: resolve })),
    jobsGet: (request: { name: string; answer?: string }) =>
      new Promise<BridgeResult<JobView>>((resolve) =>
        got.push({ name: request.name, kind: request.answer ?? 'fresh', answer: resolve }),
      ),
  };
  (globalThis as unknown as { window: unknown }).window = { haul };
  store = (await import('../../renderer/src/store')).useHaul;
});
afterAll(() => {
  delete (globalThis as unknown as { window?: unknown }).window;
});

describe('the Jobs screen holds rows, the job page full views', () => {
  it('shows the list from rows; the job page asks for the full view, and an event reaches both at once', async () => {
    const refreshed = store.getState().jobs.refresh();
    listed[0]!.answer({
      ok: true,
      value: listOf(
        [view('alpha', 'Creating', '2026-12-01T10:00:00Z'), view('beta', 'Creating', '2026-12-01T10:00:00Z')],
        '2026-12-01T10:00:00Z',
      ),
    });
    await refreshed;
    let s = store.getState();
    expect([...s.jobList.shown].sort()).toEqual(['alpha', 'beta']);
    expect(s.jobs.byName.alpha?.state).toBe('Creating');
    // The list carried no full view: a job page has nothing to show as current until it asks.
    expect(s.jobs.views).toEqual({});

    // The person opens alpha: the job page asks for its full view.
    const loaded = s.jobs.load('alpha');
    expect(got.map((g) => g.name)).toEqual(['alpha']);
    got[0]!.answer({ ok: true, value: view('alpha', 'Creating', '2026-12-01T10:01:00Z') });
    await loaded;
    expect(store.getState().jobs.views.alpha?.returnAddress?.city).toBe('Sampleton');

    // The data center ships alpha and beta: the events reach the rows, the filter and the job page at once.
    store.getState().jobList.setFilters({ state: 'Shipping' });
    expect(store.getState().jobList.shown).toEqual([]);
    const shipped = (name: string) => view(name, 'Shipping', '2026-12-01T10:02:00Z');
    store.getState().jobs.applyEvent({ kind: 'updated', name: 'alpha', view: shipped('alpha') });
    store.getState().jobs.applyEvent({ kind: 'updated', name: 'beta', view: shipped('beta') });
    s = store.getState();
    expect([...s.jobList.shown].sort()).toEqual(['alpha', 'beta']);
    expect(s.jobs.byName.beta?.state).toBe('Shipping');
    expect(s.jobs.views.alpha?.state).toBe('Shipping');
    // beta's page was never opened: its row is kept, not its full view.
    expect(s.jobs.views.beta).toBeUndefined();
    expect(s.jobs.byName.beta).not.toHaveProperty('returnAddress');
    store.getState().jobList.setFilters({ state: 'all' });
  });

  it("a list newer than the job page's view has the view asked for again; a job gone from the list loses it", async () => {
    const refreshed = store.getState().jobs.refresh();
    expect(listed.at(-1)!.request).toEqual({});
    listed.at(-1)!.answer({
      ok: true,
      value: listOf([view('alpha', 'Received', '2026-12-01T10:05:00Z')], '2026-12-01T10:05:00Z'),
    });
    await refreshed;
    const s = store.getState();
    expect(s.jobs.byName.alpha?.state).toBe('Received');
    expect(Object.keys(s.jobs.byName)).toEqual(['alpha']);
    // The job page's view (Shipping) is older than the list's row: it is asked for again at once.
    expect(got.map((g) => g.name)).toEqual(['alpha', 'alpha']);
    got[1]!.answer({ ok: true, value: view('alpha', 'Received', '2026-12-01T10:05:01Z') });
    await tick();
    expect(store.getState().jobs.views.alpha?.state).toBe('Received');
  });

  it("a job page opened from the list shows the view main holds at once, then the service's; never an older one over a newer", async () => {
    const asked = got.length;
    const stops = [store.getState().jobs.watch('beta'), store.getState().jobs.watch('delta')];
    const asks = got.slice(asked);
    // Each page asks main for the view it holds (at once) and the service for a fresh one.
    expect(asks.map((g) => `${g.name} ${g.kind}`)).toEqual(['beta kept', 'beta fresh', 'delta kept', 'delta fresh']);
    const [betaKept, betaFresh, deltaKept, deltaFresh] = asks;
    betaKept!.answer({ ok: true, value: view('beta', 'Shipping', '2026-12-01T10:02:00Z') });
    await tick();
    expect(store.getState().jobs.views.beta?.state).toBe('Shipping');
    betaFresh!.answer({ ok: true, value: view('beta', 'Received', '2026-12-01T10:06:00Z') });
    await tick();
    expect(store.getState().jobs.views.beta?.state).toBe('Received');
    // The service answers first: the held view that comes after it is older and does not replace it.
    deltaFresh!.answer({ ok: true, value: view('delta', 'Received', '2026-12-01T10:07:00Z') });
    await tick();
    deltaKept!.answer({ ok: true, value: view('delta', 'Creating', '2026-12-01T10:03:00Z') });
    await tick();
    expect(store.getState().jobs.views.delta?.state).toBe('Received');
    // A page whose view is held already asks only the service.
    const again = got.length;
    const stopAgain = store.getState().jobs.watch('beta');
    expect(got.slice(again).map((g) => `${g.name} ${g.kind}`)).toEqual(['beta fresh']);
    for (const stop of [...stops, stopAgain]) stop();
    for (const g of got.slice(again)) g.answer({ ok: true, value: view(g.name, 'Received', '2026-12-01T10:08:00Z') });
    for (const l of listed.splice(0)) l.answer({ ok: true, value: listOf([], '2026-12-01T10:08:00Z') });
    await tick();
  });
});

describe('a row finds, filters and sorts as its full view does', () => {
  const at = (iso: string) => [
    { at: iso, subject: 'job' as const, state: 'Creating', from: null, via: 'polled' as const },
  ];
  const views = [
    view('gamma', 'Transferring', 'x', {
      timeline: [...at('2026-12-01T09:00:00Z'), ...at('2026-12-03T09:00:00Z'), ...at('2026-12-02T09:00:00Z')],
      drives: [
        {
          driveId: 'WD-SERIAL-9',
          state: 'Transferring',
          serviceState: 'Transferring',
          percentComplete: 40,
          bytesSucceeded: 1,
          hasBitLockerKey: true,
          extra: false,
          verdict: driveVerdict(
            {
              driveId: 'WD-SERIAL-9',
              state: 'Transferring',
              bytesSucceeded: 1,
              percentComplete: 40,
              extra: false,
              passed: [],
            },
            { name: 'gamma', type: 'Import', state: 'Transferring', cancelRequested: false },
          ),
        },
      ],
    }),
    view('beta', 'Shipping', 'x', {
      lastModifiedAt: '2026-12-04T09:00:00Z',
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'TRK-77' },
    }),
    view('alpha', 'Creating', 'x', {
      timeline: at('2026-12-01T12:00:00Z'),
      nextStep: { actor: 'customer', text: 'Ship the drives' },
      deadlines: [
        {
          rule: 'J2',
          kind: 'creatingExpires',
          at: '2026-12-15T12:00:00Z',
          estimate: true,
          basis: '14 days after the job was created',
          text: 'The job is deleted (rule J2).',
          daysLeft: 8,
          passed: false,
        },
      ],
    }),
  ];
  const f = (x: Partial<JobFilters>): JobFilters => ({
    state: 'all',
    query: '',
    sort: 'updated',
    descending: true,
    ...x,
  });
  const names = (jobs: readonly { name: string }[]) => jobs.map((j) => j.name);

  it('by search, state, "needs you" and every sort, both ways', () => {
    const filters = [
      f({}),
      f({ descending: false }),
      f({ sort: 'name' }),
      f({ sort: 'state', descending: false }),
      f({ sort: 'progress' }),
      f({ query: 'wd-serial' }),
      f({ query: 'trk-77' }),
      f({ query: 'sandbox west' }),
      f({ state: 'attention' }),
      f({ state: 'Shipping' }),
    ];
    for (const filter of filters)
      expect(names(visibleJobs(rows(...views), filter))).toEqual(names(visibleJobs(views, filter)));
    expect(names(visibleJobs(rows(...views), f({})))).toEqual(['beta', 'gamma', 'alpha']);
    expect(countByState(rows(...views))).toEqual(countByState(views));
    // The row keeps the nearest deadline the next step's note shows.
    expect(rowOf(views[2]!).deadlines).toEqual([{ kind: 'creatingExpires', daysLeft: 8, passed: false }]);
  });
});

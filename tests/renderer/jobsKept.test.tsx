// The Jobs screen with main's kept list (stale while revalidate): a page opened or reloaded shows the
// list main already holds at once, says plainly that it is being checked and how old it is, and
// takes the fresh list when it comes without losing the person's search or filter; a refresh that
// fails says the list shown is old. The store runs against a bridge whose answers the test holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import type { JobRowList } from '../../shared/ipc/channels/jobs';
import type { BridgeResult } from '../../shared/ipc/contract';
import type { JobView } from '../../shared/jobs/schemas';
import { jobView } from './jobView';

const view = (name: string, state: JobView['state'], observedAt: string) => jobView(name, state, { observedAt });

/** Each jobs.rows call (the screen's list), its request, and the answer the test gives it when it chooses. */
const calls: { request: unknown; answer(r: BridgeResult<JobRowList>): void }[] = [];
const asked = () => calls.map((c) => c.request);

const text = (markup: string) =>
  markup
    .replace(/<style[^>]*>[^<]*<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ');

let store: typeof import('../../renderer/src/store').useHaul;
let screen: () => string;
const tick = () => new Promise((r) => setTimeout(r, 0));

beforeAll(async () => {
  const haul = {
    jobsRows: (request: unknown) =>
      new Promise<BridgeResult<JobRowList>>((resolve) => calls.push({ request: request ?? {}, answer: resolve })),
  };
  (globalThis as unknown as { window: unknown }).window = { haul };
  store = (await import('../../renderer/src/store')).useHaul;
  const { ListNotice, listIsStale } = await import('../../renderer/src/screens/Jobs/ListNotice');
  // What the screen says about its list, from what the store holds (as JobsScreen passes it).
  screen = () => {
    const { jobs } = store.getState();
    return text(
      renderToStaticMarkup(
        <FluentProvider theme={webLightTheme}>
          <ListNotice
            known={jobs.names !== undefined}
            loading={jobs.loading}
            stale={listIsStale(jobs.kept, jobs.listedAt, Date.now())}
            listedAt={jobs.listedAt}
            error={jobs.error}
            onRetry={() => undefined}
          />
        </FluentProvider>,
      ),
    );
  };
});
afterAll(() => {
  delete (globalThis as unknown as { window?: unknown }).window;
});

describe("the Jobs screen with main's kept list", () => {
  it('shows the kept list at once, says it is being checked, and keeps the search across the fresh list', async () => {
    const refreshed = store.getState().jobs.refresh();
    // Nothing shown yet: the kept list is asked for first.
    expect(asked()).toEqual([{ answer: 'kept' }]);
    calls[0]!.answer({
      ok: true,
      value: {
        jobs: [
          view('alpha-import', 'Creating', '2026-12-01T10:00:00Z'),
          view('beta-import', 'Creating', '2026-12-01T10:00:00Z'),
        ],
        observedAt: '2026-12-01T10:00:00Z',
        kept: true,
        refreshing: true,
      },
    });
    await tick();
    expect(store.getState().jobs).toMatchObject({ kept: true, loading: true, listedAt: '2026-12-01T10:00:00Z' });
    expect(store.getState().jobList.shown).toEqual(expect.arrayContaining(['alpha-import', 'beta-import']));
    const stale = screen();
    expect(stale).toContain('Checking the service for changes');
    expect(stale).toContain('Showing the jobs as Haul last saw them at');
    expect(stale).toContain('a state may have changed since');

    // The person searches while the fresh list is on its way; the fresh list is then asked for.
    store.getState().jobList.setFilters({ query: 'alpha' });
    expect(asked()).toEqual([{ answer: 'kept' }, {}]);
    calls[1]!.answer({
      ok: true,
      value: {
        jobs: [
          view('alpha-import', 'Shipping', '2026-12-01T10:05:00Z'),
          view('beta-import', 'Creating', '2026-12-01T10:05:00Z'),
          view('alpha-export', 'Creating', '2026-12-01T10:05:00Z'),
        ],
        observedAt: '2026-12-01T10:05:00Z',
        kept: false,
        refreshing: false,
      },
    });
    await refreshed;
    const s = store.getState();
    expect(s.jobList.filters.query).toBe('alpha');
    expect([...s.jobList.shown].sort()).toEqual(['alpha-export', 'alpha-import']);
    expect(s.jobs.byName['alpha-import']?.state).toBe('Shipping');
    expect(s.jobs).toMatchObject({ kept: false, loading: false, listedAt: '2026-12-01T10:05:00Z' });
    expect(screen()).not.toContain('Checking the service for changes');
  });

  it('a refresh that fails says the list shown is old, and when it is from', async () => {
    store.setState((s) => ({ jobs: { ...s.jobs, listedAt: new Date(Date.now() - 5 * 60_000).toISOString() } }));
    const refreshed = store.getState().jobs.refresh();
    // The list is shown already: no kept list is asked for, only the fresh one.
    expect(asked().at(-1)).toEqual({});
    expect(screen()).toContain('Checking the service for changes');
    calls.at(-1)!.answer({
      ok: false,
      error: { code: 'offline', message: 'The Import/Export service did not answer.' },
    });
    await refreshed;
    const shown = screen();
    expect(shown).toContain('The service is offline');
    expect(shown).toContain('Showing the jobs as they were at');
    expect(shown).not.toContain('Checking the service for changes');
  });
});

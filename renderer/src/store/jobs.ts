// The jobs of the connected resource group: the list as the Jobs screen's rows (shared/jobs/row.ts),
// the full view (shared/jobs JobView) of each job a screen asked for, the data centers, and the
// jobs gone. Kept fresh by the job.updated event (bridgeEvents.ts) and by watch(), which a screen
// starts while it shows jobs; every change is handed on to the list's index (jobList.ts). Actions
// answer with the bridge's error (code, message, target) rather than throwing, so a form can keep
// what the person typed and point at the field that failed. BitLocker keys are never kept here:
// bitLockerKeys() hands them to the dialog that asked.
import { messageOf } from '../../../shared/errors';
import type {
  BitLockerKeys,
  JobRowList,
  JobUpdated,
  ShipJobRequest,
  UpdateJobRequest,
} from '../../../shared/ipc/channels/jobs';
import type { BridgeError, BridgeResult } from '../../../shared/ipc/contract';
import type { JobView, LocationView } from '../../../shared/jobs/schemas';
import { rowOf, type JobRow } from '../../../shared/jobs/row';
import { bridge } from '../bridge';
import type { HaulState, SliceCreator, SliceSet } from './slice';

export type ActionResult<T = JobView> = { ok: true; value: T } | { ok: false; error: BridgeError };

export interface JobsSlice {
  /** Every job of the list, as its row. */
  byName: Record<string, JobRow>;
  /** The full view of each job a screen asked for (jobs.get, an action's answer), kept fresh by job.updated. */
  views: Record<string, JobView>;
  /** Names in the service's order; undefined until the first answer. */
  names?: string[];
  /** When the service answered the last list (ISO). */
  listedAt?: string;
  /** The list shown is the one main kept from an earlier answer, not yet confirmed by the service. */
  kept?: boolean;
  loading: boolean;
  /** Why the last list failed (offline, not-ready, …); cleared by the next good answer. */
  error?: BridgeError;
  /** Per job name: why its last jobs.get failed. */
  loadErrors: Record<string, BridgeError>;
  /** Jobs the service no longer knows (deleted), with when Haul found out. */
  gone: Record<string, string>;
  locations?: LocationView[];

  refresh(): Promise<void>;
  /** The view main holds of a job, when this page holds none yet (jobs.get `kept`): at once, never over a newer one. */
  peek(name: string): Promise<void>;
  load(name: string): Promise<void>;
  /** Keeps the list (and, if named, one job) fresh while a screen shows it; returns the stop function. */
  watch(name?: string): () => void;
  applyEvent(event: JobUpdated): void;
  loadLocations(): Promise<void>;
  ship(request: ShipJobRequest): Promise<ActionResult>;
  update(request: UpdateJobRequest): Promise<ActionResult>;
  cancel(name: string): Promise<ActionResult>;
  remove(name: string): Promise<ActionResult<{ name: string }>>;
  bitLockerKeys(name: string): Promise<ActionResult<BitLockerKeys>>;
}

declare module './slice' {
  interface HaulState {
    jobs: JobsSlice;
  }
}

/** A bridge call that never throws: a lost connection or a missing bridge becomes an error too. */
async function call<T>(answer: () => Promise<BridgeResult<T>>): Promise<ActionResult<T>> {
  try {
    const result = await answer();
    return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
  } catch (err) {
    return { ok: false, error: { code: 'failed', message: messageOf(err) } };
  }
}

/** How often a watching screen asks again, besides the job.updated events main pushes. */
export const LIST_EVERY_MS = 10_000;
export const JOB_EVERY_MS = 3_000;

/**
 * What the slice keeps of the views it is given: a job seen (remember), a job gone (forget), and a
 * fresh list of rows (take), each mirrored into the job list the Jobs screen scrolls. A view that
 * arrives by job.updated reaches its row at once; its full view is kept only for a job a screen
 * asked for, so the list of thousands stays rows.
 */
function viewKeeping(set: SliceSet<'jobs'>, get: () => HaulState) {
  const remember = (view: JobView, asked: boolean) => {
    const row = rowOf(view);
    get().jobList.put(row);
    set((s) => {
      const { [view.name]: _gone, ...gone } = s.gone;
      const { [view.name]: _err, ...loadErrors } = s.loadErrors;
      return {
        byName: { ...s.byName, [view.name]: row },
        views: asked || s.views[view.name] ? { ...s.views, [view.name]: view } : s.views,
        names: s.names && !s.names.includes(view.name) ? [...s.names, view.name] : s.names,
        gone,
        loadErrors,
      };
    });
  };
  const forget = (name: string, at: string) => {
    get().jobList.drop(name);
    set((s) => {
      const { [name]: _row, ...byName } = s.byName;
      const { [name]: _view, ...views } = s.views;
      return { byName, views, names: s.names?.filter((n) => n !== name), gone: { ...s.gone, [name]: at } };
    });
  };
  /** Takes a list; answers the names of the full views held that the list shows newer (to ask for again). */
  const take = (list: JobRowList): string[] => {
    // A job.updated event that arrived while the list was on its way is newer than the list's row.
    const before = get().jobs.byName;
    const rows = list.jobs.map((j) => {
      const had = before[j.name];
      return had && had.observedAt > j.observedAt ? had : j;
    });
    get().jobList.replace(rows);
    const byName = Object.fromEntries(rows.map((j) => [j.name, j]));
    // A full view of a job the list no longer has is dropped; one older than its row is asked for again.
    const views: Record<string, JobView> = {};
    const older: string[] = [];
    for (const [name, view] of Object.entries(get().jobs.views)) {
      const row = byName[name];
      if (!row) continue;
      views[name] = view;
      if (row.observedAt > view.observedAt) older.push(name);
    }
    set({
      byName,
      views,
      names: rows.map((j) => j.name),
      listedAt: list.observedAt,
      kept: list.kept,
      error: undefined,
    });
    return older;
  };

  return { remember, forget, take };
}

export const createJobsSlice: SliceCreator<'jobs'> = (set, get) => {
  const jobs = () => get().jobs;
  const { remember, forget, take } = viewKeeping(set, get);
  const acted = (answer: ActionResult): ActionResult => {
    if (answer.ok) remember(answer.value, true);
    return answer;
  };
  const taken = (list: JobRowList) => {
    for (const name of take(list)) void jobs().load(name);
  };

  let listing: Promise<void> | undefined;
  async function list(): Promise<void> {
    set({ loading: true });
    // Nothing shown yet (the app opened, the page reloaded): the list main kept, at once, then the fresh one.
    if (get().jobs.names === undefined) {
      const kept = await call(() => bridge().jobsRows({ answer: 'kept' }));
      if (kept.ok) taken(kept.value);
      if (kept.ok && !kept.value.kept) return set({ loading: false });
    }
    const answer = await call(() => bridge().jobsRows());
    if (answer.ok) taken(answer.value);
    set(answer.ok ? { loading: false } : { loading: false, error: answer.error });
  }

  return {
    byName: {},
    views: {},
    loading: false,
    loadErrors: {},
    gone: {},

    refresh() {
      // One list at a time: with thousands of jobs an answer can take longer than the poll's period.
      listing ??= list().finally(() => (listing = undefined));
      return listing;
    },

    async peek(name) {
      if (jobs().views[name]) return;
      const answer = await call(() => bridge().jobsGet({ name, answer: 'kept' }));
      // the fresh view (load) may have come first: a held one never replaces a newer one
      const now = jobs().views[name];
      if (answer.ok && (!now || now.observedAt < answer.value.observedAt)) remember(answer.value, true);
    },

    async load(name) {
      const answer = await call(() => bridge().jobsGet({ name }));
      if (answer.ok) remember(answer.value, true);
      else if (answer.error.code === 'ResourceNotFound' || answer.error.code === 'not-found')
        forget(name, new Date().toISOString());
      else set((s) => ({ loadErrors: { ...s.loadErrors, [name]: answer.error } }));
    },

    watch(name) {
      let stopped = false;
      const timers: ReturnType<typeof setInterval>[] = [];
      void jobs().refresh();
      timers.push(setInterval(() => !stopped && void jobs().refresh(), LIST_EVERY_MS));
      if (name) {
        // what main holds of the job at once (a page opened from the list), the service's meanwhile
        void jobs().peek(name);
        void jobs().load(name);
        timers.push(setInterval(() => !stopped && void jobs().load(name), JOB_EVERY_MS));
      }
      return () => {
        stopped = true;
        for (const t of timers) clearInterval(t);
      };
    },

    applyEvent(event) {
      if (event.kind === 'updated') remember(event.view, false);
      else forget(event.name, event.goneAt);
    },

    async loadLocations() {
      const answer = await call(() => bridge().locationsList());
      if (answer.ok) set({ locations: answer.value });
    },

    ship: async (request) => acted(await call(() => bridge().jobsShip(request))),
    update: async (request) => acted(await call(() => bridge().jobsUpdate(request))),
    cancel: async (name) => acted(await call(() => bridge().jobsCancel({ name }))),

    async remove(name) {
      const answer = await call(() => bridge().jobsDelete({ name }));
      if (answer.ok) forget(name, new Date().toISOString());
      return answer;
    },

    bitLockerKeys: (name) => call(() => bridge().jobsBitLockerKeys({ name })),
  };
};

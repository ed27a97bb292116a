// The jobs of the connected resource group, as main's views (shared/jobs JobView): the list, each
// job by name, the data centers, the drive logs read so far, and the list's filters. Kept fresh
// by the job.updated event (bridgeEvents.ts) and by watch(), which a screen starts while it shows
// jobs; every change is handed on to the list's index (jobList.ts). Actions answer with the bridge's error (code, message, target) rather than throwing, so a
// form can keep what the person typed and point at the field that failed. BitLocker keys are
// never kept here: bitLockerKeys() hands them to the dialog that asked.
import { messageOf } from '../../../shared/errors';
import type {
  BitLockerKeys,
  JobList,
  JobUpdated,
  ShipJobRequest,
  UpdateJobRequest,
} from '../../../shared/ipc/channels/jobs';
import type { BridgeError, BridgeResult } from '../../../shared/ipc/contract';
import type { JobView, LocationView } from '../../../shared/jobs/schemas';
import { bridge } from '../bridge';
import type { HaulState, SliceCreator, SliceSet } from './slice';

export type ActionResult<T = JobView> = { ok: true; value: T } | { ok: false; error: BridgeError };

export interface JobsSlice {
  byName: Record<string, JobView>;
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
 * fresh list (take), each mirrored into the job list the Jobs screen scrolls.
 */
function viewKeeping(set: SliceSet<'jobs'>, get: () => HaulState) {
  const remember = (view: JobView) => {
    get().jobList.put(view);
    set((s) => {
      const { [view.name]: _gone, ...gone } = s.gone;
      const { [view.name]: _err, ...loadErrors } = s.loadErrors;
      return {
        byName: { ...s.byName, [view.name]: view },
        names: s.names && !s.names.includes(view.name) ? [...s.names, view.name] : s.names,
        gone,
        loadErrors,
      };
    });
  };
  const forget = (name: string, at: string) => {
    get().jobList.drop(name);
    set((s) => {
      const { [name]: _view, ...byName } = s.byName;
      return { byName, names: s.names?.filter((n) => n !== name), gone: { ...s.gone, [name]: at } };
    });
  };
  const take = (list: JobList) => {
    // A job.updated event that arrived while the list was on its way is newer than the list's view.
    const before = get().jobs.byName;
    const jobs = list.jobs.map((j) => {
      const had = before[j.name];
      return had && had.observedAt > j.observedAt ? had : j;
    });
    get().jobList.replace(jobs);
    const byName = Object.fromEntries(jobs.map((j) => [j.name, j]));
    set({ byName, names: jobs.map((j) => j.name), listedAt: list.observedAt, kept: list.kept, error: undefined });
  };

  return { remember, forget, take };
}

export const createJobsSlice: SliceCreator<'jobs'> = (set, get) => {
  const jobs = () => get().jobs;
  const { remember, forget, take } = viewKeeping(set, get);
  const acted = (answer: ActionResult): ActionResult => {
    if (answer.ok) remember(answer.value);
    return answer;
  };

  let listing: Promise<void> | undefined;
  async function list(): Promise<void> {
    set({ loading: true });
    // Nothing shown yet (the app opened, the page reloaded): the list main kept, at once, then the fresh one.
    if (get().jobs.names === undefined) {
      const kept = await call(() => bridge().jobsList({ answer: 'kept' }));
      if (kept.ok) take(kept.value);
      if (kept.ok && !kept.value.kept) return set({ loading: false });
    }
    const answer = await call(() => bridge().jobsList());
    if (answer.ok) take(answer.value);
    set(answer.ok ? { loading: false } : { loading: false, error: answer.error });
  }

  return {
    byName: {},
    loading: false,
    loadErrors: {},
    gone: {},

    refresh() {
      // One list at a time: with thousands of jobs an answer can take longer than the poll's period.
      listing ??= list().finally(() => (listing = undefined));
      return listing;
    },

    async load(name) {
      const answer = await call(() => bridge().jobsGet({ name }));
      if (answer.ok) remember(answer.value);
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
        void jobs().load(name);
        timers.push(setInterval(() => !stopped && void jobs().load(name), JOB_EVERY_MS));
      }
      return () => {
        stopped = true;
        for (const t of timers) clearInterval(t);
      };
    },

    applyEvent(event) {
      if (event.kind === 'updated') remember(event.view);
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

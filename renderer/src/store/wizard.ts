// The new-job wizard's state: the draft being filled in (kept in main, saved on each step change
// and after a pause in typing), the plan of the drives, the prep sessions main runs (fed by
// prep.progress / prep.session), and the job it creates at the end. BitLocker keys stay here, in
// memory: they are never part of a draft.
import type { DraftSummary, DraftValues } from '../../../shared/prep/draft';
import type {
  PrepPlanResult,
  PrepSessionInfo,
  PrepProgressPayload,
  PrepSpecInput,
  VerifyReport,
} from '../../../shared/prep/session';
import type { PrepEvent } from '../../../shared/prep/types';
import { bridge } from '../bridge';
import { answer, errorTarget, errorText } from '../screens/Wizard/api';
import { emptyValues, fieldForTarget, type FieldErrors, type StepId } from '../screens/Wizard/model';
import type { SliceCreator } from './slice';
import { locationOf, type LocationInfo } from '../screens/Wizard/locations';

export type ProgressEvent = Extract<PrepEvent, { type: 'progress' }>;

/** What one session has said, for the Prepare step: its latest progress and the events worth words. */
export interface SessionLog {
  progress?: ProgressEvent;
  /** file errors, full and pulled drives, drive results, verify results, the end (newest last, at most 200) */
  notes: PrepEvent[];
}

export interface SaveState {
  state: 'idle' | 'saving' | 'saved' | 'failed';
  at?: number;
  error?: string;
}

export interface WizardSlice {
  /** the draft being edited; undefined until the first save */
  draftId?: string;
  /** the route's draft id this state was loaded for ('' = a new wizard) */
  openedFor?: string;
  step: StepId;
  values: DraftValues;
  loading: boolean;
  loadError?: string;
  save: SaveState;
  /** errors main answered (BridgeError target -> field), shown next to the field until it changes */
  serverErrors: FieldErrors;
  /** per target path; memory only */
  bitLockerKeys: Record<string, string>;
  /** copy speed limit per drive in bytes per second (0: none), so a busy machine stays usable */
  maxRate: number;
  plan?: PrepPlanResult;
  planning: boolean;
  planError?: string;
  /** the plan's request, to ignore answers to older requests */
  planSeq: number;
  sessions: Record<string, PrepSessionInfo>;
  logs: Record<string, SessionLog>;
  prepBusy: boolean;
  prepError?: string;
  verifyReports?: VerifyReport[];
  drafts?: DraftSummary[];
  draftsError?: string;
  creating: boolean;
  createError?: string;
  /** the step holding the field the create error is about */
  createErrorStep?: StepId;
  locations?: LocationInfo[];
  locationsError?: string;

  open(draftId: string | undefined): Promise<void>;
  update(change: (values: DraftValues) => DraftValues): void;
  goTo(step: StepId): Promise<void>;
  saveNow(): Promise<void>;
  discard(): Promise<void>;
  setBitLockerKey(path: string, key: string): void;
  setMaxRate(bytesPerSecond: number): void;
  setServerError(err: unknown): void;
  refreshDrafts(): Promise<void>;
  deleteDraft(id: string): Promise<void>;
  runPlan(withTargets: boolean): Promise<PrepPlanResult | undefined>;
  startPrep(confirmedDriveIds: string[]): Promise<void>;
  cancelPrep(): Promise<void>;
  resumePrep(): Promise<void>;
  verifyPrep(): Promise<void>;
  refreshSessions(): Promise<void>;
  onProgress(payload: PrepProgressPayload): void;
  onSession(info: PrepSessionInfo): void;
  setCreating(creating: boolean, error?: unknown): void;
  loadLocations(): Promise<void>;
}

const SAVE_DELAY_MS = 700;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** Saves run one after another, so a new draft is created once, not once per keystroke. */
let saveChain: Promise<void> = Promise.resolve();

/** The prep request for the draft's values (keys from memory). */
export function prepSpecOf(
  values: DraftValues,
  keys: Record<string, string>,
  withTargets: boolean,
  maxRate = 0,
): PrepSpecInput {
  const d = values.importData;
  const sources: PrepSpecInput['sources'] =
    d.mode === 'dataset' && d.dataset
      ? { kind: 'dataset', dataset: { text: d.dataset.text, name: d.dataset.name } }
      : {
          kind: 'picked',
          paths: d.paths,
          destination: d.destination ?? '',
          blobType: d.blobType ?? 'BlockBlob',
          disposition: d.disposition ?? 'rename',
        };
  const targets = withTargets
    ? values.drives.drives.map((t) => ({
        path: t.path,
        ...(keys[t.path] ? { bitLockerKey: keys[t.path] } : {}),
        ...(t.allowFolder ? { allowFolder: true } : {}),
      }))
    : [];
  return {
    jobName: values.type.jobName ?? '',
    sources,
    targets,
    ...(withTargets && targets.length === 0 && d.driveset
      ? { driveset: { text: d.driveset.text, name: d.driveset.name } }
      : {}),
    exclude: d.exclude,
    verify: true,
    maxRate,
  };
}

export const createWizardSlice: SliceCreator<'wizard'> = (set, get) => {
  const me = () => get().wizard;

  const persist = (): Promise<void> => {
    if (saveTimer) {
      clearTimeout(saveTimer);
      saveTimer = undefined;
    }
    saveChain = saveChain.then(async () => {
      const { draftId, step, values } = me();
      set({ save: { ...me().save, state: 'saving' } });
      try {
        const saved = await answer(
          'drafts.save',
          bridge().draftsSave({ draft: { ...(draftId ? { id: draftId } : {}), step, values } }),
        );
        set({ draftId: saved.id, openedFor: saved.id, save: { state: 'saved', at: saved.updatedAt } });
        // A new wizard gets its address once main has kept it: #/new/<id> opens it again.
        if (!draftId) get().ui.navigate({ name: 'wizard', draftId: saved.id });
      } catch (err) {
        set({ save: { state: 'failed', error: errorText(err) } });
      }
    });
    return saveChain;
  };

  return {
    step: 'type',
    values: emptyValues(),
    loading: false,
    save: { state: 'idle' },
    serverErrors: {},
    bitLockerKeys: {},
    maxRate: 0,
    planning: false,
    planSeq: 0,
    sessions: {},
    logs: {},
    prepBusy: false,
    creating: false,

    async open(draftId) {
      const key = draftId ?? '';
      if (me().openedFor === key && (key === '' || me().draftId === key)) return;
      if (key && me().draftId === key) {
        set({ openedFor: key });
        return;
      }
      if (saveTimer) await persist();
      set({
        openedFor: key,
        draftId: undefined,
        step: 'type',
        values: emptyValues(),
        loading: !!draftId,
        loadError: undefined,
        save: { state: 'idle' },
        serverErrors: {},
        bitLockerKeys: {},
        plan: undefined,
        planError: undefined,
        prepError: undefined,
        verifyReports: undefined,
        createError: undefined,
      });
      void get().wizard.refreshSessions();
      if (!draftId) return;
      try {
        const d = await answer('drafts.get', bridge().draftsGet({ id: draftId }));
        set({
          draftId: d.id,
          step: d.step,
          values: d.values,
          loading: false,
          save: { state: 'saved', at: d.updatedAt },
        });
      } catch (err) {
        set({ loading: false, loadError: errorText(err) });
      }
    },

    update(change) {
      const before = me().values;
      const values = change(before);
      // An error main gave about a field goes once the person changes the step's values.
      set({ values, serverErrors: {} });
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(() => void persist(), SAVE_DELAY_MS);
    },

    async goTo(step) {
      set({ step });
      await persist();
    },

    saveNow: persist,

    async discard() {
      if (saveTimer) {
        clearTimeout(saveTimer);
        saveTimer = undefined;
      }
      await saveChain;
      const id = me().draftId;
      if (id) {
        try {
          await answer('drafts.delete', bridge().draftsDelete({ id }));
        } catch (err) {
          set({ save: { state: 'failed', error: errorText(err) } });
          return;
        }
      }
      set({ draftId: undefined, openedFor: undefined, values: emptyValues(), step: 'type', save: { state: 'idle' } });
      get().ui.navigate({ name: 'jobs' });
    },

    setBitLockerKey(path, key) {
      set({ bitLockerKeys: { ...me().bitLockerKeys, [path]: key } });
    },

    setMaxRate(maxRate) {
      set({ maxRate });
    },

    setServerError(err) {
      const where = fieldForTarget(errorTarget(err));
      if (where) set({ serverErrors: { ...me().serverErrors, [where.field]: errorText(err) } });
    },

    async refreshDrafts() {
      try {
        set({ drafts: await answer('drafts.list', bridge().draftsList()), draftsError: undefined });
      } catch (err) {
        set({ draftsError: errorText(err) });
      }
    },

    async deleteDraft(id) {
      try {
        await answer('drafts.delete', bridge().draftsDelete({ id }));
        set({ drafts: (me().drafts ?? []).filter((d) => d.id !== id) });
        if (me().draftId === id) set({ draftId: undefined, openedFor: undefined, values: emptyValues(), step: 'type' });
      } catch (err) {
        set({ draftsError: errorText(err) });
      }
    },

    async runPlan(withTargets) {
      const seq = me().planSeq + 1;
      set({ planning: true, planSeq: seq, planError: undefined });
      try {
        const plan = await answer(
          'prep.plan',
          bridge().prepPlan(prepSpecOf(me().values, me().bitLockerKeys, withTargets)),
        );
        if (me().planSeq === seq) set({ plan, planning: false });
        return plan;
      } catch (err) {
        if (me().planSeq === seq) set({ planning: false, planError: errorText(err), plan: undefined });
        get().wizard.setServerError(err);
        return undefined;
      }
    },

    async startPrep(confirmedDriveIds) {
      set({ prepBusy: true, prepError: undefined });
      try {
        const { values, bitLockerKeys, draftId } = me();
        const info = await answer(
          'prep.start',
          bridge().prepStart({
            ...prepSpecOf(values, bitLockerKeys, true, me().maxRate),
            confirmedDriveIds,
            ...(draftId ? { draftId } : {}),
          }),
        );
        get().wizard.onSession(info);
        get().wizard.update((v) => ({
          ...v,
          prepare: { sessionId: info.sessionId },
          drives: { ...v.drives, confirmed: confirmedDriveIds },
        }));
        set({ prepBusy: false });
      } catch (err) {
        set({ prepBusy: false, prepError: errorText(err) });
      }
    },

    async cancelPrep() {
      const sessionId = me().values.prepare.sessionId;
      if (!sessionId) return;
      set({ prepBusy: true, prepError: undefined });
      try {
        get().wizard.onSession(await answer('prep.cancel', bridge().prepCancel({ sessionId })));
      } catch (err) {
        set({ prepError: errorText(err) });
      }
      set({ prepBusy: false });
    },

    async resumePrep() {
      const sessionId = me().values.prepare.sessionId;
      if (!sessionId) return;
      set({ prepBusy: true, prepError: undefined });
      try {
        const keys = Object.entries(me().bitLockerKeys)
          .filter(([, k]) => k)
          .map(([path, bitLockerKey]) => ({ path, bitLockerKey }));
        get().wizard.onSession(await answer('prep.resume', bridge().prepResume({ sessionId, bitLockerKeys: keys })));
      } catch (err) {
        set({ prepError: errorText(err) });
      }
      set({ prepBusy: false });
    },

    async verifyPrep() {
      const sessionId = me().values.prepare.sessionId;
      if (!sessionId) return;
      set({ prepBusy: true, prepError: undefined, verifyReports: undefined });
      try {
        set({ verifyReports: await answer('prep.verify', bridge().prepVerify({ sessionId })) });
        await get().wizard.refreshSessions();
      } catch (err) {
        set({ prepError: errorText(err) });
      }
      set({ prepBusy: false });
    },

    async refreshSessions() {
      try {
        const list = await answer('prep.sessions', bridge().prepSessions());
        const sessions: Record<string, PrepSessionInfo> = {};
        const logs = { ...me().logs };
        for (const s of list) {
          sessions[s.sessionId] = s;
          if (s.progress?.type === 'progress' && !logs[s.sessionId]?.progress)
            logs[s.sessionId] = { notes: [], ...logs[s.sessionId], progress: s.progress };
        }
        set({ sessions, logs });
      } catch (err) {
        set({ prepError: errorText(err) });
      }
    },

    onProgress({ sessionId, event }) {
      const log = me().logs[sessionId] ?? { notes: [] };
      const next: SessionLog =
        event.type === 'progress'
          ? { ...log, progress: event }
          : event.type === 'plan' || event.type === 'keep-awake' || event.type === 'preflight'
            ? log
            : { ...log, notes: [...log.notes, event].slice(-200) };
      set({ logs: { ...me().logs, [sessionId]: next } });
    },

    onSession(info) {
      // The session's own last progress is newer than any event seen before it.
      const log = me().logs[info.sessionId] ?? { notes: [] };
      const logs =
        info.progress?.type === 'progress'
          ? { ...me().logs, [info.sessionId]: { ...log, progress: info.progress } }
          : me().logs;
      set({ sessions: { ...me().sessions, [info.sessionId]: info }, logs });
    },

    setCreating(creating, error) {
      set({
        creating,
        createError: error ? errorText(error) : undefined,
        createErrorStep: error ? fieldForTarget(errorTarget(error))?.step : undefined,
      });
      if (error) get().wizard.setServerError(error);
    },

    async loadLocations() {
      if (me().locations) return;
      try {
        const list = await answer('locations.list', bridge().locationsList());
        set({ locations: list.map((l) => locationOf(l, list)), locationsError: undefined });
      } catch (err) {
        set({ locationsError: errorText(err) });
      }
    },
  };
};

// The new-job wizard's state: the draft being filled in (kept in main, saved on each step change
// and after a pause in typing), the plan of the drives, the prep sessions main runs (fed by
// prep.progress / prep.session), and the job it creates at the end. BitLocker keys stay here, in
// memory: they are never part of a draft.
import { bridge } from '../bridge';
import { answer, errorTarget, errorText } from '../bridge/answer';
import { emptyValues, fieldForTarget } from '../wizard/model';
import type { HaulState, SliceCreator, SliceSet } from './slice';
import { wizardPrepActions } from './wizardPrep';
import { wizardServiceActions } from './wizardService';
import { wizardExportActions } from './wizardExport';

export { prepSpecOf } from '../wizard/requests';

export type { DraftDrive, ProgressEvent, SaveState, SessionLog, WizardSlice } from './wizardTypes';
import type { WizardSlice } from './wizardTypes';

declare module './slice' {
  interface HaulState {
    wizard: WizardSlice;
  }
}

const SAVE_DELAY_MS = 700;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** Saves run one after another, so a new draft is created once, not once per keystroke. */
let saveChain: Promise<void> = Promise.resolve();

export const createWizardSlice: SliceCreator<'wizard'> = (set, get) => ({
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
  exportBrowse: { estimating: false, estimateSeq: 0 },

  ...wizardDraftActions(set, get),
  ...wizardDriveActions(set, get),
  ...wizardPrepActions(set, get),
  ...wizardServiceActions(set, get),
  ...wizardExportActions(set, get),
});

const running = (st?: string) => st === 'planning' || st === 'copying' || st === 'verifying' || st === 'stopping';

/** A copy still running for the draft stops first (what it copied stays journaled); waited for up to 30 s. */
async function stopCopy(get: () => HaulState, sessionId: string | undefined): Promise<void> {
  const me = () => get().wizard;
  if (sessionId && running(me().sessions[sessionId]?.state)) {
    await get().wizard.cancelPrep();
    for (let i = 0; i < 120 && running(me().sessions[sessionId]?.state); i++) {
      await new Promise((r) => setTimeout(r, 250));
      await get().wizard.refreshSessions();
    }
  }
}

/** Releases the session's drives one by one; the first that cannot be released, in words. */
async function releaseDrives(
  get: () => HaulState,
  session: WizardSlice['sessions'][string],
): Promise<string | undefined> {
  for (const t of session.targets) {
    try {
      await get().drives.release(t.path, session.jobName);
    } catch (err) {
      return `${t.driveId ?? t.path} was not released: ${errorText(err)} The draft was kept.`;
    }
  }
  return undefined;
}

/** The draft's life: open, typed into and saved after a pause, stepped through, discarded; the list of drafts. */
type DraftActions = Pick<
  WizardSlice,
  'open' | 'update' | 'goTo' | 'saveNow' | 'discard' | 'setServerError' | 'refreshDrafts' | 'deleteDraft'
>;

/** Saves the draft now, after the saves before it: creating it the first time, giving the wizard its address. */
function draftSaver(set: SliceSet<'wizard'>, get: () => HaulState): () => Promise<void> {
  const me = () => get().wizard;
  return () => {
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
}

/** The list of drafts on the Jobs screen, and deleting one from it. */
function draftListActions(
  set: SliceSet<'wizard'>,
  get: () => HaulState,
): Pick<WizardSlice, 'refreshDrafts' | 'deleteDraft'> {
  const me = () => get().wizard;
  return {
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
  };
}

function wizardDraftActions(set: SliceSet<'wizard'>, get: () => HaulState): DraftActions {
  const me = () => get().wizard;
  const persist = draftSaver(set, get);

  return {
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

    async discard(opts = {}) {
      if (saveTimer) {
        clearTimeout(saveTimer);
        saveTimer = undefined;
      }
      await saveChain;
      const sessionId = me().values.prepare.sessionId;
      await stopCopy(get, sessionId);
      const session = sessionId ? me().sessions[sessionId] : undefined;
      if (opts.release && session) {
        const notReleased = await releaseDrives(get, session);
        if (notReleased) return notReleased;
      }
      const id = me().draftId;
      if (id) {
        try {
          await answer('drafts.delete', bridge().draftsDelete({ id }));
        } catch (err) {
          set({ save: { state: 'failed', error: errorText(err) } });
          return `The draft was not deleted: ${errorText(err)}`;
        }
      }
      set({ draftId: undefined, openedFor: undefined, values: emptyValues(), step: 'type', save: { state: 'idle' } });
      get().ui.navigate({ name: 'jobs' });
      return undefined;
    },

    setServerError(err) {
      const where = fieldForTarget(errorTarget(err));
      if (where) set({ serverErrors: { ...me().serverErrors, [where.field]: errorText(err) } });
    },

    ...draftListActions(set, get),
  };
}

/** The drives chosen for the draft, the files left out, the drives' BitLocker keys and the copy's rate. */
type DriveActions = Pick<
  WizardSlice,
  | 'setDrives'
  | 'addDrive'
  | 'removeDrive'
  | 'allowFolder'
  | 'refreshDrives'
  | 'exclude'
  | 'setBitLockerKey'
  | 'setMaxRate'
>;

function wizardDriveActions(set: SliceSet<'wizard'>, get: () => HaulState): DriveActions {
  const me = () => get().wizard;
  return {
    setDrives(list) {
      get().wizard.update((v) => ({ ...v, drives: { drives: list, confirmed: [] } }));
    },

    addDrive(drive) {
      const chosen = me().values.drives.drives;
      if (!chosen.some((c) => c.path === drive.path)) get().wizard.setDrives([...chosen, drive]);
    },

    removeDrive(path) {
      get().wizard.setDrives(me().values.drives.drives.filter((c) => c.path !== path));
    },

    allowFolder(path, allow) {
      get().wizard.setDrives(
        me().values.drives.drives.map((c) => (c.path === path ? { ...c, allowFolder: allow } : c)),
      );
    },

    async refreshDrives() {
      await get().drives.refresh();
      if (me().values.drives.drives.length) await get().wizard.runPlan(true);
    },

    exclude(source, out) {
      get().wizard.update((v) => {
        const rest = v.importData.exclude.filter((x) => x !== source);
        return { ...v, importData: { ...v.importData, exclude: out ? [...rest, source] : rest } };
      });
    },

    setBitLockerKey(path, key) {
      set({ bitLockerKeys: { ...me().bitLockerKeys, [path]: key } });
    },

    setMaxRate(maxRate) {
      set({ maxRate });
    },
  };
}

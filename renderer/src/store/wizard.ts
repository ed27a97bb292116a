// The new-job wizard's state: the draft being filled in (kept in main, saved on each step change
// and after a pause in typing), the plan of the drives, the prep sessions main runs (fed by
// prep.progress / prep.session), and the job it creates at the end. BitLocker keys stay here, in
// memory: they are never part of a draft.
import type { z } from 'zod';
import type { DraftSummary, DraftValues } from '../../../shared/prep/draft';
import type { ExportPreview } from '../../../shared/prep/exportPreview';
import type {
  BrowseResult,
  browseRequest,
  PrepPlanResult,
  PrepSessionInfo,
  PrepProgressPayload,
  VerifyReport,
} from '../../../shared/prep/session';
import type { PrepEvent } from '../../../shared/prep/types';
import { bridge } from '../bridge';
import { answer, errorTarget, errorText } from '../bridge/answer';
import type { LocationInfo } from '../wizard/locations';
import { emptyValues, fieldForTarget, type FieldErrors, type StepId } from '../wizard/model';
import type { SliceCreator } from './slice';
import { wizardPrepActions } from './wizardPrep';
import { wizardServiceActions } from './wizardService';
import { wizardExportActions, type ExportBrowse } from './wizardExport';

export { prepSpecOf } from '../wizard/requests';

export type ProgressEvent = Extract<PrepEvent, { type: 'progress' }>;

/** What one session has said, for the Prepare step: its latest progress and the events worth words. */
export interface SessionLog {
  progress?: ProgressEvent;
  /** file errors, full and pulled drives, drive results, verify results, the end (newest last, at most 200) */
  notes: PrepEvent[];
}

export type DraftDrive = DraftValues['drives']['drives'][number];

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
  /** the storage accounts of the connected resource group (undefined until listed, or when they cannot be) */
  accounts?: Array<{ name: string; id: string; location?: string }>;
  accountsError?: string;
  /** an export's storage account as read for the Data step */
  exportBrowse: ExportBrowse;
  /** the return shipping and contact of the last job created, offered on this one */
  savedContact?: DraftValues['shipping'];

  open(draftId: string | undefined): Promise<void>;
  update(change: (values: DraftValues) => DraftValues): void;
  goTo(step: StepId): Promise<void>;
  saveNow(): Promise<void>;
  /**
   * Deletes the draft (a copy running for it stops first); with `release`, the drives prepared
   * for it lose Haul's files first. Answers an error in words when something was not done.
   */
  discard(opts?: { release?: boolean }): Promise<string | undefined>;
  setBitLockerKey(path: string, key: string): void;
  /** the chosen drives (a change voids the typed confirmation) */
  setDrives(list: DraftDrive[]): void;
  addDrive(drive: DraftDrive): void;
  removeDrive(path: string): void;
  /** the person confirmed (or took back) writing into a folder that is not a drive of its own */
  allowFolder(path: string, allow: boolean): void;
  /** reads the drives and their free space again, and plans again with them */
  refreshDrives(): Promise<void>;
  /** leaves a source out of the job (pre-flight's Exclude), or takes it in again */
  exclude(source: string, out: boolean): void;
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
  /** jobs.create for the draft (and its prepared drives), then the new job's page */
  createJob(): Promise<void>;
  loadLocations(): Promise<void>;
  loadContact(): Promise<void>;
  /** lists the storage accounts of the connected resource group for the picker */
  loadAccounts(): Promise<void>;
  /** fills the shipping step with the saved return shipping and contact */
  useSavedContact(): void;
  previewExport(blobListText: string, driveSize: number): Promise<ExportPreview>;
  browse(req: z.input<typeof browseRequest>): Promise<BrowseResult>;
  /** the containers of the draft's storage account */
  loadContainers(): Promise<void>;
  /** the first blobs under "container/prefix", with their sizes */
  listBlobs(path: string): Promise<{ blobs: Array<{ blobPath: string; length: number }>; more: boolean }>;
  /** checks the export's prefixes and paths against the account and counts the drives from the real sizes */
  runEstimate(): Promise<void>;
}

const SAVE_DELAY_MS = 700;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** Saves run one after another, so a new draft is created once, not once per keystroke. */
let saveChain: Promise<void> = Promise.resolve();

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
    exportBrowse: { estimating: false, estimateSeq: 0 },

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
      // A copy still running for this draft stops first (what it copied stays journaled).
      const sessionId = me().values.prepare.sessionId;
      const running = (st?: string) => st === 'planning' || st === 'copying' || st === 'verifying' || st === 'stopping';
      if (sessionId && running(me().sessions[sessionId]?.state)) {
        await get().wizard.cancelPrep();
        for (let i = 0; i < 120 && running(me().sessions[sessionId]?.state); i++) {
          await new Promise((r) => setTimeout(r, 250));
          await get().wizard.refreshSessions();
        }
      }
      const session = sessionId ? me().sessions[sessionId] : undefined;
      if (opts.release && session) {
        for (const t of session.targets) {
          try {
            await get().drives.release(t.path, session.jobName);
          } catch (err) {
            return `${t.driveId ?? t.path} was not released: ${errorText(err)} The draft was kept.`;
          }
        }
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

    ...wizardPrepActions(set, get),
    ...wizardServiceActions(set, get),
    ...wizardExportActions(set, get),
  };
};

// The wizard's drive preparation: the plan of the chosen drives, the sessions main runs for the
// draft (fed by prep.progress / prep.session), and Start, Cancel, Resume and Verify.
import type { PrepSessionInfo } from '../../../shared/prep/session';
import { bridge } from '../bridge';
import { answer, errorCode, errorText } from '../bridge/answer';
import { prepSpecOf } from '../wizard/requests';
import type { HaulState, SliceSet } from './slice';
import type { SessionLog, WizardSlice } from './wizardTypes';

type PrepActions = Pick<
  WizardSlice,
  'runPlan' | 'startPrep' | 'cancelPrep' | 'resumePrep' | 'verifyPrep' | 'refreshSessions' | 'onProgress' | 'onSession'
>;

export function wizardPrepActions(set: SliceSet<'wizard'>, get: () => HaulState): PrepActions {
  return { ...planAndStart(set, get), ...sessionRuns(set, get), ...sessionFeed(set, get) };
}

/** Planning the chosen drives and starting the preparation on the confirmed plan. */
function planAndStart(set: SliceSet<'wizard'>, get: () => HaulState): Pick<PrepActions, 'runPlan' | 'startPrep'> {
  const me = () => get().wizard;
  return {
    async runPlan(withTargets) {
      const seq = me().planSeq + 1;
      set({ planning: true, planSeq: seq, planError: undefined });
      try {
        const plan = await answer(
          'prep.plan',
          // a draft that prepared drives plans against its own session: what is on them stays
          bridge().prepPlan({
            ...prepSpecOf(me().values, me().bitLockerKeys, withTargets),
            ...(me().draftId ? { draftId: me().draftId } : {}),
          }),
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
        const { values, bitLockerKeys, draftId, plan } = me();
        const info = await answer(
          'prep.start',
          bridge().prepStart({
            ...prepSpecOf(values, bitLockerKeys, true, me().maxRate),
            confirmedDriveIds,
            ...(draftId ? { draftId } : {}),
            ...(plan?.plan
              ? {
                  plan: {
                    drives: plan.plan.drives.map((d) => ({
                      driveId: d.driveId,
                      free: d.free,
                      plannedFiles: d.plannedFiles,
                      plannedBytes: d.plannedBytes,
                    })),
                  },
                }
              : {}),
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
        // The drives changed since the plan was confirmed: the plan as it is now is shown, to confirm again.
        if (errorCode(err) === 'plan-changed') await get().wizard.runPlan(true);
      }
    },
  };
}

/** Cancel, Resume and Verify on the draft's session, each busy while main answers. */
function sessionRuns(
  set: SliceSet<'wizard'>,
  get: () => HaulState,
): Pick<PrepActions, 'cancelPrep' | 'resumePrep' | 'verifyPrep'> {
  const me = () => get().wizard;
  return {
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
  };
}

/** What main says of the sessions: the list asked for, and the progress and session events it sends. */
function sessionFeed(
  set: SliceSet<'wizard'>,
  get: () => HaulState,
): Pick<PrepActions, 'refreshSessions' | 'onProgress' | 'onSession'> {
  const me = () => get().wizard;
  return {
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
          : event.type === 'plan'
            ? // a run starts: what happened is said of this run (an Update after a Prepare, a Resume)
              { ...log, notes: [] }
            : event.type === 'keep-awake' || event.type === 'preflight'
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
  };
}

// The one store: typed slices under their own keys, actions inside the slices, and components
// that select atomically (`useHaul((s) => s.drives.list)`). Bridge events reach it through
// ../bridgeEvents.ts only.
import { create } from 'zustand';
import { createAppSlice } from './app';
import { createBitLockerSlice } from './bitlocker';
import { createDrivesSlice } from './drives';
import { createNotificationsSlice } from './notifications';
import { createUiSlice } from './ui';
import { createSettingsSlice } from './settings';
import { createJobsSlice } from './jobs';
import { createJobListSlice } from './jobList';
import { createLogsSlice } from './logs';
import type { HaulState, SliceCreator, SliceSet } from './slice';
import { createWizardSlice } from './wizard';
import { createReportSlice } from './report';

export type { HaulState };

export const useHaul = create<HaulState>()((set, get) => {
  const scoped =
    <K extends keyof HaulState>(key: K): SliceSet<K> =>
    (change) =>
      set(
        (state) =>
          ({
            [key]: { ...state[key], ...(typeof change === 'function' ? change(state[key]) : change) },
          }) as Partial<HaulState>,
      );
  const slice = <K extends keyof HaulState>(key: K, creator: SliceCreator<K>) => creator(scoped(key), get);
  return {
    app: slice('app', createAppSlice),
    drives: slice('drives', createDrivesSlice),
    ui: slice('ui', createUiSlice),
    jobs: slice('jobs', createJobsSlice),
    jobList: slice('jobList', createJobListSlice),
    logs: slice('logs', createLogsSlice),
    wizard: slice('wizard', createWizardSlice),
    settings: slice('settings', createSettingsSlice),
    notifications: slice('notifications', createNotificationsSlice),

    // --- the end of a job: verify the import, returned drives
    report: slice('report', createReportSlice),
    bitlocker: slice('bitlocker', createBitLockerSlice),
  };
});

// The one store: typed slices under their own keys, actions inside the slices, and components
// that select atomically (`useHaul((s) => s.drives.list)`). Bridge events reach it through
// ../bridgeEvents.ts only.
import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './app';
import { createBitLockerSlice, type BitLockerSlice } from './bitlocker';
import { createDrivesSlice, type DrivesSlice } from './drives';
import { createNotificationsSlice, type NotificationsSlice } from './notifications';
import { createUiSlice, type UiSlice } from './ui';
import { createSettingsSlice, type SettingsSlice } from './settings';
import { createJobsSlice, type JobsSlice } from './jobs';
import { createJobListSlice, type JobListSlice } from './jobList';
import { createLogsSlice, type LogsSlice } from './logs';
import type { SliceCreator, SliceSet } from './slice';
import { createWizardSlice, type WizardSlice } from './wizard';
import { createReportSlice, type ReportSlice } from './report';

export interface HaulState {
  app: AppSlice;
  drives: DrivesSlice;
  ui: UiSlice;
  jobs: JobsSlice;
  jobList: JobListSlice;
  logs: LogsSlice;
  wizard: WizardSlice;
  settings: SettingsSlice;
  notifications: NotificationsSlice;

  // --- the end of a job: verify the import, returned drives
  report: ReportSlice;
  bitlocker: BitLockerSlice;
}

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

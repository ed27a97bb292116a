// The one store: typed slices under their own keys, actions inside the slices, and components
// that select atomically (`useHaul((s) => s.drives.list)`). Bridge events reach it through
// ../bridgeEvents.ts only.
import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './app';
import { createDrivesSlice, type DrivesSlice } from './drives';
import { createNotificationsSlice, type NotificationsSlice } from './notifications';
import { createUiSlice, type UiSlice } from './ui';
import { createSettingsSlice, type SettingsSlice } from './settings';
import { createJobsSlice, type JobsSlice } from './jobs';
import type { SliceCreator, SliceSet } from './slice';
import { createWizardSlice, type WizardSlice } from './wizard';
import { createReportSlice, type ReportSlice } from './report';

export interface HaulState {
  app: AppSlice;
  drives: DrivesSlice;
  ui: UiSlice;

  // --- issue 9: jobs
  jobs: JobsSlice;

  // --- issue 10: wizard, drafts, prep sessions
  wizard: WizardSlice;

  // --- issue 8: settings, connection
  settings: SettingsSlice;

  // --- issue 11: notifications
  notifications: NotificationsSlice;

  // --- the end of a job: verify the import, returned drives
  report: ReportSlice;
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

    // --- issue 9: jobs
    jobs: slice('jobs', createJobsSlice),

    // --- issue 10: wizard, drafts, prep sessions
    wizard: slice('wizard', createWizardSlice),

    // --- issue 8: settings, connection
    settings: slice('settings', createSettingsSlice),

    // --- issue 11: notifications
    notifications: slice('notifications', createNotificationsSlice),

    // --- the end of a job: verify the import, returned drives
    report: slice('report', createReportSlice),
  };
});

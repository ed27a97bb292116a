// The settings main keeps (general options, the connection) and whether the file had to be
// recovered at start; kept fresh by the settings.changed event.
import type { SettingsPatch, SettingsView } from '../../../shared/ipc/channels/settings';
import { bridge, unwrap } from '../bridge';
import { errorMessage, type SliceCreator } from './slice';

export interface SettingsSlice {
  view?: SettingsView;
  /** The last load or save that failed, in words; the person's choice on screen stays as it was. */
  error?: string;
  saving: boolean;
  /** The person has seen (and closed) the "settings were reset" message. */
  recoveryDismissed: boolean;
  load(): Promise<void>;
  save(patch: SettingsPatch): Promise<boolean>;
  setView(view: SettingsView): void;
  dismissRecovery(): void;
}

export const createSettingsSlice: SliceCreator<'settings'> = (set) => ({
  saving: false,
  recoveryDismissed: false,
  async load() {
    try {
      set({ view: await unwrap(bridge().settingsGet()), error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async save(patch) {
    set({ saving: true });
    try {
      set({ view: await unwrap(bridge().settingsSet(patch)), error: undefined, saving: false });
      return true;
    } catch (err) {
      set({ error: errorMessage(err), saving: false });
      return false;
    }
  },
  setView(view) {
    set({ view });
  },
  dismissRecovery() {
    set({ recoveryDismissed: true });
  },
});

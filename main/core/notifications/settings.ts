// The customer's notification settings (kinds on/off, muted jobs, quiet hours), kept in the data folder.
import path from 'node:path';
import { DEFAULT_SETTINGS, NotificationSettings } from '../../../shared/notifications';
import { jsonFileStore, type DocumentStore } from '../store/jsonFile';

export const SETTINGS_FILE = 'notification-settings.json';

export function notificationSettingsStore(dataDir: string): DocumentStore<NotificationSettings> {
  return jsonFileStore(path.join(dataDir, SETTINGS_FILE), {
    schema: NotificationSettings,
    initial: () => structuredClone(DEFAULT_SETTINGS),
  });
}

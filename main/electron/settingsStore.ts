// The desktop app's settings backend: electron-store in the data folder (Electron's userData).
import Store from 'electron-store';
import type { OpenSettingsBackend } from '../core/settings';

export const openElectronStoreBackend: OpenSettingsBackend = ({ cwd, name, fileMode }) =>
  new Store<Record<string, unknown>>({ cwd, name, configFileMode: fileMode, accessPropertiesByDotNotation: false });

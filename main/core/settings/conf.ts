// Browser mode's (and the tests') settings backend: conf, the library electron-store is built on,
// writing <data folder>/settings.json atomically.
import Conf from 'conf';
import type { OpenSettingsBackend } from './index';

export const openConfBackend: OpenSettingsBackend = ({ cwd, name, fileMode }) =>
  new Conf<Record<string, unknown>>({
    cwd,
    configName: name,
    configFileMode: fileMode,
    accessPropertiesByDotNotation: false,
    projectName: 'haul',
  });

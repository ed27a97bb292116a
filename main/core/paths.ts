import os from 'node:os';
import path from 'node:path';

/** Where Haul keeps its data when nobody says otherwise; the same folder Electron's userData uses. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.HAUL_DATA_DIR) return path.resolve(env.HAUL_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Haul');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Haul');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Haul');
}

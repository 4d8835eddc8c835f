import os from 'node:os';
import path from 'node:path';

/** The per-user data folder, the same one Electron's app.getPath('userData') gives for "Loupe". */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LOUPE_DATA_DIR) return path.resolve(env.LOUPE_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Loupe');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Loupe');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Loupe');
}

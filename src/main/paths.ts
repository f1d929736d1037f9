import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where ToolTune keeps its database and project folders. TOOLTUNE_DATA_DIR wins
 * (tests, portable installs); Electron passes its userData; otherwise the
 * platform's usual per-user data folder.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, electronUserData?: string): string {
  if (env.TOOLTUNE_DATA_DIR) return env.TOOLTUNE_DATA_DIR;
  if (electronUserData) return electronUserData;
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'ToolTune');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'ToolTune');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'tooltune');
}

export function projectDir(dataDir: string, projectId: string): string {
  return join(dataDir, 'projects', projectId);
}

export function workspaceDir(dataDir: string, projectId: string): string {
  return join(projectDir(dataDir, projectId), 'workspace');
}

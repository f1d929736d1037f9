/**
 * Electron entry: a thin shell. It hardens every window, opens the app window and
 * hands all work to the same services that serve mode and the CLI use.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, safeStorage, session, shell } from 'electron';
import packageJson from '../../package.json';
import { resolveDataDir } from './paths';
import { createServices } from './services/createServices';
import { CONTENT_SECURITY_POLICY } from './transport/contentSecurity';
import { serveOverIpc } from './transport/electronIpc';

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const appOrigin = devServerUrl ? new URL(devServerUrl).origin : null;

function isAppUrl(url: string): boolean {
  if (appOrigin) return new URL(url).origin === appOrigin;
  return url.split('#')[0] === pathToFileURL(rendererIndex).href;
}

function harden(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // No new windows. A web link the user confirmed in the chat opens in the system's browser instead.
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

async function createWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'ToolTune',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  if (devServerUrl) await window.loadURL(devServerUrl);
  else await window.loadFile(rendererIndex);
}

app.enableSandbox();
void app.whenReady().then(async () => {
  harden();
  const services = await createServices({
    dataDir: resolveDataDir(process.env, app.getPath('userData')),
    mode: 'electron',
    version: packageJson.version,
    secretCipher: safeStorage.isEncryptionAvailable() ? { encrypt: (plain) => safeStorage.encryptString(plain), decrypt: (encrypted) => safeStorage.decryptString(encrypted) } : null,
    openPath: async (path) => {
      const problem = await shell.openPath(path);
      if (problem !== '') throw new Error(problem);
    },
  });
  serveOverIpc(services.server, services.events, isAppUrl);
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => services.dispose());
});

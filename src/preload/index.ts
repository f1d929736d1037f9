import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { TooltuneBridge } from '../shared/rpc/bridge';

// Kept in sync with IPC_CHANNEL in shared/rpc/bridge.ts; a sandboxed preload cannot import shared code at run time.
const CHANNEL = 'tooltune:rpc';

const bridge: TooltuneBridge = {
  send(message) {
    ipcRenderer.send(CHANNEL, message);
  },
  onMessage(listener) {
    const handler = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(CHANNEL, handler);
    return () => ipcRenderer.removeListener(CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('tooltuneBridge', bridge);

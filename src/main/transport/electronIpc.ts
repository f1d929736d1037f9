/**
 * Electron transport: one IPC channel. A message is served only when it comes from
 * the main frame of one of ToolTune's own windows showing ToolTune's own page.
 */
import { BrowserWindow, ipcMain, type IpcMainEvent } from 'electron';
import { IPC_CHANNEL } from '../../shared/rpc/bridge';
import type { EventHub } from './eventHub';
import type { RpcServer } from './rpcServer';

export function serveOverIpc(server: RpcServer, events: EventHub, isAppUrl: (url: string) => boolean): () => void {
  const onMessage = (event: IpcMainEvent, message: unknown) => {
    const frame = event.senderFrame;
    const window = BrowserWindow.fromWebContents(event.sender);
    if (!window || !frame || frame !== event.sender.mainFrame || !isAppUrl(frame.url)) return;
    void server.handle(message).then((result) => {
      if (result && !event.sender.isDestroyed()) event.sender.send(IPC_CHANNEL, result);
    });
  };
  ipcMain.on(IPC_CHANNEL, onMessage);
  const disconnect = events.connect((message) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.webContents.isDestroyed()) window.webContents.send(IPC_CHANNEL, message);
    }
  });
  return () => {
    ipcMain.removeListener(IPC_CHANNEL, onMessage);
    disconnect();
  };
}

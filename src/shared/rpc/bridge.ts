/**
 * What the Electron preload exposes on `window.tooltuneBridge`: one channel, no
 * method names. The renderer uses it when present and the WebSocket otherwise.
 */
export interface TooltuneBridge {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

export const IPC_CHANNEL = 'tooltune:rpc';

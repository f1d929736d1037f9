import { ToolTuneError } from '../../shared/errors';
import type { CallMessage, ClientTransport, ServerMessage } from '../../shared/rpc/protocol';
import { reconnectDelayMs } from './backoff';
import type { ConnectionStore } from './connectionState';
import { createStateCell } from './connectionState';

export interface ReconnectingTransport extends ClientTransport {
  connection: ConnectionStore;
  /** Called whenever a live socket is lost; pending calls can never be answered then. */
  onLost(listener: () => void): void;
  dispose(): void;
}

/**
 * A WebSocket that reconnects with backoff. Calls made while it is not open wait in
 * a queue and go out once it opens; a lost socket drops that queue (the RPC client
 * fails those calls), so nothing is ever sent twice.
 */
export function createWebSocketTransport(url: string): ReconnectingTransport {
  const state = createStateCell({ status: 'connecting' });
  const messageListeners = new Set<(message: ServerMessage) => void>();
  const lostListeners = new Set<() => void>();
  let queue: string[] = [];
  let socket: WebSocket | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  function open(): void {
    clearTimeout(retryTimer);
    if (disposed) return;
    state.set({ status: 'connecting' });
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      state.set({ status: 'open' });
      for (const message of queue) ws.send(message);
      queue = [];
    };
    ws.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      messageListeners.forEach((listener) => listener(message));
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      queue = [];
      lostListeners.forEach((listener) => listener());
      if (disposed) return;
      const delay = reconnectDelayMs(attempt++);
      state.set({ status: 'reconnecting', retryAt: Date.now() + delay });
      retryTimer = setTimeout(open, delay);
    };
  }

  open();

  return {
    connection: {
      get: state.get,
      subscribe: state.subscribe,
      retryNow: () => {
        if (state.get().status === 'reconnecting') open();
      },
    },
    send(message: CallMessage) {
      if (disposed) throw new ToolTuneError('unavailable', 'The connection was closed.');
      const text = JSON.stringify(message);
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onLost(listener) {
      lostListeners.add(listener);
    },
    dispose() {
      disposed = true;
      clearTimeout(retryTimer);
      socket?.close();
    },
  };
}

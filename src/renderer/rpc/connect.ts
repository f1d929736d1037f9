import type { Api } from '../../shared/contract';
import type { TooltuneBridge } from '../../shared/rpc/bridge';
import { createRpcClient } from '../../shared/rpc/client';
import type { ClientTransport, ServerMessage } from '../../shared/rpc/protocol';
import type { ConnectionStore } from './connectionState';
import { createStateCell } from './connectionState';
import { takeSessionToken } from './sessionToken';
import { createWebSocketTransport } from './webSocketTransport';

declare global {
  interface Window {
    /** Present only inside the Electron window (exposed by the preload). */
    tooltuneBridge?: TooltuneBridge;
  }
}

export interface Connection {
  api: Api;
  connection: ConnectionStore;
}

/** The preload's IPC channel never drops, so its connection is always open. */
function bridgeTransport(bridge: TooltuneBridge): ClientTransport {
  return {
    send: (message) => bridge.send(message),
    onMessage: (listener) => bridge.onMessage((message) => listener(message as ServerMessage)),
  };
}

function fixedConnection(status: 'open' | 'no-token'): ConnectionStore {
  const cell = createStateCell({ status });
  return { get: cell.get, subscribe: cell.subscribe, retryNow: () => undefined };
}

function webSocketUrl(token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/rpc?token=${encodeURIComponent(token)}`;
}

/** Picks the Electron bridge when there is one, else serve mode's WebSocket. */
export function connect(): Connection {
  if (window.tooltuneBridge) {
    return { api: createRpcClient(bridgeTransport(window.tooltuneBridge)).api, connection: fixedConnection('open') };
  }
  const token = takeSessionToken({
    location,
    storage: sessionStorage,
    replaceUrl: (url) => history.replaceState(history.state, '', url),
  });
  if (!token) {
    // Without a token the server refuses us; calls stay unanswered and the banner explains why.
    const client = createRpcClient({ send: () => undefined, onMessage: () => () => undefined });
    return { api: client.api, connection: fixedConnection('no-token') };
  }
  const transport = createWebSocketTransport(webSocketUrl(token));
  const client = createRpcClient(transport);
  transport.onLost(() => client.failAll('The connection to ToolTune was lost.'));
  return { api: client.api, connection: transport.connection };
}

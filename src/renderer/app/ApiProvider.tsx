import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Api } from '../../shared/contract';
import type { Connection } from '../rpc/connect';
import type { ConnectionState, ConnectionStore } from '../rpc/connectionState';

const ConnectionContext = createContext<Connection | null>(null);

export function ApiProvider({ connection, children }: { connection: Connection; children: ReactNode }) {
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}

function useConnectionContext(): Connection {
  const value = useContext(ConnectionContext);
  if (!value) throw new Error('ApiProvider is missing above this component.');
  return value;
}

export function useApi(): Api {
  return useConnectionContext().api;
}

export function useConnection(): { state: ConnectionState; store: ConnectionStore } {
  const store = useConnectionContext().connection;
  const state = useSyncExternalStore(store.subscribe, store.get);
  return { state, store };
}

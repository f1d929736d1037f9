/** What the UI needs to know about the link to main: a tiny observable value. */
export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'open' }
  | { status: 'reconnecting'; retryAt: number }
  | { status: 'no-token' };

export interface ConnectionStore {
  get(): ConnectionState;
  subscribe(listener: () => void): () => void;
  /** Skips the wait before the next reconnect attempt. */
  retryNow(): void;
}

export function createStateCell(initial: ConnectionState) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(next: ConnectionState) {
      state = next;
      listeners.forEach((listener) => listener());
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

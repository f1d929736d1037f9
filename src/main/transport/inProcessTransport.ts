import type { ClientTransport, ServerMessage } from '../../shared/rpc/protocol';
import type { EventHub } from './eventHub';
import type { RpcServer } from './rpcServer';

/**
 * A client transport that calls the server in the same process (the CLI). Messages
 * still go through JSON and the server's validation, exactly like remote ones.
 */
export function inProcessTransport(server: RpcServer, events: EventHub): ClientTransport {
  const listeners = new Set<(message: ServerMessage) => void>();
  const deliver = (message: ServerMessage) => listeners.forEach((listener) => listener(message));
  events.connect(deliver);
  return {
    send(message) {
      const copy: unknown = JSON.parse(JSON.stringify(message));
      void server.handle(copy).then((result) => {
        if (result) deliver(JSON.parse(JSON.stringify(result)) as ServerMessage);
      });
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

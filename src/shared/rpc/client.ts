/**
 * Typed proxy over any ClientTransport: `api.projects.create({ name })` becomes a
 * CallMessage and resolves with the matching ResultMessage. Knows no method names.
 */
import type { Api, Contract } from '../contract';
import { contract } from '../contract';
import { deserializeError, ToolTuneError } from '../errors';
import type { CallMessage, ClientTransport, ServerMessage } from './protocol';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface RpcClient {
  api: Api;
  /** Rejects every pending call, e.g. when the connection is lost. */
  failAll(reason: string): void;
  dispose(): void;
}

export function createRpcClient(transport: ClientTransport): RpcClient {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const stop = transport.onMessage((message: ServerMessage) => {
    if (message.kind === 'result') {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else call.reject(deserializeError(message.error));
    } else {
      listeners.get(`${message.service}.${message.event}`)?.forEach((listener) => listener(message.payload));
    }
  });

  function call(service: string, method: string, params: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const message: CallMessage = { kind: 'call', id, service, method, params: params ?? {} };
      try {
        transport.send(message);
      } catch (error) {
        pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  function serviceProxy(service: keyof Contract): unknown {
    const proxy: Record<string, unknown> = {
      on(event: string, listener: (payload: unknown) => void) {
        const key = `${service}.${event}`;
        const set = listeners.get(key) ?? new Set();
        set.add(listener);
        listeners.set(key, set);
        return () => set.delete(listener);
      },
    };
    for (const [name, spec] of Object.entries(contract[service])) {
      if (spec.kind === 'method') proxy[name] = (params: unknown) => call(service, name, params);
    }
    return proxy;
  }

  const api = Object.fromEntries(
    (Object.keys(contract) as (keyof Contract)[]).map((service) => [service, serviceProxy(service)]),
  ) as Api;

  function failAll(reason: string): void {
    for (const call of pending.values()) call.reject(new ToolTuneError('unavailable', reason));
    pending.clear();
  }

  return {
    api,
    failAll,
    dispose() {
      stop();
      failAll('The connection was closed.');
      listeners.clear();
    },
  };
}

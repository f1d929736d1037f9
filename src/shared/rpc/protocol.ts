/**
 * Wire messages shared by every transport (Electron IPC, WebSocket, in-process).
 * Messages are plain JSON; main validates every incoming one before acting on it.
 */
import type { SerializedError } from '../errors';

export interface CallMessage {
  kind: 'call';
  id: number;
  service: string;
  method: string;
  params: unknown;
}

export type ResultMessage =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: SerializedError };

export interface EventMessage {
  kind: 'event';
  service: string;
  event: string;
  payload: unknown;
}

export type ServerMessage = ResultMessage | EventMessage;

/** Upper bound for one message on any transport; big inputs are capped well below it. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** JSON Schema of a CallMessage, used by main to reject malformed envelopes. */
export const callMessageSchema = {
  type: 'object',
  properties: {
    kind: { const: 'call' },
    id: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    service: { type: 'string', maxLength: 64 },
    method: { type: 'string', maxLength: 64 },
    params: {},
  },
  required: ['kind', 'id', 'service', 'method'],
  additionalProperties: false,
} as const;

/** A client-side transport: send a call, receive results and events. */
export interface ClientTransport {
  send(message: CallMessage): void;
  onMessage(listener: (message: ServerMessage) => void): () => void;
}

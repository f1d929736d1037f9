import type { Message } from '../data/conversation';
import { event, method, schema } from './spec';

/**
 * Which model a chat lane talks to: a base model alone, a run (its base with the run's adapter applied at run
 * time, or a kept checkpoint's), or one file of an export (merged, quantized).
 */
export type ChatModel =
  | { kind: 'model'; modelId: string }
  | { kind: 'run'; runId: string; checkpointStep?: number }
  | { kind: 'export'; exportId: string; file: string };

export interface ChatSampling {
  /** 0: greedy (the default, as in Evaluate). */
  temperature: number;
  topP: number;
  topK: number;
  seed: number;
  /** Tokens per answer, calls included. */
  maxTokens: number;
  /** Model answers (call rounds) per prompt before the chat stops and says so. */
  maxRounds: number;
}

export const DEFAULT_SAMPLING: ChatSampling = { temperature: 0, topP: 0.95, topK: 40, seed: 1, maxTokens: 512, maxRounds: 4 };
export const MAX_CHAT_LANES = 2;

export type ToolCallStatus = 'waiting-approval' | 'running' | 'ok' | 'error' | 'denied';

/** One call of the model as it ran (the log, secrets redacted). */
export interface ChatToolCall {
  callId: string;
  lane: number;
  tool: string;
  arguments: Record<string, unknown>;
  status: ToolCallStatus;
  /** How the policy decided: allowed without asking, approved or denied by the user, refused by policy, timed out. */
  decision: 'allowed' | 'approved' | 'denied' | 'policy-denied' | 'timed-out' | null;
  result: string | null;
  files: string[];
  ms: number | null;
}

export interface ChatMessage {
  seq: number;
  lane: number;
  /** Which user prompt this message answers (0: the first); the same in every lane. */
  turn: number;
  message: Message;
  /** Assistant turns: tokens, generation time and whether the turn ended (false: cut at maxTokens or stopped). */
  tokens?: number;
  ms?: number;
  finished?: boolean;
  /** The raw answer when its call could not be read. */
  unreadable?: string;
}

export interface ChatLane {
  model: ChatModel;
  label: string;
}

export interface ConversationSummary {
  id: string;
  projectId: string;
  title: string;
  lanes: ChatLane[];
  updatedAt: string;
}

export interface Conversation extends ConversationSummary {
  systemPrompt: string;
  sampling: ChatSampling;
  messages: ChatMessage[];
  calls: ChatToolCall[];
  /** Lanes still generating or running calls. */
  busy: number[];
  /** Text of the answer being written, per lane (until it is stored as a message). */
  streaming: Record<number, string>;
  /** Why the last prompt stopped early, per lane (a failure, the round limit). */
  notices: Record<number, string>;
}

export interface ChatModelOption {
  model: ChatModel;
  label: string;
  group: 'base' | 'run' | 'export';
}

const id = schema.id();
const chatModel = {
  oneOf: [
    schema.object({ kind: { const: 'model' }, modelId: id }),
    schema.object({ kind: { const: 'run' }, runId: id, checkpointStep: { type: 'integer', minimum: 0, maximum: 100_000_000 } }, ['kind', 'runId']),
    schema.object({ kind: { const: 'export' }, exportId: id, file: schema.string(512, 1) }),
  ],
};
const sampling = schema.object({
  temperature: { type: 'number', minimum: 0, maximum: 2 },
  topP: { type: 'number', minimum: 0, maximum: 1 },
  topK: { type: 'integer', minimum: 0, maximum: 1000 },
  seed: { type: 'integer', minimum: 0, maximum: 2 ** 32 - 1 },
  maxTokens: { type: 'integer', minimum: 16, maximum: 8192 },
  maxRounds: { type: 'integer', minimum: 1, maximum: 16 },
});
const prompt = schema.string(100_000, 1);

export const chatContract = {
  /** Every model the project's chat can use: its base models, finished runs and exported files. */
  models: method<{ projectId: string }, ChatModelOption[]>(schema.object({ projectId: id })),
  list: method<{ projectId: string }, ConversationSummary[]>(schema.object({ projectId: id })),
  get: method<{ conversationId: string }, Conversation>(schema.object({ conversationId: id })),
  /** One lane, or two to send every prompt to both models side by side. */
  create: method<{ projectId: string; lanes: ChatModel[]; title?: string; systemPrompt?: string; sampling?: ChatSampling }, Conversation>(
    schema.object(
      { projectId: id, lanes: { type: 'array', items: chatModel, minItems: 1, maxItems: MAX_CHAT_LANES }, title: schema.string(200), systemPrompt: schema.string(20_000), sampling },
      ['projectId', 'lanes'],
    ),
  ),
  update: method<{ conversationId: string; title?: string; systemPrompt?: string; sampling?: ChatSampling }, Conversation>(
    schema.object({ conversationId: id, title: schema.string(200), systemPrompt: schema.string(20_000), sampling }, ['conversationId']),
  ),
  delete: method<{ conversationId: string }, { deleted: true }>(schema.object({ conversationId: id })),
  /**
   * Sends a user prompt to every lane; returns once it is stored, the answers stream as events. `fromTurn`: edit and
   * resend — that prompt and everything after it are replaced.
   */
  send: method<{ conversationId: string; text: string; fromTurn?: number }, { started: true }>(
    schema.object({ conversationId: id, text: prompt, fromTurn: { type: 'integer', minimum: 0 } }, ['conversationId', 'text']),
  ),
  /** Answers the last prompt again: everything after it is replaced. */
  regenerate: method<{ conversationId: string }, { started: true }>(schema.object({ conversationId: id })),
  /** Stops generation and pending calls in every lane; a waiting approval counts as denied. */
  stop: method<{ conversationId: string }, { stopped: boolean }>(schema.object({ conversationId: id })),
  /** The user's answer to a call waiting for approval. */
  decide: method<{ conversationId: string; callId: string; approve: boolean }, { decided: boolean }>(
    schema.object({ conversationId: id, callId: schema.string(128, 1), approve: { type: 'boolean' } }),
  ),
  /** Stored state changed (a message, a call, a lane done). */
  didChange: event<{ projectId: string; conversationId: string }>(),
  /** Text of an answer being written. */
  didStream: event<{ conversationId: string; lane: number; text: string }>(),
};

/**
 * The structured editor's model: a sample whose call arguments are kept as the text the user
 * types, so a half-typed JSON object is not lost. Pure functions, like the Tools editor's model.
 */
import type { Message, Sample } from '../../../shared/data/conversation';

export interface CallDraft {
  id: string;
  name: string;
  argumentsText: string;
}

export type MessageDraft =
  | Exclude<Message, { role: 'assistant' }>
  | (Omit<Extract<Message, { role: 'assistant' }>, 'toolCalls'> & { calls: CallDraft[] });

export interface SampleDraft {
  /** Everything the form does not edit (tools, kind, meta, …) rides along unchanged. */
  rest: Omit<Sample, 'messages'>;
  messages: MessageDraft[];
}

export interface DraftProblem {
  /** RFC 6901 pointer into the sample, as verification reports it. */
  pointer: string;
  message: string;
}

export function callPointer(messageIndex: number, callIndex: number): string {
  return `/messages/${messageIndex}/toolCalls/${callIndex}`;
}

export function draftOf(sample: Sample): SampleDraft {
  const { messages, ...rest } = sample;
  return {
    rest,
    messages: messages.map((message) => {
      if (message.role !== 'assistant') return message;
      const { toolCalls, ...others } = message;
      return { ...others, calls: toolCalls.map(({ id, name, arguments: args }) => ({ id, name, argumentsText: JSON.stringify(args, null, 2) })) };
    }),
  };
}

/** The sample the draft describes, or the first argument text that is not a JSON object. */
export function sampleOfDraft(draft: SampleDraft): { sample: Sample } | { problem: DraftProblem } {
  const messages: Message[] = [];
  for (const [messageIndex, message] of draft.messages.entries()) {
    if (!('calls' in message)) {
      messages.push(message);
      continue;
    }
    const { calls, ...others } = message;
    const toolCalls = [];
    for (const [callIndex, call] of calls.entries()) {
      const args = parseArguments(call.argumentsText);
      if (typeof args === 'string') return { problem: { pointer: `${callPointer(messageIndex, callIndex)}/arguments`, message: args } };
      toolCalls.push({ id: call.id, name: call.name, arguments: args });
    }
    messages.push({ ...others, toolCalls });
  }
  return { sample: { messages, ...draft.rest } };
}

/** A JSON object, or why the text is not one. */
export function parseArguments(text: string): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'arguments must be a JSON object';
    return value as Record<string, unknown>;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function withContent(draft: SampleDraft, messageIndex: number, content: string): SampleDraft {
  return { ...draft, messages: draft.messages.map((message, index) => (index === messageIndex ? { ...message, content } : message)) };
}

/** Renaming a call also renames the tool results that answer it, which must repeat the call's name. */
export function withCall(draft: SampleDraft, messageIndex: number, callIndex: number, change: Partial<Omit<CallDraft, 'id'>>): SampleDraft {
  const target = draft.messages[messageIndex];
  const call = target && 'calls' in target ? target.calls[callIndex] : undefined;
  if (!call) return draft;
  const messages = draft.messages.map((message, index) => {
    if (index === messageIndex && 'calls' in message) {
      return { ...message, calls: message.calls.map((other, i) => (i === callIndex ? { ...other, ...change } : other)) };
    }
    if (change.name !== undefined && message.role === 'tool' && message.toolCallId === call.id) return { ...message, name: change.name };
    return message;
  });
  return { ...draft, messages };
}

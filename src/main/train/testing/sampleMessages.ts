/** Short builders of `Sample` messages for the rendering tests. */
import type { Message, ToolCall } from '../../../shared/data/conversation.js';

export const call = (id: string, name: string, args: Record<string, unknown>): ToolCall => ({ id, name, arguments: args });

export const assistant = (content: string, toolCalls: ToolCall[] = [], weight?: 0): Message =>
  weight === undefined ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content, toolCalls, weight };

export const result = (toolCallId: string, name: string, content: string): Message => ({ role: 'tool', toolCallId, name, content });

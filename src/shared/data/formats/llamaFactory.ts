import { isJsonObject, ownValue, type JsonObject } from '../../tools/plainJson';
import type { Message, Sample, ToolCall } from '../conversation';
import { collectImport, streamRecords, type DatasetImport, type ImportStream, type RecordRead, type ToolCatalog } from './datasetImport';
import { parseArguments } from './openaiJsonl';
import { parseEmbeddedJson } from './records';
import { toolsFromList } from './toolLists';

/**
 * LLaMA-Factory's typed-parts messages: `{messages: [{role, content: [{type, value}]}], tools?}` with part types
 * `text`, `reasoning` (the assistant's thinking, kept in the message's `reasoning`) and `tool_call` (a JSON string
 * `{"name", "arguments"}`), roles system|user|assistant|tool, and `tools` as a JSON string. Calls have no ids in
 * the format (import numbers them `call_1`, `call_2`, …); a tool message answers the oldest unanswered call.
 * `weight`, `kind`, `meta` and `expected` are not carried.
 */
export function importLlamaFactory(text: string): DatasetImport {
  return collectImport(streamLlamaFactory(text));
}

export function streamLlamaFactory(text: string, batchSize?: number): ImportStream {
  return streamRecords(text, readLlamaFactoryRecord, undefined, batchSize);
}

export function exportLlamaFactory(samples: readonly Sample[]): string {
  return samples.map((sample) => JSON.stringify(toLlamaFactoryRecord(sample))).join('\n') + (samples.length > 0 ? '\n' : '');
}

type Part = { type: 'text' | 'reasoning' | 'tool_call'; value: string };

export function toLlamaFactoryRecord(sample: Sample): JsonObject {
  const messages = sample.messages.map((message): JsonObject => {
    if (message.role !== 'assistant') return { role: message.role, content: [{ type: 'text', value: message.content }] };
    const parts: Part[] = [];
    if (message.reasoning !== undefined) parts.push({ type: 'reasoning', value: message.reasoning });
    if (message.content !== '' || message.toolCalls.length === 0) parts.push({ type: 'text', value: message.content });
    for (const call of message.toolCalls) parts.push({ type: 'tool_call', value: JSON.stringify({ name: call.name, arguments: call.arguments }) });
    return { role: 'assistant', content: parts };
  });
  const record: JsonObject = { messages };
  if (sample.tools.length > 0) {
    record['tools'] = JSON.stringify(sample.tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters })));
  }
  return record;
}

/** The parts of a message's content; a plain string counts as one text part. */
function partsOf(content: unknown): Part[] | string {
  if (typeof content === 'string') return [{ type: 'text', value: content }];
  if (!Array.isArray(content)) return 'content must be a list of parts';
  const parts: Part[] = [];
  for (const [index, part] of content.entries()) {
    const type = isJsonObject(part) ? ownValue(part, 'type') : undefined;
    const value = isJsonObject(part) ? ownValue(part, 'value') : undefined;
    if (type !== 'text' && type !== 'reasoning' && type !== 'tool_call') return `part ${index} has type ${JSON.stringify(type)?.slice(0, 40)}; text, reasoning and tool_call are read`;
    if (typeof value !== 'string') return `part ${index} has no string value`;
    parts.push({ type, value });
  }
  return parts;
}

export function readLlamaFactoryRecord(value: unknown, catalog: ToolCatalog): RecordRead {
  const read: RecordRead = { samples: [], problems: [] };
  const fail = (message: string): RecordRead => ({ samples: [], problems: [...read.problems, { severity: 'error', message }] });
  if (!isJsonObject(value)) return fail('a line must be an object with "messages"');
  const rawMessages = ownValue(value, 'messages');
  if (!Array.isArray(rawMessages)) return fail('"messages" is missing or not an array');
  const tools = toolsFromList(ownValue(value, 'tools'), catalog, read.problems);
  const messages: Message[] = [];
  let pending: ToolCall[] = [];
  let nextId = 1;
  for (const [index, raw] of rawMessages.entries()) {
    if (!isJsonObject(raw)) return fail(`message ${index} is not an object`);
    const role = ownValue(raw, 'role');
    const parts = partsOf(ownValue(raw, 'content'));
    if (typeof parts === 'string') return fail(`message ${index}: ${parts}`);
    const text = parts.filter((part) => part.type === 'text').map((part) => part.value).join('');
    if (role !== 'assistant' && parts.some((part) => part.type !== 'text')) return fail(`message ${index}: only an assistant message has reasoning or tool_call parts`);
    if (role === 'system' || role === 'user') messages.push({ role, content: text });
    else if (role === 'assistant') {
      const calls: ToolCall[] = [];
      for (const part of parts.filter((p) => p.type === 'tool_call')) {
        const call = parseEmbeddedJson(part.value);
        const name = isJsonObject(call) ? ownValue(call, 'name') : undefined;
        if (typeof name !== 'string' || name === '') return fail(`message ${index}: a tool_call part is not {"name", "arguments"} JSON`);
        const args = parseArguments(isJsonObject(call) ? ownValue(call, 'arguments') : undefined, () =>
          read.problems.push({ severity: 'warning', message: `message ${index}: the arguments of "${name.slice(0, 64)}" were JSON encoded twice; decoded` }),
        );
        if (!args) return fail(`message ${index}: the arguments of "${name.slice(0, 64)}" are not a JSON object`);
        calls.push({ id: `call_${nextId++}`, name, arguments: args });
      }
      const reasoning = parts.filter((part) => part.type === 'reasoning').map((part) => part.value);
      const message: Message = { role: 'assistant', content: text, toolCalls: calls };
      if (reasoning.length > 0) message.reasoning = reasoning.join('\n');
      messages.push(message);
      pending = [...calls];
    } else if (role === 'tool') {
      const call = pending.shift();
      if (!call) return fail(`message ${index}: a tool result does not answer any earlier call`);
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: text });
    } else return fail(`message ${index}: unknown role ${JSON.stringify(role)?.slice(0, 40)}`);
  }
  read.samples.push({ messages, tools, kind: null });
  return read;
}

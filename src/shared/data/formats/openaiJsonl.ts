import { toOpenAiTools } from '../../tools/exportTools';
import { isJsonObject, ownValue, type JsonObject } from '../../tools/plainJson';
import type { Message, Sample, ToolCall } from '../conversation';
import { collectImport, streamRecords, type DatasetImport, type ImportStream, type RecordRead, type ToolCatalog } from './datasetImport';
import { parseEmbeddedJson } from './records';
import { toolsFromList } from './toolLists';

/**
 * OpenAI fine-tuning JSONL: one `{messages, tools?, parallel_tool_calls?}` per line, call arguments
 * as JSON strings, `weight` (0|1) on assistant messages. Legacy `function_call` / role `function`
 * lines are read too. Not carried by the format: `kind`, `meta`, `expected`.
 */
export function importOpenAiJsonl(text: string): DatasetImport {
  return collectImport(streamOpenAiJsonl(text));
}

export function streamOpenAiJsonl(text: string, batchSize?: number): ImportStream {
  return streamRecords(text, readOpenAiRecord, undefined, batchSize);
}

export function exportOpenAiJsonl(samples: readonly Sample[]): string {
  return samples.map((sample) => JSON.stringify(toOpenAiRecord(sample))).join('\n') + (samples.length > 0 ? '\n' : '');
}

export function toOpenAiRecord(sample: Sample): JsonObject {
  const record: JsonObject = { messages: sample.messages.map(toOpenAiMessage) };
  if (sample.tools.length > 0) record['tools'] = toOpenAiTools(sample.tools);
  if (sample.parallelToolCalls !== undefined) record['parallel_tool_calls'] = sample.parallelToolCalls;
  return record;
}

function toOpenAiMessage(message: Message): JsonObject {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant': {
      const out: JsonObject = { role: 'assistant', content: message.content === '' && message.toolCalls.length > 0 ? null : message.content };
      if (message.toolCalls.length > 0) {
        out['tool_calls'] = message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        }));
      }
      if (message.weight !== undefined) out['weight'] = message.weight;
      return out;
    }
  }
}

export function readOpenAiRecord(value: unknown, catalog: ToolCatalog): RecordRead {
  const read: RecordRead = { samples: [], problems: [] };
  const fail = (message: string): RecordRead => ({ samples: [], problems: [...read.problems, { severity: 'error', message }] });
  if (!isJsonObject(value)) return fail('a line must be an object with "messages"');
  const rawMessages = ownValue(value, 'messages');
  if (!Array.isArray(rawMessages)) return fail('"messages" is missing or not an array');

  const tools = toolsFromList(ownValue(value, 'tools') ?? ownValue(value, 'functions'), catalog, read.problems);
  const messages: Message[] = [];
  const callNames = new Map<string, string>();
  /** Calls of the latest assistant turn still waiting for a result (for results without an id). */
  let pending: ToolCall[] = [];
  let nextId = 1;
  for (const [index, raw] of rawMessages.entries()) {
    if (!isJsonObject(raw)) return fail(`message ${index} is not an object`);
    const role = ownValue(raw, 'role');
    const content = textContent(ownValue(raw, 'content'));
    if (content === null) return fail(`message ${index}: content must be text`);
    if (role === 'system' || role === 'developer') messages.push({ role: 'system', content });
    else if (role === 'user') messages.push({ role: 'user', content });
    else if (role === 'assistant') {
      const calls = readCalls(raw, () => `call_${nextId++}`, (name) =>
        read.problems.push({ severity: 'warning', message: `message ${index}: the arguments of "${name.slice(0, 64)}" were JSON encoded twice; decoded` }),
      );
      if (typeof calls === 'string') return fail(`message ${index}: ${calls}`);
      for (const call of calls) callNames.set(call.id, call.name);
      pending = [...calls];
      const message: Message = { role: 'assistant', content, toolCalls: calls };
      const weight = ownValue(raw, 'weight');
      if (weight === 0 || weight === 1) message.weight = weight;
      else if (weight !== undefined) read.problems.push({ severity: 'warning', message: `message ${index}: weight must be 0 or 1; ignored` });
      messages.push(message);
    } else if (role === 'tool' || role === 'function') {
      const givenId = ownValue(raw, 'tool_call_id');
      const call = typeof givenId === 'string' ? pending.find((c) => c.id === givenId) ?? null : pending[0] ?? null;
      const id = typeof givenId === 'string' ? givenId : call?.id;
      const name = id === undefined ? undefined : callNames.get(id);
      if (id === undefined || name === undefined) return fail(`message ${index}: a tool result does not answer any earlier call`);
      pending = pending.filter((c) => c.id !== id);
      messages.push({ role: 'tool', toolCallId: id, name, content });
    } else return fail(`message ${index}: unknown role ${JSON.stringify(role)?.slice(0, 40)}`);
  }
  const sample: Sample = { messages, tools, kind: null };
  const parallel = ownValue(value, 'parallel_tool_calls');
  if (typeof parallel === 'boolean') sample.parallelToolCalls = parallel;
  read.samples.push(sample);
  return read;
}

/** String content, or the text parts of a content array; `null` content (calls only) is ''. */
function textContent(content: unknown): string | null {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const texts = content.map((part: unknown) => (isJsonObject(part) ? ownValue(part, 'text') : undefined));
  return texts.every((text): text is string => typeof text === 'string') ? texts.join('') : null;
}

function readCalls(message: JsonObject, newId: () => string, onDoubleEncoded: (name: string) => void): ToolCall[] | string {
  const legacy = ownValue(message, 'function_call');
  const raw = ownValue(message, 'tool_calls') ?? (legacy === undefined || legacy === null ? [] : [{ function: legacy }]);
  if (!Array.isArray(raw)) return 'tool_calls must be an array';
  const calls: ToolCall[] = [];
  for (const item of raw) {
    const fn = isJsonObject(item) ? ownValue(item, 'function') : undefined;
    const name = isJsonObject(fn) ? ownValue(fn, 'name') : undefined;
    if (typeof name !== 'string') return 'a tool call has no function name';
    const args = parseArguments(isJsonObject(fn) ? ownValue(fn, 'arguments') : undefined, () => onDoubleEncoded(name));
    if (!args) return `the arguments of "${name.slice(0, 64)}" are not a JSON object`;
    const id = isJsonObject(item) ? ownValue(item, 'id') : undefined;
    calls.push({ id: typeof id === 'string' && id !== '' ? id : newId(), name, arguments: args });
  }
  return calls;
}

/**
 * Arguments are a JSON string in the format; an object is accepted too (a common mistake), and so is a JSON string
 * of that JSON string (a widely copied example encodes twice): `onDoubleEncoded` is told then.
 */
export function parseArguments(raw: unknown, onDoubleEncoded?: () => void): Record<string, unknown> | null {
  if (raw === undefined || raw === '') return {};
  const value = typeof raw === 'string' ? parseEmbeddedJson(raw) : raw;
  if (typeof value === 'string') {
    const decoded = parseEmbeddedJson(value);
    if (!isJsonObject(decoded)) return null;
    onDoubleEncoded?.();
    return decoded;
  }
  return isJsonObject(value) ? value : null;
}

import { isJsonObject, ownValue, type JsonObject } from '../../tools/plainJson';
import type { Message, Sample, ToolCall } from '../conversation';
import { collectImport, streamRecords, type DatasetImport, type ImportStream, type RecordRead, type ToolCatalog } from './datasetImport';
import { parseArguments } from './openaiJsonl';
import { parseEmbeddedJson } from './records';
import { toolsFromList } from './toolLists';

/**
 * ShareGPT as LLaMA-Factory reads it: `{conversations: [{from, value}], system?, tools?}` with
 * `from` in human|gpt|function_call|observation and `tools` as a JSON string. Calls have no ids in
 * the format (import numbers them `call_1`, `call_2`, …); parallel calls are one `function_call`
 * turn holding a JSON array, and their results one `observation` holding a JSON array of the
 * result texts. An assistant turn that both talks and calls keeps only its calls, as LLaMA-Factory
 * has no turn for both; `weight`, `kind`, `meta` and `expected` are not carried.
 */
export function importShareGpt(text: string): DatasetImport {
  return collectImport(streamShareGpt(text));
}

export function streamShareGpt(text: string, batchSize?: number): ImportStream {
  return streamRecords(text, readShareGptRecord, undefined, batchSize);
}

export function exportShareGpt(samples: readonly Sample[]): string {
  return samples.map((sample) => JSON.stringify(toShareGptRecord(sample))).join('\n') + (samples.length > 0 ? '\n' : '');
}

/** LLaMA-Factory's `dataset_info.json` entry for an exported file. */
export function shareGptDatasetInfo(datasetName: string, fileName: string): string {
  const entry = {
    file_name: fileName,
    formatting: 'sharegpt',
    columns: { messages: 'conversations', system: 'system', tools: 'tools' },
    tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt', observation_tag: 'observation', function_tag: 'function_call', system_tag: 'system' },
  };
  return JSON.stringify({ [datasetName]: entry }, null, 2) + '\n';
}

type Turn = { from: string; value: string };

export function toShareGptRecord(sample: Sample): JsonObject {
  const record: JsonObject = {};
  const turns: Turn[] = [];
  let pendingResults: string[] = [];
  const flushResults = (): void => {
    if (pendingResults.length > 0) turns.push({ from: 'observation', value: pendingResults.length === 1 ? (pendingResults[0] as string) : JSON.stringify(pendingResults) });
    pendingResults = [];
  };
  sample.messages.forEach((message, index) => {
    if (message.role !== 'tool') flushResults();
    if (message.role === 'system' && index === 0) record['system'] = message.content;
    else if (message.role === 'system') turns.push({ from: 'system', value: message.content });
    else if (message.role === 'user') turns.push({ from: 'human', value: message.content });
    else if (message.role === 'tool') pendingResults.push(message.content);
    else if (message.toolCalls.length === 0) turns.push({ from: 'gpt', value: message.content });
    else {
      const calls = message.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments }));
      turns.push({ from: 'function_call', value: JSON.stringify(calls.length === 1 ? calls[0] : calls) });
    }
  });
  flushResults();
  record['conversations'] = turns;
  if (sample.tools.length > 0) {
    record['tools'] = JSON.stringify(sample.tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters })));
  }
  return record;
}

const ROLE_ALIASES: Record<string, 'user' | 'assistant' | 'function_call' | 'observation' | 'system'> = {
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  function_call: 'function_call',
  observation: 'observation',
  tool: 'observation',
  system: 'system',
};

export function readShareGptRecord(value: unknown, catalog: ToolCatalog): RecordRead {
  const read: RecordRead = { samples: [], problems: [] };
  const fail = (message: string): RecordRead => ({ samples: [], problems: [...read.problems, { severity: 'error', message }] });
  if (!isJsonObject(value)) return fail('a record must be an object with "conversations"');
  const turns = ownValue(value, 'conversations') ?? ownValue(value, 'messages');
  if (!Array.isArray(turns)) return fail('"conversations" is missing or not an array');

  const messages: Message[] = [];
  const system = ownValue(value, 'system');
  if (typeof system === 'string' && system !== '') messages.push({ role: 'system', content: system });
  let pending: ToolCall[] = [];
  let nextId = 1;
  for (const [index, turn] of turns.entries()) {
    const from = isJsonObject(turn) ? (ownValue(turn, 'from') ?? ownValue(turn, 'role')) : undefined;
    const content = isJsonObject(turn) ? (ownValue(turn, 'value') ?? ownValue(turn, 'content')) : undefined;
    const role = typeof from === 'string' ? ROLE_ALIASES[from] : undefined;
    if (role === undefined || typeof content !== 'string') return fail(`turn ${index}: needs a known "from" and a text "value"`);
    if (role === 'system' || role === 'user') messages.push({ role, content });
    else if (role === 'assistant') messages.push({ role: 'assistant', content, toolCalls: [] });
    else if (role === 'function_call') {
      const calls = readCallTurn(content, () => `call_${nextId++}`, (name) =>
        read.problems.push({ severity: 'warning', message: `turn ${index}: the arguments of "${name.slice(0, 64)}" were JSON encoded twice; decoded` }),
      );
      if (typeof calls === 'string') return fail(`turn ${index}: ${calls}`);
      pending = calls;
      messages.push({ role: 'assistant', content: '', toolCalls: calls });
    } else {
      if (pending.length === 0) return fail(`turn ${index}: an observation without a function_call before it`);
      const results = splitResults(content, pending.length);
      if (results.length < pending.length) {
        read.problems.push({ severity: 'warning', message: `turn ${index}: one observation for ${pending.length} calls; it answers the first` });
      }
      results.forEach((result, i) => {
        const call = pending[i] as ToolCall;
        messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: result });
      });
      pending = [];
    }
  }
  const tools = toolsFromList(ownValue(value, 'tools'), catalog, read.problems);
  read.samples.push({ messages, tools, kind: null });
  return read;
}

/** A `function_call` value: one `{name, arguments}` object or an array of them (parallel calls). */
function readCallTurn(text: string, newId: () => string, onDoubleEncoded: (name: string) => void): ToolCall[] | string {
  const value = parseEmbeddedJson(text);
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return 'an empty function_call';
  const calls: ToolCall[] = [];
  for (const item of list) {
    const name = isJsonObject(item) ? ownValue(item, 'name') : undefined;
    if (typeof name !== 'string') return 'function_call is not {"name", "arguments"} JSON';
    const args = parseArguments(isJsonObject(item) ? ownValue(item, 'arguments') : undefined, () => onDoubleEncoded(name));
    if (!args) return `the arguments of "${name.slice(0, 64)}" are not a JSON object`;
    calls.push({ id: newId(), name, arguments: args });
  }
  return calls;
}

/** Results of parallel calls come as a JSON array of texts; anything else is one result. */
function splitResults(content: string, callCount: number): string[] {
  if (callCount > 1) {
    const value = parseEmbeddedJson(content);
    if (Array.isArray(value) && value.length === callCount) return value.map((item: unknown) => (typeof item === 'string' ? item : JSON.stringify(item)));
  }
  return [content];
}

import { isJsonObject, ownValue, type JsonObject } from '../../tools/plainJson';
import type { Message, Sample, ToolCall } from '../conversation';
import { MAX_RECORD_CHARS } from '../limits';
import { collectImport, streamRecords, type DatasetImport, type RecordRead, type SplitRecord, type ToolCatalog, type ImportStream } from './datasetImport';
import { parsePythonLiteral } from './pythonLiteral';
import { jsonSpans } from './jsonSpans';
import { parseEmbeddedJson } from './records';

/**
 * Glaive function-calling v2: records `{system, chat}` (the Hugging Face layout, JSONL or a JSON
 * array), or `{text}` holding both. `system` is `SYSTEM: <prose>` followed by the tools as JSON
 * objects; `chat` is `USER:` / `ASSISTANT:` / `FUNCTION RESPONSE:` turns, assistant turns ending in
 * `<|endoftext|>` and calls written `<functioncall> {"name": …, "arguments": '<json>'}` — a
 * single-quoted string, so not JSON. One call per assistant turn (parallel calls become consecutive
 * turns); texts are trimmed; `weight`, `kind`, `meta`, `expected` are not carried. Glaive as people paste or save
 * it — plain `SYSTEM: …` / `USER: …` text, not JSON — is read too: a conversation starts at each `SYSTEM:` line.
 */
export function importGlaive(text: string): DatasetImport {
  return collectImport(streamGlaive(text));
}

export function streamGlaive(text: string, batchSize?: number): ImportStream {
  return streamRecords(text, readGlaiveRecord, typeof text === 'string' && /^\s*(SYSTEM|USER):/.test(text) ? glaiveTextConversations : undefined, batchSize);
}

/** Plain Glaive text: one record per conversation, from each line that starts with `SYSTEM:` (and from the top). */
function* glaiveTextConversations(text: string): Generator<SplitRecord> {
  const starts = [...text.matchAll(/^SYSTEM:/gm)].map((match) => match.index ?? 0);
  if (starts[0] === undefined || text.slice(0, starts[0]).trim() !== '') starts.unshift(0);
  let at = 0;
  let startLine = 1;
  for (const [i, start] of starts.entries()) {
    startLine += countLines(text.slice(at, start));
    at = start;
    const chunk = text.slice(start, starts[i + 1] ?? text.length);
    if (chunk.trim() === '') continue;
    yield chunk.length > MAX_RECORD_CHARS
      ? { line: startLine, parsed: { ok: false, message: `conversation longer than ${MAX_RECORD_CHARS} characters` } }
      : { line: startLine, parsed: { ok: true, value: chunk } };
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function exportGlaive(samples: readonly Sample[]): string {
  return samples.map((sample) => JSON.stringify(toGlaiveRecord(sample))).join('\n') + (samples.length > 0 ? '\n' : '');
}

const END = '<|endoftext|>';
const CALL_TAG = '<functioncall>';
const TURN_SEPARATOR = '\n\n\n';

export function toGlaiveRecord(sample: Sample): { system: string; chat: string } {
  const first = sample.messages[0];
  const prose = first?.role === 'system' ? first.content : '';
  const tools = sample.tools.map((tool) => JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters }, null, 4));
  const system = ['SYSTEM: ' + prose, ...tools].join('\n');
  const turns: string[] = [];
  for (const message of sample.messages) {
    if (message.role === 'user') turns.push(`USER: ${message.content}`);
    else if (message.role === 'tool') turns.push(`FUNCTION RESPONSE: ${message.content}`);
    else if (message.role === 'assistant' && message.toolCalls.length === 0) turns.push(`ASSISTANT: ${message.content} ${END}`);
    else if (message.role === 'assistant') {
      message.toolCalls.forEach((call, index) => {
        const text = index === 0 && message.content !== '' ? `${message.content} ` : '';
        turns.push(`ASSISTANT: ${text}${CALL_TAG} ${glaiveCallText(call)} ${END}`);
      });
    }
  }
  return { system, chat: turns.join(TURN_SEPARATOR) + (turns.length > 0 ? TURN_SEPARATOR : '') };
}

/** Glaive's own spelling: the arguments as a single-quoted JSON string. */
function glaiveCallText(call: ToolCall): string {
  return `{"name": ${JSON.stringify(call.name)}, "arguments": '${JSON.stringify(call.arguments)}'}`;
}

export function readGlaiveRecord(value: unknown, catalog: ToolCatalog): RecordRead {
  const read: RecordRead = { samples: [], problems: [] };
  const fail = (message: string): RecordRead => ({ samples: [], problems: [...read.problems, { severity: 'error', message }] });
  const parts = recordParts(value);
  if (!parts) return fail('a record needs "system" and "chat" texts (or one "text")');

  const messages: Message[] = [];
  const { prose, toolObjects } = splitSystem(parts.system);
  if (prose !== '') messages.push({ role: 'system', content: prose });
  const tools = catalog.internAll(toolObjects, read.problems);

  let pending: ToolCall | null = null;
  let nextId = 1;
  for (const turn of splitTurns(parts.chat)) {
    if (turn.role === 'USER') messages.push({ role: 'user', content: turn.text });
    else if (turn.role === 'FUNCTION RESPONSE') {
      if (!pending) return fail('a FUNCTION RESPONSE without a call before it');
      messages.push({ role: 'tool', toolCallId: pending.id, name: pending.name, content: turn.text });
      pending = null;
    } else {
      const tagAt = turn.text.indexOf(CALL_TAG);
      if (tagAt < 0) {
        messages.push({ role: 'assistant', content: turn.text, toolCalls: [] });
        continue;
      }
      const parsed = parseGlaiveCall(turn.text.slice(tagAt + CALL_TAG.length).trim());
      if ('error' in parsed) return fail(`could not repair a call: ${parsed.error}`);
      if (parsed.repair) read.problems.push({ severity: 'warning', message: `repaired call arguments (${parsed.repair})` });
      pending = { id: `call_${nextId++}`, ...parsed.call };
      messages.push({ role: 'assistant', content: turn.text.slice(0, tagAt).trim(), toolCalls: [pending] });
    }
  }
  read.samples.push({ messages, tools, kind: null });
  return read;
}

function recordParts(value: unknown): { system: string; chat: string } | null {
  if (typeof value === 'string') return splitCombined(value);
  if (!isJsonObject(value)) return null;
  const system = ownValue(value, 'system');
  const chat = ownValue(value, 'chat');
  if (typeof system === 'string' && typeof chat === 'string') return { system, chat };
  const text = ownValue(value, 'text') ?? ownValue(value, 'sample');
  return typeof text === 'string' ? splitCombined(text) : null;
}

/** One text with `SYSTEM:` first and the chat from the first `USER:` on. */
function splitCombined(text: string): { system: string; chat: string } {
  const userAt = text.search(/(^|\n)\s*USER:/);
  return userAt < 0 ? { system: text, chat: '' } : { system: text.slice(0, userAt), chat: text.slice(userAt) };
}

/** The system prose and the JSON objects (tool definitions) that follow it. */
function splitSystem(system: string): { prose: string; toolObjects: unknown[] } {
  const text = system.replace(/^\s*SYSTEM:\s*/, '');
  const braceAt = text.indexOf('{');
  if (braceAt < 0) return { prose: text.trim(), toolObjects: [] };
  const toolObjects = jsonSpans(text.slice(braceAt), { arrays: false })
    .map((span) => span.value)
    .filter((item) => isJsonObject(item));
  return { prose: text.slice(0, braceAt).trim(), toolObjects };
}

type GlaiveRole = 'USER' | 'ASSISTANT' | 'FUNCTION RESPONSE';

function splitTurns(chat: string): { role: GlaiveRole; text: string }[] {
  const marker = /(^|\n)[ \t]*(USER|ASSISTANT|FUNCTION RESPONSE):[ \t]?/g;
  const turns: { role: GlaiveRole; text: string }[] = [];
  let previous: { role: GlaiveRole; from: number } | null = null;
  const close = (until: number): void => {
    if (!previous) return;
    let text = chat.slice(previous.from, until).trim();
    if (text.endsWith(END)) text = text.slice(0, -END.length).trim();
    turns.push({ role: previous.role, text });
  };
  for (let match = marker.exec(chat); match; match = marker.exec(chat)) {
    close(match.index);
    previous = { role: match[2] as GlaiveRole, from: match.index + match[0].length };
  }
  close(chat.length);
  return turns;
}

type ParsedCall = { call: Omit<ToolCall, 'id'>; repair?: string } | { error: string };

/**
 * Reads a Glaive call. The usual `'…'`-quoted arguments are Glaive's convention, not damage, and
 * pass silently; arguments that needed more (Python-style quotes, escaped quotes) are reported.
 */
export function parseGlaiveCall(text: string): ParsedCall {
  const json = parseEmbeddedJson(text);
  if (isJsonObject(json)) {
    const name = ownValue(json, 'name');
    if (typeof name !== 'string') return { error: 'the call has no name' };
    const args = ownValue(json, 'arguments') ?? {};
    return typeof args === 'string' ? withArguments(name, args) : isJsonObject(args) ? { call: { name, arguments: args } } : { error: 'arguments are not an object' };
  }
  const quoted = /^\{\s*"name"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"arguments"\s*:\s*'([\s\S]*)'\s*\}$/.exec(text);
  if (!quoted) return { error: `not a {"name", "arguments"} call: ${text.slice(0, 80)}` };
  return withArguments(parseEmbeddedJson(quoted[1] as string) as string, quoted[2] as string);
}

function withArguments(name: string, argsText: string): ParsedCall {
  const direct = parseEmbeddedJson(argsText);
  if (isJsonObject(direct)) return { call: { name, arguments: direct } };
  const unescaped = parseEmbeddedJson(argsText.replace(/\\'/g, "'"));
  if (isJsonObject(unescaped)) return { call: { name, arguments: unescaped }, repair: 'escaped quotes' };
  const python = parsePythonLiteral(argsText);
  if (isJsonObject(python)) return { call: { name, arguments: python as JsonObject }, repair: 'Python-style literal' };
  return { error: `arguments of "${name.slice(0, 64)}" are neither JSON nor a Python literal: ${argsText.slice(0, 80)}` };
}

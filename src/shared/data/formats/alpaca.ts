import { isJsonObject, ownValue } from '../../tools/plainJson';
import type { Message, Sample, ToolCall } from '../conversation';
import { collectImport, streamRecords, type DatasetImport, type ImportStream, type RecordRead, type ToolCatalog } from './datasetImport';
import { parseGlaiveCall } from './glaive';
import { jsonSpans } from './jsonSpans';
import { parseEmbeddedJson } from './records';
import { toolsFromList } from './toolLists';

/**
 * Alpaca-style rows, `{instruction, input?, output, system?}`, with the tool list and the expected calls written
 * into the text, as several xLAM-derived training sets ship them. Import only. Layouts read:
 * - tools: a `<tools>…</tools>` block (a JSON array, or one JSON object per line), else the first JSON array of
 *   `{name, …}` objects in the system text, the instruction or the input;
 * - the user turn: `input` when it has text (the instruction's prose then becomes the system prompt), else the
 *   instruction's prose without the tool list;
 * - calls: `<tool_call>{…}</tool_call>` blocks, a JSON array of `{name, arguments}`, one such object, or
 *   `<functioncall> {…}` (Glaive); any other output is the assistant's text answer.
 */
export function importAlpaca(text: string): DatasetImport {
  return collectImport(streamAlpaca(text));
}

export function streamAlpaca(text: string, batchSize?: number): ImportStream {
  return streamRecords(text, readAlpacaRecord, undefined, batchSize);
}

const isToolObject = (item: unknown): boolean => isJsonObject(item) && (typeof ownValue(item, 'name') === 'string' || isJsonObject(ownValue(item, 'function')));

/** The tool list of a text and the text without it, or null when the text has none. */
function toolsIn(text: string): { list: unknown[]; prose: string } | null {
  const block = /<tools>([\s\S]*?)<\/tools>/.exec(text);
  if (block) {
    const inner = block[1] as string;
    const whole = parseEmbeddedJson(inner.trim());
    const list = Array.isArray(whole) ? whole : jsonSpans(inner, { arrays: true }).map((span) => span.value).filter(isToolObject);
    return { list, prose: (text.slice(0, block.index) + text.slice(block.index + block[0].length)).trim() };
  }
  const span = jsonSpans(text, { arrays: true }).find((candidate) => Array.isArray(candidate.value) && candidate.value.length > 0 && candidate.value.every(isToolObject));
  return span ? { list: span.value as unknown[], prose: (text.slice(0, span.start) + text.slice(span.end)).trim() } : null;
}

type CallsRead = { calls: Array<Omit<ToolCall, 'id'>> } | { error: string } | null;

/** The calls an output states, `null` when it is a plain text answer. */
function callsIn(output: string): CallsRead {
  const trimmed = output.trim();
  const blocks = [...trimmed.matchAll(/<tool_call>([\s\S]*?)<\/tool_call>/g)].map((match) => (match[1] as string).trim());
  const glaive = /^<functioncall>\s*([\s\S]*)$/.exec(trimmed);
  const texts = blocks.length > 0 ? blocks : glaive ? [(glaive[1] as string).trim()] : null;
  if (texts) return readCalls(texts);
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return null;
  const json = parseEmbeddedJson(trimmed);
  if (Array.isArray(json)) return readCalls(json.map((item) => JSON.stringify(item)));
  if (isJsonObject(json) && typeof ownValue(json, 'name') === 'string') return readCalls([trimmed]);
  return { error: 'the output looks like JSON but is not a call or a list of calls' };
}

function readCalls(texts: readonly string[]): CallsRead {
  const calls: Array<Omit<ToolCall, 'id'>> = [];
  for (const text of texts) {
    const read = parseGlaiveCall(text);
    if ('error' in read) return { error: `a call in the output: ${read.error}` };
    calls.push(read.call);
  }
  return { calls };
}

const textField = (value: unknown): string => (typeof value === 'string' ? value : '');

export function readAlpacaRecord(value: unknown, catalog: ToolCatalog): RecordRead {
  const read: RecordRead = { samples: [], problems: [] };
  const fail = (message: string): RecordRead => ({ samples: [], problems: [...read.problems, { severity: 'error', message }] });
  if (!isJsonObject(value)) return fail('a row must be an object with "instruction" and "output"');
  const instruction = ownValue(value, 'instruction');
  const output = ownValue(value, 'output');
  if (typeof instruction !== 'string') return fail('"instruction" is missing or not text');
  if (typeof output !== 'string') return fail('"output" is missing or not text');
  const input = textField(ownValue(value, 'input')).trim();
  let system = textField(ownValue(value, 'system')).trim();
  let prose = instruction.trim();
  let found = toolsIn(system);
  if (found) system = found.prose;
  else if ((found = toolsIn(prose))) prose = found.prose;
  let query = input;
  if (!found && input !== '' && (found = toolsIn(input))) query = found.prose;
  const tools = found ? toolsFromList(found.list, catalog, read.problems) : [];

  const messages: Message[] = [];
  if (query !== '') {
    const systemText = [system, prose].filter((part) => part !== '').join('\n\n');
    if (systemText !== '') messages.push({ role: 'system', content: systemText });
    messages.push({ role: 'user', content: query });
  } else {
    if (system !== '') messages.push({ role: 'system', content: system });
    if (prose === '') return fail('the row has no request: "instruction" is empty once its tool list is taken out, and "input" is empty');
    messages.push({ role: 'user', content: prose });
  }
  const calls = callsIn(output);
  if (calls && 'error' in calls) return fail(calls.error);
  const toolCalls = (calls?.calls ?? []).map((call, index) => ({ id: `call_${index + 1}`, ...call }));
  messages.push({ role: 'assistant', content: toolCalls.length > 0 ? '' : output, toolCalls });
  const sample: Sample = { messages, tools, kind: null };
  read.samples.push(sample);
  return read;
}

import { isJsonObject, ownValue, type JsonObject } from '../../tools/plainJson';
import type { ToolDefinition } from '../../tools/types';
import type { Sample, ToolCall } from '../conversation';
import { collectImport, streamRecords, type DatasetImport, type ImportStream, type RecordRead, type ToolCatalog } from './datasetImport';
import { parseArguments } from './openaiJsonl';
import { pythonTypeToSchema, schemaToPythonType } from '../../tools/pythonTypes';
import { parseEmbeddedJson } from './records';

/**
 * xLAM / APIGen rows: `{id, query, tools, answers}` with `tools` and `answers` as JSON strings.
 * A tool's `parameters` maps each argument to `{type, description, default?}` with Python type
 * names; an argument is optional when its type says so (`Optional[...]`, `…, optional`) or it has
 * a default. Other JSON Schema keywords on an argument (`enum`, `minimum`, …) are kept both ways.
 * A row is one user query and one assistant turn with all its calls; nothing else is carried.
 */
export function importXlam(text: string): DatasetImport {
  return collectImport(streamXlam(text));
}

export function streamXlam(text: string, batchSize?: number): ImportStream {
  return streamRecords(text, readXlamRecord, undefined, batchSize);
}

export function exportXlam(samples: readonly Sample[]): string {
  return samples.map((sample) => JSON.stringify(toXlamRecord(sample))).join('\n') + (samples.length > 0 ? '\n' : '');
}

export function toXlamRecord(sample: Sample): JsonObject {
  const query = sample.messages.find((message) => message.role === 'user')?.content ?? '';
  const answer = sample.messages.find((message) => message.role === 'assistant');
  const calls = answer?.role === 'assistant' ? answer.toolCalls : [];
  const record: JsonObject = {};
  const sourceId = Number(sample.meta?.['sourceId']);
  if (Number.isSafeInteger(sourceId)) record['id'] = sourceId;
  record['query'] = query;
  record['tools'] = JSON.stringify(sample.tools.map(toXlamTool));
  record['answers'] = JSON.stringify(calls.map((call) => ({ name: call.name, arguments: call.arguments })));
  return record;
}

function toXlamTool(tool: ToolDefinition): JsonObject {
  const properties = isJsonObject(tool.parameters['properties']) ? tool.parameters['properties'] : {};
  const required = new Set(Array.isArray(tool.parameters['required']) ? tool.parameters['required'] : []);
  const parameters: JsonObject = {};
  for (const [name, raw] of Object.entries(properties)) {
    const schema = isJsonObject(raw) ? raw : {};
    const { type: _type, items: _items, uniqueItems: _unique, ...rest } = schema;
    const pythonType = schemaToPythonType(schema);
    parameters[name] = { ...rest, type: required.has(name) || Object.hasOwn(schema, 'default') ? pythonType : `${pythonType}, optional` };
  }
  return { name: tool.name, description: tool.description, parameters };
}

export function readXlamRecord(value: unknown, catalog: ToolCatalog): RecordRead {
  const read: RecordRead = { samples: [], problems: [] };
  const fail = (message: string): RecordRead => ({ samples: [], problems: [...read.problems, { severity: 'error', message }] });
  if (!isJsonObject(value)) return fail('a row must be an object with "query", "tools" and "answers"');
  const query = ownValue(value, 'query');
  if (typeof query !== 'string') return fail('"query" is missing or not text');
  const toolList = jsonField(ownValue(value, 'tools'));
  const answers = jsonField(ownValue(value, 'answers'));
  if (!Array.isArray(toolList)) return fail('"tools" is not a JSON array');
  if (!Array.isArray(answers)) return fail('"answers" is not a JSON array');

  const tools = catalog.internAll(
    toolList.map((tool: unknown) => fromXlamTool(tool, read.problems)),
    read.problems,
  );
  const calls: ToolCall[] = [];
  for (const [index, answer] of answers.entries()) {
    const name = isJsonObject(answer) ? ownValue(answer, 'name') : undefined;
    const args = parseArguments(isJsonObject(answer) ? ownValue(answer, 'arguments') : undefined);
    if (typeof name !== 'string' || !args) return fail(`answer ${index} is not {"name", "arguments": {…}}`);
    calls.push({ id: `call_${index + 1}`, name, arguments: args });
  }
  const sample: Sample = {
    messages: [
      { role: 'user', content: query },
      { role: 'assistant', content: '', toolCalls: calls },
    ],
    tools,
    kind: null,
  };
  const id = ownValue(value, 'id');
  if (typeof id === 'number' || typeof id === 'string') sample.meta = { sourceId: String(id) };
  read.samples.push(sample);
  return read;
}

function jsonField(raw: unknown): unknown {
  return typeof raw === 'string' ? parseEmbeddedJson(raw) : raw;
}

/** xLAM's argument map to a JSON Schema object; already-JSON-Schema tools pass through. */
function fromXlamTool(raw: unknown, problems: RecordRead['problems']): unknown {
  if (!isJsonObject(raw)) return raw;
  const parameters = ownValue(raw, 'parameters');
  if (!isJsonObject(parameters) || ownValue(parameters, 'type') === 'object') return raw;
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(parameters)) {
    const argument = isJsonObject(spec) ? spec : {};
    const typeName = ownValue(argument, 'type');
    const read = pythonTypeToSchema(typeof typeName === 'string' ? typeName : 'Any');
    if (read.unknown.length > 0) {
      problems.push({ severity: 'warning', message: `tool "${String(raw['name']).slice(0, 64)}": type ${read.unknown.join(', ')} of "${name}" is unknown; any value is accepted` });
    }
    const { type: _type, ...rest } = argument;
    properties[name] = { ...read.schema, ...rest };
    if (!read.optional && !Object.hasOwn(argument, 'default')) required.push(name);
  }
  return { ...raw, parameters: { type: 'object', properties, required } };
}

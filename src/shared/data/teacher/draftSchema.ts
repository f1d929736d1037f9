import { isJsonObject, type JsonObject } from '../../tools/plainJson';
import type { JsonSchemaObject, ToolDefinition } from '../../tools/types';
import type { TeacherPlan } from './plan';

/**
 * The JSON Schema of the teacher's answer for one plan. It stays inside the subset node-llama-cpp
 * turns into a grammar (type, enum, const, oneOf, properties/required, items, min/max items and
 * length, three string formats), which OpenAI-compatible servers accept as `json_schema` too.
 * Every string and array is bounded so a weak model cannot ramble past its token budget.
 */

export const TEXT_MAX = 600;
export const RESULT_MAX = 300;
export const ARGUMENT_TEXT_MAX = 200;
/** The long text of a generate-and-save call. */
export const CONTENT_MAX = 2000;
const ARRAY_MAX = 5;
const DEPTH_MAX = 6;

const text = (maxLength: number): JsonSchemaObject => ({ type: 'string', minLength: 1, maxLength });
const object = (properties: Record<string, JsonSchemaObject>): JsonSchemaObject => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });
/** Values of unknown shape: a bounded primitive (a weak model must not be allowed to nest without end). */
const SOME_VALUE: JsonSchemaObject = { oneOf: [{ type: 'string', maxLength: ARGUMENT_TEXT_MAX }, { type: ['number', 'boolean', 'null'] }] };
const PRIMITIVE_TYPES = new Set(['number', 'integer', 'boolean', 'null']);
const STRING_FORMATS = new Set(['date', 'date-time', 'time']);

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** A tool's parameter schema mapped into the grammar subset; what cannot be mapped becomes a bounded primitive. */
export function argumentsSchema(parameters: JsonSchemaObject, longText?: string): JsonSchemaObject {
  const mapped = mapSchema(parameters, 0);
  if (longText === undefined || !isJsonObject(mapped['properties'])) return mapped;
  return { ...mapped, properties: { ...mapped['properties'], [longText]: text(CONTENT_MAX) } };
}

function mapSchema(schema: unknown, depth: number): JsonSchemaObject {
  if (!isJsonObject(schema) || depth > DEPTH_MAX) return SOME_VALUE;
  const options = schema['enum'];
  if (Array.isArray(options) && options.length > 0 && options.every(isPrimitive)) return { enum: options };
  if (isPrimitive(schema['const'])) return { const: schema['const'] };
  const type = schema['type'];
  if (Array.isArray(type)) return { oneOf: type.filter((t): t is string => typeof t === 'string').map((t) => mapSchema({ ...schema, type: t }, depth + 1)) };
  if (typeof type === 'string' && PRIMITIVE_TYPES.has(type)) return { type };
  if (type === 'string') return mapString(schema);
  if (type === 'array') return mapArray(schema, depth);
  if (type === 'object' || isJsonObject(schema['properties'])) return mapObject(schema, depth);
  const alternatives = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(alternatives) && alternatives.length > 0) return { oneOf: alternatives.slice(0, 8).map((option) => mapSchema(option, depth + 1)) };
  return SOME_VALUE;
}

function mapString(schema: JsonObject): JsonSchemaObject {
  const format = schema['format'];
  if (typeof format === 'string' && STRING_FORMATS.has(format)) return { type: 'string', format };
  const max = typeof schema['maxLength'] === 'number' ? Math.min(schema['maxLength'], ARGUMENT_TEXT_MAX) : ARGUMENT_TEXT_MAX;
  const min = typeof schema['minLength'] === 'number' ? Math.min(schema['minLength'], max) : 0;
  return { type: 'string', minLength: min, maxLength: max };
}

function mapArray(schema: JsonObject, depth: number): JsonSchemaObject {
  const max = typeof schema['maxItems'] === 'number' ? Math.min(schema['maxItems'], ARRAY_MAX) : ARRAY_MAX;
  const min = typeof schema['minItems'] === 'number' ? Math.min(schema['minItems'], max) : 0;
  return { type: 'array', items: mapSchema(schema['items'], depth + 1), minItems: min, maxItems: max };
}

function mapObject(schema: JsonObject, depth: number): JsonSchemaObject {
  const properties = isJsonObject(schema['properties']) ? schema['properties'] : {};
  const mapped = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, mapSchema(value, depth + 1)]));
  const required = Array.isArray(schema['required']) ? schema['required'].filter((key): key is string => typeof key === 'string' && Object.hasOwn(mapped, key)) : [];
  return { type: 'object', properties: mapped, required, additionalProperties: false };
}

function callSchema(tool: ToolDefinition, plan: TeacherPlan): JsonSchemaObject {
  return object({ name: { const: tool.name }, arguments: argumentsSchema(tool.parameters, plan.contentArgument), result: text(RESULT_MAX) });
}

/** How many calls one turn of this plan holds. */
export function callCountRange(plan: TeacherPlan): { min: number; max: number } {
  switch (plan.kind) {
    case 'no_call':
      return { min: 0, max: 0 };
    case 'parallel':
      return { min: 2, max: 3 };
    case 'parallel_multiple':
      return { min: plan.targets.length, max: plan.targets.length + 1 };
    case 'dependent':
      return { min: plan.targets.length, max: plan.targets.length };
    case 'multi_turn':
      return { min: 0, max: 1 };
    default:
      return { min: 1, max: 1 };
  }
}

/** The answer's shape: `{turns: [{user, question?, reply?, calls: [{name, arguments, result}], answer}]}`. */
export function draftSchema(plan: TeacherPlan): JsonSchemaObject {
  const { min, max } = callCountRange(plan);
  const calls: JsonSchemaObject = { type: 'array', minItems: min, maxItems: max };
  if (max > 0) calls['items'] = plan.targets.length === 1 ? callSchema(plan.targets[0] as ToolDefinition, plan) : { oneOf: plan.targets.map((tool) => callSchema(tool, plan)) };
  // Properties are written in this order, so the question and the reply come before the call they lead to.
  const asks: Record<string, JsonSchemaObject> = plan.missingArgument === undefined ? {} : { question: text(RESULT_MAX), reply: text(RESULT_MAX) };
  const turn = object({ user: text(TEXT_MAX), ...asks, calls, answer: text(TEXT_MAX) });
  return object({ turns: { type: 'array', items: turn, minItems: plan.turns, maxItems: plan.turns } });
}

import { appendPointer } from './jsonPointer';
import { MAX_SCHEMA_DEPTH } from './limits';
import { isJsonObject, ownValue, type JsonObject } from './plainJson';
import type { LocalProblem } from './readResult';
import { walkSchema } from './schemaWalk';

/**
 * Python-style type names (xLAM/APIGen: `str`, `List[int]`, `Optional[float]`, `str, optional`)
 * to JSON Schema, and back for export.
 */

const SCALARS: Record<string, JsonObject> = {
  str: { type: 'string' },
  string: { type: 'string' },
  int: { type: 'integer' },
  integer: { type: 'integer' },
  float: { type: 'number' },
  number: { type: 'number' },
  double: { type: 'number' },
  bool: { type: 'boolean' },
  boolean: { type: 'boolean' },
  dict: { type: 'object' },
  object: { type: 'object' },
  list: { type: 'array' },
  array: { type: 'array' },
  tuple: { type: 'array' },
  set: { type: 'array', uniqueItems: true },
  none: { type: 'null' },
  null: { type: 'null' },
  any: {},
};
const CONTAINERS = new Set(['list', 'tuple', 'set', 'sequence', 'iterable']);

export interface PythonTypeRead {
  schema: JsonObject;
  /** `Optional[...]`, `X | None` or a trailing `, optional`. */
  optional: boolean;
  /** Names that could not be mapped (they become "any"). */
  unknown: string[];
}

export function pythonTypeToSchema(typeName: string): PythonTypeRead {
  const unknown: string[] = [];
  let text = typeName.trim();
  let optional = false;
  const trailing = /,\s*optional\s*$/i.exec(text);
  if (trailing) {
    optional = true;
    text = text.slice(0, trailing.index).trim();
  }
  const schema = convert(text, unknown, 0);
  if (isOptionalWrapper(text)) optional = true;
  return { schema: stripNullFromOptional(schema, optional), optional, unknown };
}

function isOptionalWrapper(text: string): boolean {
  return /^optional\s*\[/i.test(text) || /(\|\s*none\s*$)|(^none\s*\|)/i.test(text) || /^union\s*\[.*\bnone\s*\]$/i.test(text);
}

/** `Optional[X]` means "may be left out" here; the null branch it implies is dropped. */
function stripNullFromOptional(schema: JsonObject, optional: boolean): JsonObject {
  const branches = schema['anyOf'];
  if (!optional || !Array.isArray(branches)) return schema;
  const rest = branches.filter((branch: JsonObject) => branch['type'] !== 'null');
  return rest.length === 1 ? (rest[0] as JsonObject) : { anyOf: rest };
}

function convert(text: string, unknown: string[], depth: number): JsonObject {
  if (depth > 8) return {};
  const generic = /^([A-Za-z_.]+)\s*\[(.*)\]$/.exec(text);
  const union = text.includes('|') && !generic ? text.split('|') : null;
  if (union) return anyOf(union.map((part) => convert(part.trim(), unknown, depth + 1)));
  if (!generic) {
    const scalar = SCALARS[text.toLowerCase().replace(/^typing\./, '')];
    if (scalar) return { ...scalar };
    if (text !== '') unknown.push(text);
    return {};
  }
  const outer = (generic[1] as string).toLowerCase().replace(/^typing\./, '');
  const params = splitTopLevel(generic[2] as string).map((part) => convert(part, unknown, depth + 1));
  if (outer === 'optional') return anyOf([params[0] ?? {}, { type: 'null' }]);
  if (outer === 'union') return anyOf(params);
  if (outer === 'literal') return { enum: splitTopLevel(generic[2] as string).map(literalValue) };
  if (CONTAINERS.has(outer)) {
    const items = params[0];
    return { type: 'array', ...(items && Object.keys(items).length > 0 ? { items } : {}), ...(outer === 'set' ? { uniqueItems: true } : {}) };
  }
  if (outer === 'dict' || outer === 'mapping') {
    const values = params[1];
    return { type: 'object', ...(values && Object.keys(values).length > 0 ? { additionalProperties: values } : {}) };
  }
  unknown.push(text);
  return {};
}

function anyOf(schemas: JsonObject[]): JsonObject {
  return schemas.length === 1 ? (schemas[0] as JsonObject) : { anyOf: schemas };
}

function literalValue(text: string): unknown {
  const trimmed = text.trim();
  if (/^['"].*['"]$/.test(trimmed)) return trimmed.slice(1, -1);
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : trimmed;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((part) => part !== '');
}

const TO_PYTHON: Record<string, string> = { string: 'str', integer: 'int', number: 'float', boolean: 'bool', object: 'dict', null: 'None' };

/** The Python spelling of a schema's type: `str`, `List[int]`, `Any` where no single type applies. */
export function schemaToPythonType(schema: JsonObject): string {
  const type = schema['type'];
  if (type === 'array') {
    const items = schema['items'];
    const inner = items && typeof items === 'object' && !Array.isArray(items) ? schemaToPythonType(items as JsonObject) : null;
    const outer = schema['uniqueItems'] === true ? 'Set' : 'List';
    return inner && inner !== 'Any' ? `${outer}[${inner}]` : outer === 'Set' ? 'set' : 'list';
  }
  return typeof type === 'string' ? (TO_PYTHON[type] ?? 'Any') : 'Any';
}

/** The type names of JSON Schema itself. */
export const JSON_SCHEMA_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/**
 * Rewrites Python-style `type` names (`str`, `List[str]`, `Optional[int]`, `"str, optional"`, `dict`, `any`), which
 * tool definitions of every format carry in the wild, into JSON Schema in place, and reports each change. A property
 * whose type says it is optional is taken out of its object's `required`. Names in `keep` (JSON Schema's own, or a
 * format's) and names that do not parse as Python types are left for the validator to judge.
 */
export function normalizePythonTypeNames(schema: JsonObject, problems: LocalProblem[], keep: ReadonlySet<string> = JSON_SCHEMA_TYPES): void {
  const convert = (node: JsonObject, pointer: string): boolean => {
    const type = node['type'];
    if (typeof type !== 'string' || keep.has(type)) return false;
    const read = pythonTypeToSchema(type);
    if (read.unknown.length > 0) return false;
    delete node['type'];
    for (const [key, value] of Object.entries(read.schema)) if (!Object.hasOwn(node, key)) node[key] = value;
    const now = node['type'];
    const as = typeof now === 'string' ? `"${now}"` : Object.keys(read.schema).length === 0 ? 'any type' : JSON.stringify(read.schema);
    problems.push({ severity: 'warning', pointer: appendPointer(pointer, 'type'), message: `Python type ${JSON.stringify(type)} read as ${as}${read.optional ? ', not required' : ''}` });
    return read.optional;
  };
  walkSchema(schema, '', MAX_SCHEMA_DEPTH, (node, pointer) => {
    convert(node, pointer);
    const properties = ownValue(node, 'properties');
    if (!isJsonObject(properties)) return;
    const optional = Object.entries(properties).filter(([key, child]) => isJsonObject(child) && convert(child, appendPointer(appendPointer(pointer, 'properties'), key))).map(([key]) => key);
    const required = ownValue(node, 'required');
    if (optional.length > 0 && Array.isArray(required)) node['required'] = required.filter((name) => !optional.includes(name as string));
  });
}

/**
 * Tool files sometimes put the `required` list beside the schema (`{name, parameters, required}`): moves it into a
 * schema that has none. True when it did.
 */
export function adoptRequiredBeside(record: unknown, schema: JsonObject): boolean {
  const beside = isJsonObject(record) ? ownValue(record, 'required') : undefined;
  if (!Array.isArray(beside) || Object.hasOwn(schema, 'required')) return false;
  schema['required'] = [...beside];
  return true;
}

/**
 * The simple-property form as pure functions over the parameters JSON Schema. The schema
 * stays the single source of truth: every edit returns a new schema and keeps keys the form
 * does not know (minLength, examples…) untouched, so the form and the raw JSON view agree.
 */
import type { JsonSchemaObject } from '../../../shared/tools/types';

export const SIMPLE_TYPES = ['string', 'number', 'integer', 'boolean'] as const;
export type SimpleType = (typeof SIMPLE_TYPES)[number];
type Scalar = string | number | boolean;

export interface PropertyRow {
  name: string;
  /** null when the property is more than the form can show (object, array, $ref, anyOf…). */
  type: SimpleType | null;
  description: string;
  required: boolean;
  /** Enum values as the user types them: comma-separated. */
  enumText: string;
  defaultText: string;
}

export type PropertyChange =
  | { field: 'type'; value: SimpleType }
  | { field: 'description'; value: string }
  | { field: 'required'; value: boolean }
  | { field: 'enumText'; value: string }
  | { field: 'defaultText'; value: string };

function isObject(value: unknown): value is JsonSchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function propertiesOf(parameters: JsonSchemaObject): JsonSchemaObject {
  return isObject(parameters['properties']) ? parameters['properties'] : {};
}

function requiredOf(parameters: JsonSchemaObject): string[] {
  const required = parameters['required'];
  return Array.isArray(required) ? required.filter((item): item is string => typeof item === 'string') : [];
}

function simpleTypeOf(property: JsonSchemaObject): SimpleType | null {
  const type = property['type'];
  const simple = SIMPLE_TYPES.find((candidate) => candidate === type) ?? null;
  const enumOk = property['enum'] === undefined || (Array.isArray(property['enum']) && property['enum'].every(isScalar));
  const defaultOk = property['default'] === undefined || isScalar(property['default']);
  return simple && enumOk && defaultOk ? simple : null;
}

export function propertyRows(parameters: JsonSchemaObject): PropertyRow[] {
  const required = new Set(requiredOf(parameters));
  return Object.entries(propertiesOf(parameters)).map(([name, raw]) => {
    const property = isObject(raw) ? raw : {};
    const enumValues = Array.isArray(property['enum']) ? property['enum'] : [];
    return {
      name,
      type: simpleTypeOf(property),
      description: typeof property['description'] === 'string' ? property['description'] : '',
      required: required.has(name),
      enumText: enumValues.filter(isScalar).map(String).join(', '),
      defaultText: isScalar(property['default']) ? String(property['default']) : '',
    };
  });
}

/** Reads one typed-in value for a property of `type`; undefined when it does not fit the type. */
export function parseScalar(text: string, type: SimpleType): Scalar | undefined {
  const trimmed = text.trim();
  if (type === 'string') return text;
  if (type === 'boolean') return trimmed === 'true' ? true : trimmed === 'false' ? false : undefined;
  const number = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(number) || (type === 'integer' && !Number.isInteger(number))) return undefined;
  return number;
}

/** Comma-separated enum text to values; undefined when any item does not fit the type. */
export function parseEnumText(text: string, type: SimpleType): Scalar[] | undefined {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const values = items.map((item) => parseScalar(item, type));
  return values.every((value) => value !== undefined) ? (values as Scalar[]) : undefined;
}

/** A copy with `key` set to `value`, or without `key` when `value` is undefined. */
function withOptional(target: JsonSchemaObject, key: string, value: unknown): JsonSchemaObject {
  const copy = { ...target };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

function withProperties(parameters: JsonSchemaObject, properties: JsonSchemaObject, required: string[]): JsonSchemaObject {
  return withOptional({ ...parameters, properties }, 'required', required.length > 0 ? required : undefined);
}

/** Applies one form edit. Enum/default text that does not fit the type is refused: the schema comes back unchanged. */
export function changeProperty(parameters: JsonSchemaObject, name: string, change: PropertyChange): JsonSchemaObject {
  const properties = propertiesOf(parameters);
  const current = isObject(properties[name]) ? properties[name] : {};
  const type = simpleTypeOf(current);
  let next: JsonSchemaObject = current;
  switch (change.field) {
    case 'required': {
      const others = requiredOf(parameters).filter((item) => item !== name);
      return withProperties(parameters, properties, change.value ? [...others, name] : others);
    }
    case 'description':
      next = withOptional(current, 'description', change.value === '' ? undefined : change.value);
      break;
    case 'type': {
      // Keep enum values and the default only where they still fit the new type.
      const enumValues = Array.isArray(current['enum']) ? parseEnumText(current['enum'].map(String).join(','), change.value) : undefined;
      const defaultValue = isScalar(current['default']) ? parseScalar(String(current['default']), change.value) : undefined;
      next = withOptional(withOptional({ ...current, type: change.value }, 'enum', enumValues), 'default', defaultValue);
      break;
    }
    case 'enumText': {
      if (!type) return parameters;
      const values = parseEnumText(change.value, type);
      if (!values) return parameters;
      next = withOptional(current, 'enum', values.length > 0 ? values : undefined);
      break;
    }
    case 'defaultText': {
      if (!type) return parameters;
      const value = change.value.trim() === '' ? undefined : parseScalar(change.value, type);
      if (value === undefined && change.value.trim() !== '') return parameters;
      next = withOptional(current, 'default', value);
      break;
    }
  }
  return withProperties(parameters, { ...properties, [name]: next }, requiredOf(parameters));
}

/** Renames in place (key order kept) and in `required`; refused (unchanged) when the name is empty or taken. */
export function renameProperty(parameters: JsonSchemaObject, from: string, to: string): JsonSchemaObject {
  const properties = propertiesOf(parameters);
  if (to === '' || to === from || Object.hasOwn(properties, to)) return parameters;
  const renamed = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key === from ? to : key, value]));
  const required = requiredOf(parameters).map((item) => (item === from ? to : item));
  return withProperties(parameters, renamed, required);
}

export function removeProperty(parameters: JsonSchemaObject, name: string): JsonSchemaObject {
  const rest = withOptional(propertiesOf(parameters), name, undefined);
  return withProperties(parameters, rest, requiredOf(parameters).filter((item) => item !== name));
}

/** Adds a string property under the first free `baseName`, `baseName_2`, … and says which. */
export function addProperty(parameters: JsonSchemaObject, baseName: string): { parameters: JsonSchemaObject; name: string } {
  const properties = propertiesOf(parameters);
  let name = baseName;
  for (let n = 2; Object.hasOwn(properties, name); n++) name = `${baseName}_${n}`;
  return {
    name,
    parameters: withProperties({ type: 'object', ...parameters }, { ...properties, [name]: { type: 'string' } }, requiredOf(parameters)),
  };
}

import { appendPointer } from './jsonPointer';
import { isJsonObject, ownValue, type JsonObject } from './plainJson';

/** Keywords whose value is one subschema (draft-07 and 2020-12). */
const SINGLE_SCHEMA_KEYWORDS = [
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
] as const;
/** Keywords whose value is an array of subschemas (`items` may be one too, in draft-07). */
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'] as const;
/** Keywords whose value maps names to subschemas. */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'] as const;

export type SchemaVisitor = (schema: JsonObject, pointer: string, depth: number) => void;

/**
 * Calls `visit` for the schema and each subschema reachable through JSON Schema keywords,
 * parents first. Values of other keywords (`enum`, `default`, `examples`, unknown ones) are data,
 * not schemas, so a `$ref` inside them is never mistaken for a reference.
 * `depth` counts JSON nesting; the walk stops descending past `maxDepth`.
 */
export function walkSchema(schema: unknown, pointer: string, maxDepth: number, visit: SchemaVisitor, depth = 0): void {
  if (!isJsonObject(schema) || depth > maxDepth) return;
  visit(schema, pointer, depth);
  for (const keyword of SINGLE_SCHEMA_KEYWORDS) {
    const child = ownValue(schema, keyword);
    if (isJsonObject(child)) walkSchema(child, appendPointer(pointer, keyword), maxDepth, visit, depth + 1);
  }
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
    const children = ownValue(schema, keyword);
    if (!Array.isArray(children)) continue;
    children.forEach((child: unknown, index) =>
      walkSchema(child, appendPointer(pointer, keyword, index), maxDepth, visit, depth + 2),
    );
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const children = ownValue(schema, keyword);
    if (!isJsonObject(children)) continue;
    for (const [name, child] of Object.entries(children)) {
      walkSchema(child, appendPointer(pointer, keyword, name), maxDepth, visit, depth + 2);
    }
  }
}

import type { JsonObject } from './plainJson';

/**
 * Schema dialects. In a ToolDefinition an absent `$schema` means draft-07 (what OpenAI-style
 * tools assume); MCP's default is 2020-12. These two functions translate at the MCP boundary so
 * that MCP → ToolTune → MCP (and back) is lossless and never changes a schema's meaning.
 */
export const SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
export const SCHEMA_DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

export type SchemaDialect = 'draft-07' | '2020-12';

/** The dialect a `$schema` value names; `undefined` (absent) is draft-07, `null` unsupported. */
export function dialectOf(schemaUri: unknown): SchemaDialect | null {
  if (schemaUri === undefined) return 'draft-07';
  if (typeof schemaUri !== 'string') return null;
  const normalized = schemaUri.replace(/^https?:\/\//, '').replace(/#$/, '');
  if (normalized === 'json-schema.org/draft-07/schema') return 'draft-07';
  if (normalized === 'json-schema.org/draft/2020-12/schema') return '2020-12';
  return null;
}

export function fromMcpDialect(schema: JsonObject): JsonObject {
  if (!Object.hasOwn(schema, '$schema')) return { $schema: SCHEMA_2020_12, ...schema };
  if (dialectOf(schema['$schema']) === 'draft-07') return withoutSchemaKeyword(schema);
  return schema;
}

export function toMcpDialect(schema: JsonObject): JsonObject {
  if (!Object.hasOwn(schema, '$schema')) return { $schema: SCHEMA_DRAFT_07, ...schema };
  if (schema['$schema'] === SCHEMA_2020_12) return withoutSchemaKeyword(schema);
  return schema;
}

function withoutSchemaKeyword(schema: JsonObject): JsonObject {
  const copy = { ...schema };
  delete copy['$schema'];
  return copy;
}

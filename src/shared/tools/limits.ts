/**
 * Caps for hostile input. Every importer and the schema safety check read them from here,
 * so the numbers in error messages and the numbers enforced never drift apart.
 */

/** Longest import text accepted, in UTF-16 code units (about 5 MiB of ASCII). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** Most tools one import may produce. */
export const MAX_TOOLS = 1000;
/** Deepest JSON nesting allowed inside one tool's parameters schema. */
export const MAX_SCHEMA_DEPTH = 32;
/** Most JSON values (objects, arrays, scalars) in one tool's parameters schema. */
export const MAX_SCHEMA_NODES = 10_000;
/** Deepest JSON nesting allowed in a whole source document (OpenAPI nests deeper than a schema). */
export const MAX_DOCUMENT_DEPTH = 64;
/** Most JSON values in a whole source document (after YAML aliases are expanded). */
export const MAX_DOCUMENT_NODES = 1_000_000;
/** YAML alias cap handed to `yaml` (`maxAliasCount`), against "billion laughs" documents. */
export const MAX_YAML_ALIASES = 100;
/** Longest tool name (OpenAI, Anthropic and most runtimes agree on 64). */
export const MAX_TOOL_NAME_LENGTH = 64;

export type * from './types';
export * from './limits';
export { parseToolDefinitions, type ParseToolOptions } from './parseToolDefinitions';
export { checkToolList, toolsWithoutErrors } from './checkToolList';
export { checkSchemaSafety } from './schemaSafety';
export { toOpenAiTools, toMcpTools, type OpenAiTool, type McpToolsListResult } from './exportTools';
export { TOOL_NAME_PATTERN, isValidToolName, sanitizeToolName } from './toolNames';
export { SCHEMA_2020_12, SCHEMA_DRAFT_07, dialectOf, type SchemaDialect } from './schemaDialect';

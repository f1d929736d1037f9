import { toMcpDialect } from './schemaDialect';
import type { ToolDefinition } from './types';

export interface OpenAiTool {
  type: 'function';
  function: { name: string; description: string; parameters: ToolDefinition['parameters'] };
}

export interface McpToolsListResult {
  tools: { name: string; description: string; inputSchema: ToolDefinition['parameters'] }[];
}

/** OpenAI `tools` array. HTTP bindings are ToolTune's own and are not part of the format. */
export function toOpenAiTools(tools: readonly ToolDefinition[]): OpenAiTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

/** MCP `tools/list` result; draft-07 schemas get an explicit `$schema` since MCP defaults to 2020-12. */
export function toMcpTools(tools: readonly ToolDefinition[]): McpToolsListResult {
  return {
    tools: tools.map((tool) => ({ name: tool.name, description: tool.description, inputSchema: toMcpDialect(tool.parameters) })),
  };
}

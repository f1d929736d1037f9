import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMcpTools, toOpenAiTools } from './exportTools';
import { parseToolDefinitions } from './parseToolDefinitions';
import { SCHEMA_2020_12, SCHEMA_DRAFT_07 } from './schemaDialect';
import { validTools } from './testArbitraries';
import type { ToolDefinition } from './types';

const draft07Tool: ToolDefinition = {
  name: 'create_todo',
  description: 'Create a todo',
  parameters: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
  binding: { kind: 'http', method: 'POST', pathTemplate: '/todos', params: [{ name: 'title', in: 'body', originalName: 'title' }], bodyMode: 'json-object' },
};
const mcpTool: ToolDefinition = { name: 'read', description: 'Read', parameters: { $schema: SCHEMA_2020_12, type: 'object', properties: {} } };

describe('exportTools', () => {
  it('writes OpenAI tools without ToolTune-only bindings', () => {
    expect(toOpenAiTools([draft07Tool])).toEqual([
      { type: 'function', function: { name: 'create_todo', description: 'Create a todo', parameters: draft07Tool.parameters } },
    ]);
  });

  it('writes an MCP tools/list result, explicit about non-default dialects', () => {
    expect(toMcpTools([draft07Tool, mcpTool])).toEqual({
      tools: [
        { name: 'create_todo', description: 'Create a todo', inputSchema: { $schema: SCHEMA_DRAFT_07, ...draft07Tool.parameters } },
        { name: 'read', description: 'Read', inputSchema: { type: 'object', properties: {} } },
      ],
    });
  });

  it.each([
    ['openai', (tools: ToolDefinition[]) => toOpenAiTools(tools)],
    ['mcp', (tools: ToolDefinition[]) => toMcpTools(tools)],
  ] as const)('round-trips any valid tools through %s', (format, exporter) => {
    fc.assert(
      fc.property(validTools, (tools) => {
        const result = parseToolDefinitions(JSON.stringify(exporter(tools)));
        expect(result.format).toBe(format);
        expect(result.tools).toEqual(tools);
        expect(result.problems).toEqual([]);
      }),
    );
  });
});

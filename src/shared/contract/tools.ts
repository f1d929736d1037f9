import type { ToolDefinition, ToolImportResult, ToolProblem } from '../tools/types';
import { event, method, schema } from './spec';

export type ToolOrigin = 'openai' | 'mcp' | 'anthropic' | 'bare' | 'bfcl' | 'openapi' | 'manual' | 'demo';

export interface StoredTool extends ToolDefinition {
  id: string;
  projectId: string;
  position: number;
  origin: ToolOrigin;
  updatedAt: string;
}

export type ToolExportFormat = 'openai' | 'mcp';

/** Caps on what the renderer or CLI may send; parsing applies its own finer limits. */
export const IMPORT_TEXT_MAX = 5 * 1024 * 1024;

const id = schema.id();
const importText = { type: 'string', maxLength: IMPORT_TEXT_MAX };
const fileName = { type: 'string', maxLength: 255 };
const toolPayload = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 256 },
    description: { type: 'string', maxLength: 20_000 },
    parameters: { type: 'object' },
    binding: { type: 'object' },
  },
  required: ['name', 'description', 'parameters'],
  additionalProperties: false,
};

export const toolsContract = {
  list: method<{ projectId: string }, StoredTool[]>(schema.object({ projectId: id })),
  /** Parses and validates without saving anything. */
  previewImport: method<{ projectId: string; text: string; fileName?: string }, ToolImportResult>(
    schema.object({ projectId: id, text: importText, fileName }, ['projectId', 'text']),
  ),
  /**
   * Parses the same text again in main (nothing the caller computed is trusted) and
   * saves every tool not excluded, all or nothing.
   */
  commitImport: method<
    { projectId: string; text: string; fileName?: string; excludeIndices?: number[] },
    { imported: StoredTool[] }
  >(
    schema.object(
      {
        projectId: id,
        text: importText,
        fileName,
        excludeIndices: { type: 'array', items: { type: 'integer', minimum: 0 }, maxItems: 10_000 },
      },
      ['projectId', 'text'],
    ),
  ),
  /** Live validation for the editor; `toolId` excludes the tool's own name from the duplicate check. */
  validate: method<{ projectId: string; toolId?: string; tool: ToolDefinition }, ToolProblem[]>(
    schema.object({ projectId: id, toolId: id, tool: toolPayload }, ['projectId', 'tool']),
  ),
  create: method<{ projectId: string; tool: ToolDefinition }, StoredTool>(
    schema.object({ projectId: id, tool: toolPayload }),
  ),
  update: method<{ projectId: string; toolId: string; tool: ToolDefinition }, StoredTool>(
    schema.object({ projectId: id, toolId: id, tool: toolPayload }),
  ),
  delete: method<{ projectId: string; toolId: string }, { deleted: true }>(schema.object({ projectId: id, toolId: id })),
  reorder: method<{ projectId: string; toolIds: string[] }, StoredTool[]>(
    schema.object({ projectId: id, toolIds: { type: 'array', items: id, maxItems: 10_000 } }),
  ),
  export: method<{ projectId: string; format: ToolExportFormat }, { fileName: string; text: string }>(
    schema.object({ projectId: id, format: { enum: ['openai', 'mcp'] } }),
  ),
  didChange: event<{ projectId: string }>(),
};

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolProblem } from '../../shared/tools/types';
import { createTempServices, type TempServices } from '../testing/tempServices';

let env: TempServices;
let projectId: string;
beforeEach(async () => {
  env = await createTempServices();
  projectId = (await env.api.projects.create({ name: 'Tools test' })).id;
});
afterEach(() => env.dispose());

const mcpList = JSON.stringify({
  tools: [
    {
      name: 'read_note',
      description: 'Read a note.',
      inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    },
    {
      name: 'broken_tool',
      description: 'Has a bad schema.',
      inputSchema: { type: 'object', properties: { n: { type: 'strng' } } },
    },
  ],
});

const openApi = `
openapi: 3.0.3
info: { title: Inventory, version: "1.0" }
servers: [{ url: "http://127.0.0.1:8080/api" }]
paths:
  /items/{itemId}:
    get:
      operationId: getItem
      summary: Get one item.
      parameters:
        - { name: itemId, in: path, required: true, schema: { type: string } }
    patch:
      operationId: updateItem
      summary: Change an item's stock.
      parameters:
        - { name: itemId, in: path, required: true, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/StockChange" }
components:
  schemas:
    StockChange:
      type: object
      required: [quantity]
      properties:
        quantity: { type: integer, minimum: 0 }
`;

function pointersOf(problems: ToolProblem[]): string[] {
  return problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.toolName}:${problem.pointer}`);
}

describe('tools', () => {
  it('previews without saving and names the broken tool and pointer', async () => {
    const preview = await env.api.tools.previewImport({ projectId, text: mcpList, fileName: 'tools.json' });
    expect(preview.format).toBe('mcp');
    expect(preview.tools.map((tool) => tool.name)).toEqual(['read_note', 'broken_tool']);
    expect(pointersOf(preview.problems).some((where) => where.startsWith('broken_tool:/properties/n'))).toBe(true);
    expect(await env.api.tools.list({ projectId })).toEqual([]);
  });

  it('saves all or nothing, and saves the rest when the broken tool is excluded', async () => {
    await expect(env.api.tools.commitImport({ projectId, text: mcpList })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await env.api.tools.list({ projectId })).toEqual([]);
    const { imported } = await env.api.tools.commitImport({ projectId, text: mcpList, excludeIndices: [1] });
    expect(imported.map((tool) => tool.name)).toEqual(['read_note']);
    expect(imported[0]!.origin).toBe('mcp');
  });

  it('imports an OpenAPI spec with its HTTP binding', async () => {
    const { imported } = await env.api.tools.commitImport({ projectId, text: openApi, fileName: 'inventory.yaml' });
    expect(imported.map((tool) => tool.name)).toEqual(['getItem', 'updateItem']);
    const update = imported[1]!;
    expect(update.binding).toMatchObject({ kind: 'http', method: 'PATCH', pathTemplate: '/items/{itemId}' });
    expect(update.parameters).toMatchObject({ type: 'object', required: expect.arrayContaining(['itemId', 'quantity']) });
  });

  it('refuses a second import of the same names', async () => {
    await env.api.tools.commitImport({ projectId, text: mcpList, excludeIndices: [1] });
    await expect(env.api.tools.commitImport({ projectId, text: mcpList, excludeIndices: [1] })).rejects.toMatchObject({
      code: 'invalid-input',
    });
    expect((await env.api.tools.list({ projectId })).length).toBe(1);
  });

  it('creates, validates, updates, reorders and deletes', async () => {
    const schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
    const a = await env.api.tools.create({ projectId, tool: { name: 'search', description: 'Search.', parameters: schema } });
    const b = await env.api.tools.create({ projectId, tool: { name: 'fetch_page', description: 'Fetch.', parameters: schema } });
    const duplicate = await env.api.tools.validate({ projectId, tool: { name: 'search', description: '', parameters: schema } });
    expect(duplicate.some((problem) => problem.severity === 'error')).toBe(true);
    expect(await env.api.tools.validate({ projectId, toolId: a.id, tool: { name: 'search', description: 'x', parameters: schema } })).not.toContainEqual(
      expect.objectContaining({ severity: 'error' }),
    );
    await expect(
      env.api.tools.update({ projectId, toolId: b.id, tool: { name: 'search', description: '', parameters: schema } }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
    const updated = await env.api.tools.update({
      projectId,
      toolId: a.id,
      tool: { name: 'search_web', description: 'Search the web.', parameters: schema },
    });
    expect(updated.name).toBe('search_web');
    const reordered = await env.api.tools.reorder({ projectId, toolIds: [b.id, a.id] });
    expect(reordered.map((tool) => tool.name)).toEqual(['fetch_page', 'search_web']);
    await expect(env.api.tools.reorder({ projectId, toolIds: [a.id] })).rejects.toMatchObject({ code: 'invalid-input' });
    await env.api.tools.delete({ projectId, toolId: b.id });
    const left = await env.api.tools.list({ projectId });
    expect(left.map((tool) => [tool.name, tool.position])).toEqual([['search_web', 0]]);
  });

  it('exports OpenAI and MCP JSON that import back to the same tools', async () => {
    const demo = (await env.api.projects.list({})).find((project) => project.name === 'Demo')!;
    const original = await env.api.tools.list({ projectId: demo.id });
    for (const format of ['openai', 'mcp'] as const) {
      const exported = await env.api.tools.export({ projectId: demo.id, format });
      expect(exported.fileName).toBe(`Demo-tools.${format}.json`);
      const preview = await env.api.tools.previewImport({ projectId, text: exported.text });
      expect(preview.format).toBe(format);
      expect(preview.tools).toEqual(original.map(({ name, description, parameters }) => ({ name, description, parameters })));
    }
  });
});

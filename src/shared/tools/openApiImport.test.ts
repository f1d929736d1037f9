import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseToolDefinitions } from './parseToolDefinitions';

const inventoryYaml = readFileSync(new URL('./fixtures/inventory.openapi.yaml', import.meta.url), 'utf8');

function openApi(paths: object, extra: object = {}): string {
  return JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths, ...extra });
}

describe('OpenAPI import', () => {
  const result = parseToolDefinitions(inventoryYaml, { fileName: 'inventory.yaml' });
  const byName = new Map(result.tools.map((tool) => [tool.name, tool]));

  it('makes one tool per operation, named from operationId or method and path', () => {
    expect(result.format).toBe('openapi');
    expect(result.tools.map((tool) => tool.name)).toEqual(['listItems', 'items_create', 'put_items_id', 'deleteItem', 'setTags']);
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('resolves parameter $refs and converts OpenAPI 3.0 keywords to JSON Schema', () => {
    const tool = byName.get('listItems');
    expect(tool?.description).toBe('List items\n\nLists items in stock, newest first.');
    expect(tool?.parameters).toEqual({
      type: 'object',
      properties: {
        limit: { description: 'Page size', type: 'integer', minimum: 1, exclusiveMaximum: 100 },
        category: { type: ['string', 'null'] },
      },
    });
    expect(tool?.binding).toMatchObject({ method: 'GET', pathTemplate: '/items', serverUrl: 'https://inventory.local/api/v1' });
  });

  it('merges an object body into the arguments and keeps the binding', () => {
    const tool = byName.get('items_create');
    expect(tool?.parameters['required']).toEqual(['name', 'quantity']);
    expect(tool?.parameters['properties']).toHaveProperty('location', { type: 'object', properties: { shelf: { type: 'string' } } });
    expect(tool?.binding?.bodyMode).toBe('json-object');
    expect(tool?.binding?.params.map((p) => p.in)).toEqual(['body', 'body', 'body']);
    expect(result.problems).toContainEqual(expect.objectContaining({ toolIndex: 1, severity: 'warning', message: expect.stringContaining('items.create') }));
  });

  it('cuts recursive $refs with a warning, skips cookies and readOnly body properties', () => {
    const tool = byName.get('put_items_id');
    expect(Object.keys(tool?.parameters['properties'] as object)).toEqual(['id', 'X-Request-Id', 'name', 'parent']);
    expect(result.problems).toContainEqual(expect.objectContaining({ toolIndex: 2, pointer: '/properties/parent', message: expect.stringContaining('recursive $ref') }));
    expect(result.problems).toContainEqual(expect.objectContaining({ toolIndex: 2, message: expect.stringContaining('cookie') }));
  });

  it('keeps a non-object body as one "body" argument', () => {
    const tool = byName.get('setTags');
    expect(tool?.parameters['properties']).toHaveProperty('body', { type: 'array', items: { type: 'string' } });
    expect(tool?.binding?.bodyMode).toBeUndefined();
    expect(tool?.binding?.params).toContainEqual({ name: 'body', in: 'body', originalName: 'body' });
  });

  it('renames clashing arguments and records the original name', () => {
    const text = openApi({
      '/things/{id}': {
        patch: {
          operationId: 'patchThing',
          parameters: [{ name: 'id', in: 'path', schema: { type: 'string' } }, { name: 'id', in: 'query', schema: { type: 'string' } }],
          requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'integer' }, __proto__x: { type: 'string' } } } } } },
        },
      },
    });
    const [tool] = parseToolDefinitions(text).tools;
    expect(tool?.binding?.params).toEqual([
      { name: 'id', in: 'path', originalName: 'id' },
      { name: 'query_id', in: 'query', originalName: 'id' },
      { name: 'body_id', in: 'body', originalName: 'id' },
      { name: '__proto__x', in: 'body', originalName: '__proto__x' },
    ]);
    expect(tool?.parameters['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('refuses remote $refs and reports missing targets', () => {
    const text = openApi({
      '/a': { get: { operationId: 'a', parameters: [{ name: 'q', in: 'query', schema: { $ref: 'https://evil.example/schema.json' } }] } },
      '/b': { get: { operationId: 'b', parameters: [{ name: 'q', in: 'query', schema: { $ref: '#/components/schemas/Nope' } }] } },
    });
    const { problems } = parseToolDefinitions(text);
    expect(problems).toContainEqual(expect.objectContaining({ toolName: 'a', severity: 'error', pointer: '/properties/q', message: expect.stringContaining('remote references are refused') }));
    expect(problems).toContainEqual(expect.objectContaining({ toolName: 'b', severity: 'error', message: expect.stringContaining('points at nothing') }));
  });

  it('stops $ref fan-out at the node cap', () => {
    const schemas: Record<string, object> = { L0: { type: 'string' } };
    for (let level = 1; level <= 12; level++) {
      schemas[`L${level}`] = { type: 'object', properties: { a: { $ref: `#/components/schemas/L${level - 1}` }, b: { $ref: `#/components/schemas/L${level - 1}` } } };
    }
    const text = openApi(
      { '/bomb': { post: { operationId: 'bomb', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/L12' } } } } } } },
      { components: { schemas } },
    );
    const result = parseToolDefinitions(text);
    expect(result.problems).toContainEqual(expect.objectContaining({ toolName: 'bomb', severity: 'error', message: expect.stringContaining('more than 10000 values') }));
  });

  it('rejects Swagger 2 and documents without paths', () => {
    expect(parseToolDefinitions(JSON.stringify({ swagger: '2.0', paths: {} })).problems[0]?.message).toContain('only OpenAPI 3.x');
    expect(parseToolDefinitions(JSON.stringify({ openapi: '3.0.0' })).problems[0]?.pointer).toBe('/paths');
  });

  it('warns about non-JSON request bodies', () => {
    const text = openApi({ '/upload': { post: { operationId: 'upload', requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } } } } });
    expect(parseToolDefinitions(text).problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('multipart/form-data') }));
  });
});

import { describe, expect, it } from 'vitest';
import { NO_OPERATION_FILTER, operationFacets, unselectedOperations } from './operationFilter';
import type { HttpMethod, ToolDefinition } from './types';

const op = (name: string, method: HttpMethod, pathTemplate: string, tags?: string[]): ToolDefinition => ({
  name,
  description: name,
  parameters: { type: 'object' },
  binding: { kind: 'http', method, pathTemplate, params: [], ...(tags ? { tags } : {}) },
});
const tools = [op('list_lights', 'GET', '/lights', ['lights']), op('set_light', 'PUT', '/lights/{id}', ['lights']), op('list_users', 'GET', '/admin/users', ['admin']), { name: 'plain', description: '', parameters: { type: 'object' } }];

describe('choosing OpenAPI operations', () => {
  it('keeps an operation that matches every kind of filter given, any of its values', () => {
    expect(unselectedOperations(tools, NO_OPERATION_FILTER)).toEqual([]);
    expect(unselectedOperations(tools, { ...NO_OPERATION_FILTER, tags: ['lights'] })).toEqual([2, 3]);
    expect(unselectedOperations(tools, { tags: ['lights', 'admin'], pathPrefixes: [], methods: ['GET'] })).toEqual([1, 3]);
    expect(unselectedOperations(tools, { ...NO_OPERATION_FILTER, pathPrefixes: ['/lights/', '/admin'] })).toEqual([0, 3]);
  });

  it('lists the tags and methods in use with their counts', () => {
    expect(operationFacets(tools)).toEqual({ tags: [['admin', 1], ['lights', 2]], methods: [['GET', 2], ['PUT', 1]] });
  });
});

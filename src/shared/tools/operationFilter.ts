import type { ToolDefinition } from './types';

/**
 * Choosing OpenAPI operations at import (a spec of a self-hosted app has 50–200 of them, more than a small model
 * should learn at once): by tag, path prefix and method. A tool stays when it is an operation that matches every
 * kind of filter given (any of its values); an empty filter keeps every tool.
 */
export interface OperationFilter {
  tags: readonly string[];
  pathPrefixes: readonly string[];
  /** Upper case, as bindings store them. */
  methods: readonly string[];
}

export const NO_OPERATION_FILTER: OperationFilter = { tags: [], pathPrefixes: [], methods: [] };

export function isOperationFilterEmpty(filter: OperationFilter): boolean {
  return filter.tags.length + filter.pathPrefixes.length + filter.methods.length === 0;
}

export function matchesOperation(tool: ToolDefinition, filter: OperationFilter): boolean {
  if (isOperationFilterEmpty(filter)) return true;
  const binding = tool.binding;
  return (
    binding !== undefined &&
    (filter.tags.length === 0 || (binding.tags ?? []).some((tag) => filter.tags.includes(tag))) &&
    (filter.pathPrefixes.length === 0 || filter.pathPrefixes.some((prefix) => binding.pathTemplate.startsWith(prefix))) &&
    (filter.methods.length === 0 || filter.methods.includes(binding.method))
  );
}

/** Indices of the tools the filter leaves out. */
export function unselectedOperations(tools: readonly ToolDefinition[], filter: OperationFilter): number[] {
  return tools.flatMap((tool, index) => (matchesOperation(tool, filter) ? [] : [index]));
}

/** The tags and methods the operations use, with how many operations each, for choosing among them. */
export function operationFacets(tools: readonly ToolDefinition[]): { tags: Array<[string, number]>; methods: Array<[string, number]> } {
  const tags = new Map<string, number>();
  const methods = new Map<string, number>();
  for (const tool of tools) {
    if (!tool.binding) continue;
    methods.set(tool.binding.method, (methods.get(tool.binding.method) ?? 0) + 1);
    for (const tag of tool.binding.tags ?? []) tags.set(tag, (tags.get(tag) ?? 0) + 1);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => a[0].localeCompare(b[0]));
  return { tags: sorted(tags), methods: sorted(methods) };
}

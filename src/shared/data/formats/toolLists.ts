import { isJsonObject, ownValue } from '../../tools/plainJson';
import type { ToolDefinition } from '../../tools/types';
import type { RecordRead, ToolCatalog } from './datasetImport';

/**
 * The tools of a record, in any of the shapes datasets use: OpenAI `{type: "function", function}`,
 * bare `{name, description, parameters}`, either as an array or as a JSON string of one.
 */
export function toolsFromList(raw: unknown, catalog: ToolCatalog, problems: RecordRead['problems']): ToolDefinition[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = typeof raw === 'string' ? catalog.parseListText(raw) : raw;
  if (!Array.isArray(list)) {
    problems.push({ severity: 'warning', message: 'the tools list is not a JSON array; no tools were read' });
    return [];
  }
  return catalog.internList(list, unwrapFunction, problems);
}

/** The function record of an OpenAI tool; a missing schema means "no arguments" (OpenAI allows it). */
function unwrapFunction(item: unknown): unknown {
  const fn = isJsonObject(item) ? ownValue(item, 'function') : undefined;
  const record = isJsonObject(item) && ownValue(item, 'type') === 'function' && isJsonObject(fn) ? fn : item;
  if (isJsonObject(record) && !Object.hasOwn(record, 'parameters')) return { ...record, parameters: { type: 'object', properties: {} } };
  return record;
}

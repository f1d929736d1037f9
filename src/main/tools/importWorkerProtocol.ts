import { isJsonObject } from '../../shared/tools/plainJson';
import type { ToolDefinition, ToolImportResult, ToolProblem } from '../../shared/tools/types';

/** What the import worker is asked to do; passed as `workerData`. */
export type ImportWorkerRequest =
  | { kind: 'import'; text: string; fileName?: string; existingNames: string[] }
  | { kind: 'validate'; tools: ToolDefinition[]; existingNames: string[] };

/** The worker's single reply. */
export type ImportWorkerResponse = { ok: true; result: ToolImportResult } | { ok: false; message: string };

const FORMATS: ReadonlySet<unknown> = new Set(['openai', 'mcp', 'anthropic', 'bare', 'bfcl', 'openapi', null]);

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function isToolDefinition(value: unknown): value is ToolDefinition {
  return (
    isJsonObject(value) &&
    typeof value['name'] === 'string' &&
    typeof value['description'] === 'string' &&
    isJsonObject(value['parameters']) &&
    (value['binding'] === undefined || isJsonObject(value['binding']))
  );
}

function isToolProblem(value: unknown): value is ToolProblem {
  return (
    isJsonObject(value) &&
    (value['severity'] === 'error' || value['severity'] === 'warning') &&
    typeof value['pointer'] === 'string' &&
    typeof value['message'] === 'string' &&
    (value['toolIndex'] === undefined || Number.isInteger(value['toolIndex'])) &&
    (value['toolName'] === undefined || typeof value['toolName'] === 'string')
  );
}

/** Checked in the worker: `workerData` crosses a thread boundary and is not trusted blindly. */
export function isImportWorkerRequest(value: unknown): value is ImportWorkerRequest {
  if (!isJsonObject(value) || !isStringArray(value['existingNames'])) return false;
  if (value['kind'] === 'import') {
    return typeof value['text'] === 'string' && (value['fileName'] === undefined || typeof value['fileName'] === 'string');
  }
  return value['kind'] === 'validate' && Array.isArray(value['tools']) && value['tools'].every(isToolDefinition);
}

/** Checked in the caller: whatever the worker sends must be a well-formed result before it is used. */
export function isImportWorkerResponse(value: unknown): value is ImportWorkerResponse {
  if (!isJsonObject(value)) return false;
  if (value['ok'] === false) return typeof value['message'] === 'string';
  const result = value['result'];
  return (
    value['ok'] === true &&
    isJsonObject(result) &&
    FORMATS.has(result['format']) &&
    Array.isArray(result['tools']) &&
    result['tools'].every(isToolDefinition) &&
    Array.isArray(result['problems']) &&
    result['problems'].every(isToolProblem)
  );
}

import type { ToolDefinition, ToolImportResult, ToolProblem } from '../../shared/tools/types';
import { WorkerPool } from '../workerEntry';
import { isImportWorkerResponse, type ImportWorkerRequest } from './importWorkerProtocol';

export const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;

/** Memory caps for the worker: a hostile document runs out of memory there, not in main. */
const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 };

/** The warm import worker of this process. */
export const importWorkers = new WorkerPool('importWorker', import.meta.url, WORKER_RESOURCE_LIMITS);

export interface OffThreadOptions {
  existingNames?: readonly string[];
  timeoutMs?: number;
}

export interface ImportOffThreadOptions extends OffThreadOptions {
  fileName?: string;
}

/** Parses and validates (ajv included) in the warm import worker, which is replaced when it runs past `timeoutMs`. Never rejects. */
export async function importToolsOffThread(text: string, options: ImportOffThreadOptions = {}): Promise<ToolImportResult> {
  const request: ImportWorkerRequest = { kind: 'import', text, existingNames: [...(options.existingNames ?? [])] };
  if (options.fileName !== undefined) request.fileName = options.fileName;
  return runWorker(request, 'import', options.timeoutMs);
}

/** Validates edited tools before saving, with the same isolation and time limit. Never rejects. */
export async function validateToolsOffThread(
  tools: readonly ToolDefinition[],
  existingNames: readonly string[] = [],
  options: Omit<OffThreadOptions, 'existingNames'> = {},
): Promise<ToolProblem[]> {
  const request: ImportWorkerRequest = { kind: 'validate', tools: [...tools], existingNames: [...existingNames] };
  return (await runWorker(request, 'validation', options.timeoutMs)).problems;
}

async function runWorker(request: ImportWorkerRequest, what: string, timeoutMs = DEFAULT_IMPORT_TIMEOUT_MS): Promise<ToolImportResult> {
  const failure = (message: string): ToolImportResult => ({
    format: null,
    tools: request.kind === 'validate' ? request.tools : [],
    problems: [{ severity: 'error', pointer: '', message }],
  });
  const answer = await importWorkers.ask(request, { timeoutMs });
  if (!answer.ok) return failure(`${what} ${answer.reason}`);
  const message = answer.message;
  if (!isImportWorkerResponse(message)) return failure(`${what} failed: the worker sent a malformed reply`);
  if (!message.ok) return failure(`${what} failed: ${message.message}`);
  return message.result;
}

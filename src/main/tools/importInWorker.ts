import { Worker } from 'node:worker_threads';
import type { ToolDefinition, ToolImportResult, ToolProblem } from '../../shared/tools/types';
import { resolveWorkerEntry } from '../workerEntry';
import { isImportWorkerResponse, type ImportWorkerRequest } from './importWorkerProtocol';

export const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;

/** Memory caps for the worker: a hostile document runs out of memory there, not in main. */
const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 };

export interface OffThreadOptions {
  existingNames?: readonly string[];
  timeoutMs?: number;
}

export interface ImportOffThreadOptions extends OffThreadOptions {
  fileName?: string;
}

/** Parses and validates (ajv included) in a worker that is terminated after `timeoutMs`. Never rejects. */
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

function runWorker(request: ImportWorkerRequest, what: string, timeoutMs = DEFAULT_IMPORT_TIMEOUT_MS): Promise<ToolImportResult> {
  const failure = (message: string): ToolImportResult => ({
    format: null,
    tools: request.kind === 'validate' ? request.tools : [],
    problems: [{ severity: 'error', pointer: '', message }],
  });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ToolImportResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const { script, evalScript } = resolveWorkerEntry('importWorker', import.meta.url);
    let worker: Worker;
    try {
      worker = new Worker(script, { eval: evalScript, workerData: request, resourceLimits: WORKER_RESOURCE_LIMITS });
    } catch (error) {
      resolve(failure(`${what} could not start: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const timer = setTimeout(() => finish(failure(`${what} took longer than ${formatSeconds(timeoutMs)} and was stopped`)), timeoutMs);
    worker.once('message', (message: unknown) => {
      if (!isImportWorkerResponse(message)) finish(failure(`${what} failed: the worker sent a malformed reply`));
      else if (!message.ok) finish(failure(`${what} failed: ${message.message}`));
      else finish(message.result);
    });
    worker.once('error', (error: Error & { code?: string }) => {
      const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : error.message;
      finish(failure(`${what} failed: ${reason}`));
    });
    worker.once('exit', (code) => finish(failure(`${what} failed: the worker exited (code ${code}) without an answer`)));
  });
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

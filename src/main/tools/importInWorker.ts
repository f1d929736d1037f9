import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ToolDefinition, ToolImportResult, ToolProblem } from '../../shared/tools/types';
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

/**
 * How to start the worker. In the built app electron-vite emits `importWorker.js` next to the
 * bundle that contains this code. From TypeScript sources (vitest, tsx: this module's URL ends in
 * `.ts`) the worker must load `importWorker.ts` through tsx. `execArgv: ['--import', 'tsx']` does
 * not work on Node 20 (the worker's entry is loaded before tsx's hooks apply: "Unknown file
 * extension .ts"), so a one-line bootstrap loads the entry with tsx's CommonJS `require` API.
 */
export function resolveImportWorker(moduleUrl: string = import.meta.url): { script: URL | string; evalScript: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { script: new URL('./importWorker.js', moduleUrl), evalScript: false };
  const entry = JSON.stringify(fileURLToPath(new URL('./importWorker.ts', moduleUrl)));
  const tsxApi = JSON.stringify(createRequire(moduleUrl).resolve('tsx/cjs/api'));
  return { script: `require(${tsxApi}).require(${entry}, ${entry});`, evalScript: true };
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
    const { script, evalScript } = resolveImportWorker();
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

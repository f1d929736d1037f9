/**
 * Worker entry: parses and validates hostile tool definitions off the main thread, so a slow
 * schema or a pathological document can be stopped by terminating this thread. Kept warm by a WorkerPool.
 * Built by electron-vite as its own entry (`out/main/importWorker.js`).
 */
import { parentPort } from 'node:worker_threads';
import { isPooledMessage, type PooledMessage } from '../workerEntry';
import { parseToolDefinitions } from '../../shared/tools/parseToolDefinitions';
import { isImportWorkerRequest, type ImportWorkerRequest, type ImportWorkerResponse } from './importWorkerProtocol';
import { validateToolDefinitions, withAjvProblems } from './schemaValidator';

function handle(request: ImportWorkerRequest): ImportWorkerResponse {
  if (request.kind === 'import') {
    const parsed = parseToolDefinitions(request.text, { fileName: request.fileName, existingNames: request.existingNames });
    return { ok: true, result: withAjvProblems(parsed) };
  }
  const problems = validateToolDefinitions(request.tools, request.existingNames);
  return { ok: true, result: { format: null, tools: request.tools, problems } };
}

function respond(request: unknown): ImportWorkerResponse {
  if (!isImportWorkerRequest(request)) return { ok: false, message: 'malformed request to the import worker' };
  try {
    return handle(request);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

// Warm (WorkerPool): one answer per tagged request, for as long as main keeps this thread.
parentPort?.on('message', (message: unknown) => {
  if (isPooledMessage(message)) parentPort?.postMessage({ pooled: message.pooled, message: respond(message.message) } satisfies PooledMessage);
});


/**
 * Worker entry: parses and validates hostile tool definitions off the main thread, so a slow
 * schema or a pathological document can be stopped by terminating this thread.
 * Built by electron-vite as its own entry (`out/main/importWorker.js`).
 */
import { parentPort, workerData } from 'node:worker_threads';
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

function respond(): ImportWorkerResponse {
  if (!isImportWorkerRequest(workerData)) return { ok: false, message: 'malformed request to the import worker' };
  try {
    return handle(workerData);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.postMessage(respond());

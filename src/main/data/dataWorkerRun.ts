import { Worker } from 'node:worker_threads';
import type { DataStats, DuplicateGroup, SampleCheck } from '../../shared/contract';
import type { Sample } from '../../shared/data/conversation';
import { ToolTuneError } from '../../shared/errors';
import { isDataWorkerMessage, type BatchJobRequest, type ContinueMessage, type DataWorkerMessage, type DataWorkerRequest, type ImportFindings } from './dataWorkerProtocol';
import type { PreparedBatch } from './preparedSample';
import { resolveWorkerEntry, WorkerPool } from '../workerEntry';

/** Memory caps for the worker: a hostile import runs out of memory there, not in main. */
const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 2048, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 };

/** The warm data worker of this process, for one-answer requests (verify, prepare, stats, duplicates). */
export const dataWorkers = new WorkerPool('dataWorker', import.meta.url, WORKER_RESOURCE_LIMITS);

export interface DataWorkerHandlers {
  onTotal(total: number): void;
  /** Writes one batch. Synchronous on main's thread, so a cancel can never land inside it. */
  onBatch(batch: PreparedBatch): void;
}

export type DataWorkerOutcome =
  | { state: 'done'; findings: ImportFindings | null }
  | { state: 'cancelled' }
  | { state: 'failed'; message: string };

export interface DataWorkerRun {
  outcome: Promise<DataWorkerOutcome>;
  /** Stops the worker; batches already written stay, the one in preparation is dropped. */
  cancel(): void;
}

function spawnDataWorker(request: DataWorkerRequest): Worker {
  const { script, evalScript } = resolveWorkerEntry('dataWorker', import.meta.url);
  return new Worker(script, { eval: evalScript, workerData: request, resourceLimits: WORKER_RESOURCE_LIMITS });
}

/** Runs one generate or import job in a worker thread, handing each batch to `onBatch` in order. */
export function startDataWorker(request: BatchJobRequest, handlers: DataWorkerHandlers): DataWorkerRun {
  let finish: (outcome: DataWorkerOutcome) => void = () => undefined;
  const outcome = new Promise<DataWorkerOutcome>((resolve) => (finish = resolve));
  let settled = false;
  let worker: Worker | null = null;
  const end = (result: DataWorkerOutcome): void => {
    if (settled) return;
    settled = true;
    void worker?.terminate();
    finish(result);
  };

  try {
    worker = spawnDataWorker(request);
  } catch (error) {
    end({ state: 'failed', message: `the data worker could not start: ${error instanceof Error ? error.message : String(error)}` });
    return { outcome, cancel: () => undefined };
  }
  const running = worker;
  running.on('message', (message: unknown) => {
    if (settled) return;
    if (!isDataWorkerMessage(message)) return end({ state: 'failed', message: 'the data worker sent a malformed message' });
    try {
      switch (message.type) {
        case 'total':
          return handlers.onTotal(message.total);
        case 'batch':
          handlers.onBatch(message.batch);
          return running.postMessage({ type: 'continue' } satisfies ContinueMessage);
        case 'finished':
          return end({ state: 'done', findings: message.findings });
        case 'failed':
          return end({ state: 'failed', message: message.message });
        default:
          return end({ state: 'failed', message: `the data worker answered "${message.type}" to a batch job` });
      }
    } catch (error) {
      end({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  });
  running.once('error', (error: Error & { code?: string }) => {
    end({ state: 'failed', message: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'the data worker ran out of memory' : error.message });
  });
  running.once('exit', (code) => end({ state: 'failed', message: `the data worker exited (code ${code}) before finishing` }));
  return { outcome, cancel: () => end({ state: 'cancelled' }) };
}

export const VERIFY_TIMEOUT_MS = 10_000;
/** One teacher batch: a few dozen samples, but their tool schemas are compiled afresh. */
export const PREPARE_TIMEOUT_MS = 60_000;
export const STATS_TIMEOUT_MS = 120_000;

type OneShotRequest = Exclude<DataWorkerRequest, BatchJobRequest>;
type OneShotAnswer = { ok: true; message: Exclude<DataWorkerMessage, { type: 'failed' }> } | { ok: false; reason: string };

/** Runs a one-answer request in the warm data worker, which is replaced when it runs past `timeoutMs`. Never rejects. */
async function askDataWorker(request: OneShotRequest, timeoutMs: number): Promise<OneShotAnswer> {
  const answer = await dataWorkers.ask(request, { timeoutMs });
  if (!answer.ok) return { ok: false, reason: `the data worker ${answer.reason}` };
  const message = answer.message;
  if (!isDataWorkerMessage(message)) return { ok: false, reason: 'the data worker sent a malformed message' };
  if (message.type === 'failed') return { ok: false, reason: message.message };
  return { ok: true, message };
}

/**
 * Verifies one untrusted sample off main (its tool schemas are compiled by ajv, and a hostile
 * pattern must not stall main). `prepared` is null for a structurally broken sample.
 */
export async function verifyOffThread(sample: unknown, timeoutMs = VERIFY_TIMEOUT_MS): Promise<{ checks: SampleCheck[]; prepared: PreparedBatch | null }> {
  const answer = await askDataWorker({ kind: 'verify', sample }, timeoutMs);
  if (answer.ok && answer.message.type === 'verified') return { checks: answer.message.checks, prepared: answer.message.prepared };
  const reason = answer.ok ? `unexpected answer "${answer.message.type}"` : answer.reason;
  return { checks: [{ check: 'format', ok: false, message: `verification failed: ${reason}`, pointer: '' }], prepared: null };
}

/** Verifies and summarizes samples made in main (teacher output), adding `extraChecks[i]` to sample i's checks. */
export async function prepareOffThread(samples: Sample[], extraChecks: SampleCheck[][], timeoutMs = PREPARE_TIMEOUT_MS): Promise<PreparedBatch> {
  const answer = await askDataWorker({ kind: 'prepare', samples, extraChecks }, timeoutMs);
  if (answer.ok && answer.message.type === 'prepared') return answer.message.batch;
  throw new ToolTuneError('internal', `The samples could not be verified: ${answer.ok ? `unexpected answer "${answer.message.type}"` : answer.reason}.`);
}

export async function duplicatesOffThread(request: Omit<Extract<DataWorkerRequest, { kind: 'duplicates' }>, 'kind'>, timeoutMs = STATS_TIMEOUT_MS): Promise<DuplicateGroup[]> {
  const answer = await askDataWorker({ kind: 'duplicates', ...request }, timeoutMs);
  if (answer.ok && answer.message.type === 'duplicates') return answer.message.groups;
  throw new ToolTuneError('internal', `Duplicates could not be searched: ${answer.ok ? `unexpected answer "${answer.message.type}"` : answer.reason}.`);
}

/** Counts and the balance pass over every sample, on a read-only connection of its own. */
export async function statsOffThread(request: Omit<Extract<DataWorkerRequest, { kind: 'stats' }>, 'kind'>, timeoutMs = STATS_TIMEOUT_MS): Promise<DataStats> {
  const answer = await askDataWorker({ kind: 'stats', ...request }, timeoutMs);
  if (answer.ok && answer.message.type === 'stats') return answer.message.stats;
  throw new ToolTuneError('internal', `The statistics could not be computed: ${answer.ok ? `unexpected answer "${answer.message.type}"` : answer.reason}.`);
}

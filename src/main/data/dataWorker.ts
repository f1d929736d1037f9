/**
 * Worker entry for the Data step's heavy work. Jobs (synthesis or import, then verification and the
 * per-sample summaries) stream batches to main, which writes one transaction each; one-shot
 * requests (verify an edited sample, compute stats) answer once. Main terminates the worker after
 * its last answer, or to cancel.
 * Built by electron-vite as its own entry (`out/main/dataWorker.js`).
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { parseSample, type Sample } from '../../shared/data/conversation';
import { classifySampleKind, inferMissingArgument } from '../../shared/data/classifyKind';
import { detectDatasetFormat, type DatasetFormat, type ImportStream } from '../../shared/data/formats';
import { streamAlpaca, streamBfcl, streamGlaive, streamLlamaFactory, streamOpenAiJsonl, streamShareGpt, streamXlam } from '../../shared/data/formats';
import { Synthesizer } from '../../shared/data/synthesis/synthesizer';
import { DatasetVersions } from './datasetVersions';
import { duplicateGroups, liveStats, versionStats } from './dataStats';
import { BATCHES_IN_FLIGHT, type ContinueMessage, type DataWorkerMessage, type DataWorkerRequest, type ImportFindings } from './dataWorkerProtocol';
import { prepareSample, ToolSetHasher } from './preparedSample';
import { isPooledMessage, type PooledMessage } from '../workerEntry';
import { ArgumentValidator, verifySample } from './verifySample';

/** Each format read in batches, so the first batches are verified and written while later ones are parsed. */
const IMPORTERS: Record<DatasetFormat, (text: string, batchSize: number) => ImportStream> = {
  openai: streamOpenAiJsonl,
  sharegpt: streamShareGpt,
  llamafactory: streamLlamaFactory,
  alpaca: streamAlpaca,
  glaive: streamGlaive,
  xlam: streamXlam,
  bfcl: streamBfcl,
};
const DETECT_LINES = 20;
const DETECT_CHARS = 1_000_000;

const port = parentPort;
let credits = BATCHES_IN_FLIGHT;
let wakeUp: (() => void) | null = null;
/** The tag of the one-answer request being answered when this thread is a warm pool worker. */
let pooledId: number | null = null;
port?.on('message', (message: unknown) => {
  if (isPooledMessage(message)) return answerPooled(message);
  if ((message as ContinueMessage).type !== 'continue') return;
  credits++;
  wakeUp?.();
});

function send(message: DataWorkerMessage): void {
  port?.postMessage(pooledId === null ? message : ({ pooled: pooledId, message } satisfies PooledMessage));
}

/** A warm worker answers one-answer requests only; jobs get a worker of their own (`workerData`). */
function answerPooled({ pooled, message }: PooledMessage): void {
  pooledId = pooled;
  const request = message as DataWorkerRequest;
  const job = request?.kind === 'generate' || request?.kind === 'import';
  void (job ? Promise.resolve(send({ type: 'failed', message: 'jobs do not run in a pooled worker' })) : run(request)).finally(() => {
    pooledId = null;
  });
}

/** Milliseconds spent verifying and summarizing samples in this worker (waiting for main excluded). */
let verifyMs = 0;

/** Sends a batch once main has room for it, so memory stays bounded and cancel acts between batches. */
async function sendBatch(samples: Sample[], validator: ArgumentValidator, toolSets: ToolSetHasher): Promise<void> {
  const started = performance.now();
  const prepared = samples.map((sample) => prepareSample(sample, validator, toolSets));
  verifyMs += performance.now() - started;
  while (credits === 0) await new Promise<void>((resolve) => (wakeUp = resolve));
  credits--;
  send({ type: 'batch', batch: { samples: prepared, toolSets: toolSets.takeFresh() } });
}

async function generate(request: Extract<DataWorkerRequest, { kind: 'generate' }>): Promise<void> {
  const synthesizer = new Synthesizer(request.tools, request.phrasings, request.options);
  if (Object.keys(synthesizer.mix).length === 0) {
    return send({ type: 'failed', message: 'No sample kind can be generated from these tools and settings.' });
  }
  const validator = new ArgumentValidator();
  const toolSets = new ToolSetHasher();
  send({ type: 'total', total: request.count });
  const end = request.start + request.count;
  for (let from = request.start; from < end; from += request.batchSize) {
    const batch: Sample[] = [];
    for (let index = from; index < Math.min(end, from + request.batchSize); index++) {
      const sample = synthesizer.sample(index);
      if (sample) batch.push(sample);
    }
    await sendBatch(batch, validator, toolSets);
  }
  send({ type: 'finished', findings: null });
}

function nonBlankLines(text: string): number {
  let count = 0;
  let start = 0;
  for (let end = text.indexOf('\n'); ; end = text.indexOf('\n', start)) {
    const stop = end < 0 ? text.length : end;
    for (let i = start; i < stop; i++) {
      const code = text.charCodeAt(i);
      if (code !== 32 && code !== 9 && code !== 13) {
        count++;
        break;
      }
    }
    if (end < 0) return count;
    start = end + 1;
  }
}

/**
 * Most formats carry no kind: classify from the structure so filters, balance and per-kind scores work; a kind the
 * format states (BFCL ids) stays, and eval cases (calls only in `expected`) stay unclassified.
 */
function classify(samples: readonly Sample[]): void {
  for (const sample of samples) {
    if (sample.kind !== null || sample.expected !== undefined) continue;
    sample.kind = classifySampleKind(sample);
    const missing = sample.kind === 'missing_argument' && sample.meta?.['missingArgument'] === undefined ? inferMissingArgument(sample.messages) : undefined;
    if (missing !== undefined) sample.meta = { ...sample.meta, missingArgument: missing };
  }
}

async function importText(request: Extract<DataWorkerRequest, { kind: 'import' }>): Promise<void> {
  let started = performance.now();
  const text = 'file' in request.input ? readFileSync(request.input.file, 'utf8') : request.input.text;
  const readMs = performance.now() - started;
  started = performance.now();
  const detected = request.format ?? detectDatasetFormat(text.slice(0, DETECT_CHARS).split('\n', DETECT_LINES));
  if (detected === 'bfcl_answers') {
    return send({ type: 'failed', message: 'This is a BFCL possible-answer file; import the matching question file.' });
  }
  if (detected === null) {
    return send({ type: 'failed', message: 'The format was not recognised (OpenAI JSONL, ShareGPT, LLaMA-Factory messages, Glaive, xLAM, BFCL or Alpaca rows).' });
  }
  const stream = IMPORTERS[detected](text, request.batchSize);
  const validator = new ArgumentValidator();
  const toolSets = new ToolSetHasher();
  // Samples are counted only as they are read: until then the total is the number of non-blank lines (one record
  // each in JSONL), and at the end the count itself.
  send({ type: 'total', total: nonBlankLines(text) });
  let parseMs = performance.now() - started;
  for (;;) {
    started = performance.now();
    const next = stream.batches.next();
    if (next.done) break;
    classify(next.value);
    parseMs += performance.now() - started;
    await sendBatch(next.value, validator, toolSets);
  }
  send({ type: 'total', total: 0 });
  const { problems, tools } = stream.findings();
  const findings: ImportFindings = { format: detected, problems, tools, timings: { readMs, parseMs, verifyMs } };
  send({ type: 'finished', findings });
}

function prepare(request: Extract<DataWorkerRequest, { kind: 'prepare' }>): void {
  const validator = new ArgumentValidator();
  const toolSets = new ToolSetHasher();
  const samples = request.samples.map((sample, index) => prepareSample(sample, validator, toolSets, request.extraChecks[index]));
  send({ type: 'prepared', batch: { samples, toolSets: toolSets.takeFresh() } });
}

function verify(input: unknown): void {
  const validator = new ArgumentValidator();
  const parsed = parseSample(input);
  const checks = verifySample(input, validator).checks;
  if ('problems' in parsed) return send({ type: 'verified', checks, prepared: null });
  const toolSets = new ToolSetHasher();
  const sample = prepareSample(parsed.sample, validator, toolSets);
  send({ type: 'verified', checks, prepared: { samples: [sample], toolSets: toolSets.takeFresh() } });
}

/** Reads the project database on a read-only connection of this thread's own. */
function withDatabase(file: string, read: (db: Database) => void): void {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    read(db);
  } finally {
    db.close();
  }
}

function stats(request: Extract<DataWorkerRequest, { kind: 'stats' }>): void {
  const { projectId, versionId, projectTools } = request;
  withDatabase(request.databaseFile, (db) => {
    const result = versionId === null ? liveStats(db, projectId, projectTools) : versionStats(new DatasetVersions(db).samples(projectId, versionId), projectTools);
    send({ type: 'stats', stats: result });
  });
}

async function run(request: DataWorkerRequest): Promise<void> {
  try {
    switch (request.kind) {
      case 'generate':
        return await generate(request);
      case 'import':
        return await importText(request);
      case 'verify':
        return verify(request.sample);
      case 'prepare':
        return prepare(request);
      case 'stats':
        return stats(request);
      case 'duplicates':
        return withDatabase(request.databaseFile, (db) => send({ type: 'duplicates', groups: duplicateGroups(db, request.projectId, request.threshold) }));
    }
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

if (workerData !== null && workerData !== undefined) void run(workerData as DataWorkerRequest);

import type { DataStats, DuplicateGroup, ImportSummary, ImportTimings, SampleCheck } from '../../shared/contract';
import type { Sample } from '../../shared/data/conversation';
import type { DatasetFormat } from '../../shared/data/formats/datasetImport';
import type { PhrasingSet } from '../../shared/data/synthesis/phrasing';
import type { SynthesisOptions } from '../../shared/data/synthesis/synthesizer';
import type { ToolDefinition } from '../../shared/tools/types';
import type { PreparedBatch } from './preparedSample';

/** What the data worker is asked to do; passed as `workerData`. */
export type DataWorkerRequest =
  | { kind: 'generate'; tools: ToolDefinition[]; phrasings: PhrasingSet[]; options: SynthesisOptions; start: number; count: number; batchSize: number }
  /** `file`: a staged upload, read by the worker so main never holds it. */
  | { kind: 'import'; input: { text: string } | { file: string }; format: DatasetFormat | null; batchSize: number }
  /** One edited, untrusted sample: its checks, and its stored form when it is structurally valid. */
  | { kind: 'verify'; sample: unknown }
  /** Samples a teacher wrote (or judged) in main: verified and summarized here, `extraChecks[i]` added to sample i's checks. */
  | { kind: 'prepare'; samples: Sample[]; extraChecks: SampleCheck[][] }
  /** Stats of the live samples (`versionId` null) or of a version, read from the database file. */
  | { kind: 'stats'; databaseFile: string; projectId: string; versionId: string | null; projectTools: string[] }
  | { kind: 'duplicates'; databaseFile: string; projectId: string; threshold: number };

export type BatchJobRequest = Extract<DataWorkerRequest, { kind: 'generate' | 'import' }>;

/** What an import found besides its samples. */
export type ImportFindings = Pick<ImportSummary, 'format' | 'problems'> & { tools: ToolDefinition[]; timings: Omit<ImportTimings, 'writeMs'> };

/** Worker → main. After each `batch` the worker waits for a `continue` credit before sending more. */
export type DataWorkerMessage =
  | { type: 'total'; total: number }
  | { type: 'batch'; batch: PreparedBatch }
  | { type: 'finished'; findings: ImportFindings | null }
  /** `prepared` holds the one sample, or is null when it is structurally broken. */
  | { type: 'verified'; checks: SampleCheck[]; prepared: PreparedBatch | null }
  | { type: 'prepared'; batch: PreparedBatch }
  | { type: 'stats'; stats: DataStats }
  | { type: 'duplicates'; groups: DuplicateGroup[] }
  | { type: 'failed'; message: string };

/** Main → worker. */
export interface ContinueMessage {
  type: 'continue';
}

/** Batches the worker may run ahead of main: one being written, one being prepared. */
export const BATCHES_IN_FLIGHT = 2;

const TYPES: ReadonlySet<unknown> = new Set(['total', 'batch', 'finished', 'verified', 'prepared', 'stats', 'duplicates', 'failed']);

export function isDataWorkerMessage(value: unknown): value is DataWorkerMessage {
  return typeof value === 'object' && value !== null && TYPES.has((value as { type?: unknown }).type);
}

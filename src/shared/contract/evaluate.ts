import type { SampleKind } from '../data/conversation';
import type { CaseResult, Scores } from '../eval/metrics';
import { event, method, schema } from './spec';

/**
 * The Evaluate step: BFCL-style scores of model variants on an eval set, base and tuned side by side. An
 * evaluation is a job of the jobs service (progress, cancel); its results are stored per variant with the eval
 * set's hash, so reopening shows them without running again.
 */

/** A run's variants. `base`: the run's base (or the model asked for); `tuned`: that base with the run's adapter (or a checkpoint's). */
export const RUN_VARIANTS = ['base', 'tuned'] as const;
export type RunVariant = (typeof RUN_VARIANTS)[number];
/** `endpoint`: a model served elsewhere, through its OpenAI-compatible API; `export`: a file an export wrote. */
export type EvalVariant = RunVariant | 'endpoint' | 'export';

/** A served model: `{baseUrl}/chat/completions`. The key is used for this evaluation only, never stored. */
export interface EvalEndpoint {
  baseUrl: string;
  model: string;
  apiKey?: string;
}

/**
 * How answers were decoded, stored with every result. `free`: the model writes its answer unconstrained and the
 * text is read with its template's call syntax, as llama-server and Ollama do — the only mode offered so far;
 * grammar-constrained function calling (which makes names and schema validity right by construction) would be
 * stored as `constrained`.
 */
export type EvalDecoding = 'free' | 'constrained';

export interface EvalParams {
  projectId: string;
  /** Default: the project's newest finished run. */
  runId?: string;
  /** Evaluate this library model alone (variant `base`) instead of a run. */
  modelId?: string;
  /** Evaluate a served model (variant `endpoint`) instead of a run. */
  endpoint?: EvalEndpoint;
  /** Evaluate every model file of this export, next to its run's base and tuned (the Export step's quality gate). */
  exportId?: string;
  /** Default: both of a run (`base` alone with `modelId`). */
  variants?: RunVariant[];
  /** The tuned variant uses this checkpoint's adapter instead of the run's final one. */
  checkpointStep?: number;
  /** Default: the eval split of the run's dataset version (with `modelId` or `endpoint`: the newest version). */
  versionId?: string;
  /** Default: cores - 1. */
  threads?: number;
  /** Answers generated at once. Default 2. */
  parallel?: number;
  /** Longest answer in tokens. Default 512. */
  maxTokens?: number;
}

/** What a variant was: enough to say which file (and adapter) produced the scores. */
export interface EvalModelInfo {
  modelId: string | null;
  label: string;
  modelPath: string;
  modelSha256: string | null;
  adapterPath: string | null;
  adapterSha256: string | null;
  checkpointStep: number | null;
}

export interface EvalResultSummary {
  id: string;
  projectId: string;
  jobId: string;
  runId: string | null;
  runSeq: number | null;
  variant: EvalVariant;
  /** The export of an `export` variant, and which of its files (`Q4_K_M`, …); null otherwise. */
  exportId: string | null;
  output: string | null;
  model: EvalModelInfo;
  setName: string;
  /** The eval set's content hash (the version's for a frozen split). */
  setHash: string;
  decoding: EvalDecoding;
  scores: Scores;
  /** Wall time of this variant's evaluation. */
  seconds: number;
  createdAt: string;
}

export interface EvalResultDetail extends EvalResultSummary {
  cases: CaseResult[];
}

/** A training sample like a failed case, for the failure browser. */
export interface SimilarSample {
  sampleId: number;
  kind: SampleKind | null;
  /** The sample's first user message (capped). */
  userText: string;
  /** 0..1: shared words of the user turns, and shared tools. */
  similarity: number;
}

const id = schema.id();

export const evaluateContract = {
  /** Starts an evaluation job; returns at once. */
  start: method<EvalParams, { jobId: string }>(
    schema.object(
      {
        projectId: id,
        runId: id,
        modelId: id,
        exportId: id,
        endpoint: schema.object({ baseUrl: schema.string(2000, 1), model: schema.string(200, 1), apiKey: schema.string(500, 1) }, ['baseUrl', 'model']),
        variants: { type: 'array', items: { enum: [...RUN_VARIANTS] }, minItems: 1, maxItems: RUN_VARIANTS.length, uniqueItems: true },
        checkpointStep: { type: 'integer', minimum: 0, maximum: 100_000_000 },
        versionId: id,
        threads: { type: 'integer', minimum: 1, maximum: 512 },
        parallel: { type: 'integer', minimum: 1, maximum: 64 },
        maxTokens: { type: 'integer', minimum: 16, maximum: 8192 },
      },
      ['projectId'],
    ),
  ),
  /** The project's stored results, newest first, without their cases. */
  results: method<{ projectId: string }, EvalResultSummary[]>(schema.object({ projectId: id })),
  /** One result with every case (expected, produced, the rule that failed). */
  result: method<{ resultId: string }, EvalResultDetail>(schema.object({ resultId: id })),
  /** The training samples of the result's dataset version most like one of its cases. */
  similar: method<{ resultId: string; caseId: string }, SimilarSample[]>(schema.object({ resultId: id, caseId: schema.string(200, 1) })),
  didChange: event<{ projectId: string }>(),
};

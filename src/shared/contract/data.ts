import { SAMPLE_KINDS, type Sample, type SampleKind } from '../data/conversation';
import type { DatasetFormat, ImportProblem } from '../data/formats/datasetImport';
import type { Augmentations } from '../data/synthesis/augment';
import type { ArgumentBalance, BalanceWarning } from '../data/balance';
import type { CheckName, CheckResult } from '../data/verification';
import type { ToolDefinition } from '../tools/types';
import type { JobInfo } from './jobs';
import { event, method, schema } from './spec';

/**
 * The Data step: synthesize, import, review, split, freeze and export a project's samples.
 *
 * Long work (generate, import) runs as a job of the jobs service (`jobs.ts`): the method returns `{jobId}` at
 * once, progress arrives as `jobs.progress` events (at most ~10 per second per job) and the outcome is read with
 * `jobs.get`; `jobs.cancel` stops between batches (every sample written so far stays). Large imports are sent in parts with `uploadChunk` and then imported by `uploadId`, so
 * no single message grows past the transport's limit.
 */

export type SampleStatus = 'pending' | 'approved' | 'rejected' | 'flagged';
export const SAMPLE_STATUSES: readonly SampleStatus[] = ['pending', 'approved', 'rejected', 'flagged'];

/** `null`: not assigned yet (counted as train when a version is frozen). */
export type SampleSplit = 'train' | 'eval' | null;
export type SampleSource = 'generated' | 'imported' | 'manual';

/** One verification check of one sample (`format`, `tool_exists`, `arguments`, …). */
export type SampleCheck = CheckResult;

/** What the review table shows per sample. */
export interface SampleRow {
  id: number;
  seq: number;
  kind: SampleKind | null;
  status: SampleStatus;
  split: SampleSplit;
  source: SampleSource;
  /** The first user message, cut to 200 characters. */
  firstUserText: string;
  /** Distinct names of the tools the sample calls, in call order. */
  toolsCalled: string[];
  checksOk: boolean;
  failedChecks: CheckName[];
  updatedAt: string;
}

export interface StoredSample extends SampleRow {
  sample: Sample;
  checks: SampleCheck[];
}

export interface SampleFilter {
  /** A tool the sample calls. */
  tool?: string;
  /** `unknown`: samples without a kind (most imports). */
  kind?: SampleKind | 'unknown';
  status?: SampleStatus;
  /** A check the sample fails (`arguments`, …); `any` for every failing sample. */
  failedCheck?: CheckName | 'any';
  /** Case-insensitive substring of the sample's text (messages and call arguments). */
  text?: string;
  split?: 'train' | 'eval' | 'none';
}

export type SampleSort = 'seq' | 'seq-desc' | 'updated-desc';

/** Relative weights per sample kind; kinds left out get none. */
export type SampleMix = Partial<Record<SampleKind, number>>;


export type DataLocale = 'en' | 'zh-CN';

/**
 * A teacher model. `local`: a GGUF file run through node-llama-cpp in main. `endpoint`: an
 * OpenAI-compatible server (`{baseUrl}/chat/completions`); its `apiKey` lives only in memory:
 * it is never written to the database, so resuming after a restart needs it again.
 */
export type TeacherSettings =
  | { kind: 'local'; modelPath: string; contextSize?: number; sequences?: number; temperature?: number }
  | { kind: 'endpoint'; baseUrl: string; model: string; apiKey?: string; concurrency?: number; temperature?: number; timeoutMs?: number };

/**
 * `schema` (the default): no model, fast, from templates. `teacher`: a model writes each planned
 * sample; with `semanticCheck` it then reads the sample back and records a `semantic` check.
 */
export type GeneratorChoice = { kind: 'schema' } | { kind: 'teacher'; teacher: TeacherSettings; semanticCheck?: boolean };

export interface GenerateParams {
  projectId: string;
  count: number;
  seed: number;
  mix?: SampleMix;
  /** Omitted members keep the synthesizer's defaults (shuffle on, up to 2 distractors, value formats on). Schema generator only. */
  augmentations?: Augmentations;
  locale?: DataLocale;
  generator?: GeneratorChoice;
}

export interface ImportSummary {
  format: DatasetFormat | null;
  /** Samples written to the project. */
  imported: number;
  /** Imported samples whose checks failed (they are stored, to be fixed or rejected). */
  failingChecks: number;
  /** Broken or unknown records, with 1-based line numbers; they never stop the rest. */
  problems: ImportProblem[];
  /** Tools the samples use that the project lacks; offer them through `tools.commitImport`. */
  missingTools: ToolDefinition[];
  /** Where the time went, in milliseconds of each phase's own work (they overlap: writing batch n while verifying n+1). */
  timings?: ImportTimings;
}

export interface ImportTimings {
  /** Reading the staged file. */
  readMs: number;
  /** Detecting, parsing and classifying every record. */
  parseMs: number;
  /** Verifying every sample and computing what is stored with it. */
  verifyMs: number;
  /** The SQLite transactions in main. */
  writeMs: number;
}

export interface DatasetVersion {
  id: string;
  projectId: string;
  name: string;
  createdAt: string;
  /** sha256 (hex) of the canonical JSON of the ordered `{sample, split}` list. */
  contentHash: string;
  sampleCount: number;
  trainCount: number;
  evalCount: number;
}

export interface CountEntry {
  key: string;
  count: number;
}

/** Samples sharing one dedupe key: the same user turns and calls once normalized. */
export interface ExactDuplicates {
  sampleIds: number[];
  firstUserText: string;
}

/** A group of exact or near duplicates (MinHash similarity over user turns and calls). */
export interface DuplicateGroup {
  kind: 'exact' | 'near';
  /** Ascending; the first is the one to keep. */
  sampleIds: number[];
  /** Lowest estimated similarity to the first sample (1 for exact groups). */
  similarity: number;
  firstUserText: string;
}

export const DUPLICATE_GROUPS_MAX = 500;

export interface DataStats {
  total: number;
  byStatus: CountEntry[];
  byKind: CountEntry[];
  byTool: CountEntry[];
  /** Failing samples per check name. */
  byFailedCheck: CountEntry[];
  bySplit: CountEntry[];
  /** Per-argument value counts and warnings (a dominant value, a tool never called, the no-call share). */
  perArgument: ArgumentBalance[];
  warnings: BalanceWarning[];
  /** Largest groups first, at most 100. */
  duplicates: ExactDuplicates[];
}

/** Alpaca rows are read, not written: they cannot carry a conversation's structure. */
export type DataExportFormat = Exclude<DatasetFormat, 'alpaca'>;
export const DATA_EXPORT_FORMATS: readonly DataExportFormat[] = ['openai', 'sharegpt', 'llamafactory', 'glaive', 'xlam', 'bfcl'];
export const DATA_IMPORT_FORMATS: readonly DatasetFormat[] = [...DATA_EXPORT_FORMATS, 'alpaca'];

export interface ExportedFile {
  fileName: string;
  text: string;
}

export interface DataExport extends ExportedFile {
  /** Companion files: `dataset_info.json` for ShareGPT, the possible-answer file for BFCL. */
  extraFiles: ExportedFile[];
}

const CHECK_NAMES: readonly CheckName[] = ['format', 'tool_exists', 'arguments', 'missing_argument', 'no_call', 'semantic'];

export const GENERATE_COUNT_MAX = 100_000;
export const TEACHER_SEQUENCES_MAX = 16;
export const TEACHER_CONCURRENCY_MAX = 32;
/** One `text` or `uploadChunk` part, in UTF-16 units (`string.length`); well below the transport's message limit even when escaped. */
export const DATA_TEXT_CHUNK_MAX = 2_000_000;
/** Total UTF-8 bytes of one staged upload; the text still fits in one JavaScript string. */
export const DATA_UPLOAD_MAX = 500_000_000;
export const LIST_LIMIT_MAX = 500;
export const BULK_IDS_MAX = 100_000;

const id = schema.id();
const sampleId = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
const sampleIds = { type: 'array', items: sampleId, minItems: 1, maxItems: BULK_IDS_MAX };
const status = { enum: [...SAMPLE_STATUSES] };
const kindName = { enum: [...SAMPLE_KINDS] };
const name = schema.string(80, 1);
/**
 * Its length is checked by the data service (`text.length`): ajv's `maxLength` counts code points one by one, 0.6 s
 * for the 100 parts of a 200 MB import.
 */
const chunk = { type: 'string' };
/** Deep structure is checked by `parseSample` in main; this only bounds the payload's shape. */
const samplePayload = {
  type: 'object',
  properties: { messages: { type: 'array', maxItems: 256 }, tools: { type: 'array', maxItems: 256 } },
  required: ['messages'],
};
const temperature = { type: 'number', minimum: 0, maximum: 2 };
const teacherSettings = {
  oneOf: [
    schema.object(
      {
        kind: { const: 'local' },
        modelPath: schema.string(4096, 1),
        contextSize: { type: 'integer', minimum: 512, maximum: 131_072 },
        sequences: { type: 'integer', minimum: 1, maximum: TEACHER_SEQUENCES_MAX },
        temperature,
      },
      ['kind', 'modelPath'],
    ),
    schema.object(
      {
        kind: { const: 'endpoint' },
        baseUrl: { type: 'string', minLength: 1, maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' },
        model: schema.string(256, 1),
        apiKey: schema.string(4096),
        concurrency: { type: 'integer', minimum: 1, maximum: TEACHER_CONCURRENCY_MAX },
        temperature,
        timeoutMs: { type: 'integer', minimum: 1000, maximum: 3_600_000 },
      },
      ['kind', 'baseUrl', 'model'],
    ),
  ],
};
const generator = {
  oneOf: [
    schema.object({ kind: { const: 'schema' } }),
    schema.object({ kind: { const: 'teacher' }, teacher: teacherSettings, semanticCheck: { type: 'boolean' } }, ['kind', 'teacher']),
  ],
};
const filter = schema.object(
  {
    tool: schema.string(256, 1),
    kind: { enum: [...SAMPLE_KINDS, 'unknown'] },
    status,
    failedCheck: { enum: [...CHECK_NAMES, 'any'] },
    text: schema.string(200, 1),
    split: { enum: ['train', 'eval', 'none'] },
  },
  [],
);

export const dataContract = {
  /**
   * Starts synthesis against the project's tools: schema-driven (deterministic for a seed) or by a
   * teacher model (the plan of sample i, its kind and tools, is deterministic for a seed).
   */
  generate: method<GenerateParams, { jobId: string }>(
    schema.object(
      {
        projectId: id,
        count: { type: 'integer', minimum: 1, maximum: GENERATE_COUNT_MAX },
        seed: { type: 'integer', minimum: 0, maximum: 0xffffffff },
        mix: {
          type: 'object',
          propertyNames: kindName,
          additionalProperties: { type: 'number', minimum: 0, maximum: 1000 },
        },
        augmentations: schema.object(
          {
            shuffleTools: { type: 'boolean' },
            distractors: { type: 'integer', minimum: 0, maximum: 8 },
            valueFormats: { type: 'boolean' },
            nameMasking: { type: 'number', minimum: 0, maximum: 1 },
          },
          [],
        ),
        locale: { enum: ['en', 'zh-CN'] },
        generator,
      },
      ['projectId', 'count', 'seed'],
    ),
  ),
  /** Stages one part of a large file; the first call omits `uploadId`. Uploads expire when idle. */
  uploadChunk: method<{ uploadId?: string; text: string }, { uploadId: string; bytes: number }>(
    schema.object({ uploadId: id, text: chunk }, ['text']),
  ),
  /** Imports `text` or a staged upload (exactly one). The format is detected unless given. */
  import: method<
    { projectId: string; text?: string; uploadId?: string; fileName?: string; format?: DatasetFormat },
    { jobId: string }
  >(
    schema.object(
      { projectId: id, text: chunk, uploadId: id, fileName: schema.string(255), format: { enum: [...DATA_IMPORT_FORMATS] } },
      ['projectId'],
    ),
  ),
  /**
   * Continues an interrupted or cancelled generate job from where it stopped, with the same seed.
   * A teacher endpoint's API key is kept in memory only: after a restart pass it again.
   */
  resumeJob: method<{ jobId: string; teacherApiKey?: string }, JobInfo>(schema.object({ jobId: id, teacherApiKey: schema.string(4096) }, ['jobId'])),
  list: method<
    { projectId: string; offset: number; limit: number; filter?: SampleFilter; sort?: SampleSort },
    { total: number; rows: SampleRow[] }
  >(
    schema.object(
      {
        projectId: id,
        offset: { type: 'integer', minimum: 0, maximum: 10_000_000 },
        limit: { type: 'integer', minimum: 1, maximum: LIST_LIMIT_MAX },
        filter,
        sort: { enum: ['seq', 'seq-desc', 'updated-desc'] },
      },
      ['projectId', 'offset', 'limit'],
    ),
  ),
  get: method<{ projectId: string; sampleId: number }, StoredSample>(schema.object({ projectId: id, sampleId })),
  /** Live validation for the editor: structure, then every check, nothing saved. */
  verify: method<{ projectId: string; sample: unknown }, { checks: SampleCheck[] }>(
    schema.object({ projectId: id, sample: samplePayload }),
  ),
  /** Saves an edited sample and verifies it again; a structurally broken sample is refused. */
  update: method<{ projectId: string; sampleId: number; sample: unknown }, StoredSample>(
    schema.object({ projectId: id, sampleId, sample: samplePayload }),
  ),
  setStatus: method<
    { projectId: string; sampleIds: number[]; status: SampleStatus },
    { changed: number; undoToken: string | null }
  >(schema.object({ projectId: id, sampleIds, status })),
  /** `undoToken` is null when the change was too large to keep for undo. */
  deleteSamples: method<{ projectId: string; sampleIds: number[] }, { deleted: number; undoToken: string | null }>(
    schema.object({ projectId: id, sampleIds }),
  ),
  /** Reverts the change behind a token of `setStatus` or `deleteSamples`; a token works once. */
  undo: method<{ projectId: string; undoToken: string }, { restored: number }>(
    schema.object({ projectId: id, undoToken: id }),
  ),
  /**
   * Exact and near duplicates among the live samples, largest groups first (at most 500). Reads
   * every sample, seconds at 100,000: ask on demand, not on every change.
   */
  duplicates: method<{ projectId: string; threshold?: number }, { groups: DuplicateGroup[] }>(
    schema.object({ projectId: id, threshold: { type: 'number', minimum: 0.5, maximum: 1 } }, ['projectId']),
  ),
  /** Counts of the live samples, or of a frozen version. */
  stats: method<{ projectId: string; versionId?: string }, DataStats>(
    schema.object({ projectId: id, versionId: id }, ['projectId']),
  ),
  /**
   * Stratified (by kind and first tool) train/eval split of the samples that are not rejected.
   * Samples already in a frozen version keep their split, so a used eval set never changes.
   */
  split: method<
    { projectId: string; evalFraction: number; seed: number },
    { train: number; eval: number; locked: number }
  >(
    schema.object({
      projectId: id,
      evalFraction: { type: 'number', minimum: 0, maximum: 0.9 },
      seed: { type: 'integer', minimum: 0, maximum: 0xffffffff },
    }),
  ),
  /**
   * Snapshots the samples that are not rejected and pass their checks, in order, with their split
   * (unassigned ones become train). Later edits never change a version.
   */
  freeze: method<{ projectId: string; name: string }, DatasetVersion>(schema.object({ projectId: id, name })),
  versions: method<{ projectId: string }, DatasetVersion[]>(schema.object({ projectId: id })),
  /** Exports a version, or without `versionId` the samples a freeze would take now. */
  export: method<{ projectId: string; format: DataExportFormat; versionId?: string }, DataExport>(
    schema.object({ projectId: id, format: { enum: [...DATA_EXPORT_FORMATS] }, versionId: id }, ['projectId', 'format']),
  ),
  didChange: event<{ projectId: string }>(),
};

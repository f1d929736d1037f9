import type { JsonSchemaObject } from '../tools/types';
import type { JobState } from './jobs';
import { event, method, schema } from './spec';

/**
 * The Export step: a run's adapter merged into its base (`llama-export-lora`), quantized (`llama-quantize`) to
 * the types the user picks, packaged for llama.cpp, Ollama and LM Studio in one folder with a README card and
 * the SHA-256 of every file, then evaluated (the quality gate) next to base and tuned. An export is a job of the
 * jobs service (progress, cancel); its record lives in the project.
 */

/** `F16` keeps the merged weights unquantized; the K-quants need row widths that are multiples of 256. */
export const QUANT_TYPES = ['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q8_0', 'F16'] as const;
export type QuantType = (typeof QUANT_TYPES)[number];

/**
 * - `gguf`: the merged model in each chosen type;
 * - `adapter`: the adapter GGUF alone with the base it needs beside it (applied at run time);
 * - `ollama`: a Modelfile per file with an explicit tool-calling TEMPLATE and the `ollama create` commands;
 * - `llama-server`: the `llama-server --jinja` command lines;
 * - `lmstudio`: the files in LM Studio's `<publisher>/<model>/` folder layout;
 * - `llamafactory`, `axolotl`: the run's frozen dataset and settings as LoRA SFT configs for those trainers, for
 *   bigger bases on bigger machines (they need the base's Hugging Face repository).
 */
export const EXPORT_PACKAGES = ['gguf', 'adapter', 'ollama', 'llama-server', 'lmstudio', 'llamafactory', 'axolotl'] as const;
export type ExportPackage = (typeof EXPORT_PACKAGES)[number];
/** What an export writes when no packages are named: everything that runs the model here and elsewhere. */
export const DEFAULT_EXPORT_PACKAGES: readonly ExportPackage[] = ['gguf', 'adapter', 'ollama', 'llama-server', 'lmstudio'];
/** The packages made of merged model files (they need quantization types). */
export const MODEL_PACKAGES: readonly ExportPackage[] = ['gguf', 'ollama', 'llama-server', 'lmstudio'];

export interface ExportParams {
  projectId: string;
  /** Default: the project's newest finished run. */
  runId?: string;
  /** Export this kept checkpoint's adapter instead of the run's final one. */
  checkpointStep?: number;
  /** Default: `Q4_K_M` and `Q8_0`. Needed by the MODEL_PACKAGES. */
  quants?: QuantType[];
  /** Default: DEFAULT_EXPORT_PACKAGES. */
  packages?: ExportPackage[];
  /** The base's Hugging Face repository for the training configs; default: the catalogue's, when the base came from it. */
  hfRepo?: string;
  /** Where the export's folder is made; default: the project's `exports` folder. */
  outDir?: string;
  /** Run the project's evaluation on every output (default true). */
  gate?: boolean;
  /** Default: cores - 1. */
  threads?: number;
}

/** What an export will write, before it starts. */
export interface ExportEstimate {
  /** The merged file and every quantized one, in bytes (llama-quantize's own dry run). */
  files: Array<{ quant: QuantType; bytes: number }>;
  /** The adapter (and the base copied beside it) when `adapter` is packaged. */
  adapterBytes: number;
  totalBytes: number;
  /** Free space where the export goes. */
  freeBytes: number;
  /** Things to know first: a quantized base is re-quantized by the merge, K-quant fallbacks, … */
  warnings: string[];
}

export interface ExportFile {
  /** Path inside the export's folder (`/`-separated). */
  name: string;
  role: 'model' | 'adapter' | 'base' | 'modelfile' | 'commands' | 'training-config' | 'training-data' | 'readme' | 'checksums';
  quant: QuantType | null;
  bytes: number;
  /** Every file but `SHA256SUMS` itself. */
  sha256: string | null;
}

/** A tensor that did not get the requested type (a K-quant needs rows of 256). */
export interface QuantFallback {
  quant: QuantType;
  tensor: string;
  /** The type it got instead. */
  type: string;
}

export interface ExportRecord {
  id: string;
  projectId: string;
  jobId: string;
  state: JobState;
  message: string | null;
  runId: string | null;
  runSeq: number | null;
  checkpointStep: number | null;
  /** The model's name in packages (`<project>-run<seq>`). */
  name: string;
  dir: string;
  quants: QuantType[];
  packages: ExportPackage[];
  files: ExportFile[];
  fallbacks: QuantFallback[];
  warnings: string[];
  /** The quality gate's evaluation job, once started; its scores are the Evaluate step's results of that job. */
  evalJobId: string | null;
  seconds: number | null;
  createdAt: string;
}

const id = schema.id();
const exportFields: Record<string, JsonSchemaObject> = {
  projectId: id,
  runId: id,
  checkpointStep: { type: 'integer', minimum: 0, maximum: 100_000_000 },
  quants: { type: 'array', items: { enum: [...QUANT_TYPES] }, minItems: 1, maxItems: QUANT_TYPES.length, uniqueItems: true },
  packages: { type: 'array', items: { enum: [...EXPORT_PACKAGES] }, minItems: 1, maxItems: EXPORT_PACKAGES.length, uniqueItems: true },
  outDir: schema.string(4096, 1),
  hfRepo: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$' },
  gate: { type: 'boolean' },
  threads: { type: 'integer', minimum: 1, maximum: 512 },
};

export const exportContract = {
  /** The sizes an export would write and what to know first; nothing is written. */
  estimate: method<ExportParams, ExportEstimate>(schema.object(exportFields, ['projectId'])),
  /** Starts an export job; returns at once. */
  start: method<ExportParams, { jobId: string; exportId: string }>(schema.object(exportFields, ['projectId'])),
  /** The project's exports, newest first. */
  list: method<{ projectId: string }, ExportRecord[]>(schema.object({ projectId: id })),
  get: method<{ exportId: string }, ExportRecord>(schema.object({ exportId: id })),
  didChange: event<{ projectId: string }>(),
};

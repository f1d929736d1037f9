import type { JobState } from './jobs';
import { event, method, schema } from './spec';

/**
 * The Train step: LoRA runs of the native trainer on a frozen dataset version and a base from the models
 * library. A run outlives the process that started it: the trainer runs detached and appends its progress
 * to a file in the run's folder; whoever starts next re-attaches to it, or finds it interrupted and resumable.
 */

/** The trainer's LoRA modules (native/README.md); `output` needs a separate output head. */
export const LORA_TARGETS = ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down', 'output'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface TrainSettings {
  /** LoRA rank: capacity of the adapter. */
  rank: number;
  /** LoRA alpha: the adapter's output is scaled by alpha / rank. */
  alpha: number;
  targets: LoraTarget[];
  /** Peak AdamW learning rate (cosine schedule after a linear warmup). */
  learningRate: number;
  warmupSteps: number;
  epochs: number;
  /** Stop after this many steps (rounded up to whole windows); null: the epochs decide. */
  maxSteps: number | null;
  /** Tokens per training window; samples are packed whole into windows, longer ones are cut. */
  contextLength: number;
  seed: number;
  /** A checkpoint every N steps (a stop always writes one). */
  checkpointEvery: number;
  keepCheckpoints: number;
  /** CPU threads for the trainer. */
  threads: number;
  /** Refuse to start when more than this share of samples fails to render (0.02 = 2%). */
  maxExcludedShare: number;
  /** Where the trainer computes (default `auto`: the first GPU backend that loads, else the CPU). */
  backend?: TrainBackend;
}

/** `auto`: CUDA, then Vulkan (Metal on Apple), else the CPU; a GPU backend that does not load falls back to the CPU. */
export const TRAIN_BACKENDS = ['auto', 'cuda', 'vulkan', 'metal', 'cpu'] as const;
export type TrainBackend = (typeof TRAIN_BACKENDS)[number];

/** The device the trainer computes on, as it reports it. */
export interface TrainingDevice {
  /** ggml's backend name: `CPU`, `CUDA`, `Vulkan`, `Metal`. */
  backend: string;
  name: string;
  description: string;
  /** 0 when the backend does not say. */
  memoryBytes: number;
  /** Why the GPU backend asked for (or tried by `auto`) is not used; null when none was passed over. */
  fallback: string | null;
}

/** `preparing`: rendering the dataset; `training`: the trainer runs. Only while the run's state is `running`. */
export type RunPhase = 'preparing' | 'training';

export interface RunLive {
  step: number;
  totalSteps: number;
  loss: number | null;
  valLoss: number | null;
  tokensPerSecond: number | null;
  etaSeconds: number | null;
  memoryBytes: number | null;
}

export interface RunArtifact {
  kind: 'adapter' | 'checkpoint';
  path: string;
  step: number;
  sha256: string;
}

/** What reproduces a run. */
export interface RunRepro {
  baseSha256: string;
  basePath: string;
  datasetHash: string;
  /** sha256 of the rendered train and validation files the trainer read. */
  trainFileSha256: string;
  evalFileSha256: string | null;
  /** The native build's cache key and CMake flags (resources/bin/…/.build-stamp.json). */
  trainerBuildKey: string | null;
  trainerBuildFlags: string[];
  appVersion: string;
}

export interface RunDataSummary {
  trainSamples: number;
  evalSamples: number;
  excludedSamples: number;
  trainTokens: number;
  targetTokens: number;
  longestSample: number;
}

export interface TrainingRun extends RunLive {
  id: string;
  projectId: string;
  seq: number;
  state: JobState;
  phase: RunPhase | null;
  modelId: string | null;
  versionId: string | null;
  settings: TrainSettings;
  data: RunDataSummary | null;
  repro: RunRepro | null;
  artifacts: RunArtifact[];
  /** What went wrong, or where a stopped run stands, in words; null while all is well. */
  message: string | null;
  /** The trainer's error code (`out_of_memory`, `diverged`, …) when it failed. */
  errorCode: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RunDetail extends TrainingRun {
  /** One point per step that reported a loss; val where validation ran. */
  curve: Array<{ step: number; loss: number | null; valLoss: number | null }>;
  /** Samples longer than the window, cut by the trainer (their ends, often the answers, are not trained); null before it starts. */
  truncatedSamples: number | null;
  /** Where the trainer computes, from its latest start (a resume may land elsewhere); null before it starts. */
  device: TrainingDevice | null;
  /** The last lines of the trainer's log. */
  logTail: string[];
  excluded: Array<{ sampleId: number; split: 'train' | 'eval'; reason: string }>;
  /** The first train sample as rendered, with its trained spans marked. */
  preview: { sampleId: number; pieces: Array<{ text: string; trained: boolean }> } | null;
}

export interface RunProgress extends RunLive {
  runId: string;
  projectId: string;
  state: JobState;
  phase: RunPhase | null;
}

/** A run's cost, measured by a short warm-up on its own data and settings. */
export interface TrainEstimate {
  /** Peak resident memory of the trainer during the warm-up (the run's steady state). */
  peakMemoryBytes: number;
  /** Memory the system has available now. */
  availableMemoryBytes: number;
  fits: boolean;
  /** What to change when it does not fit (or would be slow), in words; null otherwise. */
  suggestion: string | null;
  secondsPerStep: number;
  stepsPerEpoch: number;
  totalSteps: number;
  estimatedSeconds: number;
  warmupSteps: number;
  data: RunDataSummary;
  /** Samples longer than the window: the trainer cuts their ends (often the answers). */
  longerThanWindow: number;
  contextLength: number;
}

export interface HardwareInfo {
  cpuThreads: number;
  /** Threads a run gets by default (one core left to the app). */
  trainerThreads: number;
  totalMemoryBytes: number;
  availableMemoryBytes: number;
  /** node-llama-cpp's GPU backend on this machine (`cuda`, `vulkan`, `metal`), or null for none. */
  gpuBackend: string | null;
  gpus: string[];
  vramTotalBytes: number;
  vramFreeBytes: number;
  /** Where a run with the default backend would train, as the trainer says; null when it is not built or cannot say. */
  trainingDevice: TrainingDevice | null;
  /** Why `trainingDevice` is null. */
  trainingDeviceError: string | null;
}

const id = schema.id();
const runId = schema.object({ runId: id });
const settingsSchema = schema.object(
  {
    rank: { type: 'integer', minimum: 1, maximum: 256 },
    alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1024 },
    targets: { type: 'array', items: { enum: [...LORA_TARGETS] }, minItems: 1, maxItems: LORA_TARGETS.length, uniqueItems: true },
    learningRate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    warmupSteps: { type: 'integer', minimum: 0, maximum: 100_000 },
    epochs: { type: 'integer', minimum: 1, maximum: 100 },
    maxSteps: { anyOf: [{ type: 'integer', minimum: 1, maximum: 10_000_000 }, { type: 'null' }] },
    contextLength: { type: 'integer', minimum: 64, maximum: 131_072 },
    seed: { type: 'integer', minimum: 0, maximum: 0xffffffff },
    checkpointEvery: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    keepCheckpoints: { type: 'integer', minimum: 1, maximum: 100 },
    threads: { type: 'integer', minimum: 1, maximum: 512 },
    maxExcludedShare: { type: 'number', minimum: 0, maximum: 1 },
    backend: { enum: [...TRAIN_BACKENDS] },
  },
  [],
);

export const trainContract = {
  /** Settings suited to the base's size (the project's base unless `modelId` is given). */
  defaults: method<{ projectId: string; modelId?: string }, TrainSettings>(schema.object({ projectId: id, modelId: id }, ['projectId'])),
  /**
   * Renders the version (default: the newest) for the base (default: the project's; the Demo project gets
   * the demo base) and starts the trainer detached. Returns once the run is recorded; preparing continues.
   * `fromRunId` starts from another run's newest kept checkpoint (same rank, alpha and targets).
   */
  start: method<
    { projectId: string; versionId?: string; modelId?: string; settings?: Partial<TrainSettings>; fromRunId?: string },
    TrainingRun
  >(schema.object({ projectId: id, versionId: id, modelId: id, settings: settingsSchema, fromRunId: id }, ['projectId'])),
  /**
   * Renders the version and runs a few trainer steps with these settings to measure peak memory and time per
   * step (seconds to minutes on a large base); nothing is kept.
   */
  estimate: method<{ projectId: string; versionId?: string; modelId?: string; settings?: Partial<TrainSettings> }, TrainEstimate>(
    schema.object({ projectId: id, versionId: id, modelId: id, settings: settingsSchema }, ['projectId']),
  ),
  hardware: method<Record<string, never>, HardwareInfo>(schema.empty()),
  /** Asks the trainer to stop: it finishes the current window, writes a checkpoint and exits. */
  stop: method<{ runId: string }, TrainingRun>(runId),
  /**
   * A LoRA trained elsewhere for a library base, as a finished run: a PEFT folder (adapter_config.json +
   * adapter_model.safetensors, converted to GGUF) or a GGUF adapter. DoRA and modules_to_save are refused.
   */
  importAdapter: method<{ projectId: string; modelId: string; path: string }, TrainingRun>(schema.object({ projectId: id, modelId: id, path: schema.string(4096, 1) })),
  /** Continues a stopped or interrupted run from its newest checkpoint with the same settings. */
  resume: method<{ runId: string }, TrainingRun>(runId),
  runs: method<{ projectId: string }, TrainingRun[]>(schema.object({ projectId: id })),
  run: method<{ runId: string }, RunDetail>(runId),
  /** At most a few per second per run. */
  runProgress: event<RunProgress>(),
  didChange: event<{ projectId: string }>(),
};

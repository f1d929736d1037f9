import { availableParallelism } from 'node:os';
import type { ModelFileInfo } from '../../shared/contract/models';
import type { LoraTarget, TrainSettings } from '../../shared/contract/train';
import { ToolTuneError } from '../../shared/errors';

const BLOCK_TARGETS: LoraTarget[] = ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'];

/** Below this a base is a tiny test model: its random output head must train too (docs/tiny-models.md). */
const TINY_PARAMETERS = 100e6;

/** Threads that leave one core to the app (the UI stays responsive), at least one. */
export function trainerThreads(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/**
 * Settings suited to the base's size. Real bases (0.5B+) get the common LoRA recipe for tool calling: rank 16
 * on every block weight, a small learning rate, two epochs. Tiny generated bases need the attention weights and
 * their (random) output head trained at a far higher rate to move at all.
 */
export function defaultTrainSettings(info: ModelFileInfo): TrainSettings {
  const tiny = info.parameterCount < TINY_PARAMETERS;
  const context = Math.min(info.contextLength ?? 4096, tiny ? 1024 : 2048);
  return {
    rank: 16,
    alpha: 32,
    targets: tiny ? ['attn_q', 'attn_k', 'attn_v', 'attn_output', ...(info.separateOutputHead ? (['output'] as const) : [])] : [...BLOCK_TARGETS],
    learningRate: tiny ? 5e-3 : info.parameterCount < 1e9 ? 2e-4 : 1e-4,
    warmupSteps: tiny ? 10 : 20,
    epochs: tiny ? 1 : 2,
    maxSteps: null,
    contextLength: context,
    seed: 42,
    checkpointEvery: 50,
    keepCheckpoints: 2,
    threads: trainerThreads(),
    maxExcludedShare: 0.02,
    backend: 'auto',
  };
}

/** Refuses settings the base cannot take, naming the setting. */
export function checkSettings(settings: TrainSettings, info: ModelFileInfo): void {
  if (settings.targets.includes('output') && !info.separateOutputHead) {
    throw new ToolTuneError('invalid-input', 'This base shares its output head with the embeddings: remove "output" from the LoRA targets.');
  }
  if (info.contextLength !== null && settings.contextLength > info.contextLength) {
    throw new ToolTuneError('invalid-input', `The window (${settings.contextLength} tokens) is longer than the base's context length (${info.contextLength}).`);
  }
}

import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';

let cpuLlama: Promise<Llama> | null = null;

/**
 * node-llama-cpp on the CPU, loaded once per process: enough to tokenize and render with a model's
 * vocabulary (`vocabOnly` loads), which is all the Train step's data preparation needs.
 */
export function cpuLlamaRuntime(): Promise<Llama> {
  cpuLlama ??= getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  return cpuLlama;
}

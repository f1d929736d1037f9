/**
 * "Get a model": small instruct bases whose chat templates carry a tool-calling format ToolTune renders
 * exactly (docs/trainer.md, Families). F16 or Q8_0 files: they train and merge best. `repo` is the Hugging Face
 * repository the Export step's training configs name; sizes are the files' sizes on the hub, rounded.
 */
export interface CatalogModel {
  id: string;
  name: string;
  /** Hugging Face repository of the original (safetensors) model. */
  repo: string;
  /** What node-llama-cpp's downloader fetches: `hf:<user>/<repo>/<file>`. */
  uri: string;
  sizeBytes: number;
  license: string;
  note: string;
}

const GB = 1e9;

export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    id: 'qwen2.5-0.5b-instruct-f16',
    name: 'Qwen2.5 0.5B Instruct (F16)',
    repo: 'Qwen/Qwen2.5-0.5B-Instruct',
    uri: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-fp16.gguf',
    sizeBytes: 1.27 * GB,
    license: 'Apache-2.0',
    note: 'The smallest good start: trains on a laptop CPU.',
  },
  {
    id: 'qwen2.5-1.5b-instruct-q8_0',
    name: 'Qwen2.5 1.5B Instruct (Q8_0)',
    repo: 'Qwen/Qwen2.5-1.5B-Instruct',
    uri: 'hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q8_0.gguf',
    sizeBytes: 1.89 * GB,
    license: 'Apache-2.0',
    note: 'Better calls, still CPU-friendly; merge into the F16 file for the final export.',
  },
  {
    id: 'llama-3.2-1b-instruct-f16',
    name: 'Llama 3.2 1B Instruct (F16)',
    repo: 'meta-llama/Llama-3.2-1B-Instruct',
    uri: 'hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-f16.gguf',
    sizeBytes: 2.48 * GB,
    license: 'Llama 3.2 Community License',
    note: 'One call per turn (its template refuses parallel calls).',
  },
  {
    id: 'llama-3.2-3b-instruct-q8_0',
    name: 'Llama 3.2 3B Instruct (Q8_0)',
    repo: 'meta-llama/Llama-3.2-3B-Instruct',
    uri: 'hf:bartowski/Llama-3.2-3B-Instruct-GGUF/Llama-3.2-3B-Instruct-Q8_0.gguf',
    sizeBytes: 3.42 * GB,
    license: 'Llama 3.2 Community License',
    note: 'Needs a GPU or patience; one call per turn.',
  },
];

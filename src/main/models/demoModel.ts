/**
 * The Demo project's base: a tiny Qwen2-shaped model (random weights, the real Qwen2.5 tokenizer and
 * chat template), generated on first use. Its loss falls within minutes on 2 cores, which is what the Demo
 * shows; with 3 layers of 64 it learns the call format, not which tool fits which request (docs/tiny-models.md).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeTinyQwen2Model, type TinyModelOptions } from './tinyModel.js';

export const DEMO_MODEL_OPTIONS = {
  layers: 3,
  embd: 64,
  heads: 4,
  kvHeads: 4,
  ff: 128,
  seed: 1,
  ctx: 2048,
  tiedOutput: true,
  ropeFreqBase: 10_000,
  outputNormWeight: 25,
  name: 'ToolTune Demo (tiny Qwen2)',
} as const satisfies TinyModelOptions;

/** The same options give the same bytes, so the file name carries a version to regenerate on change. */
export const DEMO_MODEL_FILE = 'tooltune-demo-v1.gguf';

/** `<modelsDir>/demo/tooltune-demo-v1.gguf`, written once (atomically by the generator). */
export function ensureDemoModelFile(modelsDir: string): string {
  const dir = join(modelsDir, 'demo');
  const path = join(dir, DEMO_MODEL_FILE);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    writeTinyQwen2Model(path, DEMO_MODEL_OPTIONS);
  }
  return path;
}

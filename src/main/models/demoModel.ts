/**
 * The Demo project's base: a tiny Qwen2-shaped model (random weights, the real Qwen2.5 tokenizer and chat
 * template), generated on first use. Its loss falls within minutes on 2 cores, which is what the Demo shows.
 *
 * A random 3×64 model cannot learn to copy a word from the request into a call in a demo's budget, which a
 * pretrained base brings along (docs/tiny-models.md). So its first two layers are built as a pretrained model's
 * copy and previous-token heads: layer 0 attends to the token `DEMO_COPY_DISTANCE` back — from the argument slot
 * of `get_weather(city)` to the quoted city that ends a Demo request — and layer 1 to the 1–4 tokens before.
 * What the tuned demo model learns and what it cannot: docs/evaluate.md.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeTinyQwen2Model, type TinyModelOptions } from './tinyModel.js';

/**
 * Tokens from the quoted city at the end of a Demo request to the slot of `{"city": "` in the call (the Qwen2.5
 * template's turn ends, `<tool_call>` and the call's JSON up to the slot); demoModel.test.ts checks it on rendered
 * Demo samples.
 */
export const DEMO_COPY_DISTANCE = 22;

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
  fixedAttention: [
    { offsets: [DEMO_COPY_DISTANCE, DEMO_COPY_DISTANCE, DEMO_COPY_DISTANCE, DEMO_COPY_DISTANCE], strength: 0.1 },
    { offsets: [1, 2, 3, 4], strength: 0.05 },
  ],
  name: 'ToolTune Demo (tiny Qwen2)',
} as const satisfies TinyModelOptions;

/** The same options give the same bytes, so the file name carries a version to regenerate on change. */
export const DEMO_MODEL_FILE = 'tooltune-demo-v2.gguf';

/** `<modelsDir>/demo/tooltune-demo-v2.gguf`, written once (atomically by the generator). */
export function ensureDemoModelFile(modelsDir: string): string {
  const dir = join(modelsDir, 'demo');
  const path = join(dir, DEMO_MODEL_FILE);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    writeTinyQwen2Model(path, DEMO_MODEL_OPTIONS);
  }
  return path;
}

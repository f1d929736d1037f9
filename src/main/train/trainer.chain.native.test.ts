/**
 * Output chain: trained adapter -> llama-export-lora merge -> llama-quantize, checked with node-llama-cpp;
 * and training on F16 / BF16 / Q8_0 bases and --full.
 * Skipped (with the reason) only when the native binaries are not built.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLlama, LlamaCompletion, LlamaLogLevel, type Llama, type LlamaContextOptions } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TtdsHeader } from './datasetFile.js';
import { nativeToolPath } from './trainerProcess.js';
import { makeTinyModel, nativeBinDir, nativeSkipReason, runTrainer, syntheticSamples, vocabOfModel, writeDataset } from './trainerTestKit.js';

const d = nativeSkipReason ? describe.skip : describe;
if (nativeSkipReason) console.warn(`[trainer.chain.native.test] skipped: ${nativeSkipReason}`);

let dir = '';
let model = '';
let data = '';
let vocab: TtdsHeader = { nVocab: 0, vocabHash: 0n };
let llama: Llama | null = null;

const tool = (name: string, args: string[]): string =>
  execFileSync(nativeToolPath(nativeBinDir!, name), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

async function greedy(modelPath: string, prompt: string, lora?: string): Promise<string> {
  llama ??= await getLlama({ gpu: false, logLevel: LlamaLogLevel.error });
  const m = await llama.loadModel({ modelPath });
  try {
    const options: LlamaContextOptions = { contextSize: 256, threads: 2 };
    if (lora) options.lora = { adapters: [{ filePath: lora }] };
    const ctx = await m.createContext(options);
    try {
      const completion = new LlamaCompletion({ contextSequence: ctx.getSequence() });
      return await completion.generateCompletion(prompt, { maxTokens: 12, temperature: 0 });
    } finally {
      await ctx.dispose();
    }
  } finally {
    await m.dispose();
  }
}

beforeAll(() => {
  if (nativeSkipReason) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'tt-chain-'));
  model = makeTinyModel(dir);
  vocab = vocabOfModel(model);
  data = writeDataset(path.join(dir, 'train.ttds'), vocab, syntheticSamples({ samples: 3, seed: 31, promptMin: 35, promptMax: 50 }));
}, 60_000);

afterAll(async () => {
  await llama?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const FAST = { ctx: 64, threads: 1, rank: 8, alpha: 16, seed: 1 } as const;

d('trained adapter through the output chain', () => {
  it('merge with llama-export-lora = base + adapter at run time; quantized merges load and answer', async () => {
    const adapter = path.join(dir, 'adapter.gguf');
    // a large step size so the adapter visibly changes the model
    const r = await runTrainer({ model, data, out: adapter, ...FAST, targets: ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down', 'output'], lr: 2e-2, epochs: 1 });
    expect(r.exitCode, r.stderrTail).toBe(0);

    const merged = path.join(dir, 'merged.gguf');
    tool('llama-export-lora', ['-m', model, '--lora', adapter, '-o', merged, '-t', '2']);
    expect(existsSync(merged)).toBe(true);

    const prompt = 'The tool call is';
    const base = await greedy(model, prompt);
    const withAdapter = await greedy(model, prompt, adapter);
    const fromMerged = await greedy(merged, prompt);
    expect(fromMerged).toBe(withAdapter);
    expect(withAdapter).not.toBe(base); // the adapter does something

    for (const type of ['Q8_0', 'Q4_K_M']) {
      const q = path.join(dir, `merged-${type}.gguf`);
      // tiny model rows are 64 wide: Q4_K needs multiples of 256, llama-quantize falls back per tensor (documented)
      tool('llama-quantize', [merged, q, type, '2']);
      expect(readFileSync(q).subarray(0, 4).toString('latin1')).toBe('GGUF');
      const answer = await greedy(q, prompt);
      expect(typeof answer).toBe('string');
    }
  }, 500_000);
});

d('bases other than F32', () => {
  it('F16, BF16 (upcast) and Q8_0 bases train a LoRA', async () => {
    const f16 = makeTinyModel(dir, 'tiny-f16.gguf', { weightType: 'F16' });
    const bf16 = path.join(dir, 'tiny-bf16.gguf');
    tool('llama-quantize', [model, bf16, 'BF16', '2']);
    const q8 = path.join(dir, 'tiny-q8.gguf');
    tool('llama-quantize', [model, q8, 'Q8_0', '2']);
    for (const [name, base] of [['f16', f16], ['bf16', bf16], ['q8_0', q8]] as const) {
      const out = path.join(dir, `lora-${name}.gguf`);
      const r = await runTrainer({ model: base, data, out, ...FAST, targets: ['attn_q', 'attn_v', 'output'], lr: 1e-3, maxSteps: 2 });
      expect(r.exitCode, `${name}: ${r.stderrTail}`).toBe(0);
      expect(r.done?.steps).toBe(2);
      expect(existsSync(out)).toBe(true);
    }
    // the BF16 upcast copy is temporary
    expect(existsSync(path.join(dir, '.tooltune-upcast-f32.gguf'))).toBe(false);
  }, 400_000);

  it('--full trains the F32 weights and writes a loadable model', async () => {
    const out = path.join(dir, 'full.gguf');
    const r = await runTrainer({ model, data, out, ...FAST, full: true, lr: 1e-3, maxSteps: 2 });
    expect(r.exitCode, r.stderrTail).toBe(0);
    expect(r.done?.model).toBe(out);
    const answer = await greedy(out, 'hello');
    expect(typeof answer).toBe('string');
  }, 300_000);
});

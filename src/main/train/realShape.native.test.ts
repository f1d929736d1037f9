/**
 * The trainer on a model of real shape: a generated Qwen2.5-0.5B-shaped base (24 layers x 896, 14 heads / 2 KV
 * heads, FFN 4864, 151,936-token vocabulary, head shared with the embeddings) trains a few LoRA steps on CPU as
 * F32, F16 and Q8_0, and each adapter loads in node-llama-cpp and moves the model towards what it was trained on.
 * Random weights, so only the mechanics are real: shapes, memory, graph size, tensor types, the adapter path.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLlama, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QWEN25_05B_SHAPE, writeTinyQwen2Model } from '../models/tinyModel.js';
import { runTool } from './nativeTestHarness.js';
import { losses, nativeBinDir, nativeSkipReason, runTrainer, syntheticSamples, vocabOfModel, writeDataset } from './trainerTestKit.js';
import { nativeToolPath } from './trainerProcess.js';

const d = nativeSkipReason ? describe.skip : describe;
if (nativeSkipReason) console.warn(`[realShape.native.test] skipped: ${nativeSkipReason}`);

const TYPES = ['F32', 'F16', 'Q8_0'] as const;

let dir = '';
let llama: Llama;
const bases = new Map<string, string>();
// one 29-token sample, twice (one 32-token window each): a LoRA at a high learning rate fits it within two steps
const [sample] = syntheticSamples({ samples: 1, seed: 5, promptMin: 24, promptMax: 24 });
const prompt = Array.from(sample!.tokens).slice(0, 24) as Token[];
const firstAnswerToken = sample!.tokens[24] as Token;

beforeAll(async () => {
  if (nativeSkipReason) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'tt-real-shape-'));
  const f32 = path.join(dir, 'base-f32.gguf');
  writeTinyQwen2Model(f32, { ...QWEN25_05B_SHAPE, seed: 1 });
  bases.set('F32', f32);
  for (const type of ['F16', 'Q8_0']) {
    const out = path.join(dir, `base-${type.toLowerCase()}.gguf`);
    const r = await runTool(nativeToolPath(nativeBinDir!, 'llama-quantize'), [f32, out, type], { timeoutMs: 300_000 });
    expect(r.code, r.stderr.slice(-1500)).toBe(0);
    bases.set(type, out);
  }
  llama = await getLlama({ gpu: false, build: 'never' });
}, 600_000);

afterAll(async () => {
  await llama?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Probability of the sample's first answer token right after its prompt. */
async function answerProbability(model: LlamaModel, adapter?: string): Promise<number> {
  const context = await model.createContext({ contextSize: 128, threads: 2, ...(adapter ? { lora: { adapters: [{ filePath: adapter }] } } : {}) });
  try {
    const sequence = context.getSequence();
    for await (const out of sequence.evaluateWithMetadata(prompt, { probabilities: true }, { temperature: 0 })) {
      return out.probabilities.get(firstAnswerToken) ?? 0;
    }
    throw new Error('no token was generated');
  } finally {
    await context.dispose();
  }
}

d('tooltune-train on a Qwen2.5-0.5B-shaped model', () => {
  it('the F32 base is the real shape and size', () => {
    const bytes = statSync(bases.get('F32')!).size;
    // 494 M parameters x 4 bytes, plus the vocabulary and template
    expect(bytes).toBeGreaterThan(1.97e9);
    expect(bytes).toBeLessThan(2.0e9);
  });

  for (const type of TYPES) {
    it(`trains a LoRA on the ${type} base, and the adapter loads in node-llama-cpp and changes the output`, async () => {
      const base = bases.get(type)!;
      const work = mkdtempSync(path.join(dir, `${type}-`));
      const data = writeDataset(path.join(work, 'd.ttds'), vocabOfModel(base), [sample!, sample!]);
      const adapter = path.join(work, 'adapter.gguf');
      const r = await runTrainer({ model: base, data, out: adapter, ctx: 32, rank: 8, alpha: 16, lr: 1e-2, schedule: 'constant', epochs: 1, threads: 2, seed: 1 });
      expect(r.exitCode, r.stderrTail).toBe(0);
      const curve = [...losses(r).values()] as number[];
      expect(curve).toHaveLength(2);
      expect(curve[1]!, curve.join(' ')).toBeLessThan(curve[0]!);
      const peakMiB = Math.max(...r.events.map((e) => (e.type === 'progress' ? e.mem_bytes : 0))) / 2 ** 20;
      console.log(`real shape ${type}: loss ${curve.map((l) => l.toFixed(3)).join(' -> ')}, step ${r.done?.elapsed_s?.toFixed(1)}s for 2 steps, RSS ${peakMiB.toFixed(0)} MiB`);

      const model = await llama.loadModel({ modelPath: base });
      try {
        const before = await answerProbability(model);
        const after = await answerProbability(model, adapter);
        console.log(`real shape ${type}: p(first answer token) without the adapter ${before.toExponential(2)}, with it ${after.toExponential(2)}`);
        expect(after, `p(answer) ${before} -> ${after}`).toBeGreaterThan(10 * before);
      } finally {
        await model.dispose();
      }
    }, 600_000);
  }
});

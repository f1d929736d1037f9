/**
 * The trainer on deep models: real bases have 16-36 layers, and the training graph (forward, backward and
 * optimizer step) grows with layers x adapted weights. A 36-layer, 64-wide model keeps the graph as large as a
 * real 36-layer base's while a step takes well under a second, so LoRA on every target plus the output head and
 * `--full` are checked here with the same masking and resume guarantees as on the 2-layer model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGgufFile } from '../models/gguf/index.js';
import {
  expectMaskedPositionsIgnored,
  expectStopResumeBitExact,
  losses,
  makeTinyModel,
  nativeSkipReason,
  runTrainer,
  syntheticSamples,
  vocabOfModel,
  writeDataset,
  type RunOptions,
} from './trainerTestKit.js';

const d = nativeSkipReason ? describe.skip : describe;
if (nativeSkipReason) console.warn(`[trainer.deep.native.test] skipped: ${nativeSkipReason}`);

const LAYERS = 36;
const BLOCK_TARGETS = ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'];
const LORA_ALL: RunOptions = { ctx: 64, threads: 1, rank: 4, alpha: 8, targets: [...BLOCK_TARGETS, 'output'], lr: 1e-3 };
const FULL: RunOptions = { ctx: 64, threads: 1, full: true, lr: 1e-4 };

let dir = '';
let model = '';

beforeAll(() => {
  if (nativeSkipReason) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'tt-deep-'));
  model = makeTinyModel(dir, 'deep.gguf', { layers: LAYERS });
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh sub-directory per test: the shared checks use fixed file names. */
function subdir(name: string): string {
  return mkdtempSync(path.join(dir, `${name}-`));
}

d(`tooltune-train on a ${LAYERS}-layer model`, () => {
  it('LoRA on every block weight and the output head: an adapter for all of them, and the loss falls', async () => {
    const work = subdir('lora');
    const data = writeDataset(path.join(work, 'learn.ttds'), vocabOfModel(model), syntheticSamples({ samples: 4, seed: 3, promptMin: 20, promptMax: 30 }));
    const out = path.join(work, 'adapter.gguf');
    const r = await runTrainer({ model, data, out, ...LORA_ALL, lr: 1e-2, epochs: 4, seed: 1, schedule: 'constant' });
    expect(r.exitCode, r.stderrTail).toBe(0);
    const names = new Set(readGgufFile(out).tensors.map((t) => t.name));
    expect(names.size).toBe(2 * (LAYERS * BLOCK_TARGETS.length + 1));
    expect(names).toContain(`blk.${LAYERS - 1}.ffn_down.weight.lora_b`);
    expect(names).toContain('output.weight.lora_a');
    const curve = [...losses(r).values()] as number[];
    const start = r.events[0];
    const perEpoch = start?.type === 'start' ? start.steps_per_epoch : 0;
    expect(perEpoch).toBeGreaterThan(0);
    expect(curve).toHaveLength(4 * perEpoch);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // the same windows every epoch: the last epoch's mean loss is well below the first's
    expect(mean(curve.slice(-perEpoch)), curve.map((l) => l.toFixed(2)).join(' ')).toBeLessThan(mean(curve.slice(0, perEpoch)) - 1);
  }, 300_000);

  it('LoRA: masked positions change nothing', async () => {
    await expectMaskedPositionsIgnored(model, subdir('lora-mask'), { ...LORA_ALL, epochs: 1, seed: 5, lr: 5e-3 });
  }, 300_000);

  it('LoRA: stop (stdin and SIGTERM) + resume reproduces the uninterrupted run bit-exactly', async () => {
    await expectStopResumeBitExact(model, subdir('lora-resume'), LORA_ALL);
  }, 300_000);

  it('--full: masked positions change nothing', async () => {
    await expectMaskedPositionsIgnored(model, subdir('full-mask'), { ...FULL, epochs: 1, seed: 5 });
  }, 300_000);

  it('--full: stop + resume reproduces the uninterrupted run bit-exactly, and the model keeps the base metadata', async () => {
    const work = subdir('full-resume');
    await expectStopResumeBitExact(model, work, FULL);
    // the vocabulary with its token types as in the base (llama.cpp's own model saver would rewrite them)
    const tokenTypes = (file: string) => readGgufFile(file, { metadataOnly: true }).metadata.get('tokenizer.ggml.token_type');
    expect(tokenTypes(path.join(work, 'resume-full.gguf'))).toEqual(tokenTypes(model));
  }, 300_000);

  it('gradient accumulation (several micro-batches per step) trains too', async () => {
    const work = subdir('accumulate');
    const data = writeDataset(path.join(work, 'acc.ttds'), vocabOfModel(model), syntheticSamples({ samples: 2, seed: 4, promptMin: 20, promptMax: 30 }));
    const r = await runTrainer({ model, data, out: path.join(work, 'a.gguf'), ...LORA_ALL, batch: 32, ubatch: 16, maxSteps: 1 });
    expect(r.exitCode, r.stderrTail).toBe(0);
    // --max-steps is rounded up to the window's two steps
    expect(r.done?.steps).toBe(2);
  }, 300_000);
});

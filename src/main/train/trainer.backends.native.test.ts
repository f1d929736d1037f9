/**
 * The trainer on backends loaded at run time: our CPU backend beside it, or node-llama-cpp's prebuilt one, which
 * knows nothing of our patches. Masking and loss weighting live in the graph our patched core builds, so the
 * unpatched prebuilt backend must train the same (the mechanism a prebuilt CUDA or Vulkan backend goes through).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempServices } from '../testing/tempServices.js';
import { deviceOf, prebuiltBackendDir, prebuiltPackages, probeTrainingDevice } from './trainerBackends.js';
import { nativeToolPath, type TrainerEvent } from './trainerProcess.js';
import {
  expectMaskedPositionsIgnored,
  losses,
  makeTinyModel,
  nativeBinDir,
  nativeSkipReason,
  runTrainer,
  syntheticSamples,
  vocabOfModel,
  writeDataset,
  type RunOptions,
} from './trainerTestKit.js';

const prebuiltCpu = prebuiltBackendDir(prebuiltPackages().at(-1) ?? '');
const skipReason = nativeSkipReason ?? (prebuiltCpu ? null : "node-llama-cpp's prebuilt CPU package for this platform is not installed");
const d = skipReason ? describe.skip : describe;
if (skipReason) console.warn(`[trainer.backends.native.test] skipped: ${skipReason}`);

const OPTS: RunOptions = { ctx: 64, threads: 1, rank: 4, alpha: 8, targets: ['attn_q', 'attn_v', 'ffn_down', 'output'], lr: 1e-2, schedule: 'constant' };
/**
 * Largest relative difference per step between the two CPU backends. They compute the same graph, but the prebuilt
 * one picks the best variant for this CPU (AVX-512 here, where ours is built for AVX2), whose dot products sum in
 * another order: float rounding (measured: 2e-5 on 2 layers, 2e-7 on 24), not a different computation, which would
 * show as percent-level gaps.
 */
const LOSS_TOLERANCE = 1e-4;

let dir = '';
const own = () => nativeBinDir as string;

beforeAll(() => {
  if (skipReason) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'tt-backends-'));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function startOf(events: readonly TrainerEvent[]): Extract<TrainerEvent, { type: 'start' }> {
  const start = events.find((event) => event.type === 'start');
  if (start?.type !== 'start') throw new Error('no start line');
  return start;
}

d('tooltune-train backends', () => {
  it('says which device trains, and why a GPU backend it cannot load is passed over', async () => {
    const trainer = nativeToolPath(own(), 'tooltune-train');
    const cpu = await probeTrainingDevice(trainer, 'cpu', [own()]);
    expect(cpu).toMatchObject({ backend: 'CPU', fallback: null });
    expect(cpu.description.length).toBeGreaterThan(0);
    if (existsSync(path.join(own(), 'libggml-cuda.so'))) return; // a CUDA build of our own: nothing to pass over
    const cuda = await probeTrainingDevice(trainer, 'cuda', [own()]);
    expect(cuda.backend).toBe('CPU');
    expect(cuda.fallback).toMatch(/^cuda: no libggml-cuda library/);
  });

  it("tells the Train step's hardware panel where a run with the default backend trains", async () => {
    const env = await createTempServices({ nativeBinDir: own() });
    try {
      const hardware = await env.api.train.hardware({});
      expect(hardware.trainingDeviceError).toBeNull();
      expect(hardware.trainingDevice?.backend).toBe(hardware.gpuBackend === null ? 'CPU' : expect.any(String));
      expect(hardware.trainingDevice?.description.length).toBeGreaterThan(0);
    } finally {
      env.dispose();
    }
  }, 120_000);

  for (const layers of [2, 24]) {
    it(`trains the same on node-llama-cpp's prebuilt CPU backend as on ours (${layers} layers)`, async () => {
      const work = mkdtempSync(path.join(dir, `same-${layers}-`));
      const model = makeTinyModel(work, 'model.gguf', { layers });
      const data = writeDataset(path.join(work, 'learn.ttds'), vocabOfModel(model), syntheticSamples({ samples: 3, seed: 5, promptMin: 20, promptMax: 40 }));
      const run = (name: string, backendDirs: string[]) =>
        runTrainer({ model, data, out: path.join(work, `${name}.gguf`), ...OPTS, epochs: 8, seed: 2, backend: 'cpu', backendDirs });
      const ours = await run('ours', [own()]);
      const prebuilt = await run('prebuilt', [prebuiltCpu as string]);
      expect(ours.exitCode, ours.stderrTail).toBe(0);
      expect(prebuilt.exitCode, prebuilt.stderrTail).toBe(0);
      expect(deviceOf(startOf(prebuilt.events))).toMatchObject({ backend: 'CPU', fallback: null });
      const a = [...losses(ours).values()] as number[];
      const b = [...losses(prebuilt).values()] as number[];
      expect(b).toHaveLength(a.length);
      const worst = Math.max(...a.map((loss, i) => Math.abs(loss - (b[i] as number)) / loss));
      console.log(`[backends] ${layers} layers: ${a.length} steps, loss ${a[0]?.toFixed(4)} -> ${a.at(-1)?.toFixed(4)}, largest relative difference ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(LOSS_TOLERANCE);
      // it learned (the same windows every epoch): the last step's loss is well below the first's
      expect(b.at(-1) as number).toBeLessThan((b[0] as number) - 1);
      expect(readFileSync(path.join(work, 'prebuilt.gguf')).length).toBe(readFileSync(path.join(work, 'ours.gguf')).length);
    }, 300_000);
  }

  it("ignores masked positions exactly on the prebuilt backend, which has no masking of its own", async () => {
    const work = mkdtempSync(path.join(dir, 'mask-'));
    await expectMaskedPositionsIgnored(makeTinyModel(work), work, { ...OPTS, lr: 1e-3, epochs: 1, seed: 3, backend: 'cpu', backendDirs: [prebuiltCpu as string] });
  }, 300_000);
});

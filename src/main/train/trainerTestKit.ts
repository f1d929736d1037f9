/**
 * Helpers for the native trainer tests (trainer*.native.test.ts): tiny models, synthetic TTDS datasets,
 * running tooltune-train to completion. Test-only; nothing in the app imports this.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { writeTinyQwen2Model, type TinyModelOptions } from '../models/tinyModel.js';
import { vocabOfModel, writeTtdsFile, type TokenSample, type TtdsHeader } from './datasetFile.js';
import {
  findNativeBinDir,
  startTrainer,
  type StartTrainerOptions,
  type TrainerOptions,
  type TrainerProgressEvent,
  type TrainerResult,
} from './trainerProcess.js';
import { mulberry32 } from '../../shared/mulberry32.js';

export const nativeBinDir = findNativeBinDir({ preferCuda: false });
/** Reason to skip the native tests, or null when the binaries are built. */
export const nativeSkipReason = nativeBinDir
  ? null
  : 'native binaries are not built (run `npm run build:native`; the test command builds them first)';

export const TINY_MODEL: TinyModelOptions = { layers: 2, embd: 64, heads: 4, kvHeads: 2, ff: 128, seed: 1, ctx: 512 };

export function makeTinyModel(dir: string, name = 'tiny.gguf', options: Partial<TinyModelOptions> = {}): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeTinyQwen2Model(file, { ...TINY_MODEL, ...options });
  return file;
}

export interface SyntheticOptions {
  samples: number;
  seed: number;
  /** Prompt length range (context tokens, mask 0). */
  promptMin?: number;
  promptMax?: number;
  /** Masked tokens appended after the answer (context only). */
  trailing?: number;
  /** Token id used for the trailing tokens; default random. */
  trailingId?: (i: number, j: number) => number;
}

/**
 * Samples "prompt (mask 0) -> answer (mask 1) -> optional trailing context (mask 0)". The answer is a function
 * of the first prompt token (a, a+1, a+2, a+3, <|im_end|>), so a model can learn it.
 */
export function syntheticSamples(o: SyntheticOptions): TokenSample[] {
  const r = mulberry32(o.seed);
  const out: TokenSample[] = [];
  const pMin = o.promptMin ?? 8;
  const pMax = o.promptMax ?? 24;
  for (let i = 0; i < o.samples; i++) {
    const len = pMin + Math.floor(r() * (pMax - pMin + 1));
    const prompt = Array.from({ length: len }, () => 100 + Math.floor(r() * 4000));
    const a = prompt[0]!;
    const answer = [a, a + 1, a + 2, a + 3, 151645];
    const trailing = Array.from({ length: o.trailing ?? 0 }, (_, j) => (o.trailingId ? o.trailingId(i, j) : 100 + Math.floor(r() * 4000)));
    out.push({
      tokens: [...prompt, ...answer, ...trailing],
      mask: [...prompt.map(() => 0), ...answer.map(() => 1), ...trailing.map(() => 0)],
    });
  }
  return out;
}

export function writeDataset(file: string, header: TtdsHeader, samples: readonly TokenSample[]): string {
  writeTtdsFile(file, header, samples);
  return file;
}

export { vocabOfModel };

export async function runTrainer(options: TrainerOptions, start: StartTrainerOptions = {}): Promise<TrainerResult> {
  if (!nativeBinDir) throw new Error(nativeSkipReason ?? 'no binaries');
  return startTrainer(options, { binDir: nativeBinDir, ...start }).result;
}

export function losses(result: TrainerResult): Map<number, number | null> {
  const m = new Map<number, number | null>();
  for (const e of result.events) if (e.type === 'progress') m.set(e.step, (e as TrainerProgressEvent).loss);
  return m;
}

/** Files in dir whose names look like trainer temp files or outputs (to prove no partial output is left). */
export function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.includes('.tmp') || f.endsWith('.gguf') || f.includes('init')) : [];
}

/** Options of one trainer run in the shared invariant checks below (model, data and out are filled in). */
export type RunOptions = Omit<TrainerOptions, 'model' | 'data' | 'out'>;

/**
 * The trailing tokens after each answer are context only (mask 0). Changing their ids changes only labels of
 * masked positions (and inputs that only masked positions see): losses and the trained weights must stay identical.
 */
export async function expectMaskedPositionsIgnored(model: string, dir: string, opts: RunOptions): Promise<void> {
  const vocab = vocabOfModel(model);
  const base = { samples: 4, seed: 7, promptMin: 30, promptMax: 40, trailing: 6 };
  const a = writeDataset(path.join(dir, 'mask-a.ttds'), vocab, syntheticSamples({ ...base, trailingId: () => 500 }));
  const b = writeDataset(path.join(dir, 'mask-b.ttds'), vocab, syntheticSamples({ ...base, trailingId: (i, j) => 9000 + 31 * i + j }));
  const ra = await runTrainer({ model, ...opts, data: a, out: path.join(dir, 'mask-a.gguf') });
  const rb = await runTrainer({ model, ...opts, data: b, out: path.join(dir, 'mask-b.gguf') });
  expect(ra.exitCode, ra.stderrTail).toBe(0);
  expect(rb.exitCode, rb.stderrTail).toBe(0);
  const la = [...losses(ra).values()];
  expect(la.length).toBeGreaterThan(0);
  expect([...losses(rb).values()]).toEqual(la);
  // bit-identical outputs: masked rows contributed exactly zero gradient
  expect(Buffer.compare(readFileSync(path.join(dir, 'mask-a.gguf')), readFileSync(path.join(dir, 'mask-b.gguf')))).toBe(0);
}

/**
 * A run stopped through stdin, resumed, stopped by SIGTERM and resumed to the end gives the loss curve and the
 * output of the uninterrupted run, bit for bit (2 epochs over 3 shuffled windows: the stops land mid-epoch).
 */
export async function expectStopResumeBitExact(model: string, dir: string, opts: RunOptions): Promise<void> {
  if (!nativeBinDir) throw new Error(nativeSkipReason ?? 'no binaries');
  const binDir = nativeBinDir;
  const data = writeDataset(path.join(dir, 'resume.ttds'), vocabOfModel(model), syntheticSamples({ samples: 3, seed: 11, promptMin: 35, promptMax: 50 }));
  const run = { model, data, ...opts, epochs: 2, seed: 9, warmup: 2 };
  const fullOut = path.join(dir, 'resume-full.gguf');
  const full = await runTrainer({ ...run, out: fullOut, checkpointDir: path.join(dir, 'ck-full') });
  expect(full.exitCode, full.stderrTail).toBe(0);
  const reference = losses(full);
  expect(reference.size).toBe(6);

  const ckdir = path.join(dir, 'ck-resume');
  const out = path.join(dir, 'resume-parts.gguf');
  const parts = new Map<number, number | null>();
  const stopAt = (step: number, how: 'stdin' | 'sigterm', resume: boolean): Promise<TrainerResult> => {
    const trainer = startTrainer(
      { ...run, out, checkpointDir: ckdir, resume },
      {
        binDir,
        onEvent: (e) => {
          if (e.type === 'progress' && e.step >= step) {
            if (how === 'stdin') trainer.stop();
            else trainer.kill('SIGTERM');
          }
        },
      },
    );
    return trainer.result;
  };
  const first = await stopAt(1, 'stdin', false);
  expect(first.exitCode, first.stderrTail).toBe(0);
  expect(first.stopped?.step).toBeGreaterThanOrEqual(1);
  expect(existsSync(out)).toBe(false); // a stopped run writes a checkpoint, not the output
  for (const [s, l] of losses(first)) parts.set(s, l);

  const second = await stopAt(first.stopped!.step + 1, 'sigterm', true);
  expect(second.exitCode, second.stderrTail).toBe(0);
  expect(second.stopped).toBeDefined();
  const startEvent = second.events[0];
  expect(startEvent?.type === 'start' && startEvent.resumed).toBe(true);
  expect(startEvent?.type === 'start' && startEvent.start_step).toBe(first.stopped!.step);
  for (const [s, l] of losses(second)) parts.set(s, l);

  const third = await runTrainer({ ...run, out, checkpointDir: ckdir, resume: true });
  expect(third.exitCode, third.stderrTail).toBe(0);
  for (const [s, l] of losses(third)) parts.set(s, l);

  expect([...parts.entries()].sort((x, y) => x[0] - y[0])).toEqual([...reference.entries()]);
  expect(Buffer.compare(readFileSync(out), readFileSync(fullOut))).toBe(0);
}

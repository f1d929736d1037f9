/**
 * Helpers for the native trainer tests (trainer*.native.test.ts): tiny models, synthetic TTDS datasets,
 * running tooltune-train to completion. Test-only; nothing in the app imports this.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
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

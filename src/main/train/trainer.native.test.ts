/**
 * Native trainer tests: run the built tooltune-train on a tiny random Qwen2 model (real 152k tokenizer).
 * Skipped (with the reason) only when the binaries are not built; `npm test` builds them first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TtdsHeader } from './datasetFile.js';
import {
  expectMaskedPositionsIgnored,
  expectStopResumeBitExact,
  leftovers,
  losses,
  makeTinyModel,
  nativeSkipReason,
  runTrainer,
  syntheticSamples,
  vocabOfModel,
  writeDataset,
} from './trainerTestKit.js';
import { nativeToolPath, parseTrainerLine, trainerArgs, TRAINER_EXIT_CODES, type TrainerEvent, type TrainerResult } from './trainerProcess.js';
import { nativeBinDir } from './trainerTestKit.js';

const d = nativeSkipReason ? describe.skip : describe;
if (nativeSkipReason) console.warn(`[trainer.native.test] skipped: ${nativeSkipReason}`);

let dir = '';
let model = '';
let vocab: TtdsHeader = { nVocab: 0, vocabHash: 0n };

// small, fast settings shared by the runs: 64-token windows, one sample per window
// one thread: ggml's spinning barriers make 2 threads slower than 1 when vitest runs two files at once on 2 cores
const FAST = { ctx: 64, threads: 1, rank: 4, alpha: 8, targets: ['attn_q', 'attn_v', 'output'], lr: 1e-3 } as const;

beforeAll(() => {
  if (nativeSkipReason) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'tt-native-'));
  model = makeTinyModel(dir);
  vocab = vocabOfModel(model);
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectFailure(r: TrainerResult, code: keyof typeof TRAINER_EXIT_CODES): void {
  expect(r.signal, r.stderrTail).toBeNull();
  expect(r.exitCode, r.stderrTail).toBe(TRAINER_EXIT_CODES[code]);
  expect(r.error?.code).toBe(code);
  expect(r.error?.message.length).toBeGreaterThan(10);
  // the error line is the last protocol line
  expect(r.events.at(-1)?.type).toBe('error');
}

d('tooltune-train', () => {
  it('isolates samples packed into one window: each attends only to itself, from position 0', async () => {
    const [sample] = syntheticSamples({ samples: 1, seed: 11, promptMin: 20, promptMax: 20 });
    const stepOneLoss = async (samples: number, name: string) => {
      const data = writeDataset(path.join(dir, `${name}.ttds`), vocab, Array.from({ length: samples }, () => sample!));
      const r = await runTrainer({ model, data, out: path.join(dir, `${name}.gguf`), ...FAST, maxSteps: 1, seed: 3 });
      expect(r.exitCode, r.stderrTail).toBe(0);
      expect((r.events[0] as Extract<TrainerEvent, { type: 'start' }>).n_windows).toBe(1);
      return losses(r).get(1)!;
    };
    // Two copies of a sample in one window must each score exactly like the sample alone; if the second copy
    // could see the first (or ran at positions 25..49), its loss would differ.
    const alone = await stepOneLoss(1, 'alone');
    const packed = await stepOneLoss(2, 'packed-twice');
    expect(Math.abs(packed - alone) / alone).toBeLessThan(1e-5);
  });

  it('trains a LoRA and reports the loss over target tokens only', async () => {
    const data = writeDataset(path.join(dir, 'basic.ttds'), vocab, syntheticSamples({ samples: 4, seed: 1, promptMin: 35, promptMax: 50 }));
    const out = path.join(dir, 'basic.gguf');
    const r = await runTrainer({ model, data, out, ...FAST, epochs: 1, seed: 3 });
    expect(r.exitCode, r.stderrTail).toBe(0);
    const start = r.events[0] as Extract<TrainerEvent, { type: 'start' }>;
    expect(start.type).toBe('start');
    expect(start.n_windows).toBe(4); // whole samples, one per 64-token window
    expect(start.train_tokens_per_epoch).toBe(4 * 5);
    const progress = r.events.filter((e) => e.type === 'progress');
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    for (const p of progress) {
      // random tiny model: per-target-token cross-entropy is about ln(n_vocab) = 11.93 (not diluted by masked rows)
      expect(p.loss).toBeGreaterThan(10.5);
      expect(p.loss).toBeLessThan(13.5);
      expect(p.lr).toBeGreaterThan(0);
      expect(p.tokens_per_s).toBeGreaterThan(0);
    }
    expect(r.done?.steps).toBe(4);
    expect(r.done?.train_tokens).toBe(20);
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('GGUF');
    const text = bytes.toString('latin1', 0, 4096);
    expect(text).toContain('adapter.lora.alpha');
    expect(text).toContain('blk.0.attn_q.weight.lora_a');
    expect(text).toContain('output.weight.lora_b');
    expect(leftovers(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  }, 300_000);

  it('masked positions do not change the loss trajectory', async () => {
    await expectMaskedPositionsIgnored(model, dir, { ...FAST, epochs: 1, seed: 5, lr: 5e-3 });
  }, 400_000);

  it('stop (stdin and SIGTERM) + resume reproduces the uninterrupted run bit-exactly', async () => {
    await expectStopResumeBitExact(model, dir, FAST);
  }, 500_000);

  it('periodic checkpoints are atomic and a resume with other options is refused', async () => {
    const data = writeDataset(path.join(dir, 'ck.ttds'), vocab, syntheticSamples({ samples: 3, seed: 12, promptMin: 35, promptMax: 50 }));
    const ckdir = path.join(dir, 'ck-periodic');
    const r = await runTrainer({ model, data, out: path.join(dir, 'ck.gguf'), ...FAST, epochs: 1, checkpointDir: ckdir, checkpointEvery: 2 });
    expect(r.exitCode, r.stderrTail).toBe(0);
    const cks = r.events.filter((e) => e.type === 'checkpoint');
    expect(cks.map((c) => c.step)).toEqual([2]);
    expect(readFileSync(path.join(ckdir, 'latest'), 'utf8')).toBe('step-00000002');
    expect(existsSync(path.join(ckdir, 'step-00000002', 'adapter.gguf'))).toBe(true);
    expect(existsSync(path.join(ckdir, 'step-00000002', 'state.bin'))).toBe(true);
    const bad = await runTrainer({ model, data, out: path.join(dir, 'ck2.gguf'), ...FAST, rank: 8, checkpointDir: ckdir, resume: true });
    expectFailure(bad, 'checkpoint');
  }, 300_000);

  it('--keep-checkpoints keeps the newest N', async () => {
    const data = writeDataset(path.join(dir, 'keep.ttds'), vocab, syntheticSamples({ samples: 5, seed: 13, promptMin: 35, promptMax: 50 }));
    const ckdir = path.join(dir, 'ck-keep');
    const r = await runTrainer({ model, data, out: path.join(dir, 'keep.gguf'), ...FAST, epochs: 1, checkpointDir: ckdir, checkpointEvery: 1, keepCheckpoints: 2 });
    expect(r.exitCode, r.stderrTail).toBe(0);
    expect(r.events.filter((e) => e.type === 'checkpoint').map((c) => c.step)).toEqual([1, 2, 3, 4]);
    expect(readdirSync(ckdir).filter((n) => n.startsWith('step-')).sort()).toEqual(['step-00000003', 'step-00000004']);
    expect(readFileSync(path.join(ckdir, 'latest'), 'utf8')).toBe('step-00000004');
    const bad = await runTrainer({ model, data, out: path.join(dir, 'keep0.gguf'), ...FAST, keepCheckpoints: 0 });
    expectFailure(bad, 'usage');
  }, 300_000);

  it('--init-adapter starts a new run from an adapter: its first loss is the loss of that adapter', async () => {
    const data = writeDataset(path.join(dir, 'init.ttds'), vocab, syntheticSamples({ samples: 3, seed: 14, promptMin: 35, promptMax: 50 }));
    // constant lr, fixed order: after epoch 1 the two-epoch run holds exactly the one-epoch run's adapter
    const opts = { model, data, ...FAST, shuffle: false, schedule: 'constant', lr: 5e-3, seed: 4 } as const;
    const twoEpochs = await runTrainer({ ...opts, out: path.join(dir, 'init-2.gguf'), epochs: 2 });
    const first = path.join(dir, 'init-1.gguf');
    const oneEpoch = await runTrainer({ ...opts, out: first, epochs: 1 });
    const continued = await runTrainer({ ...opts, out: path.join(dir, 'init-c.gguf'), epochs: 1, initAdapter: first });
    for (const r of [twoEpochs, oneEpoch, continued]) expect(r.exitCode, r.stderrTail).toBe(0);
    const reference = losses(twoEpochs);
    const next = losses(continued);
    const start = continued.events[0];
    expect(start?.type === 'start' && start.start_step).toBe(0); // a new run, not a resume
    // the first forward pass sees the same weights and window as step 4 of the two-epoch run
    expect(next.get(1)).toBe(reference.get(4));
    expect(next.get(1)!).toBeLessThan(reference.get(1)!); // and not the fresh adapter's loss
    expect(readFileSync(first).length).toBeGreaterThan(0); // the init adapter is read, never consumed

    const rank8 = await runTrainer({ ...opts, out: path.join(dir, 'init-r8.gguf'), rank: 8, initAdapter: first });
    expectFailure(rank8, 'usage');
    expect(rank8.error?.message).toMatch(/rank 4, --rank is 8/);
    const otherTargets = await runTrainer({ ...opts, out: path.join(dir, 'init-t.gguf'), targets: ['attn_q', 'output'], initAdapter: first });
    expectFailure(otherTargets, 'usage');
    expect(otherTargets.error?.message).toMatch(/adapts 5 weights, --targets select 3/);
    const notAdapter = await runTrainer({ ...opts, out: path.join(dir, 'init-m.gguf'), initAdapter: model });
    expectFailure(notAdapter, 'usage');
  }, 300_000);

  it('validation loss is reported', async () => {
    const data = writeDataset(path.join(dir, 'v-train.ttds'), vocab, syntheticSamples({ samples: 3, seed: 21, promptMin: 35, promptMax: 50 }));
    const val = writeDataset(path.join(dir, 'v-val.ttds'), vocab, syntheticSamples({ samples: 2, seed: 22, promptMin: 35, promptMax: 50 }));
    const r = await runTrainer({ model, data, val, out: path.join(dir, 'v.gguf'), ...FAST, epochs: 1, valEvery: 2 });
    expect(r.exitCode, r.stderrTail).toBe(0);
    const withVal = r.events.filter((e) => e.type === 'progress' && e.val_loss !== undefined);
    expect(withVal.map((e) => (e.type === 'progress' ? e.step : 0))).toEqual([2, 3]);
    for (const e of withVal) if (e.type === 'progress') expect(e.val_loss).toBeGreaterThan(10);
    expect(r.done?.val_loss).toBeGreaterThan(10);
  }, 300_000);
});

d('tooltune-train bad inputs', () => {
  const good = () => writeDataset(path.join(dir, 'good.ttds'), vocab, syntheticSamples({ samples: 2, seed: 2 }));

  it('truncated GGUF -> model error (3), no output', async () => {
    const truncated = path.join(dir, 'truncated.gguf');
    const bytes = readFileSync(model);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const out = path.join(dir, 'bad-model', 'a.gguf');
    rmSync(path.dirname(out), { recursive: true, force: true });
    freshDir(path.dirname(out));
    const r = await runTrainer({ model: truncated, data: good(), out, ...FAST });
    expectFailure(r, 'model');
    expect(r.error?.message).toMatch(/truncated/);
    expect(leftovers(path.dirname(out))).toEqual([]);
    const header = path.join(dir, 'header-only.gguf');
    writeFileSync(header, bytes.subarray(0, 100));
    expectFailure(await runTrainer({ model: header, data: good(), out, ...FAST }), 'model');
    expectFailure(await runTrainer({ model: path.join(dir, 'missing.gguf'), data: good(), out, ...FAST }), 'model');
    expect(leftovers(path.dirname(out))).toEqual([]);
  }, 120_000);

  it('dataset for another vocabulary -> vocab_mismatch (5)', async () => {
    const small = writeDataset(path.join(dir, 'vocab1000.ttds'), { nVocab: 1000, vocabHash: 1n }, [{ tokens: [1, 2, 3, 4], mask: [0, 0, 1, 1] }]);
    const out = path.join(dir, 'vm', 'a.gguf');
    freshDir(path.dirname(out));
    const r = await runTrainer({ model, data: small, out, ...FAST });
    expectFailure(r, 'vocab_mismatch');
    expect(r.error?.message).toMatch(/1000/);
    const wrongHash = writeDataset(path.join(dir, 'wronghash.ttds'), { nVocab: vocab.nVocab, vocabHash: vocab.vocabHash ^ 1n }, syntheticSamples({ samples: 2, seed: 2 }));
    const r2 = await runTrainer({ model, data: wrongHash, out, ...FAST });
    expectFailure(r2, 'vocab_mismatch');
    expect(r2.error?.message).toMatch(/different tokenizer/);
    expect(leftovers(path.dirname(out))).toEqual([]);
  }, 120_000);

  it('empty dataset and a mask without targets -> no_trainable_tokens (8)', async () => {
    const out = path.join(dir, 'empty', 'a.gguf');
    freshDir(path.dirname(out));
    const empty = writeDataset(path.join(dir, 'empty.ttds'), vocab, []);
    expectFailure(await runTrainer({ model, data: empty, out, ...FAST }), 'no_trainable_tokens');
    const noTargets = syntheticSamples({ samples: 3, seed: 4 }).map((s) => ({ tokens: s.tokens, mask: Array.from(s.mask, () => 0) }));
    const nt = writeDataset(path.join(dir, 'notargets.ttds'), vocab, noTargets);
    const r = await runTrainer({ model, data: nt, out, ...FAST });
    expectFailure(r, 'no_trainable_tokens');
    expect(leftovers(path.dirname(out))).toEqual([]);
  }, 120_000);

  it('corrupt dataset files -> dataset (4)', async () => {
    const out = path.join(dir, 'corrupt', 'a.gguf');
    freshDir(path.dirname(out));
    const file = good();
    const bytes = readFileSync(file);
    const cut = path.join(dir, 'cut.ttds');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 3));
    const r = await runTrainer({ model, data: cut, out, ...FAST });
    expectFailure(r, 'dataset');
    expect(r.error?.message).toMatch(/truncated/);
    const magic = Buffer.from(bytes);
    magic.write('XXXX', 0, 'latin1');
    writeFileSync(cut, magic);
    expectFailure(await runTrainer({ model, data: cut, out, ...FAST }), 'dataset');
    const badId = Buffer.from(bytes);
    const nSamples = badId.readUInt32LE(12);
    badId.writeInt32LE(vocab.nVocab + 5, 32 + 8 * (nSamples + 1)); // first token id out of range
    writeFileSync(cut, badId);
    const r3 = await runTrainer({ model, data: cut, out, ...FAST });
    expectFailure(r3, 'dataset');
    expect(r3.error?.message).toMatch(/outside/);
    expect(leftovers(path.dirname(out))).toEqual([]);
  }, 120_000);

  it.runIf(process.platform === 'linux')('host allocation failure -> out_of_memory (6) with a hint', async () => {
    const data = writeDataset(path.join(dir, 'oom.ttds'), vocab, syntheticSamples({ samples: 2, seed: 3 }));
    const out = path.join(dir, 'oom', 'a.gguf');
    freshDir(path.dirname(out));
    const args = trainerArgs({ model, data, out, ...FAST, ctx: 512, maxSteps: 1 });
    const runLimited = (kib: number) => {
      const run = spawnSync('bash', ['-c', `ulimit -v ${kib} && exec "$0" "$@"`, nativeToolPath(nativeBinDir!, 'tooltune-train'), ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const error = run.stdout.split('\n').map(parseTrainerLine).filter((e) => e !== null).at(-1);
      expect(run.status, run.stderr).toBe(TRAINER_EXIT_CODES.out_of_memory);
      expect(error?.type).toBe('error');
      return error?.type === 'error' ? error.message : '';
    };
    // 700 MB of address space: the model loads, the 512x151936 logits buffer for training does not
    expect(runLimited(700_000)).toMatch(/lower --ctx/);
    // 150 MB: not even the model can be mapped (mmap fails with ENOMEM), which is no corrupt file
    expect(runLimited(150_000)).toMatch(/while loading the model: .* does not fit/);
    expect(leftovers(path.dirname(out))).toEqual([]);
  }, 120_000);

  it('unwritable output directory -> io (7); bad flags -> usage (2)', async () => {
    const notADir = path.join(dir, 'plain-file');
    writeFileSync(notADir, 'x');
    const r = await runTrainer({ model, data: good(), out: path.join(notADir, 'a.gguf'), ...FAST });
    expectFailure(r, 'io');
    const r2 = await runTrainer({ model, data: good(), out: path.join(dir, 'nope', 'deeper', 'a.gguf'), ...FAST });
    expectFailure(r2, 'io');
    const r3 = await runTrainer({ model, data: good(), out: path.join(dir, 'u.gguf'), ...FAST, ctx: 64, batch: 48 });
    expectFailure(r3, 'usage');
    const r4 = await runTrainer({ model, data: good(), out: path.join(dir, 'u.gguf'), ...FAST, targets: ['attn_qq'] });
    expectFailure(r4, 'usage');
    expect(existsSync(path.join(dir, 'u.gguf'))).toBe(false);
  }, 120_000);
});

function freshDir(p: string): void {
  rmSync(p, { recursive: true, force: true });
  mkdirSync(p, { recursive: true });
}

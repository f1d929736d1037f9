/**
 * Training throughput benchmark, measured side by side in one run on the same data and machine:
 * ToolTune's LoRA trainer (tooltune-train) vs llama.cpp's own full-parameter llama-finetune.
 *
 *   npx tsx scripts/bench/train.ts [--samples 200] [--ctx 512] [--threads 2] [--rank 16] [--layers 2 --embd 64 --ff 128]
 *   npx tsx scripts/bench/train.ts --shape 0.5b [--ctx 256] [--steps 4] [--only-lora] [--types F32,F16,Q8_0]
 *
 * Both train on a generated Qwen2 model (real 152k vocabulary) over the same rendered tool-call conversations:
 * tooltune-train reads them as TTDS (assistant-only loss), llama-finetune as the same text (every position
 * trained, windows of --ctx with stride ctx/2, as upstream does). Without --steps both train one epoch; with
 * --steps N each trains N windows of --ctx tokens. `--shape 0.5b` is Qwen2.5-0.5B's shape (24 x 896, 14/2 heads,
 * FFN 4864, tied head) in F32 (llama-finetune trains only F32 weights), and adds tooltune-train alone on F16 and
 * Q8_0 copies of the same weights (--types picks the base types tooltune-train runs on). Throughput = tokens through forward+backward / wall-clock seconds of the process
 * (model load included); peak memory = maximum RSS from /usr/bin/time -v (or /proc VmHWM polling without it).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, type Token } from 'node-llama-cpp';
import { getStringArray, readGgufFile } from '../../src/main/models/gguf/index.js';
import { QWEN25_05B_SHAPE, writeTinyQwen2Model, type TinyModelOptions } from '../../src/main/models/tinyModel.js';
import { vocabOfModel, writeTtdsFile } from '../../src/main/train/datasetFile.js';
import { runTool, type ToolRun } from '../../src/main/train/nativeTestHarness.js';
import { findNativeBinDir, nativeToolPath } from '../../src/main/train/trainerProcess.js';
import { ConversationRenderer } from '../../src/main/train/renderConversation.js';
import { singleTokenWords, weatherSamples } from '../../src/main/train/weatherDataset.js';

const { values } = parseArgs({
  options: {
    shape: { type: 'string' },
    samples: { type: 'string' },
    ctx: { type: 'string' },
    steps: { type: 'string' },
    threads: { type: 'string', default: String(Math.min(cpus().length, 2)) },
    rank: { type: 'string', default: '16' },
    layers: { type: 'string', default: '2' },
    embd: { type: 'string', default: '64' },
    ff: { type: 'string', default: '128' },
    'only-lora': { type: 'boolean', default: false },
    types: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const num = (s: string) => Number.parseInt(s, 10);
if (values.shape !== undefined && values.shape !== '0.5b') {
  console.error(`bench:train: error: unknown --shape ${values.shape} (known: 0.5b)`);
  process.exit(2);
}
const realShape = values.shape === '0.5b';
const types = (values.types ?? (realShape ? 'F32,F16,Q8_0' : 'F32')).split(',');
if (!types.includes('F32') || !types.every((t) => ['F32', 'F16', 'Q8_0'].includes(t))) {
  console.error('bench:train: error: --types is a list of F32, F16 and Q8_0 that includes F32');
  process.exit(2);
}
const ctx = num(values.ctx ?? (realShape ? '256' : '512'));
const steps = values.steps !== undefined ? num(values.steps) : realShape ? 4 : undefined;
const shape: TinyModelOptions = realShape
  ? { ...QWEN25_05B_SHAPE, seed: 1 }
  : { layers: num(values.layers), embd: num(values.embd), heads: 4, kvHeads: 2, ff: num(values.ff), seed: 1 };
// enough conversations for the windows asked for (each is ~100-150 tokens)
const nSamples = num(values.samples ?? (steps !== undefined ? String(Math.ceil((steps * ctx) / 60) + 8) : '200'));

const binDir = findNativeBinDir({ preferCuda: false });
if (binDir === null) {
  console.error('bench:train: error: native tools not built; run `node scripts/build-native.mjs` first');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'bench-train-'));
const basePath = join(dir, 'base.gguf');

async function measured(bin: string, args: string[]): Promise<ToolRun & { maxRssBytes: number }> {
  if (!existsSync('/usr/bin/time')) {
    const run = await runTool(bin, args, { timeoutMs: 3_600_000 });
    return { ...run, maxRssBytes: run.peakRssBytes };
  }
  const run = await runTool('/usr/bin/time', ['-v', bin, ...args], { timeoutMs: 3_600_000 });
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  return { ...run, maxRssBytes: match ? Number(match[1]) * 1024 : run.peakRssBytes };
}

interface Row {
  trainer: string;
  mode: string;
  tokens: number;
  run: ToolRun & { maxRssBytes: number };
  /** Mean seconds of a training step after the first (tooltune-train's step_s), when known. */
  stepSeconds?: number;
}

const commands: string[] = [];

async function tooltune(model: string, type: string): Promise<Row> {
  const args = ['--model', model, '--data', join(dir, 'data.ttds'), '--out', join(dir, `adapter-${type}.gguf`), '--rank', values.rank, '--ctx', String(ctx), '--threads', values.threads, '--no-shuffle',
    ...(steps !== undefined ? ['--max-steps', String(steps)] : ['--epochs', '1'])];
  commands.push(`${nativeToolPath(binDir!, 'tooltune-train')} ${args.join(' ')}`);
  const run = await measured(nativeToolPath(binDir!, 'tooltune-train'), args);
  if (run.code !== 0) throw new Error(`tooltune-train (${type}) failed (${run.code}): ${run.stderr.slice(-1500)}`);
  const progress = run.events.filter((e) => e.type === 'progress');
  const windows = Math.min(Number(run.events.find((e) => e.type === 'start')?.n_windows), steps ?? Infinity);
  const later = progress.slice(1).map((e) => Number(e.step_s));
  return { trainer: 'tooltune-train', mode: `LoRA r${values.rank} ${type}`, tokens: windows * ctx, run, stepSeconds: later.length ? later.reduce((a, b) => a + b, 0) / later.length : undefined };
}

try {
  const t0 = performance.now();
  writeTinyQwen2Model(basePath, shape);
  const genSeconds = (performance.now() - t0) / 1000;

  const llama = await getLlama({ gpu: false, build: 'never' });
  const model = await llama.loadModel({ modelPath: basePath, vocabOnly: true });
  const renderer = ConversationRenderer.forModel(model);
  const vocabulary = getStringArray(readGgufFile(basePath, { metadataOnly: true }).metadata, 'tokenizer.ggml.tokens');
  const samples = weatherSamples(singleTokenWords(vocabulary, nSamples, 1), 1).map((s) => renderer.render(s.conversation));
  writeTtdsFile(join(dir, 'data.ttds'), vocabOfModel(basePath), samples);
  // The same conversations as plain text for llama-finetune (which tokenizes the file itself); with --steps, cut to
  // the tokens its windows (ctx long, stride ctx/2) need for that many windows.
  let tokens = model.tokenize(samples.map((s) => model.detokenize(s.tokens as Token[], true)).join('\n'), false);
  if (steps !== undefined) tokens = tokens.slice(0, ctx + (steps - 1) * (ctx / 2) + 1);
  writeFileSync(join(dir, 'data.txt'), model.detokenize(tokens, true));
  const finetuneTokens = model.tokenize(model.detokenize(tokens, true), false).length;
  await llama.dispose();

  const rows: Row[] = [await tooltune(basePath, 'F32')];
  let full: Row | undefined;
  if (!values['only-lora']) {
    const args = ['-m', basePath, '-f', join(dir, 'data.txt'), '-c', String(ctx), '-b', String(ctx), '-ub', String(ctx), '-t', values.threads, '-epochs', '1', '-val-split', '0.0', '-o', join(dir, 'finetuned.gguf')];
    commands.push(`${nativeToolPath(binDir, 'llama-finetune')} ${args.join(' ')}`);
    const run = await measured(nativeToolPath(binDir, 'llama-finetune'), args);
    if (run.code !== 0) throw new Error(`llama-finetune failed (${run.code}): ${run.stderr.slice(-1500)}`);
    // common_opt_dataset_init(ctx, tokens, n_ctx/2): windows of n_ctx tokens with stride n_ctx/2.
    const windows = Math.floor((finetuneTokens - ctx - 1) / (ctx / 2)) + 1;
    full = { trainer: 'llama-finetune', mode: 'full F32', tokens: windows * ctx, run };
    rows.push(full);
  }
  for (const type of types.filter((t) => t !== 'F32')) {
    const path = join(dir, `base-${type}.gguf`);
    const q = await runTool(nativeToolPath(binDir, 'llama-quantize'), [basePath, path, type], { timeoutMs: 600_000 });
    if (q.code !== 0) throw new Error(`llama-quantize ${type} failed: ${q.stderr.slice(-1500)}`);
    rows.push(await tooltune(path, type));
    rmSync(path);
  }

  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  const rate = (r: Row) => r.tokens / r.run.wallSeconds;
  const table = [
    ['trainer', 'mode', 'tokens', 'wall s', 'tok/s', 's/step', 'peak RSS MiB'],
    ...rows.map((r) => [r.trainer, r.mode, String(r.tokens), r.run.wallSeconds.toFixed(1), rate(r).toFixed(0), r.stepSeconds?.toFixed(2) ?? '-', mib(r.run.maxRssBytes)]),
  ];
  console.log(`bench:train — ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, threads ${values.threads}`);
  console.log(`model: qwen2 ${shape.layers} layers x ${shape.embd}, heads ${shape.heads}/${shape.kvHeads}, ff ${shape.ff}, vocab ${vocabulary.length}${shape.sharedOutput ? ', tied head' : ''} (generated in ${genSeconds.toFixed(1)}s); ${samples.length} conversations, ctx ${ctx}${steps !== undefined ? `, ${steps} windows each` : ', one epoch'}`);
  for (const row of table) console.log(row.map((c, i) => (i < 2 ? c.padEnd(18) : c.padStart(13))).join(''));
  if (full) {
    const lora = rows[0]!;
    console.log(`ratio tok/s LoRA / full (F32): ${(rate(lora) / rate(full)).toFixed(2)}x; peak RSS LoRA / full: ${(lora.run.maxRssBytes / full.run.maxRssBytes).toFixed(2)}x`);
  }
  const done = rows[0]!.run.events.find((e) => e.type === 'done');
  console.log(`tooltune-train F32 self-reported: ${Number(done?.tokens_per_s).toFixed(0)} tok/s over its training loop (excludes model load)`);
  console.log(`commands:\n  ${commands.join('\n  ')}`);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}

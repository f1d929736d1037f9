/**
 * Training throughput benchmark, measured side by side in one run on the same data and machine:
 * ToolTune's LoRA trainer (tooltune-train) vs llama.cpp's own full-parameter llama-finetune.
 *
 *   npx tsx scripts/bench/train.ts [--samples 200] [--ctx 512] [--threads 2] [--rank 16] [--layers 2 --embd 64 --ff 128]
 *
 * Both train one epoch on a tiny generated Qwen2 model (real 152k vocabulary) over the same rendered
 * tool-call conversations: tooltune-train reads them as TTDS (assistant-only loss), llama-finetune as
 * the same text (every position trained, windows of --ctx with stride ctx/2, as upstream does).
 * Throughput = tokens processed by forward+backward / wall-clock seconds of the process; peak memory =
 * maximum RSS from /usr/bin/time -v (or /proc VmHWM polling when /usr/bin/time is missing).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, type Token } from 'node-llama-cpp';
import { getStringArray, readGgufFile } from '../../src/main/models/gguf/index.js';
import { writeTinyQwen2Model } from '../../src/main/models/tinyModel.js';
import { vocabOfModel, writeTtdsFile } from '../../src/main/train/datasetFile.js';
import { runTool, type ToolRun } from '../../src/main/train/nativeTestHarness.js';
import { findNativeBinDir, nativeToolPath } from '../../src/main/train/trainerProcess.js';
import { ConversationRenderer } from '../../src/main/train/renderConversation.js';
import { singleTokenWords, weatherSamples } from '../../src/main/train/weatherDataset.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '200' },
    ctx: { type: 'string', default: '512' },
    threads: { type: 'string', default: String(Math.min(cpus().length, 2)) },
    rank: { type: 'string', default: '16' },
    layers: { type: 'string', default: '2' },
    embd: { type: 'string', default: '64' },
    ff: { type: 'string', default: '128' },
    keep: { type: 'boolean', default: false },
  },
});
const num = (s: string) => Number.parseInt(s, 10);
const ctx = num(values.ctx);

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

try {
  const t0 = performance.now();
  writeTinyQwen2Model(basePath, { layers: num(values.layers), embd: num(values.embd), heads: 4, kvHeads: 2, ff: num(values.ff), seed: 1 });
  const genSeconds = (performance.now() - t0) / 1000;

  const llama = await getLlama({ gpu: false, build: 'never' });
  const model = await llama.loadModel({ modelPath: basePath, vocabOnly: true });
  const renderer = ConversationRenderer.forModel(model);
  const vocabulary = getStringArray(readGgufFile(basePath, { metadataOnly: true }).metadata, 'tokenizer.ggml.tokens');
  const samples = weatherSamples(singleTokenWords(vocabulary, num(values.samples), 1), 1).map((s) => renderer.render(s.conversation));
  writeTtdsFile(join(dir, 'data.ttds'), vocabOfModel(basePath), samples);
  // Same conversations as plain text for llama-finetune (which tokenizes the file itself).
  const text = samples.map((s) => model.detokenize(s.tokens as Token[], true)).join('\n');
  writeFileSync(join(dir, 'data.txt'), text);
  const finetuneTokens = model.tokenize(text, false).length;
  await llama.dispose();

  const threads = values.threads;
  const loraArgs = ['--model', basePath, '--data', join(dir, 'data.ttds'), '--out', join(dir, 'adapter.gguf'), '--rank', values.rank, '--ctx', String(ctx), '--epochs', '1', '--threads', threads, '--no-shuffle'];
  const lora = await measured(nativeToolPath(binDir, 'tooltune-train'), loraArgs);
  if (lora.code !== 0) throw new Error(`tooltune-train failed (${lora.code}): ${lora.stderr.slice(-1500)}`);
  const start = lora.events.find((e) => e.type === 'start');
  const done = lora.events.find((e) => e.type === 'done');
  const loraTokens = Number(start?.n_windows) * ctx;

  const finetuneArgs = ['-m', basePath, '-f', join(dir, 'data.txt'), '-c', String(ctx), '-b', String(ctx), '-ub', String(ctx), '-t', threads, '-epochs', '1', '-val-split', '0.0', '-o', join(dir, 'finetuned.gguf')];
  const full = await measured(nativeToolPath(binDir, 'llama-finetune'), finetuneArgs);
  if (full.code !== 0) throw new Error(`llama-finetune failed (${full.code}): ${full.stderr.slice(-1500)}`);
  // common_opt_dataset_init(ctx, tokens, n_ctx/2): windows of n_ctx tokens with stride n_ctx/2.
  const fullWindows = Math.floor((finetuneTokens - ctx - 1) / (ctx / 2)) + 1;
  const fullTokens = fullWindows * ctx;

  const loraRate = loraTokens / lora.wallSeconds;
  const fullRate = fullTokens / full.wallSeconds;
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  const rows = [
    ['trainer', 'mode', 'tokens', 'wall s', 'tok/s', 'peak RSS MiB'],
    ['tooltune-train', `LoRA r${values.rank}`, String(loraTokens), lora.wallSeconds.toFixed(1), loraRate.toFixed(0), mib(lora.maxRssBytes)],
    ['llama-finetune', 'full F32', String(fullTokens), full.wallSeconds.toFixed(1), fullRate.toFixed(0), mib(full.maxRssBytes)],
  ];
  console.log(`bench:train — ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, threads ${threads}`);
  console.log(`model: qwen2 ${values.layers} layers x ${values.embd}, ff ${values.ff}, vocab ${vocabulary.length} (generated in ${genSeconds.toFixed(1)}s); ${samples.length} conversations, ctx ${ctx}`);
  for (const row of rows) console.log(row.map((c, i) => (i < 2 ? c.padEnd(16) : c.padStart(14))).join(''));
  console.log(`ratio tok/s LoRA / full: ${(loraRate / fullRate).toFixed(2)}x; peak RSS LoRA / full: ${(lora.maxRssBytes / full.maxRssBytes).toFixed(2)}x`);
  const reportedMem = Math.max(0, ...lora.events.map((e) => Number(e.mem_bytes ?? 0)));
  console.log(`tooltune-train self-reported: ${Number(done?.tokens_per_s).toFixed(0)} tok/s over its training loop (excludes model load), RSS ${mib(reportedMem)} MiB`);
  console.log(`commands:\n  ${nativeToolPath(binDir, 'tooltune-train')} ${loraArgs.join(' ')}\n  ${nativeToolPath(binDir, 'llama-finetune')} ${finetuneArgs.join(' ')}`);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}

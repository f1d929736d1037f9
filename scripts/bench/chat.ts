/**
 * Chat latency, side by side in one run on the same prompt and tools: the base alone, the base with a LoRA applied at
 * run time, and the merged file (llama-export-lora), through the inference module the Test step chats with
 * (node-llama-cpp on the CPU, greedy decoding).
 *
 *   npx tsx scripts/bench/chat.ts [--shapes demo,0.5b] [--threads 2] [--max-tokens 48] [--repeat 3]
 *
 * Models: the Demo base with an adapter trained here on one weather conversation (24 copies, 150 steps: it learns to
 * call get_weather for that prompt, so "prompt to a complete call" is measured on a model that really calls), and a
 * generated Qwen2.5-0.5B-shaped base (24 × 896, F16) with a random rank-16 adapter: random weights write no call, so
 * only its first-token time and speed are measured. Each figure is the median of `--repeat` answers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ToolDefinition } from '../../src/shared/tools/types.js';
import { runLlamaTool } from '../../src/main/export/llamaTools.js';
import { LocalModel } from '../../src/main/inference/localModel.js';
import { cpuLlamaRuntime } from '../../src/main/models/llamaRuntime.js';
import { QWEN25_05B_SHAPE, writeTinyQwen2Model } from '../../src/main/models/tinyModel.js';
import { createTempServices } from '../../src/main/testing/tempServices.js';
import { findNativeBinDir } from '../../src/main/train/trainerProcess.js';
import { writeRandomAdapter } from './randomAdapter.js';

const { values } = parseArgs({
  options: {
    shapes: { type: 'string', default: 'demo,0.5b' },
    threads: { type: 'string', default: String(Math.min(cpus().length, 2)) },
    'max-tokens': { type: 'string', default: '48' },
    repeat: { type: 'string', default: '3' },
  },
});
const binDir = findNativeBinDir({ preferCuda: false });
if (!binDir) {
  console.error('bench:chat: error: the native tools are not built: run `npm run build:native`');
  process.exit(1);
}
const threads = Number(values.threads);
const maxTokens = Number(values['max-tokens']);
const repeat = Number(values.repeat);
const dir = mkdtempSync(join(tmpdir(), 'bench-chat-'));
const PROMPT = 'What\'s the weather in "Paris"?';
const demoTools = JSON.parse(readFileSync('resources/demo/tools.json', 'utf8')) as Array<{ function: ToolDefinition }>;
const tools: ToolDefinition[] = demoTools.map(({ function: { name, description, parameters } }) => ({ name, description, parameters }));

interface Measured {
  loadSeconds: number;
  promptTokens: number;
  firstTokenMs: number;
  tokensPerSecond: number;
  callMs: number | null;
  answer: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(modelPath: string, adapterPath?: string): Promise<Measured> {
  const loadStarted = performance.now();
  const model = await LocalModel.load(await cpuLlamaRuntime(), { modelPath, ...(adapterPath ? { adapterPath } : {}), threads, sequences: 1, contextSize: 2048 });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  try {
    const prompt = model.promptOf({ tools, messages: [{ role: 'user', content: PROMPT }] });
    const first: number[] = [];
    const speed: number[] = [];
    const call: Array<number | null> = [];
    let answer = '';
    for (let i = 0; i < repeat; i++) {
      const started = performance.now();
      let firstAt: number | null = null;
      let callAt: number | null = null;
      const generation = await model.generate(prompt, {
        maxTokens,
        onText: (text) => {
          const now = performance.now();
          firstAt ??= now;
          if (callAt === null && text.includes('</tool_call>')) callAt = now;
        },
      });
      const firstMs = (firstAt ?? performance.now()) - started;
      first.push(firstMs);
      speed.push((generation.tokens - 1) / ((generation.ms - firstMs) / 1000));
      // A complete call is one the template's parser reads back.
      const read = model.readAnswer(generation.text);
      call.push(callAt !== null && (read.calls?.length ?? 0) > 0 ? callAt - started : null);
      answer = read.calls?.length ? read.calls.map((c) => `${c.name}(${JSON.stringify(c.arguments)})`).join(', ') : 'no call';
    }
    const calls = call.filter((c): c is number => c !== null);
    return { loadSeconds, promptTokens: prompt.length, firstTokenMs: median(first), tokensPerSecond: median(speed), callMs: calls.length === repeat ? median(calls) : null, answer };
  } finally {
    await model.dispose();
  }
}

/** The Demo base with an adapter that learned one weather call, trained through the real services. */
async function demoWithTrainedAdapter(): Promise<{ base: string; adapter: string }> {
  const t = await createTempServices({ dataDir: join(dir, 'data') });
  try {
    const project = await t.api.projects.create({ name: 'Bench' });
    await t.api.tools.commitImport({ projectId: project.id, text: JSON.stringify(demoTools), fileName: 'tools.json' });
    const row = {
      messages: [
        { role: 'user', content: PROMPT },
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"city": "Paris", "temperature": 11, "condition": "cloudy"}' },
        { role: 'assistant', content: 'It is 11 degrees and cloudy in Paris.' },
      ],
      tools: demoTools,
    };
    const { jobId } = await t.api.data.import({ projectId: project.id, text: Array.from({ length: 24 }, () => JSON.stringify(row)).join('\n'), fileName: 'weather.jsonl' });
    await t.services.data.whenJobSettled(jobId);
    await t.api.data.freeze({ projectId: project.id, name: 'v1' });
    const base = await t.api.models.ensureDemo({});
    await t.api.models.setProjectBase({ projectId: project.id, modelId: base.id });
    const run = await t.api.train.start({ projectId: project.id, settings: { maxSteps: 150, learningRate: 0.005, contextLength: 1024, threads } });
    const trained = await t.services.train.whenSettled(run.id);
    if (trained.state !== 'done') throw new Error(`the demo run ended ${trained.state}: ${trained.message}`);
    return { base: base.path, adapter: trained.artifacts.find((a) => a.kind === 'adapter')!.path };
  } finally {
    t.dispose();
  }
}

async function bench(label: string, base: string, adapter: string): Promise<void> {
  const merged = join(dir, `${label}-merged.gguf`);
  await runLlamaTool(binDir!, 'llama-export-lora', ['-m', base, '--lora', adapter, '-o', merged, '-t', String(threads)]);
  const rows: Array<[string, Measured]> = [
    ['base', await measure(base)],
    ['base + adapter (run time)', await measure(base, adapter)],
    ['merged file', await measure(merged)],
  ];
  const baseline = rows[0]![1];
  console.log(`\n${label}: ${threads} threads, ${rows[0]![1].promptTokens}-token prompt (3 tools + "${PROMPT}"), up to ${maxTokens} tokens, median of ${repeat}`);
  console.log('variant                     load s   first token ms   tokens/s   vs base   prompt → complete call ms   answer');
  for (const [name, m] of rows) {
    console.log(
      `${name.padEnd(26)}${m.loadSeconds.toFixed(2).padStart(7)} ${m.firstTokenMs.toFixed(0).padStart(16)} ${m.tokensPerSecond.toFixed(1).padStart(10)} ${(m.tokensPerSecond / baseline.tokensPerSecond).toFixed(2).padStart(8)}x ${(m.callMs === null ? '–' : m.callMs.toFixed(0)).padStart(27)}   ${m.answer}`,
    );
  }
}

try {
  for (const shape of values.shapes.split(',')) {
    if (shape === 'demo') {
      const { base, adapter } = await demoWithTrainedAdapter();
      await bench('Demo (trained on one weather call)', base, adapter);
    } else if (shape === '0.5b') {
      const base = join(dir, 'qwen-0.5b-shape.gguf');
      writeTinyQwen2Model(base, { ...QWEN25_05B_SHAPE, seed: 1, weightType: 'F16' });
      const adapter = join(dir, 'qwen-0.5b-lora.gguf');
      writeRandomAdapter(base, adapter, 16);
      await bench('0.5B-shaped (F16, random weights and adapter)', base, adapter);
    } else {
      throw new Error(`unknown shape ${shape} (known: demo, 0.5b)`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

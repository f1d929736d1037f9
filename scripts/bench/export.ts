/**
 * Export benchmark, side by side in one run on the same files: llama.cpp's own CLI (`llama-export-lora`, then
 * `llama-quantize` per type) against ToolTune's export path, which runs those very tools and then reads every
 * written file back (header and tensor extents) and hashes it.
 *
 *   npx tsx scripts/bench/export.ts [--shapes demo,0.5b] [--quants Q4_K_M,Q8_0,F16] [--threads 2] [--rank 16]
 *
 * Models: the Demo base (2 layers, 64 wide, F32) and a generated Qwen2.5-0.5B-shaped base (24 x 896, F16), each
 * with a random rank-16 LoRA on the attention and FFN matrices (the values do not change the tools' work).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkCompleteGguf, runLlamaTool } from '../../src/main/export/llamaTools.js';
import { ensureDemoModelFile } from '../../src/main/models/demoModel.js';
import { hashFile } from '../../src/main/models/modelInspection.js';
import { QWEN25_05B_SHAPE, writeTinyQwen2Model } from '../../src/main/models/tinyModel.js';
import { runTool } from '../../src/main/train/nativeTestHarness.js';
import { findNativeBinDir, nativeToolPath } from '../../src/main/train/trainerProcess.js';
import { writeRandomAdapter } from './randomAdapter.js';

const { values } = parseArgs({
  options: {
    shapes: { type: 'string', default: 'demo,0.5b' },
    quants: { type: 'string', default: 'Q4_K_M,Q8_0,F16' },
    threads: { type: 'string', default: String(Math.min(cpus().length, 2)) },
    rank: { type: 'string', default: '16' },
  },
});
const binDir = findNativeBinDir({ preferCuda: false });
if (!binDir) {
  console.error('bench:export: error: the native tools are not built: run `npm run build:native`');
  process.exit(1);
}
const threads = values.threads;
const rank = Number(values.rank);
const quants = values.quants.split(',');
const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));

/** ToolTune's path for one output: the tool, then the read-back and the hash; seconds of the whole and of the checks. */
async function ours(tool: Parameters<typeof runLlamaTool>[1], args: string[], out: string): Promise<{ seconds: number; checkSeconds: number }> {
  const started = performance.now();
  await runLlamaTool(binDir!, tool, args);
  const checked = performance.now();
  checkCompleteGguf(out);
  await hashFile(out);
  const end = performance.now();
  return { seconds: (end - started) / 1000, checkSeconds: (end - checked) / 1000 };
}

const mib = (path: string) => statSync(path).size / 1024 ** 2;

async function bench(label: string, base: string): Promise<void> {
  const adapter = join(dir, `${label}-lora.gguf`);
  writeRandomAdapter(base, adapter, rank);
  const cliMerged = join(dir, `${label}-cli-merged.gguf`);
  const ourMerged = join(dir, `${label}-tt-merged.gguf`);
  const mergeArgs = (out: string) => ['-m', base, '--lora', adapter, '-o', out, '-t', threads];
  const cli = await runTool(nativeToolPath(binDir!, 'llama-export-lora'), mergeArgs(cliMerged));
  if (cli.code !== 0) throw new Error(`llama-export-lora failed: ${cli.stderr.slice(-500)}`);
  const merged = await ours('llama-export-lora', mergeArgs(ourMerged), ourMerged);
  const rows: Array<[string, number, { seconds: number; checkSeconds: number }, number]> = [[`merge (${mib(base).toFixed(0)} MiB base)`, cli.wallSeconds, merged, mib(ourMerged)]];
  for (const quant of quants) {
    const cliOut = join(dir, `${label}-cli-${quant}.gguf`);
    const ourOut = join(dir, `${label}-tt-${quant}.gguf`);
    const q = await runTool(nativeToolPath(binDir!, 'llama-quantize'), [cliMerged, cliOut, quant, threads]);
    if (q.code !== 0) throw new Error(`llama-quantize ${quant} failed: ${q.stderr.slice(-500)}`);
    rows.push([quant, q.wallSeconds, await ours('llama-quantize', ['--override-kv', 'tooltune.run=int:1', ourMerged, ourOut, quant, threads], ourOut), mib(ourOut)]);
    rmSync(cliOut);
  }
  console.log(`\n${label}: ${threads} threads, rank-${rank} adapter (${mib(adapter).toFixed(1)} MiB)`);
  console.log('step                      llama.cpp CLI   ToolTune (tool + read back + sha256)   of which checks   ratio   output');
  for (const [step, cliSeconds, { seconds, checkSeconds }, size] of rows) {
    console.log(
      `${step.padEnd(26)}${cliSeconds.toFixed(2).padStart(9)} s ${seconds.toFixed(2).padStart(18)} s ${checkSeconds.toFixed(2).padStart(24)} s ${(seconds / cliSeconds).toFixed(2).padStart(9)}x ${size.toFixed(1).padStart(8)} MiB`,
    );
  }
}

try {
  for (const shape of values.shapes.split(',')) {
    if (shape === 'demo') {
      await bench('demo', ensureDemoModelFile(dir));
    } else if (shape === '0.5b') {
      const base = join(dir, 'qwen-0.5b-shape.gguf');
      writeTinyQwen2Model(base, { ...QWEN25_05B_SHAPE, seed: 1, weightType: 'F16' });
      await bench('0.5B-shaped (F16)', base);
    } else {
      throw new Error(`unknown shape ${shape} (known: demo, 0.5b)`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

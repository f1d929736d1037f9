import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseModel, ProjectSummary } from '../../shared/contract';
import { cpuLlamaRuntime } from '../models/llamaRuntime';
import { getNumber, GgufWriter, readGgufFile, readTensorF32 } from '../models/gguf/index.js';
import { LocalModel } from '../inference/localModel';
import { runCli } from '../testing/runCli';
import { createTempServices, type TempServices } from '../testing/tempServices';
import { permuteRows } from './adapterImport';

const RANK = 4;
const ALPHA = 8;
const MODULES = [
  ['self_attn', 'q_proj', 'attn_q'],
  ['self_attn', 'v_proj', 'attn_v'],
  ['mlp', 'up_proj', 'ffn_up'],
] as const;

/** Deterministic values large enough to move a random model's answers. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) out[i] = (((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5) * 0.6;
  return out;
}

/** A PEFT folder as `peft` writes it: adapter_config.json and the halves in safetensors (A [r, in], B [out, r], row-major). */
function writePeftAdapter(dir: string, base: BaseModel, config: Record<string, unknown>, extraTensors: Record<string, { shape: number[]; data: Float32Array }> = {}): Map<string, Float32Array> {
  mkdirSync(dir, { recursive: true });
  const header = readGgufFile(base.path);
  const layers = (header.metadata.get('qwen2.block_count')?.value as number) ?? 0;
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = { ...extraTensors };
  const expected = new Map<string, Float32Array>();
  let seed = 1;
  for (let layer = 0; layer < layers; layer++) {
    for (const [group, module, target] of MODULES) {
      const [inputs = 0, outputs = 0] = header.tensors.find((t) => t.name === `blk.${layer}.${target}.weight`)!.dims;
      const a = values(RANK * inputs, seed++);
      const b = values(outputs * RANK, seed++);
      tensors[`base_model.model.model.layers.${layer}.${group}.${module}.lora_A.weight`] = { shape: [RANK, inputs], data: a };
      tensors[`base_model.model.model.layers.${layer}.${group}.${module}.lora_B.weight`] = { shape: [outputs, RANK], data: b };
      expected.set(`blk.${layer}.${target}.weight.lora_a`, a);
      expected.set(`blk.${layer}.${target}.weight.lora_b`, b);
    }
  }
  let offset = 0;
  const entries: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const [name, t] of Object.entries(tensors)) {
    entries[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = Buffer.from(JSON.stringify(entries));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(join(dir, 'adapter_model.safetensors'), Buffer.concat([length, json, ...Object.values(tensors).map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))]));
  writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: RANK, lora_alpha: ALPHA, target_modules: ['q_proj', 'v_proj', 'up_proj'], ...config }));
  return expected;
}

describe('importing a LoRA trained elsewhere', () => {
  let t: TempServices;
  let demo: ProjectSummary;
  let base: BaseModel;
  const dir = mkdtempSync(join(tmpdir(), 'peft-'));

  beforeAll(async () => {
    t = await createTempServices();
    demo = (await t.api.projects.list({})).find((p) => p.name === 'Demo')!;
    base = await t.api.models.ensureDemo({});
  }, 120_000);
  afterAll(() => {
    t?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('converts a PEFT adapter: the same halves in GGUF order, alpha kept, a finished run that changes the answers', async () => {
    const expected = writePeftAdapter(join(dir, 'plain'), base, {});
    const run = await t.api.train.importAdapter({ projectId: demo.id, modelId: base.id, path: join(dir, 'plain') });
    expect(run).toMatchObject({ state: 'done', modelId: base.id, settings: { rank: RANK, alpha: ALPHA, targets: ['attn_q', 'attn_v', 'ffn_up'] } });
    expect(run.message).toMatch(/^Imported: PEFT adapter .* \(r 4, lora_alpha 8\)\.$/);
    const adapter = run.artifacts.find((a) => a.kind === 'adapter')!;
    const gguf = readGgufFile(adapter.path);
    expect(gguf.metadata.get('general.type')?.value).toBe('adapter');
    expect(getNumber(gguf.metadata, 'adapter.lora.alpha')).toBe(ALPHA);
    expect(gguf.tensors.map((x) => x.name).sort()).toEqual([...expected.keys()].sort());
    for (const tensor of gguf.tensors) {
      expect(tensor.dims[tensor.name.endsWith('lora_a') ? 1 : 0], tensor.name).toBe(RANK);
      expect(Array.from(readTensorF32(adapter.path, gguf, tensor)), tensor.name).toEqual(Array.from(expected.get(tensor.name)!));
    }

    const llama = await cpuLlamaRuntime();
    const answer = async (adapterPath?: string) => {
      const model = await LocalModel.load(llama, { modelPath: base.path, ...(adapterPath ? { adapterPath } : {}), threads: 2, sequences: 1, contextSize: 512 });
      try {
        const prompt = model.model.tokenize('Weather in Oslo?');
        return (await model.generate(prompt, { maxTokens: 12 })).text;
      } finally {
        await model.dispose();
      }
    };
    expect(await answer(adapter.path)).not.toBe(await answer());
  }, 120_000);

  it('rsLoRA scales by alpha/sqrt(r): the GGUF alpha makes llama.cpp scale the same', async () => {
    writePeftAdapter(join(dir, 'rslora'), base, { use_rslora: true });
    const run = await t.api.train.importAdapter({ projectId: demo.id, modelId: base.id, path: join(dir, 'rslora') });
    expect(run.settings.alpha / RANK).toBeCloseTo(ALPHA / Math.sqrt(RANK), 6);
  });

  it('imports a GGUF adapter for the same base, checked tensor by tensor (CLI)', async () => {
    const first = (await t.api.train.runs({ projectId: demo.id })).find((r) => r.settings.alpha === ALPHA)!;
    const result = runCli(t.dataDir, 'adapter', 'import', first.artifacts[0]!.path, '--project', 'Demo', '--model', base.id, '--json');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ state: 'done', settings: { rank: RANK, alpha: ALPHA } });
  });

  it('refuses what a GGUF LoRA cannot carry or another model\'s adapter, with the reason, and adds no run', async () => {
    const before = (await t.api.train.runs({ projectId: demo.id })).length;
    const refuse = async (name: string, config: Record<string, unknown>, pattern: RegExp, extra?: Record<string, { shape: number[]; data: Float32Array }>) => {
      writePeftAdapter(join(dir, name), base, config, extra);
      await expect(t.api.train.importAdapter({ projectId: demo.id, modelId: base.id, path: join(dir, name) })).rejects.toThrow(pattern);
    };
    await refuse('dora', { use_dora: true }, /DoRA/);
    await refuse('saved', { modules_to_save: ['lm_head'] }, /modules_to_save: lm_head/);
    await refuse('magnitude', {}, /lora_magnitude_vector/, { 'base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector.default.weight': { shape: [64], data: new Float32Array(64) } });
    await refuse('embedding', {}, /adapts the token embeddings/, { 'base_model.model.model.embed_tokens.lora_embedding_A': { shape: [4], data: new Float32Array(4) } });
    await refuse('unknown', {}, /does not convert: base_model\.model\.model\.norm\.lora_A\.weight/, { 'base_model.model.model.norm.lora_A.weight': { shape: [4], data: new Float32Array(4) } });
    await refuse('wrong-shape', { r: 8 }, /do not fit the base's .* with rank 8: this adapter was trained for another model/);

    mkdirSync(join(dir, 'pickle'));
    writeFileSync(join(dir, 'pickle', 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 4, lora_alpha: 8 }));
    writeFileSync(join(dir, 'pickle', 'adapter_model.bin'), 'not read');
    await expect(t.api.train.importAdapter({ projectId: demo.id, modelId: base.id, path: join(dir, 'pickle') })).rejects.toThrow(/PyTorch pickle, which is not read/);

    writeFileSync(join(dir, 'plain', 'adapter_model.safetensors'), readFileSync(join(dir, 'plain', 'adapter_model.safetensors')).subarray(0, 5000));
    await expect(t.api.train.importAdapter({ projectId: demo.id, modelId: base.id, path: join(dir, 'plain') })).rejects.toThrow(/lie outside the file/);

    const notAdapter = join(dir, 'model.gguf');
    new GgufWriter().setString('general.architecture', 'qwen2').writeFile(notAdapter);
    await expect(t.api.train.importAdapter({ projectId: demo.id, modelId: base.id, path: notAdapter })).rejects.toThrow(/not a LoRA adapter GGUF/);
    expect((await t.api.train.runs({ projectId: demo.id })).length).toBe(before);
  }, 60_000);

  it('permutes the rows of llama q/k halves as the converter permutes q/k weights', () => {
    // one head of 4 rows, 2 columns: rows [0, 1, 2, 3] become [0, 2, 1, 3]
    const rows = new Float32Array([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(Array.from(permuteRows(rows, 4, 2, 1))).toEqual([0, 0, 2, 2, 1, 1, 3, 3]);
    // two heads permute within each head
    const eight = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(permuteRows(eight, 8, 1, 2))).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
  });
});

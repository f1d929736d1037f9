/**
 * Bringing back a LoRA trained elsewhere, for the base it was trained on: a PEFT adapter folder
 * (`adapter_config.json` + `adapter_model.safetensors`) converted to a GGUF adapter, or a GGUF adapter checked
 * against the base. Both are untrusted files: sizes are capped, every tensor's name, type, shape and byte range is
 * checked before a byte of it is read, and what the conversion cannot represent is refused with the reason.
 *
 * Conversion (as llama.cpp's convert_lora_to_gguf.py does it): PEFT's `lora_A` [r, in] and `lora_B` [out, r]
 * (row-major) are GGUF's `<tensor>.lora_a` [in, r] and `.lora_b` [r, out] (ggml order) byte for byte; for
 * `llama`-architecture bases the rows of `q_proj` and `k_proj`'s B are permuted as the base's own q/k weights were
 * when it was converted to GGUF; the scale alpha/r becomes `adapter.lora.alpha` (rsLoRA's alpha/sqrt(r) as
 * alpha·sqrt(r)/r). DoRA, `modules_to_save`, per-module ranks and Conv1D (`fan_in_fan_out`) adapters are refused.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { LoraTarget } from '../../shared/contract/train';
import { ToolTuneError } from '../../shared/errors';
import { fromFloat16Bits, getNumber, getOptionalString, GgufWriter, readGgufFile, type GgufFile } from '../models/gguf/index.js';

const CONFIG_MAX_BYTES = 1024 * 1024;
const HEADER_MAX_BYTES = 64 * 1024 * 1024;

export interface ImportedAdapter {
  rank: number;
  /** `adapter.lora.alpha` as llama.cpp reads it (scale = alpha / rank). */
  alpha: number;
  targets: LoraTarget[];
  /** What was converted from where, in words. */
  source: string;
}

const MODULES: Record<string, LoraTarget> = {
  q_proj: 'attn_q',
  k_proj: 'attn_k',
  v_proj: 'attn_v',
  o_proj: 'attn_output',
  gate_proj: 'ffn_gate',
  up_proj: 'ffn_up',
  down_proj: 'ffn_down',
};

const fail = (message: string): never => {
  throw new ToolTuneError('invalid-input', message);
};

interface SafetensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The header of a safetensors file: 8 bytes of little-endian length, then JSON naming each tensor's bytes. */
function readSafetensorsHeader(path: string): { entries: Map<string, SafetensorEntry>; dataStart: number } {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    if (readSync(fd, lengthBytes, 0, 8, 0) !== 8) fail(`${basename(path)} is too short to be a safetensors file.`);
    const length = Number(lengthBytes.readBigUInt64LE(0));
    if (length < 2 || length > HEADER_MAX_BYTES || 8 + length > size) fail(`${basename(path)} has a header of ${length} bytes: not a safetensors file, or a damaged one.`);
    const header = Buffer.alloc(length);
    readSync(fd, header, 0, length, 8);
    let json: unknown;
    try {
      json = JSON.parse(header.toString('utf8'));
    } catch {
      fail(`${basename(path)}: its header is not JSON.`);
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) fail(`${basename(path)}: its header is not a JSON object.`);
    const dataStart = 8 + length;
    const entries = new Map<string, SafetensorEntry>();
    for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
      if (name === '__metadata__') continue;
      const entry = value as Partial<SafetensorEntry>;
      const offsets = entry.data_offsets;
      if (typeof entry.dtype !== 'string' || !Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isSafeInteger(d) && d > 0) || !Array.isArray(offsets) || offsets.length !== 2) {
        fail(`${basename(path)}: tensor ${name} has a malformed entry.`);
      }
      const [start, end] = offsets as [number, number];
      const width = { F32: 4, F16: 2, BF16: 2 }[entry.dtype as 'F32'];
      if (width === undefined) fail(`${basename(path)}: tensor ${name} is ${entry.dtype}; F32, F16 and BF16 are read.`);
      const count = entry.shape!.reduce((a, b) => a * b, 1);
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end - start !== count * width! || start < 0 || dataStart + end > size) {
        fail(`${basename(path)}: the bytes of tensor ${name} do not match its shape or lie outside the file.`);
      }
      entries.set(name, entry as SafetensorEntry);
    }
    return { entries, dataStart };
  } finally {
    closeSync(fd);
  }
}

function readTensor(path: string, dataStart: number, entry: SafetensorEntry): Float32Array {
  const [start, end] = entry.data_offsets;
  const bytes = Buffer.alloc(end - start);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, dataStart + start);
  } finally {
    closeSync(fd);
  }
  const count = bytes.length / (entry.dtype === 'F32' ? 4 : 2);
  const out = new Float32Array(count);
  // BF16 is the top half of an F32
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  for (let i = 0; i < count; i++) {
    if (entry.dtype === 'F32') out[i] = bytes.readFloatLE(i * 4);
    else if (entry.dtype === 'F16') out[i] = fromFloat16Bits(bytes.readUInt16LE(i * 2));
    else {
      bits[0] = bytes.readUInt16LE(i * 2) << 16;
      out[i] = asFloat[0]!;
    }
  }
  return out;
}

/** The rows of a q/k matrix's output side, reordered as llama.cpp's converter reorders llama-architecture q/k weights. */
export function permuteRows(matrix: Float32Array, rows: number, columns: number, heads: number): Float32Array {
  const perHead = rows / heads;
  const half = perHead / 2;
  const out = new Float32Array(matrix.length);
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < half; i++) {
        const from = h * perHead + j * half + i;
        const to = h * perHead + i * 2 + j;
        out.set(matrix.subarray(from * columns, (from + 1) * columns), to * columns);
      }
    }
  }
  return out;
}

interface PeftConfig {
  r: number;
  lora_alpha: number;
  use_rslora?: boolean;
  use_dora?: boolean;
  fan_in_fan_out?: boolean;
  modules_to_save?: string[] | null;
  rank_pattern?: Record<string, number>;
  alpha_pattern?: Record<string, number>;
  peft_type?: string;
}

function readPeftConfig(dir: string): PeftConfig {
  const path = join(dir, 'adapter_config.json');
  if (!existsSync(path)) fail(`${dir} has no adapter_config.json: not a PEFT adapter folder.`);
  if (statSync(path).size > CONFIG_MAX_BYTES) fail('adapter_config.json is larger than 1 MiB.');
  let config: PeftConfig;
  try {
    config = JSON.parse(readFileSync(path, 'utf8')) as PeftConfig;
  } catch {
    return fail('adapter_config.json is not JSON.');
  }
  if (config.peft_type !== undefined && config.peft_type !== 'LORA') fail(`The adapter is ${config.peft_type}; only LoRA adapters convert.`);
  if (!Number.isSafeInteger(config.r) || config.r < 1 || config.r > 4096) fail('adapter_config.json: r is not a rank between 1 and 4096.');
  if (typeof config.lora_alpha !== 'number' || !(config.lora_alpha > 0)) fail('adapter_config.json: lora_alpha is not a positive number.');
  if (config.use_dora) fail('The adapter uses DoRA (use_dora): llama.cpp applies plain LoRA only, so it cannot run here.');
  if (config.modules_to_save && config.modules_to_save.length > 0) {
    fail(`The adapter trains whole modules too (modules_to_save: ${config.modules_to_save.join(', ')}), which a GGUF LoRA adapter cannot carry.`);
  }
  if (Object.keys(config.rank_pattern ?? {}).length > 0 || Object.keys(config.alpha_pattern ?? {}).length > 0) fail('The adapter has per-module ranks or alphas (rank_pattern / alpha_pattern), which a GGUF adapter cannot carry.');
  if (config.fan_in_fan_out) fail('The adapter is for Conv1D layers (fan_in_fan_out), not for this base.');
  return config;
}

/** Converts a PEFT LoRA folder for `basePath` into a GGUF adapter at `out`. */
export function convertPeftAdapter(dir: string, basePath: string, out: string): ImportedAdapter {
  const config = readPeftConfig(dir);
  const weights = join(dir, 'adapter_model.safetensors');
  if (!existsSync(weights)) {
    fail(existsSync(join(dir, 'adapter_model.bin')) ? 'adapter_model.bin is a PyTorch pickle, which is not read (loading one can run code): save the adapter with safetensors.' : `${dir} has no adapter_model.safetensors.`);
  }
  const base = readGgufFile(basePath);
  const architecture = getOptionalString(base.metadata, 'general.architecture') ?? fail('The base has no general.architecture.');
  const baseTensors = new Map(base.tensors.map((t) => [t.name, t]));
  const { entries, dataStart } = readSafetensorsHeader(weights);
  const pairs = new Map<string, { a?: SafetensorEntry; b?: SafetensorEntry; target: LoraTarget }>();
  for (const [name, entry] of entries) {
    if (name.includes('lora_magnitude_vector')) fail('The adapter has DoRA magnitudes (lora_magnitude_vector): llama.cpp applies plain LoRA only.');
    if (name.includes('lora_embedding')) fail('The adapter adapts the token embeddings, which ToolTune does not convert.');
    const block = /^base_model\.model\.(?:model\.)?layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.lora_([AB])(?:\.default)?\.weight$/.exec(name);
    const head = /^base_model\.model\.lm_head\.lora_([AB])(?:\.default)?\.weight$/.exec(name);
    let tensor: string;
    let target: LoraTarget;
    let side: string;
    if (block && MODULES[block[2]!] !== undefined) {
      target = MODULES[block[2]!]!;
      tensor = `blk.${block[1]}.${target}.weight`;
      side = block[3]!;
    } else if (head) {
      target = 'output';
      tensor = 'output.weight';
      side = head[1]!;
    } else {
      return fail(`The adapter has a tensor ToolTune does not convert: ${name}.`);
    }
    const pair = pairs.get(tensor) ?? { target };
    if (side === 'A') pair.a = entry;
    else pair.b = entry;
    pairs.set(tensor, pair);
  }
  if (pairs.size === 0) fail('The adapter has no LoRA tensors.');
  const headCount = architecture === 'llama' ? getNumber(base.metadata, 'llama.attention.head_count') : 0;
  const kvHeadCount = architecture === 'llama' ? getNumber(base.metadata, 'llama.attention.head_count_kv') : 0;

  const writer = new GgufWriter();
  writer.setString('general.architecture', architecture);
  writer.setString('general.type', 'adapter');
  writer.setString('adapter.type', 'lora');
  const alpha = config.use_rslora ? config.lora_alpha * Math.sqrt(config.r) : config.lora_alpha;
  writer.setF32('adapter.lora.alpha', alpha);
  const targets = new Set<LoraTarget>();
  for (const [tensor, { a, b, target }] of pairs) {
    if (!a || !b) fail(`The adapter has only one of lora_A and lora_B for ${tensor}.`);
    const baseTensor = baseTensors.get(tensor) ?? fail(`The base has no ${tensor}: this adapter was trained for another model.`);
    const [inputs = 0, outputs = 0] = baseTensor.dims;
    const [aRows, aColumns] = a!.shape;
    const [bRows, bColumns] = b!.shape;
    if (a!.shape.length !== 2 || b!.shape.length !== 2 || aRows !== config.r || bColumns !== config.r || aColumns !== inputs || bRows !== outputs) {
      fail(`${tensor}: lora_A ${JSON.stringify(a!.shape)} and lora_B ${JSON.stringify(b!.shape)} do not fit the base's [${outputs}, ${inputs}] with rank ${config.r}: this adapter was trained for another model.`);
    }
    const heads = target === 'attn_q' ? headCount : target === 'attn_k' ? kvHeadCount : 0;
    writer.addTensor({ name: `${tensor}.lora_a`, dims: [inputs, config.r], type: 'F32', data: () => readTensor(weights, dataStart, a!) });
    writer.addTensor({
      name: `${tensor}.lora_b`,
      dims: [config.r, outputs],
      type: 'F32',
      data: () => {
        const values = readTensor(weights, dataStart, b!);
        return heads > 0 ? permuteRows(values, outputs, config.r, heads) : values;
      },
    });
    targets.add(target);
  }
  writer.writeFile(out);
  return { rank: config.r, alpha, targets: [...targets], source: `PEFT adapter ${dir} (r ${config.r}, lora_alpha ${config.lora_alpha}${config.use_rslora ? ', rsLoRA' : ''})` };
}

/** Checks a GGUF adapter against the base it is for; returns what it is. */
export function checkGgufAdapter(path: string, basePath: string): ImportedAdapter {
  let adapter: GgufFile;
  try {
    adapter = readGgufFile(path);
  } catch (error) {
    return fail(`${basename(path)} is not a readable GGUF: ${(error as Error).message}`);
  }
  if (getOptionalString(adapter.metadata, 'general.type') !== 'adapter' || getOptionalString(adapter.metadata, 'adapter.type') !== 'lora') fail(`${basename(path)} is not a LoRA adapter GGUF.`);
  const base = readGgufFile(basePath);
  if (getOptionalString(adapter.metadata, 'general.architecture') !== getOptionalString(base.metadata, 'general.architecture')) fail(`${basename(path)} is for another architecture than the base.`);
  const baseTensors = new Map(base.tensors.map((t) => [t.name, t]));
  let rank = 0;
  const targets = new Set<LoraTarget>();
  for (const tensor of adapter.tensors) {
    const match = /^(.+)\.lora_([ab])$/.exec(tensor.name) ?? fail(`${basename(path)} has a tensor that is not a LoRA half: ${tensor.name}.`);
    const baseTensor = baseTensors.get(match[1]!) ?? fail(`The base has no ${match[1]}: this adapter was trained for another model.`);
    const [inputs = 0, outputs = 0] = baseTensor.dims;
    const [first = 0, second = 0] = tensor.dims;
    const fits = match[2] === 'a' ? first === inputs : second === outputs;
    if (!fits) fail(`${tensor.name} does not fit the base's ${match[1]}: this adapter was trained for another model.`);
    rank = match[2] === 'a' ? second : first;
    const target = /^blk\.\d+\.(\w+)\.weight$/.exec(match[1]!)?.[1] ?? (match[1] === 'output.weight' ? 'output' : null);
    if (target !== null) targets.add(target as LoraTarget);
  }
  if (rank === 0) fail(`${basename(path)} has no LoRA tensors.`);
  const alpha = adapter.metadata.has('adapter.lora.alpha') ? getNumber(adapter.metadata, 'adapter.lora.alpha') : rank;
  return { rank, alpha, targets: [...targets], source: `GGUF adapter ${path}` };
}
